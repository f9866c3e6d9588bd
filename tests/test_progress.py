"""The progress line: shown on a terminal, rewritten in place, wiped at the end; never
written to a pipe or a file, under pre-commit, or when asked for quiet."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.progress import ProgressLine, progress_line


class Terminal(io.StringIO):
    """What a terminal receives, kept as text."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_one_line_rewritten_and_wiped() -> None:
    terminal = Terminal()
    with progress_line(terminal, environ={}) as line:
        assert line.active
        line.show("verifying analysis.ipynb, original: cell 12/40")
        line.show("verifying analysis.ipynb, original: cell 9/40")  # shorter than the last
    written = terminal.getvalue()
    assert "\n" not in written  # one line, never a scrolling log
    shown = [part for part in written.split("\r") if part]
    assert shown[0] == "verifying analysis.ipynb, original: cell 12/40"
    # the shorter text covers every character of the longer one
    assert shown[1] == "verifying analysis.ipynb, original: cell 9/40 "
    assert shown[2] == " " * len(shown[1])  # wiped when the block ends
    assert written.endswith("\r")  # what is printed next starts at the line's start


def test_the_line_is_wiped_when_the_work_fails() -> None:
    terminal = Terminal()
    with pytest.raises(KeyboardInterrupt), progress_line(terminal, environ={}) as line:
        line.show("checking 3/10 files")
        raise KeyboardInterrupt
    assert terminal.getvalue().endswith("\r" + " " * len("checking 3/10 files") + "\r")


def test_text_wider_than_the_terminal_is_cut() -> None:
    terminal = Terminal()  # no real terminal behind it: 80 columns
    ProgressLine(terminal).show("x" * 200)
    assert terminal.getvalue() == "\r" + "x" * 79


def test_nothing_is_written_where_nobody_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()  # isatty() is False: a pipe, a file, a CI log
    with progress_line(piped, environ={}) as line:
        assert not line.active
        line.show("checking 1/2 files")
    assert piped.getvalue() == ""
    for environ, quiet in (({"PRE_COMMIT": "1"}, False), ({}, True)):
        terminal = Terminal()
        with progress_line(terminal, quiet=quiet, environ=environ) as line:
            line.show("checking 1/2 files")
        assert terminal.getvalue() == "", (environ, quiet)
    monkeypatch.setenv("PRE_COMMIT", "1")  # the process's own environment by default
    terminal = Terminal()
    progress_line(terminal).show("checking 1/2 files")
    assert terminal.getvalue() == ""


def test_a_terminal_that_went_away_stops_the_line_not_the_work() -> None:
    class Gone(Terminal):
        def write(self, text: str) -> int:
            raise OSError(5, "Input/output error")

    line = ProgressLine(Gone())
    line.show("checking 1/2 files")
    line.clear()
    assert not line.active


def test_the_hook_loads_no_command_line_nor_code_rewriting() -> None:
    """The progress line reaches the duplicate finder, which the pre-commit hook
    imports: importing the hook stays as light as it was."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import nbrefactor.hooks.duplicates"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    assert "nbrefactor" in imported
    assert not imported & {"click", "libcst", "jinja2"}


def test_check_counts_the_files_it_reads_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from nbrefactor import cli
    from tests.conftest import EXAMPLES

    monkeypatch.chdir(tmp_path)
    for name in ("cleaning_sales.ipynb", "taxi_tips.ipynb", "weather_eda.ipynb"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    arguments = ["check", ".", "--format", "json", "--no-cache"]
    piped = CliRunner().invoke(cli.main, arguments)
    assert piped.exit_code == 1, piped.stderr  # the examples hold copies
    assert piped.stderr == ""  # stderr is no terminal here: no progress
    terminal = Terminal()
    monkeypatch.setattr(
        cli, "progress_line", lambda quiet=False: progress_line(terminal, quiet=quiet)
    )
    shown = CliRunner().invoke(cli.main, arguments)
    assert shown.stdout == piped.stdout  # the JSON on stdout is the same, alone
    lines = [part.rstrip() for part in terminal.getvalue().split("\r") if part.strip()]
    assert lines == ["checking 1/3 files", "checking 2/3 files", "checking 3/3 files"]
    assert terminal.getvalue().endswith("\r")
    terminal.seek(0)
    terminal.truncate()
    CliRunner().invoke(cli.main, [*arguments, "-q"])
    assert terminal.getvalue() == ""


def test_a_terminal_that_says_it_has_no_columns_gets_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """`script` and some CI runners make a terminal of 0 columns: the line was cut to
    one character."""
    import os

    class Pty(Terminal):
        def fileno(self) -> int:
            return 2

    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((0, 0)))
    terminal = Pty()
    ProgressLine(terminal).show("checking 12/280 files")
    assert terminal.getvalue() == "\rchecking 12/280 files"
