"""The ``graph`` job: a notebook's cell graph, with its hidden-state diagnostics."""

from __future__ import annotations

from pathlib import Path

from nbrefactor.analysis.graph import CellGraph, build_graph
from nbrefactor.notebook.reader import read_notebook


def graph(path: Path | str) -> CellGraph:
    """Read the notebook at ``path`` and link its cells.

    Raises:
        NotebookReadError: the notebook cannot be read.
        UnsupportedNotebookError: it is not a Python notebook nbrefactor can read.
    """
    return build_graph(read_notebook(path))
