"""Per-cell facts: exact scoping, evaluation order, and agreement between ast and libcst."""

from __future__ import annotations

import pytest

from nbrefactor import analyse_source, read_notebook
from tests.conftest import all_notebooks
from tests.cst_scope import scope_facts_of_code


def test_generator_variable_in_call_argument_is_not_a_cell_name() -> None:
    facts = analyse_source("total = sum(price * qty for price in prices)\n")
    assert facts.defines == ("total",)
    assert set(facts.reads) == {"sum", "qty", "prices"}
    assert "price" not in facts.reads + facts.defines


def test_nested_comprehensions() -> None:
    facts = analyse_source("grid2 = [[cell * scale for cell in row] for row in grid if row]\n")
    assert facts.defines == ("grid2",)
    assert set(facts.reads) == {"scale", "grid"}


def test_comprehension_first_iterable_is_evaluated_outside() -> None:
    facts = analyse_source("pairs = {k: v for k, v in mapping.items() if v > cutoff}\n")
    assert set(facts.reads) == {"mapping", "cutoff"}


def test_loop_variables_are_cell_names() -> None:
    facts = analyse_source("for i, row in enumerate(rows):\n    acc = acc + row\n")
    assert facts.defines == ("i", "row", "acc")
    assert set(facts.reads) == {"enumerate", "rows", "acc"}


def test_augmented_assignment_reads_then_writes() -> None:
    facts = analyse_source("count += step\n")
    assert facts.reads == ("count", "step")
    assert facts.defines == ("count",)


def test_assignment_evaluates_the_right_side_first() -> None:
    assert analyse_source("x = x + 1\n").reads == ("x",)
    assert analyse_source("x = 1\ny = x + 1\n").reads == ()


def test_global_in_function() -> None:
    facts = analyse_source("def bump():\n    global counter\n    counter += step\n")
    assert facts.defines == ("bump",)
    assert facts.reads == ()
    (bump,) = facts.defs
    assert bump.globals_written == {"counter"}
    assert bump.globals_read == {"counter", "step"}


def test_function_reading_globals_and_locals() -> None:
    source = (
        "def score(df, weights=DEFAULT_WEIGHTS):\n"
        "    total = 0\n"
        "    for col, w in weights.items():\n"
        "        total = total + df[col] * w * SCALE\n"
        "    return [t for t in total if t > THRESHOLD]\n"
    )
    facts = analyse_source(source)
    assert facts.reads == ("DEFAULT_WEIGHTS",)  # the default is evaluated at def time
    assert facts.defs[0].globals_read == {"SCALE", "THRESHOLD"}


def test_attribute_and_subscript_mutation() -> None:
    facts = analyse_source(
        "df['ratio'] = df['a'] / df['b']\n"
        "cfg.verbose = True\n"
        "items.append(4)\n"
        "frame.dropna(inplace=True)\n"
        "matrix[0][1] += 1\n"
        "frame.dropna()\n"
    )
    assert facts.mutates == ("df", "cfg", "items", "frame", "matrix")
    assert facts.defines == ()
    assert set(facts.reads) == {"df", "cfg", "items", "frame", "matrix"}


def test_function_mutating_a_global() -> None:
    facts = analyse_source("def remember(x):\n    SEEN.add(x)\n    CACHE[x] = 1\n")
    assert facts.defs[0].globals_mutated == {"SEEN", "CACHE"}


def test_del() -> None:
    facts = analyse_source("del tmp, other['key']\n")
    assert facts.deletes == ("tmp",)
    assert facts.mutates == ("other",)
    assert facts.reads == ("tmp", "other")


def test_del_then_rebind_is_not_left_deleted() -> None:
    assert analyse_source("del x\nx = 2\n").deletes == ()


def test_star_import_and_dynamic_code() -> None:
    facts = analyse_source("from pylab import *\nexec(code)\nvalue = eval('1 + 1')\n")
    assert facts.star_imports == ("pylab",)
    assert facts.dynamic == ("exec()", "eval()")


def test_imports() -> None:
    facts = analyse_source(
        "from __future__ import annotations\n"
        "import os.path\nimport numpy as np\nfrom collections import Counter as C\n"
    )
    assert facts.imports == ("os", "np", "C")
    assert facts.defines == ("os", "np", "C")


def test_walrus_binds_in_the_cell_even_inside_a_comprehension() -> None:
    facts = analyse_source("if (n := len(data)) > 10:\n    print(n)\n")
    assert facts.defines == ("n",)
    assert "n" not in facts.reads
    comp = analyse_source("hits = [y for x in xs if (y := f(x))]\n")
    assert set(comp.defines) == {"y", "hits"}


def test_match_statement() -> None:
    source = (
        "match command:\n"
        "    case Point(x=px, y=0):\n"
        "        hit = px\n"
        "    case [first, *rest]:\n"
        "        hit = first\n"
        "    case {'k': kv, **others}:\n"
        "        hit = kv\n"
        "    case Color.RED:\n"
        "        hit = None\n"
        "print(hit)\n"
    )
    facts = analyse_source(source)
    assert set(facts.defines) == {"px", "hit", "first", "rest", "kv", "others"}
    assert set(facts.reads) == {"command", "Point", "Color", "print", "hit"}


def test_match_with_wildcard_binds_on_every_path() -> None:
    source = "match c:\n    case 1:\n        y = 1\n    case _:\n        y = 2\nprint(y)\n"
    assert "y" not in analyse_source(source).reads


def test_decorators_defaults_and_annotations_are_read_at_def_time() -> None:
    facts = analyse_source(
        "@lru_cache(maxsize=SIZE)\ndef f(a: Arr = DEFAULT) -> Out:\n    return a + OFFSET\n"
    )
    assert set(facts.reads) == {"lru_cache", "SIZE", "Arr", "DEFAULT", "Out"}
    assert facts.defs[0].globals_read == {"OFFSET"}
    assert facts.defs[0].line == 1


def test_class_body_runs_now_and_methods_read_globals_later() -> None:
    source = (
        "class Model(Base):\n"
        "    rate = RATE\n"
        "    scaled = rate * 2\n"
        "    def fit(self, X):\n"
        "        return X * rate + LATER\n"
    )
    facts = analyse_source(source)
    assert facts.defines == ("Model",)
    assert set(facts.reads) == {"Base", "RATE"}  # `rate` in the body is the class attribute
    # methods cannot see class attributes: `rate` in fit() is a module-level name
    assert facts.defs[0].globals_read == {"rate", "LATER"}


def test_named_lambda_is_a_function_read_when_called() -> None:
    facts = analyse_source("key = lambda row, k=DEFAULT: row[col] + k\n")
    assert set(facts.reads) == {"DEFAULT"}  # the default is evaluated now, the body later
    assert facts.defs[0].name == "key"
    assert facts.defs[0].globals_read == {"col"}


def test_inline_lambda_body_is_read_now() -> None:
    facts = analyse_source("rows.sort(key=lambda row, k=DEFAULT: row[col] + k)\n")
    assert set(facts.reads) == {"rows", "DEFAULT", "col"}


def test_name_bound_on_one_branch_only_is_still_read() -> None:
    facts = analyse_source(
        "if flag:\n    y = 1\nelse:\n    y = 2\nif other:\n    z = 1\nprint(y, z)\n"
    )
    assert "y" not in facts.reads
    assert "z" in facts.reads


def test_loop_body_may_not_run() -> None:
    facts = analyse_source("for r in rows:\n    last = r\nprint(last)\n")
    assert "last" in facts.reads


def test_except_name_is_unbound_after_the_handler() -> None:
    facts = analyse_source(
        "try:\n    v = compute()\nexcept ValueError as err:\n    v = None\n    print(err)\n"
    )
    assert "err" not in facts.defines
    assert "err" not in facts.reads
    assert "v" in facts.defines


def test_with_binds_its_target() -> None:
    facts = analyse_source("with open(path) as fh:\n    text = fh.read()\n")
    assert facts.defines == ("fh", "text")
    assert set(facts.reads) == {"open", "path"}


def test_magic_reads_and_timeit_isolation() -> None:
    facts = analyse_source("%timeit -n1 -r1 tmp = f(x)\nfiles = !ls {folder}\n")
    assert facts.defines == ("files",)  # timeit's own scope does not leak `tmp`
    assert set(facts.reads) == {"f", "x", "folder"}
    assert facts.magic_reads == {"folder"}


def test_time_magic_binds_in_the_notebook() -> None:
    assert analyse_source("%time y = g(1)\n").defines == ("y",)
    assert analyse_source("%%time\ny = g(1)\n").defines == ("y",)


def test_capture_binds_its_variable() -> None:
    assert analyse_source("%%capture out\nprint(1)\n").defines == ("out",)


def test_run_magic_is_dynamic() -> None:
    assert analyse_source("%run helpers.py\n").dynamic == ("%run",)


def test_cell_that_does_not_parse() -> None:
    facts = analyse_source("x = (1,\ny = 2\n")
    assert facts.parse_error is not None
    assert facts.parse_error.line == 1
    assert facts.defines == ()


def test_redefinition_shapes() -> None:
    facts = analyse_source(
        "df = pd.read_csv(p)\ndf = df.dropna()\nn = 3\nfig, ax = plt.subplots()\n"
    )
    shapes = [(b.name, b.shape, b.derived, b.unpacked) for b in facts.bindings]
    assert shapes == [
        ("df", "call:pd.read_csv", False, False),
        ("df", "call:df.dropna", True, False),
        ("n", "int", False, False),
        ("fig", "", False, True),
        ("ax", "", False, True),
    ]


# -- ast and libcst must agree -------------------------------------------------------------

SCOPING_CASES = [
    "total = sum(price * qty for price in prices)\n",
    "grid2 = [[c * s for c in row] for row in grid if row]\n",
    "for i, row in enumerate(rows):\n    acc = acc + row\n",
    "count += step\n",
    "def bump():\n    global counter\n    counter += step\n",
    "df['x'] = 1\nlst.append(2)\nobj.attr = 3\n",
    "del tmp\n",
    "from os.path import *\nimport numpy as np\nfrom a.b import c as d\n",
    "if (n := len(data)) > 10:\n    print(n)\nhits = [y for x in xs if (y := f(x))]\n",
    "match cmd:\n    case Point(x=px):\n        hit = px\n    case [a, *rest]:\n        hit = a\n"
    "    case {'k': v, **kw}:\n        hit = v\n",
    "@deco(ARG)\ndef f(a=DEF):\n    return a + G + [k for k in K]\n",
    "class C(B):\n    attr = A\n    def m(self):\n        return attr + OTHER + self.x\n",
    "try:\n    v = f()\nexcept E as err:\n    print(err)\n",
    "with open(p) as fh, lock:\n    data = fh.read()\n",
    "def outer():\n    x = 1\n    def inner():\n        nonlocal x\n        return x + Y\n"
    "    return inner\n",
    "key = lambda r: r[col]\nresult = sorted(rows, key=key)\n",
    "async def fetch(url):\n    async with session.get(url) as r:\n        return await r.json()\n",
]


def _example_cells() -> list[str]:
    sources = []
    for path in all_notebooks():
        sources.extend(cell.source for cell in read_notebook(path).code_cells)
    return sources


@pytest.mark.parametrize("source", SCOPING_CASES + _example_cells())
def test_ast_and_libcst_agree(source: str) -> None:
    facts = analyse_source(source)
    assert facts.parse_error is None and facts.masked is not None
    if facts.masked.isolated_lines:
        pytest.skip("%timeit scoping comes from the mask, which libcst does not see")
    cst = scope_facts_of_code(facts.masked.code)
    assert set(facts.defines) == cst.defines
    assert set(facts.imports) == cst.imports
    assert {d.name: d.globals_read for d in facts.defs} == dict(cst.functions)


def test_compile_time_warnings_do_not_break_analysis() -> None:
    # pytest turns warnings into errors here, as `python -W error` would for a user
    facts = analyse_source('import re\npattern = re.compile("\\d+")\nx = 1if flag else 2\n')
    assert facts.parse_error is None
    assert facts.defines == ("re", "pattern", "x")
