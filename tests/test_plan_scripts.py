"""Script code as functions: what a run takes, and the cells that must stay as they are."""

from __future__ import annotations

from collections.abc import Callable

from nbrefactor import Notebook, build_graph
from nbrefactor.planning.planner import plan as make_plan
from nbrefactor.planning.units import ExtractionPlan

Build = Callable[..., Notebook]


def plan(make_notebook: Build, *cells: str) -> ExtractionPlan:
    return make_plan(build_graph(make_notebook(*cells)), "pkg.nb")


def test_a_module_imported_in_the_same_cell_is_a_module_import(make_notebook: Build) -> None:
    result = plan(make_notebook, "import os\nparts = os.sep.join(['a', 'b'])\nprint(parts)")
    (function,) = result.scripts
    assert function.parameters == ()
    assert function.kept_before == "import os"  # stays in the cell, before the call
    assert result.imports == ("import os",)
    assert not result.skipped


def test_code_sharing_a_line_with_code_that_stays_is_not_cut(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "import math",
        "LIMIT = 5; y = math.sqrt(9)\nz = y * 2\nprint(z)",
        "def over(x):\n    return x > LIMIT",
        "over(3)",
    )
    assert result.moved_constants == ("LIMIT",)  # its assignment leaves the cell...
    assert not result.scripts  # ...so the rest of its line cannot move by whole lines


def test_a_name_the_block_makes_and_passes_to_a_moved_function_is_no_hidden_state(
    make_notebook: Callable[..., Notebook],
) -> None:
    notebook = make_notebook(
        "import random",
        "rng = random.Random(3)\n\ndef pick(items):\n    return rng.choice(items)\n\n"
        "chosen = [pick('abc') for _ in range(3)]\nprint(chosen)",
        "chosen",
    )
    result = make_plan(build_graph(notebook), "pkg.nb")
    assert [s.code for s in result.skipped] == []
    (script,) = result.scripts
    assert script.parameters == () and "rng = random.Random(3)" in script.body


def test_a_name_a_later_cell_binds_again_for_sure_is_not_needed_from_before(
    make_notebook: Build,
) -> None:
    # `lat` is set in a loop (maybe never); a later cell always binds it anew before
    # anyone reads it, so the loop's cell need not return it (seen on the corpus: NBR211)
    loop = "lines = []\nfor i in range(3):\n    lat = i * 2.5\n    lines.append(lat)\nprint(lines)"
    rebinds = "lat = len(lines)\nprint(lat)"
    result = plan(make_notebook, loop, rebinds, "lat")
    assert [s.code for s in result.skipped] == []
    assert result.scripts[0].returns == ("lines",)
    # a rebinding on some paths only does not hide the loop's value
    maybe = "if len(lines) > 5:\n    lat = len(lines)\nprint(lines)"
    result = plan(make_notebook, loop, maybe, "lat")
    assert ("NBR211", 0) in [(s.code, s.location.cell_index) for s in result.skipped]
    # nor does one in a `with` body, which a context manager may skip
    suppressed = "with suppress(KeyError):\n    lat = {}['x']\nprint(lines)"
    result = plan(make_notebook, "from contextlib import suppress", loop, suppressed, "lat")
    assert ("NBR211", 1) in [(s.code, s.location.cell_index) for s in result.skipped]


def test_a_run_rebinding_what_a_function_passed_to_a_moved_one_reads_stays(
    make_notebook: Build,
) -> None:
    # double() stays (it is passed around) and reads k; apply_all, which calls it,
    # stays with it (NBR224); a run that sets k and calls apply_all must stay in the
    # notebook too, or double would not see the new k (found by review: wrong output,
    # no error, when apply_all moved and received double)
    result = plan(
        make_notebook,
        "import math\nk = int('2')",
        "def double(v):\n    return v * k",
        "def apply_all(xs):\n    return [double(x) for x in xs]",
        "print(list(map(double, [1, 2])))",
        ("markdown", "## Rescale"),
        "xs = [1, 2, 3]\nk = len(xs)\ndoubled = apply_all(xs)\ntotal = sum(doubled)\nprint(total)",
    )
    assert [d.name for d in result.definitions] == []
    skipped = [(s.code, s.location.cell_index) for s in result.skipped]
    assert ("NBR224", 2) in skipped and ("NBR214", 5) in skipped


def test_the_settings_a_cell_starts_with_stay_in_it(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "import math\n# tune these\nSTEPS = 4\nSCALE = 0.5\n"
        "values = [math.sin(SCALE * i) for i in range(STEPS)]\nprint(max(values))",
    )
    (function,) = result.scripts
    assert function.parameters == ("STEPS", "SCALE")  # range(STEPS) is read first
    assert function.kept_before == "import math\n# tune these\nSTEPS = 4\nSCALE = 0.5"
    assert "STEPS = 4" not in function.body and "tune" not in function.body


def test_accumulators_and_names_the_cell_binds_again_are_not_settings(
    make_notebook: Build,
) -> None:
    result = plan(
        make_notebook,
        "LIMIT = 3\ntotals = []\ncount = 0\nfor i in range(LIMIT):\n"
        "    totals.append(i)\n    count += 1\nprint(totals, count)",
    )
    (function,) = result.scripts
    assert function.kept_before == "LIMIT = 3"  # `totals = []` and `count = 0` move
    assert function.body.lstrip().startswith("totals = []\n    count = 0")


def test_a_cell_starting_with_settings_starts_a_run_and_keeps_them(
    make_notebook: Build,
) -> None:
    # the second cell's settings would otherwise run before the first cell's code
    result = plan(
        make_notebook,
        "import math\nroot = math.sqrt(2)\nhalf = root / 2",
        "RATE = 0.1\nscaled = half * RATE\ngrown = scaled + root\nprint(grown)",
    )
    first, second = result.scripts
    assert first.cells == (0,) and second.cells == (1,)
    assert second.kept_before == "RATE = 0.1" and second.parameters == ("half", "root", "RATE")
    assert second.call.endswith("(half=half, root=root, rate=RATE)")  # the data first


def test_an_earlier_cell_of_a_run_keeps_its_imports_in_place(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "import math\nroot = math.sqrt(2)",
        "half = root / 2\nprint(half)",
    )
    (function,) = result.scripts
    assert function.cells == (0, 1) and function.kept_before == ""
    assert function.kept_in_place == ((0, "import math"),)
    assert function.removed_cells == ()


def test_lines_are_cut_where_python_numbers_them(make_notebook: Build) -> None:
    # str.splitlines() would also split at the U+2028 in the comment and in the string,
    # shifting every line below it: the setting would stay and move, the string break
    result = plan(
        make_notebook,
        'import math\n# note \u2028 here\nN = 3\nroot = math.sqrt(N)\nlabel = "a\u2028b"\n'
        "print(label, root)",
    )
    (function,) = result.scripts
    assert function.kept_before == "import math\n# note \u2028 here\nN = 3"
    body = '    root = math.sqrt(N)\n    label = "a\u2028b"\n    print(label, root)'
    assert function.body == body


def test_a_setting_a_loop_rebinds_before_each_call_is_not_a_parameter(
    make_notebook: Build,
) -> None:
    """`for WINDOW in [12, 36]: flag(...)` passes its own WINDOW to the moved `flag`
    (which reads the notebook's): the run needs no WINDOW from the notebook, and the
    loop over a list that is not empty binds it for sure, so the run can return it."""
    result = plan(
        make_notebook,
        "WINDOW = 36\nvalues = [3, 1, 4, 1, 5, 9, 2, 6]",
        "def flag(column):\n    return [v for v in column[:WINDOW] if v > 2]",
        "results = []\nfor WINDOW in [2, 4]:\n    results.append(flag(values))\nWINDOW = 36",
        "print(results, WINDOW)",
    )
    (script,) = [s for s in result.scripts if "results" in s.returns]
    assert script.parameters == ("values",)
    assert script.returns == ("results", "WINDOW")


def test_a_setting_passed_before_the_run_binds_it_is_a_parameter(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "WINDOW = 36\nvalues = [3, 1, 4, 1, 5, 9, 2, 6]",
        "def flag(column):\n    return [v for v in column[:WINDOW] if v > 2]",
        "first = flag(values)\nWINDOW = 2\nsecond = flag(values)",
        "print(first, second, WINDOW)",
    )
    (script,) = [s for s in result.scripts if "first" in s.returns]
    assert "WINDOW" in script.parameters


def test_the_comment_ending_a_parameter_s_assignment_documents_it(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "g = 9.81  # gravitational acceleration (m/s2)\n"
        "T = 100.0  # noqa: E741\n"
        "drag = 0.5  # type: float\n"
        "# a comment above is about more than one line\nmass = 2.0\nrho = 1.2  # ---",
        "import math\n"
        "area = 0.3  # frontal area (m2), a setting at the top of the cell\n"
        "fall = math.sqrt(2 * T / g) * drag * mass * rho * area\nprint(fall)",
    )
    (function,) = result.scripts
    assert "g: Gravitational acceleration (m/s2)." in function.docstring
    assert "area: Frontal area (m2), a setting at the top of the cell." in function.docstring
    # notes to tools and comments without words say nothing of a value
    assert "noqa" not in function.docstring and "Type:" not in function.docstring
    assert "mass: The notebook's ``mass``." in function.docstring
    assert "rho: The notebook's ``rho``." in function.docstring


def test_a_comment_on_the_empty_list_a_cell_fills_does_not_name_its_function(
    make_notebook: Build,
) -> None:
    result = plan(
        make_notebook,
        "# Create an empty list to hold the squares.\n"
        "squares = []\nfor i in range(5):\n    squares.append(i * i)\nprint(squares)",
    )
    (function,) = result.scripts
    assert not function.name.startswith("create")
    assert "empty list" not in function.docstring


def test_code_reading_a_name_no_cell_defines_stays(make_notebook: Build) -> None:
    # the kernel held `model` when the notebook ran; the module would not
    result = plan(
        make_notebook,
        "import math",
        "scores = [math.sqrt(v) for v in model.predict([1, 4])]\nprint(scores)",
    )
    assert [(s.code, s.location.cell_index) for s in result.skipped] == [("NBR227", 1)]
    assert "'model'" in result.skipped[0].message
    assert not result.scripts


def test_display_in_script_code_is_imported_from_ipython(make_notebook: Build) -> None:
    result = plan(
        make_notebook,
        "import pandas as pd",
        "frame = pd.DataFrame({'a': [1, 2]})\ndisplay(frame)\nprint(len(frame))",
    )
    assert not result.skipped
    assert "from IPython.display import display" in result.imports


def test_a_cell_pasted_again_calls_the_function_of_its_first_run(make_notebook: Build) -> None:
    shown = "# the first rows of both\nprint('True:', truth[:5])\nprint('Pred:', guess[:5])"
    result = plan(
        make_notebook,
        "truth = [1, 0, 1]\nguess = [1, 1, 1]",
        shown,
        "hits = sum(t == g for t, g in zip(truth, guess))\nprint(hits)",
        shown,
    )
    first, *_, again = result.scripts
    assert again.cells == (3,) and again.name == first.name
    assert again.docstring == first.docstring
    assert [s.name for s in result.script_functions].count(first.name) == 1
    assert result.exported.count(first.name) == 1


def test_the_markdown_above_describes_only_the_function_named_after_its_term(
    make_notebook: Build,
) -> None:
    result = plan(
        make_notebook,
        "import math\nvalues = [1.0, 4.0, 9.0]",
        ("markdown", "**Root mean:** the mean of the square roots of the values."),
        "roots = [math.sqrt(v) for v in values]\nroot_mean = sum(roots) / len(roots)\n"
        "print(root_mean)",
        ("markdown", "**Spread:** how far apart the values lie."),
        "# collapse the repeated values\ndistinct = sorted(set(values))\nprint(len(distinct))",
    )
    named, commented = result.scripts
    assert named.name == "report_root_mean"
    assert "The mean of the square roots of the values." in named.docstring
    assert commented.name == "collapse_repeated_values"
    assert "how far apart" not in commented.docstring
