"""Files on disk: atomic writes (a file is either the old content or the new one, never
half-written), and paths the user gave, made absolute without failing on a link loop."""

from __future__ import annotations

import os
from pathlib import Path

from nbrefactor.errors import NbrefactorError


def stage_content(path: Path, content: str | bytes, staged: Path | None = None) -> Path:
    """Write ``content`` (text goes out as UTF-8, line endings as they are) to a new
    file next to ``path`` (``staged``, else a temporary name), flushed to disk, with the
    permissions ``path`` has (a new file gets the usual ones: 0o666 minus the umask).
    Renaming it onto ``path`` is then atomic; the caller removes it if it does not.

    Raises:
        OSError: the folder is missing or the write fails (disk full, permissions).
    """
    if staged is None:
        import tempfile  # its import (random, shutil, ...) is not paid by reading commands

        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        staged = Path(name)
    else:
        handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        staged.chmod(path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Raises:
        NbrefactorError: the folder is missing or the write fails (disk full, permissions);
            ``path`` is left as it was.
    """
    try:
        temporary = stage_content(path, text)
    except OSError as error:
        raise NbrefactorError(f"cannot write: {error.strerror or error}", path=path) from None
    try:
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise NbrefactorError(f"cannot write: {error.strerror or error}", path=path) from None


def resolved(path: Path) -> Path:
    """``path`` absolute, with symbolic links resolved; a link that loops (or a folder
    that cannot be read) stays as given, made absolute, for reading it to fail with a
    message (``Path.resolve`` raises RuntimeError on a loop before Python 3.13)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def _umask() -> int:
    current = os.umask(0)  # the only way to read it; set straight back
    os.umask(current)
    return current
