"""Several notebooks in one `extract`: one plan, and a block copied into two or more of
them made one function in `PKG/common.py`."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import build_graph, cli, read_notebook
from nbrefactor.api.extract import extract
from nbrefactor.emit.project import module_name
from nbrefactor.planning.planner import plan_notebooks

Write = Callable[..., Path]

#: A block that people paste from one notebook into the next (names changed, one
#: literal changed).
LOAD = """\
{frame} = pd.DataFrame({{"city": [" Oslo", "Bergen ", None], "temp": [3.5, 7.25, 1.0]}})
{frame}["city"] = {frame}["city"].str.strip()
{frame} = {frame}.dropna()
{frame}["temp_f"] = {frame}["temp"] * 9 / 5 + {offset}
print(len({frame}))
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def pair(write_notebook: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two notebooks of one project, each with a copy of LOAD."""
    monkeypatch.chdir(tmp_path)
    write_notebook(
        "import pandas as pd",
        LOAD.format(frame="cities", offset=32),
        "cities.describe()",
        name="explore.ipynb",
    )
    write_notebook(
        "import pandas as pd",
        LOAD.format(frame="df", offset=33),
        "df['temp_f'].mean()",
        name="report.ipynb",
    )
    return tmp_path


def code_cells(path: Path) -> list[str]:
    return [c.source for c in read_notebook(path).cells if c.is_code]


def test_copies_across_notebooks_become_one_function_in_common(pair: Path) -> None:
    code, _, err = run("explore.ipynb", "report.ipynb", "--project-dir", "p", "--package", "pkg")
    assert code == 0, err
    common = (pair / "p/src/pkg/common.py").read_text()
    tree = ast.parse(common)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert function.name == "drop_missing"  # for what it does to the rows
    assert [a.arg for a in function.args.kwonlyargs] == ["int_value"]  # 32 / 33
    assert "import pandas as pd" in common
    assert "explore.ipynb: moved drop_missing to pkg.common" in err
    assert "report.ipynb: moved drop_missing to pkg.common" in err
    assert "cities = drop_missing(int_value=32)\n" in code_cells(pair / "explore.ipynb")
    assert "df = drop_missing(int_value=33)\n" in code_cells(pair / "report.ipynb")
    for name in ("explore", "report"):
        cells = "\n".join(code_cells(pair / f"{name}.ipynb"))
        assert "from pkg.common import drop_missing" in cells
        assert not (pair / f"p/src/pkg/{name}.py").exists()  # nothing else to move there
    tests = (pair / "p/tests/test_common.py").read_text()
    assert "def test_common_imports():" in tests and "explore.ipynb and report.ipynb" in tests


def test_the_common_module_and_its_tests_work(pair: Path) -> None:
    assert run("explore.ipynb", "report.ipynb", "--project-dir", "p", "--package", "pkg")[0] == 0
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "p"], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "p/tests"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(pair / "p/src"), "PATH": ""},
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    sys.path.insert(0, str(pair / "p/src"))
    try:
        from pkg.common import drop_missing  # type: ignore[import-not-found]

        assert list(drop_missing(int_value=32)["temp_f"]) == [38.3, 45.05]
    finally:
        sys.path.remove(str(pair / "p/src"))
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]


def test_a_second_run_on_both_changes_nothing(pair: Path) -> None:
    assert run("explore.ipynb", "report.ipynb", "--project-dir", "p", "--package", "pkg")[0] == 0
    before = {p: p.read_bytes() for p in pair.rglob("*") if p.is_file()}
    code, out, err = run("explore.ipynb", "report.ipynb", "--project-dir", "p")
    assert code == 0 and out == ""
    assert err.count("nothing to extract") == 2
    assert {p: p.read_bytes() for p in pair.rglob("*") if p.is_file()} == before


def test_one_notebook_alone_keeps_its_copy_in_its_own_module(pair: Path) -> None:
    code, _, err = run("explore.ipynb", "--project-dir", "p", "--package", "pkg")
    assert code == 0, err
    assert not (pair / "p/src/pkg/common.py").exists()
    assert "def drop_missing():" in (pair / "p/src/pkg/explore.py").read_text()  # a script


def test_a_later_run_appends_to_common_and_extends_its_tests(
    pair: Path, write_notebook: Write
) -> None:
    assert run("explore.ipynb", "report.ipynb", "--project-dir", "p", "--package", "pkg")[0] == 0
    block = "totals = {}\nfor item in items:\n    totals[item] = totals.get(item, 0) + 1\n"
    block += "ranked = sorted(totals.items(), key=lambda kv: -kv[1])\nprint(ranked[:3])\n"
    for name in ("sales.ipynb", "stock.ipynb"):
        write_notebook("items = ['a', 'b', 'a', 'c', 'a', 'b']", block, "len(ranked)", name=name)
    code, _, err = run("sales.ipynb", "stock.ipynb", "--project-dir", "p")
    assert code == 0, err
    common = (pair / "p/src/pkg/common.py").read_text()
    assert "def drop_missing(" in common and "def compute_ranked(items):" in common
    # the docstring names every notebook now; a user's own docstring is left alone
    assert common.startswith(
        '"""Code copied across explore.ipynb, report.ipynb, sales.ipynb, stock.ipynb; moved here'
        '\nby nbrefactor.\n"""\n'
    )
    ast.parse(common)
    tests = (pair / "p/tests/test_common.py").read_text()
    assert tests.count("def test_common_imports():") == 1
    compile(tests, "test_common.py", "exec")


def test_a_shared_function_never_takes_a_name_common_has(pair: Path) -> None:
    common = pair / "p/src/pkg/common.py"
    common.parent.mkdir(parents=True)
    (pair / "p/pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (common.parent / "__init__.py").write_text("")
    common.write_text('"""Mine."""\n\n\ndef drop_missing():\n    return []\n')
    code, _, err = run("explore.ipynb", "report.ipynb", "--project-dir", "p")
    assert code == 0, err
    text = common.read_text()
    assert "def drop_missing():\n    return []" in text  # the user's, kept
    assert "def drop_missing_city(*, int_value):" in text  # told apart by a column
    assert text.startswith('"""Mine."""\n')  # the user's docstring is theirs


def test_copies_calling_what_moves_to_their_own_module_stay_per_notebook(
    write_notebook: Write, tmp_path: Path
) -> None:
    block = "rows = [clean(v) for v in values]\ntotal = sum(rows)\nprint(total)\n"
    paths = [
        write_notebook(
            "def clean(v):\n    return abs(v)",
            "values = [1, -2, 3]",
            block,
            "total",
            name=name,
        )
        for name in ("a.ipynb", "b.ipynb")
    ]
    batch = plan_notebooks(
        [(build_graph(read_notebook(p)), f"pkg.{p.stem}") for p in paths], "pkg.common"
    )
    assert batch.common.functions == ()  # `clean` is in pkg.a and in pkg.b, not in common
    for plan in batch.notebooks:
        assert [d.name for d in plan.definitions] == ["clean"]


def test_a_name_imported_from_two_places_is_not_shared(
    write_notebook: Write, tmp_path: Path
) -> None:
    block = "data = load(text)\nsize = len(data)\nkeys = sorted(data)\nprint(size, keys[:2])\n"
    paths = [
        write_notebook(
            f"from {source} import loads as load",
            "text = '{}'",
            block,
            "size",
            name=f"{source}.ipynb",
        )
        for source in ("json", "pickle")
    ]
    batch = plan_notebooks(
        [(build_graph(read_notebook(p)), f"pkg.{p.stem}") for p in paths], "pkg.common"
    )
    assert batch.common.functions == ()
    # each notebook's report says why its copy stayed, at its own cell
    for plan, path in zip(batch.notebooks, paths, strict=True):
        (skipped,) = [s for s in plan.skipped if s.code == "NBR215"]
        assert "'load' is imported from different places" in skipped.message
        assert skipped.message.startswith(
            "'copies in json.ipynb cell 3, pickle.ipynb cell 3' not extracted"
        )
        assert (skipped.location.path, skipped.location.cell_index) == (str(path), 2)


def test_a_notebook_that_fails_leaves_the_others_sharing(pair: Path, write_notebook: Write) -> None:
    third = write_notebook(
        "import pandas as pd",
        LOAD.format(frame="t", offset=31),
        "def double(x):\n    return 2 * x",
        "double(t)",
        name="third.ipynb",
    )
    written = third.read_bytes()
    project = pair / "p/src/pkg"
    project.mkdir(parents=True)
    (pair / "p/pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (project / "__init__.py").write_text("")
    (project / "third.py").write_text("def double(x):\n    return x + x\n")  # a clash
    code, _, err = run("explore.ipynb", "report.ipynb", "third.ipynb", "--project-dir", "p")
    assert code == 2
    assert "third.py: already defines double" in err
    assert "third.ipynb" not in (project / "common.py").read_text()  # planned without it
    assert "from pkg.common import drop_missing" in "\n".join(code_cells(pair / "report.ipynb"))
    assert third.read_bytes() == written


def test_notebooks_of_different_projects_get_a_plan_each(pair: Path) -> None:
    for name in ("explore", "report"):
        folder = pair / name
        (folder / "src" / name).mkdir(parents=True)
        (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
        (folder / "src" / name / "__init__.py").write_text("")
        (pair / f"{name}.ipynb").rename(folder / f"{name}.ipynb")
    code, _, err = run("explore/explore.ipynb", "report/report.ipynb")
    assert code == 0, err
    assert not list(pair.rglob("common.py"))
    assert (pair / "explore/src/explore/explore.py").is_file()
    assert (pair / "report/src/report/report.py").is_file()


def test_one_module_for_several_notebooks(pair: Path, write_notebook: Write) -> None:
    write_notebook("def double(x):\n    return 2 * x", "double(2)", name="a.ipynb")
    write_notebook("def halve(x):\n    return x / 2", "halve(2)", name="b.ipynb")
    arguments = ["--project-dir", "p", "--package", "pkg", "--module", "analysis"]
    code, _, err = run("a.ipynb", "b.ipynb", *arguments)
    assert code == 0, err
    module = (pair / "p/src/pkg/analysis.py").read_text()
    assert "def double(x):" in module and "def halve(x):" in module
    tests = (pair / "p/tests/test_analysis.py").read_text()
    assert tests.count("def test_analysis_imports():") == 1


def test_the_same_notebook_twice_is_extracted_once(pair: Path) -> None:
    result = extract(
        [pair / "explore.ipynb", Path("explore.ipynb")], project_dir=pair / "p", package="pkg"
    )
    assert len(result.plans) == 1
    assert result.common.functions == ()


def test_no_module_is_named_common() -> None:
    assert module_name(Path("common.ipynb")) == "nb_common"
    assert module_name(Path("class.ipynb")) == "nb_class"


def test_force_never_replaces_the_common_module(pair: Path, write_notebook: Write) -> None:
    assert run("explore.ipynb", "report.ipynb", "--project-dir", "p", "--package", "pkg")[0] == 0
    block = "totals = {}\nfor item in items:\n    totals[item] = totals.get(item, 0) + 1\n"
    block += "ranked = sorted(totals.items(), key=lambda kv: -kv[1])\nprint(ranked[:3])\n"
    for name in ("sales.ipynb", "stock.ipynb"):
        write_notebook("items = ['a', 'b', 'a']", block, "len(ranked)", name=name)
    code, _, err = run("sales.ipynb", "stock.ipynb", "--project-dir", "p", "--force")
    assert code == 0, err
    common = (pair / "p/src/pkg/common.py").read_text()
    assert "def drop_missing(" in common and "def compute_ranked(" in common  # both kept


def test_the_common_module_is_no_module_option(pair: Path) -> None:
    code, _, err = run(
        "explore.ipynb", "--project-dir", "p", "--package", "pkg", "--module", "common"
    )
    assert code == 2 and "--module common is where code shared by notebooks goes" in err


def test_an_import_common_has_is_not_taken_from_elsewhere(
    pair: Path, write_notebook: Write
) -> None:
    common = pair / "p/src/pkg/common.py"
    common.parent.mkdir(parents=True)
    (pair / "p/pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (common.parent / "__init__.py").write_text("")
    common.write_text(
        '"""Mine."""\n\nfrom math import sqrt\n\n\ndef root(x):\n    return sqrt(x)\n'
    )
    block = "roots = [sqrt(v) for v in values]\ntotal = sum(roots)\nprint(round(total, 3))\n"
    for name in ("a.ipynb", "b.ipynb"):
        write_notebook("from numpy import sqrt", "values = [1.0, 4.0, 9.0]", block, name=name)
    batch = extract([pair / "a.ipynb", pair / "b.ipynb"], project_dir=pair / "p")
    assert batch.common.functions == ()  # `sqrt` there is math's: not numpy's
    assert any("'sqrt' is imported from different places" in s.message for s in batch.plan.skipped)


def test_a_common_subpackage_is_not_hidden(pair: Path) -> None:
    package = pair / "p/src/pkg"
    (package / "common").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "common/__init__.py").write_text("")
    (pair / "p/pyproject.toml").write_text('[project]\nname = "pkg"\n')
    code, _, err = run("explore.ipynb", "report.ipynb", "--project-dir", "p")
    assert code == 2 and "common/ is a subpackage" in err
    assert not (package / "common.py").exists()


def test_a_notebook_left_out_says_so(pair: Path, write_notebook: Write) -> None:
    write_notebook("LIMIT = 10", "def over(x):\n    return x > LIMIT", "over(3)", name="a.ipynb")
    write_notebook("LIMIT = 20", "def under(x):\n    return x < LIMIT", "under(3)", name="b.ipynb")
    arguments = ["--project-dir", "p", "--package", "pkg", "--module", "analysis"]
    code, _, err = run("a.ipynb", "b.ipynb", *arguments)
    assert code == 2
    assert "already defines LIMIT" in err and "(so b.ipynb was left out)" in err
    assert "a.ipynb: moved over to pkg.analysis" in err


def test_the_order_given_is_kept(pair: Path) -> None:
    result = extract(
        [pair / "report.ipynb", pair / "explore.ipynb", pair / "report.ipynb"],
        project_dir=pair / "p",
        package="pkg",
    )
    assert [Path(plan.notebook).name for plan in result.plans] == ["report.ipynb", "explore.ipynb"]
