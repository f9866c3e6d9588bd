"""Frozen value types for a notebook as nbrefactor sees it: cells, locations, the notebook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nbrefactor.notebook.headings import iter_headings

CellType = Literal["code", "markdown", "raw"]


def cell_number(index: int) -> int:
    """The number a person reads for the cell at ``index`` (0-based, among all cells):
    cells count from 1, markdown and raw cells included, as ruff numbers them. Every
    message, report and error that names a cell goes through here."""
    return index + 1


def index_of_cell(number: int) -> int:
    """The 0-based index of the cell a person calls ``number`` (:func:`cell_number`)."""
    return number - 1


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a notebook: ``cell_index`` counts all cells from 0, lines and columns
    from 1; line 0 stands for the file as a whole (:meth:`whole_file`). It prints with
    the cell's number (:func:`cell_number`): ``path:cell_N:line:col``."""

    path: str
    cell_index: int | None
    line: int = 1
    col: int = 1

    @classmethod
    def whole_file(cls, path: str) -> Location:
        """The file itself, not a place in it (one that could not be read)."""
        return cls(path, None, 0, 0)

    def __str__(self) -> str:
        if self.line == 0:
            return self.path
        if self.cell_index is None:
            return f"{self.path}:{self.line}:{self.col}"
        return f"{self.path}:cell_{cell_number(self.cell_index)}:{self.line}:{self.col}"


#: The key of nbrefactor's own cell metadata (``{"inserted": true}`` on a cell it added).
METADATA_KEY = "nbrefactor"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell, as stored in the notebook.

    ``headings`` is the path of markdown headings the cell sits under, outermost first;
    a markdown cell that holds a heading sits under its own heading.
    """

    index: int
    cell_type: CellType
    source: str
    id: str | None = None
    execution_count: int | None = None
    outputs: tuple[Mapping[str, Any], ...] = field(default=(), compare=False, hash=False)
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    headings: tuple[str, ...] = ()

    @property
    def heading(self) -> str | None:
        """The innermost markdown heading above (or in) this cell, if any."""
        return self.headings[-1] if self.headings else None

    @property
    def is_code(self) -> bool:
        return self.cell_type == "code"

    @property
    def inserted(self) -> bool:
        """Whether nbrefactor added this cell (the import of the moved code): it was not
        there when the notebook last ran, so it has no execution count."""
        marker = self.metadata.get(METADATA_KEY)
        return isinstance(marker, Mapping) and marker.get("inserted") is True

    @property
    def first_line(self) -> str:
        """The first non-blank line of the source, for labels and messages."""
        for line in self.source.splitlines():
            if line.strip():
                return line.strip()
        return ""


@dataclass(frozen=True, slots=True)
class Notebook:
    """A notebook read from disk; ``cells`` holds every cell, code or not, in order."""

    path: Path
    cells: tuple[Cell, ...]
    #: ``"ipynb"`` or a jupytext format such as ``"py:percent"``; kept when writing back.
    format: str
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    nbformat_version: tuple[int, int] = (4, 5)

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(cell for cell in self.cells if cell.is_code)

    @property
    def outputs_kept(self) -> bool:
        """Whether the file keeps its outputs: some code cell has one. When none has,
        they were cleared, and a cell without outputs may still show something."""
        return any(cell.outputs for cell in self.cells if cell.is_code)

    @property
    def title(self) -> str | None:
        """The notebook's title: a level-1 heading that opens its first cell."""
        first = self.cells[0] if self.cells else None
        if first is None or first.cell_type != "markdown" or not first.headings:
            return None
        level, text = next(iter_headings(first.source), (0, ""))
        return first.headings[0] if level == 1 and text == first.headings[0] else None

    def section(self, cell_index: int) -> str | None:
        """The heading of the section the cell is in, if any; the notebook's title (a
        heading in its first cell, over every cell) is no section."""
        headings = self.cells[cell_index].headings
        if not headings or headings == (self.title,):
            return None
        return headings[-1]

    def location(self, cell_index: int | None, line: int = 1, col: int = 1) -> Location:
        """A :class:`Location` in this notebook."""
        return Location(str(self.path), cell_index, line, col)
