"""The one exception tree of nbrefactor; front ends map it to exit codes or HTTP statuses.

Every error knows its exit code from the moment it is made (DESIGN.md, "Output
conventions"); a front end prints ``str(error)`` and exits with ``error.exit_code``.
Anything raised that is not an :class:`NbrefactorError` is a bug in nbrefactor.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: Exit codes of every front end.
BAD_INPUT = 2
INTERNAL_ERROR = 123  # a bug in nbrefactor itself
INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class NbrefactorError(Exception):
    """Base of every error nbrefactor raises on purpose."""

    def __init__(
        self, message: str, *, path: Path | str | None = None, exit_code: int = BAD_INPUT
    ) -> None:
        self.path = None if path is None else str(path)
        self.message = message
        self.exit_code = exit_code
        super().__init__(f"{self.path}: {message}" if self.path else message)


class NotebookReadError(NbrefactorError):
    """A notebook could not be read: missing, not a file, not UTF-8, not valid JSON."""


class UnsupportedNotebookError(NbrefactorError):
    """A notebook was read but nbrefactor cannot work on it (format version, kernel language)."""


class UsageError(NbrefactorError):
    """The caller asked for something that does not make sense (bad option value)."""


class ChangedOnDisk(NbrefactorError):
    """A file changed since nbrefactor read it to plan a change: the plan is stale."""


class ExecutionFailed(NbrefactorError):
    """A notebook could not be run to the end: a cell raised (and errors were not
    allowed), the kernel did not start or died, or a cell ran too long. ``cell`` is the
    index of the cell to blame, when one is."""

    def __init__(self, message: str, *, path: Path | str, cell: int | None = None) -> None:
        super().__init__(message, path=path)
        self.cell = cell


def combined(errors: Sequence[NbrefactorError], summary: str) -> NbrefactorError:
    """One error standing for ``errors`` (at least one): itself when there is only one,
    else ``summary`` followed by each, with the worst exit code among them."""
    if len(errors) == 1:
        return errors[0]
    lines = "\n".join(f"  {error}" for error in errors)
    return NbrefactorError(f"{summary}:\n{lines}", exit_code=max(e.exit_code for e in errors))
