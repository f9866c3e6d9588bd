"""A set of file changes: shown as a diff, or applied all together or not at all."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.emit.journal import Transaction
from nbrefactor.errors import ChangedOnDisk, NbrefactorError

#: What a file holds: text (UTF-8 on disk) or bytes (a pickled fixture).
Content = str | bytes


@dataclass(frozen=True, slots=True)
class FileChange:
    """``path`` goes from ``old`` (None: it does not exist) to ``new``."""

    path: Path
    old: Content | None
    new: Content


@dataclass(frozen=True, slots=True)
class ChangeSet:
    changes: tuple[FileChange, ...] = ()

    def __bool__(self) -> bool:
        return any(change.old != change.new for change in self.changes)

    def __add__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet((*self.changes, *other.changes))

    def diff(self) -> str:
        """A unified diff of every change; notebooks are shown as their code cells."""
        parts: list[str] = []
        for change in self.changes:
            if change.old == change.new:
                continue
            name = str(change.path)
            if isinstance(change.new, bytes) or isinstance(change.old, bytes):
                before = name if change.old is not None else "/dev/null"
                parts.append(f"Binary files {before} and {name} differ\n")
                continue
            old, new = _viewable(change.path, change.old), _viewable(change.path, change.new)
            parts.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=name if change.old is not None else "/dev/null",
                    tofile=name,
                )
            )
        return "".join(line if line.endswith("\n") else line + "\n" for line in parts)

    def keeping(self, path: Path) -> ChangeSet:
        """The same changes except that ``path`` stays as it was read: :meth:`apply`
        does not write it (nor create it), but refuses to write the others if it changed
        since."""
        kept: list[FileChange] = []
        for change in self.changes:
            if change.path != path:
                kept.append(change)
            elif change.old is not None:
                kept.append(FileChange(path, change.old, change.old))
        return ChangeSet(tuple(kept))

    def apply(self) -> list[Path]:
        """Write every change, or none, even if the process is killed halfway (see
        :mod:`nbrefactor.emit.journal`). Returns the paths written.

        Raises:
            ChangedOnDisk: a file of the set (written or kept) changed on disk since it
                was read; no file was changed.
            NbrefactorError: a file could not be written; no file was changed.
            KeyboardInterrupt: Ctrl-C (or SIGTERM) while writing; no file was changed.
        """
        pending = [c for c in self.changes if c.old != c.new]
        if not pending:
            return []
        for change in self.changes:  # what the changes were made from counts too
            _check_unchanged(change)
        transaction = Transaction([(c.path, _encoded(c.new), c.old is not None) for c in pending])
        try:
            transaction.run()
        except OSError as error:
            left = "".join(f"\n  {problem}" for problem in transaction.problems)
            raise NbrefactorError(
                f"cannot write: {error.strerror or error}; no file was changed{left}",
                path=getattr(error, "filename", None),
            ) from None
        return [change.path for change in pending]


def _encoded(content: Content) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def current_content(path: Path) -> str | None:
    """The text of ``path`` as it is now, line endings untouched; None when there is no
    such file.

    Raises:
        NbrefactorError: the file exists but cannot be read as UTF-8 text.
    """
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise NbrefactorError(f"cannot read: {error.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise NbrefactorError("is not UTF-8 text", path=path) from None


def _viewable(path: Path, text: str | None) -> str:
    if text is None:
        return ""
    if path.suffix.lower() != ".ipynb":
        return text
    from nbrefactor.notebook.reader import read_notebook_text

    try:
        notebook = read_notebook_text(text, path)
    except NbrefactorError:
        return text
    # cells are labelled by id, which stays when cells around them are removed: the diff
    # then matches unchanged cells (an index label would change for every one of them)
    return "".join(
        f"# %% [{cell.id}]\n{cell.source}\n" if cell.id else f"# %%\n{cell.source}\n"
        for cell in notebook.cells
        if cell.is_code
    )


def _check_unchanged(change: FileChange) -> None:
    if change.old is None:
        unchanged = not change.path.exists()
    elif isinstance(change.old, bytes):
        try:
            unchanged = change.path.read_bytes() == change.old
        except FileNotFoundError:
            unchanged = False
        except OSError as error:
            raise NbrefactorError(f"cannot read: {error.strerror}", path=change.path) from None
    else:
        unchanged = current_content(change.path) == change.old
    if not unchanged:
        raise ChangedOnDisk(
            "changed on disk since nbrefactor read it; run the command again", path=change.path
        )
