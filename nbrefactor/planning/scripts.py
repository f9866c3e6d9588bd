"""Plan top-level script code as functions: one per run of cells in a section.

A run is consecutive code cells under the same heading, where every cell but the last
showed nothing (no output, no displayed last expression): the call goes in the last
cell, so every output stays where the user saw it. The function's parameters are the
notebook names the run reads; it returns the names it binds that anything later needs.
Imports stay in the notebook; the displayed last expression stays after the call.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from nbrefactor.analysis.cell_walker import CellWalker
from nbrefactor.analysis.facts import CellFacts, DefFacts
from nbrefactor.analysis.graph import BUILTIN_NAMES, CellGraph
from nbrefactor.planning.definitions import Binding, changed_names, classify_name
from nbrefactor.planning.naming import Names
from nbrefactor.planning.units import SKIP_REASONS, ScriptFunction, Skipped

_HISTORY = frozenset({"_", "__", "___", "Out", "In", "_i", "_ii", "_iii", "_oh", "_ih"})
_MIN_STATEMENTS = 2


@dataclass(frozen=True, slots=True)
class _Cell:
    index: int
    facts: CellFacts
    tree: ast.Module
    body: list[ast.stmt]  # what moves: not imports, moved definitions or the last expression
    imports: list[ast.stmt]
    last_expression: ast.Expr | None
    shows_output: bool


@dataclass(frozen=True, slots=True)
class ScriptPlan:
    functions: tuple[ScriptFunction, ...]
    imports: dict[str, str]
    skipped: tuple[Skipped, ...]


def plan_scripts(
    graph: CellGraph,
    trees: Mapping[int, ast.Module],
    bindings: Mapping[str, list[Binding]],
    moved: Mapping[str, tuple[str, ...]],
    taken: set[str],
    module: str,
) -> ScriptPlan:
    """Functions for the notebook's top-level code. ``moved`` maps moved definitions to
    their new parameters; ``taken`` are names the module or notebook already use; cells
    that call what an earlier run put in ``module`` stay as they are."""
    extracted = _imported_from(trees, module)
    names = Names(taken)
    cells = _script_cells(graph, trees, set(moved), extracted)
    functions: list[ScriptFunction] = []
    imports: dict[str, str] = {}
    skipped: list[Skipped] = []
    later = _Later(graph, moved)
    changed = changed_names(graph)
    staying = {
        d.name: d for facts in graph.facts.values() for d in facts.defs if d.name not in moved
    }
    for run in _runs(graph, cells):
        if sum(_count(s) for cell in run for s in cell.body) < _MIN_STATEMENTS:
            continue  # one line is clearer where it is than behind a function call
        outcome = _plan_run(graph, run, trees, bindings, moved, later, staying, changed, names)
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
            continue
        function, run_imports = outcome
        functions.append(function)
        imports.update(run_imports)
    return ScriptPlan(tuple(functions), imports, tuple(skipped))


def _imported_from(trees: Mapping[int, ast.Module], module: str) -> set[str]:
    """Names the notebook imports from ``module``: what earlier runs extracted."""
    return {
        alias.asname or alias.name
        for tree in trees.values()
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def _script_cells(
    graph: CellGraph, trees: Mapping[int, ast.Module], moved: set[str], extracted: set[str]
) -> dict[int, _Cell]:
    """Cells whose top-level code may move: plain Python, nothing that stays behind."""
    found: dict[int, _Cell] = {}
    for index, facts in graph.facts.items():
        tree = trees.get(index)
        masked = facts.masked
        if tree is None or masked is None or masked.magics or masked.leading_indent:
            continue
        body: list[ast.stmt] = []
        imports: list[ast.stmt] = []
        blocked = False
        for statement in tree.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                imports.append(statement)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                blocked = blocked or statement.name not in moved  # it stays: so does the cell
            else:
                body.append(statement)
        calls_extracted = any(
            isinstance(n, ast.Name) and n.id in extracted for s in body for n in ast.walk(s)
        )
        if blocked or calls_extracted or not body:
            continue  # a call of code extracted before stays as it is: running twice is a no-op
        if 2 * sum(_is_setting(s) for s in body) >= len(body):
            continue  # settings cells (`SEED = 42`) stay where people tune them
        last = body[-1] if isinstance(body[-1], ast.Expr) else None
        if last is not None:
            body = body[:-1]
        cell = graph.notebook.cells[index]
        found[index] = _Cell(
            index, facts, tree, body, imports, last, bool(cell.outputs) or last is not None
        )
    return found


def _is_setting(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.Assign):
        return False
    try:
        ast.literal_eval(statement.value)
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
            and previous_code == run[-1].index
            and graph.notebook.cells[run[-1].index].headings == heading
            and not run[-1].shows_output
        )
        if not joins and run:
            yield run
            run = []
        if cell is not None:
            run.append(cell)
        previous_code = index
    if run:
        yield run


class _Later:
    """Answers "may something after cell N need this name?" in constant time."""

    def __init__(self, graph: CellGraph, moved: Mapping[str, tuple[str, ...]]) -> None:
        self.always = {n for params in moved.values() for n in params}  # calls pass them
        self.last_reader: dict[str, int] = {}
        for index, facts in graph.facts.items():
            for definition in facts.defs:
                if definition.name not in moved:
                    self.always |= definition.globals_read  # read when they are called
            for name in (*facts.reads, *facts.uses, *facts.magic_reads):
                self.last_reader[name] = index

    def needs(self, name: str, after: int) -> bool:
        return name in self.always or self.last_reader.get(name, -1) > after


def _plan_run(
    graph: CellGraph,
    run: list[_Cell],
    trees: Mapping[int, ast.Module],
    bindings: Mapping[str, list[Binding]],
    moved: Mapping[str, tuple[str, ...]],
    later: _Later,
    staying: Mapping[str, DefFacts],
    changed: frozenset[str],
    names: Names,
) -> tuple[ScriptFunction, dict[str, str]] | Skipped:
    statements = [s for cell in run for s in cell.body]
    last = run[-1]
    walker = CellWalker(frozenset())
    walker.statements(statements)
    first_index = run[0].index

    def skip(code: str, detail: str) -> Skipped:
        name = f"cells {run[0].index}-{last.index}" if len(run) > 1 else f"cell {last.index}"
        message = f"{SKIP_REASONS[code]}: {detail}"
        return Skipped(code, name, message, graph.notebook.location(first_index))

    if walker.dynamic or walker.star_imports or set(walker.reads) & _HISTORY:
        return skip(
            "NBR213", ", ".join(sorted(set(walker.dynamic) | (set(walker.reads) & _HISTORY)))
        )
    deleted = [n for n in walker.deletes if _bound_before(n, bindings, first_index)]
    if deleted:  # its own temporaries may go; a notebook name may not
        return skip("NBR212", ", ".join(f"'{n}'" for n in deleted))
    parameters: list[str] = []
    imports: dict[str, str] = {}
    # a notebook function called here reads notebook globals: binding one of them in the
    # function would hide the new value from it (`THRESHOLD = 0.6; df.apply(label)`)
    bound_here = {b.name for b in walker.bindings}
    for name in sorted(walker.uses):
        definition = staying.get(name)
        if definition is not None and definition.globals_read & bound_here:
            hidden = ", ".join(f"'{n}'" for n in sorted(definition.globals_read & bound_here))
            return skip("NBR214", f"{hidden}, read by {name}()")
    # calls of moved functions that gained parameters pass them: the run reads them too
    passed = [p for f in sorted(walker.uses & moved.keys()) for p in moved[f]]
    for name in dict.fromkeys([*walker.reads, *(p for p in passed if p not in walker.reads)]):
        if name in BUILTIN_NAMES and name not in bindings:
            continue
        if name not in bindings or name in moved:
            continue  # never defined (a NameError either way), or imported from the module
        if not _bound_before(name, bindings, first_index):
            return skip("NBR210", f"'{name}'")
        kind = classify_name(name, bindings, graph, trees, set(moved), changed)
        if kind is None:
            continue
        if kind[0] == "import":
            imports[name] = kind[1]
        else:  # settings too: the notebook stays the place to change them
            parameters.append(name)
    bound = [b.name for b in walker.bindings]
    displayed = _names_read([last.last_expression]) if last.last_expression else set()
    returns = [n for n in dict.fromkeys(bound) if n in displayed or later.needs(n, last.index)]
    unsure = [n for n in returns if n not in walker.bound and n not in parameters]
    if unsure:
        return skip("NBR211", ", ".join(f"'{n}'" for n in unsure))
    heading = graph.notebook.cells[first_index].heading
    name = names.for_function(heading, _first_comment(run), returns)
    function = ScriptFunction(
        name=name,
        cells=tuple(cell.index for cell in run),
        parameters=tuple(parameters),
        returns=tuple(returns),
        body=_body(run, returns),
        kept_before="\n".join(_segment(cell, s) for cell in run for s in cell.imports),
        kept_after=_segment(last, last.last_expression) if last.last_expression else "",
        statements=sum(_count(s) for s in statements),
    )
    return function, imports


def _bound_before(name: str, bindings: Mapping[str, list[Binding]], cell: int) -> bool:
    return any(b.cell < cell for b in bindings.get(name, ()))


def _names_read(statements: Sequence[ast.stmt]) -> set[str]:
    walker = CellWalker(frozenset())
    walker.statements(list(statements))
    return set(walker.reads) | walker.uses


def _count(statement: ast.stmt) -> int:
    return sum(isinstance(node, ast.stmt) for node in ast.walk(statement))


def _first_comment(run: list[_Cell]) -> str | None:
    for cell in run:
        code = cell.facts.masked.code if cell.facts.masked else ""
        for line in code.splitlines():
            stripped = line.strip()
            if stripped.startswith("#") and len(stripped) > 3:
                return stripped.lstrip("# ")
            if stripped:
                break
    return None


def _segment(cell: _Cell, statement: ast.stmt) -> str:
    code = cell.facts.masked.code if cell.facts.masked else ""
    return ast.get_source_segment(code, statement) or ""


def _body(run: list[_Cell], returns: list[str]) -> str:
    """The moved code, comments included, indented for a function body."""
    chunks = []
    for cell in run:
        code = cell.facts.masked.code if cell.facts.masked else ""
        lines = code.splitlines()
        drop: set[int] = set()
        for statement in cell.tree.body:
            if statement not in cell.body:
                first = _first_line(statement)
                drop.update(range(first, (statement.end_lineno or statement.lineno) + 1))
        kept = [line for number, line in enumerate(lines, start=1) if number not in drop]
        text = "\n".join(kept).strip("\n")
        if text.strip():
            chunks.append(text)
    body = "\n\n".join(chunks)
    if returns:
        body += f"\nreturn {', '.join(returns)}"
    return _indent(body)


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


def _indent(code: str) -> str:
    """Indent by four spaces, except lines inside multi-line strings (their content)."""
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    return "\n".join(
        line if number in inside or not line.strip() else "    " + line
        for number, line in enumerate(code.splitlines(), start=1)
    )
