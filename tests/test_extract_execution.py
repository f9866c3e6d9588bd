"""The promise: a rewritten notebook produces the same outputs as the original.

Each example is extracted with ``extract --verify``: executed as it is, and again
rewritten, with the package staged in a temporary folder; the files are written only
when every cell shows the same (streams, text/plain, html and errors exactly, pictures
by kind and size, after normalising what varies from run to run). The tests it records
from that run must pass. The two notebooks that share code are extracted together and
checked with the lower-level API.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.measure import moved_ratio
from nbrefactor import cli, read_notebook
from nbrefactor.verification.compare import compare_runs
from nbrefactor.verification.execute import execute_notebook
from tests.conftest import EXAMPLES, all_notebooks
from tests.golden import EXTRACT_CASES

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

#: The examples are realistic notebooks: most of their code must move. The hard cases
#: are built from what must stay (global writes, IPython-only cells): they must only keep
#: their outputs.
MIN_MOVED = 0.6


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the generated projects: the libraries' stubs are read once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.name)
def test_extracted_notebook_gives_the_same_outputs(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mypy_cache: Path
) -> None:
    """``extract --verify`` runs the notebook before and after and writes only when the
    outputs are the same; the tests it records from that run pass; for the examples, the
    project it writes passes ruff and mypy with their default settings."""
    name = path.name
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(path, folder / name)
    monkeypatch.chdir(folder)
    project = tmp_path / "proj"  # outside the notebook's folder, which it lists with !ls
    arguments = ["extract", name, "--project-dir", str(project), "--package", "extracted"]
    result = CliRunner().invoke(cli.main, [*arguments, "--verify"])
    assert result.exit_code == 0, result.output
    assert f"{name} -> its extraction into extracted: same outputs" in result.stderr
    assert "recorded tests: " in result.stderr and " passed in " in result.stderr
    ratio = moved_ratio(read_notebook(path), read_notebook(folder / name))
    if path.parent == EXAMPLES:
        assert ratio >= MIN_MOVED, f"only {ratio:.0%} of the statements moved"
    tests = run_project_tests(project)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    if path.parent == EXAMPLES:  # what extract writes is lint-clean and formatted
        for check in (["check"], ["format", "--check"]):
            lint = subprocess.run(
                [sys.executable, "-m", "ruff", *check, "--isolated", "--no-cache", "."],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
            assert lint.returncode == 0, lint.stdout
        if importlib.util.find_spec("mypy") is not None:  # and its type hints hold
            typed = subprocess.run(
                [sys.executable, "-m", "mypy", "--cache-dir", str(mypy_cache), "src", "tests"],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
            assert typed.returncode == 0, typed.stdout
    if name in ANNOTATED:  # the types the recorded calls saw
        assert ANNOTATED[name] in (project / "src/extracted" / f"{path.stem}.py").read_text()
    if name in CHANGES:  # the recorded tests guard the moved code
        module = project / "src" / "extracted" / f"{path.stem}.py"
        old, new = CHANGES[name]
        assert old in module.read_text()
        module.write_text(module.read_text().replace(old, new))
        assert run_project_tests(project).returncode == 1


#: A change of behaviour per example, in its extracted module (as ruff formats it), that
#: its recorded tests must catch: a DataFrame column, and a numpy array of coefficients.
CHANGES = {
    "cleaning_sales.ipynb": ('df["price"] * df["qty"]', 'df["price"] * df["qty"] * 2'),
    "taxi_tips.ipynb": ("    return coef\n", "    return coef * 1.001\n"),
}


#: A function's signature as the recorded run annotates it, per example.
ANNOTATED = {
    "taxi_tips.ipynb": "def fit_coef(x_train: np.ndarray, y_train: np.ndarray) -> np.ndarray:",
    "cleaning_sales.ipynb": "def drop_duplicates(df: pd.DataFrame) -> pd.DataFrame:",
}


def run_project_tests(project: Path) -> subprocess.CompletedProcess[str]:
    """The generated project's tests (its import and the recorded calls), in a new
    process."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src"), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        check=False,
    )


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
    before = {name: execute_notebook(before_dir / name) for name in SHARING}  # none raises

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
    assert run_project_tests(project).returncode == 0


def test_a_setting_changed_in_the_rewritten_notebook_reaches_the_moved_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notebook stays the place for settings: after the rewrite, changing one in its
    cell changes what the package code computes, as it did in the original."""
    original, rewritten = tmp_path / "original", tmp_path / "rewritten"
    for folder in (original, rewritten):
        folder.mkdir()
        shutil.copy(EXTRACT_CASES / "settings_stay" / "notebook.py", folder / "points.py")
    monkeypatch.chdir(rewritten)
    project = tmp_path / "proj"
    arguments = ["extract", "points.py", "--project-dir", str(project), "--package", "pts"]
    result = CliRunner().invoke(cli.main, arguments)
    assert result.exit_code == 0, result.output
    as_set = execute_notebook(rewritten / "points.py", python_path=[project / "src"])

    def with_more_points(path: Path) -> Path:
        text = path.read_text()
        assert "N_POINTS = 12" in text  # the setting stayed in the notebook
        path.write_text(text.replace("N_POINTS = 12", "N_POINTS = 40"))
        return path

    changed = execute_notebook(
        with_more_points(rewritten / "points.py"), python_path=[project / "src"]
    )
    assert compare_runs(as_set, changed), "the package code did not see the new setting"
    expected = execute_notebook(with_more_points(original / "points.py"))
    differences = compare_runs(expected, changed)
    assert not differences, "\n".join(map(str, differences))
