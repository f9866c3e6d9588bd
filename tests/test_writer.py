"""Writing edits back into notebooks without touching anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbrefactor import read_notebook_text
from nbrefactor.notebook.writer import NotebookEdit, apply_edit
from tests.conftest import EXAMPLES, HARD_CASES, all_notebooks

IPYNB = [path for path in all_notebooks() if path.suffix == ".ipynb"]


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_rewriting_a_cell_with_its_own_source_changes_no_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    notebook = read_notebook_text(text, path)
    first_code = notebook.code_cells[0]
    same = NotebookEdit(sources={first_code.index: first_code.source})
    assert apply_edit(text, path, same) == text


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_only_edited_cells_change(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    before = json.loads(text)["cells"]
    code = [i for i, c in enumerate(before) if c["cell_type"] == "code"]
    edit = NotebookEdit(
        sources={code[1]: "total = 1\nprint(total)\n"},
        removed=frozenset({code[2]}),
        inserted={code[0]: ("from package.module import helper",)},
    )
    after = json.loads(apply_edit(text, path, edit))["cells"]
    assert len(after) == len(before)  # one inserted, one removed
    assert after[code[0]]["source"] in (
        ["from package.module import helper"],
        "from package.module import helper",
    )
    assert after[code[0]]["outputs"] == [] and after[code[0]]["execution_count"] is None
    untouched = [c for i, c in enumerate(before) if i not in (code[1], code[2])]
    kept = [c for c in after if c.get("id") in {u.get("id") for u in untouched}]
    assert kept == untouched  # outputs, metadata, ids, counts: all as they were
    edited = next(c for c in after if c.get("id") == before[code[1]].get("id"))
    assert edited["source"] == ["total = 1\n", "print(total)\n"]  # the file's list style
    assert edited["outputs"] == before[code[1]]["outputs"]


def test_new_cell_ids_are_deterministic_and_unique() -> None:
    path = EXAMPLES / "taxi_tips.ipynb"
    text = path.read_text(encoding="utf-8")
    edit = NotebookEdit(inserted={1: ("import a", "import a"), 3: ("import a",)})
    first = json.loads(apply_edit(text, path, edit))["cells"]
    second = json.loads(apply_edit(text, path, edit))["cells"]
    ids = [c["id"] for c in first]
    assert ids == [c["id"] for c in second]
    assert len(ids) == len(set(ids))


def test_text_notebooks_stay_in_their_format() -> None:
    path = EXAMPLES / "sensor_analysis.py"
    text = path.read_text(encoding="utf-8")
    notebook = read_notebook_text(text, path)
    code = notebook.code_cells
    edit = NotebookEdit(sources={code[1].index: "x = 1\n"}, inserted={code[0].index: ("import b",)})
    out = apply_edit(text, path, edit)
    assert out.startswith("# ---\n# jupyter:")
    assert "# %%\nimport b\n" in out
    again = read_notebook_text(out, path)
    assert again.format == "py:percent"
    assert [c.source for c in again.code_cells][:3] == ["import b", code[0].source, "x = 1"]
    assert len(again.cells) == len(notebook.cells) + 1


def test_an_empty_edit_returns_the_text_unchanged() -> None:
    path = HARD_CASES / "magics_scratchpad.ipynb"
    text = path.read_text(encoding="utf-8")
    assert apply_edit(text, path, NotebookEdit()) is text
