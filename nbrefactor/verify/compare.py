"""Compare what two runs of a notebook showed: same outputs, in the same order, and in
the same cell wherever the cells keep their ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nbrefactor.verify.execute import CellRun, Output


@dataclass(frozen=True, slots=True)
class Difference:
    """Outputs that changed. ``cell`` is the original cell's index (None when the
    refactored notebook shows something the original did not)."""

    cell: int | None
    message: str
    expected: tuple[Output, ...]
    actual: tuple[Output, ...]

    def __str__(self) -> str:
        where = f"cell_{self.cell}" if self.cell is not None else "end of notebook"
        lines = [f"{where}: {self.message}"]
        lines += [f"  expected {output}" for output in self.expected]
        lines += [f"  got      {output}" for output in self.actual]
        return "\n".join(lines)


def compare_runs(before: Sequence[CellRun], after: Sequence[CellRun]) -> tuple[Difference, ...]:
    """How ``after`` differs from ``before`` (empty: the same outputs).

    Cells may be merged or removed by a refactoring, so outputs are matched in order of
    appearance, skipping cells that show nothing; cells that kept their id must also
    show exactly what they showed before.
    """
    differences: list[Difference] = []
    shown_before = [run for run in before if run.outputs]
    shown_after = [run for run in after if run.outputs]
    for old, new in zip(shown_before, shown_after, strict=False):
        if old.outputs != new.outputs:
            differences.append(Difference(old.index, "outputs differ", old.outputs, new.outputs))
    for old in shown_before[len(shown_after) :]:
        differences.append(Difference(old.index, "output missing", old.outputs, ()))
    for new in shown_after[len(shown_before) :]:
        differences.append(Difference(None, "unexpected output", (), new.outputs))
    if differences:
        return tuple(differences)
    by_id = {run.cell_id: run for run in after if run.cell_id is not None}
    for old in before:
        moved = by_id.get(old.cell_id) if old.cell_id is not None else None
        if moved is not None and moved.outputs != old.outputs:
            message = f"cell {old.cell_id!r} shows other outputs than before"
            differences.append(Difference(old.index, message, old.outputs, moved.outputs))
    return tuple(differences)
