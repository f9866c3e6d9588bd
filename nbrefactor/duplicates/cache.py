"""A cache of notebook fingerprints, so a hook run on one changed notebook does not
re-parse the hundred unchanged ones, and a second ``check`` reads almost nothing.

The cache lives in a folder (``.nbrefactor_cache/`` at the repository root by default)
that ignores itself for git. Inside, a folder per fingerprint format and Python version
holds one file per notebook content, named by the hash of the file's bytes, and an
index. The index records each file's size, modification time and inode, which lead to
its entry without reading the file (only a file whose stat changed is read and hashed
again), and each entry's summary (:class:`~nbrefactor.analysis.clones.DocumentSummary`),
from which a hook run finds the few notebooks it must load. Everything is written with
:mod:`marshal`: fast to read, and unable to run code, unlike pickle. A corrupt or
unreadable cache is treated as empty.

Every edit of a notebook adds an entry, so the cache prunes itself: each save is a new
generation, and an entry no run has used for :data:`MAX_AGE` generations is dropped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

from nbrefactor.analysis.antiunify import CloneParameter
from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import DocumentSummary, Region, summarize
from nbrefactor.analysis.fingerprints import (
    FINGERPRINT_VERSION,
    DocumentPrint,
    SequencePrint,
    StatementPrint,
)

CACHE_DIR = ".nbrefactor_cache"
#: Saves after which an entry no run has used is dropped.
MAX_AGE = 20
#: A file modified this recently is read again next time, whatever its stat says.
_RACY_NS = 2_000_000_000
_INDEX = "index"

#: Runs whose findings are kept.
MAX_RESULTS = 8
_REGION_FIELDS = tuple(field.name for field in dataclasses.fields(Region))

#: What the cache knows of a file without reading it: (size, mtime_ns, inode).
FileStat = tuple[int, int, int]
#: A run's findings: its clone classes, and the (path, cell) of the cells that do not parse.
Findings = tuple[tuple[CloneClass, ...], tuple[tuple[str, int | None], ...]]


def content_key(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def file_stat(stat: os.stat_result) -> FileStat:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class FingerprintCache:
    """Fingerprints by content hash: the index is read once and written once; entries
    are read when asked for and written at :meth:`save`.

    The index holds ``{"generation": N, "entries": {key: [seen, summary]},
    "files": {path: [size, mtime_ns, inode, key]}, "results": {run: findings}}``;
    ``seen`` is the generation that last used the entry, ``run`` the hash of what a
    run's findings depend on (:meth:`~nbrefactor.duplicates.loader.Survey.run_key`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # marshal's format may change between Python versions: each has its own folder
        python = f"py{sys.version_info[0]}{sys.version_info[1]}"
        self.entries = folder / f"fingerprints-v{FINGERPRINT_VERSION}-{python}"
        self._index: dict[str, list[Any]] = {}
        self._files: dict[str, list[Any]] = {}
        self._generation = 0
        self._used: set[str] = set()
        self._new: dict[str, DocumentPrint] = {}
        self._results: dict[str, Any] = {}
        self._dirty = False
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            loaded = marshal.loads((self.entries / _INDEX).read_bytes())
            if isinstance(loaded, dict) and isinstance(loaded.get("entries"), dict):
                generation = loaded.get("generation")
                self._generation = generation if isinstance(generation, int) else 0
                self._index = loaded["entries"]
                files = loaded.get("files")
                self._files = files if isinstance(files, dict) else {}
                results = loaded.get("results")
                self._results = results if isinstance(results, dict) else {}

    def key_of(self, path: str, stat: FileStat) -> str | None:
        """The content key last seen for ``path`` (an absolute path) if its stat has not
        changed since; None when the file must be read to know."""
        known = self._files.get(path)
        if type(known) is list and len(known) == 4 and tuple(known[:3]) == stat:
            key = known[3]
            return key if isinstance(key, str) and key in self._index else None
        return None

    def summary(self, key: str) -> DocumentSummary | None:
        """The summary of entry ``key``, without reading the entry."""
        entry = self._index.get(key)
        try:
            shapes, substance, blocks, repeated = entry[1]  # type: ignore[index]
            summary = DocumentSummary(
                frozenset(shapes), dict(substance), int(blocks), frozenset(repeated)
            )
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        self._used.add(key)
        return summary

    def get(self, key: str, path: str) -> DocumentPrint | None:
        """The fingerprints of entry ``key``, for the file shown as ``path``."""
        if key in self._new:
            self._used.add(key)
            return DocumentPrint(path, self._new[key].sequences, self._new[key].unparsed_cells)
        if key not in self._index:
            return None
        try:
            document = _decode(marshal.loads((self.entries / key).read_bytes()), path)
        except (OSError, EOFError, TypeError, ValueError, IndexError, KeyError):
            return None  # gone, or of another shape: fingerprint the file again
        self._used.add(key)
        return document

    def put(self, key: str, document: DocumentPrint) -> DocumentSummary:
        """Keep ``document`` as entry ``key``; return its summary."""
        summary = summarize(document)
        self._index[key] = [0, tuple(summary)]
        self._new[key] = document
        self._used.add(key)
        self._dirty = True
        return summary

    def result(self, run: str) -> Findings | None:
        """The findings of an earlier run whose inputs hashed to ``run``."""
        try:
            return _decode_findings(self._results[run])
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def put_result(self, run: str, findings: Findings) -> None:
        """Keep a run's findings (the most recent :data:`MAX_RESULTS` runs are kept)."""
        self._results.pop(run, None)
        self._results[run] = _encode_findings(findings)
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
        """Write the new entries and the index if anything changed, dropping the entries
        unused for :data:`MAX_AGE` generations; a cache that cannot be written is
        skipped (a read-only checkout, a full disk)."""
        if not self._dirty:
            return
        generation = self._generation + 1
        kept: dict[str, list[Any]] = {}
        for key, entry in self._index.items():
            if key in self._used:
                kept[key] = [generation, entry[1]]
            elif type(entry) is list and len(entry) == 2 and generation - _seen(entry) < MAX_AGE:
                kept[key] = entry
        files = {
            path: known
            for path, known in self._files.items()
            if type(known) is list and len(known) == 4 and known[3] in kept
        }
        with contextlib.suppress(OSError, ValueError):
            # ValueError: marshal met something it cannot write; the cache is only a cache
            self.entries.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by nbrefactor\n*\n", encoding="utf-8")
            for key, document in self._new.items():
                if key in kept:
                    _write(self.entries / key, marshal.dumps(_encode(document)))
            results = dict(list(self._results.items())[-MAX_RESULTS:])
            index = {"generation": generation, "entries": kept, "files": files, "results": results}
            _write(self.entries / _INDEX, marshal.dumps(index))
            for path in self.entries.iterdir():  # pruned entries, and leftovers of others
                if path.name != _INDEX and path.name not in kept:
                    path.unlink(missing_ok=True)
        self._index, self._files, self._generation = kept, files, generation
        self._new.clear()
        self._dirty = False


def _encode_findings(findings: Findings) -> tuple[Any, ...]:
    classes, unparsed = findings
    return (
        tuple(
            (
                clone.kind,
                tuple(tuple(getattr(r, f) for f in _REGION_FIELDS) for r in clone.regions),
                tuple((p.role, p.values) for p in clone.parameters),
                clone.fingerprint,
            )
            for clone in classes
        ),
        unparsed,
    )


def _decode_findings(encoded: tuple[Any, ...]) -> Findings:
    classes, unparsed = encoded
    decoded = tuple(
        CloneClass(
            kind,
            tuple(Region(*values) for values in regions),
            tuple(CloneParameter(role, tuple(values)) for role, values in parameters),
            fingerprint,
        )
        for kind, regions, parameters, fingerprint in classes
    )
    return decoded, tuple((path, cell) for path, cell in unparsed)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a file renamed onto it, so a reader sees the old
    content or the new, never half of one. Not forced to disk: a cache lost in a crash is
    only built again."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        staged.write_bytes(data)
        staged.replace(path)
    finally:
        staged.unlink(missing_ok=True)  # gone after the rename; left only if it failed


def _seen(entry: list[Any]) -> int:
    seen = entry[0]
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
        SequencePrint(cell, block, tuple(map(make, statements)))
        for cell, block, statements in sequences
    )
    return DocumentPrint(path, decoded, tuple(unparsed))
