"""Comparing two runs of a notebook: what counts as a difference and what does not."""

from __future__ import annotations

from nbrefactor.verify.compare import compare_runs
from nbrefactor.verify.execute import CellRun, Output
from nbrefactor.verify.normalise import normalise


def run(index: int, *outputs: Output, cell_id: str | None = None) -> CellRun:
    return CellRun(index, cell_id, "", outputs)


SHOWN = Output("data", "data", "42")
PRINTED = Output("stream", "stdout", "hello\n")


def test_same_outputs_in_merged_cells_are_no_difference() -> None:
    before = [run(1), run(2, PRINTED, cell_id="b"), run(3, SHOWN, cell_id="c")]
    after = [run(1, PRINTED, cell_id="b"), run(2, SHOWN, cell_id="c")]  # cell 1 merged away
    assert compare_runs(before, after) == ()


def test_a_changed_value_is_reported_with_both_outputs() -> None:
    (difference,) = compare_runs([run(3, SHOWN)], [run(3, Output("data", "data", "41"))])
    assert difference.cell == 3
    assert "expected data data: '42'" in str(difference)
    assert "got      data data: '41'" in str(difference)


def test_missing_and_unexpected_outputs_are_reported() -> None:
    assert [d.message for d in compare_runs([run(1, SHOWN), run(2, PRINTED)], [run(1, SHOWN)])] == [
        "output missing"
    ]
    assert [d.message for d in compare_runs([run(1)], [run(1, PRINTED)])] == ["unexpected output"]


def test_an_output_that_moved_to_another_cell_is_reported() -> None:
    before = [run(1, PRINTED, cell_id="a"), run(2, cell_id="b")]
    after = [run(1, cell_id="a"), run(2, PRINTED, cell_id="b")]
    assert [d.message for d in compare_runs(before, after)] == [
        "cell 'a' shows other outputs than before",
        "cell 'b' shows other outputs than before",
    ]


def test_what_varies_between_runs_is_normalised() -> None:
    assert normalise("<Foo object at 0x7f3a2b>") == normalise("<Foo object at 0x1234>")
    timing = "CPU times: user 3 ms, sys: 1 ms, total: 4 ms\nWall time: 4.1 ms\n"
    assert normalise(timing) == "CPU times: ?\nWall time: ?\n"
    assert normalise("458 ns ± 50.6 ns per loop (mean ± std. dev. of 7 runs, 1 loop each)") == (
        "<timeit>"
    )
    assert normalise("answer: 42") == "answer: 42"
