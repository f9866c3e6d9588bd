"""`nbrefactor check` through the real command line: formats, config, baseline, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from tests.test_clones import CLEAN_PRICE, CLEAN_QTY, SUMMARY

Write = Callable[..., Path]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, ["check", "--no-cache", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with two notebooks that share code, and one clean notebook."""
    monkeypatch.chdir(tmp_path)
    write_notebook(("markdown", "# Sales"), "import pandas as pd", CLEAN_PRICE, name="sales.ipynb")
    write_notebook("import pandas as pd", CLEAN_QTY, SUMMARY, name="stock.ipynb")
    write_notebook("x = 1\nprint(x)", name="clean.ipynb")
    return tmp_path


def test_text_output_and_exit_1(project: Path) -> None:
    code, out, _ = run(".")
    assert code == 1
    lines = out.splitlines()
    assert "sales.ipynb:cell_3:1:1: NBR001 renamed copy of a block (7 statements)" in out
    assert "also at stock.ipynb:cell_2:1" in out
    assert lines[-1] == "1 duplicated block (2 copies) in 3 files"


def test_the_places_in_the_same_file_come_first_so_no_path_is_read_for_another(
    project: Path, write_notebook: Write
) -> None:
    """``also at a.ipynb:cell_1:4, cell_6:3`` read as two places in a.ipynb, though
    cell_6 was in the reported file."""
    write_notebook("import pandas as pd", CLEAN_QTY, "y = 1", CLEAN_QTY, name="stock.ipynb")
    code, out, _ = run(".")
    assert code == 1
    assert "stock.ipynb:cell_2:1:1: NBR001 " in out
    assert "— also at cell_4:1, sales.ipynb:cell_3:1" in out


def test_clean_files_exit_0(project: Path) -> None:
    code, out, _ = run("clean.ipynb")
    assert code == 0
    assert out == "no duplicated code in 1 file\n"


def test_json_contract(project: Path) -> None:
    code, out, _ = run(".", "--format", "json")
    assert code == 1
    data = json.loads(out)
    (clone,) = data["clone_classes"]
    assert clone["kind"] == "type-2"
    assert clone["statements"] == 7
    assert {(loc["path"], loc["cell"]) for loc in clone["locations"]} == {
        ("sales.ipynb", 3),
        ("stock.ipynb", 2),
    }
    for location in clone["locations"]:
        assert {"path", "cell", "start_line", "end_line"} <= location.keys()
        assert location["start_line"] <= location["end_line"]
    assert {"role": "literal", "values": ["'price'", "'qty'"]} in clone["parameters"]
    assert data["diagnostics"] == [] and data["errors"] == []


def test_sarif_shape(project: Path) -> None:
    code, out, _ = run(".", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "nbrefactor"
    assert [rule["id"] for rule in driver["rules"]] == ["NBR001"]
    assert len(run_["results"]) == 2
    for result in run_["results"]:
        assert result["ruleId"] == "NBR001"
        assert result["level"] == "warning"
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith(".ipynb")
        assert physical["region"]["startLine"] >= 1
        assert location["logicalLocations"][0]["name"].startswith("cell_")
        assert len(result["relatedLocations"]) == 1
        assert result["partialFingerprints"]["nbrefactorShape/v1"]


def test_github_annotations(project: Path) -> None:
    code, out, _ = run(".", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("::warning file=") for line in lines)
    assert "title=NBR001 (cell 3%2C line 1)" in out


def test_baseline_lets_old_duplicates_pass_and_catches_new_ones(
    project: Path, write_notebook: Write
) -> None:
    code, _, err = run(".", "--baseline", "baseline.json", "--update-baseline")
    assert code == 0
    assert "wrote 2 known copies" in err
    assert run(".", "--baseline", "baseline.json")[0] == 0
    write_notebook("y = 2", CLEAN_PRICE.replace("'price'", "'tax'"), name="new.ipynb")
    code, out, _ = run(".", "--baseline", "baseline.json")
    assert code == 1
    (finding, summary) = out.splitlines()
    # only the new copy is a finding; the known ones are where it comes from
    assert finding.startswith("new.ipynb:cell_2:1:1: NBR001 ")
    assert "also at sales.ipynb:cell_3:1, stock.ipynb:cell_2:1" in finding
    assert summary == "1 duplicated block (1 new copy, 2 known) in 4 files"
    data = json.loads(run(".", "--baseline", "baseline.json", "--format", "json")[1])
    (clone,) = data["clone_classes"]
    assert {(loc["path"], loc["status"]) for loc in clone["locations"]} == {
        ("new.ipynb", "new"),
        ("sales.ipynb", "known"),
        ("stock.ipynb", "known"),
    }
    github = run(".", "--baseline", "baseline.json", "--format", "github")[1]
    assert github.count("::warning") == 1 and "file=new.ipynb" in github


def test_updating_a_baseline_names_the_files_it_left_out(project: Path) -> None:
    (project / "latin1.ipynb").write_bytes(b'{"cells": [], "metadata": {"x": "\xe9"}}')
    code, _, err = run(".", "--baseline", "baseline.json", "--update-baseline")
    assert code == 2
    assert "latin1.ipynb: NBR002 is not UTF-8" in err and "wrote 2 known copies" in err


def test_the_default_baseline_is_written_at_the_project_root_and_found_there(
    project: Path, write_notebook: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, _, err = run(".", "--update-baseline")
    assert code == 0 and "wrote 2 known copies to" in err
    baseline = project / ".nbrefactor-baseline.json"
    recorded = json.loads(baseline.read_text())["copies"]
    assert [c["path"] for c in recorded] == ["sales.ipynb", "stock.ipynb"]
    assert run(".") == (0, "no duplicated code in 3 files\n", "")
    # from a subfolder, the same baseline (paths in it are from its folder)
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    assert run("..")[0] == 0


def test_a_baseline_named_in_the_configuration_must_exist(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.nbrefactor]\nbaseline = "b.json"\n')
    code, _, err = run(".")
    assert code == 2 and "b.json" in err and "--update-baseline" in err
    assert run(".", "--update-baseline")[0] == 0
    assert (project / "b.json").is_file()


def test_missing_baseline_is_exit_2(project: Path) -> None:
    code, _, err = run(".", "--baseline", "nope.json")
    assert code == 2
    assert "nope.json" in err and "--update-baseline" in err


def test_config_from_pyproject_and_flags_override(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.nbrefactor]\nmin-statements = 50\n")
    assert run(".")[0] == 0
    assert run(".", "--min-statements", "3")[0] == 1


def test_unknown_config_key_is_named(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.nbrefactor]\nmin-statement = 5\n")
    code, _, err = run(".")
    assert code == 2
    assert "unknown key 'min-statement'" in err and "pyproject.toml" in err


def test_bad_config_value_is_named(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.nbrefactor]\ntype3 = "yes"\n')
    code, _, err = run(".")
    assert code == 2
    assert "type3 must be true or false" in err


def test_exclude_patterns(project: Path) -> None:
    assert run(".", "--exclude", "stock.ipynb")[0] == 0
    (project / "pyproject.toml").write_text('[tool.nbrefactor]\nexclude = ["sales*"]\n')
    assert run(".")[0] == 0


def test_a_broken_notebook_does_not_stop_the_batch(project: Path) -> None:
    (project / "broken.ipynb").write_text('{"cells": [')
    code, out, _ = run(".")
    assert code == 2
    assert "broken.ipynb: NBR002 is not valid JSON" in out
    assert "NBR001" in out  # the other notebooks were still checked


def test_unparseable_cell_is_reported_and_skipped(project: Path, write_notebook: Write) -> None:
    write_notebook("def broken(:\n    pass", SUMMARY, name="more.ipynb")
    code, out, _ = run(".")
    assert code == 1
    assert "more.ipynb:cell_1:1:1: NBR100" in out
    assert "more.ipynb:cell_2:1:1: NBR001" in out


def test_hidden_state_check(project: Path, write_notebook: Write) -> None:
    write_notebook("print(total)", "total = 1", name="order.ipynb")
    code, out, _ = run("order.ipynb", "--check", "hidden-state")
    assert code == 1
    assert "order.ipynb:cell_1:1:7: NBR101" in out


def test_hidden_state_check_reads_percent_notebooks_not_plain_scripts(project: Path) -> None:
    (project / "order.py").write_text("# %%\nprint(total)\n\n# %%\ntotal = 1\n")
    (project / "script.py").write_text("def show():\n    print(total)\n\n\ntotal = 1\n")
    code, out, _ = run("order.py", "script.py", "--check", "hidden-state")
    assert code == 1
    assert "order.py:cell_1:1:7: NBR101" in out
    assert "script.py" not in out


def test_scripts_can_be_compared_with_notebooks(project: Path) -> None:
    (project / "helpers.py").write_text("import pandas as pd\n\n" + CLEAN_QTY)
    code, out, _ = run("sales.ipynb", "helpers.py")
    assert code == 1
    assert "helpers.py:3:1: NBR001" in out


def test_no_notebooks_found_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path))
    assert code == 2
    assert "no notebooks found" in err


def test_cache_is_written_and_reused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbrefactor.duplicates import loader

    first = CliRunner().invoke(cli.main, ["check", "."])
    assert first.exit_code == 1
    cache = project / ".nbrefactor_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"

    def no_fingerprinting(*args: object) -> None:
        raise AssertionError("fingerprinted again: the cache was not read")

    monkeypatch.setattr(loader, "fingerprint_cells", no_fingerprinting)
    second = CliRunner().invoke(cli.main, ["check", "."])
    assert second.stdout == first.stdout, second.output


def test_a_broken_file_only_compared_with_does_not_fail_the_check(project: Path) -> None:
    from nbrefactor.api.check import find_duplicates

    (project / "broken.ipynb").write_text('{"cells": [')
    report = find_duplicates(
        [Path("sales.ipynb")], compare_with=[project / "stock.ipynb", project / "broken.ipynb"]
    )
    assert report.problems == ()
    (clone,) = report.classes
    assert {r.path for r in clone.regions} == {"sales.ipynb", "stock.ipynb"}  # relative paths


# -- selecting codes, exit status, statistics, verbosity, colour ------------------------------


def order_project(write_notebook: Write) -> None:
    """A notebook with hidden state (NBR101) and a copy (NBR001) of sales.ipynb's code."""
    write_notebook(
        ("markdown", "# Order"),
        "print(total)",
        "total = 1\nimport pandas as pd\ndf = pd.DataFrame()",
        CLEAN_QTY,
        name="order.ipynb",
    )


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ((), {"NBR001", "NBR101"}),
        (("--select", "NBR1"), {"NBR101"}),
        (("--select", "NBR001,NBR101"), {"NBR001", "NBR101"}),
        (("--ignore", "NBR0"), {"NBR101"}),
        (("--select", "nbr1", "--ignore", "NBR101"), set()),
        (("--select", "NBR101", "--ignore", "NBR1"), {"NBR101"}),  # the longer prefix wins
        (("--ignore", "ALL"), set()),
    ],
)
def test_select_and_ignore(
    project: Path, write_notebook: Write, args: tuple[str, ...], codes: set[str]
) -> None:
    order_project(write_notebook)
    _, out, _ = run(
        "order.ipynb", "stock.ipynb", "--check", "duplicates", "--check", "hidden-state", *args
    )
    # stock.ipynb reads `df` without defining it (NBR102)
    lines = [line for line in out.splitlines() if line.startswith("order.ipynb:")]
    assert {line.split(": ")[1].split()[0] for line in lines} == codes


def test_select_and_ignore_in_the_configuration(project: Path, write_notebook: Write) -> None:
    order_project(write_notebook)
    (project / "pyproject.toml").write_text(
        '[tool.nbrefactor]\nchecks = ["duplicates", "hidden-state"]\nignore = ["NBR001"]\n'
    )
    code, out, _ = run("order.ipynb", "-q")
    assert code == 1
    assert out.startswith("order.ipynb:cell_2:1:7: NBR101 'total' is used before cell 3 defines it")
    assert out.count("\n") == 1  # no NBR001, no summary
    # --select replaces the configured list; the configured ignore still applies
    assert run("order.ipynb", "--select", "NBR0,NBR1", "--ignore", "NBR101")[0] == 0


def test_a_code_selected_that_no_running_check_reports_is_warned_of(project: Path) -> None:
    code, out, err = run("clean.ipynb", "--select", "NBR101")
    assert (code, out) == (0, "no duplicated code in 1 file\n")
    assert err == (
        "nbrefactor: warning: NBR101 is selected, but the check that reports it does not "
        'run (`checks = [..., "hidden-state"]` in [tool.nbrefactor] runs it, or `check '
        "--check hidden-state`)\n"
    )
    assert run("clean.ipynb", "--select", "NBR101", "--check", "hidden-state")[2] == ""
    assert "check never reports it" in run("clean.ipynb", "--select", "NBR2")[2]
    assert run("clean.ipynb", "--select", "NBR1")[2] == ""  # NBR100 is reported


def test_an_unknown_code_is_named(project: Path) -> None:
    code, _, err = run(".", "--select", "NBR9")
    assert code == 2 and "no code starts with 'NBR9'; the codes are NBR001-NBR002, NBR1" in err
    (project / "pyproject.toml").write_text('[tool.nbrefactor]\nignore = ["E501"]\n')
    code, _, err = run(".")
    assert code == 2 and "ignore: no code starts with 'E501'" in err


def test_exit_zero_quiet_and_statistics(project: Path, write_notebook: Write) -> None:
    order_project(write_notebook)
    code, out, _ = run(".", "--exit-zero")
    assert code == 0 and "NBR001" in out
    code, out, _ = run(".", "-q")
    assert code == 1 and all(": NBR001 " in line for line in out.splitlines())
    code, out, _ = run(
        ".",
        "--statistics",
        "--check",
        "hidden-state",
        "--check",
        "duplicates",
        "--ignore",
        "NBR102",
    )
    assert code == 1
    assert out.splitlines() == [
        "3\tNBR001\tduplicated block of code",
        "1\tNBR101\tname used before the cell that defines it (hidden state)",
        "4 findings in 4 files",
    ]
    data = json.loads(run(".", "--statistics", "--format", "json")[1])
    assert data == [{"code": "NBR001", "count": 3, "summary": "duplicated block of code"}]
    for fmt in ("github", "sarif"):  # a table there would not be what the format promises
        code, out, err = run(".", "--statistics", "--format", fmt)
        assert (code, out) == (2, "") and "--format json" in err


def test_verbose_says_what_was_checked_and_cached(project: Path) -> None:
    result = CliRunner().invoke(cli.main, ["check", ".", "-v"])
    assert "nbrefactor: checked sales.ipynb\n" in result.stderr
    assert "nbrefactor: done in " in result.stderr
    again = CliRunner().invoke(cli.main, ["check", ".", "-v"])
    assert "nbrefactor: checked sales.ipynb (cached)" in again.stderr
    assert again.stdout == result.stdout  # the findings are the same, and on stdout only


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ((), {}, False),  # not a terminal
        (("--color", "always"), {}, True),
        (("--color", "always", "--format", "json"), {}, False),  # colour is for text only
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    colored: bool,
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = run(".", *args)[1]
    assert ("\x1b[" in out) is colored
    if colored:
        assert "\x1b[1msales.ipynb:cell_3:1:1\x1b[0m\x1b[36m:\x1b[0m \x1b[1;31mNBR001\x1b[0m" in out


# -- suppression comments on hidden-state findings --------------------------------------------


@pytest.mark.parametrize(
    ("first_cell", "reported"),
    [
        ("print(total)", True),
        ("print(total)  # nbrefactor: ignore[NBR101]", False),
        ("print(total)  # nbrefactor: ignore", False),
        ("print(total)  # nbrefactor: ignore[NBR102]", True),
        ("print(total)  # nbrefactor: ignore[NBR1]", False),
        ("# nbrefactor: ignore-cell[NBR101]\nprint(total)", False),
        ("print(total)\n# nbrefactor: ignore-cell", False),
        ("# nbrefactor: ignore-cell[NBR001]\nprint(total)", True),
        ("x = 1  # nbrefactor: ignore\nprint(total)", True),  # another line
    ],
)
def test_suppression_comments_silence_hidden_state_findings(
    project: Path, write_notebook: Write, first_cell: str, reported: bool
) -> None:
    write_notebook(first_cell, "total = 1", name="order.ipynb")
    code, out, _ = run("order.ipynb", "--check", "hidden-state")
    assert ("NBR101" in out) is reported
    assert code == (1 if reported else 0)


# -- GitHub and SARIF point at the line of the file -------------------------------------------


def write_indented(path: Path, *cells: tuple[str, str]) -> Path:
    """A notebook as Jupyter writes it: indented JSON, each source line a string."""
    notebook = {
        "cells": [
            {
                "cell_type": kind,
                "id": f"c{number}",
                "metadata": {},
                "source": source.splitlines(keepends=True),
                **({"execution_count": None, "outputs": []} if kind == "code" else {}),
            }
            for number, (kind, source) in enumerate(cells)
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    return path


def test_github_and_sarif_point_at_the_line_of_the_notebook_file(project: Path) -> None:
    path = write_indented(
        project / "order.ipynb",
        ("markdown", "# Order\n"),
        ("code", "x = 1\nprint(total)\n"),
        ("code", "total = 1\n"),
    )
    file_line = path.read_text().splitlines().index('    "print(total)\\n"') + 1
    code, out, _ = run("order.ipynb", "--check", "hidden-state", "--format", "github")
    assert code == 1
    assert out.startswith(
        f"::warning file=order.ipynb,line={file_line},title=NBR101 (cell 2%2C line 2)::"
    )
    log = json.loads(run("order.ipynb", "--check", "hidden-state", "--format", "sarif")[1])
    (result,) = log["runs"][0]["results"]
    assert result["message"]["text"].startswith("cell 2, line 2: 'total' is used before")
    (location,) = result["locations"]
    assert location["physicalLocation"]["region"] == {"startLine": file_line, "endLine": file_line}
    assert location["logicalLocations"] == [{"name": "cell_2", "kind": "module"}]
    assert location["properties"] == {"cell": 2, "line": 2}


def test_github_points_at_the_line_of_a_percent_notebook(project: Path) -> None:
    (project / "order.py").write_text(
        "# %%\nimport os\n\n# %%\nx = 1\nprint(total)\n\n# %%\ntotal = 1\n"
    )
    out = run("order.py", "--check", "hidden-state", "--format", "github")[1]
    assert out.startswith("::warning file=order.py,line=6,col=7,title=NBR101 (cell 2%2C line 2)::")


def test_a_class_with_only_known_copies_is_not_counted(
    project: Path, write_notebook: Write
) -> None:
    write_notebook("x = 1", SUMMARY, name="summary.ipynb")  # a second known class
    assert run(".", "--update-baseline")[0] == 0
    write_notebook("y = 2", CLEAN_PRICE.replace("'price'", "'tax'"), name="new.ipynb")
    code, out, _ = run(".", "-v")
    assert code == 1
    assert out.splitlines()[-1] == "1 duplicated block (1 new copy, 2 known) in 5 files"
