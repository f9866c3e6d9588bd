"""Comparing two runs of a notebook: what counts as a difference and what does not."""

from __future__ import annotations

import struct

from nbrefactor.verification.compare import compare_runs, pair_cells
from nbrefactor.verification.execute import CellRun, Output, image_size
from nbrefactor.verification.normalise import normalise


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
    assert difference.cell == 3 and difference.refactored_cell == 3
    assert difference.message == "data data text differs"
    assert "expected data data: '42'" in str(difference)
    assert "got      data data: '41'" in str(difference)


def test_html_and_pictures_are_compared_too() -> None:
    table = Output("data", "data", "df", html="<table>1</table>")
    other = Output("data", "data", "df", html="<table>2</table>")
    assert [d.message for d in compare_runs([run(1, table)], [run(1, other)])] == [
        "text/html differs"
    ]
    small = Output("data", "data", "<Figure>", images=("image/png 420x180",))
    large = Output("data", "data", "<Figure>", images=("image/png 840x360",))
    assert [d.message for d in compare_runs([run(1, small)], [run(1, large)])] == ["images differ"]


def test_cells_pair_by_id_before_position() -> None:
    before = [run(0, SHOWN, cell_id="a"), run(1, PRINTED, cell_id="b")]
    after = [run(0, cell_id="import"), run(1, SHOWN, cell_id="a"), run(2, PRINTED, cell_id="b")]
    assert [(old.index, new.index) for old, new in pair_cells(before, after)] == [(0, 1), (1, 2)]


def test_cells_without_ids_pair_in_order_of_what_they_show() -> None:
    before = [run(0), run(1, SHOWN), run(2), run(3, PRINTED)]
    after = [run(0), run(1), run(2, SHOWN), run(3, PRINTED)]  # one cell more, shows nothing
    assert compare_runs(before, after) == ()
    pairs = pair_cells(before, after)
    assert [(old and old.index, new and new.index) for old, new in pairs] == [(1, 2), (3, 3)]


def test_cells_whose_source_did_not_change_anchor_the_pairing() -> None:
    """Without ids, one lost output once shifted every later pair by one: each later
    cell was reported as different."""

    def cell(index: int, source: str, text: str) -> CellRun:
        return CellRun(index, None, source, (Output("stream", "stdout", text),))

    before = [cell(0, "print(1)", "1\n"), cell(1, "f()", "2\n"), cell(2, "print(3)", "3\n")]
    before.append(cell(3, "print(4)", "4\n"))
    after = [CellRun(0, None, "from pkg import f", ())]
    after += [cell(1, "print(1)", "1\n"), CellRun(2, None, "f()", ())]
    after += [cell(3, "print(3)", "3\n"), cell(4, "print(4)", "4\n")]
    assert [(d.cell, d.message) for d in compare_runs(before, after)] == [
        (1, "0 outputs instead of 1")
    ]


def test_differences_render_as_json() -> None:
    (difference,) = compare_runs([run(2, SHOWN, cell_id="x")], [run(2, cell_id="x")])
    assert difference.as_dict() == {
        "cell": 3,  # numbered from 1, as printed
        "cell_id": "x",
        "refactored_cell": 3,
        "message": "0 outputs instead of 1",
        "expected": [{"kind": "data", "name": "data", "text": "42"}],
        "actual": [],
    }


def test_missing_and_unexpected_outputs_are_reported() -> None:
    assert [d.message for d in compare_runs([run(1, SHOWN), run(2, PRINTED)], [run(1, SHOWN)])] == [
        "output missing"
    ]
    assert [d.message for d in compare_runs([run(1)], [run(1, PRINTED)])] == ["unexpected output"]


def test_an_output_that_moved_to_another_cell_is_reported() -> None:
    before = [run(1, PRINTED, cell_id="a"), run(2, cell_id="b")]
    after = [run(1, cell_id="a"), run(2, PRINTED, cell_id="b")]
    assert [(d.cell, d.message) for d in compare_runs(before, after)] == [
        (1, "0 outputs instead of 1"),
        (2, "1 outputs instead of 0"),
    ]


def test_object_addresses_are_normalised() -> None:
    assert normalise("<Foo object at 0x7f3a2b4c10>") == normalise("<Foo object at 0x55d1e2f3a0>")
    assert normalise("flags 0xff") == "flags 0xff"  # a short hex number is a value


def test_timings_are_normalised() -> None:
    timing = "CPU times: user 3 ms, sys: 1 ms, total: 4 ms\nWall time: 4.1 ms\n"
    assert normalise(timing) == "CPU times: ?\nWall time: ?\n"
    assert normalise("458 ns ± 50.6 ns per loop (mean ± std. dev. of 7 runs, 1 loop each)") == (
        "<timeit>"
    )
    assert normalise("answer: 42") == "answer: 42"


def test_progress_bars_are_normalised() -> None:
    fast = "\r  0%|          | 0/3 [00:00<?, ?it/s]\r100%|##########| 3/3 [00:00<00:00, 9.81it/s]\n"
    slow = (
        "\r 33%|###3      | 1/3 [00:01<00:02,  1.02s/it]"
        "\r100%|##########| 3/3 [00:03<00:00,  1.01s/it]\n"
    )
    assert normalise(fast) == normalise(slow) == "100%|##########| 3/3 [?]\n"


def test_temporary_paths_are_normalised() -> None:
    assert normalise("saved to /tmp/tmpa1b2_c3/model.pkl") == "saved to <tmp>/model.pkl"
    mac = "/var/folders/xy/abc123/T/tmpq9z/out.csv"
    assert normalise(mac) == "<tmp>/out.csv"
    assert normalise("/tmp/data.csv") == "/tmp/data.csv"  # a path the notebook chose


def test_warnings_lose_their_file_line_and_source() -> None:
    in_cell = (
        "/tmp/ipykernel_41/2203.py:3: FutureWarning: use day_of_year\n"
        "  days = index.dayofyear\n"
        "done\n"
    )
    in_module = (
        "/work/proj/src/pkg/nb.py:17: FutureWarning: use day_of_year\n"
        "  days = index.dayofyear\n"
        "done\n"
    )
    assert (
        normalise(in_cell)
        == normalise(in_module)
        == ("<source>: FutureWarning: use day_of_year\ndone\n")
    )


def test_a_warning_of_several_lines_loses_its_source_line_too() -> None:
    # pandas' deprecations run on over two lines; the source line comes after them,
    # and ruff may have reformatted it in the module
    message = "Pandas4Warning: inplace is deprecated.\nSee https://pandas.pydata.org for more.\n"
    in_cell = f"/tmp/ipykernel_7/1.py:2: {message}  data.rename(columns={{'a': 'b'}})\nok\n"
    in_module = f'/p/src/pkg/nb.py:9: {message}  data.rename(columns={{"a": "b"}})\nok\n'
    assert normalise(in_cell) == normalise(in_module) == f"<source>: {message}ok\n"


def test_random_ids_in_html_are_normalised() -> None:
    styled = '<style>#T_1a2b3_row0_col0 {color: red}</style><table id="T_1a2b3">'
    again = '<style>#T_9f8e7_row0_col0 {color: red}</style><table id="T_9f8e7">'
    assert normalise(styled) == normalise(again)
    assert normalise('<div id="1b4e28ba-2fa1-11d2-883f-0016d3cca427">') == '<div id="<uuid>">'


def test_picture_sizes_are_read_from_png_and_gif_headers() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 420, 180) + b"\x08"
    assert image_size("image/png", png) == (420, 180)
    assert image_size("image/gif", b"GIF89a" + struct.pack("<HH", 16, 8)) == (16, 8)
    assert image_size("image/png", b"not a png") is None
