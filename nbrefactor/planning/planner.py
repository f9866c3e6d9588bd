"""The extraction plan of one notebook: definitions, then duplicated blocks, then the
remaining script code."""

from __future__ import annotations

from dataclasses import replace

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.planning.dataflow import NotebookContext
from nbrefactor.planning.definitions import collect_bindings, parse_cells, plan_definitions
from nbrefactor.planning.duplicated_blocks import plan_duplicates
from nbrefactor.planning.naming import Names
from nbrefactor.planning.scripts import plan_scripts
from nbrefactor.planning.units import ExtractionPlan


def plan(graph: CellGraph, module: str) -> ExtractionPlan:
    """What moves from ``graph``'s notebook into ``module`` (a pure function)."""
    trees = parse_cells(graph)  # once, for every planner
    bindings = collect_bindings(graph)
    definitions = plan_definitions(graph, module, trees=trees, bindings=bindings)
    moved = {d.name: d.parameters for d in definitions.definitions}
    moved.update(dict.fromkeys(definitions.moved_constants, ()))
    context = NotebookContext(graph, trees, bindings, moved)
    names = Names(set(bindings) | set(moved))
    duplicates = plan_duplicates(context, module, names)
    found = plan_scripts(context, module, names, busy=duplicates.cells)
    imports = dict.fromkeys(
        (*definitions.imports, *duplicates.imports.values(), *found.imports.values())
    )
    skipped = sorted(
        (*definitions.skipped, *duplicates.skipped, *found.skipped),
        key=lambda s: (s.location.cell_index or 0, s.location.line),
    )
    return replace(
        definitions,
        imports=tuple(imports),
        skipped=tuple(skipped),
        scripts=found.functions,
        shared=duplicates.functions,
    )
