"""Bad input through the real command line: exit 2, a message naming the file, no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner, Result

from nbrefactor import __version__
from nbrefactor.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PYTHON_KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _graph(path: Path) -> Result:
    return CliRunner().invoke(main, ["graph", str(path)])


def _assert_bad_input(result: Result, path: Path, *what: str) -> str:
    """Exit 2 with one ``nbrefactor: error: <path>: ...`` line on stderr; returns the message."""
    output = result.output
    assert result.exit_code == 2, output
    # exit 2 from our handler, not from click's own usage errors or an uncaught exception
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in output
    assert result.stdout == ""
    assert result.stderr == output
    assert output.startswith(f"nbrefactor: error: {path}: "), output
    assert output.count("\n") == 1, output
    for pattern in what:
        assert re.search(pattern, output, re.IGNORECASE), f"{pattern!r} not in {output!r}"
    return output


def _real_notebook_json() -> str:
    """A notebook as Jupyter writes it (nbformat's writer: indented, sources split in lines)."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": PYTHON_KERNEL})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Sales\n\nLoad the sales export and clean it up."),
        nbformat.v4.new_code_cell("import csv\nrows = list(csv.reader(open('sales.csv')))"),
        nbformat.v4.new_code_cell(
            "total = sum(float(r[2]) for r in rows[1:])\nprint(f'total: {total:.2f}')",
            execution_count=2,
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="total: 1234.50\n")],
        ),
        nbformat.v4.new_markdown_cell("## Per region\n\nGroup by the region column."),
        nbformat.v4.new_code_cell(
            "by_region = {}\nfor r in rows[1:]:\n    by_region.setdefault(r[1], []).append(r)"
        ),
    ]
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nbformat.writes(nb)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- bad JSON


@pytest.mark.parametrize(
    "text",
    ["{not json", '{"nbformat": 4, "cells": [,]}', "nbformat = 4\n", '{"nbformat": 4} trailing'],
    ids=["bare-key", "stray-comma", "not-json-at-all", "extra-data"],
)
def test_invalid_json(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "broken.ipynb", text)
    output = _assert_bad_input(_graph(path), path, r"not valid JSON", r"line \d+, column \d+")
    assert "truncated" not in output


def _cut_points(text: str) -> dict[str, int]:
    return {
        "half": len(text) // 2,
        "inside-source-string": text.index("Load the sales export") + 8,
        "inside-output-string": text.index("total: 1234.50") + 5,
        "after-comma": text.index('"cells": [') + len('"cells": ['),
        "before-last-brace": len(text.rstrip()) - 1,
    }


@pytest.mark.parametrize(
    "where",
    ["half", "inside-source-string", "inside-output-string", "after-comma", "before-last-brace"],
)
def test_truncated_notebook(tmp_path: Path, where: str) -> None:
    text = _real_notebook_json()
    assert nbformat.reads(text, as_version=4)  # the uncut text is a valid notebook
    path = _write(tmp_path, "cut.ipynb", text[: _cut_points(text)[where]])
    _assert_bad_input(_graph(path), path, r"not valid JSON", r"looks truncated")


@pytest.mark.parametrize(
    "example", sorted(p.name for p in EXAMPLES.glob("*.ipynb")) or ["(no examples)"]
)
def test_example_notebook_cut_in_half(tmp_path: Path, example: str) -> None:
    source = EXAMPLES / example
    if not source.is_file():
        pytest.fail(f"example notebooks missing from {EXAMPLES}")
    text = source.read_text(encoding="utf-8")
    path = _write(tmp_path, example, text[: len(text) // 2])
    _assert_bad_input(_graph(path), path, r"not valid JSON", r"looks truncated")


def test_truncated_message_has_no_doubled_words(tmp_path: Path) -> None:
    text = _real_notebook_json()
    path = _write(tmp_path, "cut.ipynb", text[: _cut_points(text)["inside-source-string"]])
    output = _assert_bad_input(_graph(path), path, r"not valid JSON")
    assert not re.search(r"\b(\w+) \1\b", output), output


@pytest.mark.parametrize("content", ["", "   \n\t\n"], ids=["empty", "whitespace"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "empty.ipynb", content)
    _assert_bad_input(_graph(path), path, r"\bempty\b", r"not a notebook")


@pytest.mark.parametrize(
    "text",
    ["[1,2]", '{"a": 1}', '"a string"', "42", "null", '{"cells": []}'],
    ids=["list", "dict", "string", "number", "null", "cells-but-no-nbformat"],
)
def test_json_that_is_not_a_notebook(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "data.ipynb", text)
    _assert_bad_input(_graph(path), path, r"JSON but not a Jupyter notebook", r"nbformat")


@pytest.mark.parametrize("version", [5, 99, 2, "4"])
def test_unknown_nbformat_version(tmp_path: Path, version: Any) -> None:
    path = _write(
        tmp_path,
        "future.ipynb",
        json.dumps({"nbformat": version, "nbformat_minor": 0, "metadata": {}, "cells": []}),
    )
    _assert_bad_input(
        _graph(path), path, rf"unsupported nbformat version {re.escape(repr(version))}", r"3 and 4"
    )


# --------------------------------------------------------------------------- not Python


def test_r_kernel_ipynb(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "ir", "display_name": "R", "language": "R"},
            "language_info": {"name": "R"},
        },
        "cells": [
            {
                "id": "a",
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": "x <- c(1, 2, 3)\nmean(x)",
            }
        ],
    }
    path = _write(tmp_path, "stats.ipynb", json.dumps(notebook))
    _assert_bad_input(_graph(path), path, r"\bR kernel\b", r"only works on Python notebooks")


def test_julia_language_info_only(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "julia"}},
        "cells": [],
    }
    path = _write(tmp_path, "sim.ipynb", json.dumps(notebook))
    _assert_bad_input(_graph(path), path, r"julia", r"only works on Python notebooks")


def test_r_kernel_text_notebook(tmp_path: Path) -> None:
    text = (
        "---\njupyter:\n  kernelspec:\n    display_name: R\n    language: R\n    name: ir\n---\n\n"
        "# Stats\n\n```r\nx <- 1\n```\n"
    )
    path = _write(tmp_path, "stats.md", text)
    _assert_bad_input(_graph(path), path, r"\bR kernel\b", r"Python")


# --------------------------------------------------------------------------- not a file


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "folder.ipynb"
    path.mkdir()
    _assert_bad_input(_graph(path), path, r"is a directory", r"not a notebook")


def test_plain_directory(tmp_path: Path) -> None:
    path = tmp_path / "project"
    path.mkdir()
    _assert_bad_input(_graph(path), path, r"is a directory")


@pytest.mark.parametrize("name", ["missing.ipynb", "missing.py", "nowhere/missing.ipynb"])
def test_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _assert_bad_input(_graph(path), path, r"no such file")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "cafe.ipynb",
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {"title": "Café"}, "cells": []}',
        ),
        ("cafe.py", "# %%\n# Café prices\nprice = 3\n"),
        ("cafe.md", "# Café\n\n```python\nx = 1\n```\n"),
    ],
)
def test_not_utf8(tmp_path: Path, name: str, text: str) -> None:
    data = text.encode("latin-1")
    path = _write(tmp_path, name, data)
    offset = data.index(b"\xe9")
    line = data[:offset].count(b"\n") + 1
    _assert_bad_input(
        _graph(path),
        path,
        r"not UTF-8",
        rf"byte 0xe9 at offset {offset}, line {line}\b",
    )


@pytest.mark.parametrize("name", ["notes.txt", "notebook.json", "README", "script.R"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, "# %%\nx = 1\n")
    suffix = Path(name).suffix
    expected = re.escape(repr(suffix) if suffix else "(none)")
    _assert_bad_input(_graph(path), path, rf"unknown notebook extension {expected}", r"\.ipynb")


# --------------------------------------------------------------------------- not bad input


def test_unparseable_cell_is_a_diagnostic_not_an_error(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": PYTHON_KERNEL},
        "cells": [
            {"id": "m", "cell_type": "markdown", "metadata": {}, "source": "# Intro"},
            {
                "id": "a",
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": "x = 1",
            },
            {
                "id": "b",
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "outputs": [],
                "source": "y = x + 1\ndef f(:\n    pass",
            },
            {
                "id": "c",
                "cell_type": "code",
                "execution_count": 3,
                "metadata": {},
                "outputs": [],
                "source": "print(x)",
            },
        ],
    }
    path = _write(tmp_path, "syntax.ipynb", json.dumps(notebook))
    result = _graph(path)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stderr == ""
    lines = [line for line in result.stdout.splitlines() if " NBR100 " in line]
    assert len(lines) == 1, result.stdout
    # cells count from 1, markdown included; the error is on the cell's line 2
    assert re.fullmatch(rf"{re.escape(str(path))}:cell_3:2:\d+: NBR100 .+", lines[0]), lines[0]
    # the other cells are still analysed
    assert "x (cell 2)" in result.stdout


def test_python_dash_m_help(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nbrefactor", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: nbrefactor "), done.stdout
    assert re.search(r"^\s+graph\s", done.stdout, re.MULTILINE), done.stdout
    assert "--version" in done.stdout
    assert "Traceback" not in done.stderr


def test_python_dash_m_bad_input_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "missing.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "nbrefactor", "graph", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"nbrefactor: error: {path}: no such file\n"


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"nbrefactor, version {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)
