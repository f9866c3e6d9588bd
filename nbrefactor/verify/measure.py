"""How much code a notebook holds: the measure of how much an extraction moved."""

from __future__ import annotations

import ast

from nbrefactor import pysource
from nbrefactor.notebook.magics import mask
from nbrefactor.notebook.model import Notebook


def code_statements(notebook: Notebook) -> int:
    """Statements in the notebook's code cells, nested ones included; an IPython line
    (``%time``, ``!ls``) counts as one, an opaque cell (``%%bash``) as one."""
    total = 0
    for cell in notebook.code_cells:
        masked = mask(cell.source)
        if masked.opaque:
            total += 1
            continue
        try:
            tree = pysource.parse(masked.code)
        except (SyntaxError, ValueError, RecursionError):
            total += 1
            continue
        total += sum(isinstance(node, ast.stmt) for node in ast.walk(tree))
    return total


def moved_ratio(before: Notebook, after: Notebook) -> float:
    """The share of the original statements that no longer are in the notebook (calls
    and the import cell count against it)."""
    old = code_statements(before)
    return (old - code_statements(after)) / old if old else 0.0
