"""Plan the move of ``def`` and ``class`` statements from cells into a module.

For each top-level definition, the module-level names its body reads decide what it
needs in the module: an import (the name is only ever bound by one import), a constant
that moves along (bound once, to a literal, never changed), another moved definition,
or a notebook variable, which becomes a keyword-only parameter that every call passes.
A definition moves only when all of that is safe; otherwise it stays, with a reason.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from types import MappingProxyType

from nbrefactor.analysis.bindings import DYNAMIC_CALLS, Binding, DefFacts, names_bound_in
from nbrefactor.analysis.cell_walker import CellWalker
from nbrefactor.analysis.graph import BUILTIN_NAMES, CellGraph, is_output_history
from nbrefactor.diagnostics import Diagnostic, not_extracted
from nbrefactor.notebook.magics import Magic
from nbrefactor.notebook.model import cell_number
from nbrefactor.planning.foreign import ForeignNames, foreign_names
from nbrefactor.planning.observers import inspected_functions, shown_with_their_module
from nbrefactor.planning.side_effects import global_writes, rebinding
from nbrefactor.planning.units import ExtractionPlan, MovedDefinition


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A ``def`` or ``class`` at the top of a cell. ``evaluated`` are the names its
    statement reads when it runs (decorators, annotations, defaults, bases)."""

    facts: DefFacts
    cell: int
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    evaluated: frozenset[str]

    @property
    def reads(self) -> frozenset[str]:
        """Every module-level name it needs: when it is defined, and when it runs."""
        return self.facts.globals_read | self.evaluated


def plan_definitions(
    graph: CellGraph,
    module: str,
    *,
    trees: Mapping[int, ast.Module] | None = None,
    bindings: BindingsByName | None = None,
    chosen: Set[int] | None = None,
) -> ExtractionPlan:
    """Which definitions of ``graph``'s notebook move into ``module``, and how.

    ``trees`` (:func:`parse_cells`) and ``bindings`` (:func:`collect_bindings`) are
    computed when not given; a caller that needs them too passes its own. With
    ``chosen`` cells, only definitions and constants in them may move: the others stay
    (NBR225, not reported), and what calls them stays with them.
    """
    notebook = graph.notebook
    trees = parse_cells(graph) if trees is None else trees
    bindings = collect_bindings(graph) if bindings is None else bindings
    candidates = list(_candidates(graph, trees))
    defined = {c.facts.name for c in candidates}  # every version, those that stay too
    # a name defined again and again: only its last version may move, the others stay
    last_versions = _last_versions(candidates, bindings)
    candidates = [c for c in candidates if last_versions.get(c.facts.name, c) is c]
    skipped: dict[str, Diagnostic] = {}

    def skip(candidate: _Candidate, code: str, detail: str = "") -> None:
        name = candidate.facts.name
        location = notebook.location(candidate.cell, candidate.node.lineno)
        skipped.setdefault(name, not_extracted(code, name, location, detail))

    if chosen is not None:
        for candidate in candidates:
            if candidate.cell not in chosen:
                skip(candidate, "NBR225", f"cell {cell_number(candidate.cell)}")
    foreign = foreign_names(graph)
    inspected = inspected_functions(graph)
    shown = shown_with_their_module(graph)
    for candidate in candidates:
        _check(candidate, graph, bindings, skip, foreign, last_versions.keys())
        name = candidate.facts.name
        if name in inspected:  # doctest would name the module's file
            skip(candidate, "NBR222", f"in cell {cell_number(inspected[name])}")
        if name in shown:
            skip(candidate, "NBR223", f"'__main__.{name}' in cell {cell_number(shown[name])}")
    changed = changed_names(graph)
    passed_around = _non_call_uses(trees)
    writes = global_writes(graph)
    by_name = {c.facts.name: c for c in candidates}
    # its parameters too; computed once: the loop below may run several times
    local = {c.facts.name: names_bound_in(ast.iter_child_nodes(c.node)) for c in candidates}
    # Skipping a function changes what its callers need (its notebook name instead of
    # what it reads): plan again until no more functions are skipped.
    while True:
        skipped_before = len(skipped)
        imports, constants, parameters = _reads_of_moved(
            candidates, graph, trees, bindings, changed, skipped, skip, foreign
        )
        for candidate in candidates:
            name = candidate.facts.name
            # a caller with a local `threshold` would pass its own to a moved function
            # needing the notebook's: `is_high(v, threshold=threshold)` inside it
            for callee in sorted(candidate.facts.globals_read & by_name.keys()):
                shadowed = parameters.get(callee, set()) & local[name]
                if shadowed and callee not in skipped:
                    names = ", ".join(f"'{n}'" for n in sorted(shadowed))
                    skip(by_name[callee], "NBR209", f"{names}, a local name in {name}()")
            if candidate.facts.kind == "class" and name not in skipped:
                # its methods call a function that needs notebook variables it does not have
                needing = sorted(n for n in candidate.facts.globals_read if parameters.get(n))
                if needing:
                    through = ", ".join(f"{n}()" for n in needing)
                    skip(candidate, "NBR207", f"through {through}")
            # a helper that stays would be passed in: the function stays with it
            helpers = sorted((parameters.get(name, set()) & defined) - {name})
            if name not in skipped and helpers:
                listed = ", ".join(f"{h}()" for h in helpers)
                why = " and ".join(
                    f"{h}() is not chosen"
                    if skipped[h].code == "NBR225"
                    else f"{h}() {skipped[h].code}"
                    for h in helpers
                    if h in skipped
                )
                skip(candidate, "NBR224", listed + (f" ({why})" if why else ""))
            if name not in skipped and parameters.get(name):
                bad = passed_around.get(name)
                if bad is not None:
                    skip(
                        candidate,
                        "NBR202",
                        f"cell {cell_number(bad[0])} line {bad[1]} passes it on",
                    )
                stale = rebinding(parameters[name], candidate.facts.globals_read, writes)
                if stale is not None:
                    skip(candidate, "NBR216", f"'{stale[0]}', assigned by {stale[1]}()")
                if candidate.node.decorator_list:  # @lru_cache would hash a DataFrame
                    new = ", ".join(f"'{n}'" for n in sorted(parameters[name]))
                    skip(candidate, "NBR217", new)
            if name in last_versions and name not in skipped:
                reason = _earlier_versions_in_use(candidate, candidates, parameters, skipped)
                if reason:
                    skip(candidate, "NBR203", reason)
        if len(skipped) == skipped_before:
            break
    definitions = tuple(
        MovedDefinition(
            c.facts.name,
            c.facts.kind,
            c.cell,
            tuple(sorted(parameters.get(c.facts.name, ()))),
            redefines=c.facts.name in last_versions,
        )
        for c in candidates
        if c.facts.name not in skipped
    )
    moved_now = {d.name: d.cell for d in definitions}
    read_by_moved = {n for c in candidates if c.facts.name in moved_now for n in c.reads}
    constant_names = sorted(n for n in constants if n in read_by_moved)
    return ExtractionPlan(
        notebook=str(notebook.path),
        module=module,
        definitions=definitions,
        imports=tuple(dict.fromkeys(t for n, t in imports.items() if n in read_by_moved)),
        constants=tuple(constants[n] for n in constant_names),
        moved_constants=tuple(
            n
            for n in constant_names
            if _may_leave(n, bindings, graph, moved_now)
            and (chosen is None or all(cell in chosen for cell, _ in bindings[n]))
        ),
        skipped=tuple(
            sorted(
                (s for s in skipped.values() if s.code != "NBR225"),
                key=lambda s: (s.location.cell_index or 0, s.location.line),
            )
        ),
    )


# -- gathering ---------------------------------------------------------------------------------


def parse_cells(graph: CellGraph) -> dict[int, ast.Module]:
    trees: dict[int, ast.Module] = {}
    for index, facts in graph.facts.items():
        if facts.tree is not None:  # parsed once, by the analysis
            trees[index] = facts.tree
    return trees


#: Every cell-level binding of each name, with the cell it is in, in notebook order.
BindingsByName = Mapping[str, Sequence[tuple[int, Binding]]]


def collect_bindings(graph: CellGraph) -> dict[str, list[tuple[int, Binding]]]:
    found: dict[str, list[tuple[int, Binding]]] = defaultdict(list)
    for index, facts in graph.facts.items():
        for binding in facts.bindings:
            found[binding.name].append((index, binding))
    return found


def _candidates(graph: CellGraph, trees: Mapping[int, ast.Module]) -> Iterator[_Candidate]:
    for index, facts in graph.facts.items():
        tree = trees.get(index)
        if tree is None:
            continue
        nodes = {
            node.name: node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        for definition in facts.defs:
            node = nodes.get(definition.name)
            if node is not None:
                yield _Candidate(definition, index, node, _definition_time_reads(node))


def _last_versions(
    candidates: Sequence[_Candidate], bindings: BindingsByName
) -> dict[str, _Candidate]:
    """The last version of each name the notebook defines more than once, when every
    binding of it is a ``def`` or ``class`` at the top of a cell, each in its own cell:
    that one may move (imported where it was defined) while the others stay."""
    by_name: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_name[candidate.facts.name].append(candidate)
    found = {}
    for name, versions in by_name.items():
        cells = [cell for cell, _ in bindings.get(name, ())]
        one_per_cell = len(set(cells)) == len(cells)
        if len(versions) > 1 and one_per_cell and sorted(cells) == sorted(v.cell for v in versions):
            found[name] = max(versions, key=lambda v: v.cell)
    return found


def _earlier_versions_in_use(
    candidate: _Candidate,
    candidates: Sequence[_Candidate],
    parameters: Mapping[str, set[str]],
    skipped: Mapping[str, Diagnostic],
) -> str:
    """Why the last version of a name defined more than once cannot move, or ``""``.

    Calls before it reach an earlier version, which stays: they cannot pass new
    parameters, and a definition before it that moves would reach the module's version
    instead of the notebook's."""
    name = candidate.facts.name
    if parameters.get(name):
        return "its last version would need new parameters, which calls of the others lack"
    for other in candidates:
        if other.cell < candidate.cell and name in other.reads and other.facts.name not in skipped:
            return f"{other.facts.name}() uses it and is defined before its last version"
    return ""


# -- safety ------------------------------------------------------------------------------------


def _check(
    candidate: _Candidate,
    graph: CellGraph,
    bindings: BindingsByName,
    report: Callable[..., None],
    foreign: ForeignNames,
    last_versions: Set[str],
) -> None:
    """Report the first reason ``candidate`` cannot move that does not depend on what
    else moves, if any (the others: :func:`_reads_of_moved`). ``last_versions`` are
    names defined more than once whose candidate is the last version."""
    unknown = sorted(n for n in candidate.reads if n not in bindings and foreign.source_of(n))
    undefined = sorted(
        n
        for n in candidate.reads
        if n not in bindings and n not in BUILTIN_NAMES and n not in foreign.provided
    )
    facts, cell = candidate.facts, graph.facts[candidate.cell]
    if len(bindings.get(facts.name, ())) > 1 and facts.name not in last_versions:
        report(candidate, "NBR203")
    elif facts.globals_written:
        report(candidate, "NBR201", ", ".join(f"'{n}'" for n in sorted(facts.globals_written)))
    elif cell.masked is not None and (
        cell.masked.leading_indent or _has_magics(candidate.node, cell.masked.magics)
    ):
        report(candidate, "NBR204")
    elif _is_dynamic(candidate.node):
        report(candidate, "NBR205")
    elif unknown:
        report(candidate, "NBR205", f"'{unknown[0]}' may come from {foreign.source_of(unknown[0])}")
    elif any(is_output_history(name) for name in facts.globals_read):
        report(candidate, "NBR206")
    elif "__name__" in candidate.reads:
        report(candidate, "NBR218")
    elif undefined:  # the notebook ran with it from somewhere: the module would not have it
        report(candidate, "NBR227", f"'{undefined[0]}'")


def _has_magics(node: ast.stmt, magics: tuple[Magic, ...]) -> bool:
    """True when a masked magic sits inside ``node``'s lines."""
    lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
    return any(magic.start_line in lines for magic in magics)


def _is_dynamic(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in DYNAMIC_CALLS
        for n in ast.walk(node)
    )


def _definition_time_reads(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
) -> frozenset[str]:
    """Names a ``def``/``class`` statement evaluates when it runs (decorators, defaults,
    annotations, bases), not when it is called."""
    walker = CellWalker(frozenset())
    walker.statements([node])
    return frozenset(walker.reads)


def _may_leave(
    name: str, bindings: BindingsByName, graph: CellGraph, moved: Mapping[str, int]
) -> bool:
    """Whether a constant's assignment can leave the notebook for the module (moved
    functions read the module's copy): every notebook cell or function that still reads
    it runs after the import cell, and after the cell that assigned it. ``moved`` gives
    the cell of each definition that moves (an earlier version of one stays)."""
    ((cell, _),) = bindings[name]
    position = import_position(graph)
    return all(
        index > cell and index >= position
        for index, facts in graph.facts.items()
        if name in facts.uses
        or any(name in d.globals_read for d in facts.defs if moved.get(d.name) != index)
    )


def import_position(graph: CellGraph) -> int:
    """Where the notebook's import cell goes: right after the first code cell that
    imports something (else before the first code cell)."""
    for index, facts in graph.facts.items():
        if facts.imports:
            return index + 1
    return next(iter(graph.facts), len(graph.notebook.cells))


# -- what a definition needs -------------------------------------------------------------------


def classify_name(
    name: str,
    bindings: BindingsByName,
    graph: CellGraph,
    trees: Mapping[int, ast.Module],
    moved: set[str],
    changed: frozenset[str],
    provided: Mapping[str, str] = MappingProxyType({}),
) -> tuple[str, str] | None:
    """How the module gets ``name``: None (builtin or moved), an import, a constant, or
    a notebook variable (``("parameter", name)``). ``changed`` is :func:`changed_names`;
    ``provided`` the names star imports give (:class:`ForeignNames`)."""
    found = bindings.get(name, [])
    if not found:
        if name in provided:
            return ("import", provided[name])
        return None  # a builtin, or a name no cell defines: the module behaves the same
    if name in moved:
        return None
    if all(binding.kind == "import" for _, binding in found):
        statements = {import_statement(trees[cell], name) for cell, _ in found}
        statements.discard(None)
        if len(statements) == 1:
            return ("import", statements.pop() or "")
    ((cell, binding), *others) = found
    if not others and binding.kind == "assign" and name not in changed:
        source = constant_assignment(trees.get(cell), name)
        if source is not None:
            return ("constant", source)
    return ("parameter", name)


def changed_names(graph: CellGraph) -> frozenset[str]:
    """Names some cell or function changes in place, deletes or assigns through
    ``global``: such a name is never a constant."""
    names: set[str] = set()
    for facts in graph.facts.values():
        names.update(facts.mutates, facts.deletes)
        for definition in facts.defs:
            names |= definition.globals_written | definition.globals_mutated
    return frozenset(names)


def import_statement(tree: ast.Module, name: str) -> str | None:
    """The import that binds ``name`` in a cell, written for that name alone."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == name:
                    return f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    suffix = f" as {alias.asname}" if alias.asname else ""
                    return f"from {node.module} import {alias.name}{suffix}"
    return None


def constant_assignment(tree: ast.Module | None, name: str) -> str | None:
    """``NAME = <literal>`` at the top of a cell, as source, if that is how ``name`` is bound."""
    if tree is None:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            try:
                ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return None
            return f"{name} = {ast.unparse(node.value)}"
    return None


def _reads_of_moved(
    candidates: list[_Candidate],
    graph: CellGraph,
    trees: Mapping[int, ast.Module],
    bindings: BindingsByName,
    changed: frozenset[str],
    skipped: Mapping[str, Diagnostic],
    skip: Callable[[_Candidate, str, str], None],
    foreign: ForeignNames,
) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """What the moved candidates read: imports to copy, constants to copy, and the
    notebook variables each function receives as parameters (callees' included).

    What a ``def``/``class`` evaluates when it runs (decorators, annotations, defaults,
    bases) comes with it as an import or a constant; a notebook variable there cannot
    be a parameter (NBR208)."""
    moved_names = {c.facts.name for c in candidates} - set(skipped)
    imports: dict[str, str] = {}
    constants: dict[str, str] = {}
    parameters: dict[str, set[str]] = defaultdict(set)
    for candidate in candidates:
        name = candidate.facts.name
        if name in skipped:
            continue
        for read in sorted(candidate.reads - {name}):
            kind = classify_name(
                read, bindings, graph, trees, moved_names, changed, foreign.provided
            )
            if kind is None:
                continue
            if kind[0] == "import":
                imports[read] = kind[1]
            elif kind[0] == "constant":
                constants[read] = kind[1]
            elif read in candidate.evaluated:
                skip(candidate, "NBR208", f"'{read}'")
            elif candidate.facts.kind == "class":
                skip(candidate, "NBR207", f"'{read}'")
            else:
                parameters[name].add(read)
    _propagate(candidates, parameters, skipped)
    return imports, constants, parameters


def _propagate(
    candidates: list[_Candidate], parameters: dict[str, set[str]], skipped: Mapping[str, Diagnostic]
) -> None:
    """A moved function that calls one needing parameters must receive them too."""
    changed = True
    while changed:
        changed = False
        for candidate in candidates:
            name = candidate.facts.name
            if name in skipped or candidate.facts.kind == "class":
                continue
            for callee in candidate.facts.globals_read:
                extra = parameters.get(callee, set()) - parameters[name]
                if callee != name and extra:
                    parameters[name] |= extra
                    changed = True


def _non_call_uses(trees: Mapping[int, ast.Module]) -> dict[str, tuple[int, int]]:
    """For each name, the first place (cell, line) it is used other than called
    (``map(f, xs)``): one pass over the notebook."""
    found: dict[str, tuple[int, int]] = {}
    for index, tree in trees.items():
        called: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called.add(id(node.func))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and id(node) not in called
                and node.id not in found
            ):
                found[node.id] = (index, node.lineno)
    return found
