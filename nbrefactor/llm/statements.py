"""What the language model sees of a notebook: its top-level statements, numbered.

Each statement comes with its cell, its lines, its source and the names it defines and
reads (from the cell graph's analysis); markdown cells give their headings only. Cell
outputs, other files and the environment are never part of it; with
``redact_literals``, string literals are sent as ``"…"``.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from typing import Any

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.planning.dataflow import names_bound, names_read

#: A string literal, as the model sees it with ``redact-literals``.
REDACTED = '"…"'


@dataclass(frozen=True, slots=True)
class Statement:
    """Top-level statement ``id`` (numbered from 1 over the notebook): the ``place``-th
    top-level statement of cell ``cell`` (counting all cells from 0), on ``lines``."""

    id: int
    cell: int
    place: int
    lines: tuple[int, int]
    source: str
    defines: tuple[str, ...]
    reads: tuple[str, ...]


def number_statements(graph: CellGraph) -> list[Statement]:
    """The top-level statements of the notebook's code cells that parse, in order."""
    statements: list[Statement] = []
    for index, facts in graph.facts.items():
        if facts.tree is None:
            continue
        lines = graph.notebook.cells[index].source.splitlines()
        for place, node in enumerate(facts.tree.body):
            first = min([node.lineno, *(d.lineno for d in _decorators(node))])
            last = node.end_lineno or node.lineno
            statements.append(
                Statement(
                    id=len(statements) + 1,
                    cell=index,
                    place=place,
                    lines=(first, last),
                    source="\n".join(lines[first - 1 : last]),
                    defines=tuple(sorted(names_bound([node]))),
                    reads=tuple(sorted(names_read([node]))),
                )
            )
    return statements


def notebook_view(
    graph: CellGraph, statements: list[Statement], *, redact_literals: bool = False
) -> dict[str, Any]:
    """The notebook as the request shows it: cells in order, markdown cells by their
    headings, code cells by their numbered statements (or marked as not parsed)."""
    by_cell: dict[int, list[Statement]] = {}
    for statement in statements:
        by_cell.setdefault(statement.cell, []).append(statement)
    cells: list[dict[str, Any]] = []
    for cell in graph.notebook.cells:
        if cell.cell_type == "markdown":
            headings = [
                line.lstrip("#").strip()
                for line in cell.source.splitlines()
                if line.startswith("#") and line.lstrip("#").strip()
            ]
            if headings:
                cells.append({"cell": cell.index, "kind": "markdown", "headings": headings})
        elif cell.is_code:
            shown: dict[str, Any] = {"cell": cell.index, "kind": "code"}
            if cell.index in by_cell:
                shown["statements"] = [
                    {
                        "id": s.id,
                        "lines": list(s.lines),
                        "source": redacted(s.source) if redact_literals else s.source,
                        "defines": list(s.defines),
                        "reads": list(s.reads),
                    }
                    for s in by_cell[cell.index]
                ]
            elif cell.source.strip():
                shown["not_parsed"] = True
            cells.append(shown)
    return {"notebook": graph.notebook.path.name, "cells": cells}


def redacted(source: str) -> str:
    """``source`` with every string literal (f-strings included) written ``"…"``; as it
    is when it cannot be tokenized (IPython syntax)."""
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    try:
        opened: tuple[int, int] | None = None
        depth = 0
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            name = tokenize.tok_name[token.type]
            if name == "FSTRING_START":  # Python 3.12 splits f-strings into tokens
                depth += 1
                if depth == 1:
                    opened = token.start
            elif name == "FSTRING_END":
                depth -= 1
                if depth == 0 and opened is not None:
                    spans.append((opened, token.end))
            elif token.type == tokenize.STRING and depth == 0:
                spans.append((token.start, token.end))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    lines = source.splitlines(keepends=True)
    for (row, col), (end_row, end_col) in reversed(spans):
        head = lines[row - 1][:col]
        tail = lines[end_row - 1][end_col:]
        lines[row - 1 : end_row] = [head + REDACTED + tail]
    return "".join(lines)


def _decorators(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.decorator_list
    return []
