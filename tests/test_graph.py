"""The cell graph: edges in top-to-bottom order and each diagnostic code."""

from __future__ import annotations

from collections.abc import Callable

from nbrefactor import CellGraph, Notebook, build_graph

Build = Callable[..., Notebook]


def edges(graph: CellGraph) -> set[tuple[int, int, tuple[str, ...]]]:
    return {(e.source, e.target, e.names) for e in graph.edges}


def codes(graph: CellGraph) -> list[tuple[str, int | None]]:
    return [(d.code, d.location.cell_index) for d in graph.diagnostics]


def test_edges_come_from_the_last_definer(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "import pandas as pd\nTHRESHOLD = 3",
            ("markdown", "## Load"),
            "df = pd.DataFrame({'x': [1, 5]})",
            "df = df[df.x > THRESHOLD]",
            "df",
        )
    )
    assert edges(graph) == {
        (0, 2, ("pd",)),
        (2, 3, ("df",)),
        (0, 3, ("THRESHOLD",)),
        (3, 4, ("df",)),
    }
    assert graph.readers_of("df") == (3, 4)
    assert graph.definers_of("df") == (2, 3)


def test_mutation_makes_the_mutating_cell_the_source(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "df = load()", "df['y'] = df['x'] * 2", "items = []", "items.append(1)", "df, items"
        )
    )
    assert (1, 4, ("df",)) in edges(graph)
    assert (3, 4, ("items",)) in edges(graph)
    assert (0, 1, ("df",)) in edges(graph)


def test_calls_pull_in_the_globals_a_function_reads(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "RATE = 0.2",
            "def helper(x):\n    return x * RATE",
            "def tax(x):\n    return helper(x) + BASE",
            "BASE = 1",
            "tax(10)",
        )
    )
    into_last = {e.source: e for e in graph.edges_into(4)}
    assert into_last[2].names == ("tax",)
    assert into_last[0].indirect == ("RATE",)  # through tax() -> helper()
    assert into_last[1].indirect == ("helper",)
    assert into_last[3].indirect == ("BASE",)
    assert not [d for d in graph.diagnostics if d.code in ("NBR101", "NBR102")]


def test_a_deleted_name_has_no_source_and_its_use_is_reported(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("tmp = 1", "del tmp", "print(tmp)"))
    assert not graph.edges_into(2)
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR101"]
    assert diagnostic.location.cell_index == 2
    assert "after cell 2 deletes it" in diagnostic.message


def test_a_conditional_del_does_not_remove_the_source(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("tmp = 1", "if flag:\n    del tmp", "print(tmp)"))
    assert (0, 2, ("tmp",)) in edges(graph)


def test_nbr100_cell_that_does_not_parse(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("x = 1", "def broken(:\n    pass", "x"))
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR100"]
    assert diagnostic.location.cell_index == 1
    assert diagnostic.location.line == 1
    assert str(diagnostic).startswith("test.ipynb:cell_2:1:")
    assert (0, 2, ("x",)) in edges(graph)  # the rest of the notebook is still analysed


def test_nbr101_use_before_definition(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("print(total)", "total = 10"))
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR101"]
    assert diagnostic.location.cell_index == 0
    assert "cell 2" in diagnostic.message


def test_nbr101_through_a_function(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook("def area(r):\n    return PI * r * r", "area(2)", "PI = 3.14159")
    )
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR101"]
    assert diagnostic.location.cell_index == 1
    assert "area()" in diagnostic.message


def test_nbr102_undefined_name(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("result = compute(data)", "print(len(result))"))
    undefined = sorted(d.message.split("'")[1] for d in graph.diagnostics if d.code == "NBR102")
    assert undefined == ["compute", "data"]  # never builtins like print or len


def test_nbr102_is_silenced_by_a_star_import(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("from pylab import *", "plot(x)"))
    assert "NBR102" not in {code for code, _ in codes(graph)}
    assert ("NBR106", 0) in codes(graph)


def test_nbr102_ignores_ipython_names_and_shell_interpolation(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("display(Out[1])", "print(_, _3, In)", "!echo $HOME"))
    assert "NBR102" not in {code for code, _ in codes(graph)}


def test_nbr103_out_of_order_execution(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            ("code", "a = 1", 1),
            ("code", "b = a", 9),
            ("code", "c = b", 3),
            ("code", "d = c", 4),
            ("code", "print(d)", 5),
        )
    )
    assert [c for c in codes(graph) if c[0] == "NBR103"] == [("NBR103", 1)]


def test_nbr103_equal_counts_from_a_kernel_restart(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(("code", "a = 1", 1), ("code", "b = a", 1))  # was an internal error
    )
    (finding,) = [d for d in graph.diagnostics if d.code == "NBR103"]
    assert "same count: they ran in different kernel sessions" in finding.message


def test_nbr104_name_reused_for_something_else(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "result = df.groupby('k').mean()",
            "result",
            "result = hits / total",
            "n = 3",
            "n = 4",
            "df = load()",
            "df = df.dropna()",
        )
    )
    found = [(d.code, d.location.cell_index) for d in graph.diagnostics if d.code == "NBR104"]
    assert found == [("NBR104", 2)]


def test_nbr104_function_shadowed_by_a_value(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("def score(x):\n    return x", "score = 0.93"))
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR104"]
    assert "function" in diagnostic.message


def test_nbr105_unused_definition(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "import os\nimport sys",
            "def helper():\n    return sys.argv",
            "def unused_helper():\n    return 1",
            "scratch = 5\nscratch = 6",
            "fig, ax = make()",
            "for i in range(3):\n    pass",
            "helper()",
        )
    )
    unused = sorted(
        (d.location.cell_index, d.message.split("'")[1])
        for d in graph.diagnostics
        if d.code == "NBR105"
    )
    assert unused == [(0, "os"), (2, "unused_helper"), (3, "scratch")]


def test_nbr105_counts_a_read_before_the_next_definition(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("x = 1", "x = x + 1", "print(x)"))
    assert "NBR105" not in {code for code, _ in codes(graph)}


def test_nbr106_dynamic_code(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("exec('z = 1')", "%run setup.py"))
    assert [c for c in codes(graph) if c[0] == "NBR106"] == [("NBR106", 0), ("NBR106", 1)]


def test_nbr107_cell_never_executed(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(("code", "a = 1", 1), ("code", "b = 2", None), ("code", "print(a)", 2))
    )
    assert [c for c in codes(graph) if c[0] == "NBR107"] == [("NBR107", 1)]


def test_magics_cells_are_analysed(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "%matplotlib inline\nimport numpy as np",
            "%%time\narr = np.arange(10)",
            "files = !ls {folder}",
            "%%bash\necho $arr",
            "folder = 'data'",
        )
    )
    assert (0, 1, ("np",)) in edges(graph)
    assert ("NBR101", 2) in codes(graph)  # {folder} is read before cell 4 defines it
    assert not graph.edges_into(3)  # %%bash bodies are not Python


def test_diagnostics_print_like_a_linter(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("x = 1", "y = (\n  undefined_name)"))
    printed = [str(d) for d in graph.diagnostics if d.code == "NBR102"]
    assert printed == [
        "test.ipynb:cell_2:2:3: NBR102 'undefined_name' is used but never defined in this notebook"
    ]


def test_columns_count_characters_not_bytes(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("label = 'café ☕' + missing"))
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR102"]
    assert (diagnostic.location.line, diagnostic.location.col) == (1, 20)


def test_a_global_set_in_the_cell_before_the_call_needs_no_edge(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook(
            "LIMIT = 1",
            "def over(x):\n    return x > LIMIT",
            "LIMIT = 5\nover(3)",
            "over(3)\nLIMIT = 9",
        )
    )
    assert not any("LIMIT" in e.names for e in graph.edges_into(2))
    # cell 3 calls over() before rebinding LIMIT: it needs the value cell 2 left
    assert (2, 3, ("LIMIT",)) in {(e.source, e.target, e.indirect) for e in graph.edges}


def test_a_name_needed_by_two_called_functions_is_listed_once(make_notebook: Build) -> None:
    graph = build_graph(
        make_notebook("df = load()", "def a():\n    return df\ndef b():\n    return df", "a(), b()")
    )
    assert [(e.source, e.names) for e in graph.edges_into(2)] == [(0, ("df",)), (1, ("a", "b"))]


def test_an_indirect_need_points_at_the_call(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("def f():\n    return LATER", "x = 1\ny = f()", "LATER = 2"))
    (diagnostic,) = [d for d in graph.diagnostics if d.code == "NBR101"]
    assert (diagnostic.location.cell_index, diagnostic.location.line) == (1, 2)
    assert diagnostic.location.col == 5


def test_edges_from_a_cell(make_notebook: Build) -> None:
    graph = build_graph(make_notebook("a = 1", "b = a", "c = a + b"))
    assert [(e.target, e.names) for e in graph.edges_from(0)] == [(1, ("a",)), (2, ("a",))]
    assert graph.edges_from(2) == ()


def test_the_folders_a_notebook_adds_to_sys_path_are_told_as_written(
    make_notebook: Build,
) -> None:
    graph = build_graph(
        make_notebook(
            "import os, sys\nsys.path.append('../..')",
            "sys.path.insert(0, os.path.abspath('lib'))\nsys.path.append('../..')",
            "from pathlib import Path\nsys.path.append(str(Path('tools')))",
            "sys.path.append(os.path.join(base, 'x'))\npaths = []\npaths.append('not_sys')",
        )
    )
    assert graph.module_paths() == ("../..", "lib", "tools")  # computed ones left out
