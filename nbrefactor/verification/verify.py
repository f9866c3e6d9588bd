"""Prove a refactoring changed nothing: run the original and the refactored notebook,
each in its own kernel with the original's folder as working directory, and compare
what every cell showed.

An extraction that is not written yet is run from a temporary folder: the project's
package as it is, with the extraction's modules on top, comes first on the kernel's
``PYTHONPATH``; the rewritten notebook never touches the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from nbrefactor.emit.project import find_project
from nbrefactor.errors import ExecutionFailed, NbrefactorError
from nbrefactor.extraction import ExtractionResult, extract, project_for
from nbrefactor.verification.compare import Difference, compare_runs
from nbrefactor.verification.execute import (
    CellRun,
    RunOptions,
    execute_notebook,
    run_notebook,
)
from nbrefactor.verification.recording import CALLS, MAX_BYTES, Recorder, Recording


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
    before = _listing(folder)
    try:
        return execute_notebook(path, options)
    except ExecutionFailed as error:
        raise ExecutionFailed(
            f"the original notebook does not run: {error.message}", path=path, cell=error.cell
        ) from None
    finally:
        if before is not None:
            _remove_created(folder, before)


#: Folders with more entries than this are not restored after the original's run.
_MAX_ENTRIES = 20_000


def _listing(folder: Path) -> set[str] | None:
    """The files and folders under ``folder`` (hidden ones and caches left out); None
    when there are too many to keep track of."""
    found: set[str] = set()
    for root, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".") and f != "__pycache__"]
        base = Path(root).relative_to(folder)
        found.update(str(base / name) for name in (*folders, *files) if not name.startswith("."))
        if len(found) > _MAX_ENTRIES:
            return None
    return found


def _remove_created(folder: Path, before: set[str]) -> None:
    """Remove what is under ``folder`` now and was not in the listing ``before``."""
    now = _listing(folder) or set()
    for name in sorted(now - before, key=lambda n: -n.count(os.sep)):  # deepest first
        path = folder / name
        with contextlib.suppress(OSError):  # in use, or not empty: leave it
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()


def verify(
    original: Path | str,
    refactored: Path | str | None = None,
    options: RunOptions = RunOptions(),
    *,
    project_dir: Path | str | None = None,
    package: str | None = None,
    module: str | None = None,
) -> list[Verification]:
    """Execute ``original`` and its refactoring and compare what each cell shows.

    Without ``refactored``, the refactoring is what ``extract`` would make of
    ``original`` (into ``project_dir``/``package``/``module`` when given); nothing is
    written, and the list is empty when there is nothing to extract.

    Raises:
        ExecutionFailed: the original does not run, or the refactored one cannot start.
        NbrefactorError: a notebook cannot be read, or the extraction cannot be planned.
    """
    folder = None if project_dir is None else Path(project_dir)
    if refactored is not None:
        return [verify_files(Path(original), Path(refactored), options, project_dir=folder)]
    return verify_extraction_of(
        Path(original), options, project_dir=folder, package=package, module=module
    )


def verify_files(
    original: Path, refactored: Path, options: RunOptions, *, project_dir: Path | None = None
) -> Verification:
    """Run both notebooks and compare them. A cell of the refactored notebook that
    raises is a difference (the run goes on); one of the original stops everything.
    The refactored notebook imports the package of ``project_dir``, else of the
    project it is in, without it being installed."""
    if project_dir is not None:  # the user named it: it must be a project
        python_path = [find_project(project_dir).import_root]
    else:
        python_path = _project_path(refactored)
    before = run_original(original, options)
    after = execute_notebook(
        refactored, replace(options, allow_errors=True), python_path=python_path
    )
    return Verification(original, str(refactored), len(before), compare_runs(before, after))


def _project_path(notebook: Path) -> list[Path]:
    """Where the package of the project ``notebook`` is in gets imported from (so it
    need not be installed); nothing when it is in no project."""
    try:
        project = find_project(notebook)
    except NbrefactorError:
        return []
    return [project.import_root]


def verify_extraction(
    result: ExtractionResult,
    options: RunOptions,
    work: Path,
    *,
    recorder: Recorder | None = None,
) -> list[Verification]:
    """Run every notebook ``result`` rewrites, before and after, without writing
    anything of the user's: the package is staged in ``work`` (an empty folder).
    ``recorder`` records calls of the extracted functions in the refactored runs."""
    package_root = stage_package(result, work / "package")
    preamble = recorder.preamble(result) if recorder is not None else ""
    found = []
    for index, (plan, (original, _)) in enumerate(zip(result.plans, result.notebooks, strict=True)):
        text = result.rewritten(index)
        if plan.empty or text is None:
            continue
        before = run_original(original, options)
        after = run_notebook(
            text,
            original,  # the original's folder: relative data paths work
            replace(options, allow_errors=True),  # a raise is a difference, shown with the rest
            python_path=[package_root],
            preamble=preamble,
        )
        label = f"its extraction into {result.project.package}"
        found.append(Verification(original, label, len(before), compare_runs(before, after)))
    return found


def stage_package(result: ExtractionResult, folder: Path) -> Path:
    """The project's top-level package copied into ``folder``, with the extraction's
    files written over it; returns the folder to put on ``PYTHONPATH``."""
    project = result.project
    parts = project.package.split(".")
    root = project.import_root
    top = root / parts[0]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if top.is_dir():
            shutil.copytree(top, folder / parts[0], ignore=shutil.ignore_patterns("__pycache__"))
        for change in result.changes.changes:
            if change.path.suffix == ".py" and change.path.is_relative_to(top):
                target = folder / change.path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(change.new, encoding="utf-8")
    except OSError as error:
        raise NbrefactorError(
            f"cannot stage the package to run it: {error.strerror or error}", path=folder
        ) from None
    return folder


def verify_extraction_of(
    notebook: Path,
    options: RunOptions,
    *,
    project_dir: Path | None = None,
    package: str | None = None,
    module: str | None = None,
) -> list[Verification]:
    """Compare ``notebook`` with what ``extract`` would make of it, writing nothing: into
    its project (or ``project_dir``), else into a throwaway package; empty when there
    is nothing to extract."""
    with tempfile.TemporaryDirectory(prefix="nbrefactor-project-") as scratch:
        if project_dir is None and package is None:
            try:
                project_for(notebook)
            except NbrefactorError:  # no project: any package shows the behaviour
                project_dir, package = Path(scratch) / "project", "extracted"
        result = extract(notebook, project_dir=project_dir, package=package, module=module)
        if not result.changes:
            return []
        return verify_unwritten(result, options)[0]


def verify_unwritten(
    result: ExtractionResult, options: RunOptions, recorder_settings: RecordSettings | None = None
) -> tuple[list[Verification], list[Recording]]:
    """:func:`verify_extraction` in a temporary folder, removed afterwards; with
    ``recorder_settings``, the calls recorded in the refactored runs too."""
    with tempfile.TemporaryDirectory(prefix="nbrefactor-verify-") as folder:
        work = Path(folder)
        recorder = None
        if recorder_settings is not None:
            recorder = Recorder(
                work / "calls",
                calls=recorder_settings.calls,
                max_bytes=recorder_settings.max_bytes,
            )
        verifications = verify_extraction(result, options, work, recorder=recorder)
        return verifications, recorder.recordings() if recorder is not None else []


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """How many calls of each function to record, and up to what size (bytes per call:
    arguments and result, pickled)."""

    calls: int = CALLS
    max_bytes: int = MAX_BYTES
