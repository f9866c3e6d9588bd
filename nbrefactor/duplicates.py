"""Find duplicated code in notebooks and scripts on disk: the I/O around clone detection.

Reads each file once (a broken one becomes a :class:`FileProblem`, never stops the
batch), fingerprints it or takes its fingerprints from the cache, finds the clone
classes among all files and keeps those that touch a file being reported on.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass, describe
from nbrefactor.analysis.clones import CloneSettings, Corpus, find_raw_clones
from nbrefactor.analysis.fingerprints import DocumentPrint, fingerprint_cells
from nbrefactor.cache import FingerprintCache, content_key
from nbrefactor.config import Config
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook_text

#: Folders never searched for notebooks.
SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".ipynb_checkpoints", ".nbrefactor_cache", "node_modules", "__pycache__",
     ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", "site-packages"}
)  # fmt: skip
_JUPYTEXT_MARKER = re.compile(r"^(# %%|# \+|#\s*jupyter:|# ---)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file that could not be checked, and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class DuplicateReport:
    """Clone classes touching the reported files, and the files that could not be read."""

    classes: tuple[CloneClass, ...]
    problems: tuple[FileProblem, ...]
    files_checked: int
    unparsed_cells: tuple[tuple[str, int | None], ...] = ()


def settings_from(config: Config) -> CloneSettings:
    return CloneSettings(
        min_statements=config.min_statements,
        min_tokens=config.min_tokens,
        type3=config.type3,
        type3_similarity=config.type3_similarity,
        type3_min_statements=config.type3_min_statements,
    )


def find_duplicates(
    report_on: Sequence[Path],
    *,
    compare_with: Iterable[Path] = (),
    config: Config | None = None,
    cache: FingerprintCache | None = None,
) -> DuplicateReport:
    """Clone classes with at least one copy in ``report_on``, looking for the other
    copies in ``report_on`` and ``compare_with``."""
    config = config or Config()
    # one file, one document: `a.ipynb` and `/repo/a.ipynb` are the same file
    files: dict[Path, str] = {}
    for path in report_on:
        files.setdefault(path.resolve(), str(path))
    reported = set(files)
    for path in compare_with:
        files.setdefault(path.resolve(), _display(path))
    loader = _Loader(cache)
    documents: list[DocumentPrint] = []
    for resolved, shown in files.items():
        # a file only compared with must not fail the check: its problems are not reported
        document = loader.load(Path(shown), report=resolved in reported)
        if document is not None:
            documents.append(document)
    if cache is not None:
        cache.save()
    mine = {d for d, doc in enumerate(documents) if Path(doc.path).resolve() in reported}
    raw = find_raw_clones(documents, settings_from(config), focus=mine)
    classes = describe(raw, Corpus(documents))
    unparsed = tuple(
        (documents[d].path, cell) for d in sorted(mine) for cell in documents[d].unparsed_cells
    )
    return DuplicateReport(
        tuple(classes), tuple(loader.problems), len(documents), unparsed_cells=unparsed
    )


def _display(path: Path) -> str:
    """``path`` as people read it: relative to the current folder when it is inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Loader:
    """Reads files, fingerprints them (or takes the cached prints) and keeps sources."""

    def __init__(self, cache: FingerprintCache | None) -> None:
        self.cache = cache
        self.problems: list[FileProblem] = []

    def load(self, path: Path, *, report: bool = True) -> DocumentPrint | None:
        """Fingerprints of ``path``; a problem is recorded only for a reported file."""
        try:
            data = path.read_bytes()
        except OSError as error:
            if report:
                self.problems.append(FileProblem(str(path), f"cannot read: {error.strerror}"))
            return None
        key = content_key(data)
        if self.cache is not None:
            cached = self.cache.get(key, str(path))
            if cached is not None:
                return cached
        try:
            cells = self._read_cells(path, data)
        except NbrefactorError as error:
            if report:
                self.problems.append(FileProblem(str(path), error.message))
            return None
        document = fingerprint_cells(str(path), list(cells.items()))
        if self.cache is not None:
            self.cache.put(key, document)
        return document

    def _read_cells(self, path: Path, data: bytes) -> dict[int | None, str]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise NbrefactorError(f"is not UTF-8 text (offset {error.start})", path=path) from None
        if path.suffix == ".py" and not _JUPYTEXT_MARKER.search(text):
            return {None: text}  # a plain script
        if path.suffix == ".ipynb":
            cells = _code_cells(text)
            if cells is not None:
                return cells
        notebook = read_notebook_text(text, path)  # the full reader, with its error messages
        return {c.index: c.source for c in notebook.cells if c.is_code}


def _code_cells(text: str) -> dict[int | None, str] | None:
    """The code cells of an nbformat 4 Python notebook, read with ``json`` alone.

    Clone detection needs only sources, and importing nbformat (with jsonschema) costs a
    pre-commit hook more than the work itself. Anything unusual returns None, and the
    full reader takes over.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return None
    kernel = data.get("metadata", {}).get("kernelspec", {}).get("language", "python")
    cells = data.get("cells")
    if str(kernel).lower() not in ("python", "python3", "") or not isinstance(cells, list):
        return None
    found: dict[int | None, str] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            return None
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(source)
            if not isinstance(source, str):
                return None
            found[index] = source
    return found


def discover(paths: Iterable[Path], exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Files to check: files as given, and the notebooks found under folders.

    Folders are searched for ``.ipynb`` files, skipping hidden and tool folders and any
    path matching an ``exclude`` pattern (gitignore style: ``build/``, ``*.tmp.ipynb``,
    ``notebooks/scratch/*.ipynb``).
    """
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, subfolders, files in os.walk(path):
            relative_folder = Path(folder).relative_to(path)
            subfolders[:] = sorted(
                name
                for name in subfolders
                if name not in SKIPPED_FOLDERS
                and not name.startswith(".")
                and not _excluded(relative_folder / name, exclude, folder=True)
            )
            for name in sorted(files):
                if name.endswith(".ipynb") and not _excluded(relative_folder / name, exclude):
                    yield Path(folder) / name


def is_excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether ``path`` (a file under ``root``) matches an ``exclude`` pattern, itself or
    through one of its folders, as :func:`discover` would have skipped it."""
    if not patterns:
        return False
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return False  # outside the project: its patterns do not apply
    folders = list(relative.parents)[:-1]  # without "."
    return _excluded(relative, patterns) or any(
        _excluded(folder, patterns, folder=True) for folder in folders
    )


def _excluded(relative: Path, patterns: Sequence[str], *, folder: bool = False) -> bool:
    text = relative.as_posix()
    for pattern in patterns:
        if pattern.endswith("/"):
            if folder and (
                fnmatch.fnmatch(relative.name, pattern[:-1])
                or fnmatch.fnmatch(text, pattern[:-1].lstrip("/"))
            ):
                return True
            continue
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatch(text, pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatch(relative.name, pattern):
            return True
    return False


def tracked_notebooks(root: Path) -> list[Path]:
    """Notebooks git tracks under ``root`` (empty outside a git repository)."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.ipynb"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [root / name for name in result.stdout.decode("utf-8", "replace").split("\0") if name]
