"""Read files for clone detection and fingerprint them, or take their fingerprints from
the cache; a file that cannot be read is a problem to report, never the end of a run."""

from __future__ import annotations

import errno
from pathlib import Path

from nbrefactor.analysis.fingerprints import DocumentPrint, fingerprint_cells
from nbrefactor.diagnostics import Diagnostic, file_problem
from nbrefactor.duplicates.cache import FingerprintCache, content_key
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import decode_source, read_code_cells


class FingerprintLoader:
    """Fingerprints of files, from the cache when their content is unchanged; the files
    that could not be read are in :attr:`problems` (NBR002)."""

    def __init__(self, cache: FingerprintCache | None) -> None:
        self.cache = cache
        self.problems: list[Diagnostic] = []

    def load(self, path: Path, *, report: bool = True) -> DocumentPrint | None:
        """Fingerprints of ``path``; a problem is recorded only for a reported file."""
        try:
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
        if self.cache is not None:
            cached = self.cache.get(key, str(path))
            if cached is not None:
                return cached
        try:
            cells = read_code_cells(decode_source(data, path), path)
        except NbrefactorError as error:
            if report:
                self.problems.append(file_problem(str(path), error.message))
            return None
        document = fingerprint_cells(str(path), list(cells.items()))
        if self.cache is not None:
            self.cache.put(key, document)
        return document
