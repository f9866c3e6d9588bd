"""The code of a module of recorded tests: one test function per call case.

A test sets the scene (environment variables, folders, input files), binds the
arguments too long to write inside the call to names, makes the call, and compares
the result the way its kind compares (``==``, ``pytest.approx``, pandas' and numpy's
asserts, a helper for nested values), or checks what a function returning None printed.
Values too large to write out are loaded from the data files, with a comment saying
what they are.
"""

from __future__ import annotations

import hashlib
import keyword
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nbrefactor.emit.templating import checked_python, docstring, render
from nbrefactor.verification.call_cases import CallCase, Expected, Value
from nbrefactor.verification.literals import THIRD_PARTY, string_literal

#: Characters of a value's code written inside the call rather than on a line before it.
_INLINE = 40

#: How a test compares a result with the expected value, by check.
_ASSERTS = {
    "equal": "assert {actual} == {expected}",
    "approx": "assert {actual} == pytest.approx({expected})",
    "frame": "pd.testing.assert_frame_equal({actual}, {expected})",
    "series": "pd.testing.assert_series_equal({actual}, {expected})",
    "index": "pd.testing.assert_index_equal({actual}, {expected})",
    "allclose": "np.testing.assert_allclose({actual}, {expected})",
    "array_equal": "np.testing.assert_array_equal({actual}, {expected})",
    "same": "assert_same({actual}, {expected})",
}
_CHECK_IMPORTS = {
    "approx": "import pytest",
    "frame": "import pandas as pd",
    "series": "import pandas as pd",
    "index": "import pandas as pd",
    "allclose": "import numpy as np",
    "array_equal": "import numpy as np",
}


def name_of_test(case: CallCase) -> str:
    """The name of the test that makes ``case``'s call."""
    name = f"test_{case.function}" + (f"_call_{case.number}" if case.number > 1 else "")
    return name + ("_on_first_rows" if case.rows else "")


@dataclass(frozen=True, slots=True)
class StoredData:
    """Where the data files of a module's tests go under its data folder: each under
    its name (an input file's own, ``<parameter>.pickle`` or ``<function>_result.pickle``
    for a value), stored once for the tests that need that name with that content; a
    second content under a name taken goes in the folder of its test."""

    places: dict[tuple[str, str], str]  # (name, content hash) -> path under the folder


@cache
def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def labelled_values(case: CallCase) -> list[tuple[str, Value]]:
    labelled = [
        (argument.name or f"argument_{index}", argument.value)
        for index, argument in enumerate(case.arguments, 1)
    ]
    if case.expected is not None:
        labelled.append((f"{case.function}_result", case.expected.value))
    for change in case.changed:
        label = labelled[change.argument][0]
        labelled.append((f"{label}_after", change.expected.value))
    return labelled


class _TestWriter:
    """Writes the body of one test, collecting the imports and helpers it uses."""

    def __init__(self, module_name: str, stored: StoredData) -> None:
        self.module_name = module_name
        self.stored = stored
        self.imports: set[str] = set()
        self.helpers: set[str] = set()

    def test(self, case: CallCase) -> dict[str, object]:
        assert case.expected is not None
        name = name_of_test(case)
        setup: list[str] = []
        for variable, setting in case.env:
            setenv = f"monkeypatch.setenv({string_literal(variable)}, {string_literal(setting)})"
            setup.append(setenv)
        for folder in case.folders:
            self.helpers.add("Path")
            setup.append(f"Path({string_literal(folder)}).mkdir(parents=True, exist_ok=True)")
        for file in case.files:
            place = self.stored.places[(file.name, digest(file.data))]
            self.helpers.add("copy_input")
            extra = "" if place == file.name else f", stored={string_literal(place)}"
            setup.append(f"copy_input({string_literal(file.name)}{extra})")
        if case.rows:
            setup.append(
                f"# the notebook's call had {case.of_rows:,} rows; these are its first {case.rows}"
            )
        reserved = {"result", "expected", self.module_name, *_RESERVED}
        changed = {change.argument for change in case.changed}
        parts: list[str] = []
        locals_: list[str] = []  # the name each argument has in the test, or ""
        labels = [label for label, _ in labelled_values(case)]  # of their data files
        for index, argument in enumerate(case.arguments, 1):
            label = labels[index - 1]
            code = self._value_code(argument.value, f"{label}.pickle", setup)
            local = ""
            if (
                argument.value.code is None
                or len(code) > _INLINE
                or "\n" in code
                or index - 1 in changed  # the test looks at it after the call
            ):
                local = label if label not in reserved else f"{label}_value"
                setup.append(f"{local} = {code}")
                code = local
            locals_.append(local)
            parts.append(f"{argument.name}={code}" if argument.keyword else code)
        call = f"{self.module_name}.{case.function}({', '.join(parts)})"
        check = case.expected.check
        value = case.expected.value
        fixtures = ["monkeypatch"] if case.env else []
        test = {"name": name, "setup": setup, "fixtures": fixtures}
        if check == "none" and case.printed is not None:
            printed = string_literal(case.printed)
            lines = [f"assert {call} is None", f"assert capsys.readouterr().out == {printed}"]
            test["fixtures"] = ["capsys", *fixtures]
        elif check == "none":
            lines = [f"assert {call} is None"]
        elif check == "type":
            kind = (value.code or "object").rpartition(".")[2]
            lines = [f"result = {call}", "", f'assert type(result).__name__ == "{kind}"']
        else:
            lines = [f"result = {call}", ""]
            lines += self._check("result", case.expected, f"{case.function}_result")
        for change in case.changed:  # what the call did to its arguments
            local = locals_[change.argument]
            lines += ["", f"# the call changes `{local}`"]
            lines += self._check(local, change.expected, f"{labels[change.argument]}_after")
        return {**test, "lines": lines}

    def _check(self, actual: str, expected: Expected, label: str) -> list[str]:
        """Lines checking that ``actual`` (a name) holds ``expected``'s value, its data
        file (if it needs one) named after ``label``."""
        check, value = expected.check, expected.value
        if check in _CHECK_IMPORTS:
            self.imports.add(_CHECK_IMPORTS[check])
        if check == "same":
            self.helpers.add("assert_same")
        lines: list[str] = []
        code = self._value_code(value, f"{label}.pickle", lines)
        if value.code is None or len(code) > _INLINE * 2 or "\n" in code:
            name = "expected" if actual == "result" else f"{actual}_expected"
            lines.append(f"{name} = {code}")
            code = name
        if check == "approx" and "nan" in (value.code or ""):
            code += ", nan_ok=True"
        if check == "equal" and code in ("True", "False", "None"):
            return [*lines, f"assert {actual} is {code}"]
        return [*lines, _ASSERTS[check].format(actual=actual, expected=code)]

    def _value_code(self, value: Value, name: str, lines: list[str]) -> str:
        """Code making ``value``: its literal, or loading the data file it is stored
        in (with a comment on ``lines`` saying why)."""
        if value.code is not None:
            self.imports.update(value.imports)
            return value.code
        assert value.data is not None
        self.helpers.add("load")
        why = "too large to write out here" if value.too_large else "no literal makes it again"
        lines.append(f"# {value.description}: {why}")
        place = self.stored.places[(name, digest(value.data))]
        return f"load({string_literal(place)})"


#: Names the test module defines or imports, which a test's locals must not hide.
_RESERVED = frozenset(
    {"np", "pd", "pytest", "math", "shutil", "pickle", "Path", "datetime", "DATA"}
    | {"load", "copy_input", "assert_same", *keyword.kwlist}
)


def render_test_module(
    module: str,
    cases: Sequence[CallCase],
    stored: StoredData,
    path: Path,
    *,
    folder_fixture: bool = True,
) -> str:
    """The test module of ``cases``, calls of ``module``'s functions. With
    ``folder_fixture`` it runs each test in an empty folder of its own; without, the
    project's conftest.py does that already."""
    package_module, _, name = module.rpartition(".")
    writer = _TestWriter(name, stored)
    tests = [writer.test(case) for case in cases]
    helpers = writer.helpers
    third_party = sorted(writer.imports & THIRD_PARTY)
    standard = writer.imports - set(third_party) - {"import pytest"}
    standard |= {"import shutil"} if "copy_input" in helpers else set()
    standard |= {"import pickle"} if "load" in helpers else set()
    standard |= {"import math"} if "assert_same" in helpers else set()
    if helpers & {"copy_input", "load", "Path"}:
        standard.add("from pathlib import Path")
    # as isort orders them: plain imports, then from-imports, each alphabetical
    ordered = sorted(standard, key=lambda line: (line.startswith("from"), line))
    text = render(
        "test_recorded.py.jinja",
        docstring=docstring(
            f"Calls of {module} as the notebook made them when nbrefactor recorded a "
            "run: each test expects what the call returned (or printed) then."
            + (
                " A test on first rows calls a function on the first rows of what the "
                "notebook passed it, and expects what it returned for them when "
                "nbrefactor wrote the test."
                if any(c.rows for c in cases)
                else ""
            )
        ),
        package_module=package_module,
        module_name=name,
        standard_imports=ordered,
        third_party_imports=third_party,
        helpers=helpers,
        tests=tests,
        folder_fixture=folder_fixture,
        uses_pytest=folder_fixture or "assert_same" in helpers or "import pytest" in writer.imports,
    )
    return checked_python(text, str(path))
