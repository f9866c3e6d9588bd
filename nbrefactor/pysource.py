"""Parse user code without side effects on the warnings machinery.

Compiling code like ``re.compile("\\d+")`` or ``1if x else 2`` emits SyntaxWarning or
DeprecationWarning. Those are the user's business, not ours: printing them would be
noise, and under ``-W error`` they would turn a valid cell into a SyntaxError.
"""

from __future__ import annotations

import ast
import io
import re
import symtable
import tokenize
import warnings
from collections.abc import Container, Sequence
from typing import Literal, overload


@overload
def parse(code: str, mode: Literal["exec"] = "exec") -> ast.Module: ...
@overload
def parse(code: str, mode: Literal["eval"]) -> ast.Expression: ...
def parse(code: str, mode: Literal["exec", "eval"] = "exec") -> ast.Module | ast.Expression:
    """:func:`ast.parse` with compile-time warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(code, mode=mode)
    assert isinstance(tree, (ast.Module, ast.Expression))
    return tree


def check_compiles(tree: ast.Module) -> None:
    """Raise the :class:`SyntaxError` Python raises when it compiles ``tree``, a cell's
    code, as IPython runs it (top-level ``await`` allowed): ``return`` outside a
    function, a bare ``except:`` before another handler, ... parse but do not run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(tree, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)


def symbol_table(code: str) -> symtable.SymbolTable:
    """:func:`symtable.symtable` of module code, with compile-time warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return symtable.symtable(code, "<cell>", "exec")


def first_line(statement: ast.stmt) -> int:
    """The line a statement starts on, its decorators included."""
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


def alone_on_its_lines(statements: Sequence[ast.stmt], index: int) -> bool:
    """Whether ``statements[index]`` shares no line with its neighbours in
    ``statements`` (``a = 1; b = 2`` share one)."""
    statement = statements[index]
    before = statements[index - 1] if index else None
    after = statements[index + 1] if index + 1 < len(statements) else None
    return (before is None or (before.end_lineno or 0) < statement.lineno) and (
        after is None or after.lineno > (statement.end_lineno or statement.lineno)
    )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def code_lines(code: str, *, keepends: bool = False) -> list[str]:
    """The lines of ``code`` as Python numbers them (``ast`` and ``tokenize`` line ``n``
    is item ``n - 1``), with their endings when ``keepends``.

    ``str.splitlines`` also splits on form feeds, ``\x1c``-``\x1e``, ``\x85`` and
    ``\u2028``/``\u2029``, which Python keeps inside a line (in a string or comment):
    indexing its result with ``ast`` line numbers would pick the wrong lines.
    """
    lines = _LINE.findall(code)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def comment_start(lines: Sequence[str], first: int, taken: Container[int] = ()) -> int:
    """Where the comment lines right above line ``first`` of ``lines`` begin (line
    numbers from 1; ``first`` when there are none). A line in ``taken`` ends them."""
    start = first
    while start > 1 and start - 1 not in taken and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    return start


def named_values(statement: ast.stmt) -> list[tuple[str, ast.expr]]:
    """The names ``statement`` sets and the value of each: ``NAME = value``, or ``A, B =
    a, b`` (a tuple of names set to a tuple of as many values); none for any other."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return []
    target, value = statement.targets[0], statement.value
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if not isinstance(target, ast.Tuple) or not isinstance(value, ast.Tuple):
        return []
    names = [element.id for element in target.elts if isinstance(element, ast.Name)]
    if len(names) != len(target.elts) or len(names) != len(value.elts):
        return []
    return list(zip(names, value.elts, strict=True))


def called_name(call: ast.Call) -> str:
    """The name ``call`` calls: ``f`` for ``f(x)``, ``zeros`` for ``np.zeros(3)``; ``""``
    for anything else (``fs[0](x)``)."""
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def ending_comment(statement: ast.stmt, lines: Sequence[str]) -> str:
    """The comment after ``statement`` on its last line of ``lines`` (``WINDOW = 12  #
    2 hours`` -> ``2 hours``), or ``""``; not one after another statement there."""
    end, column = statement.end_lineno, statement.end_col_offset
    if end is None or column is None or end > len(lines):
        return ""
    after = lines[end - 1].encode()[column:].decode(errors="replace").strip()
    return after[1:].strip() if after.startswith("#") else ""


def indent(code: str) -> str:
    """Indent by four spaces, except lines inside multi-line strings (their content)."""
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    return "\n".join(
        line if number in inside or not line.strip() else "    " + line
        for number, line in enumerate(code_lines(code), start=1)
    )


#: One escape sequence in a string literal's text: a backslash and what follows it.
_ESCAPE = re.compile(
    r"\\(N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)", re.DOTALL
)
_SIMPLE_ESCAPES = frozenset("\n\\'\"abfnrtv")


def with_valid_escapes(code: str) -> str:
    """``code`` with each string literal that holds an invalid escape sequence (``"$\\Delta
    t$"``: Python warns when it compiles it, and will refuse it one day) written so that
    its value stays the same: raw (``r"$\\Delta t$"``) where that reads the same, else
    with those backslashes doubled (``"\\\\D\\n"``). f-strings are left as they are."""
    if "\\" not in code:
        return code
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    starts = [0]
    for line in code_lines(code, keepends=True):
        starts.append(starts[-1] + len(line))
    for token in reversed(tokens):
        if token.type != tokenize.STRING or "\\" not in token.string:
            continue
        fixed = _literal_with_valid_escapes(token.string)
        if fixed is not None:
            start = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            code = code[:start] + fixed + code[end:]
    return code


def _literal_with_valid_escapes(literal: str) -> str | None:
    """The string ``literal`` written with valid escapes only, the same value; None when
    it has no invalid one or is an f-string or raw already."""
    prefix = literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))]
    if set(prefix.lower()) & {"r", "f"}:
        return None
    value, warned = _evaluated(literal)
    if not warned:
        return None
    quoted = literal[len(prefix) :]
    candidates = [] if "u" in prefix.lower() else [f"{prefix}r{quoted}"]
    is_bytes = "b" in prefix.lower()

    def doubled(match: re.Match[str]) -> str:
        escape = match.group(1)
        valid = (
            escape[0] in _SIMPLE_ESCAPES
            or escape[0] in "01234567"
            or (escape[0] == "x" and len(escape) == 3)
            or (escape[0] in "NuU" and len(escape) > 1 and not is_bytes)
        )
        return match.group(0) if valid else "\\" + match.group(0)

    candidates.append(prefix + _ESCAPE.sub(doubled, quoted))
    for candidate in candidates:
        if _evaluated(candidate) == (value, False):
            return candidate
    return None


def _evaluated(literal: str) -> tuple[object, bool]:
    """The value of the string ``literal``, and whether Python warned of an escape in
    it; (None, True) when it is no literal Python reads."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            return None, True
    return value, any("escape" in str(warning.message) for warning in caught)
