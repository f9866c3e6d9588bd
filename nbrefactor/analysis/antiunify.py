"""Anti-unification: line up copies of a block and find what differs between them.

Copies of one shape differ only in names and literal values, position by position. A
name must differ by a consistent renaming: one name in a copy stands for the same name
in every other copy (``a + a`` against ``b + c`` is no copy). Positions where the copies
disagree become parameters.

Two entry points share that rule (:class:`Renaming`): :func:`anti_unify` works on the
leaves of fingerprints, which is all a duplicate report has (no syntax trees, they may
come from the cache); :func:`align` works on syntax trees, for the extraction, which
needs the very nodes to turn into parameters. There, literals (a signed number like
``-1`` is one) may differ anywhere except inside f-strings and match patterns, and
anything else (an attribute, a keyword, an operator) makes the copies different code.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from nbrefactor.analysis.fingerprints import is_signed_number

ParameterRole = Literal["input", "internal", "literal"]


class Renaming:
    """What each name of each copy stands for: the names at its first position, one
    per copy. Consistent when a name always stands for the same names."""

    def __init__(self, copies: int) -> None:
        self._meaning: list[dict[str, tuple[str, ...]]] = [{} for _ in range(copies)]

    def consistent(self, names: tuple[str, ...]) -> bool:
        """Record ``names`` (one per copy, at one position); False when a copy's name
        stood for other names before."""
        return all(
            self._meaning[copy].setdefault(name, names) == names for copy, name in enumerate(names)
        )

    def renames(self) -> tuple[dict[str, str], ...]:
        """Per copy: its name -> the first copy's name."""
        return tuple({name: names[0] for name, names in m.items()} for m in self._meaning)


@dataclass(frozen=True, slots=True)
class CloneParameter:
    """One difference between the copies: the value each copy uses, in copy order."""

    role: ParameterRole
    values: tuple[str, ...]


def anti_unify(per_copy: Sequence[Sequence[str]]) -> tuple[CloneParameter, ...] | None:
    """The parameters that turn each copy into the others, or None if the copies do not
    differ by a consistent renaming.

    ``per_copy`` holds each copy's leaves (see
    :class:`~nbrefactor.analysis.fingerprints.StatementPrint`). A name is ``internal``
    when every copy binds it before it reads it (its first leaf is ``"s"``).
    """
    if len({len(leaves) for leaves in per_copy}) != 1:
        return None
    first_use = [_first_use(leaves) for leaves in per_copy]
    parameters: dict[tuple[str, ...], CloneParameter] = {}
    renaming = Renaming(len(per_copy))
    for position in range(len(per_copy[0])):
        kind = per_copy[0][position][0]
        values = tuple(leaves[position][1:] for leaves in per_copy)
        if kind != "l" and not renaming.consistent(values):
            return None
        if len(set(values)) == 1 or values in parameters:
            continue
        if kind == "l":
            role: ParameterRole = "literal"
        elif all(first_use[copy][value] == "s" for copy, value in enumerate(values)):
            role = "internal"
        else:
            role = "input"
        parameters[values] = CloneParameter(role, values)
    return tuple(parameters.values())


def _first_use(leaves: Sequence[str]) -> dict[str, str]:
    """For each name in a copy, whether it is first read (``"n"``) or bound (``"s"``)."""
    first: dict[str, str] = {}
    for leaf in leaves:
        if leaf[0] != "l":
            first.setdefault(leaf[1:], leaf[0])
    return first


#: A literal in the code: a constant, or a signed number (``-1``), which is an operation.
LiteralNode = ast.Constant | ast.UnaryOp


def literal_value(node: LiteralNode) -> Any:
    """The value ``node`` stands for (``-1`` for ``-1``)."""
    if isinstance(node, ast.UnaryOp):
        return ast.literal_eval(node)
    return node.value


class LiteralSlot(NamedTuple):
    """Literals that differ between copies in the same way: ``nodes[p][k]`` is copy
    ``k``'s literal at position ``p`` (one slot may stand at several positions)."""

    nodes: tuple[tuple[LiteralNode, ...], ...]  # per position, per copy

    def in_copy(self, copy: int) -> LiteralNode:
        return self.nodes[0][copy]


class Alignment(NamedTuple):
    """How copies line up: each copy's names renamed to the first copy's, and the
    literals that differ."""

    renames: tuple[dict[str, str], ...]  # per copy: its name -> the first copy's name
    literals: tuple[LiteralSlot, ...]

    def name_in(self, copy: int, first_name: str) -> str:
        """The name copy ``copy`` uses where the first copy uses ``first_name``."""
        for name, first in self.renames[copy].items():
            if first == first_name:
                return name
        return first_name


def align(copies: Sequence[Sequence[ast.stmt]]) -> Alignment | None:
    """The alignment of ``copies``, or None when they are not the same code."""
    walks = [list(_walk(copy)) for copy in copies]
    if len({len(walk) for walk in walks}) != 1:
        return None
    fixed = {  # literals a name cannot replace: f-string parts, `case 'fast':` patterns
        id(node)
        for statement in copies[0]
        for outer in ast.walk(statement)
        if isinstance(outer, (ast.JoinedStr, ast.MatchValue, ast.MatchSingleton))
        for node in ast.walk(outer)
    }
    renaming = Renaming(len(copies))
    slots: dict[tuple[tuple[type, str], ...], list[tuple[LiteralNode, ...]]] = {}
    for nodes in zip(*walks, strict=True):
        first = nodes[0]
        if all(_is_literal(node) for node in nodes):
            literals: tuple[LiteralNode, ...] = nodes
            values = tuple((type(v), repr(v)) for v in (literal_value(node) for node in literals))
            if len(set(values)) == 1:
                continue
            if id(first) in fixed:
                return None
            slots.setdefault(values, []).append(literals)
            continue
        if any(type(node) is not type(first) for node in nodes):
            return None
        if isinstance(first, ast.Name):
            ids = tuple(node.id for node in nodes if isinstance(node, ast.Name))
            if not renaming.consistent(ids):
                return None
        elif not _same_fields(nodes):
            return None
    return Alignment(renaming.renames(), tuple(LiteralSlot(tuple(p)) for p in slots.values()))


def _walk(statements: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """Every node, breadth first like ``ast.walk``, a signed number as one node."""
    for statement in statements:
        todo: deque[ast.AST] = deque([statement])
        while todo:
            node = todo.popleft()
            yield node
            if not is_signed_number(node):
                todo.extend(ast.iter_child_nodes(node))


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) or is_signed_number(node)


def _same_fields(nodes: Sequence[ast.AST]) -> bool:
    """Same plain values (attribute names, keywords, operators' kinds) and the same
    number of children in each list, so that the walks stay in step."""
    first = nodes[0]
    for field in first._fields:
        value = getattr(first, field, None)
        for other in nodes[1:]:
            theirs = getattr(other, field, None)
            if isinstance(value, list):
                if not isinstance(theirs, list) or len(theirs) != len(value):
                    return False
                if any(not isinstance(item, ast.AST) for item in value) and theirs != value:
                    return False  # lists of names: `global a, b`
            elif isinstance(value, ast.AST) != isinstance(theirs, ast.AST) or (
                not isinstance(value, ast.AST) and value != theirs
            ):
                return False
    return True
