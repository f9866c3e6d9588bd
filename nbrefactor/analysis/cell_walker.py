"""The walk over one cell's statements in evaluation order, with exact scoping.

It follows Python's evaluation order (the right side of ``x = x + 1`` before its
target) and definite assignment (a name bound in only one branch of an ``if`` is not yet
bound after it), so the names it reports as read are those the cell needs from the
notebook's state.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import Literal

from nbrefactor.analysis.bindings import (
    DYNAMIC_CALLS,
    MUTATING_METHODS,
    Binding,
    BindingKind,
    base_name,
    has_inplace_true,
    is_named_lambda,
    value_shape,
)
from nbrefactor.notebook.magics import PLACEHOLDER, is_placeholder_call

#: pandas methods whose query string reads notebook names as ``@name``.
_QUERY_METHODS = frozenset({"query", "eval"})

_QUERY_NAME = re.compile(r"@([A-Za-z_]\w*)")

ScopeKind = Literal["class", "comprehension", "lambda"]


class CellWalker:
    """Walks one cell's statements in evaluation order, tracking definitely bound names."""

    def __init__(
        self,
        isolated_lines: frozenset[int],
        call_reads: Mapping[str, Sequence[str]] = MappingProxyType({}),
    ) -> None:
        self.isolated_lines = isolated_lines
        # names a call of each function reads where it is made (new parameters passed)
        self.call_reads = call_reads
        self.read_by_calls: set[str] = set()
        self.bound: set[str] = set()
        self.reads: dict[str, tuple[int, int]] = {}  # name -> (line, UTF-8 byte offset)
        self.uses: set[str] = set()
        self.uses_after_binding: set[str] = set()
        self._ever_bound: set[str] = set()
        self.mutates: list[str] = []
        self.deletes: list[str] = []
        self.bindings: list[Binding] = []
        self.star_imports: list[str] = []
        self.dynamic: list[str] = []
        self.magic_reads: set[str] = set()
        self.assignment_mutates: set[str] = set()  # mutated by `x[k] = v` or `x.a = v`
        self._scopes: list[tuple[ScopeKind, set[str]]] = []  # innermost last
        self._loop_loads: list[set[str]] = []  # names loaded in each enclosing loop body
        self._conditional = 0  # > 0 inside code that may not run (walrus in `a and (b := c)`)
        self._branch_depth = 0  # > 0 inside if/for/while/try/match bodies
        self._recording = True

    # -- names ---------------------------------------------------------------------------

    def is_local(self, name: str) -> bool:
        """True when ``name`` is bound in an enclosing comprehension, lambda or class body.

        A class body's names are visible only directly in that body, not in nested scopes.
        """
        for depth, (kind, names) in enumerate(reversed(self._scopes)):
            if name in names and (depth == 0 or kind != "class"):
                return True
        return False

    def load(self, name: str, line: int, offset: int = 0) -> None:
        if name == PLACEHOLDER or self.is_local(name):
            return
        for loads in self._loop_loads:
            loads.add(name)
        self.uses.add(name)
        if name in self._ever_bound:
            self.uses_after_binding.add(name)
        if name not in self.bound and name not in self.reads:
            self.reads[name] = (line, offset)

    def bind(
        self,
        name: str,
        kind: BindingKind,
        line: int,
        value: ast.expr | None = None,
        *,
        derived: bool = False,
        unpacked: bool = False,
    ) -> None:
        # A walrus in a comprehension binds in the enclosing scope (PEP 572).
        scopes = [names for k, names in self._scopes if k != "comprehension" or kind != "walrus"]
        innermost = scopes[-1] if scopes else None
        if innermost is not None:
            innermost.add(name)
            return
        if not self._conditional:
            self.bound.add(name)
        if self._recording:
            self._ever_bound.add(name)
            if name in self.deletes:  # bound again after `del`: not deleted any more
                self.deletes.remove(name)
            shape = _shape(kind, value)
            self.bindings.append(Binding(name, kind, line, shape, derived, unpacked))

    def mutate(self, name: str | None, line: int, *, by_call: bool = False) -> None:
        if name is None or self.is_local(name):
            return
        self.load(name, line)
        if self._recording:
            if name not in self.mutates:
                self.mutates.append(name)
            if not by_call:
                self.assignment_mutates.add(name)

    # -- statements ----------------------------------------------------------------------

    def statements(self, body: Iterable[ast.stmt]) -> None:
        for stmt in body:
            if stmt.lineno in self.isolated_lines:
                self._isolated(stmt)
            else:
                self.statement(stmt)

    def _isolated(self, stmt: ast.stmt) -> None:
        """``%timeit`` runs its statement in a scope of its own: reads count, bindings don't."""
        saved_bound, saved_recording = set(self.bound), self._recording
        self._recording = False
        try:
            self.statement(stmt)
        finally:
            self.bound, self._recording = saved_bound, saved_recording

    def branches(self, *bodies: list[ast.stmt], exhaustive: bool = True) -> None:
        """Run alternative bodies; afterwards only names bound on every path are bound."""
        before = set(self.bound)
        results: list[set[str]] = []
        self._branch_depth += 1
        for body in bodies:
            self.bound = set(before)
            self.statements(body)
            results.append(self.bound)
        self._branch_depth -= 1
        if not exhaustive:
            results.append(before)
        self.bound = set.intersection(*results) if results else before

    def statement(self, node: ast.stmt) -> None:
        line = node.lineno
        if isinstance(node, ast.Expr):
            self.expr(node.value)
        elif isinstance(node, ast.Assign):
            if is_named_lambda(node):  # `f = lambda x: x * K`: a function, read when called
                assert isinstance(node.value, ast.Lambda) and isinstance(node.targets[0], ast.Name)
                self.arguments(node.value.args)
                self.bind(node.targets[0].id, "function", line)
                return
            self.expr(node.value)
            derived = _reads_any(node.value, node.targets)
            kind: BindingKind = "magic" if is_placeholder_call(node.value) else "assign"
            for target in node.targets:
                self.target(target, kind, node.value, derived=derived)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):
                self.load(node.target.id, line, node.target.col_offset)
                self.expr(node.value)
                self.bind(node.target.id, "augassign", line, node.value, derived=True)
            else:
                self.expr(node.value)
                self.target(node.target, "augassign", node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.expr(node.value)
            self.expr(node.annotation)
            if node.value is not None:
                self.target(node.target, "assign", node.value)
            elif not isinstance(node.target, ast.Name):
                self.expr(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                self.expr(decorator)
            self.arguments(node.args)
            if node.returns is not None:
                self.expr(node.returns)
            self.bind(node.name, "function", line)
        elif isinstance(node, ast.ClassDef):
            for item in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self.expr(item)
            self.class_body(node)
            self.bind(node.name, "class", line)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports(node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter)
            before = set(self.bound)
            with self._loop():
                self.target(node.target, "loop", None)
                # over a literal that is not empty, the loop binds its variable for sure
                surely = set(self.bound) if _never_empty(node.iter) else before
                self.statements(node.body)
            self.bound = surely
            self.branches(node.orelse, exhaustive=False)
        elif isinstance(node, ast.While):
            with self._loop():
                self.expr(node.test)
                self.branches(node.body, exhaustive=False)
            self.branches(node.orelse, exhaustive=False)
        elif isinstance(node, ast.If):
            self.expr(node.test)
            self.branches(node.body, node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for with_item in node.items:
                self.expr(with_item.context_expr)
                if with_item.optional_vars is not None:
                    self.target(with_item.optional_vars, "with", None)
            self.statements(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.try_statement(node)  # type: ignore[arg-type]
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.delete(target)
        elif isinstance(node, ast.Match):
            self.match(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            pass  # at cell level `global x` changes nothing
        else:  # Return, Raise, Assert, Pass, Break, Continue, TypeAlias, ...
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)

    @contextmanager
    def _loop(self) -> Iterator[None]:
        """A loop body may run again: a name it loads before binding reads the last round's."""
        loads: set[str] = set()
        self._loop_loads.append(loads)
        self._branch_depth += 1
        try:
            yield
        finally:
            self._branch_depth -= 1
            self._loop_loads.pop()
            self.uses_after_binding |= loads & self._ever_bound

    def try_statement(self, node: ast.Try) -> None:
        self._branch_depth += 1
        before = set(self.bound)
        self.statements(node.body)
        self.statements(node.orelse)
        outcomes = [self.bound]
        for handler in node.handlers:
            self.bound = set(before)
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:  # bound inside the handler only: Python deletes it afterwards
                self.bound.add(handler.name)
            self.statements(handler.body)
            if handler.name:
                self.bound.discard(handler.name)
            outcomes.append(self.bound)
        self.bound = set.intersection(*outcomes)
        self._branch_depth -= 1
        self.statements(node.finalbody)

    def class_body(self, node: ast.ClassDef) -> None:
        """A class body runs now, in a scope of its own that its methods cannot see."""
        saved_bound = set(self.bound)
        names: set[str] = set()
        self._scopes.append(("class", names))
        try:
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for decorator in stmt.decorator_list:
                        self.expr(decorator)
                    self.arguments(stmt.args)
                    names.add(stmt.name)
                else:
                    self.statement(stmt)
        finally:
            self._scopes.pop()
            self.bound = saved_bound

    def imports(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return
        for alias in node.names:
            if alias.name == "*" and isinstance(node, ast.ImportFrom):
                self.star_imports.append("." * node.level + (node.module or ""))
                continue
            name = alias.asname or alias.name.split(".")[0]
            module = node.module if isinstance(node, ast.ImportFrom) else alias.name
            self.bind(name, "import", node.lineno, ast.Constant(f"import:{module}"))

    def match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        before = set(self.bound)
        outcomes: list[set[str]] = []
        irrefutable = False
        for case in node.cases:
            self.bound = set(before)
            self.pattern(case.pattern)
            if case.guard is not None:
                self.expr(case.guard)
            self.statements(case.body)
            outcomes.append(self.bound)
            if case.guard is None and _irrefutable(case.pattern):
                irrefutable = True
        if not irrefutable:
            outcomes.append(before)
        self.bound = set.intersection(*outcomes)

    def pattern(self, node: ast.pattern) -> None:
        for child in ast.walk(node):
            if isinstance(child, ast.MatchValue):
                self.expr(child.value)
            elif isinstance(child, ast.MatchClass):
                self.expr(child.cls)
            elif isinstance(child, ast.MatchMapping):
                for key in child.keys:
                    self.expr(key)
                if child.rest:
                    self.bind(child.rest, "match", child.lineno)
            elif isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                self.bind(child.name, "match", child.lineno)

    def delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.load(target.id, target.lineno, target.col_offset)
            self.bound.discard(target.id)
            # only an unconditional `del` leaves the name deleted for the cells below
            if (
                self._recording
                and not self._scopes
                and not self._branch_depth
                and target.id not in self.deletes
            ):
                self.deletes.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.delete(element)
        else:
            self.expr_parts(target)
            self.mutate(base_name(target), target.lineno)

    def arguments(self, args: ast.arguments) -> None:
        """Defaults and annotations are evaluated when the ``def`` runs."""
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self.expr(arg.annotation)

    # -- targets and expressions ---------------------------------------------------------

    def target(
        self,
        node: ast.expr,
        kind: BindingKind,
        value: ast.expr | None,
        *,
        derived: bool = False,
        unpacked: bool = False,
    ) -> None:
        if isinstance(node, ast.Name):
            self.bind(node.id, kind, node.lineno, value, derived=derived, unpacked=unpacked)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, kind, None, derived=derived, unpacked=True)
        elif isinstance(node, ast.Starred):
            self.target(node.value, kind, None, derived=derived, unpacked=unpacked)
        else:  # obj.attr = ..., obj[key] = ...: evaluates obj (and key), changes obj
            self.expr_parts(node)
            self.mutate(base_name(node), node.lineno)

    def expr_parts(self, node: ast.expr) -> None:
        """Evaluate the object and subscript of an attribute/subscript target."""
        if isinstance(node, ast.Attribute):
            self.expr(node.value)
        elif isinstance(node, ast.Subscript):
            self.expr(node.value)
            self.expr(node.slice)

    def expr(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            self.load(node.id, node.lineno, node.col_offset)
        elif isinstance(node, ast.NamedExpr):
            self.expr(node.value)
            self.bind(node.target.id, "walrus", node.lineno, node.value)
        elif isinstance(node, ast.Lambda):
            self.arguments(node.args)
            self._scopes.append(("lambda", _argument_names(node.args)))
            self.expr(node.body)
            self._scopes.pop()
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.comprehension(node)
        elif isinstance(node, ast.BoolOp):
            self.expr(node.values[0])
            self._conditional += 1
            for value in node.values[1:]:
                self.expr(value)
            self._conditional -= 1
        elif isinstance(node, ast.IfExp):
            self.expr(node.test)
            self._conditional += 1
            self.expr(node.body)
            self.expr(node.orelse)
            self._conditional -= 1
        elif isinstance(node, ast.Call):
            self.call(node)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)
                elif isinstance(child, ast.keyword):
                    self.expr(child.value)
                elif isinstance(child, ast.comprehension):  # pragma: no cover - handled above
                    self.expr(child.iter)

    def call(self, node: ast.Call) -> None:
        if is_placeholder_call(node):
            for arg in node.args[1:]:
                if isinstance(arg, ast.Name):
                    self.magic_reads.add(arg.id)
                    self.load(arg.id, arg.lineno, arg.col_offset)
            return
        self.expr(node.func)
        for arg in node.args:
            self.expr(arg)
        for keyword in node.keywords:
            self.expr(keyword.value)
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.call_reads:
            for name in self.call_reads[func.id]:
                self.read_by_calls.add(name)
                self.load(name, node.lineno, node.col_offset)
        # vars(obj) is just obj.__dict__; vars() with no argument is locals()
        dynamic = isinstance(func, ast.Name) and func.id in DYNAMIC_CALLS
        if dynamic and isinstance(func, ast.Name) and (func.id != "vars" or not node.args):
            self.dynamic.append(f"{func.id}()")
        if isinstance(func, ast.Attribute) and func.attr in _QUERY_METHODS and node.args:
            query = node.args[0]
            if isinstance(query, ast.Constant) and isinstance(query.value, str):
                for found in _QUERY_NAME.finditer(query.value):  # df.query("x > @limit")
                    self.load(found.group(1), query.lineno, query.col_offset)
        if isinstance(func, ast.Attribute) and (
            func.attr in MUTATING_METHODS or has_inplace_true(node)
        ):
            self.mutate(base_name(func.value), node.lineno, by_call=True)

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        generators = node.generators
        self.expr(generators[0].iter)  # the first iterable is evaluated outside
        self._scopes.append(("comprehension", set()))
        self._conditional += 1
        for index, generator in enumerate(generators):
            if index:
                self.expr(generator.iter)
            self.target(generator.target, "loop", None)
            for condition in generator.ifs:
                self.expr(condition)
        if isinstance(node, ast.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self._conditional -= 1
        self._scopes.pop()


def _shape(kind: BindingKind, value: ast.expr | None) -> str:
    if kind in ("function", "class"):
        return kind
    if kind == "import" and isinstance(value, ast.Constant):
        return str(value.value)
    return value_shape(value)


def _reads_any(value: ast.expr, targets: list[ast.expr]) -> bool:
    """True when ``value`` reads a name that one of ``targets`` binds (``x = f(x)``)."""
    bound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(value))


def _argument_names(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _never_empty(iterable: ast.expr) -> bool:
    """Whether ``iterable`` is a literal with at least one item (``[12, 36]``, ``"ab"``)."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return bool(iterable.elts) and not any(isinstance(e, ast.Starred) for e in iterable.elts)
    return (
        isinstance(iterable, ast.Constant)
        and isinstance(iterable.value, (str, bytes))
        and bool(iterable.value)
    )
