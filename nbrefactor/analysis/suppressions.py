"""Suppression comments: findings a user has looked at and decided to keep.

Two forms, like a linter's ``noqa``:

* ``# nbrefactor: ignore[NBR001]`` at the end of a line silences those codes for
  findings reported on that line; without ``[...]`` it silences every code there;
* ``# nbrefactor: ignore-cell[NBR001, NBR101]`` on a line of its own, anywhere in a
  cell, silences those codes (or, without ``[...]``, every code) in the whole cell.

A code may be a prefix, as in ``--select``: ``NBR1`` covers ``NBR100`` to ``NBR199``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from nbrefactor.notebook.magics import split_lines

#: What every suppression comment starts with; a cell without it has none.
MARKER = "nbrefactor:"

_COMMENT = re.compile(r"#\s*nbrefactor:\s*ignore(?P<cell>-cell)?(?:\[(?P<codes>[^\]]*)\])?")
_OWN_LINE = re.compile(r"^\s*#")


class CellSuppressions(NamedTuple):
    """The suppression comments of one cell. A code set of None means every code."""

    #: 1-based line in the cell -> the codes silenced on it.
    lines: dict[int, frozenset[str] | None]
    #: Codes silenced in the whole cell; an empty set when there is no cell comment.
    cell: frozenset[str] | None = frozenset()

    def covers(self, code: str, line: int | None = None) -> bool:
        """Whether a finding ``code`` reported at ``line`` of this cell is silenced."""
        if _matches(self.cell, code):
            return True
        return line is not None and line in self.lines and _matches(self.lines[line], code)


def cell_suppressions(source: str) -> CellSuppressions | None:
    """The suppression comments in a cell's ``source``; None when it has none (the
    common case, found without looking at its lines)."""
    if MARKER not in source:
        return None
    lines: dict[int, frozenset[str] | None] = {}
    cell: frozenset[str] | None = frozenset()
    comments = _comments(source)
    for number, text in enumerate(split_lines(source), start=1):  # lines as Python counts them
        # the marker counts in the line's comment, not in a string before it
        found = _COMMENT.search(text if comments is None else comments.get(number, ""))
        if found is None:
            continue
        codes = _codes(found.group("codes"))
        if found.group("cell"):
            if _OWN_LINE.match(text):  # `x = 1  # nbrefactor: ignore-cell` is a typo, not a cell
                cell = None if codes is None or cell is None else cell | codes
        else:
            lines[number] = codes
    if not lines and cell == frozenset():
        return None
    return CellSuppressions(lines, cell)


def _comments(source: str) -> dict[int, str] | None:
    """The comments of ``source`` that hold the marker, by line, as Python's tokenizer
    sees them; None when it cannot (IPython syntax, unfinished code): any line may
    then hold one."""
    import io
    import tokenize  # only for the rare cell with a marker: not on every start

    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return {
            token.start[0]: token.string
            for token in tokens
            if token.type == tokenize.COMMENT and MARKER in token.string
        }
    except (tokenize.TokenError, SyntaxError):
        return None


def _codes(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    codes = frozenset(code.strip().upper() for code in text.split(",") if code.strip())
    return codes or None  # `ignore[]` silences everything, as a bare `ignore` does


def _matches(codes: frozenset[str] | None, code: str) -> bool:
    if codes is None:
        return True
    return any(code.startswith(prefix) for prefix in codes)
