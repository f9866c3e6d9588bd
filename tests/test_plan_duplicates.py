"""Duplicated blocks made one function: alignment of the copies, parameters, returns,
and the copies that must stay."""

from __future__ import annotations

import ast
from collections.abc import Callable

from nbrefactor import Notebook, build_graph
from nbrefactor.analysis.antiunify import align, literal_value
from nbrefactor.planning.planner import plan as make_plan
from nbrefactor.planning.units import ExtractionPlan, SharedFunction

Build = Callable[..., Notebook]

CLEAN = """\
values = data[{key!r}]
kept = []
for {item} in values:
    if {item} is not None and {item} > {low}:
        kept.append({item} * 2)
{result} = kept
"""


def plan(make_notebook: Build, *cells: str) -> ExtractionPlan:
    return make_plan(build_graph(make_notebook(*cells)), "pkg.nb")


def only_shared(result: ExtractionPlan) -> SharedFunction:
    (function,) = result.shared
    return function


def statements(code: str) -> list[ast.stmt]:
    return ast.parse(code).body


def test_renamed_copies_align_names_and_literals() -> None:
    first = statements("a = f(x, 'red')\nb = a + 1")
    second = statements("c = f(y, 'blue')\nd = c + 1")
    alignment = align([first, second])
    assert alignment is not None
    assert alignment.renames[1] == {"c": "a", "f": "f", "y": "x", "d": "b"}
    assert [[n.value for n in slot.nodes[0]] for slot in alignment.literals] == [["red", "blue"]]


def test_copies_that_differ_in_more_than_names_and_literals_do_not_align() -> None:
    base = statements("a = df.mean(x)")
    assert align([base, statements("a = df.median(x)")]) is None  # an attribute
    assert align([base, statements("a = df.mean(x, 1)")]) is None  # an argument more
    assert align([statements("a = b + b"), statements("a = b + c")]) is None  # not a renaming
    assert align([statements("s = f'{x} a'"), statements("s = f'{x} b'")]) is None  # f-string


def two_cleanings(make_notebook: Build, template: str = CLEAN) -> ExtractionPlan:
    """The plan of a notebook with two copies of ``template`` (CLEAN, or CLEAN with
    something before it), for columns ``a`` and ``b``."""
    return plan(
        make_notebook,
        "data = {'a': [1, 5, None], 'b': [7, 2]}",
        template.format(key="a", item="v", low=1, result="clean_a"),
        template.format(key="b", item="w", low=3, result="clean_b"),
        "print(clean_a, clean_b)",
    )


def test_copies_become_one_function_with_literals_as_keywords(make_notebook: Build) -> None:
    result = two_cleanings(make_notebook)
    function = only_shared(result)
    assert function.parameters == ("data",)
    assert function.literals == ("column", "limit")  # `data['a']`, `v > 1`
    assert function.returns == ("clean_a",)  # each call assigns its own name
    calls = [copy.call for copy in function.copies]
    assert calls[0].startswith("clean_a = ") and "column='a', limit=1)" in calls[0]
    assert calls[1].startswith("clean_b = ") and "column='b', limit=3)" in calls[1]
    assert "for v in values" in function.body  # the first copy's names
    assert not result.scripts  # cells holding a copy are not script code too


def test_a_name_the_copies_read_differently_is_a_parameter(make_notebook: Build) -> None:
    body = (
        "total = 0\nbiggest = None\nfor row in {rows}:\n    total += row * 2\n"
        "    biggest = row if biggest is None else max(biggest, row)\nprint(total, biggest)"
    )
    result = plan(
        make_notebook,
        "north = [1, 2]\nsouth = [3, 4]",
        body.format(rows="north"),
        body.format(rows="south"),
    )
    function = only_shared(result)
    assert function.parameters == ("north",)
    assert [copy.call for copy in function.copies] == [
        f"{function.name}(north)",
        f"{function.name}(south)",
    ]
    assert function.returns == ()  # nothing later reads `total`; loop variables never leak


def test_a_parameter_in_capitals_is_snake_case_in_the_function_only(make_notebook: Build) -> None:
    body = (
        "lift = 0.5 * 1.2 * {t} ** 2 * {cl}\ndrag = lift / (3.14 * 7.5)\n"
        "ratio = lift / drag\nprint(round(ratio, 3))"
    )
    result = plan(
        make_notebook,
        "CL, T = 0.8, 12.0\nCL_B, T_B = 0.6, 9.0",  # settings: they stay
        body.format(t="T", cl="CL"),
        body.format(t="T_B", cl="CL_B"),
    )
    function = only_shared(result)
    assert function.parameters == ("CL", "T")
    assert dict(function.renamed) == {"CL": "cl", "T": "t"}
    assert "t: Setting, as the notebook sets it." in function.docstring
    assert [copy.call for copy in function.copies] == [
        f"{function.name}(CL, T)",  # positional: each copy passes its own names
        f"{function.name}(CL_B, T_B)",
    ]
    assert not result.scripts  # the cell of settings stays as it is


def test_a_copy_ending_in_a_displayed_expression_keeps_it(make_notebook: Build) -> None:
    body = "df = df.drop_duplicates()\ndf = df.reset_index(drop=True)\nn = len(df)\ndf.head()"
    result = plan(make_notebook, "import pandas as pd\ndf = pd.DataFrame()", body, body)
    function = only_shared(result)
    assert function.returns == ("df",)  # read by the displayed expression after the call
    assert all(copy.end == 3 for copy in function.copies)  # `df.head()` stays in the cell
    assert "head" not in function.body


def test_copies_that_write_a_name_a_notebook_function_reads_stay(make_notebook: Build) -> None:
    body = "LIMIT = 3\nhits = [x for x in data if over(x)]\nprint(len(hits), 'hits')\nLIMIT += 1"
    result = plan(
        make_notebook,
        "data = [1, 5, 9]\nLIMIT = 2\ncalls = 0",
        "def over(x):\n    global calls\n    calls += 1\n    return x > LIMIT",  # stays
        body,
        body,
    )
    assert not result.shared
    assert [s.code for s in result.skipped if s.message.startswith("'copies")] == ["NBR214"]


def test_copies_sharing_a_line_with_other_code_stay(make_notebook: Build) -> None:
    body = "a = [1, 2, 3]\nb = [x * 2 for x in a]\nc = sum(b) + len(a)\nprint(c, b, a)"
    result = plan(make_notebook, "z = 0; " + body, "print('go'); " + body)
    assert not result.shared  # the copies start after other code on the same line


def test_a_literal_assignment_sharing_a_line_stays_in_the_body(make_notebook: Build) -> None:
    body = "col = {key!r}; m = data[col] * 2\nn = m + 1\nout = [n, m, col]\nprint(out, len(out))"
    result = plan(
        make_notebook,
        "data = {'a': 1, 'b': 2}",
        body.format(key="a"),
        body.format(key="b"),
    )
    function = only_shared(result)
    assert "m = data[col] * 2" in function.body  # not cut away with `col = ...`


def test_a_signed_number_is_a_literal_like_any_other() -> None:
    # Python parses `-1` as an operation on 1: copies with -1 and 2 are still renamed copies
    alignment = align([statements("b = a.shift(-1) * 2.5"), statements("d = c.shift(2) * -0.5")])
    assert alignment is not None
    values = [[literal_value(n) for n in slot.nodes[0]] for slot in alignment.literals]
    assert sorted(values) == [[-1, 2], [2.5, -0.5]]
    assert align([statements("b = -x"), statements("b = -1")]) is None  # not a literal
    assert align([statements("b = -1"), statements("b = ~1")]) is None  # another operator


def test_a_signed_literal_becomes_a_keyword_with_its_sign(make_notebook: Build) -> None:
    block = "moved = df.copy()\nmoved['x'] = moved['x'].shift({n})\nmoved = moved.dropna()\n"
    result = plan(
        make_notebook,
        "import pandas as pd\ndf = pd.DataFrame({'x': [1, 2, 3, 4, 5]})",
        block.format(n=-1) + "print(moved)",
        block.format(n=2) + "print(moved)",
    )
    function = only_shared(result)
    assert "moved['x'].shift(int_value)" in function.body
    assert ["int_value=-1" in c.call for c in function.copies] == [True, False]
    assert "int_value=2" in function.copies[1].call


def test_a_literal_compared_for_equality_is_named_after_what_it_is_compared_with(
    make_notebook: Build,
) -> None:
    block = (
        "sub = logs[logs['endpoint'] == {name!r}]\nslow = sub[sub.ms > {ms}]\n"
        "rate = len(slow) / len(sub)\nprint(round(rate, 3))"
    )
    result = plan(
        make_notebook,
        "import pandas as pd\nlogs = pd.DataFrame({'endpoint': ['a', 'b'], 'ms': [5, 50]})",
        block.format(name="a", ms=10),
        block.format(name="b", ms=20),
    )
    assert only_shared(result).literals == ("endpoint", "limit")


def test_literals_in_match_patterns_are_not_parameters() -> None:
    code = "match mode:\n    case {!r}:\n        speed = 1\n    case _:\n        speed = 0\n"
    assert align([statements(code.format("fast")), statements(code.format("slow"))]) is None


def test_function_names_never_shadow_ipython_names() -> None:
    from nbrefactor.planning.naming import Names

    assert Names(set()).unique("display") == "display_2"


def test_copies_are_named_by_the_first_clause_of_their_comment(make_notebook: Build) -> None:
    result = two_cleanings(make_notebook, "# Drop the rows that have no reading.\n" + CLEAN)
    function = only_shared(result)
    assert function.name == "drop_rows"  # not drop_rows_have: "that" ends the clause
    assert '"""Drop the rows that have no reading.' in function.docstring


def test_a_comment_on_the_empty_list_the_copies_fill_does_not_name_them(
    make_notebook: Build,
) -> None:
    fill = (
        "# Create an empty list that will contain the scaled values.\n"
        "{result} = []\nvalues = data[{key!r}]\nfor v in values:\n"
        "    if v is not None:\n        {result}.append(v * {factor})\n"
        "print(len({result}), 'scaled')\n"
    )
    result = plan(
        make_notebook,
        "data = {'a': [1, 5], 'b': [7, 2]}",
        fill.format(key="a", factor=2, result="scaled_a"),
        fill.format(key="b", factor=3, result="scaled_b"),
        "print(scaled_a, scaled_b)",
    )
    function = only_shared(result)
    assert not function.name.startswith("create")
    assert "empty list" not in function.docstring
