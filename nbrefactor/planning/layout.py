"""Where things go in the rewritten notebook: which cells lose definitions, which are
left empty and removed, where the import cell goes, whether it loads autoreload."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence, Set

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.planning.definitions import import_position
from nbrefactor.planning.units import ExtractionPlan, NotebookLayout
from nbrefactor.pysource import alone_on_its_lines


def lay_out(
    plan: ExtractionPlan, graph: CellGraph, trees: Mapping[int, ast.Module]
) -> NotebookLayout:
    """The layout of ``graph``'s notebook once ``plan`` (every unit planned) is done."""
    removals: dict[int, set[str]] = {}
    for definition in plan.definitions:
        removals.setdefault(definition.cell, set()).add(definition.name)
    # the notebook imports the last version of a name it defines before too in its cell
    importing = {d.cell for d in plan.imported_in_place}
    in_place = {d.name for d in plan.imported_in_place}
    for name in plan.moved_constants:  # the module holds the only copy now
        for index, facts in graph.facts.items():
            if name in facts.defines:
                removals.setdefault(index, set()).add(name)
    replaced = {s.cells[-1] for s in plan.scripts} | {copy.cell for _, copy in plan.copies}
    removed = {cell for s in plan.scripts for cell in s.removed_cells}
    trimmed = {index for s in plan.scripts for index, _ in s.kept_in_place}
    emptied = frozenset(
        index
        for index, names in removals.items()
        if index not in replaced | removed | trimmed | importing
        and index in trees
        and graph.facts[index].parse_error is None
        and not graph.notebook.cells[index].outputs
        and _only_removed(trees[index].body, names)
    )
    imported = set(plan.imported) - in_place  # the import cell does not import those
    moving = {(d.name, d.cell) for d in plan.definitions}
    calling = replaced | {
        index
        for index, facts in graph.facts.items()
        if imported & facts.uses
        # a function that stays may be called in the next cell: it needs them by then
        or any(imported & d.globals_read for d in facts.defs if (d.name, index) not in moving)
    }
    calling -= removed | emptied | trimmed  # what a trimmed cell keeps calls nothing moved
    # after the notebook's first imports, unless a cell before that already uses moved
    # code (`import math; x, y = make_x_y()` in the first cell)
    position = min(import_position(graph), *calling) if calling else import_position(graph)
    loads_autoreload = any(
        magic.name == "load_ext" and "autoreload" in magic.original
        for facts in graph.facts.values()
        if facts.masked is not None
        for magic in facts.masked.magics
    )
    return NotebookLayout(
        import_cell=position,
        loads_autoreload=loads_autoreload,
        removals=tuple((index, tuple(sorted(names))) for index, names in removals.items()),
        emptied=emptied,
    )


def _only_removed(body: Sequence[ast.stmt], names: Set[str]) -> bool:
    """Whether every statement of ``body`` is one that goes: a ``def`` or ``class`` of
    ``names``, or ``NAME = value`` of one alone on its lines (as
    :class:`~nbrefactor.codemods.remove_definitions.RemoveDefinitions` removes them)."""
    for position, statement in enumerate(body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if statement.name not in names:
                return False
            continue
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id in names
        ):
            return False
        if not alone_on_its_lines(body, position):
            return False  # `a = 1; b = 2`: one line, which stays
    return True
