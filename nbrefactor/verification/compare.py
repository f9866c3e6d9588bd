"""Compare what two runs of a notebook showed, cell by cell.

A refactoring changes cells' code, removes cells that showed nothing and adds an import
cell, so cells are paired before they are compared: by cell id where both runs have it
(``extract`` keeps ids), the others in order among the cells that showed something
(jupytext text notebooks have no ids). Each pair must show the same outputs; a cell
that showed something and has no partner is a difference too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
        where = f"cell_{self.cell}" if self.cell is not None else "end of notebook"
        if self.cell is None and self.refactored_cell is not None:
            where = f"refactored cell_{self.refactored_cell}"
        lines = [f"{where}: {self.message}"]
        lines += [f"  expected {output}" for output in self.expected]
        lines += [f"  got      {output}" for output in self.actual]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cell": self.cell,
            "cell_id": self.cell_id,
            "refactored_cell": self.refactored_cell,
            "message": self.message,
            "expected": [o.as_dict() for o in self.expected],
            "actual": [o.as_dict() for o in self.actual],
        }


def pair_cells(
    before: Sequence[CellRun], after: Sequence[CellRun]
) -> list[tuple[CellRun | None, CellRun | None]]:
    """The cells of two runs paired, in the original's order: by id, then the others in
    order among those that showed something. Unpaired cells that showed nothing are
    left out."""
    by_id = {run.cell_id: run for run in after if run.cell_id is not None}
    paired: dict[int, CellRun] = {}  # original index -> refactored run
    taken: set[int] = set()
    for old in before:
        new = by_id.get(old.cell_id) if old.cell_id is not None else None
        if new is not None and new.index not in taken:
            paired[old.index] = new
            taken.add(new.index)
    rest_before = [run for run in before if run.index not in paired and run.outputs]
    rest_after = [run for run in after if run.index not in taken and run.outputs]
    for old, new in zip(rest_before, rest_after, strict=False):
        paired[old.index] = new
    pairs: list[tuple[CellRun | None, CellRun | None]] = []
    for old in before:
        partner = paired.get(old.index)
        if partner is not None or old.outputs:
            pairs.append((old, partner))
    pairs += [(None, new) for new in rest_after[len(rest_before) :]]
    return pairs


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
