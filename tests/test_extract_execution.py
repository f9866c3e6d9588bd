"""The promise: a rewritten notebook produces the same outputs as the original.

Each example that has definitions to move is executed as it is, extracted into a new
project, and executed again with that project importable; outputs must match cell by
cell (streams, text/plain, errors; images by presence).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from tests.conftest import EXAMPLES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def execute(path: Path) -> dict[str, list[Any]]:
    """Run a notebook in its folder; outputs by cell id, normalised."""
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    found: dict[str, list[Any]] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs: list[Any] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                outputs.append((output.name, _ADDRESS.sub(" at 0x?", output.text)))
            elif output.output_type in ("execute_result", "display_data"):
                data = output.get("data", {})
                text = _ADDRESS.sub(" at 0x?", data.get("text/plain", ""))
                outputs.append(("data", text, "image/png" in data))
            elif output.output_type == "error":
                outputs.append(("error", output.ename, output.evalue))
        found[cell.get("id")] = outputs
    return found


@pytest.mark.parametrize("name", ["cleaning_sales.ipynb", "globals_functions.ipynb"])
def test_extracted_notebook_gives_the_same_outputs(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = tmp_path / name
    shutil.copy(EXAMPLES / name, notebook)
    monkeypatch.chdir(tmp_path)
    before = execute(notebook)

    result = CliRunner().invoke(
        cli.main, ["extract", name, "--project-dir", "proj", "--package", "extracted"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "proj/src/extracted").is_dir()

    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "proj/src"))  # the kernel imports it
    after = execute(notebook)
    compared = [cell for cell in before if cell in after]
    assert len(compared) >= len(before) - 2  # only cells that held moved code are gone
    for cell in compared:
        assert after[cell] == before[cell], f"cell {cell} differs"
    gone = [cell for cell in before if cell not in after]
    assert all(before[cell] == [] for cell in gone)  # removed cells had no output
