"""Write edits back into a notebook's own text, changing nothing else.

An ``.ipynb`` file is re-serialised in the JSON style it was written in (Jupyter's is
``indent=1``, sorted keys, no ASCII escapes), so unchanged cells, outputs and metadata
stay byte for byte as they were. A jupytext text notebook stays in its format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.model import METADATA_KEY

#: (indent, sort_keys, ensure_ascii) styles tried, Jupyter's first.
_STYLES: list[tuple[int | None, bool, bool]] = [
    (indent, sort_keys, ascii_only)
    for indent in (1, 2, 4, None)
    for sort_keys in (True, False)
    for ascii_only in (False, True)
]
_JUPYTER = _STYLES[0]


@dataclass(frozen=True, slots=True)
class NotebookEdit:
    """Changes to a notebook's cells, by index in the original notebook.

    ``sources`` replaces cell sources; ``removed`` drops cells; ``inserted`` adds new
    code cells before the cell at an index (the number of cells appends at the end).
    """

    sources: Mapping[int, str] = field(default_factory=dict)
    removed: frozenset[int] = frozenset()
    inserted: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.sources or self.removed or self.inserted)


def apply_edit(text: str, path: Path, edit: NotebookEdit) -> str:
    """The notebook ``text`` (stored at ``path``) with ``edit`` applied, in the line
    endings it had (a file written on Windows keeps its CRLF)."""
    if edit.empty:
        return text
    windows = "\r\n" in text
    if windows:
        text = text.replace("\r\n", "\n")
    if path.suffix.lower() == ".ipynb":
        edited = _edit_ipynb(text, path, edit)
    else:
        edited = _edit_text_notebook(text, path, edit)
    return edited.replace("\n", "\r\n") if windows else edited


def _edit_ipynb(text: str, path: Path, edit: NotebookEdit) -> str:
    data = json.loads(text)
    style = _json_style(text, data)
    cells = data.get("cells")
    if data.get("nbformat") != 4 or not isinstance(cells, list):
        raise NbrefactorError("only nbformat 4 notebooks can be rewritten", path=path)
    as_lines = any(isinstance(c.get("source"), list) for c in cells)
    minor = data.get("nbformat_minor")  # the reader takes one that is no number as 0
    with_ids = isinstance(minor, int) and minor >= 5
    taken = {c.get("id") for c in cells}
    out: list[dict[str, Any]] = []
    for index in range(len(cells) + 1):
        for source in edit.inserted.get(index, ()):
            out.append(_new_cell(source, as_lines, with_ids, taken, path, index))
        if index == len(cells) or index in edit.removed:
            continue
        cell = cells[index]
        if index in edit.sources:
            cell = dict(cell)
            cell["source"] = _split(edit.sources[index]) if as_lines else edit.sources[index]
        out.append(cell)
    data["cells"] = out
    (indent, sort_keys, ascii_only), end = style
    return json.dumps(data, indent=indent, sort_keys=sort_keys, ensure_ascii=ascii_only) + end


def _json_style(text: str, data: Any) -> tuple[tuple[int | None, bool, bool], str]:
    """The ``json.dumps`` style (and ending) that reproduce ``text``; Jupyter's if none does."""
    end = "\n" if text.endswith("\n") else ""
    for indent, sort_keys, ascii_only in _STYLES:
        dumped = json.dumps(data, indent=indent, sort_keys=sort_keys, ensure_ascii=ascii_only)
        if dumped + end == text:
            return (indent, sort_keys, ascii_only), end
    return _JUPYTER, "\n"


def _split(source: str) -> list[str]:
    """Source as Jupyter stores it: lines keeping their newline, the last without."""
    return source.splitlines(keepends=True)


def _new_cell(
    source: str, as_lines: bool, with_ids: bool, taken: set[Any], path: Path, index: int
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {METADATA_KEY: {"inserted": True}},  # for NBR107: it never ran
        "outputs": [],
        "source": _split(source) if as_lines else source,
    }
    if with_ids:
        cell["id"] = _new_id(f"{path.name}:{index}:{source}", taken)
    return cell


def _new_id(seed: str, taken: set[Any]) -> str:
    """A cell id derived from the content (the same edit gives the same id), unique."""
    counter = 0
    while True:
        digest = hashlib.sha1(f"{seed}:{counter}".encode(), usedforsecurity=False).hexdigest()
        candidate = f"nbr-{digest[:8]}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        counter += 1


def _edit_text_notebook(text: str, path: Path, edit: NotebookEdit) -> str:
    import jupytext

    from nbrefactor.notebook.reader import guess_text_format

    fmt = guess_text_format(text, path.suffix.lower())
    node = jupytext.reads(text, fmt=fmt)
    cells = node.cells
    out = []
    for index in range(len(cells) + 1):
        for source in edit.inserted.get(index, ()):
            out.append(_jupytext_code_cell(source))
        if index == len(cells) or index in edit.removed:
            continue
        cell = cells[index]
        if index in edit.sources:
            cell.source = edit.sources[index]
        out.append(cell)
    node.cells = out
    written: str = jupytext.writes(node, fmt=fmt)
    return written


def _jupytext_code_cell(source: str) -> Any:
    import nbformat

    return nbformat.v4.new_code_cell(source)  # type: ignore[no-untyped-call]
