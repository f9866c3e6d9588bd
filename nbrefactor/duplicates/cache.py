"""A cache of notebook fingerprints, so a hook run on one changed notebook does not
re-parse the hundred unchanged ones, and a second ``check`` reads almost nothing.

The cache lives in a folder (``.nbrefactor_cache/`` at the repository root by default)
that ignores itself for git, as one file written with :mod:`marshal` (fast to read, and
unable to run code, unlike pickle). Entries are keyed by the hash of the file's bytes;
each file's size, modification time and inode lead to its entry without reading the
file, and only a file whose stat changed is read and hashed again. A cache of another
fingerprint version or Python version, or a corrupt or unreadable one, is treated as
empty.

Every edit of a notebook adds an entry, so the cache prunes itself: each save is a new
generation, and an entry no run has used for :data:`MAX_AGE` generations is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

from nbrefactor.analysis.fingerprints import (
    FINGERPRINT_VERSION,
    DocumentPrint,
    SequencePrint,
    StatementPrint,
)
from nbrefactor.fileio import stage_content

CACHE_DIR = ".nbrefactor_cache"
#: Saves after which an entry no run has used is dropped.
MAX_AGE = 20
#: marshal's format may change between Python versions: each has its own file.
_PYTHON = f"py{sys.version_info[0]}{sys.version_info[1]}"

#: A file modified this recently is read again next time, whatever its stat says.
_RACY_NS = 2_000_000_000
#: What the cache knows of a file without reading it: (size, mtime_ns, inode).
FileStat = tuple[int, int, int]


def content_key(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def file_stat(stat: os.stat_result) -> FileStat:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class FingerprintCache:
    """Fingerprints by content hash, loaded once and saved once.

    The file holds ``{"generation": N, "entries": {key: [seen, document]},
    "files": {path: [size, mtime_ns, inode, key]}}``; ``seen`` is the generation that
    last used the entry, ``document`` the fingerprints as plain tuples.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"fingerprints-v{FINGERPRINT_VERSION}-{_PYTHON}.marshal"
        self._entries: dict[str, list[Any]] = {}
        self._files: dict[str, list[Any]] = {}
        self._generation = 0
        self._used: set[str] = set()
        self._dirty = False
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            loaded = marshal.loads(self.file.read_bytes())
            if isinstance(loaded, dict) and isinstance(loaded.get("entries"), dict):
                generation = loaded.get("generation")
                self._generation = generation if isinstance(generation, int) else 0
                self._entries = loaded["entries"]
                files = loaded.get("files")
                self._files = files if isinstance(files, dict) else {}

    def key_of(self, path: str, stat: FileStat) -> str | None:
        """The content key last seen for ``path`` (an absolute path) if its stat has not
        changed since; None when the file must be read to know."""
        known = self._files.get(path)
        if type(known) is list and len(known) == 4 and tuple(known[:3]) == stat:
            key = known[3]
            return key if isinstance(key, str) else None
        return None

    def get(self, key: str, path: str) -> DocumentPrint | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        try:
            document = _decode(entry[1], path)
        except (TypeError, ValueError, IndexError, KeyError):
            return None  # an entry of another shape: fingerprint the file again
        self._used.add(key)
        return document

    def put(self, key: str, document: DocumentPrint) -> None:
        self._entries[key] = [0, _encode(document)]
        self._used.add(key)
        self._dirty = True

    def remember(self, path: str, stat: FileStat, key: str) -> None:
        """Record that ``path`` with ``stat`` holds the content ``key``; not for a file
        changed in the last seconds, which could change again with the same stat on a
        file system that keeps coarse times (git calls such files "racily clean")."""
        if time.time_ns() - stat[1] < _RACY_NS:
            return
        known = [*stat, key]
        if self._files.get(path) != known:
            self._files[path] = known
            self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed, without the entries unused for :data:`MAX_AGE`
        generations; a cache that cannot be written is skipped."""
        if not self._dirty:
            return
        generation = self._generation + 1
        kept: dict[str, list[Any]] = {}
        for key, entry in self._entries.items():
            if key in self._used:
                kept[key] = [generation, entry[1]]
            elif type(entry) is list and generation - _seen(entry) < MAX_AGE:
                kept[key] = entry
        files = {
            path: known
            for path, known in self._files.items()
            if type(known) is list and len(known) == 4 and known[3] in kept
        }
        with contextlib.suppress(OSError, ValueError):
            # ValueError: marshal met something it cannot write; the cache is only a cache
            data = marshal.dumps({"generation": generation, "entries": kept, "files": files})
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by nbrefactor\n*\n", encoding="utf-8")
            staged = stage_content(self.file, data)
            try:
                staged.replace(self.file)
            finally:
                staged.unlink(missing_ok=True)  # gone after the rename; left only if it failed
        self._entries, self._files, self._generation = kept, files, generation
        self._dirty = False


def _seen(entry: list[Any]) -> int:
    seen = entry[0] if entry else None
    return seen if isinstance(seen, int) else 0


def _encode(document: DocumentPrint) -> tuple[Any, ...]:
    return (
        tuple(
            (s.cell, s.block, tuple(tuple(statement) for statement in s.statements))
            for s in document.sequences
        ),
        document.unparsed_cells,
    )


def _decode(encoded: tuple[Any, ...], path: str) -> DocumentPrint:
    sequences, unparsed = encoded
    make = StatementPrint._make  # TypeError for a tuple of another length
    decoded = tuple(
        SequencePrint(cell, block, tuple(make(values) for values in statements))
        for cell, block, statements in sequences
    )
    return DocumentPrint(path, decoded, tuple(unparsed))
