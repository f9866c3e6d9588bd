"""The extraction plan of one notebook: definitions first, then script code."""

from __future__ import annotations

from dataclasses import replace

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.planning.definitions import collect_bindings, parse_cells, plan_definitions
from nbrefactor.planning.scripts import plan_scripts
from nbrefactor.planning.units import ExtractionPlan


def plan(graph: CellGraph, module: str, *, scripts: bool = True) -> ExtractionPlan:
    """What moves from ``graph``'s notebook into ``module`` (a pure function)."""
    trees = parse_cells(graph)  # once, for both planners
    bindings = collect_bindings(graph)
    definitions = plan_definitions(graph, module, trees=trees, bindings=bindings)
    if not scripts:
        return definitions
    moved = {d.name: d.parameters for d in definitions.definitions}
    taken = set(bindings) | set(moved)
    found = plan_scripts(graph, trees, bindings, moved, taken, module)
    imports = dict.fromkeys((*definitions.imports, *found.imports.values()))
    skipped = sorted(
        (*definitions.skipped, *found.skipped),
        key=lambda s: (s.location.cell_index or 0, s.location.line),
    )
    return replace(
        definitions,
        imports=tuple(imports),
        skipped=tuple(skipped),
        scripts=found.functions,
    )
