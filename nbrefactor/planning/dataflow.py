"""What a block of top-level notebook code needs and gives, for turning it into a function.

Shared by the script planner (runs of cells) and the duplicate planner (copies of a
block): the parameters are the notebook names the block reads, the returns are the names
it binds that something after it needs. A block whose data flow cannot be told safely
gets a reason instead (``NBR210``-``NBR214``).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from types import MappingProxyType

from nbrefactor.analysis.cell_walker import CellWalker
from nbrefactor.analysis.graph import BUILTIN_NAMES, CellGraph, is_output_history
from nbrefactor.notebook.model import Cell
from nbrefactor.planning.definitions import BindingsByName, changed_names, classify_name
from nbrefactor.planning.foreign import ForeignNames, foreign_names
from nbrefactor.planning.side_effects import global_reads, global_writes, rebinding
from nbrefactor.pysource import code_lines, ending_comment, named_values


class Later:
    """Answers "may something after cell N need this name's value from cell N?".

    A later cell needs it when it reads the name before binding it, unless a cell in
    between binds the name on every path (``lat = stats()`` after a loop that set
    ``lat``). Functions that stay in the notebook need what they read whenever called.
    """

    def __init__(
        self,
        graph: CellGraph,
        moved: Mapping[str, tuple[str, ...]],
        moved_from: Mapping[str, int],
        keep: Set[str] = frozenset(),
    ) -> None:
        self.always = {n for params in moved.values() for n in params}  # calls pass them
        self.always |= keep  # the user wants them kept as notebook variables
        #: per name, in cell order: (cell, True) where a cell reads it, (cell, False)
        #: where one binds it for sure without reading it first
        self._events: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        for index, facts in sorted(graph.facts.items()):
            for definition in facts.defs:
                if moved_from.get(definition.name) != index:  # it stays
                    self.always |= definition.globals_read  # read when they are called
            # what the cell reads before binding it: `x = 1; print(x)` needs no earlier x
            read = {*facts.reads, *facts.magic_reads}
            for name in read:
                self._events[name].append((index, True))
            for name in facts.always_binds - read:
                self._events[name].append((index, False))

    def needs(self, name: str, after: int) -> bool:
        if name in self.always:
            return True
        events = self._events.get(name, ())
        position = bisect_right(events, (after, True))  # the first event after cell `after`
        return position < len(events) and events[position][1]


@dataclass(slots=True)
class NotebookContext:
    """What the planners ask about one notebook, computed once.

    ``moved`` maps definitions (and constants) that move to the module to their new
    parameters; ``moved_from`` gives the cell of each definition that moves. Of a name
    defined in several cells only the last version may move (``redefined``): code before
    it still reaches the notebook's versions.
    """

    graph: CellGraph
    trees: Mapping[int, ast.Module]
    bindings: BindingsByName
    moved: Mapping[str, tuple[str, ...]]
    moved_from: Mapping[str, int] = field(default_factory=dict)
    redefined: frozenset[str] = frozenset()
    #: Names the user wants kept as notebook variables (``--keep``): code that binds
    #: them returns them to the notebook.
    keep: frozenset[str] = frozenset()
    later: Later = field(init=False)
    reads: dict[str, frozenset[str]] = field(init=False)
    changed: frozenset[str] = field(init=False)
    foreign: ForeignNames = field(init=False)
    writes: dict[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.writes = global_writes(self.graph)
        self.later = Later(self.graph, self.moved, self.moved_from, self.keep)
        self.changed = changed_names(self.graph)
        self.foreign = foreign_names(self.graph)
        self.reads = global_reads(self.graph)

    def bound_before(self, name: str, cell: int) -> bool:
        return any(bound < cell for bound, _ in self.bindings.get(name, ()))

    def comment_on(self, name: str, cell: int, line: int) -> str | None:
        """What the notebook says of ``name`` where it last binds it before line ``line``
        of ``cell``: the comment that ends a plain assignment of it (``g = 9.81  #
        gravity (m/s2)`` -> ``gravity (m/s2)``), or None. Notes to tools (``# noqa``,
        ``# type: float``) and comments without words say nothing of it."""
        earlier = [
            (where, binding)
            for where, binding in self.bindings.get(name, ())
            if where < cell or (where == cell and binding.line < line)
        ]
        if not earlier:
            return None
        where, binding = earlier[-1]
        tree, masked = self.trees.get(where), self.graph.facts[where].masked
        if tree is None or masked is None:
            return None
        for statement in tree.body:
            if statement.lineno <= binding.line <= (statement.end_lineno or binding.line):
                if not _assigns_alone(statement, name):
                    return None
                text = ending_comment(statement, code_lines(masked.code))
                return text if re.search("[A-Za-z]{2}", text) and not _PRAGMA.match(text) else None
        return None

    def settings(self, names: Iterable[str]) -> frozenset[str]:
        """Those of ``names`` that are settings: named in capitals, and set by every cell
        binding them to a literal or to what other settings and imports give (``SEED =
        42``, ``REPORT = os.path.join(OUT_DIR, "report.csv")``). ``TP = confusion[1, 1]``
        is worked out from data: no setting."""
        return frozenset(
            name
            for name in names
            if name.isupper()
            and (bound := self.bindings.get(name))
            and all(self._sets_from_settings(cell, name) for cell, _ in bound)
        )

    def _sets_from_settings(self, cell: int, name: str) -> bool:
        """Whether ``cell`` sets ``name`` (alone, at its top level) from literals and
        names in capitals, builtins and imports only."""
        tree = self.trees.get(cell)
        for statement in tree.body if tree is not None else ():
            if _assigns_alone(statement, name):
                return all(self._given(n) for n in names_read([statement]))
            value = dict(named_values(statement)).get(name)  # `CL, T = 0.8, 12.0`
            if value is not None:
                read = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                return all(self._given(n) for n in read)
        return False

    def _given(self, name: str) -> bool:
        """A name in capitals, a builtin or an import: what a setting may be made of."""
        bound = self.bindings.get(name, ())
        if not bound:
            return name in BUILTIN_NAMES
        return name.isupper() or all(binding.kind == "import" for _, binding in bound)

    def moves(self, name: str, cell: int) -> bool:
        """Whether the definition of ``name`` in ``cell`` moves to the module."""
        return self.moved_from.get(name) == cell

    def moved_by(self, cell: int) -> Mapping[str, tuple[str, ...]]:
        """``moved`` as code that starts in ``cell`` sees it: without the names it still
        gets from the notebook, defined again later on (``redefined``)."""
        if not self.redefined:
            return self.moved
        return {
            name: parameters
            for name, parameters in self.moved.items()
            if name not in self.redefined or self.moved_from[name] < cell
        }


@dataclass(frozen=True, slots=True)
class Flow:
    """The data flow of a block: ``parameters`` are the notebook names it reads that the
    call must pass, in order; ``imports`` map the names the module provides instead to
    their import statement; ``returns`` are the names it binds that are needed after
    it, and ``bound`` every name it binds, in order."""

    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    imports: dict[str, str]
    bound: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unsafe:
    """Why a block cannot become a function: an NBR2xx code (see
    :data:`nbrefactor.diagnostics.CODES`) and details."""

    code: str
    detail: str


def block_flow(
    context: NotebookContext,
    statements: Sequence[ast.stmt],
    *,
    first_cell: int,
    last_cell: int,
    bound_earlier: Iterable[str] = (),
    read_after: Iterable[str] = (),
) -> Flow | Unsafe:
    """The data flow of ``statements``, which run from cell ``first_cell`` to
    ``last_cell``. ``bound_earlier`` are names bound before the block in its first cell;
    ``read_after`` are names read after it in its last cell (a displayed expression)."""
    moved = context.moved_by(first_cell)
    # calls of moved functions that gained parameters pass them: they read them there
    walker = _walked(statements, call_reads=moved)
    history = {name for name in walker.reads if is_output_history(name)}
    if walker.dynamic or walker.star_imports or history:
        found = sorted(set(walker.dynamic) | history)
        return Unsafe("NBR213", ", ".join(found) or "a star import")
    if "__name__" in walker.reads:  # `if __name__ == "__main__":` would never run
        return Unsafe("NBR218", "'__name__'")
    earlier = set(bound_earlier)
    deleted = [n for n in walker.deletes if n in earlier or context.bound_before(n, first_cell)]
    if deleted:  # its own temporaries may go; a notebook name may not
        return Unsafe("NBR212", _quoted(deleted))
    # a notebook function called here reads notebook globals: binding one of them in the
    # function would hide the new value from it (`THRESHOLD = 0.6; df.apply(label)`)
    bound_here = {b.name for b in walker.bindings}
    passed = [p for f in sorted(walker.uses & moved.keys()) for p in moved[f]]
    for name in sorted(walker.uses | set(passed)):  # a staying function may be passed
        # what it reads, or the functions it calls do (any definition of each: `play`
        # defined twice, the call may reach either)
        read = context.reads.get(name, frozenset()) if name not in moved else frozenset()
        if read & bound_here:
            return Unsafe("NBR214", f"{_quoted(sorted(read & bound_here))}, read by {name}()")
    parameters: list[str] = []
    imports: dict[str, str] = {}
    # a name passed only after the block bound it is its own; one passed where the walk
    # did not see the call (a function defined in the block) may be the notebook's
    unseen = [p for p in passed if p not in walker.reads and p not in walker.read_by_calls]
    for name in dict.fromkeys([*walker.reads, *unseen]):
        if name not in context.bindings and name in context.foreign.provided:
            imports[name] = context.foreign.provided[name]  # `from typing import *`
            continue
        source = context.foreign.source_of(name) if name not in context.bindings else None
        if source is not None:  # the module would not have it
            return Unsafe("NBR213", f"'{name}' may come from {source}")
        if name not in context.bindings and name not in BUILTIN_NAMES:
            return Unsafe("NBR227", f"'{name}'")  # the kernel had it; the module would not
        if name not in context.bindings or name in moved:
            continue  # a builtin, or moved
        if name not in earlier and not context.bound_before(name, first_cell):
            if name not in walker.reads and name in bound_here:
                continue  # passed to a moved function after the block made it: its own
            return Unsafe("NBR210", f"'{name}'")
        kind = classify_name(
            name, context.bindings, context.graph, context.trees, set(moved), context.changed
        )
        if kind is None:
            continue
        if kind[0] == "import":
            imports[name] = kind[1]
        else:  # settings too: the notebook stays the place to change them
            parameters.append(name)
    # a function it calls may assign a name it receives: the notebook would read the new
    # value, a parameter keeps the old one (`[boot() for _ in range(300)]; print(n_boot)`)
    stale = rebinding(parameters, walker.uses | set(passed), context.writes)
    if stale is not None:
        return Unsafe("NBR216", f"'{stale[0]}', assigned by {stale[1]}()")
    after = set(read_after)
    bound = tuple(dict.fromkeys(b.name for b in walker.bindings))
    returns = [n for n in bound if n in after or context.later.needs(n, last_cell)]
    unsure = [n for n in returns if n not in walker.bound and n not in parameters]
    if unsure:
        return Unsafe("NBR211", _quoted(unsure))
    return Flow(tuple(parameters), tuple(returns), imports, bound)


def displays_value(
    cell: Cell, statement: ast.stmt, rebound: Container[str] = (), *, outputs_kept: bool = True
) -> bool:
    """Whether ``statement``, the last of ``cell``, may show a value (``Out[n]``).

    A call the cell ran without showing a value returned None (``plt.tight_layout()``):
    inside a function it shows nothing either. A value silenced with ``;`` shows
    nothing. Without outputs to prove it (never run, or the notebook's outputs cleared:
    ``outputs_kept`` is false), any expression may show one.
    """
    if not isinstance(statement, ast.Expr) or _silenced(cell.source, statement):
        return False
    value = statement.value
    if not isinstance(value, ast.Call):
        return True
    if isinstance(value.func, ast.Name) and value.func.id == "print" and "print" not in rebound:
        return False  # print() returns None
    if cell.execution_count is None or not outputs_kept:
        return True
    return any(output.get("output_type") == "execute_result" for output in cell.outputs)


def _silenced(source: str, statement: ast.stmt) -> bool:
    """Whether ``statement`` (the last of the cell ``source``) ends with ``;``, which
    tells IPython not to show its value."""
    lines = code_lines(source)
    end = statement.end_lineno or statement.lineno
    if end > len(lines):
        return False
    after = lines[end - 1].encode()[statement.end_col_offset or 0 :].decode(errors="replace")
    return after.lstrip().startswith(";")


def parameter_notes(
    context: NotebookContext, parameters: Iterable[str], cell: int, line: int
) -> dict[str, str]:
    """What the notebook's comments say of the ``parameters`` of code starting at line
    ``line`` of ``cell`` (see :meth:`NotebookContext.comment_on`), for its docstring."""
    notes = {name: context.comment_on(name, cell, line) for name in parameters}
    return {name: note for name, note in notes.items() if note}


#: Comments that speak to a tool, not of the value (noqa, type: float, fmt: skip, ...).
_PRAGMA = re.compile(
    r"(?:noqa\b|type:|nbrefactor:|pylint:|fmt:|isort:|pyright:|mypy:|pragma\b|todo\b|fixme\b)",
    re.IGNORECASE,
)


def _assigns_alone(statement: ast.stmt, name: str) -> bool:
    """Whether ``statement`` is ``name = ...`` (or ``name: T = ...``) and binds nothing else."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    else:
        return False
    return all(isinstance(t, ast.Name) and t.id == name for t in targets)


def names_read(statements: Sequence[ast.stmt]) -> set[str]:
    """Every name ``statements`` read, whether they bound it first or not."""
    walker = _walked(statements)
    return set(walker.reads) | walker.uses


def free_names(statements: Sequence[ast.stmt]) -> list[str]:
    """The names ``statements`` read before binding them (from outside), in order."""
    return list(_walked(statements).reads)


def names_bound(statements: Sequence[ast.stmt]) -> set[str]:
    return {b.name for b in _walked(statements).bindings}


def _walked(
    statements: Sequence[ast.stmt], call_reads: Mapping[str, Sequence[str]] = MappingProxyType({})
) -> CellWalker:
    walker = CellWalker(frozenset(), call_reads)
    walker.statements(list(statements))
    return walker


def count_statements(statements: Iterable[ast.stmt]) -> int:
    """Statements, nested ones included: what the moved ratio counts."""
    return sum(isinstance(node, ast.stmt) for s in statements for node in ast.walk(s))


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)
