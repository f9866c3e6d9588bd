"""What the JupyterLab extension asks of the server, read and checked.

A request names a notebook by its path under the server's root, as JupyterLab does
(``notebooks/taxi.ipynb``). Anything that would reach outside the root is refused: an
absolute path, ``..``, or a symbolic link leading out. Errors carry the HTTP status
they become (:class:`RequestError`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from nbrefactor.errors import NbrefactorError

#: The largest request body read, in bytes: a request names cells, it holds no code.
MAX_BODY = 64 * 1024


class RequestError(NbrefactorError):
    """A request the server refuses, with the HTTP ``status`` that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class RefactorRequest:
    """Move the cells ``cell_ids`` of ``notebook`` as one function (named ``function``,
    or as nbrefactor names it) into ``module`` of the notebook's project, or of the
    project in ``project_dir`` (created with ``package`` when new)."""

    notebook: Path
    cell_ids: tuple[str, ...]
    function: str | None = None
    module: str | None = None
    project_dir: Path | None = None
    package: str | None = None


def read_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body.

    Raises:
        RequestError: too large (413), or not a JSON object (400).
    """
    if len(body) > MAX_BODY:
        raise RequestError(413, f"the request is larger than {MAX_BODY:,} bytes")
    try:
        data = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RequestError(400, f"the request is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise RequestError(400, "the request must be a JSON object")
    return data


def refactor_request(data: dict[str, Any], root: Path) -> RefactorRequest:
    """The refactoring ``data`` asks for, its paths resolved under ``root``.

    Raises:
        RequestError: a field missing or of the wrong kind (400), a path outside the
            root (403), a notebook that does not exist (404).
    """
    notebook = notebook_path(data, root)
    cells = data.get("cells")
    if not isinstance(cells, list) or not cells or not all(isinstance(c, str) for c in cells):
        raise RequestError(400, "cells must be a non-empty list of cell ids")
    project_dir = data.get("project_dir")
    return RefactorRequest(
        notebook,
        tuple(dict.fromkeys(cells)),
        _optional_text(data, "function"),
        _optional_text(data, "module"),
        None if project_dir is None else under_root(root, _text(data, "project_dir")),
        _optional_text(data, "package"),
    )


def notebook_path(data: dict[str, Any], root: Path) -> Path:
    """The notebook ``data["path"]`` names, under ``root``.

    Raises:
        RequestError: no path (400), not a notebook (400), a path outside the root
            (403), no such notebook (404).
    """
    path = _text(data, "path")
    notebook = under_root(root, path)
    if notebook.suffix != ".ipynb":
        raise RequestError(400, f"{path} is not a notebook (.ipynb)")
    if not notebook.is_file():
        raise RequestError(404, f"no notebook {path}")
    return notebook


def under_root(root: Path, api_path: str) -> Path:
    """``api_path`` (relative, ``/``-separated) as a path under ``root`` (resolved).

    Raises:
        RequestError: the path is absolute, climbs out with ``..``, or leads out of the
            root through a symbolic link (403).
    """
    relative = PurePosixPath(api_path)
    if relative.is_absolute() or PureWindowsPath(api_path).drive or api_path.startswith("\\"):
        raise RequestError(403, f"{api_path}: paths are relative to the server's root")
    if ".." in relative.parts:
        raise RequestError(403, f"{api_path}: '..' leads outside the server's root")
    path = (root / Path(*relative.parts)).resolve()
    if not path.is_relative_to(root):
        raise RequestError(403, f"{api_path}: leads outside the server's root")
    return path


def relative_to_root(path: Path, root: Path) -> str:
    """``path`` as JupyterLab names it: relative to the root, ``/``-separated."""
    return path.resolve().relative_to(root).as_posix()


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise RequestError(400, f"{key} must be a non-empty string")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)
