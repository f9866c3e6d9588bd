"""``extract``: plan the move of a notebook's definitions into a package and render every
file that changes. Nothing is written here: the result's :class:`ChangeSet` is shown as a
diff (``--dry-run``) or applied all together."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from nbrefactor import pysource
from nbrefactor.analysis.graph import build_graph
from nbrefactor.emit.changeset import ChangeSet, FileChange
from nbrefactor.emit.project import (
    Layout,
    Project,
    find_project,
    module_name,
    new_project,
    project_files,
)
from nbrefactor.emit.render import CellTrees, notebook_edit, render_module, render_tests
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook_text, read_source
from nbrefactor.notebook.writer import apply_edit
from nbrefactor.planning.planner import plan as make_plan
from nbrefactor.planning.units import ExtractionPlan


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    plan: ExtractionPlan
    project: Project
    changes: ChangeSet


def extract(
    notebook: Path,
    *,
    project_dir: Path | None = None,
    package: str | None = None,
    layout: Layout = "src",
    module: str | None = None,
    output_notebook: Path | None = None,
    autoreload: bool = True,
    force: bool = False,
) -> ExtractionResult:
    """Plan and render the extraction of ``notebook``'s definitions.

    Raises:
        NbrefactorError: unreadable notebook, no project, or a name that already exists
            in the target module (unless ``force``).
    """
    text = read_source(notebook)
    graph = build_graph(read_notebook_text(text, notebook))
    if project_dir is not None and not (project_dir / "pyproject.toml").exists():
        if package is None:
            raise NbrefactorError(
                f"{project_dir} is no project yet: name its package with --package"
            )
        project = new_project(project_dir, package, layout)
    else:
        project = find_project(project_dir or notebook)
    if module is not None and not module.isidentifier():
        raise NbrefactorError(f"--module {module!r} is not a valid Python module name")
    name = module or module_name(notebook)
    plan = make_plan(graph, f"{project.package}.{name}")
    if plan.empty:
        return ExtractionResult(plan, project, ChangeSet())
    trees = CellTrees(graph)  # each cell parsed by libcst once for all that follows
    module_text = render_module(plan, graph, trees)
    changes: list[FileChange] = []
    if project.new:
        for path, content in project_files(project, plan.imports).items():
            changes.append(FileChange(path, _current(path), content))
    module_path = project.package_dir / f"{name}.py"
    module_old = _current(module_path)
    merged = (
        module_text
        if module_old is None or force
        else _append(module_old, module_text, module_path, plan)
    )
    changes.append(FileChange(module_path, module_old, merged))
    tests_path = project.tests_dir / f"test_{name}.py"
    tests_old = _current(tests_path)
    tests_text = render_tests(plan, merged)
    changes.append(
        FileChange(tests_path, tests_old, tests_text if tests_old is None or force else tests_old)
    )
    edit = notebook_edit(plan, graph, autoreload=autoreload, cells=trees)
    edited = apply_edit(text, notebook, edit)
    target = output_notebook or notebook
    changes.append(FileChange(target, _current(target) if output_notebook else text, edited))
    return ExtractionResult(plan, project, ChangeSet(tuple(changes)))


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise NbrefactorError(f"cannot read: {error.strerror}", path=path) from None


def _append(old: str, new: str, path: Path, plan: ExtractionPlan) -> str:
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
    if same == set(plan.exported):
        return old
    defined = {
        node.name
        for node in existing.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    defined |= {
        target.id
        for node in existing.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    clash = sorted(defined & set(plan.exported))
    assigned = {  # a constant the module has already, with another value, is a clash too
        node.targets[0].id: ast.unparse(node)
        for node in existing.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }
    for line in plan.constants:
        name = line.split("=", 1)[0].strip()
        if name in assigned and assigned[name] != ast.unparse(pysource.parse(line).body[0]):
            clash.append(name)
    if clash:
        raise NbrefactorError(
            f"already defines {', '.join(clash)}; use --force to replace the module", path=path
        )
    lines = old.rstrip("\n").splitlines()
    missing = [line for line in (*plan.imports, *plan.constants) if line not in lines]
    after = 0  # insert after the docstring and the existing imports
    for node in existing.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_docstring or isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno or after
        else:
            break
    lines[after:after] = missing
    return "\n".join(lines) + "\n\n\n" + _definitions_text(new, new_tree) + "\n"


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
