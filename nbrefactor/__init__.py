"""nbrefactor: turn exploratory Jupyter notebooks into a tested Python package.

The public API is what ``__all__`` lists; everything else may change between releases.
Names are imported on first use, so a command (or a pre-commit hook) that needs one
part of nbrefactor does not pay for loading the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nbrefactor._version import __version__

_WHERE = {
    "Cell": "nbrefactor.notebook.model",
    "CellFacts": "nbrefactor.analysis.facts",
    "CellGraph": "nbrefactor.analysis.graph",
    "ChangedOnDisk": "nbrefactor.errors",
    "CloneClass": "nbrefactor.analysis.clone_classes",
    "Config": "nbrefactor.config",
    "DefFacts": "nbrefactor.analysis.facts",
    "Diagnostic": "nbrefactor.diagnostics",
    "DuplicateReport": "nbrefactor.api.check",
    "Edge": "nbrefactor.analysis.graph",
    "ExecutionFailed": "nbrefactor.errors",
    "ExtractionResult": "nbrefactor.api.results",
    "Location": "nbrefactor.notebook.model",
    "MaskedCell": "nbrefactor.notebook.magics",
    "NbrefactorError": "nbrefactor.errors",
    "Notebook": "nbrefactor.notebook.model",
    "NotebookReadError": "nbrefactor.errors",
    "RunOptions": "nbrefactor.verification.execute",
    "UnsupportedNotebookError": "nbrefactor.errors",
    "Verification": "nbrefactor.verification.proof",
    "analyse_source": "nbrefactor.analysis.facts",
    "build_graph": "nbrefactor.analysis.graph",
    "extract": "nbrefactor.api.extract",
    "find_duplicates": "nbrefactor.api.check",
    "load_config": "nbrefactor.config",
    "mask": "nbrefactor.notebook.magics",
    "read_notebook": "nbrefactor.notebook.reader",
    "read_notebook_text": "nbrefactor.notebook.reader",
    "unmask": "nbrefactor.notebook.magics",
    "verify": "nbrefactor.api.verify",
}

__all__ = [
    "Cell",
    "CellFacts",
    "CellGraph",
    "ChangedOnDisk",
    "CloneClass",
    "Config",
    "DefFacts",
    "Diagnostic",
    "DuplicateReport",
    "Edge",
    "ExecutionFailed",
    "ExtractionResult",
    "Location",
    "MaskedCell",
    "NbrefactorError",
    "Notebook",
    "NotebookReadError",
    "RunOptions",
    "UnsupportedNotebookError",
    "Verification",
    "__version__",
    "analyse_source",
    "build_graph",
    "extract",
    "find_duplicates",
    "load_config",
    "mask",
    "read_notebook",
    "read_notebook_text",
    "unmask",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'nbrefactor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from nbrefactor.analysis.clone_classes import CloneClass
    from nbrefactor.analysis.facts import CellFacts, DefFacts, analyse_source
    from nbrefactor.analysis.graph import CellGraph, Edge, build_graph
    from nbrefactor.api.check import DuplicateReport, find_duplicates
    from nbrefactor.api.extract import extract
    from nbrefactor.api.results import ExtractionResult
    from nbrefactor.api.verify import verify
    from nbrefactor.config import Config, load_config
    from nbrefactor.diagnostics import Diagnostic
    from nbrefactor.errors import (
        ChangedOnDisk,
        ExecutionFailed,
        NbrefactorError,
        NotebookReadError,
        UnsupportedNotebookError,
    )
    from nbrefactor.notebook.magics import MaskedCell, mask, unmask
    from nbrefactor.notebook.model import Cell, Location, Notebook
    from nbrefactor.notebook.reader import read_notebook, read_notebook_text
    from nbrefactor.verification.execute import RunOptions
    from nbrefactor.verification.proof import Verification
