"""Parameters in snake_case and the data first, unless renaming could change behaviour."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from nbrefactor.codemods.rename_names import RenameNames
from nbrefactor.planning.signatures import data_first, snake_case_parameters


def renamed(source: str, *parameters: str) -> dict[str, str]:
    return dict(snake_case_parameters(parameters, ast.parse(source).body))


def test_settings_come_after_the_data() -> None:
    assert data_first(("SEED", "df", "N_ROWS", "rng")) == ("df", "rng", "SEED", "N_ROWS")


def test_upper_and_camel_case_parameters_become_snake_case() -> None:
    source = "rows = sample(table, N_ROWS, seed=SEED)\nprint(nUsers)"
    assert renamed(source, "table", "N_ROWS", "SEED", "nUsers") == {
        "N_ROWS": "n_rows",
        "SEED": "seed",
        "nUsers": "n_users",
    }


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("LIMIT = LIMIT + 1", "the code binds it too"),
        ("big = df.query('x > @LIMIT')", "a string reads it by name"),
        ("print(f'{LIMIT=}')", "an f-string shows its name"),
        ("print(locals())", "the code looks at its namespace"),
        ("limit = 3\nprint(LIMIT, limit)", "the new name is taken"),
        ("f = lambda LIMIT: LIMIT * 2\nprint(f(LIMIT))", "an inner scope binds it"),
    ],
)
def test_a_name_stays_when_renaming_could_change_behaviour(source: str, why: str) -> None:
    assert renamed(source, "LIMIT") == {}, why


def test_a_name_that_would_become_a_builtin_stays() -> None:
    assert renamed("print(MAX, ID)", "MAX", "ID") == {}


def test_renaming_keeps_attributes_and_keywords_of_calls() -> None:
    source = "def f(SEED):\n    return model.SEED + fit(SEED=SEED, n=[SEED])\n"
    module = cst.parse_module(source).visit(RenameNames({"SEED": "seed"}))
    assert module.code == "def f(seed):\n    return model.SEED + fit(SEED=seed, n=[seed])\n"
