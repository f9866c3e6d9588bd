"""Helpers on Python source: string literals with invalid escapes keep their value."""

from __future__ import annotations

import ast
import warnings

import pytest

from nbrefactor.pysource import with_valid_escapes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('plt.xlabel("$\\Delta t$")\n', 'plt.xlabel(r"$\\Delta t$")\n'),
        ("pattern = b'\\d+'\n", "pattern = br'\\d+'\n"),
        ("text = '''\\D\nline'''\n", "text = r'''\\D\nline'''\n"),
        # a valid escape next to the invalid one: raw would change it, so `\` is doubled
        ('row = "\\d\\t\\n"\n', 'row = "\\\\d\\t\\n"\n'),
        ('name = u"\\q"\n', 'name = u"\\\\q"\n'),  # u and r do not go together
        ("parts = '\\d' '\\n'\n", "parts = r'\\d' '\\n'\n"),  # each literal on its own
    ],
)
def test_an_invalid_escape_is_written_so_the_value_stays(code: str, expected: str) -> None:
    assert with_valid_escapes(code) == expected
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning left
        assert _values(with_valid_escapes(code)) == _values_ignoring_warnings(code)


@pytest.mark.parametrize(
    "code",
    ['ok = "tab\\there"\n', 'raw = r"\\d"\n', 'shown = f"\\d{x}"\n', "plain = 'no escape'\n"],
)
def test_valid_raw_and_formatted_strings_are_left_as_they_are(code: str) -> None:
    assert with_valid_escapes(code) == code


def _values(code: str) -> list[object]:
    tree = ast.parse(code)
    return [ast.literal_eval(node) for node in ast.walk(tree) if isinstance(node, ast.Constant)]


def _values_ignoring_warnings(code: str) -> list[object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _values(code)
