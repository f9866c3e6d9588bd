"""A content-addressed cache of notebook fingerprints, so a hook run on one changed
notebook does not re-parse the hundred unchanged ones.

The cache lives in a folder (``.nbrefactor_cache/`` at the repository root by default)
that ignores itself for git. Entries are keyed by the hash of the file's bytes and the
fingerprint format version; a corrupt or unreadable cache is treated as empty.

Every edit of a notebook adds an entry, so the cache prunes itself: each save is a new
generation, and an entry no run has used for :data:`MAX_AGE` generations is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from nbrefactor.analysis.fingerprints import (
    FINGERPRINT_VERSION,
    DocumentPrint,
    SequencePrint,
    StatementPrint,
)
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import write_text_atomic

CACHE_DIR = ".nbrefactor_cache"
#: Saves after which an entry no run has used is dropped.
MAX_AGE = 20


def content_key(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class FingerprintCache:
    """Fingerprints by content hash, loaded once and saved once.

    The file holds ``{"generation": N, "entries": {key: entry}}``; each entry records
    the generation that last used it (``"seen"``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"fingerprints-v{FINGERPRINT_VERSION}.json"
        self._entries: dict[str, Any] = {}
        self._generation = 0
        self._used: set[str] = set()
        self._dirty = False
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("entries"), dict):
                generation = loaded.get("generation")
                self._generation = generation if isinstance(generation, int) else 0
                self._entries = loaded["entries"]

    def get(self, key: str, path: str) -> DocumentPrint | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        try:
            document = _decode(entry, path)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None  # an entry of another shape: fingerprint the file again
        self._used.add(key)
        return document

    def put(self, key: str, document: DocumentPrint) -> None:
        self._entries[key] = _encode(document)
        self._used.add(key)
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed, without the entries unused for :data:`MAX_AGE`
        generations; a cache that cannot be written is skipped."""
        if not self._dirty:
            return
        generation = self._generation + 1
        kept: dict[str, Any] = {}
        for key, entry in self._entries.items():
            if key in self._used:
                kept[key] = {**entry, "seen": generation}
            elif isinstance(entry, dict) and generation - _seen(entry) < MAX_AGE:
                kept[key] = entry
        with contextlib.suppress(OSError, NbrefactorError):  # read-only checkout, full disk
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by nbrefactor\n*\n", encoding="utf-8")
            text = json.dumps({"generation": generation, "entries": kept}, separators=(",", ":"))
            write_text_atomic(self.file, text)
        self._entries, self._generation = kept, generation
        self._dirty = False


def _seen(entry: dict[str, Any]) -> int:
    seen = entry.get("seen")
    return seen if isinstance(seen, int) else 0


def _encode(document: DocumentPrint) -> dict[str, Any]:
    return {
        "sequences": [
            [s.cell, s.block, [_statement(st) for st in s.statements]] for s in document.sequences
        ],
        "unparsed": list(document.unparsed_cells),
    }


def _statement(st: StatementPrint) -> list[Any]:
    return [
        st.shape, st.exact, st.line, st.end_line, st.col, st.size, st.tokens,
        int(st.is_import), int(st.suppressed), list(st.leaves), int(st.is_constant),
    ]  # fmt: skip


def _decode(entry: dict[str, Any], path: str) -> DocumentPrint:
    sequences = tuple(
        SequencePrint(
            cell,
            block,
            tuple(
                StatementPrint(
                    shape=values[0],
                    exact=values[1],
                    line=values[2],
                    end_line=values[3],
                    col=values[4],
                    size=values[5],
                    tokens=values[6],
                    is_import=bool(values[7]),
                    suppressed=bool(values[8]),
                    leaves=tuple(values[9]),
                    is_constant=bool(values[10]),
                )
                for values in statements
            ),
        )
        for cell, block, statements in entry["sequences"]
    )
    return DocumentPrint(path, sequences, tuple(entry["unparsed"]))
