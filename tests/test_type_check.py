"""mypy's report on a staged package, placed in the definitions it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbrefactor.emit.type_hints import TypeHints
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


def test_the_summary_names_what_mypy_refused_and_what_it_did_not_check() -> None:
    checked = TypeHints(("pkg.nb.load", "pkg.nb.scale"), left_out=(("halve", "x" * 300),))
    assert checked.summary().splitlines() == [
        "type hints: 2 functions annotated, checked by mypy",
        f"  halve: left unannotated, mypy reports with them: {'x' * 157}...",
    ]
    unchecked = TypeHints(("pkg.nb.load",), unchecked="mypy is not installed")
    assert (
        unchecked.summary()
        == "type hints: 1 function annotated; not checked: mypy is not installed"
    )
