"""The ``verify`` job: run a notebook and its refactoring, and compare what every cell
shows. The refactoring is a notebook on disk, or what ``extract`` would make of the
notebook (run from a temporary folder; nothing is written)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from nbrefactor.api.extract import extract, project_for
from nbrefactor.api.proof import verify_extraction
from nbrefactor.emit.project import Project, find_project
from nbrefactor.errors import NbrefactorError
from nbrefactor.verification.execute import RunOptions
from nbrefactor.verification.proof import Verification, compare_files, expose_package


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

    With ``refactored``, it imports the package of ``project_dir`` (else of the project
    it is in), without that being installed. Without it, the refactoring is what
    ``extract`` would make of ``original`` (into ``project_dir``/``package``/``module``
    when given, else into its project, else into a throwaway package); nothing is
    written, and the list is empty when there is nothing to extract.

    Raises:
        ExecutionFailed: the original does not run, or the refactored one cannot start.
        NbrefactorError: a notebook cannot be read, or the extraction cannot be planned.
    """
    original = Path(original)
    folder = None if project_dir is None else Path(project_dir)
    if refactored is not None:
        refactored = Path(refactored)
        if folder is not None:  # the user named it: it must be a project
            project: Project | None = find_project(folder)
        else:
            project = _project_of(refactored)
        with tempfile.TemporaryDirectory(prefix="nbrefactor-package-") as scratch:
            python_path = []
            if project is not None:  # the package alone: not what sits beside it
                python_path = [expose_package(project.import_root, project.package, Path(scratch))]
            return [compare_files(original, refactored, options, python_path=python_path)]
    with tempfile.TemporaryDirectory(prefix="nbrefactor-project-") as scratch:
        if folder is None and package is None:
            try:
                project_for(original)
            except NbrefactorError:  # no project: any package shows the behaviour
                folder, package = Path(scratch) / "project", "extracted"
        result = extract(original, project_dir=folder, package=package, module=module)
        if not result.changes:
            return []
        return list(verify_extraction(result, options).verifications)


def _project_of(notebook: Path) -> Project | None:
    """The project ``notebook`` is in, whose package it may import; None outside one."""
    try:
        return find_project(notebook)
    except NbrefactorError:
        return None
