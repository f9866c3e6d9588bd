"""The extraction plan of notebooks: for each, definitions, then duplicated blocks, then
the remaining script code; blocks copied across notebooks first of all, into one shared
module. Or, for cells a user chose, their definitions and one function of their code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from types import MappingProxyType

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.errors import UsageError
from nbrefactor.planning.dataflow import NotebookContext
from nbrefactor.planning.definitions import collect_bindings, parse_cells, plan_definitions
from nbrefactor.planning.duplicated_blocks import (
    CopySources,
    DuplicatePlan,
    copy_sources,
    plan_duplicates,
    plan_shared_duplicates,
)
from nbrefactor.planning.layout import lay_out
from nbrefactor.planning.naming import Names
from nbrefactor.planning.proposals import Proposal
from nbrefactor.planning.scripts import plan_chosen_cells, plan_scripts
from nbrefactor.planning.units import COMMON_MODULE, BatchPlan, CommonModule, ExtractionPlan


@dataclass(frozen=True, slots=True)
class Choice:
    """Cells a user chose to move (indices counting all cells from 0, in order) as one
    function, named ``function`` or as nbrefactor names it."""

    cells: tuple[int, ...]
    function: str | None = None


def plan(graph: CellGraph, module: str) -> ExtractionPlan:
    """What moves from ``graph``'s notebook into ``module`` (a pure function)."""
    common = f"{module.rpartition('.')[0]}.{COMMON_MODULE}".lstrip(".")
    return plan_notebooks([(graph, module)], common).notebooks[0]


@dataclass(frozen=True, slots=True)
class _Notebook:
    module: str
    definitions: ExtractionPlan
    context: NotebookContext
    sources: CopySources

    @property
    def path(self) -> str:
        return self.definitions.notebook


def plan_notebooks(
    targets: Sequence[tuple[CellGraph, str]],
    common: str,
    common_has: Set[str] = frozenset(),
    common_imports: Mapping[str, str] = MappingProxyType({}),
    keep: Set[str] = frozenset(),
    choice: Choice | None = None,
    proposals: Mapping[str, Sequence[Proposal]] = MappingProxyType({}),
) -> BatchPlan:
    """What moves from each ``(graph, module)`` notebook into its module, and blocks
    copied into two or more of them into ``common``, which already defines
    ``common_has`` and imports ``common_imports`` (name -> statement); the notebook
    variables named in ``keep`` stay notebook variables (a pure function). With a
    ``choice`` of cells (one notebook), only those cells change. ``proposals`` (by
    notebook path) are functions proposed for the notebooks' script code: each plan's
    ``verdicts`` say which were taken.

    Raises:
        UsageError: a choice of cells for several notebooks, or a function name that
            cannot be used.
    """
    if choice is not None and len(targets) != 1:
        raise UsageError("cells can be chosen in one notebook at a time")
    notebooks = [_prepare(graph, module, frozenset(keep), choice) for graph, module in targets]
    taken = {n for nb in notebooks for n in (*nb.context.bindings, *nb.context.moved)}
    # a function named `numpy` beside `import numpy as np` reads as the module
    taken |= {m for nb in notebooks for m in nb.context.graph.imported_modules()}
    taken |= common_has | common_imports.keys()
    shared = (
        plan_shared_duplicates(
            [nb.sources for nb in notebooks], common, Names(taken), common_imports
        )
        if len(notebooks) > 1
        else DuplicatePlan((), {}, ())
    )
    shared_names = {f.name for f in shared.functions}
    exported: dict[str, set[str]] = {}  # per module: names notebooks before put there
    plans = []
    for notebook in notebooks:
        module_names = exported.setdefault(notebook.module, set())
        proposed = proposals.get(notebook.path, ())
        taken = shared_names | module_names
        plans.append(_plan_one(notebook, common, shared, taken, choice, proposed))
        module_names.update(plans[-1].exported)
    module = CommonModule(common, shared.functions, tuple(dict.fromkeys(shared.imports.values())))
    return BatchPlan(tuple(plans), module)


def _prepare(
    graph: CellGraph, module: str, keep: frozenset[str], choice: Choice | None
) -> _Notebook:
    trees = parse_cells(graph)  # once, for every planner
    bindings = collect_bindings(graph)
    chosen = None if choice is None else set(choice.cells)
    definitions = plan_definitions(graph, module, trees=trees, bindings=bindings, chosen=chosen)
    moved = {d.name: d.parameters for d in definitions.definitions}
    moved.update(dict.fromkeys(definitions.moved_constants, ()))
    moved_from = {d.name: d.cell for d in definitions.definitions}
    redefined = frozenset(d.name for d in definitions.imported_in_place)
    context = NotebookContext(graph, trees, bindings, moved, moved_from, redefined, keep)
    return _Notebook(module, definitions, context, copy_sources(context))


def _plan_one(
    notebook: _Notebook,
    common: str,
    shared: DuplicatePlan,
    taken: set[str],
    choice: Choice | None = None,
    proposals: Sequence[Proposal] = (),
) -> ExtractionPlan:
    context, definitions, path = notebook.context, notebook.definitions, notebook.path
    names = Names(set(context.bindings) | set(context.moved) | taken)
    modules = (notebook.module, common)
    if choice is not None:
        if choice.function is not None:
            refusal = names.refusal(choice.function)
            if refusal is not None:
                raise UsageError(f"--function {refusal}")
        duplicates = DuplicatePlan((), {}, ())
        found = plan_chosen_cells(context, choice.cells, modules, names, name=choice.function)
    else:
        duplicates = plan_duplicates(
            notebook.sources, notebook.module, names, shared.claimed, proposals
        )
        busy = duplicates.cells_in(path) | shared.cells_in(path)
        for_copies = {verdict.proposal for verdict in duplicates.verdicts}
        for_scripts = [p for p in proposals if p not in for_copies]
        found = plan_scripts(context, modules, names, busy=busy, proposals=for_scripts)
    imports = dict.fromkeys(
        (*definitions.imports, *duplicates.imports.values(), *found.imports.values())
    )
    skipped = sorted(
        (
            *definitions.skipped,
            *(s for s in shared.skipped if s.location.path == path),
            *duplicates.skipped,
            *found.skipped,
        ),
        key=lambda s: (s.location.cell_index or 0, s.location.line),
    )
    copied_here = tuple(
        f for f in shared.functions if any(copy.notebook == path for copy in f.copies)
    )
    planned = replace(
        definitions,
        imports=tuple(imports),
        skipped=tuple(skipped),
        scripts=found.functions,
        shared=(*copied_here, *duplicates.functions),
        verdicts=(*duplicates.verdicts, *found.verdicts),
    )
    return replace(planned, layout=lay_out(planned, context.graph, context.trees))
