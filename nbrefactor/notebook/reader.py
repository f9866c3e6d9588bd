"""Read ``.ipynb`` files and jupytext text notebooks into the frozen :class:`Notebook` model."""

from __future__ import annotations

import errno
import json
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from nbrefactor.errors import NotebookReadError, UnsupportedNotebookError
from nbrefactor.notebook import headings
from nbrefactor.notebook.model import Cell, CellType, Notebook, cell_number

#: Text extensions handed to jupytext, with the format used when it cannot tell.
_TEXT_EXTENSIONS = {
    ".py": "py:light",
    ".md": "md",
    ".myst": "myst",
    ".mystnb": "myst",
    ".mnb": "myst",
}
_CELL_TYPES: dict[str, CellType] = {"code": "code", "markdown": "markdown", "raw": "raw"}
_PYTHON_LANGUAGES = frozenset({"python", "python3", "ipython", "ipython3", ""})


def read_notebook(path: str | Path) -> Notebook:
    """Read a notebook from ``path``.

    ``.ipynb`` files are read as nbformat 4 (version 3 files are upgraded);
    ``.py``, ``.md`` and MyST files are read through jupytext.

    Raises:
        NotebookReadError: the file is missing, not a file, not UTF-8 or not a notebook.
        UnsupportedNotebookError: unknown nbformat version or a kernel that is not Python.
    """
    path = Path(path)
    text = read_source(path)
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _from_ipynb(path, text)
    if suffix in _TEXT_EXTENSIONS:
        return _from_text(path, text, suffix)
    raise UnsupportedNotebookError(
        f"unknown notebook extension {repr(suffix) if suffix else '(none)'}; "
        "expected .ipynb, .py, .md or .myst",
        path=path,
    )


def read_notebook_text(text: str, path: str | Path = "<string>.ipynb") -> Notebook:
    """Read a notebook from a string, choosing the format from ``path``'s extension."""
    path = Path(path)
    text = text.removeprefix("\ufeff")
    suffix = path.suffix.lower()
    if suffix in _TEXT_EXTENSIONS:
        return _from_text(path, text, suffix)
    return _from_ipynb(path, text)


def read_source(path: Path) -> str:
    """The text of a notebook file, or a :class:`NotebookReadError` saying why not (no
    such file, a folder, a pipe, no permission, not UTF-8 with the byte and line)."""
    try:
        problem = file_kind_problem(path.stat().st_mode)
        if problem is not None:
            raise NotebookReadError(problem, path=path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotebookReadError("no such file", path=path) from None
    except IsADirectoryError:
        raise NotebookReadError("is a directory, not a notebook", path=path) from None
    except PermissionError:
        raise NotebookReadError("permission denied", path=path) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotebookReadError("is a symbolic link that loops", path=path) from None
        raise NotebookReadError(f"cannot read: {error.strerror or error}", path=path) from None
    return decode_source(data, path)


def file_kind_problem(mode: int) -> str | None:
    """Why a file of ``mode`` (from ``stat``) is no notebook to read, or None for a
    regular file. Reading a pipe would wait for a writer forever."""
    if S_ISREG(mode):
        return None
    if S_ISDIR(mode):
        return "is a directory, not a notebook"
    return "is not a regular file (a pipe, socket or device)"


def decode_source(data: bytes, path: Path) -> str:
    """``data`` (the bytes of the file at ``path``) as text: UTF-8, with or without a
    byte order mark; a :class:`NotebookReadError` naming the byte and line if not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NotebookReadError(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}, "
            f"line {line})",
            path=path,
        ) from None


#: A jupytext marker: a ``.py`` file without one is a plain script, not a notebook.
_JUPYTEXT_MARKER = re.compile(r"^(# %%|# \+|#\s*jupyter:|# ---)", re.MULTILINE)


def read_code_cells(text: str, path: Path) -> dict[int | None, str]:
    """The sources of the code cells of the notebook ``text`` (the content of the file
    at ``path``), by cell index; a ``.py`` file without cell markers is a plain script,
    one cell with index None.

    For clone detection, which needs sources only: an nbformat 4 Python notebook is
    read with ``json`` alone. Anything unusual goes through :func:`read_notebook_text`,
    with its error messages.

    Raises:
        NotebookReadError: as :func:`read_notebook_text`.
        UnsupportedNotebookError: as :func:`read_notebook_text`.
    """
    suffix = path.suffix.lower()
    if suffix == ".py" and not _JUPYTEXT_MARKER.search(text):
        return {None: text}
    if suffix == ".ipynb":
        cells = _code_cells_of_json(text)
        if cells is not None:
            return cells
    notebook = read_notebook_text(text, path)
    return {cell.index: cell.source for cell in notebook.cells if cell.is_code}


def _code_cells_of_json(text: str) -> dict[int | None, str] | None:
    """The code cells of an nbformat 4 Python notebook; None for anything unusual."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return None
    metadata = data.get("metadata", {})
    kernelspec = metadata.get("kernelspec", {}) if isinstance(metadata, dict) else None
    language = kernelspec.get("language", "python") if isinstance(kernelspec, dict) else None
    cells = data.get("cells")
    if str(language).lower() not in _PYTHON_LANGUAGES or not isinstance(cells, list):
        return None
    found: dict[int | None, str] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or _cell_problem(cell):
            return None  # the reader says what is wrong
        if cell.get("cell_type") == "code":
            source = _joined(cell.get("source", "")) or ""
            if not _is_text(source):
                return None  # a lone surrogate: the reader says where
            found[index] = source
    return found


def _is_text(source: str) -> bool:
    """False for a string holding a lone surrogate (JSON can, UTF-8 cannot)."""
    if source.isascii():
        return True
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _from_ipynb(path: Path, text: str) -> Notebook:
    if not text.strip():
        raise NotebookReadError("is empty, not a notebook", path=path)
    try:
        raw = json.loads(text)
    except RecursionError:
        raise NotebookReadError("is JSON nested too deeply to be a notebook", path=path) from None
    except json.JSONDecodeError as error:
        # A string that runs to the end of the file is reported where it starts.
        truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        what = error.msg.removesuffix(" starting at")
        raise NotebookReadError(
            f"is not valid JSON at line {error.lineno}, column {error.colno}: {what}"
            + (" (the file looks truncated)" if truncated else ""),
            path=path,
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise NotebookReadError("is JSON but not a Jupyter notebook (no 'nbformat' key)", path=path)
    surrogate = _lone_surrogate(text, raw)
    if surrogate:
        raise NotebookReadError(
            f"is not a valid notebook: it holds a lone surrogate ({surrogate}), "
            "which is not text (UTF-8 cannot encode it)",
            path=path,
        )
    version = raw.get("nbformat")
    if version not in (3, 4):
        raise UnsupportedNotebookError(
            f"unsupported nbformat version {version!r}; nbrefactor reads versions 3 and 4",
            path=path,
        )
    raw_cells = _raw_cells(raw)
    had_ids = version == 4 and bool(raw_cells) and all("id" in c for c in raw_cells)
    node = _upgraded(raw, path) if version == 3 else _joined_v4(raw, path)
    try:
        return _build(path, node, "ipynb", keep_ids=had_ids, version=(4, _minor(node)))
    except RecursionError:  # json.loads was called from less deep in the stack
        raise NotebookReadError("is JSON nested too deeply to be a notebook", path=path) from None


def _lone_surrogate(text: str, data: Any) -> str | None:
    """The first lone surrogate (a JSON escape such as ``\\ud800`` without its pair) in
    ``data``, read from the JSON ``text``, as an escape; None when there is none."""
    # a JSON escape is the only way JSON text can hold one (`\\u` is always lower case)
    if "\\ud" not in text and "\\uD" not in text:
        return None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        return error.object[error.start : error.end].encode("unicode_escape").decode("ascii")
    return None


def _joined_v4(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """An nbformat 4 notebook as read from JSON, with multi-line strings (stored as
    lists of lines) joined, as nbformat would; its shape checked where nbrefactor
    relies on it. nbformat itself is not needed (its import, with jsonschema, costs
    more than a whole ``check`` of a notebook)."""
    cells = raw.get("cells")
    if cells is None:  # nbformat requires it: some other JSON, named like a notebook
        raise NotebookReadError("is not a valid notebook: it has no 'cells' list", path=path)
    if not isinstance(cells, list):
        raise NotebookReadError("is not a valid notebook: 'cells' is not a list", path=path)
    metadata = raw.get("metadata", {})
    if not isinstance(metadata, dict):
        raise NotebookReadError("is not a valid notebook: 'metadata' is not an object", path=path)
    for key in ("kernelspec", "language_info"):
        if not isinstance(metadata.get(key, {}), dict):
            raise NotebookReadError(
                f"is not a valid notebook: metadata's {key!r} is not an object", path=path
            )
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookReadError(
                f"is not a valid notebook: cell {cell_number(index)} is not an object", path=path
            )
        problem = _cell_problem(cell)
        if problem:
            raise NotebookReadError(
                f"is not a valid notebook: cell {cell_number(index)}'s {problem}", path=path
            )
        cell["source"] = _joined(cell.get("source", ""))
        outputs = cell.get("outputs", [])
        for output in outputs:
            if not isinstance(output, dict):
                raise NotebookReadError(
                    f"is not a valid notebook: an output of cell {cell_number(index)} "
                    "is not an object",
                    path=path,
                )
            _join_output(output)
    return raw


def _cell_problem(cell: dict[str, Any]) -> str | None:
    """What is wrong with the fields of an nbformat 4 cell nbrefactor relies on, if
    anything ("source is not text", ...)."""
    if _joined(cell.get("source", "")) is None:
        return "source is not text"
    if not isinstance(cell.get("outputs", []), list):
        return "outputs are not a list"
    if not isinstance(cell.get("cell_type", ""), str):
        return "cell_type is not text"
    if not isinstance(cell.get("id", ""), (str, type(None))):
        return "id is not text"
    if not isinstance(cell.get("metadata", {}), (dict, type(None))):  # null is read as {}
        return "metadata is not an object"
    return None


def _joined(value: Any) -> str | None:
    """A multi-line string as stored in a notebook (text, or a list of lines) as text;
    None when it is neither."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def _join_output(output: dict[str, Any]) -> None:
    """Join an output's lists of lines (stream text, text in a mime bundle) in place;
    JSON mime types hold data, not lines, and stay as they are."""
    text = _joined(output.get("text"))
    if text is not None:
        output["text"] = text
    data = output.get("data")
    if isinstance(data, dict):
        for kind, value in data.items():
            joined = _joined(value)
            json_kind = kind == "application/json" or (
                kind.startswith("application/") and kind.endswith("+json")
            )
            if joined is not None and not json_kind:
                data[kind] = joined


def _upgraded(raw: dict[str, Any], path: Path) -> Any:
    """An nbformat 3 notebook upgraded to version 4 (by nbformat, imported only here)."""
    import nbformat
    from nbformat.v3.rwbase import rejoin_lines

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = nbformat.from_dict(raw)  # type: ignore[no-untyped-call]
            node = rejoin_lines(node)  # type: ignore[no-untyped-call]
            return nbformat.convert(node, 4)  # type: ignore[no-untyped-call]
    except Exception as error:  # nbformat raises many types for malformed documents
        raise NotebookReadError(f"is not a valid notebook: {error}", path=path) from None


def _from_text(path: Path, text: str, suffix: str) -> Notebook:
    import jupytext

    fmt = guess_text_format(text, suffix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = jupytext.reads(text, fmt=fmt)
    except Exception as error:  # jupytext raises many types for malformed documents
        raise NotebookReadError(f"cannot be read as {fmt}: {error}", path=path) from None
    return _build(path, node, fmt, keep_ids=False, version=(4, _minor(node)))


def guess_text_format(text: str, suffix: str) -> str:
    """The jupytext format of a text notebook (``py:percent``, ``md``, ...)."""
    import jupytext

    default = _TEXT_EXTENSIONS[suffix]
    try:
        name, _ = jupytext.formats.guess_format(text, suffix)
    except Exception:  # guessing is best effort; fall back to the extension's default
        return default
    if suffix == ".py":
        return (
            f"py:{name}"
            if name in {"percent", "hydrogen", "light", "nomarker", "sphinx"}
            else default
        )
    if name == "myst":
        return "myst"
    return default


def _raw_cells(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    cells = raw.get("cells")
    if cells is None:  # nbformat 3 keeps cells in worksheets
        worksheets = raw.get("worksheets")
        cells = [
            cell
            for sheet in (worksheets if isinstance(worksheets, list) else [])
            if isinstance(sheet, Mapping) and isinstance(sheet.get("cells"), list)
            for cell in sheet["cells"]
        ]
    return [c for c in cells if isinstance(c, Mapping)] if isinstance(cells, list) else []


def _minor(node: Mapping[str, Any]) -> int:
    minor = node.get("nbformat_minor", 0)
    return minor if isinstance(minor, int) else 0


def _build(
    path: Path, node: Mapping[str, Any], fmt: str, *, keep_ids: bool, version: tuple[int, int]
) -> Notebook:
    metadata = _plain(node.get("metadata") or {})
    _check_language(path, metadata)
    cells: list[Cell] = []
    heading_texts: tuple[str, ...] = ()
    heading_levels: tuple[int, ...] = ()
    for index, raw_cell in enumerate(node.get("cells") or []):
        kind = raw_cell.get("cell_type")
        cell_type = _CELL_TYPES.get(kind, "raw") if isinstance(kind, str) else "raw"
        source = raw_cell.get("source") or ""
        if isinstance(source, list):
            source = "".join(source)
        if cell_type == "markdown":
            heading_texts, heading_levels = headings.advance(heading_texts, heading_levels, source)
        count = raw_cell.get("execution_count") if cell_type == "code" else None
        cells.append(
            Cell(
                index=index,
                cell_type=cell_type,
                source=source,
                id=raw_cell.get("id") if keep_ids else None,
                execution_count=count if isinstance(count, int) else None,
                outputs=tuple(_plain(o) for o in raw_cell.get("outputs") or ()),
                metadata=_plain(raw_cell.get("metadata") or {}),
                headings=heading_texts,
            )
        )
    return Notebook(
        path=path, cells=tuple(cells), format=fmt, metadata=metadata, nbformat_version=version
    )


def _check_language(path: Path, metadata: Mapping[str, Any]) -> None:
    kernelspec = metadata.get("kernelspec") or {}
    language_info = metadata.get("language_info") or {}
    if not isinstance(kernelspec, Mapping) or not isinstance(language_info, Mapping):
        raise NotebookReadError(
            "is not a valid notebook: its kernelspec or language_info is not an object",
            path=path,
        )
    language = kernelspec.get("language") or language_info.get("name") or ""
    if str(language).lower() not in _PYTHON_LANGUAGES:
        kernel = kernelspec.get("display_name") or kernelspec.get("name") or language
        raise UnsupportedNotebookError(
            f"uses a {language} kernel ({kernel}); nbrefactor only works on Python notebooks",
            path=path,
        )


def _plain(value: Any) -> Any:
    """Turn nbformat's attribute dicts into plain dicts (and lists into tuples-free lists)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
