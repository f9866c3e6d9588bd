"""Input a new user gives without thinking twice: symbolic links that loop, notebooks
written on Windows, package names that cannot work, Ctrl-C. Each gets a clear message
and its exit code, through the real entry points, and never loses a file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from nbrefactor.hooks.duplicates import main as hook
from tests.conftest import EXAMPLES, notebook_dict

CELLS = (
    "import math",
    "def taxed(price):\n    return round(price * 1.2, 2)",
    "prices = [3.5, 10.25]\nprint([math.ceil(taxed(p)) for p in prices])",
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    assert not isinstance(result.exception, RuntimeError), result.exc_info
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- symbolic links that loop ----------------------------------------------------------------


@pytest.fixture
def loops(work: Path) -> Path:
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*CELLS)))
    (work / "loop.ipynb").symlink_to("loop.ipynb")
    (work / "here").symlink_to(".")  # a folder that contains itself
    return work


def test_check_names_a_link_that_loops_and_exits_2(loops: Path) -> None:
    code, out, err = run("check", ".", "--no-cache")
    assert code == 2, err
    assert "loop.ipynb: NBR002 is a symbolic link that loops" in out
    code, out, _ = run("check", "loop.ipynb", "--no-cache")
    assert code == 2 and "loop.ipynb: NBR002 is a symbolic link that loops" in out


@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
def test_check_names_a_pipe_among_the_notebooks_instead_of_waiting_on_it(
    work: Path, cache: str
) -> None:
    """Reading a FIFO named like a notebook waited for a writer forever."""
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*CELLS)))
    os.mkfifo(work / "pipe.ipynb")
    code, out, _ = run("check", ".", cache)
    assert code == 2
    assert out.splitlines() == [
        "pipe.ipynb: NBR002 is not a regular file (a pipe, socket or device)",
        "no duplicated code in 1 file, 1 file not checked",
    ]
    code, out, _ = run("check", "pipe.ipynb", cache)
    assert (code, out.splitlines()[-1]) == (2, "no duplicated code, 1 file not checked")
    # the cell-graph check reads files its own way: once, and not the pipe either
    code, out, _ = run("check", ".", cache, "--check", "hidden-state")
    assert code == 2 and out.count("pipe.ipynb: NBR002 is not a regular file") == 1
    for command in (["graph"], ["extract", "--diff", "--project-dir", "p", "--package", "q"]):
        code, _, err = run(*command, "pipe.ipynb")
        assert code == 2 and "pipe.ipynb: is not a regular file" in err, (command, err)
    # code scanning is told of it too: a run that did not succeed, naming the file
    code, out, _ = run("check", ".", cache, "--format", "sarif")
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    assert code == 2 and invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["descriptor"] == {"id": "NBR002"}
    location = notification["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "pipe.ipynb"}


def test_extract_and_graph_name_a_link_that_loops(loops: Path) -> None:
    for command in (
        ["extract", "loop.ipynb", "--project-dir", "p", "--package", "pkg"],
        ["graph", "loop.ipynb"],
    ):
        code, _, err = run(*command)
        assert (code, err) == (2, "nbrefactor: error: loop.ipynb: is a symbolic link that loops\n")
    assert not (loops / "p").exists()


def test_the_hook_names_a_staged_link_that_loops(
    loops: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q"], cwd=loops, check=True)
    subprocess.run(["git", "add", "-A"], cwd=loops, check=True)
    assert hook(["--no-cache", "loop.ipynb", "nb.ipynb"]) == 2
    out, err = capsys.readouterr()
    assert "loop.ipynb: NBR002 is a symbolic link that loops" in out
    assert "internal error" not in err


def test_the_loader_resolves_paths_as_resolving_each_alone_does(work: Path) -> None:
    """The loader resolves each folder once, for speed on large repositories: links to
    folders and to files, `..`, a missing folder and a link that loops come out as
    resolving every path alone gives them."""
    from nbrefactor.duplicates.loader import _Paths
    from nbrefactor.fileio import resolved

    (work / "real/sub").mkdir(parents=True)
    (work / "real/sub/nb.ipynb").write_text("{}")
    (work / "real/sub/alias.ipynb").symlink_to("nb.ipynb")
    (work / "linked").symlink_to("real")
    (work / "loop.ipynb").symlink_to("loop.ipynb")
    paths = [
        Path("linked/sub/nb.ipynb"),
        Path("linked/sub/alias.ipynb"),
        Path("linked/sub/../sub/nb.ipynb"),
        Path("linked/missing/nb.ipynb"),
        Path("loop.ipynb"),
        Path("real/sub/nb.ipynb"),
        work / "linked/sub/nb.ipynb",
    ]
    once = _Paths()
    assert [once.resolved(path) for path in paths] == [resolved(path) for path in paths]
    assert once.resolved(Path("linked/sub/alias.ipynb")) == work.resolve() / "real/sub/nb.ipynb"


# -- Windows line endings --------------------------------------------------------------------


def with_crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize("name", ["nb.ipynb", "nb.py"])
def test_a_notebook_with_windows_line_endings_is_extracted_and_keeps_them(
    work: Path, name: str
) -> None:
    if name.endswith(".ipynb"):
        text = json.dumps(notebook_dict(*CELLS), indent=1) + "\n"
    else:
        text = "".join(f"# %%\n{cell}\n\n" for cell in CELLS)
    (work / name).write_bytes(with_crlf(text).encode())
    code, _, err = run("extract", name, "--project-dir", "p", "--package", "pkg")
    assert code == 0, err
    assert "moved taxed to pkg.nb" in err
    rewritten = (work / name).read_bytes()
    assert b"from pkg.nb import taxed" in rewritten
    assert rewritten.count(b"\n") == rewritten.count(b"\r\n")  # every line ends in CRLF
    code, _, err = run("extract", name, "--project-dir", "p", "--package", "pkg")
    assert code == 0 and "nothing to extract" in err  # a second run changes nothing


# -- package names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("package", "why"),
    [
        ("os", "is a module of the standard library"),
        ("json", "is a module of the standard library"),
        ("pandas", "is the name of an installed module"),
        ("tests", "is where projects keep their tests"),
        ("class", "is a Python keyword"),
        ("None", "is a Python keyword"),
        ("match", "is a Python keyword"),
        ("données", "is not a valid package name"),
        ("2020_sales", "is not a valid package name"),
        ("helpers", "is the name of a module nb.ipynb imports"),
    ],
)
def test_a_package_name_that_cannot_work_is_refused(work: Path, package: str, why: str) -> None:
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict("import helpers", *CELLS)))
    before = sorted(work.rglob("*"))
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", package)
    assert code == 2
    assert err.startswith(f"nbrefactor: error: --package {package!r} {why}")
    assert "bug" not in err
    assert sorted(work.rglob("*")) == before


# -- what the summary says -------------------------------------------------------------------


def test_the_summary_counts_every_file_written(work: Path) -> None:
    """With --verify, the recorded tests and their data files count too (they were
    written apart and left out of the count: "8 files written" when 13 were)."""
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*CELLS)))
    before = {p for p in work.rglob("*") if p.is_file()}
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify")
    assert code == 0, err
    assert "recorded tests: 2 passed" in err
    changed = {p for p in work.rglob("*") if p.is_file()} - before | {work / "nb.ipynb"}
    assert len(changed) == 16  # 15 as without --verify, and the recorded tests' module
    assert f"{len(changed)} files written" in err


# -- notebooks that are odd inside (found by tests/test_fuzz.py) -----------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"metadata": {}}, "is not a valid notebook: it has no 'cells' list"),
        (
            {"cells": [], "metadata": {"kernelspec": "python3"}},
            "metadata's 'kernelspec' is not an object",
        ),
        ({"cells": [{"cell_type": ["code"], "source": ""}]}, "cell 1's cell_type is not text"),
        ({"cells": [{"cell_type": "code", "id": 7, "source": ""}]}, "cell 1's id is not text"),
        ({"cells": [{"cell_type": "code", "source": "s = '\ud800'"}]}, "lone surrogate (\\ud800)"),
    ],
    ids=["no cells", "kernelspec", "cell type", "cell id", "lone surrogate"],
)
def test_a_malformed_notebook_is_named_with_what_is_wrong(
    work: Path, document: dict[str, object], message: str
) -> None:
    (work / "nb.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, **document}))
    extract = ["extract", "--dry-run", "--project-dir", "p", "--package", "pkg"]
    for command in (["graph"], ["check", "--no-cache"], extract):
        code, out, err = run(*command, "nb.ipynb")
        assert code == 2, (command, out, err)
        assert "nb.ipynb: " in out + err and message in out + err, (command, out, err)


def test_a_cell_that_parses_but_cannot_run_is_reported_and_left(work: Path) -> None:
    """ast accepts a bare ``except:`` before another handler and ``return`` outside a
    function; Python refuses to compile them (and libcst to read the first)."""
    handlers = "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass"
    cells = [*CELLS, handlers, "return 1"]
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*cells)))
    code, out, _ = run("graph", "nb.ipynb")
    assert code == 0
    assert "cell_4:3:1: NBR100 cell does not parse: default 'except:' must be last" in out
    assert "cell_5:1:1: NBR100 cell does not parse: 'return' outside function" in out
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg")
    assert code == 0, err
    assert handlers in (work / "nb.ipynb").read_text(encoding="utf-8").replace("\\n", "\n")


def test_a_cell_nested_too_deeply_to_analyse_keeps_the_notebook_as_it_is(work: Path) -> None:
    """A kernel runs a sum of 1500 terms; nbrefactor, its stack deeper, cannot compile or
    walk it within Python's recursion limit. The cell may define any name: nothing moves."""
    deep = "total = " + " + ".join(["1"] * 1500)
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*CELLS, deep)))
    before = (work / "nb.ipynb").read_bytes()
    code, out, _ = run("graph", "nb.ipynb")
    assert code == 0 and "cell_4:1:1: NBR100 cell cannot be analysed: its code nests" in out
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg")
    assert code == 2
    assert "nb.ipynb: cell 4 cannot be analysed: its code nests deeper than nbrefactor" in err
    assert (work / "nb.ipynb").read_bytes() == before and not (work / "p").exists()


# -- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_exits_130_not_1(tmp_path: Path) -> None:
    """1 means findings (or outputs that differ): an interrupted run must not say so."""
    script = (
        "import time, nbrefactor.api.check as job\n"
        "def slow(*args, **kwargs):\n"
        "    print('started', flush=True)\n"
        "    time.sleep(60)\n"
        "job.check_paths = slow\n"
        "from nbrefactor.cli import main\n"
        f"main(['check', {str(EXAMPLES)!r}])\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "started\n"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "nbrefactor: interrupted\n"
