"""Signatures as people write them: the data first, settings after, in snake_case.

A function made from notebook code receives the notebook's names. Its own parameters
are named in snake_case (``SEED`` -> ``seed``, ``nUsers`` -> ``n_users``) and called
by keyword with the notebook's value (``simulate(seed=SEED)``), so the notebook keeps
its settings as they are. A name is left as it is when renaming it could change what
the code does: the code binds it too, reads it from a string (``df.query("x >
@LIMIT")``, ``f"{LIMIT=}"``), looks at its namespace (``locals()``, ``eval``), or the
new name is taken, a keyword or a builtin.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator, Mapping, Sequence

from nbrefactor.analysis.bindings import DYNAMIC_CALLS, names_bound_in
from nbrefactor.analysis.graph import BUILTIN_NAMES
from nbrefactor.planning.code_action import snake_case


def data_first(parameters: Sequence[str]) -> tuple[str, ...]:
    """``parameters`` with the settings (upper-case names) after the data."""
    return (
        *(p for p in parameters if not p.isupper()),
        *(p for p in parameters if p.isupper()),
    )


#: Names that read as digits in many fonts (pycodestyle's E741): ``L`` stays ``L``.
_AMBIGUOUS = frozenset({"l", "I", "O"})


def snake_case_parameters(
    parameters: Sequence[str], statements: Sequence[ast.stmt]
) -> Mapping[str, str]:
    """The parameters of code ``statements`` to rename, old name -> snake_case name."""
    every_name = {n.id for s in statements for n in ast.walk(s) if isinstance(n, ast.Name)}
    if every_name & (DYNAMIC_CALLS | {"dir"}):  # code reading variables by name
        return {}
    strings = " ".join(
        node.value
        for statement in statements
        for node in ast.walk(statement)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    bound = names_bound_in(statements)
    taken = every_name | set(parameters)
    renamed: dict[str, str] = {}
    for name in parameters:
        new = snake_case(name)
        if (
            new == name
            or name in bound
            or re.search(rf"\b{re.escape(name)}\b", strings)
            or new in taken
            or new in renamed.values()
            or keyword.iskeyword(new)
            or new in BUILTIN_NAMES
            or new in _AMBIGUOUS
            or not new.isidentifier()
        ):
            continue
        renamed[name] = new
    return renamed


def unused_local_names(statements: Sequence[ast.stmt], keep: Sequence[str]) -> Mapping[str, str]:
    """Names the code assigns and never reads (``fig`` in ``fig, ax = plt.subplots()``
    or ``fig = plt.figure()``), to rename with a leading underscore, old -> new: in the
    notebook they were variables a later cell could read; in a function they are
    locals nobody reads, which linters flag unless their name says so. ``keep`` are
    names that stay as they are (returned, parameters). Names a class body binds are
    its attributes, never renamed."""
    every_name = {n.id for s in statements for n in ast.walk(s) if isinstance(n, ast.Name)}
    if every_name & (DYNAMIC_CALLS | {"dir"}):
        return {}
    targets = {id(target) for statement in statements for target in _assigned_names(statement)}
    assigned: set[str] = set()
    elsewhere: set[str] = set(keep)
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                (assigned if id(node) in targets else elsewhere).add(node.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                elsewhere.update(node.names)
            elif isinstance(node, ast.ClassDef):
                elsewhere.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    renamed: dict[str, str] = {}
    for name in sorted(assigned - elsewhere):
        if name.startswith("_") or f"_{name}" in every_name:
            continue
        renamed[name] = f"_{name}"
    return renamed


def _assigned_names(statement: ast.stmt) -> Iterator[ast.Name]:
    """The names ``statement`` and the statements in it assign to: a plain target of
    ``=`` (``x = ...``, ``x: int = ...``) or ``with ... as``, or a name unpacked into
    (``x, y = ...``, ``for i, row in ...``)."""
    for node in ast.walk(statement):
        if isinstance(node, (ast.Tuple, ast.List)) and isinstance(node.ctx, ast.Store):
            yield from (element for element in node.elts if isinstance(element, ast.Name))
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            yield node.optional_vars
        elif isinstance(node, ast.Assign):
            yield from (target for target in node.targets if isinstance(target, ast.Name))
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            yield node.target
