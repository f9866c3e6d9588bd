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
    assert "sales.ipynb:cell_2:1:1: NBR001 renamed copy of a block (7 statements)" in out
    assert "also at stock.ipynb:cell_1:1" in out
    assert lines[-1] == "1 duplicated block (2 copies) in 3 files"


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
        ("sales.ipynb", 2),
        ("stock.ipynb", 1),
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
    assert "title=NBR001 (cell 2)" in out


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
    assert "new.ipynb:cell_1:1:1: NBR001" in out


def test_updating_a_baseline_names_the_files_it_left_out(project: Path) -> None:
    (project / "latin1.ipynb").write_bytes(b'{"cells": [], "metadata": {"x": "\xe9"}}')
    code, _, err = run(".", "--baseline", "baseline.json", "--update-baseline")
    assert code == 2
    assert "latin1.ipynb: NBR002 is not UTF-8" in err and "wrote 2 known copies" in err


def test_updating_a_baseline_needs_one(project: Path) -> None:
    code, _, err = run(".", "--update-baseline")
    assert code == 2 and "--update-baseline needs a baseline file" in err
    assert not (project / ".nbrefactor_cache").exists()  # refused before any work


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
    assert "more.ipynb:cell_0:1:1: NBR100" in out
    assert "more.ipynb:cell_1:1:1: NBR001" in out


def test_hidden_state_check(project: Path, write_notebook: Write) -> None:
    write_notebook("print(total)", "total = 1", name="order.ipynb")
    code, out, _ = run("order.ipynb", "--check", "hidden-state")
    assert code == 1
    assert "order.ipynb:cell_0:1:7: NBR101" in out


def test_hidden_state_check_reads_percent_notebooks_not_plain_scripts(project: Path) -> None:
    (project / "order.py").write_text("# %%\nprint(total)\n\n# %%\ntotal = 1\n")
    (project / "script.py").write_text("def show():\n    print(total)\n\n\ntotal = 1\n")
    code, out, _ = run("order.py", "script.py", "--check", "hidden-state")
    assert code == 1
    assert "order.py:cell_0:1:7: NBR101" in out
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
