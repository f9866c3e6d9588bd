"""The tutorial (docs/tutorial.md) is run command by command, so it cannot go stale.

Every ``console`` block of the page is a shell session: a line starting with ``$ `` is
a command, the lines after it are what it prints (standard output and error, as a
terminal shows them). Each command runs in a shell, in a temporary folder holding a
copy of ``examples/``, with this environment's ``nbrefactor`` and ``python`` first on
the ``PATH``; ``cd`` changes the folder of the commands after it. What the page shows
must be what the command prints, line for line, except that a ``...`` line stands for
any number of lines and a log record's time matches any time. A command must succeed.

The one liberty taken: ``python -m pip install -e DIR`` installs into a fresh virtual
environment (seeing this one's libraries, and with ``--no-build-isolation``, so that
nothing is downloaded), which the commands after it use.

``python -m tests.test_tutorial`` prints what each command prints, to write the page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fresh_environment import fresh_environment

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = REPO / "docs" / "tutorial.md"
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", re.MULTILINE)
_INSTALL = re.compile(r"^python -m pip install -e (\S+)$")


@dataclass
class Command:
    line: str
    shown: list[str]  # what the page says it prints


def commands(page: str) -> list[Command]:
    """The commands of the page's console blocks, in order, with their shown output."""
    found: list[Command] = []
    for block in _BLOCK.findall(page):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append(Command(line[2:], []))
            elif found:
                found[-1].shown.append(line.rstrip())
    return found


class Session:
    """A shell session in ``folder``: commands run one after the other."""

    def __init__(self, folder: Path) -> None:
        self.cwd = folder
        self.bin = [str(Path(sys.executable).parent)]
        self.scratch = folder.parent

    def run(self, line: str) -> tuple[int, str]:
        if line.startswith("cd "):
            self.cwd = (self.cwd / line[3:].strip()).resolve()
            return 0, ""
        install = _INSTALL.match(line)
        if install:
            python = self._fresh_environment()
            line = f"{python} -m pip install --quiet --no-deps --no-build-isolation -e {install[1]}"
        environment = {
            **os.environ,
            "PATH": os.pathsep.join([*self.bin, os.environ.get("PATH", "")]),
            "PYTHONUNBUFFERED": "1",
            "MPLBACKEND": "Agg",
            "NO_MKDOCS_2_WARNING": "1",
            "COLUMNS": "80",
            # its own journals: another test's interrupted run is no business of the page
            "NBREFACTOR_STATE_DIR": str(self.scratch / "state"),
        }
        environment.pop("PYTHONPATH", None)
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=self.cwd,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=600,
        )
        return done.returncode, done.stdout

    def _fresh_environment(self) -> Path:
        """A new virtual environment seeing this one's libraries, first on the PATH."""
        environment = self.scratch / "venv"
        if not environment.exists():
            fresh_environment(environment)
            self.bin.insert(0, str(environment / "bin"))
        return environment / "bin" / "python"


def matches(shown: list[str], printed: str) -> bool:
    """Whether ``printed`` is what ``shown`` says, ``...`` lines standing for any."""
    lines = [line.rstrip() for line in _TIME.sub("TIME ", printed).splitlines()]
    pattern = "".join(
        r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n"
        for line in (_TIME.sub("TIME ", text) for text in shown)
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in lines)) is not None


def start(folder: Path) -> Session:
    shutil.copytree(REPO / "examples", folder / "examples")
    return Session(folder)


@pytest.mark.slow
def test_every_command_of_the_tutorial_prints_what_it_shows(tmp_path: Path) -> None:
    session = start(tmp_path / "work")
    steps = commands(TUTORIAL.read_text(encoding="utf-8"))
    assert len(steps) >= 8
    for step in steps:
        code, printed = session.run(step.line)
        assert code == 0, f"$ {step.line}\n{printed}"
        assert matches(step.shown, printed), f"$ {step.line} printed:\n{printed}"


def test_shown_output_is_matched_line_for_line() -> None:
    printed = "a\nb\nc\n2026-01-02 03:04:05,678 INFO x: done\n"
    assert matches(["a", "...", "2025-12-31 23:59:59,000 INFO x: done"], printed)
    assert matches(["a", "b", "c", "..."], printed)
    assert not matches(["a", "c", "..."], printed)  # b is not shown, and no ... says so
    assert not matches(["a", "b"], printed)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        tutorial_session = start(Path(scratch) / "work")
        for tutorial_step in commands(TUTORIAL.read_text(encoding="utf-8")):
            status, output = tutorial_session.run(tutorial_step.line)
            print(f"$ {tutorial_step.line}  [exit {status}]\n{output}")
