"""Which files to check: notebooks found under folders, exclusion patterns, and the
notebooks git tracks."""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from nbrefactor.fileio import resolved

#: Folders never searched for notebooks.
SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".ipynb_checkpoints", ".nbrefactor_cache", "node_modules", "__pycache__",
     ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", "site-packages"}
)  # fmt: skip


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
        relative = resolved(path).relative_to(resolved(root))
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


def enclosing_repository(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` with a ``.git`` entry (a git work tree's
    top, told without running git), or None."""
    folder = resolved(start)
    for candidate in [folder, *folder.parents]:
        if (candidate / ".git").exists():
            return candidate
    return None


def repository_root() -> Path:
    """The top of the git repository the current folder is in (else the folder itself)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()
    return Path(top) if top else Path.cwd()


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
