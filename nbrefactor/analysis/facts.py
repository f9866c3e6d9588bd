"""Per-cell facts: which notebook names a cell defines, reads, mutates, imports and deletes.

The walk follows evaluation order (the right side of ``x = x + 1`` before its target)
and definite assignment (a name bound in only one branch of an ``if`` is not yet
bound after it), so ``reads`` are the names a cell needs from the notebook's state.
Function scopes come from :mod:`symtable`, the compiler's own scope analysis.
"""

from __future__ import annotations

import ast
import re
import symtable
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from nbrefactor.notebook.magics import PLACEHOLDER, MaskedCell, mask

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
#: pandas methods whose query string reads notebook names as ``@name``.
_QUERY_METHODS = frozenset({"query", "eval"})
_QUERY_NAME = re.compile(r"@([A-Za-z_]\w*)")

ScopeKind = Literal["class", "comprehension", "lambda"]


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


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a cell could not be analysed; ``line``/``col`` are 1-based in the cell."""

    message: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class CellFacts:
    """What one code cell does with notebook names.

    Name tuples keep the order of first occurrence. ``reads`` are the names the cell needs
    from earlier cells (read before the cell binds them); ``uses`` are all names it loads at
    cell level, ``uses_after_binding`` those loaded after the cell itself bound them;
    ``deletes`` are the names the cell leaves deleted. ``call_mutates`` are the mutated
    names changed only through method calls (``x.append(1)``), which a module cannot be.
    ``read_positions`` gives the first (line, column) each read happens at, both 1-based.
    """

    defines: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    mutates: tuple[str, ...] = ()
    call_mutates: frozenset[str] = frozenset()
    imports: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    uses_after_binding: frozenset[str] = frozenset()
    bindings: tuple[Binding, ...] = ()
    defs: tuple[DefFacts, ...] = ()
    read_positions: tuple[tuple[str, int, int], ...] = ()
    star_imports: tuple[str, ...] = ()
    dynamic: tuple[str, ...] = ()
    magic_reads: frozenset[str] = frozenset()
    parse_error: ParseError | None = None
    masked: MaskedCell | None = None

    def def_named(self, name: str) -> DefFacts | None:
        """The last top-level def or class called ``name`` in this cell."""
        found = None
        for item in self.defs:
            if item.name == name:
                found = item
        return found

    def first_read_position(self, name: str) -> tuple[int, int]:
        """Where ``name`` is first read: (line, column), 1-based."""
        for read, line, col in self.read_positions:
            if read == name:
                return line, col
        return 1, 1


def analyse_source(source: str) -> CellFacts:
    """Facts of one code cell's source (IPython syntax allowed)."""
    return analyse_masked(mask(source))


def analyse_masked(masked: MaskedCell) -> CellFacts:
    """Facts of an already masked cell."""
    try:
        tree = ast.parse(masked.code)
        table = symtable.symtable(masked.code, "<cell>", "exec")
    except SyntaxError as error:
        return CellFacts(
            parse_error=ParseError(error.msg, error.lineno or 1, error.offset or 1), masked=masked
        )
    except (ValueError, RecursionError) as error:  # null bytes, absurd nesting
        return CellFacts(parse_error=ParseError(str(error), 1, 1), masked=masked)
    walker = _CellWalker(masked.isolated_lines)
    walker.statements(tree.body)
    defs = tuple(_def_facts(tree, table))
    for magic in masked.magics:
        if magic.dynamic:
            walker.dynamic.append(f"%{magic.name}")
    imported = {b.name for b in walker.bindings if b.kind == "import"}
    call_only = set(walker.mutates) - walker.assignment_mutates
    return CellFacts(
        defines=tuple(dict.fromkeys(b.name for b in walker.bindings)),
        reads=tuple(walker.reads),
        # `np.append(a, 1)` after `import numpy as np` calls a function; it changes nothing
        mutates=tuple(n for n in walker.mutates if not (n in imported and n in call_only)),
        call_mutates=frozenset(call_only - imported),
        imports=tuple(dict.fromkeys(b.name for b in walker.bindings if b.kind == "import")),
        deletes=tuple(walker.deletes),
        uses=frozenset(walker.uses),
        uses_after_binding=frozenset(walker.uses_after_binding),
        bindings=tuple(walker.bindings),
        defs=defs,
        read_positions=tuple(
            (name, *masked.source_position(line, _column(masked.code, line, offset), name))
            for name, (line, offset) in walker.reads.items()
        ),
        star_imports=tuple(walker.star_imports),
        dynamic=tuple(dict.fromkeys(walker.dynamic)),
        magic_reads=frozenset(walker.magic_reads),
        masked=masked,
    )


def _column(code: str, line: int, offset: int) -> int:
    """ast gives UTF-8 byte offsets; people count characters from 1."""
    lines = code.splitlines()
    if not 0 < line <= len(lines):
        return offset + 1
    return len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace")) + 1


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


def _is_placeholder_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == PLACEHOLDER
    )


class _CellWalker:
    """Walks one cell's statements in evaluation order, tracking definitely bound names."""

    def __init__(self, isolated_lines: frozenset[int]) -> None:
        self.isolated_lines = isolated_lines
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
            if _is_named_lambda(node):  # `f = lambda x: x * K`: a function, read when called
                assert isinstance(node.value, ast.Lambda) and isinstance(node.targets[0], ast.Name)
                self.arguments(node.value.args)
                self.bind(node.targets[0].id, "function", line)
                return
            self.expr(node.value)
            derived = _reads_any(node.value, node.targets)
            kind: BindingKind = "magic" if _is_placeholder_call(node.value) else "assign"
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
                self.statements(node.body)
            self.bound = before
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
        if _is_placeholder_call(node):
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
            func.attr in MUTATING_METHODS or _has_inplace_true(node)
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


def _is_named_lambda(node: ast.Assign) -> bool:
    return (
        len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Lambda)
    )


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


def _has_inplace_true(node: ast.Call) -> bool:
    return any(
        k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )


def _argument_names(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


# -- functions and classes: symtable ---------------------------------------------------------


def _def_facts(tree: ast.Module, table: symtable.SymbolTable) -> Iterator[DefFacts]:
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
        elif isinstance(statement, ast.Assign) and _is_named_lambda(statement):
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
            and (child.func.attr in MUTATING_METHODS or _has_inplace_true(child))
        ):
            name = base_name(child.func.value)
            if name in global_names:
                yield name
