"""Values written as the code that makes them again, for recorded tests to show."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nbrefactor.verification.literals import literal, same


@pytest.mark.parametrize(
    ("value", "code", "check"),
    [
        (3, "3", "equal"),
        (2.5, "2.5", "approx"),
        (float("nan"), 'float("nan")', "approx"),
        ("it's", '"it\'s"', "equal"),
        ((1,), "(1,)", "equal"),
        ([1, 2.0, "x"], '[1, 2.0, "x"]', "approx"),
        ({"n": 4, "max": 2.0}, '{"n": 4, "max": 2.0}', "approx"),
        ({"a": [1.0, 2.0]}, '{"a": [1.0, 2.0]}', "same"),  # nested: pytest.approx cannot
        (set(), "set()", "equal"),
        (datetime.date(2024, 1, 2), "datetime.date(2024, 1, 2)", "equal"),
        (Path("data/x.csv"), 'Path("data/x.csv")', "equal"),
        (np.float64(3.25), "np.float64(3.25)", "approx"),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), "np.array([[1.0, 2.0], [3.0, 4.0]])", "allclose"),
        (np.arange(3, dtype=np.int32), 'np.array([0, 1, 2]).astype("int32")', "array_equal"),
        (pd.Timestamp("2024-01-01"), 'pd.Timestamp("2024-01-01 00:00:00")', "equal"),
        (np.zeros((41, 41)), "np.full((41, 41), 0.0)", "allclose"),  # one value everywhere
    ],
)
def test_plain_values(value: Any, code: str, check: str) -> None:
    found = literal(value)
    assert found is not None
    assert (found.code, found.check) == (code, check)


def test_a_small_frame_is_written_by_columns_with_only_the_dtypes_it_needs() -> None:
    frame = pd.DataFrame(
        {"qty": np.array([1, 2], dtype="int32"), "price": [1.5, np.nan]}, index=[5, 7]
    )
    found = literal(frame)
    assert found is not None
    assert found.code == (
        'pd.DataFrame({"qty": [1, 2], "price": [1.5, float("nan")]}, index=[5, 7])'
        '.astype({"qty": "int32"})'
    )
    assert found.imports == {"import pandas as pd"} and found.check == "frame"


def test_a_series_keeps_its_labels_and_name() -> None:
    series = pd.DataFrame({"g": ["a", "b", "a"]}).groupby("g").size().rename("n")
    found = literal(series)
    assert found is not None
    assert found.code == 'pd.Series([2, 1], index=pd.Index(["a", "b"], name="g"), name="n")'


@pytest.mark.parametrize(
    "value",
    [
        pd.DataFrame({"x": range(100)}),  # too many rows to read
        np.arange(1000),
        "x" * 2000,
        list(range(1000)),
        pd.DataFrame({"x": [1]}).set_index(pd.MultiIndex.from_tuples([("a", 1)])),
        object(),  # no literal at all
        {"f": len},
    ],
)
def test_no_literal_for_what_is_too_large_or_cannot_be_written(value: Any) -> None:
    assert literal(value) is None


def test_every_literal_makes_the_same_value_again() -> None:
    values = [
        pd.Series(["a", "b"], dtype="category"),
        pd.Series(pd.array([1, None], dtype="Int64")),
        pd.Series([pd.NaT, pd.Timestamp("2020-01-01")]),
        pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-02-01"])}),
        pd.DataFrame({"x": [1.0]}, index=pd.Index(["r"], name="region")),
        np.array(["a", "bb"]),
        [np.int64(1), {"k": (1.5, None)}],
    ]
    for value in values:
        found = literal(value)
        assert found is not None, value
        namespace = {"np": np, "pd": pd}
        assert same(eval(found.code, namespace), value), found.code


def test_same_is_strict_about_types_and_dtypes() -> None:
    assert same(float("nan"), float("nan"))
    assert not same(1, 1.0)
    assert not same(np.array([1, 2]), np.array([1.0, 2.0]))
    assert not same(pd.Series([1, 2]), pd.Series([1, 2], index=[1, 2]))
    assert same(pd.DataFrame({"a": [1.0, np.nan]}), pd.DataFrame({"a": [1.0, np.nan]}))
