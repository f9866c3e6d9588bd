"""Where a line of a notebook cell is in the notebook's file (GitHub and SARIF output)."""

from __future__ import annotations

import json
from pathlib import Path

from nbrefactor.report.positions import FileLines, ipynb_cell_lines


def test_each_line_of_an_indented_notebook_is_its_source_string() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["a = 1\n", "b = 2"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(notebook, indent=1)
    lines = text.splitlines()
    expected = [lines.index('    "a = 1\\n",') + 1, lines.index('    "b = 2"') + 1]
    assert ipynb_cell_lines(text) == [
        [lines.index('    "# Title\\n",') + 1, lines.index('    "text"') + 1],
        expected,
    ]


def test_a_source_written_as_one_string_is_on_one_line() -> None:
    text = '{"cells": [{"cell_type": "code", "source": "x = 1\\ny = 2\\n"}], "nbformat": 4}'
    assert ipynb_cell_lines(text) == [[1, 1]]


def test_a_piece_holding_several_lines_maps_each_of_them() -> None:
    text = '{\n "cells": [\n  {"source": [\n   "a\\nb\\n",\n   "c"\n  ]}\n ]\n}'
    assert ipynb_cell_lines(text) == [[4, 4, 5]]


def test_no_cells_list_is_no_mapping(tmp_path: Path) -> None:
    assert ipynb_cell_lines('{"worksheets": [{"cells": []}], "nbformat": 3}') is None
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    assert FileLines().line(str(broken), 0, 1) is None
    assert FileLines().line(str(tmp_path / "missing.ipynb"), 0, 1) is None


def test_a_line_past_the_cell_takes_its_last_line(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": ["a\n", "b"]}]}, indent=1)
    )
    lines = FileLines()
    assert lines.line(str(path), 0, 9) == lines.line(str(path), 0, 2)
    assert lines.line(str(path), 1, 1) is None  # no such cell


def test_a_percent_notebook_maps_to_its_own_lines_magics_included(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    path.write_text("# %%\nimport os\n\n# %%\n# %time x = 1\nprint(x)\n")
    lines = FileLines()
    assert lines.line(str(path), 0, 1) == 2
    assert lines.line(str(path), 1, 1) == 5  # the magic, commented out as jupytext writes it
    assert lines.line(str(path), 1, 2) == 6
