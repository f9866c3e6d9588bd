"""Unit tests of the notebook reader and the frozen model, through the public API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nbrefactor import Cell, Notebook, read_notebook, read_notebook_text

PYTHON_KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _v4(cells: list[dict[str, Any]], *, minor: int = 5, ids: bool = True) -> str:
    """A nbformat 4 notebook as JSON text; cells get ids ``cell-N`` unless they carry one."""
    full = []
    for index, cell in enumerate(cells):
        cell = {"metadata": {}, **cell}
        if cell["cell_type"] == "code":
            cell.setdefault("execution_count", None)
            cell.setdefault("outputs", [])
        if ids:
            cell.setdefault("id", f"cell-{index}")
        else:
            cell.pop("id", None)
        full.append(cell)
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": minor,
            "metadata": {"kernelspec": PYTHON_KERNEL, "language_info": {"name": "python"}},
            "cells": full,
        }
    )


def _md(source: str | list[str]) -> dict[str, Any]:
    return {"cell_type": "markdown", "source": source}


def _code(source: str | list[str] = "pass") -> dict[str, Any]:
    return {"cell_type": "code", "source": source}


def _headings(*cells: dict[str, Any]) -> list[tuple[str, ...]]:
    return [cell.headings for cell in read_notebook_text(_v4(list(cells))).cells]


# --------------------------------------------------------------------------- ipynb v4

STREAM = {"output_type": "stream", "name": "stdout", "text": ["1\n"]}
#: What the model holds: nbformat joins the list of lines a file stores.
STREAM_JOINED = {**STREAM, "text": "1\n"}
RESULT = {
    "output_type": "execute_result",
    "execution_count": 7,
    "data": {"text/plain": ["2"]},
    "metadata": {},
}
RESULT_JOINED = {**RESULT, "data": {"text/plain": "2"}}
V4_CELLS: list[dict[str, Any]] = [
    {"id": "intro", "cell_type": "markdown", "metadata": {}, "source": "# Title\n\nSome text"},
    {
        "id": "load-data",
        "cell_type": "code",
        "execution_count": 7,
        "metadata": {"tags": ["parameters"], "scrolled": True},
        "outputs": [STREAM, RESULT],
        "source": "x = 1\nprint(x)\nx + 1",
    },
    {
        "id": "raw-1",
        "cell_type": "raw",
        "metadata": {"format": "text/x-rst"},
        "source": "raw *text*",
    },
    {
        "id": "never-run",
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": "y = 2",
    },
]


def test_v4_5_keeps_ids_sources_types_counts_outputs_metadata() -> None:
    text = json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"kernelspec": PYTHON_KERNEL, "custom": {"k": [1, 2]}},
            "cells": V4_CELLS,
        }
    )
    nb = read_notebook_text(text, "analysis.ipynb")

    assert isinstance(nb, Notebook)
    assert nb.format == "ipynb"
    assert nb.nbformat_version == (4, 5)
    assert nb.path == Path("analysis.ipynb")
    assert nb.metadata == {"kernelspec": PYTHON_KERNEL, "custom": {"k": [1, 2]}}
    assert [c.index for c in nb.cells] == [0, 1, 2, 3]
    assert [c.id for c in nb.cells] == ["intro", "load-data", "raw-1", "never-run"]
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "raw", "code"]
    assert [c.source for c in nb.cells] == [
        "# Title\n\nSome text",
        "x = 1\nprint(x)\nx + 1",
        "raw *text*",
        "y = 2",
    ]
    assert [c.execution_count for c in nb.cells] == [None, 7, None, None]
    code = nb.cells[1]
    assert code.outputs == (STREAM_JOINED, RESULT_JOINED)
    assert all(type(o) is dict for o in code.outputs)
    assert code.metadata == {"tags": ["parameters"], "scrolled": True}
    assert nb.cells[2].metadata == {"format": "text/x-rst"}
    assert nb.cells[0].outputs == () and nb.cells[3].outputs == ()
    assert [c.index for c in nb.code_cells] == [1, 3]
    assert code.is_code and not nb.cells[0].is_code
    assert code.first_line == "x = 1"


def test_v4_4_without_ids_gives_id_none() -> None:
    cells = [{k: v for k, v in c.items() if k != "id"} for c in V4_CELLS]
    text = json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 4,
            "metadata": {"kernelspec": PYTHON_KERNEL},
            "cells": cells,
        }
    )
    nb = read_notebook_text(text)

    assert nb.format == "ipynb"
    assert nb.nbformat_version == (4, 4)
    assert [c.id for c in nb.cells] == [None, None, None, None]
    # everything else is read as in 4.5
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "raw", "code"]
    assert nb.cells[1].source == "x = 1\nprint(x)\nx + 1"
    assert nb.cells[1].execution_count == 7
    assert nb.cells[1].outputs == (STREAM_JOINED, RESULT_JOINED)


def test_read_notebook_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(_v4([_md("# A"), _code("a = 1")]), encoding="utf-8")
    nb = read_notebook(path)
    assert nb.path == path
    assert [(c.cell_type, c.source, c.id) for c in nb.cells] == [
        ("markdown", "# A", "cell-0"),
        ("code", "a = 1", "cell-1"),
    ]
    # str paths work too
    assert read_notebook(str(path)).cells == nb.cells


def test_list_valued_source_is_joined() -> None:
    nb = read_notebook_text(
        _v4([_md(["# Head", "ing\n", "text"]), _code(["a = 1\n", "b = 2\n", "c = a + b"])])
    )
    assert nb.cells[0].source == "# Heading\ntext"
    assert nb.cells[0].headings == ("Heading",)
    assert nb.cells[1].source == "a = 1\nb = 2\nc = a + b"
    assert nb.cells[1].first_line == "a = 1"


def test_empty_and_missing_source_is_empty_string() -> None:
    nb = read_notebook_text(_v4([_code([]), _code(""), _md([])]))
    assert [c.source for c in nb.cells] == ["", "", ""]
    assert [c.first_line for c in nb.cells] == ["", "", ""]


def test_unknown_cell_type_becomes_raw() -> None:
    nb = read_notebook_text(
        _v4(
            [
                {"cell_type": "widget", "source": "# Not a heading\nstuff", "execution_count": 3},
                _code("x = 1"),
            ]
        )
    )
    odd = nb.cells[0]
    assert odd.cell_type == "raw"
    assert odd.source == "# Not a heading\nstuff"
    assert odd.id == "cell-0"
    assert odd.execution_count is None
    assert not odd.is_code
    # a raw cell's "# ..." is not a markdown heading
    assert nb.cells[1].headings == ()
    assert [c.index for c in nb.code_cells] == [1]


# --------------------------------------------------------------------------- ipynb v3


def _v3(heading_source: str | list[str], code_input: str | list[str]) -> str:
    """An nbformat 3 notebook as IPython 2 wrote it (multi-line strings as lists)."""
    return json.dumps(
        {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": {"name": "old analysis"},
            "worksheets": [
                {
                    "metadata": {},
                    "cells": [
                        {
                            "cell_type": "heading",
                            "level": 2,
                            "metadata": {},
                            "source": heading_source,
                        },
                        {
                            "cell_type": "code",
                            "collapsed": False,
                            "input": code_input,
                            "language": "python",
                            "metadata": {},
                            "outputs": [
                                {"output_type": "stream", "stream": "stdout", "text": ["1\n"]}
                            ],
                            "prompt_number": 3,
                        },
                        {"cell_type": "markdown", "metadata": {}, "source": ["Some *prose*"]},
                        {
                            "cell_type": "code",
                            "collapsed": False,
                            "input": [],
                            "language": "python",
                            "metadata": {},
                            "outputs": [],
                        },
                    ],
                }
            ],
        }
    )


def _check_v3(nb: Notebook) -> None:
    assert nb.format == "ipynb"
    assert nb.nbformat_version[0] == 4
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown", "code"]
    heading, code, prose, empty = nb.cells
    assert heading.source == "## Loading data"
    assert heading.headings == ("Loading data",)
    assert code.source == "x = 1\nprint(x)"
    assert code.execution_count == 3
    assert code.headings == ("Loading data",)
    assert len(code.outputs) == 1
    assert code.outputs[0]["output_type"] == "stream"
    assert code.outputs[0]["name"] == "stdout"
    assert prose.source == "Some *prose*"
    assert empty.source == ""
    assert empty.execution_count is None
    assert [c.id for c in nb.cells] == [None, None, None, None]


def test_v3_notebook_as_written_by_ipython_is_upgraded() -> None:
    """Real v3 files store every multi-line string, heading sources included, as a list."""
    _check_v3(read_notebook_text(_v3(["Loading data"], ["x = 1\n", "print(x)"]), "old.ipynb"))


def test_v3_notebook_with_string_sources_is_upgraded() -> None:
    _check_v3(read_notebook_text(_v3("Loading data", "x = 1\nprint(x)"), "old.ipynb"))


# --------------------------------------------------------------------------- jupytext

PERCENT = """\
# %% [markdown]
# # Sensor report
#
# Some prose.

# %%
# %matplotlib inline
import os
x = 1

# %% [markdown]
# ## Results

# %%
print(x)
"""


def test_py_percent() -> None:
    nb = read_notebook_text(PERCENT, "report.py")
    assert nb.format == "py:percent"
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Sensor report\n\nSome prose."),
        ("code", "%matplotlib inline\nimport os\nx = 1"),
        ("markdown", "## Results"),
        ("code", "print(x)"),
    ]
    assert [c.headings for c in nb.cells] == [
        ("Sensor report",),
        ("Sensor report",),
        ("Sensor report", "Results"),
        ("Sensor report", "Results"),
    ]
    assert all(c.id is None and c.execution_count is None for c in nb.cells)


def test_py_percent_with_jupytext_header_from_disk(tmp_path: Path) -> None:
    header = (
        "# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n"
        "#       extension: .py\n#       format_name: percent\n"
        "#   kernelspec:\n#     display_name: Python 3\n#     language: python\n"
        "#     name: python3\n# ---\n\n"
    )
    path = tmp_path / "report.py"
    path.write_text(header + PERCENT, encoding="utf-8")
    nb = read_notebook(path)
    assert nb.format == "py:percent"
    assert nb.path == path
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown", "code"]
    assert nb.cells[1].source == "%matplotlib inline\nimport os\nx = 1"


LIGHT = """\
# # Title
# Some prose

import os
x = 1

# +
y = 2

z = 3
# -

print(x)
"""


def test_py_light() -> None:
    nb = read_notebook_text(LIGHT, "light.py")
    assert nb.format == "py:light"
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\nSome prose"),
        ("code", "import os\nx = 1"),
        ("code", "y = 2\n\nz = 3"),
        ("code", "print(x)"),
    ]
    assert nb.cells[3].heading == "Title"


MARKDOWN = """\
# Title

Some prose.

```python
import os
x = 1
```

## Part two

```python
print(x)
```
"""


def test_jupytext_markdown() -> None:
    nb = read_notebook_text(MARKDOWN, "notes.md")
    assert nb.format == "md"
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\n\nSome prose."),
        ("code", "import os\nx = 1"),
        ("markdown", "## Part two"),
        ("code", "print(x)"),
    ]
    assert [c.headings for c in nb.cells] == [
        ("Title",),
        ("Title",),
        ("Title", "Part two"),
        ("Title", "Part two"),
    ]


MYST_BODY = """\
# Title

Prose.

```{code-cell} ipython3
import os
x = 1
```

```{code-cell} ipython3
print(x)
```
"""
MYST_HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("book.md", MYST_HEADER + MYST_BODY),
        ("book.md", MYST_BODY),
        ("book.myst", MYST_HEADER + MYST_BODY),
        ("book.myst", MYST_BODY),
    ],
    ids=["md-header", "md-bare", "myst-header", "myst-bare"],
)
def test_myst(name: str, text: str) -> None:
    nb = read_notebook_text(text, name)
    assert nb.format == "myst"
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\n\nProse."),
        ("code", "import os\nx = 1"),
        ("code", "print(x)"),
    ]
    assert nb.cells[2].heading == "Title"


def test_myst_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "book.myst"
    path.write_text(MYST_HEADER + MYST_BODY, encoding="utf-8")
    nb = read_notebook(path)
    assert nb.format == "myst"
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.metadata["kernelspec"]["name"] == "python3"


# --------------------------------------------------------------------------- BOM


def test_utf8_bom_accepted_in_ipynb_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + _v4([_md("# T"), _code("x = 1")]).encode("utf-8"))
    nb = read_notebook(path)
    assert [(c.cell_type, c.source) for c in nb.cells] == [("markdown", "# T"), ("code", "x = 1")]


def test_utf8_bom_accepted_in_text_notebook_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + PERCENT.encode("utf-8"))
    nb = read_notebook(path)
    assert nb.format == "py:percent"
    assert nb.cells[0].source == "# Sensor report\n\nSome prose."
    assert nb.cells[1].source == "%matplotlib inline\nimport os\nx = 1"


@pytest.mark.parametrize("name", ["bom.ipynb", "bom.py"])
def test_utf8_bom_accepted_by_read_notebook_text(name: str) -> None:
    """A string read with encoding="utf-8" keeps the BOM as U+FEFF; it reads like the file."""
    text = _v4([_code("x = 1")]) if name.endswith(".ipynb") else PERCENT
    plain = read_notebook_text(text, name)
    with_bom = read_notebook_text("\ufeff" + text, name)
    assert with_bom.format == plain.format
    assert [c.source for c in with_bom.cells] == [c.source for c in plain.cells]


# --------------------------------------------------------------------------- headings


def test_no_heading_before_first_heading() -> None:
    nb = read_notebook_text(_v4([_code("x = 1"), _md("just prose"), _code("y = 2")]))
    assert [c.headings for c in nb.cells] == [(), (), ()]
    assert [c.heading for c in nb.cells] == [None, None, None]


def test_atx_nesting_and_popping_by_sibling() -> None:
    cells = [
        _md("# Analysis"),
        _code(),
        _md("## Loading"),
        _code(),
        _md("### Details"),
        _code(),
        _md("## Cleaning"),  # pops "Details" and "Loading"
        _code(),
        _md("###### Deep"),
        _code(),
        _md("# Appendix"),  # pops everything
        _code(),
    ]
    nb = read_notebook_text(_v4(cells))
    assert [c.headings for c in nb.cells] == [
        ("Analysis",),
        ("Analysis",),
        ("Analysis", "Loading"),
        ("Analysis", "Loading"),
        ("Analysis", "Loading", "Details"),
        ("Analysis", "Loading", "Details"),
        ("Analysis", "Cleaning"),
        ("Analysis", "Cleaning"),
        ("Analysis", "Cleaning", "Deep"),
        ("Analysis", "Cleaning", "Deep"),
        ("Appendix",),
        ("Appendix",),
    ]
    assert nb.cells[5].heading == "Details"
    assert nb.cells[7].heading == "Cleaning"
    assert nb.cells[11].heading == "Appendix"


def test_skipped_levels_pop_correctly() -> None:
    assert _headings(_md("# A"), _md("### C"), _code(), _md("## B"), _code()) == [
        ("A",),
        ("A", "C"),
        ("A", "C"),
        ("A", "B"),
        ("A", "B"),
    ]


def test_shallower_heading_replaces_deeper_start() -> None:
    assert _headings(_md("## Pre"), _code(), _md("# Top"), _code()) == [
        ("Pre",),
        ("Pre",),
        ("Top",),
        ("Top",),
    ]


def test_several_headings_in_one_cell() -> None:
    assert _headings(_md("# A\n\n## B\n\ntext\n\n## C\n\nmore"), _code()) == [
        ("A", "C"),
        ("A", "C"),
    ]


def test_setext_headings() -> None:
    assert _headings(
        _md("Report\n======\n\nIntro text."),
        _code(),
        _md("Data\n----\n\nSome text."),
        _code(),
        _md("Other\n---"),
        _code(),
    ) == [
        ("Report",),
        ("Report",),
        ("Report", "Data"),
        ("Report", "Data"),
        ("Report", "Other"),
        ("Report", "Other"),
    ]


def test_thematic_break_is_not_setext_heading() -> None:
    assert _headings(_md("# A"), _md("text\n\n---\n\nmore"), _code()) == [("A",), ("A",), ("A",)]


def test_headings_in_fenced_code_are_ignored() -> None:
    cell = (
        "# Real\n\n"
        "```python\n# not a heading\n## nor this\n```\n\n"
        "~~~\n# still code\n~~~\n\n"
        "````\n```\n# inside a longer fence\n```\n````\n\n"
        "Not\n---\n"
    )
    nb = read_notebook_text(_v4([_md(cell), _code()]))
    assert nb.cells[0].headings == ("Real", "Not")
    assert nb.cells[1].heading == "Not"


def test_heading_text_details() -> None:
    assert _headings(_md("## Closed ##"), _md("#hashtag is not a heading"), _code()) == [
        ("Closed",),
        ("Closed",),
        ("Closed",),
    ]
    assert _headings(_md("    # indented code, not a heading"), _code()) == [(), ()]
    assert _headings(_md("   ### Up to three spaces"), _code()) == [
        ("Up to three spaces",),
        ("Up to three spaces",),
    ]


def test_comments_in_code_cells_are_not_headings() -> None:
    assert _headings(_md("# A"), _code("# B\nx = 1"), _code()) == [("A",), ("A",), ("A",)]


def test_model_is_frozen() -> None:
    nb = read_notebook_text(_v4([_code("x = 1")]))
    cell = nb.cells[0]
    assert isinstance(cell, Cell)
    with pytest.raises(AttributeError):
        cell.source = "y = 2"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        nb.format = "py:percent"  # type: ignore[misc]
    loc = nb.location(0, 2, 5)
    assert str(loc) == "<string>.ipynb:cell_1:2:5"
    assert str(nb.location(None, 3)) == "<string>.ipynb:3:1"
