"""mypy's report on a staged package, placed in the definitions it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbrefactor.codemods.add_annotations import Annotations
from nbrefactor.emit.checked_hints import LeftOut, TypeHints, without_blamed
from nbrefactor.verification.type_check import TypeFinding, new_errors, type_errors

MODULE = '''"""Code moved out of nb.ipynb by nbrefactor."""


def halve(count: int) -> int:
    count = count / 2
    return count


def untouched(values):
    values = "not checked: no annotations"
    return values


class Meter:
    def read(self) -> int:
        return "x"


total: int = "zero"
'''


def test_each_error_is_placed_in_its_module_and_definition(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nb.py").write_text(MODULE)

    found = type_errors(["pkg"], cwd=tmp_path)

    assert found is not None
    assert [(f.module, f.scope, f.line) for f in found] == [
        ("pkg.nb", "halve", 5),
        ("pkg.nb", "Meter", 16),
        ("pkg.nb", "", 19),
    ]
    assert found[0].message.startswith(
        'Incompatible types in assignment (expression has type "float"'
    )


def test_a_package_mypy_cannot_find_is_no_report(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    assert type_errors(["missing"], cwd=tmp_path) is None


def test_new_errors_are_told_apart_by_definition_and_message_not_line() -> None:
    before = [
        TypeFinding("pkg.nb", "", 3, 'Library stubs not installed for "yaml"'),
        TypeFinding("pkg.nb", "mine", 10, "Name used before definition"),
    ]
    after = [  # annotations moved every line down
        TypeFinding("pkg.nb", "", 3, 'Library stubs not installed for "yaml"'),
        TypeFinding("pkg.nb", "mine", 12, "Name used before definition"),
        TypeFinding("pkg.nb", "mine", 14, "Name used before definition"),
        TypeFinding("pkg.nb", "scaled", 20, "Unsupported operand types"),
    ]
    assert new_errors(before, after) == after[2:]


TYPES = {
    ("pkg.nb", "plot_counts"): Annotations({"counts": "pd.Series", "ax": "Axes"}, "None"),
    ("pkg.nb", "ratio"): Annotations({"total": "int", "part": "int"}, "int"),
    ("pkg.nb", "scaled"): Annotations({"values": "list[float]"}, "list[float]"),
}


def finding(scope: str, code: str, message: str = "Incompatible types") -> TypeFinding:
    return TypeFinding("pkg.nb", scope, 1, message, code)


def test_the_annotations_named_where_mypy_complains_are_left_out_first() -> None:
    types, left_out = without_blamed(
        TYPES,
        [
            finding("plot_counts", "ax.bar(counts.index, counts.values)", "Argument 2 ..."),
            finding("ratio", "return part / total", "Incompatible return value type"),
            finding("scaled", "result = [v * 2 for v in result]"),  # no parameter named
        ],
    )
    assert types == {  # pandas' type goes before matplotlib's
        ("pkg.nb", "plot_counts"): Annotations({"ax": "Axes"}, "None"),
        ("pkg.nb", "ratio"): Annotations({}, ""),
    }
    assert [left.describe() for left in left_out.values()] == [
        "plot_counts: `counts` left unannotated, mypy reports with it: Argument 2 ...",
        "ratio: `part`, `total`, its return left unannotated, mypy reports with them: "
        "Incompatible return value type",
        "scaled: left unannotated, mypy reports with them: Incompatible types",
    ]


PLOTTING = """
def plot_counts(counts, ax):
    shown = counts.sort_index()
    ax.bar(shown.index, shown.values)
"""


def test_what_the_names_of_an_error_line_were_computed_from_is_blamed() -> None:
    """`shown` comes from the frame `counts`: its annotation goes, not the axes'."""
    types, left_out = without_blamed(
        TYPES,
        [finding("plot_counts", "ax.bar(shown.index, shown.values)", "Argument 2 ...")],
        sources={"pkg.nb": PLOTTING},
    )
    assert types[("pkg.nb", "plot_counts")] == Annotations({"ax": "Axes"}, "None")
    assert left_out[("pkg.nb", "plot_counts")].parts == ("counts",)


def test_a_function_narrowed_down_twice_loses_all_its_annotations() -> None:
    first = [finding("plot_counts", "ax.bar(counts.index, counts.values)")]
    types, left_out = without_blamed(TYPES, first)
    types, left_out = without_blamed(types, [finding("plot_counts", "ax.set_xlim(0, n)")], left_out)
    assert types[("pkg.nb", "plot_counts")] == Annotations({}, "None")
    assert left_out[("pkg.nb", "plot_counts")].parts == ("counts", "ax")
    types, left_out = without_blamed(types, [finding("plot_counts", "ax.set_ylim()")], left_out)
    assert ("pkg.nb", "plot_counts") not in types
    assert left_out[("pkg.nb", "plot_counts")] == LeftOut("plot_counts", "Incompatible types")


def test_the_summary_names_what_mypy_refused_and_what_it_did_not_check() -> None:
    left = LeftOut("halve", "x" * 300, ("count",))
    checked = TypeHints(("pkg.nb.load", "pkg.nb.scale"), left_out=(left,))
    assert checked.summary().splitlines() == [
        "type hints: 2 functions annotated, checked by mypy",
        f"  halve: `count` left unannotated, mypy reports with it: {'x' * 157}...",
    ]
    unchecked = TypeHints(("pkg.nb.load",), unchecked="mypy is not installed")
    assert (
        unchecked.summary()
        == "type hints: 1 function annotated; not checked: mypy is not installed"
    )
