"""A set of file changes: shown as a diff, or applied all together or not at all."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import stage_content

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

    def apply(self) -> list[Path]:
        """Write every change, or none: staged first, then renamed; any failure rolls
        back the files already replaced. Returns the paths written."""
        pending = [c for c in self.changes if c.old != c.new]
        for change in pending:
            _check_unchanged(change)
        created: list[Path] = []
        staged: list[tuple[FileChange, Path]] = []
        done: list[FileChange] = []
        try:
            for change in pending:
                created.extend(_make_parents(change.path.parent))
                staged.append((change, stage_content(change.path, change.new)))
            for change, temporary in staged:
                temporary.replace(change.path)
                done.append(change)
        except (OSError, KeyboardInterrupt) as error:
            _roll_back(done, [t for c, t in staged if c not in done], created)
            if isinstance(error, KeyboardInterrupt):
                raise
            raise NbrefactorError(
                f"cannot write: {error.strerror or error}; no file was changed",
                path=getattr(error, "filename", None),
            ) from None
        return [change.path for change in done]


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
        raise NbrefactorError(
            "changed on disk since nbrefactor read it; run the command again", path=change.path
        )


def _make_parents(folder: Path) -> list[Path]:
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _roll_back(
    done: Iterable[FileChange], temporaries: Iterable[Path], created: list[Path]
) -> None:
    for change in done:
        if change.old is None:
            change.path.unlink(missing_ok=True)
        elif isinstance(change.old, bytes):
            change.path.write_bytes(change.old)
        else:
            change.path.write_text(change.old, encoding="utf-8", newline="")
    for temporary in temporaries:
        temporary.unlink(missing_ok=True)
    for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else put a file there
            folder.rmdir()
