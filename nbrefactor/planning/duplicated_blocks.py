"""Plan duplicated blocks as one function: each copy becomes a call.

The copies come from the clone engine (exact and renamed copies; near-copies with gaps
are reported by ``check`` but not merged), within one notebook
(:func:`plan_duplicates`) or across the notebooks of one run
(:func:`plan_shared_duplicates`, whose functions go to the package's ``common``
module). A class of copies becomes a function when every copy is a run of whole
top-level statements in a plain Python cell and
:func:`~nbrefactor.analysis.antiunify.align` lines them up: the first copy's code is the
body, names that differ become positional parameters, literals that differ become
keyword parameters, and each copy's call assigns the names later code reads.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from types import MappingProxyType

from nbrefactor import pysource
from nbrefactor.analysis.antiunify import (
    Alignment,
    align,
    anti_unify,
    literal_value,
)
from nbrefactor.analysis.clones import CloneSettings, Corpus, RawClone, find_raw_clones
from nbrefactor.analysis.fingerprints import DocumentPrint, fingerprint_parsed
from nbrefactor.diagnostics import Diagnostic, not_extracted
from nbrefactor.notebook.magics import MaskedCell
from nbrefactor.notebook.model import cell_number
from nbrefactor.planning.copy_function import copy_call, function_body, literal_parameters
from nbrefactor.planning.dataflow import (
    Flow,
    NotebookContext,
    Unsafe,
    block_flow,
    count_statements,
    displays_value,
    free_names,
    names_bound,
    names_read,
    parameter_notes,
)
from nbrefactor.planning.docstrings import function_docstring
from nbrefactor.planning.naming import Code, Names, comment_naming, without_words, words
from nbrefactor.planning.proposals import Proposal, Verdict
from nbrefactor.planning.signatures import snake_case_parameters, unused_local_names
from nbrefactor.planning.units import CopyCall, SharedFunction
from nbrefactor.pysource import code_lines, comment_start, first_line

#: Exact and renamed copies only: a near-copy's extra statements have no place to go.
_SETTINGS = CloneSettings(type3=False)
_MIN_STATEMENTS = 2


@dataclass(frozen=True, slots=True)
class CopySources:
    """A notebook's cells where copies may sit, fingerprinted once for both planners."""

    context: NotebookContext
    cells: dict[int, MaskedCell]
    document: DocumentPrint


def copy_sources(context: NotebookContext) -> CopySources:
    cells = _plain_cells(context)
    document = fingerprint_parsed(  # the cells as the planner parsed them: no new parse
        str(context.graph.notebook.path),
        [(i, masked, context.trees[i]) for i, masked in cells.items()],
    )
    return CopySources(context, cells, document)


@dataclass(frozen=True, slots=True)
class _Copy:
    context: NotebookContext
    cell: int
    code: str
    body: list[ast.stmt]  # the cell's top-level statements
    start: int  # index of the copy's first statement in body
    stop: int

    @property
    def statements(self) -> list[ast.stmt]:
        return self.body[self.start : self.stop]


#: A statement a function already took: (notebook, cell, index in the cell's body).
Claim = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class DuplicatePlan:
    functions: tuple[SharedFunction, ...]
    imports: dict[str, str]
    skipped: tuple[Diagnostic, ...]
    claimed: frozenset[Claim] = frozenset()
    #: Proposals that named one of the functions (a copy's statements, exactly).
    verdicts: tuple[Verdict, ...] = ()

    def cells_in(self, notebook: str) -> frozenset[int]:
        """Cells of ``notebook`` that hold a copy: another unit must not change them too."""
        return frozenset(
            copy.cell for f in self.functions for copy in f.copies if copy.notebook == notebook
        )


def plan_duplicates(
    sources: CopySources,
    module: str,
    names: Names,
    claimed: Set[Claim] = frozenset(),
    proposals: Sequence[Proposal] = (),
) -> DuplicatePlan:
    """One function per class of duplicated blocks in one notebook, leaving alone the
    ``claimed`` statements (copies shared with other notebooks). A proposal whose
    statements are exactly one copy's names that class's function (and words its
    docstring) when its name is free; the plan's verdicts say which were used."""
    return _plan([sources], module, names, claimed, across=False, proposals=proposals)


def plan_shared_duplicates(
    sources: Sequence[CopySources],
    module: str,
    names: Names,
    imported: Mapping[str, str] = MappingProxyType({}),
) -> DuplicatePlan:
    """One function per class of blocks copied into two or more of the notebooks, into
    ``module``, which imports ``imported`` already (name -> statement).

    A class whose copies call code that moves to their notebook's own module is left to
    :func:`plan_duplicates`: the shared module cannot import each notebook's module.
    """
    return _plan(sources, module, names, frozenset(), across=True, imported=imported)


def _plan(
    sources: Sequence[CopySources],
    module: str,
    names: Names,
    claimed: Set[Claim],
    *,
    across: bool,
    imported: Mapping[str, str] = MappingProxyType({}),
    proposals: Sequence[Proposal] = (),
) -> DuplicatePlan:
    taken = set(claimed)
    functions: list[SharedFunction] = []
    imports: dict[str, str] = {}
    skipped: list[Diagnostic] = []
    verdicts: list[Verdict] = []
    for copies in _candidates(sources):
        if across and not _shareable(copies):
            continue
        claims = {(_path(c), c.cell, i) for c in copies for i in range(c.start, c.stop)}
        if claims & taken:
            continue
        proposal = next((p for p in proposals if _names_a_copy(p, copies)), None)
        if proposal is not None and (refusal := names.refusal(proposal.name)) is not None:
            verdicts.append(Verdict(proposal, accepted=False, reason=refusal))
            proposal = None
        outcome = _plan_class(module, copies, names, {**imported, **imports}, proposal)
        if isinstance(outcome, Diagnostic):
            skipped.extend(_in_each_notebook(outcome, copies))
            continue
        if proposal is not None:
            verdicts.append(Verdict(proposal, accepted=True))
        function, needed = outcome
        functions.append(function)
        imports.update(needed)
        taken |= claims
    claimed_now = frozenset(taken - claimed)
    return DuplicatePlan(tuple(functions), imports, tuple(skipped), claimed_now, tuple(verdicts))


def _names_a_copy(proposal: Proposal, copies: Sequence[_Copy]) -> bool:
    """Whether ``proposal``'s statements are exactly those of one of ``copies``."""
    wanted = set(proposal.statements)
    return any(
        wanted == {(copy.cell, index) for index in range(copy.start, copy.stop)} for copy in copies
    )


def _in_each_notebook(skipped: Diagnostic, copies: Sequence[_Copy]) -> Iterator[Diagnostic]:
    """``skipped`` (placed at the first copy) once for each notebook holding a copy,
    placed at its first copy there: each notebook's report says why its copy stayed."""
    yield skipped
    seen = {_path(copies[0])}
    for copy in copies:
        if _path(copy) not in seen:
            seen.add(_path(copy))
            notebook = copy.context.graph.notebook
            location = notebook.location(copy.cell, copy.statements[0].lineno)
            yield replace(skipped, location=location)


def _path(copy: _Copy) -> str:
    return str(copy.context.graph.notebook.path)


def _shareable(copies: list[_Copy]) -> bool:
    """Copies in two notebooks or more, none calling code that moves to its notebook's
    module (or reading a constant that does)."""
    if len({_path(c) for c in copies}) < 2:
        return False
    return not any(names_read(c.statements) & c.context.moved.keys() for c in copies)


def _plain_cells(context: NotebookContext) -> dict[int, MaskedCell]:
    """Cells a copy may sit in: plain Python (no IPython syntax) and no definitions, which
    other units rewrite."""
    found = {}
    for index, facts in context.graph.facts.items():
        masked = facts.masked
        tree = context.trees.get(index)
        if tree is None or masked is None or masked.magics or masked.leading_indent:
            continue
        if facts.defs or any(isinstance(s, ast.ClassDef) for s in tree.body):
            continue
        if any(name in context.moved for name in facts.defines):
            continue  # a constant that leaves the notebook: removed from this cell
        found[index] = masked
    return found


def _candidates(sources: Sequence[CopySources]) -> Iterator[list[_Copy]]:
    """Classes of copies as runs of whole top-level statements, largest copies first."""
    documents = [s.document for s in sources]
    raw = find_raw_clones(documents, _SETTINGS)
    corpus = Corpus(documents)
    found: list[list[_Copy]] = []
    for clone in raw:
        copies = _copies(clone, corpus, sources)
        if copies is not None:
            found.append(copies)
    found.sort(key=lambda copies: (-(copies[0].stop - copies[0].start), -len(copies)))
    yield from found


def _copies(clone: RawClone, corpus: Corpus, sources: Sequence[CopySources]) -> list[_Copy] | None:
    if clone.kind == "type-2" and _inconsistent(clone, corpus):
        return None  # `a + a` against `b + c`: not a renamed copy (check drops it too)
    copies = []
    for span in clone.spans:
        sequence = corpus.sequence(span)
        if sequence.block != 0 or sequence.cell is None:
            return None  # a copy inside a loop or function body
        source = sources[span.document]
        body = source.context.trees[sequence.cell].body
        code = source.cells[sequence.cell].code
        copies.append(_Copy(source.context, sequence.cell, code, body, span.start, span.stop))
    return _trimmed(copies)


def _inconsistent(clone: RawClone, corpus: Corpus) -> bool:
    leaves = [[leaf for s in corpus.statements(span) for leaf in s.leaves] for span in clone.spans]
    return anti_unify(leaves) is None


def _trimmed(copies: list[_Copy]) -> list[_Copy] | None:
    """Without imports at the edges (they stay in the notebook) and without a displayed
    last expression (it stays after the call); None when what is left cannot move."""
    while copies[0].start < copies[0].stop and _is_import(copies[0].statements[0]):
        copies = [replace(c, start=c.start + 1) for c in copies]
    while copies[0].start < copies[0].stop and _is_import(copies[0].statements[-1]):
        copies = [replace(c, stop=c.stop - 1) for c in copies]
    if any(c.stop == len(c.body) and _displays(c) for c in copies):
        copies = [replace(c, stop=c.stop - 1) for c in copies]
    statements = copies[0].statements
    if count_statements(statements) < _MIN_STATEMENTS:
        return None
    if any(_is_import(s) or isinstance(s, ast.ClassDef) for c in copies for s in c.statements):
        return None
    if not all(_whole_lines(c) for c in copies):
        return None  # `a = 1; b = 2` with the copy starting at `b`
    return copies


def _displays(copy: _Copy) -> bool:
    """Whether the cell's last statement (part of the copy) may show a value."""
    cell = copy.context.graph.notebook.cells[copy.cell]
    kept = copy.context.graph.notebook.outputs_kept
    return displays_value(cell, copy.body[-1], copy.context.bindings, outputs_kept=kept)


def _is_import(statement: ast.stmt) -> bool:
    return isinstance(statement, (ast.Import, ast.ImportFrom))


def _whole_lines(copy: _Copy) -> bool:
    first, last = copy.body[copy.start], copy.body[copy.stop - 1]
    before = copy.body[copy.start - 1] if copy.start else None
    after = copy.body[copy.stop] if copy.stop < len(copy.body) else None
    return (before is None or (before.end_lineno or 0) < first.lineno) and (
        after is None or after.lineno > (last.end_lineno or 0)
    )


def _plan_class(
    module: str,
    copies: list[_Copy],
    names: Names,
    imported: Mapping[str, str],
    proposal: Proposal | None = None,
) -> tuple[SharedFunction, dict[str, str]] | Diagnostic:
    """The function for one class of copies; ``imported`` are the imports the module
    already has (an import of the same name from elsewhere cannot join them). A
    ``proposal`` (its name free) names it and words its docstring."""
    first = copies[0]
    notebook = first.context.graph.notebook

    def skip(code: str, detail: str) -> Diagnostic:
        location = notebook.location(first.cell, first.statements[0].lineno)
        return not_extracted(code, _where(copies), location, detail)

    alignment = align([c.statements for c in copies])
    if alignment is None:
        return skip("NBR215", "they differ in more than names and literals")
    flows: list[Flow] = []
    for copy in copies:
        flow = block_flow(
            copy.context,
            copy.statements,
            first_cell=copy.cell,
            last_cell=copy.cell,
            bound_earlier=names_bound(copy.body[: copy.start]),
            read_after=names_read(copy.body[copy.stop :]),
        )
        if isinstance(flow, Unsafe):
            return skip(flow.code, flow.detail)
        flows.append(flow)
    free = free_names(first.statements)
    renamed = {
        ids[0] for ids in (tuple(_all_names(alignment, n)) for n in free) if len(set(ids)) > 1
    }
    parameters: list[str] = []
    for name in free:
        counterparts = [alignment.name_in(k, name) for k in range(len(copies))]
        passed_in = any(counterparts[k] in flow.parameters for k, flow in enumerate(flows))
        if name in renamed or passed_in:
            parameters.append(name)
    # calls of moved functions pass their new parameters: not positions in the code
    for flow in flows[:1]:
        parameters.extend(p for p in flow.parameters if p not in parameters)
    parameters = sorted(parameters, key=_order_in(first.statements))
    imports: dict[str, str] = {}
    for k, flow in enumerate(flows):
        renames = alignment.renames[k]
        for name, statement in flow.imports.items():
            if renames.get(name, name) in renamed:
                continue
            known = imports.get(name) or imported.get(name)
            if known is not None and known != statement:  # `load` from two packages
                return skip("NBR215", f"'{name}' is imported from different places")
            imports[name] = statement
    taken = _every_name(first.statements) | set(parameters)
    literal_names, dropped = literal_parameters(alignment, first.statements, taken)
    returns = _returns(alignment, flows, first)
    body_text = function_body(
        first.code, first.statements, alignment, literal_names, dropped, returns
    )
    # "normalise the age column" names the copy for age; the function is for any column
    specific = {
        word
        for slot in alignment.literals
        for constant in slot.nodes[0]
        for word in words(str(literal_value(constant)))
    }
    above = comment_naming(_comment_above(first), first.statements)
    comment = without_words(above, specific) if above else None
    sections = {c.context.graph.notebook.section(c.cell) for c in copies}
    section = sections.pop() if len(sections) == 1 else None
    code = Code(
        first.statements,
        returns=returns,
        parameters=parameters,
        heading=section,
        comment=comment,
        title=notebook.title if not sections and section is None else None,
        generic={n: _shared_part(list(_all_names(alignment, n))) for n in returns},
    )
    name = names.for_code(code) if proposal is None else names.chosen(proposal.name)
    values = {
        keyword: [literal_value(slot.in_copy(k)) for k in range(len(copies))]
        for keyword, slot in zip(literal_names, alignment.literals, strict=True)
    }
    body = pysource.parse(textwrap.dedent(body_text)).body  # the literals as parameters
    snake = snake_case_parameters(parameters, body)
    doc = function_docstring(
        name,
        body,
        parameters,
        returns,
        comment=comment,
        literals=values,
        renamed=snake,
        notes=parameter_notes(
            first.context, parameters, first.cell, first_line(first.statements[0])
        ),
        settings=first.context.settings(parameters),
        summary=proposal.summary if proposal else "",
        description=proposal.description if proposal else "",
    )
    calls = tuple(
        CopyCall(
            notebook=_path(copy),
            cell=copy.cell,
            start=first_line(copy.statements[0]),
            end=copy.statements[-1].end_lineno or copy.statements[-1].lineno,
            call=copy_call(name, k, copy.code, alignment, parameters, literal_names, returns),
        )
        for k, copy in enumerate(copies)
    )
    function = SharedFunction(
        name=name,
        module=module,
        parameters=tuple(parameters),
        literals=tuple(literal_names),
        returns=returns,
        body=body_text,
        copies=calls,
        docstring=doc,
        renamed=(
            *snake.items(),
            *unused_local_names(body, (*parameters, *literal_names, *returns)).items(),
        ),
    )
    return function, imports


def _where(copies: Sequence[_Copy]) -> str:
    """``copies in cells 3, 6`` (one notebook) or ``copies in a.ipynb cell 2, b.ipynb
    cell 4``."""
    if len({_path(c) for c in copies}) == 1:
        return "copies in cells " + ", ".join(str(cell_number(c.cell)) for c in copies)
    places = (f"{c.context.graph.notebook.path.name} cell {cell_number(c.cell)}" for c in copies)
    return "copies in " + ", ".join(places)


def _all_names(alignment: Alignment, first_name: str) -> Iterator[str]:
    for copy in range(len(alignment.renames)):
        yield alignment.name_in(copy, first_name)


def _order_in(statements: Sequence[ast.stmt]) -> Callable[[str], int]:
    """Sort key: where a name first appears in ``statements`` (names passed along to
    moved functions, which do not appear, come last)."""
    first: dict[str, int] = {}
    for position, node in enumerate(n for s in statements for n in ast.walk(s)):
        if isinstance(node, ast.Name):
            first.setdefault(node.id, position)

    def key(name: str) -> int:
        return first.get(name, len(first) + 1)

    return key


def _shared_part(names: Sequence[str]) -> str:
    """The words every copy's name has, in the first copy's order: ``ph_hcl_true`` and
    ``ph_hac_true`` -> ``ph_true``; ``t1`` and ``t2`` -> ``t``."""
    split = [re.findall(r"[A-Za-z]+", name.lower()) for name in names]
    return "_".join(w for w in split[0] if all(w in others for others in split[1:]))


def _every_name(statements: Sequence[ast.stmt]) -> set[str]:
    return {n.id for s in statements for n in ast.walk(s) if isinstance(n, ast.Name)}


def _returns(alignment: Alignment, flows: list[Flow], first: _Copy) -> tuple[str, ...]:
    """Names (the first copy's) that any copy's later code needs, in binding order."""
    needed = {alignment.renames[k].get(n, n) for k, flow in enumerate(flows) for n in flow.returns}
    return tuple(n for n in flows[0].bound if n in needed)


def _comment_above(copy: _Copy) -> str | None:
    """The comment on the lines just above the copy, or the cell's first comment."""
    lines = code_lines(copy.code)
    number = comment_start(lines, first_line(copy.statements[0])) - 1
    for line in lines[number : first_line(copy.statements[0]) - 1]:
        text = line.strip().lstrip("# ")
        if len(text) > 3:
            return text
    return None
