"""A recorded tests module or data file that exists already gets what a new run adds,
and nothing of a file nbrefactor did not write is touched."""

from __future__ import annotations

from pathlib import Path

import nbrefactor
from nbrefactor.emit.recorded_tests import (
    _extended,
    recorded_test_files,
    runs_tests_in_empty_folders,
)
from nbrefactor.verification.call_cases import Argument, CallCase, Expected, InputFile, Value

OLD = '''"""Calls of pkg.nb."""

import pytest

from pkg import nb


def test_total():
    assert nb.total([1, 2]) == 3
'''

NEW = '''"""Calls of pkg.nb."""

import numpy as np
import pytest

from pkg import nb


def test_total():
    assert nb.total([1, 2]) == 3


def test_scale():
    np.testing.assert_allclose(nb.scale(np.array([1.0])), np.array([2.0]))
'''


def test_new_tests_and_their_imports_are_added_and_old_tests_kept() -> None:
    text = _extended(OLD, NEW)
    assert text.count("def test_total():") == 1
    assert "def test_scale():" in text
    # the import goes with the other imports, before the tests
    assert text.index("import numpy as np") < text.index("def test_total():")
    compile(text, "test_nb_recorded.py", "exec")


def test_a_file_that_imports_the_module_otherwise_is_left_as_it_is() -> None:
    mine = OLD.replace("from pkg import nb", "import pkg.nb as nb")
    assert _extended(mine, NEW) == mine
    assert _extended("def broken(:\n", NEW) == "def broken(:\n"


def reading(tmp_path: Path, content: str) -> CallCase:
    """A call of ``pkg.nb.count_rows`` that read ``orders.csv`` holding ``content``."""
    recorded = tmp_path / "recorded" / content.replace("\n", "_")
    recorded.parent.mkdir(exist_ok=True)
    recorded.write_text(content)
    returned = Value(code=str(content.count("\n") - 1), annotation="int")
    size = len(content)
    return CallCase(
        "pkg.nb",
        "count_rows",
        1,
        (Argument("path", False, Value(code="'orders.csv'", annotation="str")),),
        Expected("equal", returned),
        files=(InputFile("orders.csv", recorded, size),),
    )


def test_a_data_file_of_an_earlier_run_is_kept_and_new_content_goes_beside_it(
    tmp_path: Path,
) -> None:
    tests = tmp_path / "tests"
    (tests / "data/nb").mkdir(parents=True)
    (tests / "data/nb/orders.csv").write_text("item\na\n")  # the earlier run's

    same = recorded_test_files([reading(tmp_path, "item\na\n")], tests)
    other = recorded_test_files([reading(tmp_path, "item\na\nb\n")], tests)

    assert [c.path.name for c in same] == ["test_nb_recorded.py"]  # the file is there
    assert 'copy_input("orders.csv")' in str(same[0].new)
    assert [c.path.relative_to(tests).as_posix() for c in other[1:]] == [
        "data/nb/test_count_rows/orders.csv"
    ]
    assert other[1].new == b"item\na\nb\n"
    assert 'copy_input("orders.csv", stored="test_count_rows/orders.csv")' in str(other[0].new)
    assert (tests / "data/nb/orders.csv").read_text() == "item\na\n"


def test_the_folder_fixture_is_left_to_a_conftest_that_has_one(tmp_path: Path) -> None:
    ours = (Path(nbrefactor.__file__).parent / "emit/templates/conftest.py.jinja").read_text()
    elsewhere = "import pytest\n\n@pytest.fixture\ndef rows():\n    return [1, 2]\n"
    call = reading(tmp_path, "item\na\n")

    alone = recorded_test_files([call], tmp_path / "a")[0].new
    beside_ours = recorded_test_files([call], tmp_path / "b", conftest=ours)[0].new
    beside_other = recorded_test_files([call], tmp_path / "c", conftest=elsewhere)[0].new

    assert "def in_empty_folder(" in str(alone) and "def in_empty_folder(" in str(beside_other)
    assert "def in_empty_folder(" not in str(beside_ours)
    assert "import pytest" not in str(beside_ours)  # nothing else uses it there


def test_a_conftest_moves_tests_into_folders_only_with_an_autouse_chdir_fixture() -> None:
    fixture = "@pytest.fixture({})\ndef here(tmp_path, monkeypatch):\n    monkeypatch.chdir({})\n"
    assert runs_tests_in_empty_folders(fixture.format("autouse=True", "tmp_path"))
    assert not runs_tests_in_empty_folders(fixture.format("", "tmp_path"))
    assert not runs_tests_in_empty_folders(fixture.format("autouse=True", "'/data'"))
    assert not runs_tests_in_empty_folders("def broken(:\n")
