"""`nbrefactor verify` and `extract --verify` through the command line, with real kernels."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli, progress
from tests.conftest import EXAMPLES, notebook_dict, snapshot

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

Write = Callable[..., Path]

#: A small analysis: a setting, helpers returning a DataFrame, an array, a float and a
#: dict, one only printing, and top-level code calling them.
ANALYSIS = (
    "import numpy as np\nimport pandas as pd",
    "SCALE = 2",
    "def table(n):\n    return pd.DataFrame({'x': np.arange(n), 'y': np.arange(n) * SCALE / 3})",
    "def weights(n):\n    return np.linspace(0.0, 1.0, n) ** 2",
    "def mean_y(frame):\n    return float(frame['y'].mean())",
    "def stats(frame):\n    return {'n': len(frame), 'max': float(frame['y'].max())}",
    "def report(frame):\n    print(frame.round(3).to_string())",
    "frame = table(4)\nw = weights(4)\nprint(mean_y(frame), stats(frame), w.sum())",
    "report(frame)",
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_verify_compares_a_notebook_with_its_extraction(work: Path) -> None:
    shutil.copy(EXAMPLES / "cleaning_sales.ipynb", work)
    before = snapshot(work)
    code, out, err = run("verify", "cleaning_sales.ipynb", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["same"] is True and report["differences"] == []
    assert report["cells"] > 10
    written = set(snapshot(work)) - set(before)
    assert all(name.startswith("data/") for name in written)  # only what the notebook writes


def test_the_project_puts_only_its_package_before_the_notebooks_own_modules(
    work: Path, write_notebook: Write
) -> None:
    """A flat project whose root holds a `helpers` module, and a notebook in a folder of
    it importing its own helpers.py: the refactored run imported the root's (its folder
    went on PYTHONPATH, before the notebook's folder)."""
    (work / "pyproject.toml").write_text('[tool.nbrefactor]\npackage = "pkg"\n')
    (work / "pkg").mkdir()
    (work / "pkg/__init__.py").write_text("")
    (work / "helpers.py").write_text("WHO = 'the root'\n")
    (work / "nbs").mkdir()
    (work / "nbs/helpers.py").write_text("WHO = 'the notebook folder'\n")
    notebook = work / "nbs/nb.ipynb"
    notebook.write_text(json.dumps(notebook_dict("import helpers\nprint(helpers.WHO)")))
    code, out, err = run("verify", "nbs/nb.ipynb", "nbs/nb.ipynb")
    assert code == 0, out + err
    assert "same outputs" in out


def test_a_broken_refactoring_is_a_difference(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notebook(*ANALYSIS, name="analysis.ipynb")
    arguments = ["--project-dir", "proj", "--package", "pkg", "--output-notebook", "new.ipynb"]
    assert run("extract", "analysis.ipynb", *arguments)[0] == 0
    code, out, err = run("verify", "analysis.ipynb", "new.ipynb")
    assert code == 1 and "ModuleNotFoundError" in out  # outside the project: not importable
    shutil.copy(work / "new.ipynb", work / "proj" / "new.ipynb")
    code, out, err = run("verify", "analysis.ipynb", "proj/new.ipynb")  # inside: importable
    assert code == 0, out + err
    assert "same outputs" in out
    code, out, err = run("verify", "analysis.ipynb", "new.ipynb", "--project-dir", "proj")
    assert code == 0 and "same outputs" in out, out + err  # or named: importable
    code, _, err = run("verify", "analysis.ipynb", "new.ipynb", "--project-dir", "nowhere")
    assert code == 2 and "nowhere: no pyproject.toml" in err
    monkeypatch.setenv("PYTHONPATH", str(work / "proj" / "src"))
    assert run("verify", "analysis.ipynb", "new.ipynb")[0] == 0
    module = work / "proj/src/pkg/analysis.py"
    module.write_text(module.read_text().replace("SCALE = 2", "SCALE = 3"))
    code, out, _ = run("verify", "analysis.ipynb", "new.ipynb")
    assert code == 1
    assert "cell_8: stream stdout text differs" in out and "cell_9: stream stdout" in out
    assert "2 cells differ" in out


def test_a_notebook_that_fails_to_run_is_exit_2_with_the_error(
    work: Path, write_notebook: Write
) -> None:
    write_notebook("x = 1", "raise ValueError('the input file is empty')", name="bad.ipynb")
    code, _, err = run("verify", "bad.ipynb", "bad.ipynb")
    assert code == 2
    assert "bad.ipynb: the original notebook does not run: cell_2: ValueError" in err
    assert "the input file is empty" in err
    assert run("verify", "bad.ipynb", "bad.ipynb", "--allow-errors")[0] == 0


def test_a_kernel_that_dies_is_exit_2_and_its_noise_stays_off_the_terminal(
    work: Path, write_notebook: Write, capfd: pytest.CaptureFixture[str]
) -> None:
    write_notebook("print(1)", "import os\nos._exit(3)", name="dies.ipynb")
    code, _, err = run("verify", "dies.ipynb", "dies.ipynb")
    assert code == 2 and "the original notebook does not run: the kernel died" in err
    # the kernel's own start-up warnings went to its log, not to the user's stderr
    assert "IPKernelApp" not in capfd.readouterr().err


def test_an_unknown_kernel_is_exit_2(work: Path, write_notebook: Write) -> None:
    write_notebook("print(1)", name="nb.ipynb")
    code, _, err = run("verify", "nb.ipynb", "nb.ipynb", "--kernel", "no-such-kernel")
    assert code == 2 and "no Jupyter kernel named 'no-such-kernel'" in err


def test_extract_verify_writes_nothing_when_behaviour_changes(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbrefactor.emit.changes

    write_notebook(*ANALYSIS, name="analysis.ipynb")
    before = snapshot(work)
    render = nbrefactor.emit.changes.render_module

    def changed(*args: object, **kwargs: object) -> str:  # an extraction bug, injected
        return render(*args, **kwargs).replace("* SCALE / 3", "* SCALE / 4")  # type: ignore[arg-type]

    monkeypatch.setattr(nbrefactor.emit.changes, "render_module", changed)
    arguments = ["extract", "analysis.ipynb", "--project-dir", "proj", "--package", "pkg"]
    code, _, err = run(*arguments, "--verify")
    assert code == 1
    assert "stream stdout text differs" in err and "nothing was written" in err
    assert snapshot(work) == before
    code, _, err = run(*arguments, "--verify", "--force")  # written all the same
    assert code == 1 and "moved" in err
    assert (work / "proj/src/pkg/analysis.py").is_file()


def test_extract_verify_stops_when_the_original_fails(work: Path, write_notebook: Write) -> None:
    write_notebook(
        "def double(x):\n    return 2 * x",
        "print(double(2))",
        "double(None)",  # TypeError: the notebook's own bug
        name="buggy.ipynb",
    )
    before = snapshot(work)
    arguments = ["extract", "buggy.ipynb", "--project-dir", "proj", "--package", "pkg", "--verify"]
    code, _, err = run(*arguments)
    assert code == 2
    assert "the original notebook does not run: cell_3: TypeError" in err
    assert "nothing was written" in err and snapshot(work) == before
    code, _, err = run(*arguments, "--no-verify-original")
    assert code == 0, err  # the same error in both runs is the same output
    assert "same outputs" in err


def test_a_failed_verification_names_the_files_the_runs_wrote(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notebook writes a file of its own when it runs: after a failed verification
    the user is told which files changed, and that nbrefactor wrote none of them."""
    import nbrefactor.emit.changes

    (work / "old.csv").write_text("x\n1\n")
    write_notebook(
        "import csv",
        "def report(rows):\n    with open('report.csv', 'w') as f:\n"
        "        csv.writer(f).writerows(rows)\n    return len(rows)",
        "print(report([[1, 2], [3, 4]]))\nopen('old.csv', 'a').write('2\\n')",
        name="nb.ipynb",
    )
    render = nbrefactor.emit.changes.render_module

    def changed(*args: object, **kwargs: object) -> str:  # an extraction bug, injected
        return render(*args, **kwargs).replace("return len(rows)", "return len(rows) + 1")  # type: ignore[arg-type]

    monkeypatch.setattr(nbrefactor.emit.changes, "render_module", changed)
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify")
    assert code == 1
    assert "nbrefactor wrote nothing (--force writes), but running the notebooks" in err
    assert f"  created {work / 'report.csv'}\n" in err
    assert f"  changed {work / 'old.csv'}\n" in err
    assert not (work / "p").exists()


def test_recorded_tests_pass_and_catch_a_changed_function(
    work: Path, write_notebook: Write
) -> None:
    write_notebook(*ANALYSIS, name="analysis.ipynb")
    arguments = ["extract", "analysis.ipynb", "--project-dir", "proj", "--package", "pkg"]
    code, _, err = run(*arguments, "--verify")
    assert code == 0, err
    assert "recorded tests: 6 passed in proj/tests/test_analysis_recorded.py" in err
    tests = (work / "proj/tests/test_analysis_recorded.py").read_text()
    for name in ("table", "weights", "mean_y", "stats"):
        assert f"def test_{name}():" in tests
    # small values are written out in the tests, not kept in data files
    assert (
        "    frame = pd.DataFrame(\n" in tests and "assert analysis.report(frame) is None" in tests
    )
    # report() returns None: its test checks what it prints
    assert "def test_report(capsys):" in tests and "capsys.readouterr().out\n" in tests
    assert "np.testing.assert_allclose(\n        result, np.array([0.0, 0.1111" in tests
    assert not (work / "proj/tests/data").exists()
    assert "  mean_y: tested by 1 recorded call\n" in err

    def pytest_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=work / "proj",
            env={"PYTHONPATH": str(work / "proj/src"), "PATH": "", "MPLBACKEND": "Agg"},
            capture_output=True,
            text=True,
        )

    assert pytest_run().returncode == 0
    module = work / "proj/src/pkg/analysis.py"
    original = module.read_text()
    for old, new in (
        ("* SCALE / 3", "* SCALE / 3 + 1e-3"),  # the DataFrame and the mean
        ("** 2", "** 3"),  # the array
        ('"n": len(frame)', '"n": len(frame) + 1'),  # the dict (formatted by ruff)
    ):
        assert old in original
        module.write_text(original.replace(old, new))
        failed = pytest_run()
        assert failed.returncode == 1, (old, failed.stdout)


def test_recorded_tests_are_written_with_everything_else_or_not_at_all(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorded tests are in the one change set of the extraction: a disk that fails
    on their test module leaves the module and the notebook unwritten too."""
    import nbrefactor.emit.journal

    write_notebook(*ANALYSIS, name="analysis.ipynb")
    before = snapshot(work)
    stage = nbrefactor.emit.journal.stage_content
    staged: list[str] = []

    def disk_full_on_the_recorded_tests(path: Path, content: bytes, temporary: Path) -> Path:
        staged.append(path.name)
        if path.name == "test_analysis_recorded.py":
            raise OSError(28, "No space left on device")
        return stage(path, content, temporary)

    monkeypatch.setattr(nbrefactor.emit.journal, "stage_content", disk_full_on_the_recorded_tests)
    arguments = ["extract", "analysis.ipynb", "--project-dir", "proj", "--package", "pkg"]
    code, _, err = run(*arguments, "--verify")
    assert code == 2, err
    assert "No space left on device; no file was changed" in err
    # the module and the notebook were staged before the recorded tests
    assert {"analysis.py", "analysis.ipynb"} <= set(
        staged[: staged.index("test_analysis_recorded.py")]
    )
    assert snapshot(work) == before


def test_calls_with_a_notebook_function_as_argument_are_not_recorded(
    work: Path, write_notebook: Write
) -> None:
    # scale() stays in the notebook (it reads `factor` and is passed around); a test run
    # outside the notebook could not load it, so apply_all(scale, ...) is not recorded
    write_notebook(
        "factor = int('3')",
        "def scale(x):\n    return x * factor",
        "def apply_all(fn, values):\n    return [fn(v) for v in values]",
        "def total(values):\n    return sum(values)",
        "print(apply_all(scale, [1, 2]), total([1, 2]))",
        "print(list(map(scale, [3])))",
        name="nb.ipynb",
    )
    code, _, err = run("extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify")
    assert code == 0, err
    assert "recorded tests: 1 passed in p/tests/test_nb_recorded.py" in err
    assert "dropped" not in err
    tests = (work / "p/tests/test_nb_recorded.py").read_text()
    assert "def test_total():" in tests and "apply_all" not in tests
    assert (
        "  apply_all: not tested: its arguments hold a function or class the notebook defined"
        in err
    )


#: Reads a file, writes one, takes a large frame, and appends to a file outside its
#: folder (``LOG`` is set by the test).
FILES = (
    "import numpy as np\nimport pandas as pd",
    "pd.DataFrame({'item': ['a', 'b', 'c'], 'qty': [1, 2, 3]}).to_csv('orders.csv', index=False)",
    "def load_orders(path):\n    return pd.read_csv(path)",
    "def save_totals(frame):\n    frame.groupby('item')['qty'].sum().to_csv('totals.csv')",
    "def big_table(n):\n    return pd.DataFrame({'x': np.arange(n), 'y': np.arange(n) % 7})",
    "def mean_by_remainder(frame):\n    return frame.groupby('y')['x'].mean()",
    "def log(line):\n    with open(LOG, 'a') as file:\n        file.write(line)",
    "orders = load_orders('orders.csv')\nsave_totals(orders)\nbig = big_table(500)\n"
    "print(mean_by_remainder(big).round(2).to_dict())\nlog('done')",
)


def test_recorded_tests_run_in_their_own_folder_and_show_their_values(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files a call read are copied into the test's folder; a call whose arguments
    are too large to show is tested on their first rows too; a call writing outside the
    notebook's folder gets no test, with the reason; the tests pass in a copy of the
    project and write nothing into the user's folders."""
    outside, scratch = work / "elsewhere", work / "scratch"
    outside.mkdir()
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the kernel's: where writes are not noted
    write_notebook(f"LOG = {str(outside / 'log.txt')!r}", *FILES, name="nb.ipynb")
    code, _, err = run(
        "extract", "nb.ipynb", "--project-dir", "proj", "--package", "pkg", "--verify"
    )
    assert code == 0, err
    assert "  load_orders: tested by 1 recorded call\n" in err
    assert "  mean_by_remainder: tested by 2 recorded calls\n" in err  # all rows, first rows
    assert f"  log: not tested: it writes {outside / 'log.txt'}, outside its test's folder" in err
    tests = (work / "proj/tests/test_nb_recorded.py").read_text()
    assert 'copy_input("orders.csv")' in tests
    assert (work / "proj/tests/data/nb/orders.csv").read_text() == "item,qty\na,1\nb,2\nc,3\n"
    assert "# the notebook's call had 500 rows; these are its first 5" in tests
    assert "# a DataFrame of 500 rows and 2 columns: too large to write out here" in tests

    copy = outside / "copy"
    shutil.copytree(work / "proj", copy)
    before = snapshot(work)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=copy,
        env={"PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout
    assert "\n8 passed" in done.stdout  # 6 recorded, the module imports, the package's version
    assert snapshot(work) == before  # totals.csv was written in the tests' own folders


def test_recorded_tests_keep_their_data_files_within_the_budget(
    work: Path, write_notebook: Write
) -> None:
    write_notebook("LOG = 'log.txt'", *FILES, name="nb.ipynb")
    arguments = ["extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify"]
    code, _, err = run(*arguments, "--test-data-budget", "0")
    assert code == 0, err
    # its result (500 rows) would need a data file; the first rows need none
    assert re.search(r"  big_table: not tested: its test needs \d+ kB of data files; ", err)
    assert "  mean_by_remainder: tested by 1 recorded call\n" in err
    assert (
        "  load_orders: not tested: its test needs 21 bytes of data files; "
        "--test-data-budget (0 bytes a project) has 0 bytes left\n"
    ) in err
    assert not (work / "p/tests/data").exists()


#: Two runs of script code: mypy accepts the first typed as the run saw it; the second
#: rebinds a whole number to a fraction, which mypy rejects once the number is an `int`.
RETYPED = (
    "readings = [3.0, 5.5, 8.25, 13.0]\nbatch = 4",
    "# the spread of the readings\nspread = max(readings) - min(readings)\nprint(round(spread, 2))",
    "# the mean of the first half\nbatch = batch / 2\nprint(sum(readings[: int(batch)]) / batch)",
)


def test_type_hints_mypy_rejects_are_left_out(work: Path, write_notebook: Write) -> None:
    """An annotation that makes mypy report an error in the function's body is left
    out, and said so; the others stay; the project passes mypy with its defaults."""
    pytest.importorskip("mypy")
    write_notebook(*RETYPED, name="nb.ipynb")
    arguments = ["extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify"]
    code, _, err = run(*arguments)
    assert code == 0, err
    assert "type hints: 2 functions annotated, checked by mypy\n" in err
    assert re.search(
        r"  \w+: `batch` left unannotated, mypy reports with it: Incompatible types in "
        r'assignment \(expression has type "float", variable has type "int"\)',
        err,
    )
    module = (work / "p/src/pkg/nb.py").read_text()
    assert module.count("(readings: list[float]) -> None:") == 1
    assert "(batch, readings: list[float]) -> None:" in module
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "src/pkg"],
        cwd=work / "p",
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


#: Functions that change what they are given: a column added to a frame, a list
#: extended, and one that only reads its argument.
IN_PLACE = (
    "import pandas as pd",
    "def add_total(frame):\n    frame['total'] = frame['price'] * frame['qty']",
    "def remember(seen, item):\n    seen.append(item)\n    return len(seen)",
    "def cheapest(frame):\n    return float(frame['price'].min())",
    "orders = pd.DataFrame({'price': [2.0, 3.5], 'qty': [1, 4]})\nadd_total(orders)\n"
    "seen = ['a']\nprint(remember(seen, 'b'), cheapest(orders), orders)",
)


def test_recorded_tests_check_what_a_call_changes_in_its_arguments(
    work: Path, write_notebook: Write
) -> None:
    write_notebook(*IN_PLACE, name="nb.ipynb")
    arguments = ["extract", "nb.ipynb", "--project-dir", "p", "--package", "pkg", "--verify"]
    code, _, err = run(*arguments)
    assert code == 0, err
    tests = (work / "p/tests/test_nb_recorded.py").read_text()
    assert (
        "def test_add_total():\n"
        '    frame = pd.DataFrame({"price": [2.0, 3.5], "qty": [1, 4]})\n\n'
        "    assert nb.add_total(frame) is None\n\n"
        "    # the call changes `frame`\n"
        "    pd.testing.assert_frame_equal(\n"
        '        frame, pd.DataFrame({"price": [2.0, 3.5], "qty": [1, 4], "total": [2.0, 14.0]})\n'
        "    )\n"
    ) in tests
    assert (
        "def test_remember():\n"
        '    seen = ["a"]\n\n'
        '    result = nb.remember(seen, "b")\n\n'
        "    assert result == 2\n\n"
        "    # the call changes `seen`\n"
        '    assert seen == ["a", "b"]\n'
    ) in tests
    cheapest = tests[tests.index("def test_cheapest():") :].split("\n\n\n")[0]
    assert "changes" not in cheapest  # it only reads its frame

    module = work / "p/src/pkg/nb.py"
    module.write_text(module.read_text().replace("seen.append(item)", "seen = [*seen, item]"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=work / "p",
        env={"PYTHONPATH": str(work / "p/src"), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
    )
    assert "FAILED tests/test_nb_recorded.py::test_remember - " in done.stdout


def test_kernel_and_timeout_come_from_pyproject_and_flags_win(
    work: Path, write_notebook: Write
) -> None:
    write_notebook("print(1)", name="nb.ipynb")
    (work / "pyproject.toml").write_text('[tool.nbrefactor]\nkernel = "no-such-kernel"\n')
    code, _, err = run("verify", "nb.ipynb", "nb.ipynb")
    assert code == 2 and "no Jupyter kernel named 'no-such-kernel'" in err
    code, _, err = run("verify", "nb.ipynb", "nb.ipynb", "--kernel", "python3")
    assert code == 0, err
    (work / "pyproject.toml").write_text("[tool.nbrefactor]\ntimeout = 0\n")
    code, _, err = run("verify", "nb.ipynb", "nb.ipynb")
    assert code == 2 and "[tool.nbrefactor] timeout must be a positive number" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_each_cell_on_a_terminal_and_nothing_elsewhere(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notebook("x = 1", "print(x)", name="nb.ipynb")
    code, out, err = run("verify", "nb.ipynb", "nb.ipynb", "--format", "json")
    assert code == 0, err
    assert err == "" and json.loads(out)["same"] is True  # no terminal: nothing on stderr
    terminal = Terminal()
    monkeypatch.setattr(
        cli, "progress_line", lambda quiet=False: progress.progress_line(terminal, quiet=quiet)
    )
    code, out, err = run("verify", "nb.ipynb", "nb.ipynb", "--format", "json")
    assert code == 0, err
    shown = [part.rstrip() for part in terminal.getvalue().split("\r") if part.strip()]
    assert shown == [
        "verifying nb.ipynb, original: cell 1/2",
        "verifying nb.ipynb, original: cell 2/2",
        "verifying nb.ipynb, refactored: cell 1/2",
        "verifying nb.ipynb, refactored: cell 2/2",
    ]
    assert terminal.getvalue().endswith("\r")  # wiped before the report is printed
    assert json.loads(out)["same"] is True  # the report on stdout is JSON alone
    terminal.seek(0)
    terminal.truncate()
    assert run("verify", "nb.ipynb", "nb.ipynb", "-q")[0] == 0
    assert terminal.getvalue() == ""


def test_verify_takes_the_module_from_pyproject_unless_a_flag_says(
    work: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without REFACTORED, verify runs what extract would make: with the same settings
    (the runs are left out here: what they are asked is what counts)."""
    import nbrefactor.api.verify
    from nbrefactor.verification.execute import RunOptions

    asked: list[tuple[object, float]] = []

    def verify(
        original: Path, refactored: Path | None, options: RunOptions, **given: object
    ) -> list[object]:
        asked.append((given["module"], options.timeout))
        return []

    monkeypatch.setattr(nbrefactor.api.verify, "verify", verify)
    write_notebook("print(1)", name="nb.ipynb")
    (work / "pyproject.toml").write_text('[tool.nbrefactor]\nmodule = "rides"\ntimeout = 30\n')
    assert run("verify", "nb.ipynb")[0] == 0
    assert run("verify", "nb.ipynb", "--module", "mine", "--timeout", "600")[0] == 0
    assert asked == [("rides", 30), ("mine", 600)]
