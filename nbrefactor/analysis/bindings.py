"""Value types for names in a cell (bindings, functions) and the syntax helpers shared
by the cell walker and the function analysis."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

BindingKind = Literal[
    "assign",
    "augassign",
    "import",
    "function",
    "class",
    "loop",
    "with",
    "match",
    "walrus",
    "magic",
]

#: Method names that change the object they are called on (lists, dicts, sets, frames).
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "popitem",
        "clear",
        "sort",
        "reverse",
        "update",
        "add",
        "discard",
        "setdefault",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "appendleft",
        "extendleft",
        "rotate",
        "__setitem__",
        "__delitem__",
    }
)

#: Calls that read or write names nbrefactor cannot see.
DYNAMIC_CALLS = frozenset({"exec", "eval", "globals", "locals", "vars"})


@dataclass(frozen=True, slots=True)
class Binding:
    """One cell-level binding of a name.

    ``shape`` is a rough description of the bound value (``"int"``, ``"call:pd.read_csv"``,
    ``"function"``) used to spot a name reused for something else; ``derived`` is true when
    the new value is computed from the old one (``df = df.dropna()``); ``unpacked`` when it
    is one of several names bound by unpacking (``fig, ax = plt.subplots()``).
    """

    name: str
    kind: BindingKind
    line: int
    shape: str = ""
    derived: bool = False
    unpacked: bool = False


@dataclass(frozen=True, slots=True)
class DefFacts:
    """A function or class defined at the top level of a cell.

    ``globals_read`` are the module-level names its body reads when it runs (for a class,
    when its methods run); ``globals_written`` are assigned through ``global``;
    ``globals_mutated`` are module-level objects it changes in place.
    """

    name: str
    kind: Literal["function", "class"]
    line: int
    end_line: int
    globals_read: frozenset[str] = frozenset()
    globals_written: frozenset[str] = frozenset()
    globals_mutated: frozenset[str] = frozenset()


def names_bound_in(nodes: Iterable[ast.AST]) -> set[str]:
    """Every name bound anywhere inside ``nodes``, nested scopes included (assignment
    and deletion targets, parameters, definitions, imports, ``except ... as``, ``case``
    captures, names declared ``global``/``nonlocal``): a superset of what they bind,
    for checks that must not miss one."""
    found: set[str] = set()
    for node in nodes:
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                found.add(child.id)
            elif isinstance(child, ast.arg):
                found.add(child.arg)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(child.name)
            elif isinstance(child, ast.alias):
                found.add((child.asname or child.name).split(".")[0])
            elif isinstance(child, ast.ExceptHandler) and child.name:
                found.add(child.name)
            elif isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                found.add(child.name)  # `case [first, *rest]:`
            elif isinstance(child, ast.MatchMapping) and child.rest:
                found.add(child.rest)
            elif isinstance(child, (ast.Global, ast.Nonlocal)):
                found.update(child.names)
    return found


def base_name(node: ast.expr) -> str | None:
    """The name at the root of ``a.b[c].d`` (``a``), or None for other roots."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    if isinstance(node, ast.Call):
        return None
    return node.id if isinstance(node, ast.Name) else None


def dotted_name(node: ast.expr) -> str:
    """``pd.read_csv`` for an attribute chain on a name; ``*.mean`` when the root is a call."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "*")
    return ".".join(reversed(parts))


def value_shape(node: ast.expr | None) -> str:
    """A rough description of a value, to tell a reused name from a re-computed one."""
    if node is None:
        return ""
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, ast.Call):
        return f"call:{dotted_name(node.func)}"
    if isinstance(node, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(node, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(node, ast.Tuple):
        return "tuple"
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.Lambda):
        return "function"
    if isinstance(node, ast.BinOp):
        return f"op:{type(node.op).__name__}"
    if isinstance(node, ast.Compare) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    ):
        return "bool"
    return "expr"


def is_named_lambda(node: ast.Assign) -> bool:
    return (
        len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Lambda)
    )


def has_inplace_true(node: ast.Call) -> bool:
    return any(
        k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )
