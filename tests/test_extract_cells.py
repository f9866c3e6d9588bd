"""`nbrefactor extract --cells`: the cells a user chose become one function, through
the real command line, on the taxi example (a realistic notebook with outputs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nbrefactor import read_notebook
from tests.conftest import EXAMPLES, snapshot
from tests.conftest import run_extract as run

PROJECT = ("--project-dir", "proj", "--package", "taxi")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "taxi_tips.ipynb", tmp_path)
    (tmp_path / "data").mkdir()  # where the notebook writes its CSV
    return tmp_path


def test_the_chosen_cell_becomes_one_function_and_no_other_cell_changes(work: Path) -> None:
    before = read_notebook(work / "taxi_tips.ipynb")
    code, _, err = run("taxi_tips.ipynb", "--cells", "16", "--function", "evaluate_model", *PROJECT)
    assert code == 0, err
    assert "taxi_tips.ipynb: moved evaluate_model to taxi.taxi_tips" in err
    module = (work / "proj/src/taxi/taxi_tips.py").read_text()
    assert "\ndef evaluate_model(x_test, coef, y_test, y_train):\n" in module
    assert module.count("\ndef ") == 1
    after = read_notebook(work / "taxi_tips.ipynb")
    inserted = [c for c in after.cells if c.inserted]
    assert [c.source for c in inserted] == [
        "%load_ext autoreload\n%autoreload 2\nfrom taxi.taxi_tips import evaluate_model"
    ]
    kept = [c.source for c in after.cells if not c.inserted]
    assert (
        kept[15]
        == "pred = evaluate_model(x_test=X_test, coef=coef, y_test=y_test, y_train=y_train)"
    )
    assert kept[:15] + kept[16:] == [c.source for i, c in enumerate(before.cells) if i != 15]


def test_a_chosen_run_of_cells_is_verified_by_running_the_notebook(work: Path) -> None:
    code, _, err = run("taxi_tips.ipynb", "--cells", "18", "--verify", *PROJECT)
    assert code == 0, err
    assert "taxi_tips.ipynb -> its extraction into taxi: same outputs" in err
    assert "tested by 1 recorded call" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cells", "5-7"], "NBR226 'cells 5-7' not extracted: cannot move as one function "
         "as the cells were chosen: cell 5 shows output, which would move to cell 7"),
        (["--cells", "16,18"], "cell 17, between them, is not chosen"),
        (["--cells", "3"], "cell 3: it is a cell of settings, which stays where people tune"),
        (["--cells", "2"], "taxi_tips.ipynb: cell 2: no code to move"),
        (["--cells", "4"], "--cells: cell 4 is a markdown cell"),
        (["--cells", "20"], "--cells: the notebook has no cell 20 (its cells are 1-19)"),
        (["--cells", "0"], "cells are numbered from 1"),
        (["--cells", "16", "--function", "len"], "'len' would hide Python's builtin"),
        (["--cells", "16", "--function", "trips"], "'trips' is a name the notebook or the "),
        (["--cells", "16", "--function", "two words"], "'two words' is not a Python identifier"),
        (["--function", "evaluate"], "--function names the function of --cells"),
        (["--cells", "6-4"], "'6-4' counts down"),
        (["--cells", "4;6"], "'4;6' is not like 4-6 or 4,5,7"),
    ],
)  # fmt: skip
def test_cells_that_cannot_move_as_chosen_are_refused_with_the_reason(
    work: Path, arguments: list[str], message: str
) -> None:
    before = snapshot(work)
    code, _, err = run("taxi_tips.ipynb", *arguments, *PROJECT)
    assert code == 2
    assert message in err
    assert snapshot(work) == before


def test_cells_are_chosen_in_one_notebook(work: Path) -> None:
    shutil.copy(EXAMPLES / "weather_eda.ipynb", work)
    code, _, err = run("taxi_tips.ipynb", "weather_eda.ipynb", "--cells", "15", *PROJECT)
    assert code == 2
    assert "--cells chooses cells of one notebook" in err
