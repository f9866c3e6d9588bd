"""How much Python a notebook holds: the measure of how much an extraction moved."""

from __future__ import annotations

import ast

from nbrefactor import pysource
from nbrefactor.notebook.magics import is_masked_statement, mask
from nbrefactor.notebook.model import Notebook


def code_statements(notebook: Notebook) -> int:
    """Python statements in the notebook's code cells, nested ones included.

    IPython syntax is not counted (``!ls``, ``%env``, a ``%%bash`` cell): it is not
    Python that a package could hold. The Python a magic runs is counted
    (``%time x = f()`` is one statement, so is each statement of a ``%%time`` body).
    A cell that does not parse counts as one statement.
    """
    total = 0
    for cell in notebook.code_cells:
        masked = mask(cell.source)
        if masked.opaque:
            continue
        try:
            tree = pysource.parse(masked.code)
        except (SyntaxError, ValueError, RecursionError):
            total += 1
            continue
        total += sum(
            isinstance(node, ast.stmt) and not is_masked_statement(node) for node in ast.walk(tree)
        )
    return total


def moved_ratio(before: Notebook, after: Notebook) -> float:
    """The share of the original statements that are no longer in the notebook (the
    calls and the import cell that replace them count against it)."""
    old = code_statements(before)
    return (old - code_statements(after)) / old if old else 0.0
