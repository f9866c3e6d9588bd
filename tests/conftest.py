"""Shared fixtures: build small notebooks in memory or on disk."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nbrefactor import Notebook, read_notebook_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
#: Notebooks that stress the parser and the planner's safety rules: IPython syntax of
#: every kind, functions writing globals, classes reading them. Not examples to follow.
HARD_CASES = REPO / "tests" / "notebooks"


@pytest.fixture(autouse=True, scope="session")
def _journals_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Journals of interrupted writes go to a folder of the test run, not the user's
    ~/.local/state (the subprocesses the tests start inherit the variable)."""
    os.environ["NBREFACTOR_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))


@pytest.fixture(autouse=True, scope="session")
def _caches_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """mypy's cache for the annotations ``extract --verify`` checks goes to a folder of
    the test run, not the user's ~/.cache (one cold check per run, then warm)."""
    os.environ["NBREFACTOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes: compared before and after a command
    to prove it wrote nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def all_notebooks() -> list[Path]:
    """The examples and the hard cases: every notebook the suite runs end to end."""
    return sorted(
        path
        for folder in (EXAMPLES, HARD_CASES)
        for path in [*folder.glob("*.ipynb"), *folder.glob("*.py")]
    )


CellSpec = str | tuple[str, str] | tuple[str, str, int | None]


def notebook_dict(*cells: CellSpec, language: str = "python") -> dict[str, Any]:
    """An nbformat 4.5 notebook; a cell is ``source`` (code), ``(type, source)`` or
    ``("code", source, execution_count)``."""
    built = []
    for number, spec in enumerate(cells):
        if isinstance(spec, str):
            spec = ("code", spec)
        cell_type, source = spec[0], spec[1]
        cell: dict[str, Any] = {
            "cell_type": cell_type,
            "id": f"cell-{number}",
            "metadata": {},
            "source": source,
        }
        if cell_type == "code":
            cell["execution_count"] = spec[2] if len(spec) > 2 else None  # type: ignore[misc]
            cell["outputs"] = []
        built.append(cell)
    return {
        "cells": built,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture
def make_notebook() -> Callable[..., Notebook]:
    """Build a :class:`Notebook` from cell specs (see :func:`notebook_dict`)."""

    def build(*cells: CellSpec) -> Notebook:
        return read_notebook_text(json.dumps(notebook_dict(*cells)), "test.ipynb")

    return build


@pytest.fixture
def write_notebook(tmp_path: Path) -> Callable[..., Path]:
    """Write a notebook built from cell specs to ``tmp_path`` and return its path."""

    def write(*cells: CellSpec, name: str = "nb.ipynb") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(notebook_dict(*cells)), encoding="utf-8")
        return path

    return write


def run_extract(*args: str) -> tuple[int, str, str]:
    """``nbrefactor extract ARGS`` through the command line: exit code, stdout, stderr."""
    from click.testing import CliRunner

    from nbrefactor import cli

    result = CliRunner().invoke(cli.main, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr
