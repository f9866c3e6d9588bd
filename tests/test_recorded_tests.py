"""A recorded tests module that exists already gets what a new run adds, and nothing of
a file nbrefactor did not write is touched."""

from __future__ import annotations

from nbrefactor.emit.recorded_tests import _extended

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
