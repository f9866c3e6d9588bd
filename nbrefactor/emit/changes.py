"""Render a batch plan into the files an extraction changes: modules (new, or appended
to), their tests, the rewritten notebooks and, for a new project, its files.

Reads the files it changes, to append to them and so that the change set knows what it
replaces; writes nothing (the job's caller applies the change set, or shows its diff).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.emit.changeset import ChangeSet, FileChange, current_content
from nbrefactor.emit.formatting import formatted
from nbrefactor.emit.job import package_modules
from nbrefactor.emit.merge import ModuleExports, append_to_module
from nbrefactor.emit.project import Project, project_files
from nbrefactor.emit.render import (
    CellTrees,
    notebook_edit,
    render_common,
    render_module,
    render_tests,
)
from nbrefactor.emit.templating import checked_python
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.writer import apply_edit
from nbrefactor.planning.job import JobPlan
from nbrefactor.planning.units import COMMON_MODULE, BatchPlan


@dataclass(frozen=True, slots=True)
class NotebookSource:
    """A notebook as an extraction read it: its file, its text and its cell graph."""

    path: Path
    text: str
    graph: CellGraph


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the files are rendered: see ``nbrefactor extract --help``."""

    output_notebook: Path | None = None  # one notebook only
    autoreload: bool = True
    force: bool = False


class NotebookFailed(Exception):
    """``notebook`` cannot be extracted (``error``); the others can be, without it."""

    def __init__(self, notebook: Path, error: NbrefactorError) -> None:
        super().__init__(str(error))
        self.notebook = notebook
        self.error = NbrefactorError(
            f"{error} (so {notebook} was left out)", exit_code=error.exit_code
        )


def render_changes(
    batch: BatchPlan,
    notebooks: Sequence[NotebookSource],
    project: Project,
    options: RenderOptions = RenderOptions(),
    jobs: Mapping[str, JobPlan] | None = None,
) -> ChangeSet:
    """Every file ``batch`` (the plans of ``notebooks``, in order) changes in ``project``;
    a notebook with a plan in ``jobs`` (by notebook) becomes a job (``--as-job``).

    Raises:
        NotebookFailed: one notebook's code cannot go where it should (a clash in its
            module): plan again without it.
        NbrefactorError: the shared module cannot be written (a subpackage hides it).
    """
    files = _Drafts(options.force)
    for source, plan in zip(notebooks, batch.notebooks, strict=True):
        if plan.empty:
            continue
        name = plan.module.rpartition(".")[2]
        job = (jobs or {}).get(plan.notebook)
        try:
            trees = CellTrees(source.graph)  # each cell parsed by libcst once for all
            if job is not None:
                files.add_job(
                    project,
                    name,
                    render_module(plan, source.graph, trees, job),
                    origin=source.path.name,
                )
            elif plan.exported:
                files.add_module(
                    project,
                    name,
                    render_module(plan, source.graph, trees),
                    ModuleExports(plan.exported, plan.imports, plan.constants),
                    origin=source.path.name,
                )
            edit = notebook_edit(plan, source.graph, autoreload=options.autoreload, cells=trees)
            target = options.output_notebook or source.path
            rewritten = apply_edit(source.text, source.path, edit)
            files.write(target, rewritten, old=source.text if target == source.path else None)
        except NbrefactorError as error:
            raise NotebookFailed(source.path, error) from None
    common = batch.common
    if common.functions:
        if (project.package_dir / COMMON_MODULE).is_dir():
            raise NbrefactorError(
                f"{COMMON_MODULE}/ is a subpackage: code shared by notebooks goes to "
                f"{COMMON_MODULE}.py, which it would hide; rename it or extract the "
                "notebooks one by one",
                path=project.package_dir,
            )
        shared_by = sorted(
            {Path(copy.notebook).name for f in common.functions for copy in f.copies}
        )
        files.add_module(  # never replaced, not even with --force: notebooks import it
            project,
            COMMON_MODULE,
            render_common(common, shared_by),
            ModuleExports(common.exported, common.imports, ()),
            origin=" and ".join(shared_by),
            replace=False,
        )
    if jobs:
        for name, text in package_modules(project.package).items():
            path = project.package_dir / name
            if files.read(path) is None:  # one there already is the user's
                files.write(path, checked_python(formatted(text, path), name))
    if project.new and files:
        imports = [*common.imports, *(i for plan in batch.notebooks for i in plan.imports)]
        if jobs:
            imports.append("import click")  # the jobs' command line
        folders = [
            folder
            for source in notebooks
            for folder in (
                source.path.parent,
                *(source.path.parent / added for added in source.graph.module_paths()),
            )
        ]
        job_modules = [plan.module for plan in batch.notebooks if plan.notebook in (jobs or {})]
        for path, content in project_files(project, imports, folders, jobs=job_modules).items():
            files.write(path, content, first=True)
    return files.changes()


class _Drafts:
    """The files one run changes: their content on disk, and as the run leaves them.

    A module several notebooks of the run put code in is rendered for the first and
    appended to for the others (``--force`` replaces clashing definitions on disk, not
    what the run itself wrote)."""

    def __init__(self, force: bool) -> None:
        self.force = force
        self._old: dict[Path, str | None] = {}
        self._new: dict[Path, str] = {}
        self._first: list[Path] = []  # a new project's files: shown first in the diff

    def __bool__(self) -> bool:
        return any(self._old.get(path) != text for path, text in self._new.items())

    def read(self, path: Path) -> str | None:
        if path in self._new:
            return self._new[path]
        if path not in self._old:
            self._old[path] = current_content(path)
        return self._old[path]

    def write(self, path: Path, text: str, *, old: str | None = None, first: bool = False) -> None:
        if old is not None:
            self._old[path] = old
        else:
            self.read(path)
        self._new[path] = text
        if first:
            self._first.append(path)

    def add_module(
        self,
        project: Project,
        name: str,
        text: str,
        exports: ModuleExports,
        *,
        origin: str,
        replace: bool = True,
    ) -> None:
        """Put module ``name`` (rendered as ``text``) and its tests in ``project``:
        new, replacing (``--force``, when ``replace``) or appended to what is there."""
        path = project.package_dir / f"{name}.py"
        text = checked_python(formatted(text, path), f"{project.package}.{name}")
        old = self.read(path)
        # --force replaces clashing definitions on disk, never what this run wrote
        forced = replace and self.force and path not in self._new
        merged = text if old is None else append_to_module(old, text, path, exports, replace=forced)
        self.write(path, merged)
        tests_path = project.tests_dir / f"test_{name}.py"
        if self.read(tests_path) is None:  # one there already is the user's, or says it all
            tests = render_tests(f"{project.package}.{name}", origin)
            self.write(tests_path, formatted(tests, tests_path))

    def add_job(self, project: Project, name: str, text: str, *, origin: str) -> None:
        """Put module ``name``, a job (rendered as ``text``), and its tests in
        ``project``: a job is a module of its own, never appended to another."""
        path = project.package_dir / f"{name}.py"
        if self.read(path) is not None:
            raise NbrefactorError(
                f"{path} exists: a job is a new module; choose another with --module",
            )
        self.add_module(project, name, text, ModuleExports((), (), ()), origin=origin)

    def changes(self) -> ChangeSet:
        order = [*self._first, *(p for p in self._new if p not in self._first)]
        return ChangeSet(tuple(FileChange(p, self._old.get(p), self._new[p]) for p in order))
