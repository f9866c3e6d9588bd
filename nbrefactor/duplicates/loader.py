"""Read files for clone detection and fingerprint them, or take their fingerprints from
the cache; a file that cannot be read is a problem to report, never the end of a run.

A run that reports on a few files among many (the pre-commit hook) loads the others'
fingerprints only when their cached summaries say they could share a copy with the
reported ones.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from nbrefactor.analysis.clones import (
    CLONES_VERSION,
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
from nbrefactor.notebook.reader import decode_source, file_kind_problem, read_code_cells


class LoadedCorpus(NamedTuple):
    """The documents a run compares, and what it needs to know about them.

    ``focus`` numbers the documents to report on (None: all of them); ``population``
    describes every document compared when only the related ones were loaded.
    """

    documents: tuple[DocumentPrint, ...]
    focus: frozenset[int] | None
    population: Population | None


class _File:
    """One file of a run: where it is, whether it is reported on, and what is known of
    it: its content key and summary from the cache, or its fingerprints."""

    __slots__ = ("absolute", "document", "key", "report", "shown", "summary")

    def __init__(self, shown: str, absolute: Path, report: bool) -> None:
        self.shown = shown
        self.absolute = absolute
        self.report = report
        self.key: str | None = None
        self.summary: DocumentSummary | None = None
        self.document: DocumentPrint | None = None


class Survey:
    """Every file of a run, each read at most once: an unchanged file the cache holds is
    not read at all (its fingerprints are loaded only if needed), any other is read and
    fingerprinted. Files that cannot be read are in :attr:`problems` (when reported on).
    """

    def __init__(
        self,
        report_on: Sequence[Path],
        compare_with: Iterable[Path],
        cache: FingerprintCache | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        # one file, one document: `a.ipynb` and `/repo/a.ipynb` are the same file
        paths = _Paths()
        where: dict[Path, str] = {}
        for path in report_on:
            where.setdefault(paths.resolved(path), str(path))
        reported = set(where)
        for path in compare_with:
            where.setdefault(paths.resolved(path), paths.display(path))
        self.cache = cache
        self._loader = FingerprintLoader(cache)
        self.files: list[_File] = []
        for done, (absolute, shown) in enumerate(where.items(), start=1):
            file = _File(shown, absolute, absolute in reported)
            known = self._loader.known(absolute)
            if known is not None:
                file.key, file.summary = known
            else:
                # a file only compared with must not fail the check: its problems are not
                # reported
                file.key, file.document = self._loader.load(
                    Path(shown), absolute, report=file.report
                )
            if file.key is not None:
                self.files.append(file)
            if progress is not None:
                progress(done, len(where))

    @property
    def problems(self) -> tuple[Diagnostic, ...]:
        return tuple(self._loader.problems)

    @property
    def cached(self) -> frozenset[str]:
        """The files the cache knew (shown paths)."""
        unread = {file.shown for file in self.files if file.summary is not None}
        return frozenset(unread | self._loader.cached)

    def run_key(self, settings: CloneSettings) -> str | None:
        """What a run's findings depend on, hashed: the files read (as shown, with their
        content) and which are reported on, the settings, and the detection's version
        (files that could not be read play no part). None without a cache."""
        if self.cache is None:
            return None
        files = tuple((file.shown, file.key, file.report) for file in self.files)
        return content_key(repr((CLONES_VERSION, repr(settings), files)).encode())

    def load(self, settings: CloneSettings) -> LoadedCorpus:
        """The documents to compare: those reported on, and those the others could share
        a copy with (all of them when every file is reported on)."""
        documents: list[DocumentPrint] = []
        mine: set[int] = set()
        deferred: list[_File] = []  # cached, loaded only if related to a reported file
        for file in self.files:
            if file.document is None and not file.report:
                deferred.append(file)
                continue
            document = file.document or self._fingerprints(file)
            if document is not None:
                if file.report:
                    mine.add(len(documents))
                documents.append(document)
        population = None
        if deferred:
            others = {n: file.summary for n, file in enumerate(deferred) if file.summary}
            population = Population.of([*others.values(), *map(summarize, documents)])
            focus_documents = [documents[d] for d in sorted(mine)]
            for number in sorted(related_documents(focus_documents, others, settings, population)):
                document = self._fingerprints(deferred[number])
                if document is not None:
                    documents.append(document)
        focus = None if len(mine) == len(documents) and not deferred else frozenset(mine)
        return LoadedCorpus(tuple(documents), focus, population)

    def _fingerprints(self, file: _File) -> DocumentPrint | None:
        """The fingerprints of a file the cache holds; read again if its entry is gone."""
        document = None if file.key is None else self._loader.cached_document(file.key, file.shown)
        if document is None:
            file.key, document = self._loader.load(
                Path(file.shown), file.absolute, report=file.report
            )
        return document


class _Paths:
    """Paths of a run made absolute, with links resolved, and shown as people read them.

    Each folder is resolved once: a repository's notebooks are thousands of files in a
    few folders, and resolving each path alone costs a system call per component.
    """

    def __init__(self) -> None:
        self.cwd = Path.cwd()
        self._folders: dict[Path, Path] = {}

    def resolved(self, path: Path) -> Path:
        """As :func:`~nbrefactor.fileio.resolved`."""
        absolute = path if path.is_absolute() else self.cwd / path
        if absolute.name in ("", ".", ".."):
            return resolved(absolute)
        folder = self._folders.get(absolute.parent)
        if folder is None:
            folder = self._folders[absolute.parent] = resolved(absolute.parent)
        candidate = folder / absolute.name
        return resolved(candidate) if candidate.is_symlink() else candidate

    def display(self, path: Path) -> str:
        """``path`` relative to the current folder when it is inside it."""
        if not path.is_absolute():
            return str(path)
        try:
            return str(path.relative_to(self.cwd))
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

    def load(
        self, path: Path, absolute: Path, *, report: bool = True
    ) -> tuple[str | None, DocumentPrint | None]:
        """The content key and fingerprints of ``path`` (``absolute`` is where it is,
        links resolved); (None, None) when it cannot be read, a problem recorded only
        for a reported file."""
        cache, where = self.cache, str(absolute)
        try:
            status = absolute.stat()
            problem = file_kind_problem(status.st_mode)
            if problem is not None:
                return self._unread(path, problem, report)
            stat = file_stat(status)
            if cache is not None:
                key = cache.key_of(where, stat)
                if key is not None:  # unchanged since the cache saw it: not even read
                    document = self.cached_document(key, str(path))
                    if document is not None:
                        return key, document
            data = path.read_bytes()
        except OSError as error:
            if error.errno == errno.ELOOP:
                return self._unread(path, "is a symbolic link that loops", report)
            return self._unread(path, f"cannot read: {error.strerror}", report)
        key = content_key(data)
        if cache is not None:
            cache.remember(where, stat, key)
            document = self.cached_document(key, str(path))
            if document is not None:
                return key, document
        try:
            cells = read_code_cells(decode_source(data, path), path)
        except NbrefactorError as error:
            return self._unread(path, error.message, report)
        document = fingerprint_cells(str(path), list(cells.items()), memo=self._memo)
        if cache is not None:
            cache.put(key, document)
        return key, document

    def _unread(self, path: Path, why: str, report: bool) -> tuple[None, None]:
        """What :meth:`load` gives for a file it could not read: nothing, and the
        problem recorded when the file is reported on."""
        if report:
            self.problems.append(file_problem(str(path), why))
        return None, None
