"""Regression tests for semantic bugs found in review: each once differed from what
Python or IPython actually does. The docstrings say what the real behaviour is."""

from __future__ import annotations

from collections.abc import Callable

from nbrefactor import CellGraph, Notebook, analyse_source, build_graph
from nbrefactor.notebook.magics import PLACEHOLDER
from tests.cst_scope import scope_facts_of_code

Build = Callable[..., Notebook]


def _diags(graph: CellGraph, code: str) -> list[tuple[int | None, str]]:
    return [(d.location.cell_index, d.message) for d in graph.diagnostics if d.code == code]


def _mentions(graph: CellGraph, code: str, name: str) -> list[tuple[int | None, str]]:
    return [(cell, msg) for cell, msg in _diags(graph, code) if f"'{name}'" in msg]


def _edges(graph: CellGraph) -> set[tuple[int, int, tuple[str, ...]]]:
    return {(e.source, e.target, e.names) for e in graph.edges}


# -- 1. a function that assigns a global defines it for the cells after the call ----------


def test_global_assigned_by_a_called_function_is_defined(make_notebook: Build) -> None:
    """`def load(): global df; df = ...` then `load()` binds `df` in the notebook, so a later
    `df.head()` works on Restart & Run All. nbrefactor ignores `globals_written` in the graph:
    it reports NBR102 "'df' is used but never defined" and draws no edge from the `load()` cell.
    """
    graph = build_graph(
        make_notebook(
            "import pandas as pd\ndef load():\n    global df\n    df = pd.DataFrame()\n",
            "load()",
            "df.head()",
        )
    )
    assert _mentions(graph, "NBR102", "df") == []
    assert _mentions(graph, "NBR101", "df") == []
    assert any(s == 1 and t == 2 and "df" in names for s, t, names in _edges(graph))


# -- 2. IPython dedents a cell whose first line is indented --------------------------------


def test_indented_cell_parses_like_ipython(make_notebook: Build) -> None:
    """IPython's `leading_indent` transform strips the first line's indentation from the cell,
    so a cell pasted from a function body (`    threshold = 3`) runs and binds `threshold`.
    nbrefactor reports NBR100 "unexpected indent", and every later use becomes NBR102.
    """
    facts = analyse_source("    threshold = 3\n    scale = 2\n")
    assert facts.parse_error is None
    assert facts.defines == ("threshold", "scale")
    graph = build_graph(
        make_notebook("    threshold = 3\n    scale = 2", "print(threshold * scale)")
    )
    assert _diags(graph, "NBR100") == []
    assert _diags(graph, "NBR102") == []


# -- 3. `x = %time expr` runs expr in the notebook ------------------------------------------


def test_assigned_time_magic_reads_its_statement() -> None:
    """`res = %time train(X)` runs `train(X)` and binds its value (IPython returns it), and
    `r = %timeit -o f(x)` evaluates `f(x)`. nbrefactor masks the whole right side as opaque,
    so `train`, `X`, `f` and `x` are not reads (reads == ()).
    """
    facts = analyse_source("res = %time train(X)\n")
    assert facts.defines == ("res",)
    assert set(facts.reads) >= {"train", "X"}
    assert set(analyse_source("r = %timeit -o f(x)\n").reads) >= {"f", "x"}


def test_assigned_time_magic_does_not_make_inputs_unused(make_notebook: Build) -> None:
    """Follow-on of the above: X and train are used by `res = %time train(X)`, yet
    nbrefactor reports NBR105 "'X' is defined here but never used" (and for `train`)."""
    graph = build_graph(
        make_notebook(
            "X = [1, 2]\ndef train(d):\n    return d", "res = %time train(X)", "print(res)"
        )
    )
    assert _diags(graph, "NBR105") == []
    assert (0, 1, ("train", "X")) in _edges(graph) or (0, 1, ("X", "train")) in _edges(graph)


# -- 4. a loop reads on the next iteration what it binds at the end of the body ------------


def test_loop_carried_variable_is_used(make_notebook: Build) -> None:
    """In `for v in vals: (read last) ...; last = v` the value bound at the end of one
    iteration is read by the next. nbrefactor walks the body once and reports NBR105
    "'last' is defined here but never used"."""
    graph = build_graph(
        make_notebook(
            "vals = [1, 2, 3]",
            "for v in vals:\n    if v > 1:\n        print(v - last)\n    last = v",
        )
    )
    assert _mentions(graph, "NBR105", "last") == []


# -- 5. pandas query/eval read `@name` from the caller's namespace ------------------------


def test_pandas_query_at_variable_is_a_use(make_notebook: Build) -> None:
    """`df.query("price > @min_price")` reads `min_price` from the notebook namespace
    (pandas resolves `@` names in the caller's frame). nbrefactor reports NBR105
    "'min_price' is defined here but never used" on this very common pattern."""
    graph = build_graph(
        make_notebook(
            "import pandas as pd\ndf = pd.DataFrame({'price': [1, 200]})",
            "min_price = 100\ncheap = df.query('price > @min_price')\ncheap",
        )
    )
    assert _mentions(graph, "NBR105", "min_price") == []


# -- 6. module functions named like list methods are not in-place changes ------------------


def test_numpy_append_does_not_mutate_numpy(make_notebook: Build) -> None:
    """`arr = np.append(arr, 2)` returns a new array; it changes neither `np` nor `arr`.
    nbrefactor treats any `.append/.insert/.remove/...` call as mutating its base name,
    so the cell "mutates np" and becomes the provider of `np` for every later cell."""
    graph = build_graph(
        make_notebook(
            "import numpy as np",
            "arr = np.array([3, 1])",
            "arr = np.append(arr, 2)",
            "z = np.zeros(3)\nprint(z)",
        )
    )
    assert "np" not in graph.facts[2].mutates
    assert (0, 3, ("np",)) in _edges(graph)
    assert (2, 3, ("np",)) not in _edges(graph)


def test_os_remove_does_not_mutate_os() -> None:
    """`os.remove(path)` deletes a file; the `os` module object is unchanged, but nbrefactor
    lists `os` under mutates because `remove` is a list method name."""
    assert analyse_source("import os\nos.remove('tmp.csv')\n").mutates == ()


# -- 7. a name deleted above and never re-bound fails on Restart & Run All -----------------


def test_use_after_del_in_an_earlier_cell_is_reported(make_notebook: Build) -> None:
    """Cell 1 does `del df_raw` (freeing memory); cell 2 still uses `df_raw`. Top to bottom,
    cell 2 raises NameError: it only worked because it ran before cell 1 (hidden state).
    nbrefactor reports nothing: the name has an earlier definer, so NBR101/NBR102 are skipped."""
    graph = build_graph(
        make_notebook(
            "df_raw = list(range(5))",
            "df = [x for x in df_raw if x]\ndel df_raw",
            "len(df_raw)",
            "df",
        )
    )
    warned = [
        d.location.cell_index
        for d in graph.diagnostics
        if d.severity == "warning" and "'df_raw'" in d.message
    ]
    assert warned == [2]  # NBR101 or NBR102 (or a new code), once, on cell 2


# -- 8. a lambda body runs when the lambda is called, not when it is defined ---------------


def test_named_lambda_body_is_read_when_called(make_notebook: Build) -> None:
    """`scale = lambda x: x * K` does not read K (Python looks K up when scale() runs, like a
    def). nbrefactor walks the lambda body as if it ran now: NBR101 "'K' is used before cell 1
    defines it" on cell 0, and NBR105 "'K' is defined here but never used" on cell 1, although
    Restart & Run All works and cell 2 uses K."""
    graph = build_graph(make_notebook("scale = lambda x: x * K", "K = 2", "print(scale(3))"))
    assert _mentions(graph, "NBR101", "K") == []
    assert _mentions(graph, "NBR105", "K") == []


# -- 9. vars(obj) reads an object's attributes, not the namespace --------------------------


def test_vars_with_an_argument_is_not_dynamic(make_notebook: Build) -> None:
    """`vars(args)` is `args.__dict__`; only `vars()` without arguments reads the namespace.
    nbrefactor flags NBR106 for it and then silences every later NBR102 and all NBR105."""
    graph = build_graph(
        make_notebook(
            "import argparse\nargs = argparse.Namespace(lr=0.1)",
            "opts = vars(args)",
            "print(opts, undefined_thing)",
        )
    )
    assert _diags(graph, "NBR106") == []
    assert _mentions(graph, "NBR102", "undefined_thing") != []


# -- 10. %pylab is a star import of numpy and pylab ---------------------------------------


def test_pylab_magic_defines_names(make_notebook: Build) -> None:
    """`%pylab inline` runs `np = numpy`, `plt = pyplot`, `from pylab import *` and
    `from numpy import *`. nbrefactor treats it as an ordinary magic and reports NBR102 for
    `linspace`, `plot` and `np`."""
    graph = build_graph(
        make_notebook("%pylab inline", "x = linspace(0, 1, 10)\nplot(x, np.sin(x))")
    )
    assert _diags(graph, "NBR102") == []


# -- 11. columns must point at the user's cell, not at the masked code ---------------------


def test_columns_inside_masked_magics_point_at_the_cell(make_notebook: Build) -> None:
    """docs/explanation/cell-graph.md: "every line and column reported points at your cell". In
    `%time result = compute(data)` `data` starts at column 24, but the read is reported at
    column 18 (the `%time ` prefix is dropped by masking). In `!echo $name` `name` is at
    column 7-8 of an 11-character line, but is reported at column 25 (inside the placeholder)."""
    graph = build_graph(
        make_notebook(
            "%time result = compute(data)",
            "!echo $name",
            "data = 1\nname = 'x'\ndef compute(d):\n    return d",
            "result",
        )
    )
    cols = {
        (d.location.cell_index, d.message.split("'")[1]): d.location.col
        for d in graph.diagnostics
        if d.code == "NBR101"
    }
    assert cols[(0, "data")] == 24
    assert cols[(0, "compute")] == 16
    assert cols[(1, "name")] in (7, 8)


# -- 12. the placeholder must never reach the user -----------------------------------------


def test_magic_binding_does_not_leak_the_placeholder(make_notebook: Build) -> None:
    """`files = !ls *.csv` binds a list of lines. nbrefactor records it as an ordinary call
    of the placeholder (kind "assign", never the "magic" kind graph.py treats as incidental),
    so NBR104 says "'files' ... is now the result of __nbrefactor_magic__()"."""
    graph = build_graph(make_notebook("files = []", "files = !ls *.csv", "print(files)"))
    assert not any(PLACEHOLDER in d.message for d in graph.diagnostics)


# -- 13. libcst scope facts must agree with ast facts -------------------------------------


def test_cst_dotted_import_binds_only_the_top_package() -> None:
    """`import os.path` binds only `os` in Python (facts.py agrees). cst_scope reports
    defines/imports == {'os', 'os.path'}, a name that cannot exist."""
    source = "import os.path\nimport matplotlib.pyplot\n"
    facts = analyse_source(source)
    cst = scope_facts_of_code(facts.masked.code)  # type: ignore[union-attr]
    assert set(facts.defines) == {"os", "matplotlib"}
    assert cst.defines == {"os", "matplotlib"}
    assert cst.imports == {"os", "matplotlib"}


def test_cst_bare_annotation_binds_nothing() -> None:
    """`x: int` with no value does not bind `x` (`x` afterwards raises NameError); facts.py
    agrees, but cst_scope reports x as defined."""
    facts = analyse_source("x: int\n")
    cst = scope_facts_of_code(facts.masked.code)  # type: ignore[union-attr]
    assert facts.defines == ()
    assert cst.defines == frozenset()


# -- 14. IPython assigns shell output to any assignment target -----------------------------


def test_shell_assignment_to_subscript_or_attribute() -> None:
    """IPython turns `d["k"] = !ls` into `d["k"] = get_ipython().getoutput('ls')` (checked
    with TransformerManager and run in an InteractiveShell). nbrefactor only masks simple
    targets, so the cell is reported as not parsing (NBR100)."""
    facts = analyse_source('d = {}\nd["k"] = !ls\ncfg.files = !ls *.csv\n')
    assert facts.parse_error is None
    assert set(facts.mutates) == {"d", "cfg"}


# -- 15. class scope is invisible to comprehensions in the class body ----------------------


def test_class_body_comprehension_reads_the_module_name() -> None:
    """In a class body, `[a for _ in range(3)]` looks `a` up in the module, not the class
    (symtable marks it global; without a module `a` Python raises NameError). nbrefactor
    treats the class attribute `a` as visible and records no read of `a`."""
    facts = analyse_source("class C:\n    a = 1\n    b = [a for _ in range(3)]\n")
    assert "a" in facts.reads


# -- 16. local variable annotations in a function body are never evaluated -----------------


def test_local_annotation_in_a_function_is_not_a_global_read(make_notebook: Build) -> None:
    """Inside a def, `y: Foo = 1` never evaluates `Foo` (f() runs fine without it).
    symtable lists Foo as a global reference, so nbrefactor reports NBR102 "'Foo' is used
    (through f()) but never defined"."""
    facts = analyse_source("def f():\n    y: Foo = 1\n    return y\n")
    assert facts.defs[0].globals_read == frozenset()
    graph = build_graph(make_notebook("def f():\n    y: Foo = 1\n    return y", "f()"))
    assert _diags(graph, "NBR102") == []


# -- 17. a called function that changes a global in place makes the cell its provider ------


def test_function_mutating_a_global_makes_the_calling_cell_the_provider(
    make_notebook: Build,
) -> None:
    """docs/reference/graph.md: an edge comes from "the last cell above B that bound the
    name or changed it in place". `add(1)` in cell 1 changes `items` (add's
    globals_mutated == {'items'}), but the edge for `items` into cell 2 comes from cell 0;
    globals_mutated is never used."""
    graph = build_graph(
        make_notebook("items = []\ndef add(x):\n    items.append(x)", "add(1)", "print(items)")
    )
    assert graph.facts[0].defs[0].globals_mutated == {"items"}
    assert any(s == 1 and t == 2 and "items" in names for s, t, names in _edges(graph))
