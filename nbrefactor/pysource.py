"""Parse user code without side effects on the warnings machinery.

Compiling code like ``re.compile("\\d+")`` or ``1if x else 2`` emits SyntaxWarning or
DeprecationWarning. Those are the user's business, not ours: printing them would be
noise, and under ``-W error`` they would turn a valid cell into a SyntaxError.
"""

from __future__ import annotations

import ast
import symtable
import warnings
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


def symbol_table(code: str) -> symtable.SymbolTable:
    """:func:`symtable.symtable` of module code, with compile-time warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return symtable.symtable(code, "<cell>", "exec")
