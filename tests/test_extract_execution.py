"""The promise: a rewritten notebook produces the same outputs as the original.

Each example is executed as it is, extracted into a new project, and executed again
(in a fresh folder, with the project importable). Outputs must match: streams,
text/plain and errors exactly, images by presence, after normalising what varies from
run to run (timings, object addresses, the kernel's temporary file names).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli, read_notebook
from nbrefactor.verify.compare import compare_runs
from nbrefactor.verify.execute import execute_notebook
from nbrefactor.verify.measure import moved_ratio
from tests.conftest import EXAMPLES, all_notebooks

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

#: The examples are realistic notebooks: most of their code must move. The hard cases
#: are built from what must stay (global writes, IPython-only cells): they must only keep
#: their outputs.
MIN_MOVED = 0.6


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.name)
def test_extracted_notebook_gives_the_same_outputs(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = path.name
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    before_dir.mkdir()
    after_dir.mkdir()
    shutil.copy(path, before_dir / name)
    shutil.copy(path, after_dir / name)
    before = execute_notebook(before_dir / name)

    monkeypatch.chdir(after_dir)
    project = tmp_path / "proj"  # outside the notebook's folder, which it lists with !ls
    arguments = ["extract", name, "--project-dir", str(project), "--package", "extracted"]
    result = CliRunner().invoke(cli.main, arguments)
    assert result.exit_code == 0, result.output
    after = execute_notebook(after_dir / name, python_path=[project / "src"])

    assert sum(len(run.outputs) for run in before) > 3  # the example shows things
    differences = compare_runs(before, after)
    assert not differences, "\n".join(map(str, differences))
    ratio = moved_ratio(read_notebook(before_dir / name), read_notebook(after_dir / name))
    if path.parent == EXAMPLES:
        assert ratio >= MIN_MOVED, f"only {ratio:.0%} of the statements moved"


#: Two examples that share copied code (the readings' generation and cleaning).
SHARING = ("weather_eda.ipynb", "weather_forecast.ipynb")


def test_notebooks_extracted_together_give_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    for folder in (before_dir, after_dir):
        folder.mkdir()
        for name in SHARING:
            shutil.copy(EXAMPLES / name, folder / name)
    before = {name: execute_notebook(before_dir / name) for name in SHARING}

    monkeypatch.chdir(after_dir)
    project = tmp_path / "proj"
    arguments = ["extract", *SHARING, "--project-dir", str(project), "--package", "weather"]
    result = CliRunner().invoke(cli.main, arguments)
    assert result.exit_code == 0, result.output
    common = (project / "src" / "weather" / "common.py").read_text()
    assert common.count("\ndef ") == 2  # generating the readings, loading them
    for name in SHARING:
        assert "from weather.common import" in (after_dir / name).read_text()
        after = execute_notebook(after_dir / name, python_path=[project / "src"])
        differences = compare_runs(before[name], after)
        assert not differences, "\n".join(map(str, differences))
        ratio = moved_ratio(read_notebook(before_dir / name), read_notebook(after_dir / name))
        assert ratio >= MIN_MOVED, f"{name}: only {ratio:.0%} of the statements moved"
