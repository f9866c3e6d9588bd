"""`nbrefactor extract` through the real command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from nbrefactor import build_graph, read_notebook
from tests.conftest import EXAMPLES, HARD_CASES, snapshot
from tests.conftest import run_extract as run


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with copies of two example notebooks."""
    monkeypatch.chdir(tmp_path)
    for name in ("cleaning_sales.ipynb", "globals_functions.ipynb", "sensor_analysis.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    shutil.copy(HARD_CASES / "globals_hard_cases.ipynb", tmp_path)
    return tmp_path


def existing_project(work: Path, module_text: str) -> Path:
    """A project `proj` with package `sales` whose module cleaning_sales.py holds
    ``module_text``; returns the module's path."""
    module = work / "proj/src/sales/cleaning_sales.py"
    module.parent.mkdir(parents=True)
    (work / "proj/pyproject.toml").write_text('[project]\nname = "sales"\n')
    (module.parent / "__init__.py").write_text("")
    module.write_text(module_text)
    return module


def test_dry_run_shows_the_diff_and_writes_nothing(work: Path) -> None:
    before = snapshot(work)
    code, out, err = run(
        "cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales", "--dry-run"
    )
    assert code == 0
    assert snapshot(work) == before
    assert "+++ proj/src/sales/cleaning_sales.py" in out
    assert "+def fill_missing_prices(*, df):" in out
    assert "-def revenue_by(key):" in out  # the notebook diff is shown on the code
    assert "+revenue_by('region', df=df)" in out
    assert '"cell_type"' not in out
    assert "would move fill_missing_prices, n_bad_rows, revenue_by, " in err
    assert "to sales.cleaning_sales\n" in err  # the line that says what would move


def test_extract_into_a_new_project(work: Path) -> None:
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 0, err
    # the one step left before the notebook runs
    assert "`python -m pip install -e proj` (or `%pip install -e proj` in a notebook)" in err
    module = (work / "proj/src/sales/cleaning_sales.py").read_text()
    assert "MIN_QTY = 1" in module
    assert "def n_bad_rows(*, df):" in module
    notebook = read_notebook(work / "cleaning_sales.ipynb")
    sources = [c.source for c in notebook.code_cells]
    (import_cell,) = [s for s in sources if "from sales.cleaning_sales import" in s]
    assert import_cell.startswith("%load_ext autoreload\n%autoreload 2\n")
    for name in ("revenue_by", "save_sales_raw"):  # what the notebook calls
        assert f"    {name},\n" in import_cell
    for name in ("fill_missing_prices", "n_bad_rows"):  # only the package calls them
        assert name not in import_cell
    assert "save_sales_raw()" in sources  # script code; its print moved along
    assert not any("def fill_missing_prices" in s for s in sources)
    assert "fill_missing_prices(df=df)" in module  # called inside an extracted function
    assert "revenue_by('product', df=df)" in sources  # and in the notebook
    for path in ("pyproject.toml", "README.md", ".gitignore", ".pre-commit-config.yaml"):
        assert (work / "proj" / path).is_file()


def test_generated_tests_pass_and_generated_code_is_clean(work: Path) -> None:
    assert run("globals_functions.ipynb", "--project-dir", "proj", "--package", "scoring")[0] == 0
    env = {"PYTHONPATH": str(work / "proj/src"), "PATH": ""}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(work / "proj/tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=work / "proj",
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "src", "tests"],
        capture_output=True,
        text=True,
        cwd=work / "proj",
        check=False,
    )
    assert lint.returncode == 0, lint.stdout


def test_the_rewritten_notebook_gains_no_diagnostic_of_nbrefactor_graph(work: Path) -> None:
    """The import cell extract adds never ran: it is marked as added, so NBR107 (a cell
    never executed above cells that were) does not flag it."""
    before = Counter(
        d.code for d in build_graph(read_notebook(work / "cleaning_sales.ipynb")).diagnostics
    )
    assert run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")[0] == 0
    rewritten = read_notebook(work / "cleaning_sales.ipynb")
    (added,) = [cell for cell in rewritten.cells if cell.inserted]
    assert "from sales.cleaning_sales import (" in added.source
    after = Counter(d.code for d in build_graph(rewritten).diagnostics)
    assert not after - before


def test_generated_project_builds_and_its_tests_pass_on_the_built_wheel(work: Path) -> None:
    hatchling = pytest.importorskip("hatchling.build")  # the generated build backend
    assert run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")[0] == 0
    project = work / "proj"
    built = subprocess.run(  # what `pip install` asks the backend for (PEP 517)
        [sys.executable, "-c", f"import {hatchling.__name__} as b; print(b.build_wheel('dist'))"],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    wheel = project / "dist" / built.stdout.strip()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "sales/__init__.py" in names and "sales/cleaning_sales.py" in names
    tests = subprocess.run(  # the package imported from the wheel, not from src/
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(wheel), "PATH": ""},
        cwd=project,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout


def test_a_second_extract_changes_nothing(work: Path) -> None:
    assert run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")[0] == 0
    after_first = snapshot(work)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 0
    assert "nothing to extract" in err
    assert snapshot(work) == after_first


def test_skipped_units_are_reported_with_their_reason(work: Path) -> None:
    code, _, err = run("globals_hard_cases.ipynb", "--project-dir", "proj", "--package", "p")
    assert code == 0
    assert "globals_hard_cases.ipynb:cell_6:1:1: NBR201 'log_step' not extracted" in err
    assert "NBR202 'label' not extracted" in err
    assert "NBR207 'Segmenter' not extracted" in err


def test_a_name_that_exists_in_the_module_is_refused(work: Path) -> None:
    module = existing_project(work, "def n_bad_rows():\n    return 0\n")
    before = snapshot(work)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 2
    assert "already defines n_bad_rows" in err and "--force" in err
    assert snapshot(work) == before
    assert (
        run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales", "--force")[0]
        == 0
    )
    assert "def n_bad_rows(*, df):" in module.read_text()


def test_generated_code_that_does_not_import_is_never_written(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every module is imported in a fresh interpreter before anything is written; one
    that fails (here a bug, injected) leaves its notebook as it is, saying why."""
    import nbrefactor.emit.changes

    render = nbrefactor.emit.changes.render_module

    def broken(*args: object, **kwargs: object) -> str:
        return render(*args, **kwargs) + "\nSPEED = DISTANCE / 2\n"  # type: ignore[arg-type]

    monkeypatch.setattr(nbrefactor.emit.changes, "render_module", broken)
    before = snapshot(work)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 2
    assert (
        "cleaning_sales.ipynb: the code nbrefactor generated does not import: "
        "sales.cleaning_sales: NameError: name 'DISTANCE' is not defined (line "
    ) in err
    assert "the notebook is left as it is" in err
    assert snapshot(work) == before


@pytest.mark.parametrize(
    ("folder", "setup"),
    [
        pytest.param("nbs", "", id="beside the notebook"),
        pytest.param("lib", "import sys\nsys.path.append('../lib')\n", id="on a path it adds"),
    ],
)
def test_a_helper_module_of_the_notebook_is_imported_as_the_notebook_does(
    work: Path, folder: str, setup: str
) -> None:
    """`import helpers` (helpers.py next to the notebook, or in a folder it adds to
    sys.path) was listed as a dependency to install from PyPI, and the generated tests
    could not import it."""
    import json
    import subprocess
    import sys

    from tests.conftest import notebook_dict

    (work / "nbs").mkdir()
    (work / folder).mkdir(exist_ok=True)
    (work / folder / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    cells = (
        setup + "import helpers\nfrom mpl_toolkits import mplot3d",
        "def quadruple(x):\n    return helpers.double(helpers.double(x)), mplot3d.__name__",
        "print(quadruple(2))",
    )
    (work / "nbs/nb.ipynb").write_text(json.dumps(notebook_dict(*cells)))
    code, _, err = run("nbs/nb.ipynb", "--project-dir", "proj", "--package", "quads")
    assert code == 0, err
    pyproject = (work / "proj/pyproject.toml").read_text()
    assert 'dependencies = [\n    "matplotlib",\n]' in pyproject  # mpl_toolkits ships with it
    assert f'pythonpath = ["../{folder}"]' in pyproject
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=work / "proj",
        env={"PYTHONPATH": str(work / "proj/src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout


def test_a_listing_of_the_folder_that_gets_the_project_is_reported(work: Path) -> None:
    import json

    from tests.conftest import notebook_dict

    cells = ("import os\ndef area(r):\n    return 3 * r * r", "print(area(2))", "!ls")
    (work / "nb.ipynb").write_text(json.dumps(notebook_dict(*cells, "os.listdir('.')")))
    code, _, err = run("nb.ipynb", "--project-dir", "proj", "--package", "shapes")
    assert code == 0, err
    assert "nb.ipynb:cell_3:1:1: NBR221 lists files of the notebook's folder" in err
    assert "nb.ipynb:cell_4:1:1: NBR221" in err
    code, _, err = run("nb.ipynb", "--project-dir", "../elsewhere", "--package", "shapes")
    assert "NBR221" not in err  # a project outside the folder changes no listing


def test_force_replaces_only_the_clashing_definition(work: Path) -> None:
    """--force once replaced the whole module, deleting the user's own code beside the
    clash; it replaces the clashing definition and leaves the rest as the user wrote it."""
    mine = (
        '"""Helpers I wrote by hand."""\n\nimport re\n\n\n'
        "# keeps digits only\n"
        "def digits(text):\n    return re.sub(r'\\D', '', text)\n\n\n"
        "# an older copy\n"
        "def n_bad_rows():\n    return 0\n\n\n"
        "class Mine:\n    pass\n"
    )
    module = existing_project(work, mine)
    tests = work / "proj/tests/test_cleaning_sales.py"
    tests.parent.mkdir(parents=True)
    my_test = "def test_digits():\n    assert cleaning_sales.digits('a1b2') == '12'\n"
    tests.write_text(f"from sales import cleaning_sales\n\n\n{my_test}")
    code, _, err = run(
        "cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales", "--force"
    )
    assert code == 0, err
    text = module.read_text()
    assert text.startswith('"""Helpers I wrote by hand."""\n\nimport re\n')
    kept = "# keeps digits only\ndef digits(text):\n    return re.sub(r'\\D', '', text)\n"
    assert kept in text and "class Mine:\n    pass\n" in text
    assert "def n_bad_rows():\n    return 0" not in text and "# an older copy" not in text
    assert text.count("def n_bad_rows(") == 1 and "def n_bad_rows(*, df):" in text
    # a test file nbrefactor did not write (it lacks the imports of one) stays as it is
    assert tests.read_text() == f"from sales import cleaning_sales\n\n\n{my_test}"


def test_a_constant_the_module_holds_with_another_value_is_refused(work: Path) -> None:
    existing_project(work, "MIN_QTY = 5\n\n\ndef mine():\n    return MIN_QTY\n")
    before = snapshot(work)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 2
    assert "already defines MIN_QTY" in err  # the notebook says 1: one of them would lose
    assert snapshot(work) == before


def test_an_invalid_module_name_is_a_usage_error(work: Path) -> None:
    for name in ("sub.mod", "my-mod"):
        args = ("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "s", "--module", name)
        code, _, err = run(*args)
        assert code == 2 and f"--module {name!r} is not a valid Python module name" in err
    assert not (work / "proj").exists()


def test_appending_to_an_existing_module(work: Path) -> None:
    module = existing_project(
        work, '"""Mine."""\n\nimport os\n\n\ndef mine():\n    return os.sep\n'
    )
    assert run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")[0] == 0
    text = module.read_text()
    assert text.startswith('"""Mine."""\n\nimport os\n')
    assert "\nMIN_QTY = 1\n" in text.split("def mine")[0]  # constants before the code
    assert "def mine():" in text and "def revenue_by(key, *, df):" in text
    compile(text, str(module), "exec")


def test_a_failed_write_leaves_every_file_as_it_was(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(work)
    real_replace = Path.replace
    calls = []

    def failing_replace(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) == 4:
            raise OSError(28, "No space left on device", str(target))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 2
    assert "No space left on device" in err and "no file was changed" in err
    assert len(calls) == 4
    assert snapshot(work) == before  # the three files already replaced were put back
    assert not (work / "proj").exists()


def test_output_notebook_leaves_the_original(work: Path) -> None:
    original = (work / "cleaning_sales.ipynb").read_bytes()
    code, _, _ = run(
        "cleaning_sales.ipynb",
        "--project-dir",
        "proj",
        "--package",
        "s",
        "--output-notebook",
        "out.ipynb",
    )
    assert code == 0
    assert (work / "cleaning_sales.ipynb").read_bytes() == original
    assert "from s.cleaning_sales import" in (work / "out.ipynb").read_text()


def test_a_percent_notebook_stays_percent(work: Path) -> None:
    path = work / "sensor_analysis.py"
    path.write_text(
        path.read_text() + "\n# %%\ndef zscore(x):\n    return (x - x.mean()) / x.std()\n"
    )
    code, _, err = run(
        "sensor_analysis.py", "--project-dir", "proj", "--package", "sensors", "--no-autoreload"
    )
    assert code == 0, err
    text = path.read_text()
    assert text.startswith("# ---\n# jupyter:")
    assert "# %%\nfrom sensors.sensor_analysis import " in text
    assert "def zscore" not in text and "zscore" not in text  # moved, and not read here
    assert "def zscore(x):" in (work / "proj/src/sensors/sensor_analysis.py").read_text()
    assert "%autoreload" not in text
    assert read_notebook(path).format == "py:percent"


def test_without_a_project_the_error_says_what_to_do(work: Path) -> None:
    code, _, err = run("cleaning_sales.ipynb")
    assert code == 2
    assert "--project-dir DIR --package NAME" in err


def test_a_broken_notebook_is_exit_2(work: Path) -> None:
    (work / "broken.ipynb").write_text("{")
    code, _, err = run("broken.ipynb", "--project-dir", "proj", "--package", "p")
    assert code == 2
    assert "broken.ipynb" in err and "Traceback" not in err


def test_extracting_to_a_copy_twice_changes_nothing_the_second_time(work: Path) -> None:
    args = ("cleaning_sales.ipynb", "--project-dir", "demo", "--package", "sales")
    args += ("--output-notebook", "demo/cleaning_sales.ipynb")
    assert run(*args)[0] == 0
    first = snapshot(work)
    code, _, err = run(*args)
    assert code == 0, err
    assert snapshot(work) == first


def test_an_existing_project_names_its_own_package(work: Path) -> None:
    existing_project(work, '"""Mine."""\n')
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj")  # no --package
    assert code == 0, err
    assert "def revenue_by(key, *, df):" in (work / "proj/src/sales/cleaning_sales.py").read_text()


def test_a_new_project_needs_a_package_name(work: Path) -> None:
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "fresh")
    assert code == 2
    assert "--package" in err
    assert not (work / "fresh").exists()


def test_an_interrupt_while_writing_puts_everything_back(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbrefactor.api.extract import extract

    result = extract(work / "cleaning_sales.ipynb", project_dir=work / "proj", package="sales")
    before = snapshot(work)
    real_replace = Path.replace
    calls = []

    def interrupted(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        result.changes.apply()
    assert snapshot(work) == before
    assert not (work / "proj").exists()


def test_one_bad_notebook_does_not_stop_the_others(work: Path) -> None:
    (work / "latin1.ipynb").write_bytes(b'{"cells": [], "metadata": {"x": "\xe9"}}')
    code, _, err = run(
        "latin1.ipynb", "cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales"
    )
    assert code == 2  # the worst outcome of the batch
    assert "latin1.ipynb: is not UTF-8 text (byte 0xe9" in err and "internal error" not in err
    assert "cleaning_sales.ipynb: moved" in err
    assert (work / "proj" / "src" / "sales" / "cleaning_sales.py").is_file()


def test_new_files_get_the_usual_permissions(work: Path) -> None:
    import os

    previous = os.umask(0o022)
    try:
        assert run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")[0] == 0
    finally:
        os.umask(previous)
    for path in ("pyproject.toml", "src/sales/cleaning_sales.py", "tests/test_cleaning_sales.py"):
        assert (work / "proj" / path).stat().st_mode & 0o777 == 0o644, path
    assert (work / "cleaning_sales.ipynb").stat().st_mode & 0o777 == 0o644  # kept as it was


def test_the_last_version_of_a_definition_is_imported_where_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(HARD_CASES / "worked_out_again.py", tmp_path)
    code, _, err = run("worked_out_again.py", "--project-dir", "proj", "--package", "fits")
    assert code == 0, err
    cells = [c.source for c in read_notebook(tmp_path / "worked_out_again.py").code_cells]
    first_smooth = next(i for i, s in enumerate(cells) if s.startswith("def smooth(values):"))
    imported = cells.index("from fits.worked_out_again import smooth")
    assert first_smooth < imported  # the first try stays, for the cells before the import
    assert "from fits.worked_out_again import Trend" in cells
    (last_trend,) = [s for s in cells if "STEP = 0.5" in s]  # its setting stays, with
    assert last_trend.startswith("# per half step, next to the first try\nSTEP = 0.5")
    module = (tmp_path / "proj/src/fits/worked_out_again.py").read_text()
    assert module.count("def smooth(") == 1 and "least-squares" in module


def test_force_counts_lines_as_python_does(work: Path) -> None:
    # a line separator (U+2028) inside a docstring is one line for Python, two for
    # str.splitlines(): the definition to replace was found one line too high
    mine = (
        '"""Helpers."""\n\n\ndef digits(text):\n    """Digits\u2028only."""\n    return text\n\n\n'
        "# an older copy\ndef n_bad_rows():\n    return 0\n\n\nLIMIT = 3\n"
    )
    module = existing_project(work, mine)
    code, _, err = run(
        "cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales", "--force"
    )
    assert code == 0, err
    text = module.read_text()
    assert 'def digits(text):\n    """Digits\u2028only."""\n    return text\n' in text
    assert "LIMIT = 3" in text and "return 0" not in text and "# an older copy" not in text


def test_imports_the_moved_code_took_along_leave_the_notebook(
    write_notebook: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_notebook(
        "import json\nimport os\nimport statistics",
        "readings = [3.0, 4.5, 6.0]\nmiddle = statistics.mean(readings)",
        "os.makedirs('out', exist_ok=True)\nsummary = {'middle': middle}\n"
        "with open('out/summary.json', 'w') as f:\n    json.dump(summary, f)",
        "statistics.median(readings)",  # shown: it stays in the notebook
        name="summary.ipynb",
    )
    code, _, err = run("summary.ipynb", "--project-dir", "proj", "--package", "pkg")
    assert code == 0, err
    # what the notebook no longer has after it runs, so `summary` is not a surprise
    assert "no longer notebook variables, are local to the moved functions: middle, summary" in err
    cells = [c.source for c in read_notebook(tmp_path / "summary.ipynb").code_cells]
    assert cells[0] == "import statistics"  # json and os went with the code reading them
    assert cells[-1].endswith("statistics.median(readings)")
    (imports,) = [s for s in cells if "from pkg.summary import" in s]
    assert imports.endswith("from pkg.summary import save_summary")  # only what cells call


def test_keep_makes_moved_code_return_a_variable_the_user_wants(
    write_notebook: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_notebook(
        "import statistics",
        "readings = [3.0, 4.5, 6.0]\nmiddle = statistics.mean(readings)\n"
        "spread = max(readings) - middle",
        "print(round(spread, 2))",
        name="summary.ipynb",
    )
    code, _, err = run(
        "summary.ipynb", "--project-dir", "proj", "--package", "pkg", "--keep", "middle"
    )
    assert code == 0, err
    assert "local to the moved functions: spread (--keep NAME keeps one)" in err
    cells = [c.source for c in read_notebook(tmp_path / "summary.ipynb").code_cells]
    assert "middle = compute_middle(readings=readings)" in cells
    code, _, err = run("summary.ipynb", "--keep", "not a name")
    assert code == 2 and "Invalid value for --keep: 'not a name' is not a variable name" in err


def test_a_notebook_that_reads_names_by_eval_keeps_its_imports(
    write_notebook: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_notebook(
        "import json\nimport statistics",
        "readings = [3.0, 4.5, 6.0]\nmiddle = statistics.mean(readings)\n"
        "text = json.dumps({'middle': middle})\nprint(text)",
        "eval('statistics.median(readings)')",
        name="dynamic.ipynb",
    )
    code, _, err = run("dynamic.ipynb", "--project-dir", "proj", "--package", "pkg")
    assert code == 0, err
    assert "dynamic.ipynb: moved " in err  # the code reading json moved
    cells = [c.source for c in read_notebook(tmp_path / "dynamic.ipynb").code_cells]
    assert "import json\nimport statistics" in cells


def test_the_generated_modules_and_tests_are_formatted(work: Path) -> None:
    pytest.importorskip("ruff")  # formatting needs ruff where extract runs; CI has it
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 0, err
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--isolated", "src", "tests"],
        cwd=work / "proj",
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_exits_1_while_code_would_move_and_0_once_it_has(work: Path) -> None:
    """`extract --check` is for CI: it writes nothing, names each file extract would
    write, and exits 1; once the code has moved, it exits 0."""
    args = ("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    before = snapshot(work)
    code, out, err = run(*args, "--check")
    assert code == 1, err
    assert snapshot(work) == before and out == ""  # no diff unless asked
    assert "\nwould create proj/src/sales/cleaning_sales.py\n" in err
    assert "\nwould change cleaning_sales.ipynb\n" in err
    assert err.endswith("\n15 files would change\n")  # the project's files count too
    code, out, err = run(*args, "--check", "-q")
    assert (code, out, err) == (1, "", "")
    assert run(*args)[0] == 0
    code, _, err = run(*args, "--check")
    assert code == 0, err
    assert err == "cleaning_sales.ipynb: nothing to extract\nnothing would change\n"
    assert run(*args, "--check", "--quiet") == (0, "", "")


def test_check_is_exit_2_when_a_notebook_cannot_be_read(work: Path) -> None:
    (work / "broken.ipynb").write_text("{")
    code, _, err = run("broken.ipynb", "--project-dir", "proj", "--package", "p", "--check", "-q")
    assert code == 2
    assert "broken.ipynb" in err and "would change" not in err
    assert not (work / "proj").exists()


def test_diff_prints_the_changes_and_writes_nothing(work: Path) -> None:
    args = ("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    before = snapshot(work)
    code, out, err = run(*args, "--diff")
    assert code == 0, err  # as black --diff: showing a diff is no failure
    assert snapshot(work) == before
    assert "+++ proj/src/sales/cleaning_sales.py" in out and "would move" in err
    assert run(*args, "--dry-run")[1] == out  # the older name does the same
    code, checked, err = run(*args, "--check", "--diff")
    assert code == 1 and checked == out  # the diff, and the exit code of --check
    assert "would change cleaning_sales.ipynb" in err
    assert snapshot(work) == before
    code, quiet_out, err = run(*args, "--diff", "-q")
    assert (code, quiet_out, err) == (0, out, "")  # quiet keeps what was asked for


def test_extract_settings_come_from_pyproject_and_flags_win(work: Path) -> None:
    (work / "pyproject.toml").write_text(
        '[tool.nbrefactor]\nlayout = "flat"\nmodule = "sales_code"\nautoreload = false\n'
    )
    args = ("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    # the settings of --project-dir's pyproject.toml, else of the notebook's
    code, _, err = run(*args, "--check", "-q")
    assert code == 1, err
    code, _, err = run(*args, "--check")
    assert "would create proj/sales/sales_code.py\n" in err  # flat, and the module's name
    code, out, err = run(*args, "--diff")
    assert "%autoreload" not in out
    code, out, err = run(*args, "--diff", "--layout", "src", "--module", "mine", "--autoreload")
    assert code == 0, err
    assert "+++ proj/src/sales/mine.py" in out and "+%autoreload 2" in out
    assert run(*args, "--diff", "--no-autoreload")[1].count("%autoreload") == 0


def test_extract_run_settings_come_from_pyproject_and_flags_win(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`verify`, `kernel` and `timeout` decide whether and how the notebooks run (the
    runs are left out here: what they are asked to do is what counts)."""
    import nbrefactor.api.extract
    from nbrefactor.verification.execute import RunOptions

    asked: list[RunOptions] = []

    def verify_extraction(result: object, options: RunOptions, record: object) -> object:
        asked.append(options)
        return result

    monkeypatch.setattr(nbrefactor.api.extract, "verify_extraction", verify_extraction)
    args = ("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales", "--diff")
    (work / "pyproject.toml").write_text(
        '[tool.nbrefactor]\nverify = true\nkernel = "py-lab"\ntimeout = 90.5\n'
    )
    assert run(*args)[0] == 0
    assert (asked[-1].kernel, asked[-1].timeout) == ("py-lab", 90.5)
    assert asked[-1].progress is None  # stderr is no terminal here
    assert run(*args, "--kernel", "python3", "--timeout", "600")[0] == 0
    assert (asked[-1].kernel, asked[-1].timeout) == ("python3", 600)  # the default, given
    count = len(asked)
    assert run(*args, "--no-verify")[0] == 0
    assert len(asked) == count
    (work / "pyproject.toml").write_text("[tool.nbrefactor]\n")
    assert run(*args)[0] == 0 and len(asked) == count  # off unless asked
    assert run(*args, "--verify")[0] == 0 and len(asked) == count + 1
    assert (asked[-1].kernel, asked[-1].timeout) == (None, 600)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('layout = "nested"', 'layout must be "src" or "flat", not \'nested\''),
        ('module = "sales.code"', "module must be a Python module name"),
        ('module = "common"', "module must be a Python module name other than common"),
        ("autoreload = 1", "autoreload must be true or false, not 1"),
        ("timeout = -5", "timeout must be a positive number of seconds, not -5"),
        ('verify = "yes"', "verify must be true or false, not 'yes'"),
        ("kernel = 3", "kernel must be a kernel's name, not 3"),
    ],
)
def test_a_bad_extract_setting_names_the_file_and_the_key(
    work: Path, setting: str, said: str
) -> None:
    from nbrefactor.planning.units import COMMON_MODULE

    assert COMMON_MODULE == "common"  # what config.py refuses, without importing it
    (work / "pyproject.toml").write_text(f"[tool.nbrefactor]\n{setting}\n")
    before = snapshot(work)
    code, _, err = run("cleaning_sales.ipynb", "--project-dir", "proj", "--package", "sales")
    assert code == 2
    assert f"{work / 'pyproject.toml'}: [tool.nbrefactor] {said}" in err
    assert snapshot(work) == before


def test_check_names_the_files_as_paths_from_the_current_folder(work: Path) -> None:
    existing_project(work, '"""Mine."""\n')
    shutil.move(work / "cleaning_sales.ipynb", work / "proj/cleaning_sales.ipynb")
    code, _, err = run("proj/cleaning_sales.ipynb", "--check")
    assert code == 1, err
    assert "\nwould change proj/src/sales/cleaning_sales.py\n" in err  # not /tmp/.../proj
    assert "\nwould change proj/cleaning_sales.ipynb\n" in err


def test_extract_verify_tells_a_terminal_of_every_step(
    write_notebook: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runs count their cells; the steps after them (replaying the recorded calls,
    mypy, the recorded tests) say what they do, and the line is wiped at the end."""
    import io

    from nbrefactor import cli, progress
    from nbrefactor.verification.type_check import mypy_available

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.chdir(tmp_path)
    write_notebook("def double(x):\n    return 2 * x", "print(double(21))")
    terminal = Terminal()
    monkeypatch.setattr(
        cli, "progress_line", lambda quiet=False: progress.progress_line(terminal, quiet=quiet)
    )
    code, _, err = run("nb.ipynb", "--verify", "--project-dir", "proj", "--package", "doubling")
    assert code == 0, err
    shown = [part.rstrip() for part in terminal.getvalue().split("\r") if part.strip()]
    assert shown[:4] == [
        "verifying nb.ipynb, original: cell 1/2",
        "verifying nb.ipynb, original: cell 2/2",
        "verifying nb.ipynb, refactored: cell 1/2",
        "verifying nb.ipynb, refactored: cell 2/2",
    ]
    mypy = [
        "verifying: type-checking the package with mypy",
        "verifying: type-checking the recorded annotations with mypy",
    ]
    assert shown[4:] == [
        "verifying: replaying 1 recorded call",
        *(mypy if mypy_available() else []),
        "verifying: running 1 recorded test",
    ]
    assert terminal.getvalue().endswith("\r")  # wiped before the summary
    assert (tmp_path / "proj/tests/test_nb_recorded.py").is_file()
