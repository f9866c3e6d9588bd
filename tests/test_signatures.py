"""Parameters in snake_case and the data first, unless renaming could change behaviour."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from nbrefactor.codemods.rename_names import RenameNames
from nbrefactor.planning.signatures import (
    data_first,
    snake_case_parameters,
    unused_local_names,
)


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


def test_a_name_that_would_read_as_a_digit_stays() -> None:
    # `l` reads as `1` (pycodestyle's E741): the length stays `L`, the time step goes
    assert renamed("u = c * DT / L", "DT", "L") == {"DT": "dt"}


def test_a_name_that_would_become_a_builtin_stays() -> None:
    assert renamed("print(MAX, ID)", "MAX", "ID") == {}


def test_renaming_keeps_attributes_and_keywords_of_calls() -> None:
    source = "def f(SEED):\n    return model.SEED + fit(SEED=SEED, n=[SEED])\n"
    module = cst.parse_module(source).visit(RenameNames({"SEED": "seed"}))
    assert module.code == "def f(seed):\n    return model.SEED + fit(SEED=seed, n=[seed])\n"


def unused(source: str, *keep: str) -> dict[str, str]:
    return dict(unused_local_names(ast.parse(source).body, keep))


def test_unpacked_names_nothing_reads_get_a_leading_underscore() -> None:
    source = "fig, ax = plt.subplots()\nax.plot(x)\ncoef, res, rank, sv = lstsq(a, b)\nprint(rank)"
    assert unused(source, "coef") == {"fig": "_fig", "res": "_res", "sv": "_sv"}


def test_assigned_names_nothing_reads_get_a_leading_underscore() -> None:
    source = (
        "fig = plt.figure()\nplt.plot(x)\nscratch: list = []\nsize = 3\nprint(size)\n"
        "with open(path) as opened:\n    print('it opens')"
    )
    assert unused(source) == {"fig": "_fig", "opened": "_opened", "scratch": "_scratch"}


def test_what_a_class_body_binds_is_an_attribute_and_stays() -> None:
    assert unused("class Settings:\n    rate = 0.1\n    fig, ax = None, None") == {}


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("fig, ax = plt.subplots()\nfig.savefig('a.png')", "it is read"),
        ("fig = plt.figure()\nfig.savefig('a.png')", "a plain assignment, read"),
        ("fig = plt.figure()\nfig += 1", "changed in place"),
        ("fig, ax = plt.subplots()", "it is returned (kept)"),
        ("for i, row in df.iterrows():\n    print(row)\nprint(i)", "read after the loop"),
        ("a, b = f()\nprint(locals())", "the code looks at its namespace"),
        ("_fig, ax = f()\nfig, ax = g()\nax.plot()", "the new name is taken"),
        ("def g():\n    global fig\n    fig = 1\nfig, ax = f()\nax.plot()", "global"),
    ],
)
def test_unpacked_names_stay_when_anything_could_read_them(source: str, why: str) -> None:
    assert "fig" not in unused(source, "fig" if "returned" in why else "") and "i" not in unused(
        source
    ), why
