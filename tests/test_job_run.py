"""``extract --as-job`` on the examples, run for real.

For each example: ``extract --as-job --verify`` writes only because the rewritten
notebook shows the same outputs; ``python -m PKG.MODULE --help`` lists the settings;
and the job run from the command line does what the notebook does, as it is and with
one setting changed: the same messages (the notebook's printed lines, the job's log
records) and the same files written, while the change does change them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.verification.execute import RunOptions, execute_notebook
from tests.conftest import EXAMPLES, run_extract, snapshot

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

#: Example, one setting, the value it takes, and the setting's option.
CASES = [
    pytest.param("taxi_tips.ipynb", "TEST_FRACTION", "0.1", "--test-fraction", id="taxi_tips"),
    pytest.param(
        "weather_forecast.ipynb",
        "STATION",
        '"airport"',
        "--station",
        id="weather_forecast",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        "sensor_analysis.py",
        "Z_LIMIT",
        "2.5",
        "--z-limit",
        id="sensor_analysis",
        marks=pytest.mark.slow,
    ),
]
#: The prefix of a log record the job's command line writes: time, level, logger.
_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO \S+: ", re.MULTILINE)


@pytest.mark.parametrize(("name", "setting", "value", "option"), CASES)
def test_the_job_does_what_the_notebook_does(
    name: str, setting: str, value: str, option: str, tmp_path: Path
) -> None:
    notebook = tmp_path / "notebook" / name
    notebook.parent.mkdir()
    shutil.copy(EXAMPLES / name, notebook)
    project = tmp_path / "project"
    code, _, stderr = run_extract(
        str(notebook), "--project-dir", str(project), "--package", "pk",
        "--output-notebook", str(project / "notebooks" / name), "--as-job", "--verify",
    )  # fmt: skip
    assert code == 0, stderr
    assert "same outputs" in stderr
    job = f"pk.{notebook.stem}"

    help_text = run_job(project, job, ["--help"], tmp_path).stdout
    assert f"{option} " in help_text

    original = EXAMPLES / name
    as_is = run_notebook(original.read_text(encoding="utf-8"), name, tmp_path / "nb-as-is")
    edited_text = with_setting(original.read_text(encoding="utf-8"), name, setting, value)
    edited = run_notebook(edited_text, name, tmp_path / "nb-edited")
    default_job = run_job_in(project, job, [], tmp_path / "job-default")
    changed_job = run_job_in(project, job, [option, value.strip('"')], tmp_path / "job-changed")

    assert as_is[0].strip(), "the notebook prints what it found"
    assert default_job == as_is
    assert changed_job == edited
    assert changed_job != default_job  # the setting matters


def with_setting(text: str, name: str, setting: str, value: str) -> str:
    """The notebook ``text`` with ``setting`` given ``value`` where it is set."""
    line = re.compile(rf"^{setting} = [^#\n]*?(?=\s*(#|$))", re.MULTILINE)
    if name.endswith(".py"):
        edited = line.sub(f"{setting} = {value}", text, count=1)
    else:
        notebook = json.loads(text)
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            cell["source"] = line.sub(f"{setting} = {value}", source, count=1)
        edited = json.dumps(notebook)
    assert edited != text
    return edited


def run_notebook(text: str, name: str, folder: Path) -> tuple[str, dict[str, bytes]]:
    """What the notebook ``text`` prints, and the files it writes, run in ``folder``."""
    folder.mkdir()
    path = folder / name
    path.write_text(text, encoding="utf-8")
    runs = execute_notebook(path, RunOptions(timeout=300))
    printed = "".join(o.text for run in runs for o in run.outputs if o.name == "stdout")
    path.unlink()
    return printed, snapshot(folder)


def run_job_in(
    project: Path, job: str, arguments: list[str], folder: Path
) -> tuple[str, dict[str, bytes]]:
    """What the job logs (without the records' prefixes), and the files it writes, run
    in ``folder``."""
    folder.mkdir()
    done = run_job(project, job, arguments, folder)
    assert done.returncode == 0, done.stderr
    return _RECORD.sub("", done.stderr), snapshot(folder)


def run_job(
    project: Path, job: str, arguments: list[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-m", job, *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(project / "src"), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
