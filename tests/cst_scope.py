"""Scope facts from libcst: a second, independent analysis of the same cells.

The analysis nbrefactor runs (:mod:`nbrefactor.analysis.facts`) uses ``ast`` and
``symtable`` for speed; today only the test suite uses this module, as a second opinion
that must agree with it on every scoping case and every example cell (and as the answer
on libcst trees, should a codemod need one). It gets which names a cell binds and which
module-level names each function reads from libcst's own
:class:`~libcst.metadata.ScopeProvider`, correcting the places where that provider
differs from Python:

* a ``match`` capture pattern binds its name (libcst records an access);
* a walrus inside a comprehension binds in the enclosing scope (PEP 572);
* ``except E as err`` unbinds ``err`` when the handler ends;
* ``global name`` inside a def binds ``name`` only when the def runs, not in the cell;
* ``total += x`` under ``global total`` reads ``total`` (libcst, like symtable, sees a store);
* ``import os.path`` binds ``os`` and a bare ``x: int`` binds nothing;
* the annotation of a function's local variable (``y: Foo = 1``) is never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Assignment,
    BuiltinScope,
    ClassScope,
    ComprehensionScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from nbrefactor.notebook.magics import PLACEHOLDER

#: Names libcst reports as accesses that Python treats as keywords or that nbrefactor made.
_NOT_NAMES = frozenset({"True", "False", "None", PLACEHOLDER})


@dataclass(frozen=True, slots=True)
class CstScopeFacts:
    """Cell-level bindings and, per top-level def/class, the module-level names it reads."""

    defines: frozenset[str]
    imports: frozenset[str]
    functions: Mapping[str, frozenset[str]] = field(default_factory=dict)


def scope_facts_of_code(code: str) -> CstScopeFacts:
    """Scope facts of masked cell code (see :func:`nbrefactor.notebook.magics.mask`)."""
    return scope_facts(cst.parse_module(code))


def scope_facts(module: cst.Module) -> CstScopeFacts:
    """Scope facts of a libcst module."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    module_node = wrapper.module
    global_scope = scopes[module_node]
    assert isinstance(global_scope, GlobalScope)
    corrections = _Corrections(scopes)
    module_node.visit(corrections)

    defines: set[str] = set()
    imports: set[str] = set()
    skipped = corrections.handler_names | corrections.nested_names | corrections.bare_annotations
    for assignment in global_scope.assignments:
        if not isinstance(assignment, Assignment):
            continue
        name = assignment.name.split(".")[0]  # `import os.path` binds `os`
        if name == PLACEHOLDER or id(assignment.node) in corrections.future_imports:
            continue
        if id(assignment.node) in skipped:
            continue  # `except ... as name`, `global name` inside a def, `name: int`
        defines.add(name)
        if isinstance(assignment.node, (cst.Import, cst.ImportFrom)):
            imports.add(name)
    defines |= corrections.captures | corrections.comprehension_walrus

    functions: dict[str, frozenset[str]] = {}
    for statement in module_node.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            functions[statement.name.value] = frozenset(
                _globals_read(statement, scopes, global_scope)
            )
        named_lambda = _named_lambda(statement)
        if named_lambda is not None:
            name, function = named_lambda
            functions[name] = frozenset(_globals_read(function, scopes, global_scope))
    return CstScopeFacts(frozenset(defines), frozenset(imports), functions)


def _named_lambda(statement: cst.CSTNode) -> tuple[str, cst.Lambda] | None:
    """``name = lambda ...: ...`` as a whole statement: a function named ``name``."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if isinstance(target, cst.Name) and isinstance(assign.value, cst.Lambda):
        return target.value, assign.value
    return None


def _globals_read(
    definition: cst.FunctionDef | cst.ClassDef | cst.Lambda,
    scopes: Mapping[cst.CSTNode, Scope | None],
    global_scope: GlobalScope,
) -> Iterator[str]:
    """Names that code inside ``definition`` reads from the module (or builtins) when it runs.

    For a class, its body runs at definition time; only its methods run later.
    """
    inner: set[Scope] = set()
    targets: set[int] = set()  # `total += x` targets: read as well as written
    unevaluated: set[int] = set()  # names in annotations of function locals (`y: Foo = 1`)
    for node in _descendants(definition):
        scope = scopes.get(node)
        if scope is not None and scope is not global_scope:
            inner.add(scope)
        if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Name):
            targets.add(id(node.target))
        if isinstance(node, cst.AnnAssign) and isinstance(scope, FunctionScope):
            unevaluated.update(id(n) for n in _descendants(node.annotation))
    for assignment in global_scope.assignments:  # `global total` in the body, then `total += x`
        if isinstance(assignment, Assignment) and id(assignment.node) in targets:
            yield assignment.name
    for scope in inner:
        if isinstance(scope, ClassScope) and scope.node is definition:
            continue  # the class body itself runs when the class is defined
        for access in scope.accesses:
            node = access.node
            if not isinstance(node, cst.Name) or node.value in _NOT_NAMES:
                continue
            if id(node) in unevaluated:
                continue
            referents = access.referents
            if not referents or all(
                isinstance(r.scope, (GlobalScope, BuiltinScope)) for r in referents
            ):
                yield node.value


def _descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


class _Corrections(cst.CSTVisitor):
    """Finds the bindings libcst's scope provider gets differently from Python."""

    def __init__(self, scopes: Mapping[cst.CSTNode, Scope | None]) -> None:
        super().__init__()
        self.scopes = scopes
        self.captures: set[str] = set()
        self.comprehension_walrus: set[str] = set()
        self.handler_names: set[int] = set()
        self.future_imports: set[int] = set()
        self.nested_names: set[int] = set()  # Name nodes inside defs, classes and lambdas
        self.bare_annotations: set[int] = set()  # `x: int` at module level binds nothing
        self._depth = 0  # > 0 inside a def, class or lambda

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._depth -= 1

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._depth == 0 and node.value is None:
            self.bare_annotations.add(id(node.target))

    def visit_Name(self, node: cst.Name) -> None:
        if self._depth:
            self.nested_names.add(id(node))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = node.module
        if isinstance(module, cst.Name) and module.value == "__future__":
            self.future_imports.add(id(node))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self._depth == 0 and node.name is not None and isinstance(node.name.name, cst.Name):
            self.handler_names.add(id(node.name.name))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        in_comprehension = isinstance(self.scopes.get(node), ComprehensionScope)
        if self._depth == 0 and in_comprehension and isinstance(node.target, cst.Name):
            self.comprehension_walrus.add(node.target.value)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if self._depth == 0 and node.name is not None:
            self.captures.add(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if self._depth == 0 and node.name is not None:
            self.captures.add(node.name.value)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if self._depth == 0 and node.rest is not None:
            self.captures.add(node.rest.value)
