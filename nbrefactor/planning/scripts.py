"""Plan top-level script code as functions: one per run of cells in a section.

A run is consecutive code cells under the same heading, where every cell but the last
showed nothing (no output, no displayed last expression): the call goes in the last
cell, so every output stays where the user saw it. The function's parameters are the
notebook names the run reads; it returns the names it binds that anything later needs.
Imports and the settings a cell starts with (``N_CLUSTERS = 5``) stay in their cells;
the displayed last expression stays after the call.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from nbrefactor.analysis.facts import CellFacts
from nbrefactor.analysis.graph import CellGraph
from nbrefactor.diagnostics import Diagnostic, not_extracted
from nbrefactor.notebook.magics import Magic
from nbrefactor.planning.dataflow import (
    Flow,
    NotebookContext,
    Unsafe,
    block_flow,
    count_statements,
    displays_value,
    names_bound,
    names_read,
)
from nbrefactor.planning.docstrings import function_docstring
from nbrefactor.planning.naming import Code, Names
from nbrefactor.planning.observers import namespace_watcher, warned_cells
from nbrefactor.planning.signatures import (
    data_first,
    snake_case_parameters,
    unused_unpacked_names,
)
from nbrefactor.planning.units import ScriptFunction
from nbrefactor.pysource import code_lines, comment_start, first_line, indent

_MIN_STATEMENTS = 2


@dataclass(frozen=True, slots=True)
class _Cell:
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


@dataclass(frozen=True, slots=True)
class ScriptPlan:
    functions: tuple[ScriptFunction, ...]
    imports: dict[str, str]
    skipped: tuple[Diagnostic, ...]


def plan_scripts(
    context: NotebookContext,
    modules: Sequence[str],
    names: Names,
    *,
    busy: Set[int] = frozenset(),
) -> ScriptPlan:
    """Functions for the notebook's top-level code. ``names`` hands out unused names;
    cells in ``busy`` are changed by another unit and stay out of runs. Cells that call
    what an earlier run put in ``modules`` (the notebook's module, the shared one) stay
    as they are."""
    graph = context.graph
    watcher = namespace_watcher(graph)
    if watcher is not None:  # %whos would list other names once variables move
        return ScriptPlan((), {}, (watcher,))
    extracted = _imported_from(context.trees, modules)
    cells = _script_cells(context, extracted, busy)
    functions: list[ScriptFunction] = []
    imports: dict[str, str] = {}
    skipped: list[Diagnostic] = []
    for index, warning in warned_cells(graph).items():
        if cells.pop(index, None) is not None:  # it stays, and so the cells around it
            location = graph.notebook.location(index)
            skipped.append(not_extracted("NBR220", f"cell {index}", location, warning))
    for run in _runs(graph, cells):
        if count_statements(s for cell in run for s in cell.body) < _MIN_STATEMENTS:
            continue  # one line is clearer where it is than behind a function call
        outcome = _plan_run(context, run, names)
        if isinstance(outcome, Diagnostic):
            skipped.append(outcome)
            continue
        function, run_imports = outcome
        functions.append(function)
        imports.update(run_imports)
    return ScriptPlan(tuple(functions), imports, tuple(skipped))


def _imported_from(trees: Mapping[int, ast.Module], modules: Sequence[str]) -> set[str]:
    """Names the notebook imports from ``modules``: what earlier runs extracted."""
    return {
        alias.asname or alias.name
        for tree in trees.values()
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module in modules
        for alias in node.names
    }


def _script_cells(
    context: NotebookContext, extracted: set[str], busy: Set[int]
) -> dict[int, _Cell]:
    """Cells whose top-level code may move: plain Python, nothing that stays behind, or
    the body of a ``%%time``/``%%capture`` cell (the magic stays, around the call)."""
    found = {}
    own = _own_functions(context.graph)
    for index in context.graph.facts:
        if index not in busy:
            cell = _script_cell(context, index, extracted, own)
            if isinstance(cell, _Cell):
                found[index] = cell
    return found


def _own_functions(graph: CellGraph) -> set[str]:
    """The functions and classes the notebook defines: calling them may print."""
    return {d.name for facts in graph.facts.values() for d in facts.defs}


def _script_cell(
    context: NotebookContext, index: int, extracted: Set[str], own: Set[str]
) -> _Cell | str:
    """Cell ``index`` as :func:`_script_cells` sees it (``own``: the notebook's
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
    return _Cell(index, facts, tree, body, kept, last, shows, header or "")


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
    lines = {n for s in moving for n in _span(s)}
    return any(n in lines for s in staying for n in _span(s))


def _span(statement: ast.stmt) -> range:
    """The line numbers ``statement`` is written on, its decorators included."""
    return range(first_line(statement), (statement.end_lineno or statement.lineno) + 1)


def _assigned_name(statement: ast.stmt) -> str | None:
    """``NAME`` of ``NAME = value``; None for any other statement."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _settings(body: Sequence[ast.stmt]) -> list[bool]:
    """Which statements of a cell's ``body`` are settings: ``NAME = literal``, but not an
    empty container (an accumulator, as ``totals = []`` is) nor a name the cell binds
    again (``count = 0`` then ``count += 1``)."""
    bound = Counter(name for statement in body for name in names_bound([statement]))
    flags = []
    for statement in body:
        name = _assigned_name(statement)
        value = statement.value if isinstance(statement, ast.Assign) else None
        flags.append(name is not None and bound[name] == 1 and _is_literal(value))
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


def _runs(graph: CellGraph, cells: Mapping[int, _Cell]) -> Iterator[list[_Cell]]:
    """Consecutive eligible cells of one section, cut after each cell that shows output."""
    run: list[_Cell] = []
    previous_code: int | None = None
    for index in graph.facts:
        cell = cells.get(index)
        heading = graph.notebook.cells[index].headings
        joins = (
            cell is not None
            and run
            and not cell.starts_with_settings  # they stay before all of the run's code
            and previous_code == run[-1].index
            and graph.notebook.cells[run[-1].index].headings == heading
            and not run[-1].shows_output
        )
        if not joins and run:
            yield run
            run = []
        if cell is not None and cell.header:  # the magic wraps this cell's code only
            if run:
                yield run
            yield [cell]
            run = []
        elif cell is not None:
            run.append(cell)
        previous_code = index
    if run:
        yield run


def plan_chosen_cells(
    context: NotebookContext,
    chosen: Sequence[int],
    modules: Sequence[str],
    names: Names,
    *,
    name: str | None = None,
) -> ScriptPlan:
    """One function, named ``name`` or as :func:`plan_scripts` names its functions, for
    the top-level code of the ``chosen`` cells (indices in order: consecutive code
    cells, apart from markdown). The same rules as for a run of cells hold, said as a
    reason instead of cutting the run: a plan without a function says why in
    ``skipped``."""
    graph = context.graph
    watcher = namespace_watcher(graph)
    if watcher is not None:
        return ScriptPlan((), {}, (watcher,))
    where = f"cells {chosen[0]}-{chosen[-1]}" if len(chosen) > 1 else f"cell {chosen[0]}"

    def refused(code: str, detail: str) -> ScriptPlan:
        location = graph.notebook.location(chosen[0])
        return ScriptPlan((), {}, (not_extracted(code, where, location, detail),))

    between = [i for i in graph.facts if chosen[0] <= i <= chosen[-1] and i not in chosen]
    if between:
        return refused("NBR226", f"cell {between[0]}, between them, is not chosen")
    warned = warned_cells(graph)
    extracted = _imported_from(context.trees, modules)
    own = _own_functions(graph)
    run = []
    for index in chosen:
        if index in warned:
            return refused("NBR220", f"cell {index}: {warned[index]}")
        cell = _script_cell(context, index, extracted, own)
        if isinstance(cell, str):
            if cell:
                return refused("NBR226", f"cell {index}: {cell}")
            continue  # only imports and definitions, which move as themselves
        run.append(cell)
    if not run:
        return ScriptPlan((), {}, ())
    for cell in run[:-1]:
        if cell.shows_output:
            why = f"cell {cell.index} shows output, which would move to cell {run[-1].index}"
            return refused("NBR226", why)
        if cell.header:
            return refused("NBR226", f"cell {cell.index}: {cell.header} times that cell alone")
    for cell in run[1:]:
        if cell.starts_with_settings:
            why = f"cell {cell.index} starts with settings, which would run before cell "
            return refused("NBR226", why + f"{run[0].index}'s code")
    outcome = _plan_run(context, run, names, name=name)
    if isinstance(outcome, Diagnostic):
        return ScriptPlan((), {}, (outcome,))
    function, imports = outcome
    return ScriptPlan((function,), imports, ())


def _plan_run(
    context: NotebookContext, run: list[_Cell], names: Names, *, name: str | None = None
) -> tuple[ScriptFunction, dict[str, str]] | Diagnostic:
    statements = [s for cell in run for s in cell.body]
    last = run[-1]
    displayed = names_read([last.last_expression]) if last.last_expression else set()
    flow = block_flow(
        context,
        statements,
        first_cell=run[0].index,
        last_cell=last.index,
        bound_earlier=names_bound([s for cell in run for s in cell.kept]),  # kept before
        read_after=displayed,
    )
    if isinstance(flow, Unsafe):
        where = f"cells {run[0].index}-{last.index}" if len(run) > 1 else f"cell {last.index}"
        location = context.graph.notebook.location(run[0].index)
        return not_extracted(flow.code, where, location, flow.detail)
    notebook = context.graph.notebook
    section = notebook.section(run[0].index)
    code = Code(
        statements,
        flow.returns,
        flow.parameters,
        heading=section,
        comment=_first_comment(run),
        title=notebook.title if section is None else None,
    )
    name = names.for_code(code) if name is None else names.chosen(name)
    parameters = data_first(flow.parameters)
    renamed = snake_case_parameters(parameters, statements)
    keep = (*parameters, *flow.returns)
    unused = unused_unpacked_names(statements, keep)
    doc = function_docstring(
        name, statements, parameters, flow.returns, comment=code.comment, renamed=renamed
    )
    function = ScriptFunction(
        name=name,
        cells=tuple(cell.index for cell in run),
        parameters=parameters,
        returns=flow.returns,
        body=_body(run, flow.returns),
        kept_before="\n".join(part for part in (last.header, _kept_text(last)) if part),
        kept_after=_segment(last, last.last_expression) if last.last_expression else "",
        kept_in_place=tuple((c.index, _kept_text(c)) for c in run[:-1] if c.kept),
        docstring=doc,
        renamed=(*renamed.items(), *unused.items()),
        local_names=tuple(n for n in flow.bound if _only_local(n, run, flow, context)),
    )
    return function, flow.imports


def _only_local(name: str, run: list[_Cell], flow: Flow, context: NotebookContext) -> bool:
    """Whether the notebook variable ``name`` is local to the run's function now: the
    function does not return it and no code outside the run binds it."""
    cells = {cell.index for cell in run}
    bound_in = {index for index, _ in context.bindings.get(name, ())}
    return name not in flow.returns and bound_in <= cells


def _first_comment(run: list[_Cell]) -> str | None:
    """The comment the run's code starts with, if its first cell starts with one (and
    not with settings or imports that stay, which the comment is about)."""
    first = run[0]
    if first.tree.body and first.tree.body[0] in first.kept:
        return None
    code = first.facts.masked.code if first.facts.masked else ""
    for line in code_lines(code):
        stripped = line.strip()
        if stripped.startswith("#") and len(stripped) > 3:
            return stripped.lstrip("# ")
        if stripped:
            break
    return None


def _segment(cell: _Cell, statement: ast.stmt) -> str:
    code = cell.facts.masked.code if cell.facts.masked else ""
    return ast.get_source_segment(code, statement) or ""


def _kept_text(cell: _Cell) -> str:
    """What stays of ``cell`` before the call: its imports and leading settings, with
    the comments above them."""
    lines = _lines(cell)
    kept = _lines_of(cell.kept, cell.tree.body, lines)
    if not kept:
        return ""
    others = _lines_of([s for s in cell.tree.body if s not in cell.kept], cell.tree.body, lines)
    return _joined(
        lines[number - 1] for number in range(min(kept), max(kept) + 1) if number not in others
    )


def _lines_of(
    statements: Sequence[ast.stmt], everything: Sequence[ast.stmt], lines: Sequence[str]
) -> set[int]:
    """The line numbers of ``statements`` (some of ``everything``), each with the
    comment lines right above it."""
    taken = {number for statement in everything for number in _span(statement)}
    found: set[int] = set()
    for statement in statements:
        found.update(_span(statement))
        first = first_line(statement)
        found.update(range(comment_start(lines, first, taken), first))
    return found


def _lines(cell: _Cell) -> list[str]:
    return code_lines(cell.facts.masked.code if cell.facts.masked else "")


def _joined(lines: Iterable[str]) -> str:
    """``lines`` as one text, without blank lines at either end or two in a row."""
    return re.sub(r"\n(\s*\n)+", "\n\n", "\n".join(lines)).strip("\n")


def _body(run: list[_Cell], returns: Sequence[str]) -> str:
    """The moved code, comments included, indented for a function body."""
    chunks = []
    for cell in run:
        lines = _lines(cell)
        staying = [s for s in cell.tree.body if s not in cell.body]
        drop = _lines_of(cell.kept, cell.tree.body, lines)  # with their comments
        for statement in staying:
            drop.update(_span(statement))
        text = _joined(line for number, line in enumerate(lines, start=1) if number not in drop)
        if text.strip():
            chunks.append(text)
    body = "\n\n".join(chunks)
    if returns:
        body += f"\nreturn {', '.join(returns)}"
    return indent(body)
