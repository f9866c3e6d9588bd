"""Read files for clone detection and fingerprint them, or take their fingerprints from
the cache; a file that cannot be read is a problem to report, never the end of a run.

A run that reports on a few files among many (the pre-commit hook) loads the others'
fingerprints only when their cached summaries say they could share a copy with the
reported ones.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.clones import (
    CloneSettings,
    DocumentSummary,
    Population,
    related_documents,
    summarize,
)
from nbrefactor.analysis.fingerprints import CellMemo, DocumentPrint, fingerprint_cells
from nbrefactor.diagnostics import Diagnostic, file_problem
from nbrefactor.duplicates.cache import FingerprintCache, content_key, file_stat
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import resolved
from nbrefactor.notebook.reader import decode_source, read_code_cells


@dataclass(frozen=True, slots=True)
class LoadedCorpus:
    """The documents a run compares, and what it needs to know about them.

    ``focus`` numbers the documents to report on (None: all of them); ``population``
    describes every document compared when only the related ones were loaded.
    """

    documents: tuple[DocumentPrint, ...]
    focus: frozenset[int] | None
    population: Population | None
    problems: tuple[Diagnostic, ...]
    #: Files whose fingerprints came from the cache (shown paths).
    cached: frozenset[str]
    #: Files compared, loaded or not (those that could not be read left out).
    compared: int


def load_corpus(
    report_on: Sequence[Path],
    compare_with: Iterable[Path],
    *,
    settings: CloneSettings,
    cache: FingerprintCache | None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadedCorpus:
    """Fingerprints of ``report_on`` and of what in ``compare_with`` could matter.

    Each file is read at most once (``a.ipynb`` and ``/repo/a.ipynb`` are one file);
    ``progress`` is told (files done, files in all) as files are loaded.
    """
    files: dict[Path, str] = {}
    for path in report_on:
        files.setdefault(resolved(path), str(path))
    reported = set(files)
    for path in compare_with:
        files.setdefault(resolved(path), _display(path))
    loader = FingerprintLoader(cache)
    documents: list[DocumentPrint] = []
    mine: set[int] = set()
    # files the cache holds, loaded only if they could share a copy with a reported one
    deferred: list[tuple[str, str, DocumentSummary]] = []  # (key, shown path, summary)
    for done, (absolute, shown) in enumerate(files.items(), start=1):
        report = absolute in reported
        known = None if report else loader.known(absolute)
        if known is not None:
            deferred.append((known[0], shown, known[1]))
        else:
            # a file only compared with must not fail the check: its problems are not reported
            document = loader.load(Path(shown), absolute, report=report)
            if document is not None:
                if report:
                    mine.add(len(documents))
                documents.append(document)
        if progress is not None:
            progress(done, len(files))
    population = None
    deferred_loaded = 0
    if deferred:
        others = {number: summary for number, (_, _, summary) in enumerate(deferred)}
        population = Population.of([*others.values(), *map(summarize, documents)])
        focus_documents = [documents[d] for d in sorted(mine)]
        for number in sorted(related_documents(focus_documents, others, settings, population)):
            key, shown, _ = deferred[number]
            document = loader.cached_document(key, shown)
            if document is None:  # the entry is gone: read the file after all
                document = loader.load(Path(shown), resolved(Path(shown)), report=False)
            if document is not None:
                documents.append(document)
                deferred_loaded += 1
    if cache is not None:
        cache.save()
    compared = len(documents) - deferred_loaded + len(deferred)
    focus = None if len(mine) == len(documents) and not deferred else frozenset(mine)
    return LoadedCorpus(
        tuple(documents),
        focus,
        population,
        tuple(loader.problems),
        frozenset(loader.cached),
        compared,
    )


def _display(path: Path) -> str:
    """``path`` as people read it: relative to the current folder when it is inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class FingerprintLoader:
    """Fingerprints of files, from the cache when they are unchanged; the files that
    could not be read are in :attr:`problems` (NBR002), those the cache answered for in
    :attr:`cached`."""

    def __init__(self, cache: FingerprintCache | None) -> None:
        self.cache = cache
        self.problems: list[Diagnostic] = []
        self.cached: set[str] = set()
        self._memo: CellMemo = {}  # cells pasted into several files are fingerprinted once

    def known(self, absolute: Path) -> tuple[str, DocumentSummary] | None:
        """The cache key and summary of an unchanged file, without reading it."""
        if self.cache is None:
            return None
        try:
            key = self.cache.key_of(str(absolute), file_stat(absolute.stat()))
        except OSError:
            return None
        summary = None if key is None else self.cache.summary(key)
        return None if key is None or summary is None else (key, summary)

    def cached_document(self, key: str, shown: str) -> DocumentPrint | None:
        document = None if self.cache is None else self.cache.get(key, shown)
        if document is not None:
            self.cached.add(shown)
        return document

    def load(self, path: Path, absolute: Path, *, report: bool = True) -> DocumentPrint | None:
        """Fingerprints of ``path`` (``absolute`` is where it is, links resolved); a
        problem is recorded only for a reported file."""
        cache, where = self.cache, str(absolute)
        try:
            if cache is not None:
                stat = file_stat(absolute.stat())
                key = cache.key_of(where, stat)
                if key is not None:  # unchanged since the cache saw it: not even read
                    document = self.cached_document(key, str(path))
                    if document is not None:
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
            document = self.cached_document(key, str(path))
            if document is not None:
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
