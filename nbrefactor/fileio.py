"""Atomic file writes: a file is either the old content or the new one, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nbrefactor.errors import NbrefactorError


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Raises:
        NbrefactorError: the folder is missing or the write fails (disk full, permissions);
            ``path`` is left as it was.
    """
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise NbrefactorError(f"cannot write: {error.strerror or error}", path=path) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            Path(temporary).chmod(path.stat().st_mode & 0o7777)
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise NbrefactorError(f"cannot write: {error.strerror or error}", path=path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
