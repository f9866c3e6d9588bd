"""Diagnostics about the notebook as a whole: cells that do not parse, execution order,
names reused for something else, and definitions nobody uses."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping

from nbrefactor.analysis.facts import CellFacts
from nbrefactor.diagnostics import Diagnostic
from nbrefactor.notebook.model import Notebook, cell_number

#: Bindings that say nothing about a name being "unused" when nobody reads them.
_INCIDENTAL_KINDS = frozenset({"loop", "with", "match", "augassign", "magic"})


def parse_errors(notebook: Notebook, facts: Mapping[int, CellFacts]) -> Iterator[Diagnostic]:
    for index, cell_facts in facts.items():
        error = cell_facts.parse_error
        if error is not None:
            yield Diagnostic(
                "NBR100",
                f"cell {'cannot be analysed' if error.runs else 'does not parse'}: "
                f"{error.message}; it is left untouched",
                notebook.location(index, error.line, error.col),
            )


def execution_order(notebook: Notebook) -> Iterator[Diagnostic]:
    """Cells that ran out of place, and cells skipped while later ones ran.

    The cells in order are those on the longest run of increasing execution counts;
    every other executed cell ran out of order, so one late re-run is one finding.
    """
    code = [cell for cell in notebook.cells if cell.is_code and cell.source.strip()]
    executed = [(c.index, c.execution_count) for c in code if c.execution_count is not None]
    in_order = _longest_increasing([count for _, count in executed])
    # the lowest count below each position and the highest above it: O(1) per finding
    lowest_below: list[tuple[int, int] | None] = [None] * (len(executed) + 1)
    for position in range(len(executed) - 1, -1, -1):
        below = lowest_below[position + 1]
        here = executed[position]
        lowest_below[position] = here if below is None or here[1] < below[1] else below
    highest_above: tuple[int, int] | None = None
    for position, (index, count) in enumerate(executed):
        above = highest_above
        if above is None or count > above[1]:
            highest_above = (index, count)
        if position in in_order:
            continue
        below = lowest_below[position + 1]
        if below is not None and below[1] < count:
            detail = f"it ran after cell {cell_number(below[0])} below it ([{below[1]}])"
        elif above is not None and above[1] > count:
            detail = f"it ran before cell {cell_number(above[0])} above it ([{above[1]}])"
        else:  # only equal counts are left: the kernel was restarted between the two runs
            twin = next(i for i, c in executed if c == count and i != index)
            detail = (
                f"cell {cell_number(twin)} has the same count: "
                "they ran in different kernel sessions"
            )
        yield Diagnostic(
            "NBR103",
            f"executed out of order (execution count [{count}]): {detail}",
            notebook.location(index),
        )
    last_run = executed[-1][0] if executed else -1
    for cell in code:
        if cell.execution_count is None and cell.index < last_run and not cell.inserted:
            yield Diagnostic(
                "NBR107",
                f"cell was never executed, but cell {cell_number(last_run)} below was",
                notebook.location(cell.index),
            )


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tail_values: list[int] = []  # tail_values[k]: smallest value ending a run of length k+1
    tail_positions: list[int] = []
    parent: list[int | None] = [None] * len(values)
    for position, value in enumerate(values):
        k = bisect_left(tail_values, value)
        parent[position] = tail_positions[k - 1] if k else None
        if k == len(tail_values):
            tail_values.append(value)
            tail_positions.append(position)
        else:
            tail_values[k] = value
            tail_positions[k] = position
    chosen: set[int] = set()
    current = tail_positions[-1] if tail_positions else None
    while current is not None:
        chosen.add(current)
        current = parent[current]
    return chosen


def redefinitions(notebook: Notebook, facts: Mapping[int, CellFacts]) -> Iterator[Diagnostic]:
    """A name bound in a later cell to something of another kind, not derived from it."""
    latest: dict[str, tuple[int, str]] = {}
    for index, cell_facts in facts.items():
        for binding in cell_facts.bindings:
            if binding.kind in _INCIDENTAL_KINDS or not binding.shape:
                continue
            previous = latest.get(binding.name)
            if (
                previous is not None
                and previous[0] != index
                and not binding.derived
                and "expr" not in (previous[1], binding.shape)
                and _meaning(previous[1]) != _meaning(binding.shape)
            ):
                yield Diagnostic(
                    "NBR104",
                    f"'{binding.name}' was {_describe(previous[1])} "
                    f"(cell {cell_number(previous[0])}) "
                    f"and is now {_describe(binding.shape)}",
                    notebook.location(index, binding.line),
                )
            latest[binding.name] = (index, binding.shape)


def _meaning(shape: str) -> str:
    """A coarse category: two calls or two numbers may well mean the same kind of thing."""
    if shape in ("int", "float", "complex"):
        return "number"
    for prefix in ("import:", "call:", "op:"):
        if shape.startswith(prefix):
            return prefix
    return shape


def _describe(shape: str) -> str:
    if shape.startswith("call:"):
        return f"the result of {shape[5:]}()"
    if shape.startswith("import:"):
        return f"the module {shape[7:]}"
    if shape.startswith("op:"):
        return "the result of an arithmetic expression"
    article = "an" if shape[:1] in "aeiou" else "a"
    return f"{article} {shape}"


def unused_definitions(notebook: Notebook, facts: Mapping[int, CellFacts]) -> Iterator[Diagnostic]:
    """Bindings that no later cell, no function and nothing later in the cell reads."""
    order = list(facts)
    users: dict[str, list[int]] = {}
    definers: dict[str, list[int]] = {}
    read_by_functions: set[str] = set()
    for index, cell_facts in facts.items():
        for name in cell_facts.uses | cell_facts.magic_reads:
            users.setdefault(name, []).append(index)
        for name in cell_facts.defines:
            definers.setdefault(name, []).append(index)
        for definition in cell_facts.defs:
            read_by_functions |= definition.globals_read
    if any(f.dynamic or f.star_imports for f in facts.values()):
        return  # exec() or a star import may read anything
    for index in order:
        cell_facts = facts[index]
        reported: set[str] = set()
        for binding in cell_facts.bindings:
            name = binding.name
            if (
                binding.kind in _INCIDENTAL_KINDS
                or binding.unpacked
                or name in reported
                or name == "_"
                or (name.startswith("__") and name.endswith("__"))
                or name in read_by_functions
                or name in cell_facts.uses_after_binding
            ):
                continue
            later = definers[name]
            position = bisect_right(later, index)
            next_definer = later[position] if position < len(later) else None
            cells = users.get(name, [])
            start = bisect_right(cells, index)
            stop = len(cells) if next_definer is None else bisect_right(cells, next_definer)
            used = any(
                cells[k] != next_definer or name in facts[cells[k]].reads
                for k in range(start, stop)
            )
            if not used:
                reported.add(name)
                yield Diagnostic(
                    "NBR105",
                    f"'{name}' is defined here but never used"
                    + (
                        f" before cell {cell_number(next_definer)} redefines it"
                        if next_definer is not None
                        else ""
                    ),
                    notebook.location(index, binding.line),
                )
