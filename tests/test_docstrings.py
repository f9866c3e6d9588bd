"""Docstrings of the functions made from notebook code: Google style, from the code."""

from __future__ import annotations

import ast

from nbrefactor.planning.docstrings import function_docstring


def documented(
    name: str,
    source: str,
    parameters: tuple[str, ...] = (),
    *,
    returns: tuple[str, ...] = (),
    comment: str | None = None,
    literals: dict[str, list[object]] | None = None,
    settings: frozenset[str] = frozenset(),
) -> str:
    """The docstring Python reads from the function rendered with ours."""
    statements = ast.parse(source).body
    text = function_docstring(
        name,
        statements,
        parameters,
        returns,
        comment=comment,
        literals=literals,
        settings=settings,
    )
    body = "\n".join(f"    {line}" for line in source.splitlines())
    function = ast.parse(f"def {name}({', '.join(parameters)}):\n{text}\n{body}\n").body[0]
    assert isinstance(function, ast.FunctionDef)
    docstring = ast.get_docstring(function)
    assert docstring is not None
    return docstring


def test_a_function_without_parameters_or_results_gets_one_line() -> None:
    assert documented("report_totals", "print(1 + 1)") == "Report totals."


def test_the_summary_is_the_comment_that_says_what_the_code_does() -> None:
    comment = "drop the test accounts: they are ours"
    text = documented("drop_test_accounts", "x = 1", comment=comment)
    assert text.splitlines()[0] == "Drop the test accounts."
    # a remark is no summary: the name is
    assert documented("compute_x", "x = 1", comment="sanity: x is 1") == "Compute x."


def test_parameters_are_described_by_what_the_code_does_with_them() -> None:
    source = (
        "total = sales['price'] * sales['qty']\n"
        "for row in rows:\n    show(row)\n"
        "top = sales.loc[:, 'region'].head(LIMIT)\n"
        "sales['margin'] = 0.1\n"  # set, not read: no column the table must have
        "point = Point(1, 2)\n"
        "rate = TP / (TP + FN)\n"
    )
    parameters = ("sales", "rows", "show", "LIMIT", "other", "Point", "TP", "FN")
    text = documented("compute_total", source, parameters, settings=frozenset({"LIMIT"}))
    assert "sales: Table with the columns ``price``, ``qty``, ``region``." in text
    assert "rows: Items the code goes through." in text
    assert "show: Function the code calls." in text
    assert "LIMIT: Setting, as the notebook sets it." in text
    assert "other: The notebook's ``other``." in text
    assert "Point: Class the code makes instances of." in text
    assert "TP: The notebook's ``TP``." in text  # capitals, but worked out from data


def test_what_copies_differed_in_is_said() -> None:
    literals = {"column": ["age", "income", "age"]}
    text = documented("normalise_column", "x = 1", ("answers",), literals=literals)
    assert "column: ``'age'`` or ``'income'`` in the copies this replaces." in text


def test_returns_name_what_the_notebook_goes_on_with() -> None:
    text = documented("split_sales", "train, test = 1, 2", returns=("train", "test"))
    assert text.endswith("Returns:\n    ``train`` and ``test``, which the notebook goes on with.")


def test_long_descriptions_wrap_within_the_line_limit() -> None:
    columns = ", ".join(f"'{name}_with_a_long_name'" for name in "abcdef")
    source = f"x = frame[[{columns}]]"
    text = function_docstring("pick_columns", ast.parse(source).body, ("frame",), ())
    assert all(len(line) <= 88 for line in text.splitlines())
    assert "and others" in text
