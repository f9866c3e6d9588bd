"""An extraction killed while it writes leaves every file as before or every file as
after: stopped by Ctrl-C or SIGTERM, it undoes itself; killed with SIGKILL (as by a
power cut), the next nbrefactor command finishes or undoes it and says which.

Each test runs ``python -m nbrefactor extract`` in a subprocess that a fault point
(``NBREFACTOR_FAULT_AT``, see nbrefactor.emit.journal) stops at one step of the write:
after the journal is written, after each file is staged, after each rename, once all
are in place, and at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import notebook_dict

CELLS = (
    "import math",
    "RATE = 0.2",
    "def taxed(price):\n    return round(price * (1 + RATE), 2)",
    "def rounded_up(values):\n    return [math.ceil(v) for v in values]",
    "prices = [3.5, 10.25]\nprint(rounded_up([taxed(p) for p in prices]))",
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "state" not in path.relative_to(folder).parts
    }


def nbrefactor(
    folder: Path, *args: str, fault: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NBREFACTOR_STATE_DIR=str(folder / "state"))
    env.pop("NBREFACTOR_FAULT_AT", None)
    if fault is not None:
        env["NBREFACTOR_FAULT_AT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "nbrefactor", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


EXTRACT = ("extract", "analysis.ipynb", "--project-dir", "proj", "--package", "pkg")


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files as an extraction that is not interrupted leaves them."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    write(folder)
    done = nbrefactor(folder, *EXTRACT)
    assert done.returncode == 0, done.stderr
    return snapshot(folder)


def write(folder: Path) -> None:
    import json

    (folder / "analysis.ipynb").write_text(json.dumps(notebook_dict(*CELLS), indent=1))


def steps(files: int) -> list[str]:
    return [
        "journaled",
        *(f"staged:{n}" for n in range(1, files + 1)),
        *(f"renamed:{n}" for n in range(1, files + 1)),
        "committed",
        "done",
    ]


#: The module, its test and the notebook, and the 12 files of a new project (pyproject,
#: README, .gitignore, pre-commit, CI workflow, mkdocs.yml, 2 docs pages, notebooks/README,
#: conftest, the package's test, __init__).
FILES = 15


def test_the_extraction_writes_the_files_the_steps_count(after: dict[str, bytes]) -> None:
    assert len(after) == FILES  # the notebook rewritten, 14 new files


@pytest.mark.slow
@pytest.mark.parametrize("step", steps(FILES))
def test_killed_at_any_step_the_next_command_puts_it_right(
    step: str, tmp_path: Path, after: dict[str, bytes]
) -> None:
    write(tmp_path)
    before = snapshot(tmp_path)
    killed = nbrefactor(tmp_path, *EXTRACT, fault=step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list((tmp_path / "state").glob("apply-*.json")), "no journal was left"
    check = nbrefactor(tmp_path, "check", "analysis.ipynb", "--no-cache")
    assert check.returncode in (0, 1), check.stderr
    assert "was interrupted" in check.stderr
    finished = step in ("committed", "done")
    assert ("finished" if finished else "undone, every file is as it was") in check.stderr
    assert snapshot(tmp_path) == (after if finished else before)
    assert list((tmp_path / "state").iterdir()) == []  # nothing left to recover
    again = nbrefactor(tmp_path, "check", "analysis.ipynb", "--no-cache")
    assert "interrupted" not in again.stderr


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step", ["journaled", "staged:3", f"renamed:{FILES - 1}"])
def test_stopped_by_a_signal_it_undoes_itself(step: str, how: str, tmp_path: Path) -> None:
    write(tmp_path)
    before = snapshot(tmp_path)
    stopped = nbrefactor(tmp_path, *EXTRACT, fault=f"{step}@{how}")
    assert stopped.returncode == 130, stopped.stderr
    assert "nbrefactor: interrupted" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert snapshot(tmp_path) == before
    assert list((tmp_path / "state").iterdir()) == []


def test_a_file_changed_after_the_kill_is_left_alone_and_named(tmp_path: Path) -> None:
    write(tmp_path)
    killed = nbrefactor(tmp_path, *EXTRACT, fault=f"renamed:{FILES}")
    assert killed.returncode == -signal.SIGKILL
    module = tmp_path / "proj/src/pkg/analysis.py"
    module.write_text(module.read_text() + "\n# my own edit\n")
    check = nbrefactor(tmp_path, "check", "analysis.ipynb", "--no-cache")
    assert f"{module} changed after the interrupted run; left as it is" in check.stderr
    assert module.read_text().endswith("# my own edit\n")
    rewritten = (tmp_path / "analysis.ipynb").read_text()
    assert "def taxed" in rewritten  # the notebook is back as it was


def test_a_write_whose_folder_became_a_file_leaves_no_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file's folder is a file: the write fails and is undone, and the
    journal goes too (it used to stay, and every later command said it could not undo
    it)."""
    from nbrefactor.emit.journal import Transaction, recover_interrupted

    monkeypatch.setenv("NBREFACTOR_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "taken").write_text("a file where a folder should be\n")
    files = [
        (tmp_path / "first.txt", b"new\n", False),
        (tmp_path / "taken" / "second.txt", b"new\n", False),
    ]
    with pytest.raises(NotADirectoryError):
        Transaction(files).run()
    assert not (tmp_path / "first.txt").exists()
    assert list((tmp_path / "state").iterdir()) == []
    assert recover_interrupted() == []


def test_the_pre_commit_hook_undoes_a_killed_extraction_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hook is often the next nbrefactor command a user runs after a kill: through
    its ``main(argv)``, it puts the files back and says so, then checks as usual."""
    from nbrefactor.hooks.duplicates import main

    write(tmp_path)
    before = snapshot(tmp_path)
    killed = nbrefactor(tmp_path, *EXTRACT, fault="renamed:2")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBREFACTOR_STATE_DIR", str(tmp_path / "state"))
    assert main(["--no-cache", "analysis.ipynb"]) == 0
    err = capsys.readouterr().err
    assert "nbrefactor-duplicates: an earlier nbrefactor run" in err
    assert "undone, every file is as it was before it" in err
    assert snapshot(tmp_path) == before
    assert list((tmp_path / "state").iterdir()) == []
