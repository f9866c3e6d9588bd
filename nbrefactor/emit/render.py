"""Render an :class:`~nbrefactor.planning.units.ExtractionPlan` into file contents.

Pure: takes the plan and the notebook's cells, returns text. Every rendered Python file
is parsed before it is returned, so nothing that does not parse is ever written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set

import libcst as cst

from nbrefactor import pysource
from nbrefactor.analysis.facts import CellFacts, analyse_source
from nbrefactor.analysis.graph import CellGraph
from nbrefactor.codemods.add_keyword_parameters import AddKeywordParameters
from nbrefactor.codemods.pass_new_arguments import PassNewArguments
from nbrefactor.codemods.remove_definitions import RemoveDefinitions
from nbrefactor.codemods.remove_imports import RemoveImports
from nbrefactor.codemods.rename_names import RenameNames
from nbrefactor.emit.imports import import_sections
from nbrefactor.emit.job import job_docstring, render_job
from nbrefactor.emit.templating import checked_python, docstring, render
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.magics import mask
from nbrefactor.notebook.model import cell_number
from nbrefactor.notebook.writer import NotebookEdit
from nbrefactor.planning.job import JobPlan
from nbrefactor.planning.units import CommonModule, ExtractionPlan, SharedFunction


class CellTrees:
    """libcst trees of a notebook's cells, each parsed once and shared (they are
    immutable) by everything that renders from the same graph."""

    def __init__(self, graph: CellGraph) -> None:
        self.graph = graph
        self._trees: dict[int, cst.Module] = {}

    def __getitem__(self, index: int) -> cst.Module:
        tree = self._trees.get(index)
        if tree is None:
            masked = self.graph.facts[index].masked
            assert masked is not None
            try:
                tree = self._trees[index] = cst.parse_module(masked.code)
            except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError) as error:
                # Python runs the cell; libcst, which has its own grammar, cannot read it
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise NbrefactorError(
                    f"cell {cell_number(index)} cannot be rewritten: libcst cannot read it "
                    f"({message})",
                    path=self.graph.notebook.path,
                ) from None
        return tree


def render_module(
    plan: ExtractionPlan,
    graph: CellGraph,
    cells: CellTrees | None = None,
    job: JobPlan | None = None,
) -> str:
    """The module holding the moved definitions, in notebook order; with ``job``, the
    job made of them too (see :mod:`nbrefactor.emit.job`)."""
    cells = cells or CellTrees(graph)
    parameters = plan.parameters_of()
    definitions = []
    for definition in plan.definitions:
        module = cells[definition.cell]
        node = next(
            s
            for s in module.body
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)) and s.name.value == definition.name
        )
        with_parameters = node.visit(AddKeywordParameters(parameters))
        assert isinstance(with_parameters, (cst.FunctionDef, cst.ClassDef))
        changed = with_parameters.visit(PassNewArguments(parameters))
        assert isinstance(changed, (cst.FunctionDef, cst.ClassDef))
        code = module.code_for_node(changed.with_changes(leading_lines=_comments(changed)))
        definitions.append(code.rstrip("\n"))
    for function in plan.shared:
        if function.module == plan.module:
            definitions.append(_shared_source(function, parameters).rstrip("\n"))
    for script in plan.script_functions:
        source = _function_source(script.name, script.parameters, script.docstring, script.body)
        source = _passing_new_arguments(source, parameters)
        if script.renamed:  # after the arguments passed on, which read them too
            source = cst.parse_module(source).visit(RenameNames(dict(script.renamed))).code
        definitions.append(source.rstrip("\n"))
    package = plan.module.rpartition(".")[0]
    if job is None:
        text = render(
            "module.py.jinja",
            docstring=docstring(_MOVED_OUT.format(_name(plan.notebook))),
            import_sections=import_sections(plan.imports, package.split(".")[0]),
            constants=plan.constants,
            definitions=definitions,
            main="",
        )
        return checked_python(pysource.with_valid_escapes(text), plan.module)
    made = render_job(job, package, _name(plan.notebook), definitions)
    text = render(
        "module.py.jinja",
        docstring=job_docstring(_name(plan.notebook), plan.module),
        import_sections=import_sections([*plan.imports, *made.imports], package.split(".")[0]),
        constants=[*([made.logger] if made.logger else []), *plan.constants],
        definitions=[made.head, *made.steps],
        main=made.main,
    )
    return checked_python(pysource.with_valid_escapes(text), plan.module)


def render_common(common: CommonModule, notebooks: Sequence[str]) -> str:
    """The module of blocks copied across ``notebooks`` (file names)."""
    text = render(
        "module.py.jinja",
        docstring=docstring(_COPIED_ACROSS.format(", ".join(notebooks))),
        import_sections=import_sections(common.imports, common.module.split(".")[0]),
        constants=(),
        definitions=[_shared_source(f).rstrip("\n") for f in common.functions],
        main="",
    )
    return checked_python(pysource.with_valid_escapes(text), common.module)


def _shared_source(
    function: SharedFunction, parameters: dict[str, tuple[str, ...]] | None = None
) -> str:
    """The ``def`` of a duplicated block: names by position, literals by keyword; its
    calls of functions that gained ``parameters`` pass them."""
    signature = [*function.parameters, *(["*"] if function.literals else [])]
    signature += function.literals
    source = _function_source(function.name, signature, function.docstring, function.body)
    source = _passing_new_arguments(source, parameters or {})
    if function.renamed:  # after the arguments passed on, which read them too
        source = cst.parse_module(source).visit(RenameNames(dict(function.renamed))).code
    return source


def _function_source(name: str, signature: Sequence[str], docstring: str, body: str) -> str:
    """``def name(signature):`` with its docstring and ``body`` (both indented)."""
    head = f"def {name}({', '.join(signature)}):\n"
    return head + (f"{docstring}\n" if docstring else "") + f"{body}\n"


def render_tests(module: str, origin: str) -> str:
    """The test module of ``module`` (dotted name), whose code came from ``origin``
    (notebook file names): it checks that the module imports and says how tests of its
    functions are written (``extract --verify`` records the notebook's calls)."""
    package_module, _, module_name = module.rpartition(".")
    how = (
        "`nbrefactor extract --verify` runs the notebook and writes tests that call these "
        "functions as the notebook did, with the values it saw, into "
        f"test_{module_name}_recorded.py. This file only checks that the module imports."
    )
    text = render(
        "test_module.py.jinja",
        docstring=docstring(f"Tests of {module}, the code nbrefactor moved from {origin}.").rstrip(
            "\n"
        )
        + "\n\n"
        + docstring(how),
        package_module=package_module,
        module_name=module_name,
    )
    return checked_python(text, f"the tests of {module}")


def notebook_edit(
    plan: ExtractionPlan,
    graph: CellGraph,
    *,
    autoreload: bool = True,
    cells: CellTrees | None = None,
) -> NotebookEdit:
    """Cells without the moved definitions, calls passing new arguments, and one import
    cell, laid out as the plan says (:class:`~nbrefactor.planning.units.NotebookLayout`)."""
    layout = plan.layout
    if layout is None:
        raise ValueError("the plan has no layout: plan it with nbrefactor.planning.planner")
    cells = cells or CellTrees(graph)
    removals = dict(layout.removals)
    parameters = plan.parameters_of()
    sources: dict[int, str] = {}
    removed: set[int] = set(layout.emptied)
    # a name the notebook defines before too is imported where its last version was
    redefined = {d.name for d in plan.imported_in_place}
    for script in plan.scripts:  # the run's last cell calls the function; the others go
        removed.update(script.removed_cells)
        sources.update(script.kept_in_place)
        parts = [  # kept_before may hold a cell magic (`%%time`): libcst must not see it
            script.kept_before,
            _passing_new_arguments(script.call, parameters),
            _passing_new_arguments(script.kept_after, parameters),
        ]
        sources[script.cells[-1]] = "\n".join(part for part in parts if part)
    for index, replacements in _copy_calls(plan).items():  # each copy becomes a call
        masked = graph.facts[index].masked
        assert masked is not None
        text = _replace_lines(masked.code, replacements)
        text = _passing_new_arguments(text, parameters)
        sources[index] = masked.restore(text)
    for index, facts in graph.facts.items():
        if index in sources or index in removed:
            continue
        names = set(removals.get(index, ()))
        calls = parameters.keys() & (
            facts.uses | {n for d in facts.defs for n in d.globals_read}  # calls in defs too
        )
        if (not names and not calls) or facts.masked is None or facts.parse_error is not None:
            continue
        module = cells[index]
        if names:
            in_place = {n: _import_line(plan.module, (n,)) for n in names & redefined}
            module = module.visit(RemoveDefinitions(names, in_place))
        if calls:
            module = module.visit(PassNewArguments(parameters))
        sources[index] = facts.masked.restore(module.code)
    used = _names_used(graph, sources, removed)  # only what the notebook still reads
    _drop_imports_left_unused(graph, cells, used, sources, removed)
    elsewhere: dict[str, list[str]] = {}  # shared functions in another module (common.py)
    for function in plan.shared:
        if function.module != plan.module and function.name in used:
            elsewhere.setdefault(function.module, []).append(function.name)
    imported = [
        n for n in (*plan.exported, *plan.moved_constants) if n not in redefined and n in used
    ]
    if imported:
        elsewhere[plan.module] = imported
    lines = [_import_line(module, tuple(elsewhere[module])) for module in sorted(elsewhere)]
    load = autoreload and not layout.loads_autoreload  # loading it twice prints a note
    if lines and load:
        lines[:0] = ["%load_ext autoreload", "%autoreload 2"]
    return NotebookEdit(
        sources=sources,
        removed=frozenset(removed),
        inserted={layout.import_cell: ("\n".join(lines),)} if lines else {},
    )


def _drop_imports_left_unused(
    graph: CellGraph, cells: CellTrees, used: Set[str], sources: dict[int, str], removed: set[int]
) -> None:
    """Remove from the cells (``sources`` and ``removed``, updated) the imports of names
    the notebook read before and reads no more, since the code reading them moved. A
    notebook that reads names in ways nbrefactor cannot see (``eval``, a star import)
    keeps all of them; a cell left with nothing goes."""
    if any(facts.dynamic or facts.star_imports for facts in graph.facts.values()):
        return
    before = set().union(*(_reads(facts) for facts in graph.facts.values()))
    for index, facts in graph.facts.items():
        stale = {n for n in facts.imports if n in before and n not in used}
        if index in removed or not stale or facts.masked is None:
            continue
        masked = mask(sources[index]) if index in sources else facts.masked
        try:  # a cell as it is was parsed already; a rewritten one is new text
            module = cells[index] if index not in sources else cst.parse_module(masked.code)
        except (NbrefactorError, cst.ParserSyntaxError):
            continue  # a cell libcst cannot read keeps its imports
        text = masked.restore(module.visit(RemoveImports(stale)).code)
        if text.strip():
            sources[index] = text
        else:
            sources.pop(index, None)
            removed.add(index)


def _names_used(graph: CellGraph, sources: Mapping[int, str], removed: Set[int]) -> set[str]:
    """The names the rewritten notebook's code reads: its cells', as rewritten in
    ``sources`` or as they are."""
    return set().union(
        *(
            _reads(analyse_source(sources[index]) if index in sources else facts)
            for index, facts in graph.facts.items()
            if index not in removed
        )
    )


def _reads(facts: CellFacts) -> set[str]:
    """The notebook names a cell reads: at cell level, in magics, and in the functions
    it defines when they run."""
    return {*facts.uses, *facts.magic_reads, *(n for d in facts.defs for n in d.globals_read)}


def _copy_calls(plan: ExtractionPlan) -> dict[int, list[tuple[int, int, str]]]:
    """Per cell, the lines of each copy of a duplicated block and the call replacing it."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    for _, copy in plan.copies:
        found.setdefault(copy.cell, []).append((copy.start, copy.end, copy.call))
    return found


def _replace_lines(code: str, replacements: list[tuple[int, int, str]]) -> str:
    """``code`` with lines ``start``-``end`` (1-based) of each replacement replaced."""
    lines = pysource.code_lines(code)
    for start, end, text in sorted(replacements, reverse=True):
        lines[start - 1 : end] = text.splitlines()
    return "\n".join(lines) + ("\n" if code.endswith("\n") else "")


def _import_line(module: str, names: tuple[str, ...]) -> str:
    """``from module import ...`` of ``names``, in the order isort and ruff keep them."""
    names = tuple(sorted(names, key=_import_order))
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _import_order(name: str) -> tuple[int, list[str | int]]:
    """Where isort and ruff put ``name`` among the names one import brings: constants,
    then classes, then the rest, each in natural order (``step2`` before ``step10``)."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    parts = re.split(r"(\d+)", name.lower())
    return kind, [int(part) if part.isdigit() else part for part in parts]


def _passing_new_arguments(source: str, parameters: dict[str, tuple[str, ...]]) -> str:
    """``source`` with calls passing new parameters; untouched (and not parsed) when it
    names none of the functions that gained some."""
    if not parameters or not any(name in source for name in parameters):
        return source
    return cst.parse_module(source).visit(PassNewArguments(parameters)).code


def _comments(node: cst.FunctionDef | cst.ClassDef) -> list[cst.EmptyLine]:
    """The comment lines above a definition, without blank lines."""
    return [line for line in node.leading_lines if line.comment is not None]


#: The docstrings of the modules nbrefactor writes; ``{}`` is a list of notebooks.
_MOVED_OUT = "Code moved out of {} by nbrefactor."
_COPIED_ACROSS = "Code copied across {}; moved here by nbrefactor."


def merged_module_docstring(old: str, new: str) -> str | None:
    """The docstring for a module nbrefactor appends to: ``old`` (the module's) naming
    the notebooks of ``new`` (the appended code's) too; None when ``old`` needs no
    change, or is not one nbrefactor wrote."""
    old, new = " ".join(old.split()), " ".join(new.split())
    for template in (_MOVED_OUT, _COPIED_ACROSS):
        prefix, suffix = template.split("{}")
        found = []
        for text in (old, new):
            if not (text.startswith(prefix) and text.endswith(suffix)):
                break
            found.append(text[len(prefix) : len(text) - len(suffix)].split(", "))
        else:
            names = dict.fromkeys([*found[0], *found[1]])
            if len(names) == len(found[0]):
                return None
            return docstring(template.format(", ".join(names)))
    return None


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
