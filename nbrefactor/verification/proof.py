"""Prove a refactoring changed nothing: run the original and the refactored notebook,
each in its own kernel with the original's folder as working directory, and compare
what every cell showed.

A refactoring that is not written yet runs from a temporary folder: the package it
imports is staged there (:func:`stage_package`) and comes first on the kernel's
``PYTHONPATH``; the rewritten notebook never touches the disk. Nothing here knows how
the refactoring was made: it gets notebooks and files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from nbrefactor.errors import ExecutionFailed, NbrefactorError
from nbrefactor.verification.compare import Difference, compare_runs
from nbrefactor.verification.execute import (
    CellRun,
    RunOptions,
    execute_notebook,
    run_notebook,
)


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of comparing one notebook with its refactoring."""

    original: Path
    refactored: str  # a path, or a description of the unwritten extraction
    cells: int  # code cells of the original
    differences: tuple[Difference, ...] = field(default=())

    @property
    def same(self) -> bool:
        return not self.differences

    @property
    def exit_code(self) -> int:
        return 0 if self.same else 1

    def render(self, fmt: Literal["text", "json"] = "text") -> str:
        if fmt == "json":
            return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"
        head = f"{self.original} -> {self.refactored}"
        if self.same:
            return f"{head}: same outputs ({self.cells} code cells)\n"
        body = "\n".join(str(d) for d in self.differences)
        count = len(self.differences)
        return f"{head}\n{body}\n{count} cell{'' if count == 1 else 's'} differ\n"

    def as_dict(self) -> dict[str, object]:
        return {
            "original": str(self.original),
            "refactored": self.refactored,
            "same": self.same,
            "cells": self.cells,
            "differences": [d.as_dict() for d in self.differences],
        }


def run_original(path: Path, options: RunOptions) -> tuple[CellRun, ...]:
    """Run the original notebook; a cell that raises stops it (unless errors are
    allowed) with an :class:`ExecutionFailed` saying the original itself fails.

    What the run creates in the notebook's folder is removed afterwards, so that the
    refactored notebook starts from the same folder (``%%writefile`` says "Writing",
    not "Overwriting"; a listing shows the same files).
    """
    folder = path.resolve().parent
    before = folder_state(folder)
    try:
        return execute_notebook(path, options, run="original")
    except ExecutionFailed as error:
        raise ExecutionFailed(
            f"the original notebook does not run: {error.message}", path=path, cell=error.cell
        ) from None
    finally:
        if before is not None:
            _remove_created(folder, before)


#: Folders with more entries than this are not watched.
_MAX_ENTRIES = 20_000

#: What a folder holds: each entry under it (hidden ones and caches left out), with the
#: size and modification time of a file (None for a folder).
FolderState = dict[str, tuple[int, int] | None]


def folder_state(folder: Path) -> FolderState | None:
    """What ``folder`` holds now; None when it holds too much to keep track of."""
    found: FolderState = {}
    for root, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".") and f != "__pycache__"]
        base = Path(root).relative_to(folder)
        found.update((str(base / name), None) for name in folders)
        for name in files:
            if not name.startswith("."):
                with contextlib.suppress(OSError):  # gone already, or a broken link
                    stat = (Path(root) / name).stat()
                    found[str(base / name)] = (stat.st_size, stat.st_mtime_ns)
        if len(found) > _MAX_ENTRIES:
            return None
    return found


def folder_changes(folder: Path, before: FolderState | None) -> list[str]:
    """What changed under ``folder`` since ``before``: ``created a.csv``, ``changed
    b.csv``, ``removed c.csv``, a line each (files only)."""
    after = folder_state(folder)
    if before is None or after is None:
        return []
    files_before = {k: v for k, v in before.items() if v is not None}
    files_after = {k: v for k, v in after.items() if v is not None}
    return [
        *(f"created {folder / k}" for k in sorted(files_after.keys() - files_before.keys())),
        *(
            f"changed {folder / k}"
            for k in sorted(files_after.keys() & files_before.keys())
            if files_after[k] != files_before[k]
        ),
        *(f"removed {folder / k}" for k in sorted(files_before.keys() - files_after.keys())),
    ]


def _remove_created(folder: Path, before: FolderState) -> None:
    """Remove what is under ``folder`` now and was not there ``before``."""
    now = folder_state(folder) or {}
    for name in sorted(now.keys() - before.keys(), key=lambda n: -n.count(os.sep)):  # deepest first
        path = folder / name
        with contextlib.suppress(OSError):  # in use, or not empty: leave it
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()


def compare_files(
    original: Path, refactored: Path, options: RunOptions, *, python_path: Sequence[Path] = ()
) -> Verification:
    """Run both notebooks and compare them. A cell of the refactored notebook that
    raises is a difference (the run goes on); one of the original stops everything.
    ``python_path`` is where the refactored notebook imports its package from."""
    before = run_original(original, options)
    after = execute_notebook(
        refactored, replace(options, allow_errors=True), python_path=python_path, run="refactored"
    )
    return Verification(original, str(refactored), len(before), compare_runs(before, after))


def compare_rewrite(
    original: Path,
    rewritten: str,
    options: RunOptions,
    *,
    label: str,
    python_path: Sequence[Path] = (),
    preamble: str = "",
) -> Verification:
    """Run ``original``, then ``rewritten`` (its refactored text, not written anywhere)
    from the original's folder, so relative data paths work, and compare them.
    ``label`` names the refactoring in the report; ``preamble`` is code the refactored
    run executes first (see :func:`~nbrefactor.verification.execute.run_notebook`)."""
    before = run_original(original, options)
    after = run_notebook(
        rewritten,
        original,
        replace(options, allow_errors=True),  # a raise is a difference, shown with the rest
        python_path=python_path,
        preamble=preamble,
        run="refactored",
    )
    return Verification(original, label, len(before), compare_runs(before, after))


def expose_package(import_root: Path, package: str, folder: Path) -> Path:
    """A folder to put on ``PYTHONPATH`` that holds the top-level package of ``package``
    (a link to it, in ``folder``) and nothing else: the folder it is imported from may
    hold modules that would hide the notebook's own (a ``helpers/`` beside
    ``helpers.py``), since ``PYTHONPATH`` comes before the notebook's folder."""
    top = package.split(".")[0]
    try:
        (folder / top).symlink_to(import_root.resolve() / top, target_is_directory=True)
    except OSError:  # no symbolic links here: a copy does too
        return stage_package(import_root, package, (), folder)
    return folder


def stage_package(
    import_root: Path, package: str, files: Iterable[tuple[Path, str]], folder: Path
) -> Path:
    """Copy the top-level package of ``package`` (a dotted name imported from
    ``import_root``) into ``folder``, and write ``files`` (path under ``import_root``,
    content) over it; returns the folder to put on ``PYTHONPATH``. Files outside the
    package are left out."""
    top_name = package.split(".")[0]
    top = import_root / top_name
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if top.is_dir():
            shutil.copytree(top, folder / top_name, ignore=shutil.ignore_patterns("__pycache__"))
        for path, text in files:
            if path.suffix == ".py" and path.is_relative_to(top):
                target = folder / path.relative_to(import_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise NbrefactorError(
            f"cannot stage the package to run it: {error.strerror or error}", path=folder
        ) from None
    return folder
