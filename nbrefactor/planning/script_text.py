"""The text of a run of script cells as it moves: the function's body (comments kept),
what stays in the cells (imports, leading settings) and the comment the run starts
with, cut from the cells' own lines."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from nbrefactor.planning.script_cells import ScriptCell, line_span
from nbrefactor.pysource import code_lines, comment_start, first_line, indent


def first_comment(run: list[ScriptCell]) -> str | None:
    """The comment the run's code starts with, if its first cell starts with one (and
    not with settings or imports that stay, which the comment is about)."""
    first = run[0]
    if first.tree.body and first.tree.body[0] in first.kept:
        return None
    code = first.facts.masked.code if first.facts.masked else ""
    for line in code_lines(code):
        stripped = line.strip()
        if stripped.startswith("#") and len(stripped) > 3:
            return stripped.lstrip("# ")
        if stripped:
            break
    return None


def segment(cell: ScriptCell, statement: ast.stmt) -> str:
    """The source of ``statement``, one of ``cell``'s."""
    code = cell.facts.masked.code if cell.facts.masked else ""
    return ast.get_source_segment(code, statement) or ""


def kept_text(cell: ScriptCell) -> str:
    """What stays of ``cell`` before the call: its imports and leading settings, with
    the comments above them."""
    lines = _lines(cell)
    kept = _lines_of(cell.kept, cell.tree.body, lines)
    if not kept:
        return ""
    others = _lines_of([s for s in cell.tree.body if s not in cell.kept], cell.tree.body, lines)
    return _joined(
        lines[number - 1] for number in range(min(kept), max(kept) + 1) if number not in others
    )


def _lines_of(
    statements: Sequence[ast.stmt], everything: Sequence[ast.stmt], lines: Sequence[str]
) -> set[int]:
    """The line numbers of ``statements`` (some of ``everything``), each with the
    comment lines right above it."""
    taken = {number for statement in everything for number in line_span(statement)}
    found: set[int] = set()
    for statement in statements:
        found.update(line_span(statement))
        first = first_line(statement)
        found.update(range(comment_start(lines, first, taken), first))
    return found


def _lines(cell: ScriptCell) -> list[str]:
    return code_lines(cell.facts.masked.code if cell.facts.masked else "")


def _joined(lines: Iterable[str]) -> str:
    """``lines`` as one text, without blank lines at either end or two in a row."""
    return re.sub(r"\n(\s*\n)+", "\n\n", "\n".join(lines)).strip("\n")


def body_text(run: list[ScriptCell], returns: Sequence[str]) -> str:
    """The moved code, comments included, indented for a function body."""
    chunks = []
    for cell in run:
        lines = _lines(cell)
        staying = [s for s in cell.tree.body if s not in cell.body]
        drop = _lines_of(cell.kept, cell.tree.body, lines)  # with their comments
        for statement in staying:
            drop.update(line_span(statement))
        text = _joined(line for number, line in enumerate(lines, start=1) if number not in drop)
        if text.strip():
            chunks.append(text)
    body = "\n\n".join(chunks)
    if returns:
        body += f"\nreturn {', '.join(returns)}"
    return indent(body)
