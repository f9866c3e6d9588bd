"""Facts of functions, classes and named lambdas defined in a cell, from :mod:`symtable`,
the compiler's own scope analysis."""

from __future__ import annotations

import ast
import symtable
from collections.abc import Iterator

from nbrefactor.analysis.bindings import (
    MUTATING_METHODS,
    DefFacts,
    base_name,
    has_inplace_true,
    is_named_lambda,
)
from nbrefactor.notebook.magics import PLACEHOLDER


def def_facts(tree: ast.Module, table: symtable.SymbolTable) -> Iterator[DefFacts]:
    """Facts for each top-level def, class and named lambda, pairing ast with symtable."""
    tables: dict[tuple[str, int], list[symtable.SymbolTable]] = {}
    for child in table.get_children():
        tables.setdefault((child.get_name(), child.get_lineno()), []).append(child)
    for statement in tree.body:
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node, name = statement, statement.name
            line = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            keys = [(name, node.lineno), (name, line)]
        elif isinstance(statement, ast.Assign) and is_named_lambda(statement):
            assert isinstance(statement.value, ast.Lambda)
            assert isinstance(statement.targets[0], ast.Name)
            node, name, line = statement.value, statement.targets[0].id, statement.lineno
            keys = [("lambda", node.lineno)]
        else:
            continue
        candidates = next((tables[key] for key in keys if tables.get(key)), [])
        if not candidates:
            continue
        scope = candidates.pop(0)
        is_class = isinstance(node, ast.ClassDef)
        read, written = _scope_globals(scope, include_self=not is_class)
        # symtable also lists names only used in local annotations (`y: Foo = 1`), which
        # Python never evaluates; and it sees `total += x` under `global total` as a store
        read &= _runtime_loads(node)
        read |= {
            child.target.id
            for child in ast.walk(node)
            if isinstance(child, ast.AugAssign)
            and isinstance(child.target, ast.Name)
            and child.target.id in written
        }
        yield DefFacts(
            name=name,
            kind="class" if is_class else "function",
            line=line,
            end_line=statement.end_lineno or statement.lineno,
            globals_read=frozenset(read),
            globals_written=frozenset(written),
            globals_mutated=frozenset(_mutated_globals(node, read | written)),
        )


def _runtime_loads(node: ast.AST) -> set[str]:
    """Names loaded anywhere in ``node`` except in annotations of function-local variables."""
    names: set[str] = set()
    stack: list[tuple[ast.AST, bool]] = [(node, False)]
    while stack:
        current, in_function = stack.pop()
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
            names.add(current.id)
        if isinstance(current, ast.AnnAssign) and in_function:
            children: list[ast.AST] = [current.target]
            if current.value is not None:
                children.append(current.value)
        else:
            children = list(ast.iter_child_nodes(current))
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        elif isinstance(current, ast.ClassDef):
            in_function = False
        stack.extend((child, in_function) for child in children)
    return names


def _scope_globals(scope: symtable.SymbolTable, *, include_self: bool) -> tuple[set[str], set[str]]:
    """Module-level names read and assigned by a scope and every scope nested in it.

    A class body's own reads happen when the class is defined (the cell walker counts
    them); only its methods' reads happen later, so ``include_self`` is False for classes.
    """
    read: set[str] = set()
    written: set[str] = set()
    if include_self:
        for symbol in scope.get_symbols():
            if symbol.is_global():
                if symbol.is_referenced():
                    read.add(symbol.get_name())
                if symbol.is_assigned() and symbol.is_declared_global():
                    written.add(symbol.get_name())
    for child in scope.get_children():
        child_read, child_written = _scope_globals(child, include_self=True)
        read |= child_read
        written |= child_written
    read.discard(PLACEHOLDER)
    return read, written


def _mutated_globals(node: ast.AST, global_names: set[str]) -> Iterator[str]:
    """Module-level objects a def changes in place (``CACHE[k] = v``, ``seen.add(x)``)."""
    for child in ast.walk(node):
        if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = (
                child.targets if isinstance(child, (ast.Assign, ast.Delete)) else [child.target]
            )
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    name = base_name(target)
                    if name in global_names:
                        yield name
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and (child.func.attr in MUTATING_METHODS or has_inplace_true(child))
        ):
            name = base_name(child.func.value)
            if name in global_names:
                yield name
