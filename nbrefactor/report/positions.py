"""Where a place in a notebook cell is in the notebook's file, for reports read beside
the file itself (GitHub annotations, SARIF).

A finding says ``cell 3, line 2``; GitHub shows an annotation on a line of the file. In
an ``.ipynb`` file each line of a cell's source is one string of the cell's ``source``
list, on a line of its own: that line of the JSON is where the finding points, so the
annotation (and code scanning's snippet) shows the very code it is about. In a text
notebook (jupytext's percent format, ...) it is the line the cell's code is on.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from pathlib import Path

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class FileLines:
    """Maps ``(path, cell index, line in the cell)`` to a line of the file, reading
    each file once; a place that cannot be mapped gives ``None``."""

    def __init__(self) -> None:
        self._files: dict[str, list[list[int]] | None] = {}

    def line(self, path: str, cell: int, line: int) -> int | None:
        """The 1-based line of the file ``path`` holding line ``line`` of cell ``cell``."""
        if path not in self._files:
            self._files[path] = _cell_lines(Path(path))
        cells = self._files[path]
        if cells is None or not 0 <= cell < len(cells) or not cells[cell]:
            return None
        lines = cells[cell]
        return lines[min(max(line, 1), len(lines)) - 1]


def _cell_lines(path: Path) -> list[list[int]] | None:
    """For each cell of the notebook at ``path``, the file line of each of its lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix.lower() == ".ipynb":
        try:
            return ipynb_cell_lines(text)
        except (ValueError, IndexError, TypeError):
            return None
    return _text_cell_lines(path, text)


def ipynb_cell_lines(text: str) -> list[list[int]] | None:
    """For each cell of an nbformat 4 notebook's JSON ``text``, the line of the file each
    line of its source is on (``None``: not a notebook with a ``cells`` list)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_at(position: int) -> int:
        return bisect_right(starts, position)

    top = _skip_space(text, 0)
    for key, at in _members(text, top):
        if key != "cells" or text[at] != "[":
            continue
        cells: list[list[int]] = []
        for cell_at in _items(text, at):
            lines: list[int] = []
            if text[cell_at] == "{":
                for cell_key, value_at in _members(text, cell_at):
                    if cell_key == "source":
                        lines = _source_lines(text, value_at, line_at)
            cells.append(lines)
        return cells
    return None


def _source_lines(text: str, at: int, line_at: Callable[[int], int]) -> list[int]:
    pieces = list(_items(text, at)) if text[at] == "[" else [at]
    lines: list[int] = []
    for piece in pieces:
        value, _ = _DECODER.raw_decode(text, piece)
        if not isinstance(value, str):
            raise TypeError("source is not text")
        # a piece ending with a newline holds whole lines; JSON keeps it on one line
        count = max(1, value.count("\n") + (0 if value.endswith("\n") else 1))
        lines.extend([line_at(piece)] * count)
    return lines


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _members(text: str, position: int) -> Iterator[tuple[str, int]]:
    """The keys of the JSON object at ``position`` and where each value starts."""
    entry = _first_entry(text, position, "{", "}")
    while entry is not None:
        key, position = _DECODER.raw_decode(text, entry)
        position = _skip_space(text, position)
        if text[position] != ":":
            raise ValueError("expected ':'")
        value_at = _skip_space(text, position + 1)
        yield str(key), value_at
        entry = _next_entry(text, value_at, "}")


def _items(text: str, position: int) -> Iterator[int]:
    """Where each item of the JSON array at ``position`` starts."""
    entry = _first_entry(text, position, "[", "]")
    while entry is not None:
        yield entry
        entry = _next_entry(text, entry, "]")


def _first_entry(text: str, position: int, opening: str, closing: str) -> int | None:
    """Where the first entry of the JSON object or array at ``position`` starts; None
    when it is empty."""
    if text[position] != opening:
        raise ValueError(f"expected {opening!r}")
    position = _skip_space(text, position + 1)
    return None if text[position] == closing else position


def _next_entry(text: str, value_at: int, closing: str) -> int | None:
    """Where the entry after the value at ``value_at`` starts; None when ``closing``
    ends the object or array there."""
    _, position = _DECODER.raw_decode(text, value_at)
    position = _skip_space(text, position)
    if text[position] == closing:
        return None
    if text[position] != ",":
        raise ValueError("expected ','")
    return _skip_space(text, position + 1)


def _text_cell_lines(path: Path, text: str) -> list[list[int]] | None:
    """The file lines of each cell of a text notebook: each cell's lines are looked for
    in order after the previous cell's (jupytext keeps code as it is, but comments out
    magics, so a line not found takes the line after the one before it)."""
    from nbrefactor.errors import NbrefactorError
    from nbrefactor.notebook.reader import read_notebook_text

    try:
        notebook = read_notebook_text(text, path)
    except NbrefactorError:
        return None
    file_lines = text.splitlines()
    cursor = 0
    cells: list[list[int]] = []
    for cell in notebook.cells:
        lines: list[int] = []
        for source_line in cell.source.splitlines() or [""]:
            found = _find(file_lines, source_line, cursor) if source_line.strip() else None
            at = found if found is not None else min(cursor, max(len(file_lines) - 1, 0))
            lines.append(at + 1)
            cursor = at + 1
        cells.append(lines)
    return cells


def _find(lines: list[str], wanted: str, start: int) -> int | None:
    for number in range(start, len(lines)):
        # jupytext comments magics out: `%time x` is written `# %time x`
        if lines[number] == wanted or lines[number].lstrip("# ") == wanted.strip():
            return number
    return None
