"""`nbrefactor graph` through the real command line entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from tests.conftest import EXAMPLES, HARD_CASES


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_text_output_lists_cells_sources_and_diagnostics() -> None:
    code, out, _ = run("graph", str(HARD_CASES / "globals_hard_cases.ipynb"))
    assert code == 0
    assert "cell 10: [Run] log_step('scoring')" in out
    assert "reads    log_step (cell 6)" in out
    assert "globals_hard_cases.ipynb:cell_17:1:1: NBR103 executed out of order" in out


def test_json_output_follows_the_contract() -> None:
    code, out, _ = run("graph", str(EXAMPLES / "globals_functions.ipynb"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["notebook"].endswith("globals_functions.ipynb")
    assert data["diagnostics"]  # so the loop below checks something
    assert [c["index"] for c in data["cells"]] == list(range(len(data["cells"])))
    code_cells = [c for c in data["cells"] if c["cell_type"] == "code"]
    for cell in code_cells:
        assert {"id", "defines", "reads", "mutates", "imports"} <= cell.keys()
    for edge in data["edges"]:
        assert edge["from"] < edge["to"]
        assert edge["names"]
    for diagnostic in data["diagnostics"]:
        assert {"code", "cell", "line", "message"} <= diagnostic.keys()


@pytest.mark.parametrize(("fmt", "start"), [("mermaid", "flowchart TD"), ("dot", "digraph")])
def test_pictures(fmt: str, start: str) -> None:
    code, out, _ = run("graph", str(EXAMPLES / "plotting_report.ipynb"), "--format", fmt)
    assert code == 0
    assert out.startswith(start)
    assert "c1" in out and "->" in out


#: A notebook whose labels hold every character the picture formats treat specially.
TRICKY = """\
# %% [markdown]
# ## Load "raw" <data> & clean
# %%
rows = [{"a": 1}]  # #1; "q" & <t> \\
# %%
print(total)
# %%
total = sum(r["a"] for r in rows)
"""


def test_mermaid_picture_escapes_labels_and_marks_warnings(tmp_path: Path) -> None:
    (tmp_path / "tricky.py").write_text(TRICKY, encoding="utf-8")
    code, out, _ = run("graph", str(tmp_path / "tricky.py"), "--format", "mermaid")
    assert code == 0
    heading = "[Load #quot;raw#quot; #lt;data#gt; #amp; clean]"
    assert out.splitlines() == [
        "flowchart TD",
        f'    c2["cell 2: {heading} rows = [{{#quot;a#quot;: 1}}]  #35; #35;1; #quot;q#quot; '
        '#amp; #lt;t#gt; \\"]',
        f'    c3["cell 3: {heading} print(total)"]',
        f'    c4["cell 4: {heading} total = sum(r[#quot;a#quot;] for r in rows)"]',
        '    c2 -->|"rows"| c4',
        "    classDef warning fill:#fff3cd,stroke:#d39e00",
        "    class c3 warning",  # print(total) runs before total exists
    ]


def test_dot_picture_is_valid_graphviz(tmp_path: Path) -> None:
    (tmp_path / "tricky.py").write_text(TRICKY, encoding="utf-8")
    code, out, _ = run("graph", str(tmp_path / "tricky.py"), "--format", "dot")
    assert code == 0
    assert '    c3 [label="cell 3: [Load \\"raw\\" <data> & clean] print(total)", fillcolor=' in out
    assert '    c2 -> c4 [label="rows"];' in out
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("graphviz is not installed (.ci/run installs it)")
    # graphviz reads it back: the nodes, their labels and the edge survive the escaping
    plain = subprocess.run(
        [dot, "-Tplain"], input=out, capture_output=True, text=True, check=True
    ).stdout
    nodes = {line.split()[1] for line in plain.splitlines() if line.startswith("node ")}
    assert nodes == {"c2", "c3", "c4"}
    assert any(line.startswith("edge c2 c4") for line in plain.splitlines())
    assert '# #1; \\"q\\" & <t> \\\\"' in plain  # the label as graphviz read it


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    code, out, _ = run(
        "graph", str(EXAMPLES / "sensor_analysis.py"), "--format", "json", "-o", str(target)
    )
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text())["format"] == "py:percent"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]  # no temporary file left


def test_output_into_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "graph.txt"
    code, _, err = run("graph", str(EXAMPLES / "taxi_tips.ipynb"), "-o", str(target))
    assert code == 2
    assert str(target) in err and "cannot write" in err
    assert not target.parent.exists()


def test_internal_error_is_exit_123_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_notebook: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("nbrefactor.api.graph.build_graph", broken)
    code, _, err = run("graph", str(EXAMPLES / "taxi_tips.ipynb"))
    assert code == 123
    assert "internal error" in err and "RuntimeError: boom" in err
    assert "Traceback" not in err
    result = CliRunner().invoke(cli.main, ["--debug", "graph", str(EXAMPLES / "taxi_tips.ipynb")])
    assert isinstance(result.exception, RuntimeError)  # --debug lets the traceback through


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = run("graph", str(EXAMPLES / "taxi_tips.ipynb"), "--format", "svg")
    assert code == 2
    assert "'svg' is not one of" in err


def test_every_public_name_imports() -> None:
    import nbrefactor

    assert set(nbrefactor.__all__) == {"__version__", *nbrefactor._WHERE}
    for name in nbrefactor.__all__:
        assert getattr(nbrefactor, name) is not None
    with pytest.raises(AttributeError):
        _ = nbrefactor.not_a_thing  # type: ignore[attr-defined]


def test_the_entry_points_of_the_api_are_functions_whatever_was_imported_first() -> None:
    # a submodule of the same name, once imported, would shadow a package attribute
    import importlib

    for module in ("nbrefactor.api.extract", "nbrefactor.api.verify"):
        importlib.import_module(module)
    from nbrefactor import extract, verify

    assert callable(extract) and extract.__module__ == "nbrefactor.api.extract"
    assert callable(verify) and verify.__module__ == "nbrefactor.api.verify"
