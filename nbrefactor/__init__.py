"""nbrefactor: turn exploratory Jupyter notebooks into a tested Python package.

The public API is what ``__all__`` lists; everything else may change between releases.
"""

from __future__ import annotations

from nbrefactor.analysis.facts import CellFacts, DefFacts, analyse_source
from nbrefactor.analysis.graph import CellGraph, Edge, build_graph
from nbrefactor.diagnostics import Diagnostic
from nbrefactor.errors import NbrefactorError, NotebookReadError, UnsupportedNotebookError
from nbrefactor.notebook.magics import MaskedCell, mask, unmask
from nbrefactor.notebook.model import Cell, Location, Notebook
from nbrefactor.notebook.reader import read_notebook, read_notebook_text

__version__ = "0.1.0.dev0"

__all__ = [
    "Cell",
    "CellFacts",
    "CellGraph",
    "DefFacts",
    "Diagnostic",
    "Edge",
    "Location",
    "MaskedCell",
    "NbrefactorError",
    "Notebook",
    "NotebookReadError",
    "UnsupportedNotebookError",
    "__version__",
    "analyse_source",
    "build_graph",
    "mask",
    "read_notebook",
    "read_notebook_text",
    "unmask",
]
