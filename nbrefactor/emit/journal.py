"""Applying a change set all or nothing, even across a crash.

Each file is renamed into place atomically, but a change set is many files, and a
process can die between two renames (Ctrl-C, ``kill``, ``kill -9``, a power cut). So a
:class:`Transaction` first writes a journal naming every file, where its new content
will be staged and where its old content will be kept, and holds a lock on it while it
runs. Then it stages every new content and keeps every old one aside (a hard link where
the file system allows, else a copy), and only then renames. When it is done, the
backups and the journal go; when it fails in the process (an error, Ctrl-C, SIGTERM),
it undoes itself.

A journal left behind that nobody holds the lock of is an apply that was killed: the
next nbrefactor command (:func:`recover_interrupted`) undoes it, putting every file
back as it was before, and says so. A file changed since by someone else is left as it
is, and named.

Journals live in ``$NBREFACTOR_STATE_DIR``, else ``$XDG_STATE_HOME/nbrefactor``, else
``~/.local/state/nbrefactor``: one place every command looks, wherever it runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

from nbrefactor.emit.state import JOURNAL_PREFIX, journal_paths, state_dir
from nbrefactor.fileio import stage_content

if sys.platform != "win32":
    import fcntl

    _LOCKS = True
else:  # pragma: no cover - Windows: a journal is recovered once its process is gone
    _LOCKS = False

JOURNAL_VERSION = 1
#: ``NBREFACTOR_FAULT_AT=renamed:2`` kills the process at that step (for tests).
FAULT_VARIABLE = "NBREFACTOR_FAULT_AT"


def fault_point(step: str) -> None:
    """Stop the process here when the environment asks for it, for tests that interrupt
    an apply at every step: ``NBREFACTOR_FAULT_AT=renamed:2`` sends SIGKILL at the step
    ``renamed:2``, ``renamed:2@SIGINT`` (or ``@SIGTERM``) that signal instead."""
    wanted = os.environ.get(FAULT_VARIABLE)
    if not wanted:
        return
    name, _, how = wanted.partition("@")
    if name == step:
        number = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}.get(how, signal.SIGKILL)
        os.kill(os.getpid(), number)
        time.sleep(5)  # a handled signal arrives at the next bytecode; never gets here


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a transaction: where its new content is staged, where its old content
    is kept (None: the file does not exist yet), and the new content's digest."""

    path: Path
    staged: Path
    backup: Path | None
    new_digest: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "staged": str(self.staged),
            "backup": None if self.backup is None else str(self.backup),
            "new_digest": self.new_digest,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        backup = data["backup"]
        return cls(
            Path(data["path"]),
            Path(data["staged"]),
            None if backup is None else Path(backup),
            str(data["new_digest"]),
        )


class Transaction:
    """Write ``files`` (path, new content, whether the path exists now) all or nothing;
    see the module docstring. Use :meth:`run`."""

    def __init__(self, files: Sequence[tuple[Path, bytes, bool]]) -> None:
        files = [(path.absolute(), content, exists) for path, content, exists in files]
        tag = os.urandom(6).hex()
        self.journal = state_dir() / f"{JOURNAL_PREFIX}{tag}.json"
        self.contents = [content for _, content, _ in files]
        self.entries = [
            Entry(
                path,
                path.with_name(f".{path.name}.{tag}.nbrefactor-new"),
                path.with_name(f".{path.name}.{tag}.nbrefactor-old") if exists else None,
                _digest(content),
            )
            for path, content, exists in files
        ]
        missing: list[Path] = []  # folders to make, outermost first
        for entry in self.entries:
            for folder in reversed([entry.path.parent, *entry.path.parent.parents]):
                if not folder.exists() and folder not in missing:
                    missing.append(folder)
        self.created = missing
        #: After a failed run: the files undo left as they are (changed by others), and why.
        self.problems: list[str] = []
        self._lock: IO[str] | None = None

    def run(self) -> None:
        """Journal, stage, keep the old contents aside, rename, clean up; on an error or
        an interruption, undo (and re-raise).

        Raises:
            OSError: a file could not be written; every file is as it was.
            KeyboardInterrupt: Ctrl-C, SIGTERM or SIGHUP; every file is as it was.
        """
        with _signals_interrupt():
            self._begin()
            try:
                fault_point("journaled")
                for number, (entry, content) in enumerate(
                    zip(self.entries, self.contents, strict=True), 1
                ):
                    with _naming(entry.path):
                        for folder in self.created:
                            if entry.path.is_relative_to(folder):
                                folder.mkdir(exist_ok=True)
                        stage_content(entry.path, content, entry.staged)
                        if entry.backup is not None:
                            _keep_aside(entry.path, entry.backup)
                    fault_point(f"staged:{number}")
                for number, entry in enumerate(self.entries, 1):
                    with _naming(entry.path):
                        entry.staged.replace(entry.path)
                    fault_point(f"renamed:{number}")
            except BaseException:
                try:
                    self.problems = undo(self.entries, self.created)
                finally:  # the journal goes even if undoing fails: nothing to redo later
                    self._end()
                raise
            # every file is in place: from here on, a killed run is finished, not undone
            _committed(self.journal).touch()
            _sync_folder(self.journal.parent)
            fault_point("committed")
            clean_up(self.entries)
            fault_point("done")
            self._end()

    def _begin(self) -> None:
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        # written and locked under another name, then renamed: another nbrefactor never
        # sees a journal it could take for a dead run's (the lock stays with the file)
        writing = self.journal.with_suffix(".writing")
        handle = writing.open("x", encoding="utf-8")
        if _LOCKS:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        json.dump(
            {
                "version": JOURNAL_VERSION,
                "pid": os.getpid(),
                "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                "cwd": str(Path.cwd()),
                "entries": [entry.as_dict() for entry in self.entries],
                "created": [str(folder) for folder in self.created],
            },
            handle,
            indent=1,
        )
        handle.flush()
        os.fsync(handle.fileno())
        writing.replace(self.journal)
        _sync_folder(self.journal.parent)
        self._lock = handle

    def _end(self) -> None:
        self.journal.unlink(missing_ok=True)
        _committed(self.journal).unlink(missing_ok=True)
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError raised while writing ``path`` names ``path``, not the file staged or
    kept aside next to it, which the user never sees."""
    try:
        yield
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error


def clean_up(entries: Sequence[Entry]) -> None:
    """Remove what a finished transaction kept aside, and anything still staged."""
    for entry in entries:
        _remove(entry.staged)
        if entry.backup is not None:
            _remove(entry.backup)


def _committed(journal: Path) -> Path:
    """The mark a transaction leaves once every file is in place."""
    return journal.with_suffix(".committed")


def undo(entries: Sequence[Entry], created: Sequence[Path]) -> list[str]:
    """Put each file back as it was before the transaction (its kept old content, or no
    file), unless someone else changed it since; the files left as they are, and why."""
    problems = []
    for entry in entries:
        current = _read(entry.path)
        untouched_by_others = current is None or _digest(current) == entry.new_digest
        if entry.backup is not None and entry.backup.exists():
            if current == _read(entry.backup):  # not replaced yet (maybe the same inode)
                entry.backup.unlink()
            elif untouched_by_others:
                entry.backup.replace(entry.path)
            else:
                problems.append(
                    f"{entry.path} changed after the interrupted run; what it held before "
                    f"that run is in {entry.backup}"
                )
        elif entry.backup is None and current is not None:
            if untouched_by_others:
                entry.path.unlink()
            else:
                problems.append(f"{entry.path} changed after the interrupted run; left as it is")
        _remove(entry.staged)
    for folder in reversed(created):
        with contextlib.suppress(OSError):  # not empty: something else put a file there
            folder.rmdir()
    return problems


def recover_interrupted() -> list[str]:
    """Undo every apply that was killed before all its files were in place (its
    journal is left and nobody holds its lock), finish those killed after, and say
    what was done, a line each; nothing when there was none."""
    said = []
    for journal in journal_paths():
        with _claimed(journal) as data:
            if data is None:
                continue
            entries = [Entry.from_dict(e) for e in data.get("entries", [])]
            count = f"{len(entries)} file{'' if len(entries) == 1 else 's'}"
            run = (
                f"an earlier nbrefactor run (started {data.get('started', '?')} in "
                f"{data.get('cwd', '?')}) was interrupted"
            )
            if _committed(journal).exists():
                clean_up(entries)
                said.append(f"{run} once its {count} were written: finished")
            else:
                problems = undo(entries, [Path(f) for f in data.get("created", [])])
                outcome = "every file is as it was before it" if not problems else "except:"
                said.append(f"{run} while writing {count}: undone, {outcome}")
                said.extend(f"  {problem}" for problem in problems)
            journal.unlink(missing_ok=True)
            _committed(journal).unlink(missing_ok=True)
    return said


@contextlib.contextmanager
def _claimed(journal: Path) -> Iterator[dict[str, Any] | None]:
    """The journal's content, locked; None while its run is still going on (it holds
    the lock) or when the file is not a journal this version can read."""
    try:
        handle = journal.open("r", encoding="utf-8")
    except OSError:
        yield None
        return
    with handle:
        if _LOCKS:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield None
                return
        try:
            data = json.load(handle)
        except ValueError:  # cut short: the run died before it staged anything
            data = {"version": JOURNAL_VERSION, "entries": []}
        if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
            yield None
            return
        if not _LOCKS and _alive(data.get("pid")):
            yield None
            return
        yield data


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _keep_aside(path: Path, backup: Path) -> None:
    """A second name for ``path``'s current content: a hard link (instant, and the
    rename that replaces ``path`` leaves it alone), or a copy where links fail."""
    try:
        os.link(path, backup)
    except OSError:
        import shutil  # rarely needed: kept out of the start-up of every command

        shutil.copy2(path, backup)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the process the way Ctrl-C does while this runs, so an
    apply is undone before the process exits."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    try:
        previous = {number: signal.signal(number, _interrupt) for number in wanted}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _interrupt(number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {number}")


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


#: What reading or removing a file that cannot be there raises: it is missing, or a
#: folder on its path has become a file since.
_NO_SUCH_FILE = (FileNotFoundError, NotADirectoryError)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except _NO_SUCH_FILE:
        return None


def _remove(path: Path) -> None:
    with contextlib.suppress(*_NO_SUCH_FILE):
        path.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a new file in ``folder`` durable, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
