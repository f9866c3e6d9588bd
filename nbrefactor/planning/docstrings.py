"""Docstrings for the functions nbrefactor makes out of notebook code.

Google style: a one-line summary (the comment the code started with when it said what
the code does, else the function's name read as a sentence), ``Args:`` with the comment
the notebook gave a parameter's value, else what the code does with it (the columns it
reads from a table, a function it calls, items it goes through), ``Returns:`` naming
what the notebook goes on with, and for a function made from copies, what the copies
differed in.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator, Mapping, Sequence, Set

from nbrefactor.planning.naming import phrase

#: Columns listed in a parameter's description before "and others".
_MAX_COLUMNS = 4
#: Width of a docstring line, its indentation (8 spaces at most) included.
_WIDTH = 88


def function_docstring(
    name: str,
    statements: Sequence[ast.stmt],
    parameters: Sequence[str],
    returns: Sequence[str],
    *,
    comment: str | None = None,
    literals: Mapping[str, Sequence[object]] | None = None,
    renamed: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    settings: Set[str] = frozenset(),
    summary: str = "",
    description: str = "",
) -> str:
    """The docstring (without quotes, indented for a function body) of the function
    ``name`` whose body is ``statements``. ``literals`` maps each keyword parameter of
    a function made from copies to the value each copy had; ``renamed`` the
    parameters named otherwise than the notebook's names the statements read;
    ``notes`` what the notebook's comments say of a parameter (``# gravity``);
    ``settings`` the parameters that are the notebook's settings (``SEED = 42``;
    :meth:`~nbrefactor.planning.dataflow.NotebookContext.settings`). A
    ``summary`` given (one line) replaces the one made here; a ``description`` is a
    paragraph after it."""
    literals, renamed, notes = literals or {}, renamed or {}, notes or {}
    lines = [_sentence(summary) if summary.strip() else _summary(name, comment)]
    if description.strip():
        lines += ["", *_wrapped(" ".join(description.split()), indent=4)]
    described = [
        (
            renamed.get(p, p),
            _sentence(notes[p]) if p in notes else _describe(p, statements, p in settings),
        )
        for p in parameters
    ]
    described += [(p, _copies_had(values)) for p, values in literals.items()]
    if described:
        lines += ["", "Args:"]
        for parameter, text in described:
            lines += _wrapped(f"{parameter}: {text}", indent=8, hanging=4)
    if returns:
        lines += ["", "Returns:"]
        lines += _wrapped(_returned(returns), indent=8)
    if len(lines) == 1:
        return f'    """{lines[0]}"""'
    body = "\n".join(f"    {line}" if line and not line.startswith(" ") else line for line in lines)
    return f'    """{body.lstrip()}\n    """'


def _sentence(text: str) -> str:
    """``text`` on one line, starting with a capital and ending with a full stop."""
    line = " ".join(text.split())
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "!", "?")) else line + "."


def _summary(name: str, comment: str | None) -> str:
    """The first line: the comment's first clause when it starts with a verb (``# drop
    the test rows`` -> ``Drop the test rows.``), else the name as a sentence."""
    said = phrase(comment)
    if comment and said is not None and said.verb is not None:
        clause = comment.strip().split(":")[0].split(";")[0].split(" - ")[0].strip(" .,")
        if clause and len(clause) <= 72:
            return clause[0].upper() + clause[1:] + "."
    return name.replace("_", " ").capitalize() + "."


def _describe(parameter: str, statements: Sequence[ast.stmt], setting: bool) -> str:
    """What the code does with ``parameter``, from how the statements use it, or that
    it is a ``setting`` of the notebook's."""
    columns = list(dict.fromkeys(_columns_of(parameter, statements)))
    if columns:
        shown = ", ".join(f"``{c}``" for c in columns[:_MAX_COLUMNS])
        more = " and others" if len(columns) > _MAX_COLUMNS else ""
        return f"Table with the columns {shown}{more}."
    if _is_called(parameter, statements):
        if parameter[:1].isupper() and not parameter.isupper():  # CapWords: a class
            return "Class the code makes instances of."
        return "Function the code calls."
    if _is_iterated(parameter, statements):
        return "Items the code goes through."
    if setting:
        return "Setting, as the notebook sets it."
    return f"The notebook's ``{parameter}``."


def _copies_had(values: Sequence[object]) -> str:
    """``'age'`` or ``'income'``: what the copies differed in."""
    shown = list(dict.fromkeys(repr(v) for v in values))
    listed = ", ".join(f"``{v}``" for v in shown[:-1]) + f" or ``{shown[-1]}``"
    return f"{listed if len(shown) > 1 else f'``{shown[0]}``'} in the copies this replaces."


def _returned(returns: Sequence[str]) -> str:
    names = [f"``{name}``" for name in returns]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{listed}, which the notebook goes on with."


def _columns_of(parameter: str, statements: Sequence[ast.stmt]) -> Iterator[str]:
    """The string keys ``parameter`` is read with (``df["qty"]``, ``df.loc[:, "x"]``);
    not those it is assigned to, which the code adds."""
    for statement in statements:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Subscript) or not isinstance(node.ctx, ast.Load):
                continue
            base, key = node.value, node.slice
            if isinstance(base, ast.Attribute) and base.attr in ("loc", "iloc", "at"):
                base = base.value
                if isinstance(key, ast.Tuple) and len(key.elts) == 2:
                    key = key.elts[1]
            if isinstance(base, ast.Name) and base.id == parameter:
                for constant in key.elts if isinstance(key, ast.List) else [key]:
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                        yield constant.value


def _is_called(parameter: str, statements: Sequence[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == parameter
        for statement in statements
        for node in ast.walk(statement)
    )


def _is_iterated(parameter: str, statements: Sequence[ast.stmt]) -> bool:
    loops = (
        node.iter
        for statement in statements
        for node in ast.walk(statement)
        if isinstance(node, (ast.For, ast.comprehension))
    )
    return any(isinstance(target, ast.Name) and target.id == parameter for target in loops)


def _wrapped(text: str, *, indent: int, hanging: int = 0) -> list[str]:
    """``text`` wrapped to :data:`_WIDTH`, indented, later lines by ``hanging`` more."""
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hanging),
        break_long_words=False,
        break_on_hyphens=False,
    )
