"""Read files for clone detection and fingerprint them, or take their fingerprints from
the cache; a file that cannot be read is a problem to report, never the end of a run."""

from __future__ import annotations

import errno
from pathlib import Path

from nbrefactor.analysis.fingerprints import CellMemo, DocumentPrint, fingerprint_cells
from nbrefactor.diagnostics import Diagnostic, file_problem
from nbrefactor.duplicates.cache import FingerprintCache, content_key, file_stat
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import decode_source, read_code_cells


class FingerprintLoader:
    """Fingerprints of files, from the cache when they are unchanged; the files that
    could not be read are in :attr:`problems` (NBR002), those the cache answered for in
    :attr:`cached`."""

    def __init__(self, cache: FingerprintCache | None) -> None:
        self.cache = cache
        self.problems: list[Diagnostic] = []
        self.cached: set[str] = set()
        self._memo: CellMemo = {}  # cells pasted into several files are fingerprinted once

    def load(self, path: Path, absolute: Path, *, report: bool = True) -> DocumentPrint | None:
        """Fingerprints of ``path`` (``absolute`` is where it is, links resolved); a
        problem is recorded only for a reported file."""
        cache, where = self.cache, str(absolute)
        try:
            if cache is not None:
                stat = file_stat(absolute.stat())
                key = cache.key_of(where, stat)
                if key is not None:  # unchanged since the cache saw it: not even read
                    document = cache.get(key, str(path))
                    if document is not None:
                        self.cached.add(str(path))
                        return document
            data = path.read_bytes()
        except OSError as error:
            if report:
                why = (
                    "is a symbolic link that loops"
                    if error.errno == errno.ELOOP
                    else f"cannot read: {error.strerror}"
                )
                self.problems.append(file_problem(str(path), why))
            return None
        key = content_key(data)
        if cache is not None:
            cache.remember(where, stat, key)
            document = cache.get(key, str(path))
            if document is not None:
                self.cached.add(str(path))
                return document
        try:
            cells = read_code_cells(decode_source(data, path), path)
        except NbrefactorError as error:
            if report:
                self.problems.append(file_problem(str(path), error.message))
            return None
        document = fingerprint_cells(str(path), list(cells.items()), memo=self._memo)
        if cache is not None:
            cache.put(key, document)
        return document
