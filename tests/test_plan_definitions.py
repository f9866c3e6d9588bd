"""Planning the move of existing definitions: what they need, and what stays (NBR2xx)."""

from __future__ import annotations

from collections.abc import Callable

from nbrefactor import Notebook, build_graph
from nbrefactor.planning.definitions import plan_definitions
from nbrefactor.planning.planner import plan as plan_notebook
from nbrefactor.planning.units import ExtractionPlan

Build = Callable[..., Notebook]


def plan(make_notebook: Build, *cells: str) -> ExtractionPlan:
    return plan_definitions(build_graph(make_notebook(*cells)), "pkg.nb")


def moved(result: ExtractionPlan) -> dict[str, tuple[str, ...]]:
    return {d.name: d.parameters for d in result.definitions}


def reasons(result: ExtractionPlan) -> dict[str, str]:
    return {s.message.split("' not extracted")[0][1:]: s.code for s in result.skipped}


def test_a_function_reading_a_notebook_variable_gets_it_as_a_parameter(
    make_notebook: Build,
) -> None:
    result = plan(
        make_notebook,
        "import pandas as pd\ndf = pd.DataFrame({'x': [1, 2]})",
        "def total(column):\n    return df[column].sum() * SCALE",
        "SCALE = 2",
        "total('x')",
    )
    assert moved(result) == {"total": ("df",)}
    assert result.constants == ("SCALE = 2",)
    assert result.imports == ()  # pd is read by the notebook, not by total()


def test_imports_the_module_needs(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "import numpy as np\nfrom collections import Counter as C\nimport os.path",
        "def stats(xs):\n    return np.mean(xs), C(xs), os.path.sep",
    )
    assert moved(result) == {"stats": ()}
    assert set(result.imports) == {
        "import numpy as np",
        "from collections import Counter as C",
        "import os.path",
    }


def test_a_constant_that_changes_is_a_parameter(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "LIMIT = 0.5",
        "def over(x):\n    return x > LIMIT",
        "LIMIT = 0.6\nover(0.55)",
    )
    assert moved(result) == {"over": ("LIMIT",)}
    assert result.constants == ()


def test_a_mutated_constant_is_a_parameter(make_notebook: Build) -> None:
    result = plan(
        make_notebook, "SEEN = []", "def seen(x):\n    return x in SEEN", "SEEN.append(1)"
    )
    assert moved(result) == {"seen": ("SEEN",)}


def test_callers_of_a_function_that_needs_parameters_need_them_too(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "df = load()",
        "def base():\n    return df.x\n\ndef twice():\n    return base() * 2",
        "twice()",
    )
    assert moved(result) == {"base": ("df",), "twice": ("df",)}


def test_functions_that_call_each_other_move_together(make_notebook: Build) -> None:
    result = plan(
        make_notebook, "def a(x):\n    return x + 1", "def b(x):\n    return a(x) * 2", "b(1)"
    )
    assert moved(result) == {"a": (), "b": ()}


def test_nbr201_writes_a_global(make_notebook: Build) -> None:
    result = plan(make_notebook, "n = 0", "def bump():\n    global n\n    n += 1", "bump()")
    assert reasons(result) == {"bump": "NBR201"}
    assert str(result.skipped[0]).startswith("test.ipynb:cell_2:1:1: NBR201 'bump' not extracted")


def test_nbr202_used_as_a_value_while_needing_parameters(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "cut = 3",
        "def big(x):\n    return x > cut",
        "cut = 4\nkept = list(filter(big, [1, 5]))",
    )
    assert reasons(result) == {"big": "NBR202"}


def test_a_caller_of_a_function_that_stays_stays_with_it(make_notebook: Build) -> None:
    # tokenize stays (it needs `pattern` and is passed to map); moving score, which
    # calls it, would take tokenize as a parameter: score(text, *, tokenize). Nobody
    # writes that, so score stays too, and says why (NBR224)
    result = plan(
        make_notebook,
        "import re\npattern = re.compile('[a-z]+')",
        "def tokenize(text):\n    return pattern.findall(text)",
        "tokens = list(map(tokenize, ['a b']))",
        "def score(text):\n    return len(tokenize(text))",
        "score('a b c')",
    )
    assert reasons(result) == {"tokenize": "NBR202", "score": "NBR224"}
    assert (
        "calls a function or class that stays in the notebook: tokenize() (tokenize() NBR202)"
        in str(result.skipped[-1])
    )
    assert moved(result) == {}


def test_nbr209_a_caller_with_a_local_of_the_needed_name(make_notebook: Build) -> None:
    # moving is_high would make count_high pass its own threshold (0.9) to it
    result = plan(
        make_notebook,
        "import statistics\nvalues = [0.2, 0.7]\nthreshold = statistics.mean(values)",
        "def is_high(v):\n    return v > threshold",
        "def count_high(vals):\n    threshold = 0.9\n    return sum(is_high(v) for v in vals)",
        "def by_name(threshold):\n    return threshold",
        "print(count_high(values), is_high(0.6))",
    )
    # and count_high, which would receive is_high, stays with it
    assert reasons(result) == {"is_high": "NBR209", "count_high": "NBR224"}
    assert "'threshold', a local name in count_high()" in result.skipped[0].message
    assert moved(result) == {"by_name": ()}


def test_a_function_without_parameters_may_be_passed_around(make_notebook: Build) -> None:
    result = plan(make_notebook, "def double(x):\n    return 2 * x", "list(map(double, [1, 2]))")
    assert moved(result) == {"double": ()}


def test_the_last_version_of_a_function_defined_again_moves(make_notebook: Build) -> None:
    result = plan(make_notebook, "def f():\n    return 1", "f()", "def f():\n    return 2", "f()")
    assert moved(result) == {"f": ()} and reasons(result) == {}
    (definition,) = result.definitions
    assert definition.cell == 2 and definition.redefines  # imported there; cell 0 keeps its f


def test_nbr203_defined_twice_and_the_last_version_cannot_move(make_notebook: Build) -> None:
    twice_in_one_cell = plan(make_notebook, "def f():\n    return 1\ndef f():\n    return 2")
    assert reasons(twice_in_one_cell) == {"f": "NBR203"}
    also_assigned = plan(make_notebook, "def f():\n    return 1", "f = print", "f(2)")
    assert reasons(also_assigned) == {"f": "NBR203"}
    # calls of the first version could not pass the new parameter
    needs_more = plan(
        make_notebook, "k = int('3')", "def f():\n    return 1", "def f():\n    return k", "f()"
    )
    assert reasons(needs_more) == {"f": "NBR203"}
    # g() would call the module's f even before the last version is defined
    used_before = plan(
        make_notebook,
        "def f():\n    return 1",
        "def g():\n    return f() + 1",
        "print(g())",
        "def f():\n    return 2",
    )
    # g() would receive f as a parameter: it stays with f
    assert reasons(used_before) == {"f": "NBR203", "g": "NBR224"}


def test_nbr204_magics_inside(make_notebook: Build) -> None:
    result = plan(make_notebook, "def run():\n    %time x = 1\n    return 2")
    assert reasons(result) == {"run": "NBR204"}


def test_nbr205_dynamic_code(make_notebook: Build) -> None:
    result = plan(make_notebook, "def run(code):\n    return eval(code)")
    assert reasons(result) == {"run": "NBR205"}


def test_nbr227_a_name_no_cell_defines(make_notebook: Build) -> None:
    # `Graph` came from another notebook run in the same kernel: a module would not have it
    result = plan(make_notebook, "def board():\n    return Graph()", "print(len)")
    assert reasons(result) == {"board": "NBR227"}
    assert "'Graph'" in result.skipped[0].message


def test_what_ipython_gives_a_notebook_is_imported(make_notebook: Build) -> None:
    shows = "def show(frame):\n    display(frame.head())\n    return get_ipython()"
    result = plan(make_notebook, shows)
    assert moved(result) == {"show": ()}
    assert set(result.imports) == {
        "from IPython.display import display",
        "from IPython import get_ipython",
    }


def test_nbr206_output_history(make_notebook: Build) -> None:
    result = plan(make_notebook, "1 + 1", "def last():\n    return _")
    assert reasons(result) == {"last": "NBR206"}


def test_nbr207_class_reading_notebook_variables(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "df = load()\nRATE = 2",
        "class Model:\n    def fit(self):\n        return df * RATE",
    )
    assert reasons(result) == {"Model": "NBR207"}


def test_a_class_reading_only_constants_moves(make_notebook: Build) -> None:
    result = plan(
        make_notebook, "RATE = 2", "class Model:\n    def fit(self, x):\n        return x * RATE"
    )
    assert moved(result) == {"Model": ()}
    assert result.constants == ("RATE = 2",)


def test_nbr208_default_value_from_the_notebook(make_notebook: Build) -> None:
    result = plan(make_notebook, "df = load()", "def head(frame=df):\n    return frame.head()")
    assert reasons(result) == {"head": "NBR208"}


def test_a_constant_moves_out_of_the_notebook_with_the_function_reading_it(
    make_notebook: Build,
) -> None:
    result = plan(
        make_notebook,
        "import math",
        "LIMIT = 10\nSCALE = 3\nprint(SCALE)",  # SCALE is read in its own cell: it stays
        "def capped(x):\n    return min(x, LIMIT) * SCALE",
        "capped(12), LIMIT",
    )
    assert result.constants == ("LIMIT = 10", "SCALE = 3")
    assert result.moved_constants == ("LIMIT",)  # one copy, in the module; imported back


def test_a_constant_read_before_the_import_cell_stays(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "LIMIT = 10",
        "print(LIMIT)",  # runs before the import cell, which goes after the imports
        "import math",
        "def capped(x):\n    return min(x, LIMIT)",
    )
    assert result.constants == ("LIMIT = 10",)
    assert result.moved_constants == ()


def test_numbered_output_history_keeps_code_in_the_notebook(make_notebook: Build) -> None:
    from nbrefactor.planning.planner import plan as plan_all

    cells = (
        "rows = [1, 2, 3]\nrows",
        "def last_total():\n    return sum(_2)",  # Out[2]: exists only in the kernel
        "first = _1[0]\nsecond = first * 2\nprint(first, second)",
    )
    result = plan_all(build_graph(make_notebook(*cells)), "pkg.nb")
    assert reasons(result) == {"last_total": "NBR206", "cell 3": "NBR213"}
    assert not result.definitions and not result.scripts


def test_a_class_calling_a_function_that_gains_parameters_stays(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "rate = len([1, 2])",  # a notebook variable, not a constant
        "def load(x):\n    return x * rate",
        "class Loader:\n    def load(self):\n        return load(2)",
        "Loader().load()",
    )
    assert moved(result) == {"load": ("rate",)}
    assert reasons(result) == {"Loader": "NBR207"}  # its method could not pass `rate`


def test_the_import_cell_comes_before_a_staying_function_needs_what_moved(
    make_notebook: Build,
) -> None:
    # the first bump() stays, calls scale() (which moves) and is called in cell 2: the
    # import cell must come before that, not just before cell 4 that names scale itself
    # (found by benchmarks/soundness.py, seed 1901: a NameError)
    notebook = make_notebook(
        "def scale(x):\n    return x * 7 + 1",
        "def bump(x):\n    return scale(x) - 1",
        "values = list(map(bump, [1, 2]))\nvalues",
        "def bump(x):\n    return x * 2 + 1",
        "import math\nprint(scale(2), bump(1), math.pi)",
    )
    result = plan_notebook(build_graph(notebook), "pkg.nb")
    assert [(d.name, d.cell) for d in result.definitions] == [("scale", 0), ("bump", 3)]
    assert result.layout is not None and result.layout.import_cell <= 1
