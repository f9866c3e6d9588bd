"""The promise: a rewritten notebook produces the same outputs as the original.

Each example is executed as it is, extracted into a new project, and executed again
(in a fresh folder, with the project importable). Outputs must match: streams,
text/plain and errors exactly, images by presence, after normalising what varies from
run to run (timings, object addresses, the kernel's temporary file names).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nbrefactor import cli, read_notebook
from nbrefactor.analysis.facts import analyse_source
from tests.conftest import EXAMPLES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")
pytest.importorskip("ipykernel")

_VARIES = [
    (re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x?"),
    (re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),
    (re.compile(r"^(CPU times|Wall time):.*$", re.MULTILINE), r"\1: ?"),
    (re.compile(r"^.* per loop \(mean ± std\. dev\..*$", re.MULTILINE), "<timeit>"),
]
EXAMPLE_NAMES = sorted(p.name for p in [*EXAMPLES.glob("*.ipynb"), *EXAMPLES.glob("*.py")])


def _normalise(text: str) -> str:
    for pattern, replacement in _VARIES:
        text = pattern.sub(replacement, text)
    return text


def execute(path: Path) -> list[tuple[str | None, list[Any]]]:
    """Run a notebook in its folder: (cell id, normalised outputs) per code cell."""
    notebook = jupytext.read(path) if path.suffix == ".py" else nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs: list[Any] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                text = _normalise(output.text)
                if outputs and outputs[-1][0] == output.name:  # chunking varies: join
                    outputs[-1] = (output.name, outputs[-1][1] + text)
                else:
                    outputs.append((output.name, text))
            elif output.output_type in ("execute_result", "display_data"):
                data = output.get("data", {})
                outputs.append(
                    ("data", _normalise(data.get("text/plain", "")), "image/png" in data)
                )
            elif output.output_type == "error":
                outputs.append(("error", output.ename, _normalise(output.evalue)))
        found.append((cell.get("id") if path.suffix == ".ipynb" else None, outputs))
    return found


def statements(path: Path) -> int:
    """Code statements in a notebook (magics count as one each)."""
    total = 0
    for cell in read_notebook(path).code_cells:
        facts = analyse_source(cell.source)
        if facts.masked is not None and facts.parse_error is None:
            import ast

            total += sum(isinstance(n, ast.stmt) for n in ast.walk(ast.parse(facts.masked.code)))
    return total


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_extracted_notebook_gives_the_same_outputs(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    before_dir.mkdir()
    after_dir.mkdir()
    shutil.copy(EXAMPLES / name, before_dir / name)
    shutil.copy(EXAMPLES / name, after_dir / name)
    before = execute(before_dir / name)

    monkeypatch.chdir(after_dir)
    project = tmp_path / "proj"  # outside the notebook's folder, which it lists with !ls
    arguments = ["extract", name, "--project-dir", str(project), "--package", "extracted"]
    result = CliRunner().invoke(cli.main, arguments)
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))  # the kernel imports it
    after = execute(after_dir / name)

    # every output the user saw is still there, in the same order...
    shown_before = [outputs for _, outputs in before if outputs]
    shown_after = [outputs for _, outputs in after if outputs]
    assert shown_after == shown_before
    # ...and, where cells have ids, in the same cell
    after_by_id = {cell: outputs for cell, outputs in after if cell is not None}
    for cell, outputs in before:
        if cell is not None and cell in after_by_id:
            assert after_by_id[cell] == outputs, f"cell {cell} differs"


def test_most_code_moves_into_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "taxi_tips.ipynb", tmp_path / "taxi_tips.ipynb")
    before = statements(tmp_path / "taxi_tips.ipynb")
    result = CliRunner().invoke(
        cli.main, ["extract", "taxi_tips.ipynb", "--project-dir", "p", "--package", "t"]
    )
    assert result.exit_code == 0
    after = statements(tmp_path / "taxi_tips.ipynb")
    assert after < before * 0.6  # the script code of the taxi notebook moved out
