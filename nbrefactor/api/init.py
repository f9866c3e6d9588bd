"""The ``init`` job: the files that make a folder a project a team can ship (packaging,
tests, docs, checks before each commit, CI), for a team starting without a notebook or
for an existing project that lacks some of them.

Only missing files are added: a file that is there is the user's and stays as it is,
whatever it holds. Nothing is written here; the result's change set is applied (or
shown as a diff) by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.emit.changeset import ChangeSet, FileChange
from nbrefactor.emit.project import Layout, Project, find_project, new_project, project_files
from nbrefactor.errors import NbrefactorError, UsageError


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``init`` adds (``changes``, new files only) and the files it found there."""

    project: Project
    changes: ChangeSet
    kept: tuple[Path, ...]


def init(folder: Path | str, *, package: str | None = None, layout: Layout = "src") -> InitResult:
    """The files missing from the project in ``folder``: a new one (``folder`` has no
    pyproject.toml; its package is ``package``, else named after the folder, in
    ``layout``) or the existing one there.

    Raises:
        UsageError: ``package`` cannot name a package, or is given for an existing
            project whose package is another.
        NbrefactorError: ``folder`` is a file, or its project has no package.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise NbrefactorError("is a file, not a folder for a project", path=root)
    if (root / "pyproject.toml").is_file():
        project = find_project(root)
        if package is not None and package != project.package:
            raise UsageError(
                f"--package {package!r}: the project in {root} has package {project.package!r}"
            )
    else:
        project = new_project(root, package or _package_name(root), layout)
    files = project_files(project, [], description=_description(project))
    kept = tuple(path for path in files if path.exists())
    added = tuple(FileChange(path, None, text) for path, text in files.items() if path not in kept)
    return InitResult(project, ChangeSet(added), kept)


def missing_files(project: Project) -> list[Path]:
    """The files ``init`` would add to ``project``, which it lacks."""
    return [path for path in project_files(project, []) if not path.exists()]


def _package_name(root: Path) -> str:
    """The package of a project in ``root``, from the folder's name (``Taxi Tips`` ->
    ``taxi_tips``)."""
    name = re.sub(r"\W+", "_", root.resolve().name.lower()).strip("_")
    if not name:
        raise UsageError(f"{root}: name the project's package with --package")
    return name


def _description(project: Project) -> str:
    return f"The {project.package} package."
