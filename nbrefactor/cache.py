"""A content-addressed cache of notebook fingerprints, so a hook run on one changed
notebook does not re-parse the hundred unchanged ones.

The cache lives in a folder (``.nbrefactor_cache/`` at the repository root by default)
that ignores itself for git. Entries are keyed by the hash of the file's bytes and the
fingerprint format version; a corrupt or unreadable cache is treated as empty.
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


def content_key(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class FingerprintCache:
    """Fingerprints by content hash, loaded once and saved once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"fingerprints-v{FINGERPRINT_VERSION}.json"
        self._entries: dict[str, Any] = {}
        self._dirty = False
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._entries = loaded

    def get(self, key: str, path: str) -> DocumentPrint | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        try:
            return _decode(entry, path)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None  # an entry of another shape: fingerprint the file again

    def put(self, key: str, document: DocumentPrint) -> None:
        self._entries[key] = _encode(document)
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a cache that cannot be written is skipped."""
        if not self._dirty:
            return
        with contextlib.suppress(OSError, NbrefactorError):  # read-only checkout, full disk
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by nbrefactor\n*\n", encoding="utf-8")
            write_text_atomic(self.file, json.dumps(self._entries, separators=(",", ":")))
        self._dirty = False


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
