"""Which cells' top-level code may move into a function, and what of each cell stays.

A cell's code may move when it is plain Python (or the body of a ``%%time`` or
``%%capture`` cell, the magic staying around the call), defines nothing that stays in
the notebook, calls nothing an earlier extraction moved, and is not mostly settings.
Its imports and the settings it starts with stay before the call, its displayed last
expression after it.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from nbrefactor.analysis.facts import CellFacts
from nbrefactor.analysis.graph import CellGraph
from nbrefactor.notebook.magics import Magic
from nbrefactor.planning.dataflow import NotebookContext, displays_value, names_bound
from nbrefactor.pysource import first_line, named_values


@dataclass(frozen=True, slots=True)
class ScriptCell:
    """A cell whose code may move: what moves (``body``), what stays before the call
    (``kept``) and after it (``last_expression``), and whether it shows output."""

    index: int
    facts: CellFacts
    tree: ast.Module
    body: list[ast.stmt]  # what moves: not imports, moved definitions or the last expression
    kept: list[ast.stmt]  # what stays before the call: imports and leading settings
    last_expression: ast.stmt | None
    shows_output: bool
    header: str = ""  # `%%time`: the cell magic the call stays under

    @property
    def starts_with_settings(self) -> bool:
        """Whether it keeps settings, which must run before all of its run's code."""
        return any(not isinstance(s, (ast.Import, ast.ImportFrom)) for s in self.kept)


def imported_from(trees: Mapping[int, ast.Module], modules: Sequence[str]) -> set[str]:
    """Names the notebook imports from ``modules``: what earlier runs extracted."""
    return {
        alias.asname or alias.name
        for tree in trees.values()
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module in modules
        for alias in node.names
    }


def script_cells(
    context: NotebookContext, extracted: set[str], busy: Set[int]
) -> dict[int, ScriptCell]:
    """Cells whose top-level code may move: plain Python, nothing that stays behind, or
    the body of a ``%%time``/``%%capture`` cell (the magic stays, around the call)."""
    found = {}
    own = own_functions(context.graph)
    for index in context.graph.facts:
        if index not in busy:
            cell = script_cell(context, index, extracted, own)
            if isinstance(cell, ScriptCell):
                found[index] = cell
    return found


def own_functions(graph: CellGraph) -> set[str]:
    """The functions and classes the notebook defines: calling them may print."""
    return {d.name for facts in graph.facts.values() for d in facts.defs}


def script_cell(
    context: NotebookContext, index: int, extracted: Set[str], own: Set[str]
) -> ScriptCell | str:
    """Cell ``index`` as :func:`script_cells` sees it (``own``: the notebook's
    functions), or why its code cannot move (an empty reason: it has none to move, only
    imports and definitions)."""
    graph, moved = context.graph, context.moved
    facts = graph.facts[index]
    tree = context.trees.get(index)
    masked = facts.masked
    if tree is None or masked is None:
        return "it cannot be parsed"
    if masked.leading_indent:
        return "its code is indented"
    header = _wrapping_magic(masked.magics, tree)
    if masked.magics and header is None:
        return "it holds IPython syntax that has no place in a function"
    body: list[ast.stmt] = []
    imports: list[ast.stmt] = []
    staying = []
    for statement in tree.body[1 if header else 0 :]:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(statement)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # it stays, or the notebook imports it right here: the cell stays
            if not context.moves(statement.name, index) or statement.name in context.redefined:
                staying.append(statement.name)
        elif _assigned_name(statement) not in moved:  # moved constants leave the cell
            body.append(statement)
    if not body:
        return ""
    if staying:
        return f"it defines {', '.join(staying)}, which stays in the notebook"
    if any(isinstance(n, ast.Name) and n.id in extracted for s in body for n in ast.walk(s)):
        # a call of code extracted before stays as it is: running twice is a no-op
        return "it calls code extracted before"
    flags = _settings(body)
    leading = 0 if header or all(flags) else flags.index(False)
    if 2 * sum(flags[leading:]) >= len(body) - leading:
        return "it is a cell of settings, which stays where people tune them"
    settings, body = body[:leading], body[leading:]  # `SEED = 42` stays before the call
    cell = graph.notebook.cells[index]
    outputs_kept = graph.notebook.outputs_kept
    shown = displays_value(cell, body[-1], context.bindings, outputs_kept=outputs_kept)
    last = body[-1] if shown else None
    if last is not None:
        body = body[:-1]
    if _shares_lines(body, [s for s in tree.body if s not in body]):
        # `LIMIT = 5; y = f()`: the moved code is cut out by whole lines
        return "a line holds code that moves and code that stays"
    shows = bool(cell.outputs) or last is not None
    if (cell.execution_count is None or not outputs_kept) and not shows:  # it may print
        shows = _may_print(body, own)
    kept = sorted([*imports, *settings], key=first_line)
    return ScriptCell(index, facts, tree, body, kept, last, shows, header or "")


#: Calls that show something (print, plot, describe a frame) in a cell never run.
_SHOWING = frozenset(
    {"print", "display", "show", "info", "plot", "hist", "bar", "barh", "scatter", "imshow",
     "pprint", "head", "tail", "describe"}
)  # fmt: skip


def _may_print(body: Sequence[ast.stmt], own: Set[str]) -> bool:
    """Whether code that never ran may show something: it calls print(), a plotting or
    describing method, or a function of the notebook (``own``, which may print)."""
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                function = node.func
                name = function.attr if isinstance(function, ast.Attribute) else None
                if isinstance(function, ast.Name):
                    name = function.id
                if name in _SHOWING or name in own:
                    return True
    return False


#: Cell magics that run their body as notebook code and can run a call instead.
_WRAPPING_MAGICS = frozenset({"time", "capture"})


def _wrapping_magic(magics: Sequence[Magic], tree: ast.Module) -> str | None:
    """The first line of a ``%%time`` or ``%%capture`` cell with no other IPython syntax."""
    if len(magics) != 1 or magics[0].kind != "cell_magic" or not tree.body:
        return None
    magic = magics[0]
    if magic.name not in _WRAPPING_MAGICS or magic.start_line != 1 or tree.body[0].lineno != 1:
        return None
    return magic.original.rstrip("\n")


def _shares_lines(moving: list[ast.stmt], staying: list[ast.stmt]) -> bool:
    lines = {n for s in moving for n in line_span(s)}
    return any(n in lines for s in staying for n in line_span(s))


def line_span(statement: ast.stmt) -> range:
    """The line numbers ``statement`` is written on, its decorators included."""
    return range(first_line(statement), (statement.end_lineno or statement.lineno) + 1)


def _assigned_name(statement: ast.stmt) -> str | None:
    """``NAME`` of ``NAME = value``; None for any other statement."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _settings(body: Sequence[ast.stmt]) -> list[bool]:
    """Which statements of a cell's ``body`` are settings: ``NAME = literal`` (or ``A, B =
    literal, literal``), but not an empty container (an accumulator, as ``totals = []``
    is) nor a name the cell binds again (``count = 0`` then ``count += 1``)."""
    bound = Counter(name for statement in body for name in names_bound([statement]))
    flags = []
    for statement in body:
        pairs = named_values(statement)
        flags.append(
            bool(pairs) and all(bound[name] == 1 and _is_literal(value) for name, value in pairs)
        )
    return flags


def _is_literal(value: ast.expr | None) -> bool:
    """Whether ``value`` is a literal that is not an empty container."""
    if value is None:
        return False
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and not value.elts:
        return False
    if isinstance(value, ast.Dict) and not value.keys:
        return False
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
