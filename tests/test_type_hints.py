"""Type hints from the types recorded calls passed and returned."""

from __future__ import annotations

from pathlib import Path

from nbrefactor.codemods.add_annotations import Annotations
from nbrefactor.emit.type_hints import annotate_module, observed_types
from nbrefactor.verification.call_cases import Argument, CallCase, Expected, Value


def call(function: str, returned: str, **arguments: str) -> CallCase:
    return CallCase(
        "pkg.nb",
        function,
        1,
        tuple(Argument(n, False, Value(code="x", annotation=a)) for n, a in arguments.items()),
        Expected("equal", Value(code="x", annotation=returned)),
    )


def test_every_call_must_agree_on_a_type() -> None:
    found = observed_types(
        [
            call("scale", "float", values="list[float]", factor="int"),
            call("scale", "float", values="list[float]", factor="float"),  # int or float
            call("pick", "pandas.DataFrame", frame="pandas.DataFrame", column="str"),
            call("pick", "None", frame="pandas.DataFrame", column="int"),  # str or int: no
            call("show", "None", figure=""),  # a type no annotation can name
        ]
    )
    assert found[("pkg.nb", "scale")] == Annotations(
        {"values": "list[float]", "factor": "float"}, "float"
    )
    assert found[("pkg.nb", "pick")] == Annotations(
        {"frame": "pandas.DataFrame"}, "pandas.DataFrame | None"
    )
    assert found[("pkg.nb", "show")] == Annotations({}, "None")


MODULE = '''"""Code moved out of nb.ipynb by nbrefactor."""

import numpy as np
import pandas as pd


def summarise(frame, *, column):
    return frame.groupby(column).size()


def mine(frame):
    return frame


def fit(x, y) -> np.ndarray:
    return np.linalg.lstsq(x, y, rcond=None)[0]
'''


def test_only_functions_extract_made_are_annotated_and_through_the_module_imports() -> None:
    types = {
        "summarise": Annotations({"frame": "pandas.DataFrame", "column": "str"}, "pandas.Series"),
        "mine": Annotations({"frame": "pandas.DataFrame"}, "pandas.DataFrame"),
        "fit": Annotations({"x": "numpy.ndarray", "y": "sklearn.Thing"}, "tuple"),
    }
    text = annotate_module(MODULE, types, ["summarise", "fit"])
    assert "def summarise(frame: pd.DataFrame, *, column: str) -> pd.Series:" in text
    assert "def mine(frame):" in text  # the user's own function keeps its signature
    # sklearn is not imported: y is left out; the return was annotated already
    assert "def fit(x: np.ndarray, y) -> np.ndarray:" in text
    compile(text, str(Path("nb.py")), "exec")
