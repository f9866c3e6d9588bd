"""``extract``: plan the move of notebooks' code into a package and render every file
that changes. Nothing is written here: the result's :class:`ChangeSet` is shown as a
diff (``--dry-run``) or applied all together."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor import pysource
from nbrefactor.analysis.graph import CellGraph, build_graph
from nbrefactor.emit.changeset import ChangeSet, FileChange
from nbrefactor.emit.project import (
    Layout,
    Project,
    find_project,
    module_name,
    new_project,
    project_files,
)
from nbrefactor.emit.render import (
    CellTrees,
    extend_tests,
    merged_module_docstring,
    notebook_edit,
    render_common,
    render_module,
    render_tests,
)
from nbrefactor.errors import NbrefactorError, UsageError
from nbrefactor.notebook.reader import read_notebook_text, read_source
from nbrefactor.notebook.writer import apply_edit
from nbrefactor.planning.definitions import import_statement
from nbrefactor.planning.planner import plan_notebooks
from nbrefactor.planning.units import COMMON_MODULE, BatchPlan, CommonModule, ExtractionPlan


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """What one ``extract`` call plans and the files it would change.

    ``plans`` has one plan per notebook extracted, in the order given; ``common`` the
    functions made of blocks copied across them; ``failed`` the errors of notebooks left
    out of the run (each names its file).
    """

    plans: tuple[ExtractionPlan, ...]
    common: CommonModule
    project: Project
    changes: ChangeSet
    failed: tuple[NbrefactorError, ...] = ()
    #: Per plan, the notebook read and where its rewritten version goes.
    notebooks: tuple[tuple[Path, Path], ...] = ()

    def rewritten(self, index: int) -> str | None:
        """The rewritten text of the ``index``-th notebook; None when it is unchanged."""
        target = self.notebooks[index][1]
        for change in self.changes.changes:
            if change.path == target and change.new != change.old:
                return change.new
        return None

    @property
    def plan(self) -> ExtractionPlan:
        """The first notebook's plan: the only one when extracting one notebook."""
        return self.plans[0]


def project_for(
    notebook: Path,
    *,
    project_dir: Path | None = None,
    package: str | None = None,
    layout: Layout = "src",
) -> Project:
    """The project ``notebook``'s code goes to: ``project_dir`` (created when it has no
    pyproject.toml yet, which needs ``package``), else the one the notebook is in."""
    if project_dir is not None and not (project_dir / "pyproject.toml").exists():
        if package is None:
            raise NbrefactorError(
                f"{project_dir} is no project yet: name its package with --package"
            )
        return new_project(project_dir, package, layout)
    return find_project(project_dir or notebook)


def extract(
    notebooks: Path | str | Sequence[Path | str],
    *,
    project_dir: Path | str | None = None,
    package: str | None = None,
    layout: Layout = "src",
    module: str | None = None,
    output_notebook: Path | str | None = None,
    autoreload: bool = True,
    force: bool = False,
) -> ExtractionResult:
    """Plan and render the extraction of one notebook, or of several into one project
    with one plan (a block copied into several of them becomes one function in
    ``PKG/common.py``).

    A notebook that cannot be read or extracted is left out and its error is in
    ``failed``; the others go on.

    Raises:
        NbrefactorError: no project, a bad option, or no notebook could be extracted
            (a name that already exists in the target module, unless ``force``, ...).
    """
    given = [notebooks] if isinstance(notebooks, (Path, str)) else notebooks
    if project_dir is not None:
        project_dir = Path(project_dir)
    first: dict[Path, Path] = {}
    for name in given:  # the same notebook twice is extracted once
        path = Path(name)
        first.setdefault(path.resolve(), path)
    paths = list(first.values())
    if not paths:
        raise UsageError("no notebook to extract")
    if output_notebook is not None and len(paths) > 1:
        raise UsageError("--output-notebook works with one notebook")
    if module is not None and not module.isidentifier():
        raise UsageError(f"--module {module!r} is not a valid Python module name")
    if module == COMMON_MODULE:
        raise UsageError(f"--module {COMMON_MODULE} is where code shared by notebooks goes")
    project = project_for(paths[0], project_dir=project_dir, package=package, layout=layout)
    failed: list[NbrefactorError] = []
    read: dict[Path, tuple[str, CellGraph]] = {}
    for index, path in enumerate(paths):
        try:
            if project_dir is None and index:
                other = find_project(path)
                if other.root != project.root:
                    raise NbrefactorError(
                        f"belongs to another project ({other.root}); extract it on its own",
                        path=path,
                    )
            text = read_source(path)
            read[path] = (text, build_graph(read_notebook_text(text, path)))
        except NbrefactorError as error:
            failed.append(error)
    if output_notebook is not None:
        output_notebook = Path(output_notebook)
    options = _Options(module, output_notebook, autoreload, force)
    while read:
        try:
            batch, changes = _render(read, project, options)
        except _NotebookFailed as failure:  # plan again without it: shared code may change
            failed.append(failure.error)
            del read[failure.notebook]
            continue
        targets = tuple((path, output_notebook or path) for path in read)
        return ExtractionResult(
            batch.notebooks, batch.common, project, changes, tuple(failed), targets
        )
    if len(failed) == 1:
        raise failed[0]
    every = NbrefactorError(
        "no notebook could be extracted:\n" + "\n".join(f"  {e}" for e in failed)
    )
    every.exit_code = max(e.exit_code for e in failed)
    raise every


@dataclass(frozen=True, slots=True)
class _Options:
    module: str | None
    output_notebook: Path | None
    autoreload: bool
    force: bool


class _NotebookFailed(Exception):
    """``notebook`` cannot be extracted (``error``): it is left out of the run."""

    def __init__(self, notebook: Path, error: NbrefactorError) -> None:
        super().__init__(str(error))
        self.notebook = notebook
        self.error = NbrefactorError(f"{error} (so {notebook} was left out)")
        self.error.exit_code = error.exit_code


def _render(
    read: dict[Path, tuple[str, CellGraph]], project: Project, options: _Options
) -> tuple[BatchPlan, ChangeSet]:
    names = {path: options.module or module_name(path) for path in read}
    files = _Files(options.force)
    common_path = project.package_dir / f"{COMMON_MODULE}.py"
    common_old = files.read(common_path)
    batch = plan_notebooks(
        [(graph, f"{project.package}.{names[path]}") for path, (_, graph) in read.items()],
        f"{project.package}.{COMMON_MODULE}",
        *_taken_in(common_old),
    )
    for (path, (text, graph)), plan in zip(read.items(), batch.notebooks, strict=True):
        if plan.empty:
            continue
        try:
            trees = CellTrees(graph)  # each cell parsed by libcst once for all that follows
            if plan.exported:
                files.add_module(
                    project,
                    names[path],
                    render_module(plan, graph, trees),
                    _Exports(plan.exported, plan.imports, plan.constants),
                    origin=path.name,
                )
            edit = notebook_edit(plan, graph, autoreload=options.autoreload, cells=trees)
            target = options.output_notebook or path
            files.write(target, apply_edit(text, path, edit), old=None if target != path else text)
        except NbrefactorError as error:
            raise _NotebookFailed(path, error) from None
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
            _Exports(common.exported, common.imports, ()),
            origin=" and ".join(shared_by),
            replace=False,
        )
    if project.new and files:
        imports = [*common.imports, *(i for plan in batch.notebooks for i in plan.imports)]
        for path, content in project_files(project, imports).items():
            files.write(path, content, first=True)
    return batch, files.changes()


@dataclass(frozen=True, slots=True)
class _Exports:
    """What a rendered module adds to an existing one."""

    names: tuple[str, ...]
    imports: tuple[str, ...]
    constants: tuple[str, ...]


class _Files:
    """The files one run changes: their content on disk, and as the run leaves them.

    A module several notebooks of the run put code in is rendered for the first and
    appended to for the others (``--force`` replaces what is on disk, not what the
    run itself wrote)."""

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
            self._old[path] = _current(path)
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
        exports: _Exports,
        *,
        origin: str,
        replace: bool = True,
    ) -> None:
        """Put module ``name`` (rendered as ``text``) and its tests in ``project``:
        new, replacing (``--force``, when ``replace``) or appended to what is there."""
        path = project.package_dir / f"{name}.py"
        old = self.read(path)
        replace_it = old is None or (replace and self.force and path not in self._new)
        merged = text if replace_it else _append(old or "", text, path, exports)
        self.write(path, merged)
        tests_path = project.tests_dir / f"test_{name}.py"
        tests = render_tests(f"{project.package}.{name}", origin, merged)
        tests_old = self.read(tests_path)
        if tests_old is None or (self.force and tests_path not in self._new):
            self.write(tests_path, tests)
        else:
            self.write(tests_path, extend_tests(tests_old, tests))

    def changes(self) -> ChangeSet:
        order = [*self._first, *(p for p in self._new if p not in self._first)]
        return ChangeSet(tuple(FileChange(p, self._old.get(p), self._new[p]) for p in order))


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise NbrefactorError(f"cannot read: {error.strerror}", path=path) from None


def _append(old: str, new: str, path: Path, exports: _Exports) -> str:
    """Add the new module's imports, constants and definitions to an existing module:
    imports and constants after the module's own imports, definitions at the end."""
    try:
        existing = pysource.parse(old)
    except SyntaxError as error:
        raise NbrefactorError(
            f"does not parse (line {error.lineno}); not appending to it", path=path
        ) from None
    new_tree = pysource.parse(new)
    same = {  # already moved by an earlier run: nothing to add, nothing to refuse
        node.name
        for node in existing.body
        for other in new_tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and isinstance(other, type(node))
        and node.name == other.name
        and ast.dump(node) == ast.dump(other)
    }
    if same == set(exports.names):
        return old
    clash = sorted(_names_in(existing) & set(exports.names))
    assigned = {  # a constant the module has already, with another value, is a clash too
        node.targets[0].id: ast.unparse(node)
        for node in existing.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }
    for line in exports.constants:
        name = line.split("=", 1)[0].strip()
        if name in assigned and assigned[name] != ast.unparse(pysource.parse(line).body[0]):
            clash.append(name)
    if clash:
        raise NbrefactorError(
            f"already defines {', '.join(clash)}; use --force to replace the module", path=path
        )
    lines = old.rstrip("\n").splitlines()
    missing = [line for line in (*exports.imports, *exports.constants) if line not in lines]
    after = 0  # insert after the docstring and the existing imports
    for node in existing.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_docstring or isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno or after
        else:
            break
    lines[after:after] = missing
    _name_new_notebooks(lines, existing, new_tree)
    return "\n".join(lines) + "\n\n\n" + _definitions_text(new, new_tree) + "\n"


def _name_new_notebooks(lines: list[str], existing: ast.Module, new: ast.Module) -> None:
    """Make the docstring nbrefactor wrote at the top of ``lines`` (the module
    ``existing``) name the notebooks the appended code (``new``) comes from too."""
    first = existing.body[0] if existing.body else None
    old_text, new_text = ast.get_docstring(existing), ast.get_docstring(new)
    if first is None or old_text is None or new_text is None:
        return
    merged = merged_module_docstring(old_text, new_text)
    if merged is not None:
        lines[first.lineno - 1 : first.end_lineno] = f'"""{merged}"""'.splitlines()


def _taken_in(module: str | None) -> tuple[set[str], dict[str, str]]:
    """What ``module`` (source) already has: the names it defines, and the names it
    imports with their import statement (written for that name alone). Nothing when it
    does not parse."""
    try:
        tree = pysource.parse(module or "")
    except SyntaxError:
        return set(), {}
    names = {
        alias.asname or alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    found = {name: import_statement(tree, name) for name in names}
    return _names_in(tree), {name: text for name, text in found.items() if text}


def _names_in(tree: ast.Module) -> set[str]:
    """The names a module's definitions and assignments bind."""
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _definitions_text(module: str, tree: ast.Module) -> str:
    """The part of a rendered module (parsed as ``tree``) from its first definition (and
    the comments above it) to the end."""
    first = next(
        node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    )
    lines = module.splitlines()
    start = pysource.first_line(first) - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return "\n".join(lines[start:]).rstrip("\n")
