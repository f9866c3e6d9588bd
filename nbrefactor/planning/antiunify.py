"""Line up copies of a block node by node: what differs becomes a parameter.

The copies must have the same syntax tree except for variable names and literal values.
Names must differ by a consistent renaming (one name in a copy always stands for the
same name in every other copy); literals (a signed number like ``-1`` is one) may differ
anywhere except inside f-strings and match patterns.
Anything else (an attribute, a keyword, an operator) makes the copies different code.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nbrefactor.analysis.fingerprints import is_signed_number

#: A literal in the code: a constant, or a signed number (``-1``), which is an operation.
Literal = ast.Constant | ast.UnaryOp


def literal_value(node: Literal) -> Any:
    """The value ``node`` stands for (``-1`` for ``-1``)."""
    if isinstance(node, ast.UnaryOp):
        return ast.literal_eval(node)
    return node.value


@dataclass(frozen=True, slots=True)
class LiteralSlot:
    """Literals that differ between copies in the same way: ``nodes[p][k]`` is copy
    ``k``'s literal at position ``p`` (one slot may stand at several positions)."""

    nodes: tuple[tuple[Literal, ...], ...]  # per position, per copy

    def in_copy(self, copy: int) -> Literal:
        return self.nodes[0][copy]


@dataclass(frozen=True, slots=True)
class Alignment:
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
    meaning: list[dict[str, tuple[str, ...]]] = [{} for _ in copies]
    slots: dict[tuple[tuple[type, str], ...], list[tuple[Literal, ...]]] = {}
    for nodes in zip(*walks, strict=True):
        first = nodes[0]
        if all(_is_literal(node) for node in nodes):
            literals: tuple[Literal, ...] = nodes
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
            for copy, name in enumerate(ids):  # one name stands for one name everywhere
                if meaning[copy].setdefault(name, ids) != ids:
                    return None
        elif not _same_fields(nodes):
            return None
    renames = tuple({name: ids[0] for name, ids in names.items()} for names in meaning)
    return Alignment(renames, tuple(LiteralSlot(tuple(p)) for p in slots.values()))


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
