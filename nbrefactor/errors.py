"""The one exception tree of nbrefactor; front ends map it to exit codes or HTTP statuses."""

from __future__ import annotations

from pathlib import Path

#: Exit code of every front end for a bug in nbrefactor itself (DESIGN.md, "Output conventions").
INTERNAL_ERROR = 123


class NbrefactorError(Exception):
    """Base of every error nbrefactor raises on purpose.

    Front ends print ``str(error)`` and exit with :attr:`exit_code`; anything that is
    not an ``NbrefactorError`` is a bug in nbrefactor.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = None if path is None else str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class NotebookReadError(NbrefactorError):
    """A notebook could not be read: missing, not a file, not UTF-8, not valid JSON."""


class UnsupportedNotebookError(NbrefactorError):
    """A notebook was read but nbrefactor cannot work on it (format version, kernel language)."""


class UsageError(NbrefactorError):
    """The caller asked for something that does not make sense (bad option value)."""
