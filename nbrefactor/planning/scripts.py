"""Plan top-level script code as functions: one per run of cells in a section.

A run is consecutive code cells under the same heading, where every cell but the last
showed nothing (no output, no displayed last expression): the call goes in the last
cell, so every output stays where the user saw it. The function's parameters are the
notebook names the run reads; it returns the names it binds that anything later needs.
Imports and the settings a cell starts with (``N_CLUSTERS = 5``) stay in their cells;
the displayed last expression stays after the call.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.diagnostics import Diagnostic, not_extracted
from nbrefactor.notebook.model import Notebook, cell_number
from nbrefactor.planning.dataflow import (
    Flow,
    NotebookContext,
    Unsafe,
    block_flow,
    count_statements,
    names_bound,
    names_read,
    parameter_notes,
)
from nbrefactor.planning.docstrings import function_docstring
from nbrefactor.planning.naming import (
    Code,
    Names,
    comment_naming,
    lead_description,
    lead_term,
    words,
)
from nbrefactor.planning.observers import namespace_watcher, warned_cells
from nbrefactor.planning.proposals import Proposal, Verdict
from nbrefactor.planning.script_cells import (
    ScriptCell,
    imported_from,
    own_functions,
    script_cell,
    script_cells,
)
from nbrefactor.planning.script_text import body_text, first_comment, kept_text, segment
from nbrefactor.planning.signatures import (
    data_first,
    snake_case_parameters,
    unused_local_names,
)
from nbrefactor.planning.units import ScriptFunction
from nbrefactor.pysource import first_line

_MIN_STATEMENTS = 2


@dataclass(frozen=True, slots=True)
class ScriptPlan:
    functions: tuple[ScriptFunction, ...]
    imports: dict[str, str]
    skipped: tuple[Diagnostic, ...]
    #: What became of each function proposed from outside (``plan_scripts(proposals=)``).
    verdicts: tuple[Verdict, ...] = ()


def plan_scripts(
    context: NotebookContext,
    modules: Sequence[str],
    names: Names,
    *,
    busy: Set[int] = frozenset(),
    proposals: Sequence[Proposal] = (),
) -> ScriptPlan:
    """Functions for the notebook's top-level code. ``names`` hands out unused names;
    cells in ``busy`` are changed by another unit and stay out of runs. Cells that call
    what an earlier run put in ``modules`` (the notebook's module, the shared one) stay
    as they are. A run some of ``proposals`` cut into functions is planned as they say
    when they can be (:func:`_plan_proposed`); the plan's verdicts say which were."""
    graph = context.graph
    watcher = namespace_watcher(graph)
    if watcher is not None:  # %whos would list other names once variables move
        refused = _rejected(proposals, "the notebook lists its variables")
        return ScriptPlan((), {}, (watcher,), tuple(refused))
    extracted = imported_from(context.trees, modules)
    cells = script_cells(context, extracted, busy)
    functions: list[ScriptFunction] = []
    imports: dict[str, str] = {}
    skipped: list[Diagnostic] = []
    for index, warning in warned_cells(graph).items():
        if cells.pop(index, None) is not None:  # it stays, and so the cells around it
            location = graph.notebook.location(index)
            skipped.append(not_extracted("NBR220", f"cell {cell_number(index)}", location, warning))
    verdicts: list[Verdict] = []
    pending = list(proposals)
    for run in _runs(graph, cells):
        in_run = {cell.index for cell in run}
        mine = [p for p in pending if in_run & set(p.cells)]
        pending = [p for p in pending if p not in mine]
        if mine:
            parts, judged = _plan_proposed(context, run, mine, names)
            verdicts.extend(judged)
            if parts is not None:
                for function, run_imports in parts:
                    functions.append(function)
                    imports.update(run_imports)
                continue
        if count_statements(s for cell in run for s in cell.body) < _MIN_STATEMENTS:
            continue  # one line is clearer where it is than behind a function call
        outcome = _plan_run(context, run, names)
        if isinstance(outcome, Diagnostic):
            skipped.append(outcome)
            continue
        function, run_imports = outcome
        functions.append(_same_as_earlier(function, functions))
        imports.update(run_imports)
    verdicts.extend(_rejected(pending, "its code is not top-level code that can move"))
    return ScriptPlan(tuple(functions), imports, tuple(skipped), tuple(verdicts))


def _same_as_earlier(function: ScriptFunction, earlier: Sequence[ScriptFunction]) -> ScriptFunction:
    """``function``, or, when an earlier function has the same code, parameters and
    returns (a cell pasted again further down), a call of that one: the module gets
    one copy of the code, named and documented where it first ran."""
    made = (function.body, function.parameters, function.returns, function.renamed)
    for other in earlier:
        if (other.body, other.parameters, other.returns, other.renamed) == made:
            return replace(function, name=other.name, docstring=other.docstring)
    return function


def _rejected(proposals: Iterable[Proposal], reason: str) -> list[Verdict]:
    return [Verdict(proposal, accepted=False, reason=reason) for proposal in proposals]


_Planned = tuple[ScriptFunction, dict[str, str]]


def _plan_proposed(
    context: NotebookContext, run: list[ScriptCell], proposals: list[Proposal], names: Names
) -> tuple[list[_Planned] | None, list[Verdict]]:
    """The functions of ``run`` cut as ``proposals`` say: each proposal a function of its
    cells, the cells between them as nbrefactor plans a run. A proposal that cannot be
    is rejected with the reason and the run planned again without it; None for the
    functions when none is left (the caller plans the run as usual)."""
    verdicts: list[Verdict] = []
    left = list(proposals)
    while left:
        problem = next(
            ((p, why) for p in left if (why := _proposal_problem(p, run, left)) is not None),
            None,
        )
        if problem is None:
            trial = Names(set(names.taken))
            parts, failed = _plan_parts(context, run, left, trial)
            if failed is None:
                names.taken.update(trial.taken)
                return parts, verdicts + [Verdict(p, accepted=True) for p in left]
            problem = failed
        rejected, why = problem
        verdicts.append(Verdict(rejected, accepted=False, reason=why))
        left.remove(rejected)
    return None, verdicts


def _proposal_problem(
    proposal: Proposal, run: list[ScriptCell], proposals: list[Proposal]
) -> str | None:
    """Why ``proposal`` cannot be one function of ``run``'s code, or None."""
    at = {cell.index: position for position, cell in enumerate(run)}
    outside = [cell for cell in proposal.cells if cell not in at]
    if outside:
        return (
            f"cell {cell_number(outside[0])} is not in the run of cells "
            f"{_cells(run[0].index, run[-1].index)} "
            "whose code can move together (code that stays, output shown or a heading "
            "lies between)"
        )
    places = [at[cell] for cell in proposal.cells]
    if places != list(range(places[0], places[-1] + 1)):
        return "its cells are not consecutive"
    for other in proposals:
        shared = set(other.cells) & set(proposal.cells)
        if other is not proposal and shared:
            return f"it shares cell {cell_number(min(shared))} with '{other.name}'"
    chosen = set(proposal.statements)
    for cell in (run[place] for place in places):
        for statement in cell.body:
            if (cell.index, cell.tree.body.index(statement)) not in chosen:
                return (
                    f"it leaves line {statement.lineno} of cell {cell_number(cell.index)} out: a "
                    "function holds the whole code of its cells"
                )
    moving = [s for place in places for s in run[place].body]
    if count_statements(moving) < _MIN_STATEMENTS:
        return "one statement is clearer where it is than behind a call"
    return None


def _plan_parts(
    context: NotebookContext, run: list[ScriptCell], proposals: list[Proposal], names: Names
) -> tuple[list[_Planned], tuple[Proposal, str] | None]:
    """Plan ``run`` cut at ``proposals`` (valid for it); the first proposal whose function
    cannot be, and why, when one fails (a part between proposals failing fails them
    all: the run would not move as nbrefactor plans it either)."""
    of_cell = {cell: p for p in proposals for cell in p.cells}
    parts: list[tuple[list[ScriptCell], Proposal | None]] = []
    for cell in run:
        owner = of_cell.get(cell.index)
        if parts and parts[-1][1] is owner:
            parts[-1][0].append(cell)
        else:
            parts.append(([cell], owner))
    planned: list[_Planned] = []
    for cells, proposal in parts:
        if proposal is None and count_statements(s for c in cells for s in c.body) < 2:
            continue  # as plan_scripts leaves a one-line run
        if proposal is not None and (refusal := names.refusal(proposal.name)) is not None:
            return planned, (proposal, refusal)
        outcome = _plan_run(context, cells, names, proposal=proposal)
        if isinstance(outcome, Diagnostic):
            why = outcome.message.partition("not extracted: ")[2] or outcome.message
            if proposal is None:
                where = _cells(cells[0].index, cells[-1].index)
                return planned, (proposals[0], f"the code left in {where} could not move: {why}")
            return planned, (proposal, why)
        planned.append(outcome)
    return planned, None


def _runs(graph: CellGraph, cells: Mapping[int, ScriptCell]) -> Iterator[list[ScriptCell]]:
    """Consecutive eligible cells of one section, cut after each cell that shows output."""
    run: list[ScriptCell] = []
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
    where = _cells(chosen[0], chosen[-1])

    def refused(code: str, detail: str) -> ScriptPlan:
        location = graph.notebook.location(chosen[0])
        return ScriptPlan((), {}, (not_extracted(code, where, location, detail),))

    between = [i for i in graph.facts if chosen[0] <= i <= chosen[-1] and i not in chosen]
    if between:
        return refused("NBR226", f"cell {cell_number(between[0])}, between them, is not chosen")
    warned = warned_cells(graph)
    extracted = imported_from(context.trees, modules)
    own = own_functions(graph)
    run = []
    for index in chosen:
        if index in warned:
            return refused("NBR220", f"cell {cell_number(index)}: {warned[index]}")
        cell = script_cell(context, index, extracted, own)
        if isinstance(cell, str):
            if cell:
                return refused("NBR226", f"cell {cell_number(index)}: {cell}")
            continue  # only imports and definitions, which move as themselves
        run.append(cell)
    if not run:
        return ScriptPlan((), {}, ())
    for cell in run[:-1]:
        if cell.shows_output:
            why = (
                f"cell {cell_number(cell.index)} shows output, which would move to "
                f"cell {cell_number(run[-1].index)}"
            )
            return refused("NBR226", why)
        if cell.header:
            return refused(
                "NBR226", f"cell {cell_number(cell.index)}: {cell.header} times that cell alone"
            )
    for cell in run[1:]:
        if cell.starts_with_settings:
            why = f"cell {cell_number(cell.index)} starts with settings, which would run before "
            return refused("NBR226", why + f"cell {cell_number(run[0].index)}'s code")
    outcome = _plan_run(context, run, names, name=name)
    if isinstance(outcome, Diagnostic):
        return ScriptPlan((), {}, (outcome,))
    function, imports = outcome
    return ScriptPlan((function,), imports, ())


def _plan_run(
    context: NotebookContext,
    run: list[ScriptCell],
    names: Names,
    *,
    name: str | None = None,
    proposal: Proposal | None = None,
) -> tuple[ScriptFunction, dict[str, str]] | Diagnostic:
    """The function of ``run``'s code, named ``name`` (or as ``proposal`` says, its
    name free to take; else by :class:`Names`), or why it cannot be."""
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
        where = _cells(run[0].index, last.index)
        location = context.graph.notebook.location(run[0].index)
        return not_extracted(flow.code, where, location, flow.detail)
    notebook = context.graph.notebook
    section = notebook.section(run[0].index)
    above = _markdown_above(notebook, run[0].index)
    lead = lead_term(above) if above is not None else None
    code = Code(
        statements,
        flow.returns,
        flow.parameters,
        heading=section,
        lead=lead,
        comment=comment_naming(first_comment(run), statements),
        title=notebook.title if section is None else None,
    )
    if proposal is not None:
        name = proposal.name
    name = names.for_code(code) if name is None else names.chosen(name)
    parameters = data_first(flow.parameters)
    renamed = snake_case_parameters(parameters, statements)
    keep = (*parameters, *flow.returns)
    unused = unused_local_names(statements, keep)
    doc = function_docstring(
        name,
        statements,
        parameters,
        flow.returns,
        comment=code.comment,
        renamed=renamed,
        notes=parameter_notes(context, parameters, run[0].index, _first_moved_line(run)),
        settings=context.settings(parameters),
        summary=proposal.summary if proposal else "",
        description=proposal.description if proposal else _described_above(above, lead, name),
    )
    function = ScriptFunction(
        name=name,
        cells=tuple(cell.index for cell in run),
        parameters=parameters,
        returns=flow.returns,
        body=body_text(run, flow.returns),
        kept_before="\n".join(part for part in (last.header, kept_text(last)) if part),
        kept_after=segment(last, last.last_expression) if last.last_expression else "",
        kept_in_place=tuple((c.index, kept_text(c)) for c in run[:-1] if c.kept),
        docstring=doc,
        renamed=(*renamed.items(), *unused.items()),
        local_names=tuple(n for n in flow.bound if _only_local(n, run, flow, context)),
    )
    return function, flow.imports


def _markdown_above(notebook: Notebook, index: int) -> str | None:
    """The text of the Markdown cell right above cell ``index``, if that is one."""
    above = notebook.cells[index - 1] if index else None
    return above.source if above is not None and above.cell_type == "markdown" else None


def _described_above(markdown: str | None, term: str | None, name: str) -> str:
    """What the Markdown above says of its lead ``term``, for the docstring of the
    function ``name``; ``""`` when it says nothing or the term does not name it."""
    named = set(words(term)) if term is not None else set()
    if markdown is None or not named or not named <= set(name.split("_")):
        return ""
    return lead_description(markdown) or ""


def _only_local(name: str, run: list[ScriptCell], flow: Flow, context: NotebookContext) -> bool:
    """Whether the notebook variable ``name`` is local to the run's function now: the
    function does not return it and no code outside the run binds it."""
    cells = {cell.index for cell in run}
    bound_in = {index for index, _ in context.bindings.get(name, ())}
    return name not in flow.returns and bound_in <= cells


def _cells(first: int, last: int) -> str:
    """``cells 4-6`` (or ``cell 4``): the cells from index ``first`` to ``last``, as
    people number them."""
    if first == last:
        return f"cell {cell_number(first)}"
    return f"cells {cell_number(first)}-{cell_number(last)}"


def _first_moved_line(run: list[ScriptCell]) -> int:
    """The line of the run's first cell where the moved code starts: what is above it
    (settings kept in place) runs before the call."""
    first = run[0]
    return first_line(first.body[0]) if first.body else sys.maxsize  # all of it is above
