"""Compare what two runs of a notebook showed, cell by cell.

A refactoring changes cells' code, removes cells that showed nothing and adds an import
cell, so cells are paired before they are compared: by cell id where both runs have it
(``extract`` keeps ids), the others in order among the cells that showed something
(jupytext text notebooks have no ids). Each pair must show the same outputs; a cell
that showed something and has no partner is a difference too.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nbrefactor.notebook.model import cell_number
from nbrefactor.verification.execute import CellRun, Output


@dataclass(frozen=True, slots=True)
class Difference:
    """Outputs that changed. ``cell`` is the original cell's index (None when the
    refactored notebook shows something the original did not), ``refactored_cell`` its
    partner's (None when it has none)."""

    cell: int | None
    message: str
    expected: tuple[Output, ...]
    actual: tuple[Output, ...]
    refactored_cell: int | None = None
    cell_id: str | None = None

    def __str__(self) -> str:
        where = f"cell_{cell_number(self.cell)}" if self.cell is not None else "end of notebook"
        if self.cell is None and self.refactored_cell is not None:
            where = f"refactored cell_{cell_number(self.refactored_cell)}"
        lines = [f"{where}: {self.message}"]
        lines += [f"  expected {output}" for output in self.expected]
        lines += [f"  got      {output}" for output in self.actual]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The difference as ``verify --format json`` gives it: cells by number, from 1."""
        return {
            "cell": None if self.cell is None else cell_number(self.cell),
            "cell_id": self.cell_id,
            "refactored_cell": (
                None if self.refactored_cell is None else cell_number(self.refactored_cell)
            ),
            "message": self.message,
            "expected": [o.as_dict() for o in self.expected],
            "actual": [o.as_dict() for o in self.actual],
        }


def pair_cells(
    before: Sequence[CellRun], after: Sequence[CellRun]
) -> list[tuple[CellRun | None, CellRun | None]]:
    """The cells of two runs paired, in the original's order: by id; then cells whose
    source did not change, in order (they anchor the rest); then, between two anchors,
    the others in order among those that showed something. Unpaired cells that showed
    nothing are left out."""
    by_id = {run.cell_id: run for run in after if run.cell_id is not None}
    paired: dict[int, CellRun] = {}  # original index -> refactored run
    taken: set[int] = set()
    for old in before:
        new = by_id.get(old.cell_id) if old.cell_id is not None else None
        if new is not None and new.index not in taken:
            paired[old.index] = new
            taken.add(new.index)
    rest_before = [run for run in before if run.index not in paired]
    rest_after = [run for run in after if run.index not in taken]
    matcher = difflib.SequenceMatcher(
        a=_anchors(rest_before, rest_after, "before"),
        b=_anchors(rest_after, rest_before, "after"),
        autojunk=False,
    )
    start_before = start_after = 0
    for block in matcher.get_matching_blocks():  # the last one is empty: the tail
        _pair_in_order(
            rest_before[start_before : block.a], rest_after[start_after : block.b], paired
        )
        for offset in range(block.size):
            paired[rest_before[block.a + offset].index] = rest_after[block.b + offset]
        start_before, start_after = block.a + block.size, block.b + block.size
    partners = {run.index for run in paired.values()}
    pairs: list[tuple[CellRun | None, CellRun | None]] = []
    for old in before:
        partner = paired.get(old.index)
        if partner is not None or old.outputs:
            pairs.append((old, partner))
    pairs += [(None, new) for new in after if new.index not in partners and new.outputs]
    return pairs


def _anchors(runs: Sequence[CellRun], others: Sequence[CellRun], side: str) -> list[object]:
    """What to match ``runs`` by: a source found once in each run (a cell the refactoring
    left as it was); anything else matches nothing."""
    mine = Counter(run.source for run in runs)
    theirs = Counter(run.source for run in others)
    return [
        run.source
        if run.source.strip() and mine[run.source] == 1 and theirs[run.source] == 1
        else (side, run.index)
        for run in runs
    ]


def _pair_in_order(
    before: Sequence[CellRun], after: Sequence[CellRun], paired: dict[int, CellRun]
) -> None:
    """Pair the cells that showed something, in order."""
    showing_after = [run for run in after if run.outputs]
    for old, new in zip((run for run in before if run.outputs), showing_after, strict=False):
        paired[old.index] = new


def compare_runs(before: Sequence[CellRun], after: Sequence[CellRun]) -> tuple[Difference, ...]:
    """How ``after`` differs from ``before``, cell by cell (empty: the same outputs)."""
    differences: list[Difference] = []
    for old, new in pair_cells(before, after):
        if old is None:
            assert new is not None
            differences.append(
                Difference(None, "unexpected output", (), new.outputs, refactored_cell=new.index)
            )
        elif new is None:
            differences.append(
                Difference(old.index, "output missing", old.outputs, (), cell_id=old.cell_id)
            )
        elif old.outputs != new.outputs:
            differences.append(
                Difference(
                    old.index,
                    _what_differs(old.outputs, new.outputs),
                    old.outputs,
                    new.outputs,
                    refactored_cell=new.index,
                    cell_id=old.cell_id,
                )
            )
    return tuple(differences)


def _what_differs(expected: tuple[Output, ...], actual: tuple[Output, ...]) -> str:
    if len(expected) != len(actual):
        return f"{len(actual)} outputs instead of {len(expected)}"
    parts = []
    for old, new in zip(expected, actual, strict=True):
        if (old.kind, old.name) != (new.kind, new.name):
            parts.append(f"{new.kind} {new.name} instead of {old.kind} {old.name}")
        elif old.text != new.text:
            parts.append(f"{old.kind} {old.name} text differs")
        elif old.html != new.html:
            parts.append("text/html differs")
        elif old.images != new.images:
            parts.append("images differ")
    return "; ".join(dict.fromkeys(parts)) or "outputs differ"
