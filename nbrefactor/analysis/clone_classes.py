"""Clone classes as reported: where each copy is and what differs between the copies.

The differences are found by anti-unification: the copies have the same shape, so their
names and literals line up position by position; positions where the copies disagree
become parameters, one per distinct combination of values. A name that each copy binds
before using it (a loop variable renamed in the copy) is ``internal``; the extraction
step turns ``input`` names and literals into function parameters.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from nbrefactor import pysource
from nbrefactor.analysis.cell_walker import CellWalker
from nbrefactor.analysis.clones import CloneKind, Corpus, RawClone, Region, Span
from nbrefactor.analysis.fingerprints import blocks
from nbrefactor.notebook.magics import mask

ParameterRole = Literal["input", "internal", "literal"]
#: Gives the source of a cell: ``(path, cell index or None for a script) -> source``.
SourceLookup = Callable[[str, int | None], str]


@dataclass(frozen=True, slots=True)
class CloneParameter:
    """One difference between the copies: the value each copy uses, in copy order."""

    role: ParameterRole
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CloneClass:
    """All the places that share one piece of code.

    ``fingerprint`` identifies the shared code whatever its names (it is the first
    region's); each region has its own, which is what a baseline records.
    """

    kind: CloneKind
    regions: tuple[Region, ...]
    parameters: tuple[CloneParameter, ...]
    fingerprint: str

    @property
    def statements(self) -> int:
        return min(region.statements for region in self.regions)


def describe(raw: Sequence[RawClone], corpus: Corpus, source_of: SourceLookup) -> list[CloneClass]:
    """Turn raw clones into :class:`CloneClass` values.

    A Type-2 class whose copies rename inconsistently (``a + a`` against ``b + c``) is
    not a copy after all and is dropped. Copies are parsed again only when a name
    differs between them, to tell internal names from inputs.
    """
    described: list[CloneClass] = []
    parsed: dict[tuple[str, int | None], list[list[ast.stmt]]] = {}
    for clone in raw:
        regions = tuple(corpus.region(span) for span in clone.spans)
        parameters: tuple[CloneParameter, ...] = ()
        if clone.kind == "type-2":
            per_copy = [
                [leaf for st in corpus.statements(span) for leaf in st.leaves]
                for span in clone.spans
            ]
            spans = clone.spans

            def statements_of(copy: int, spans: tuple[Span, ...] = spans) -> list[ast.stmt]:
                return _statements(corpus, spans[copy], source_of, parsed)

            found = anti_unify(per_copy, statements_of)
            if found is None:
                continue
            parameters = found
        described.append(CloneClass(clone.kind, regions, parameters, regions[0].fingerprint))
    return described


def anti_unify(
    per_copy: Sequence[Sequence[str]], statements_of: Callable[[int], list[ast.stmt]]
) -> tuple[CloneParameter, ...] | None:
    """The parameters that turn each copy into the others, or None if the copies do not
    differ by a consistent renaming.

    ``per_copy`` holds each copy's leaves (see :class:`StatementPrint`); ``statements_of``
    gives a copy's statements when a name differs and its role must be worked out.
    """
    if len({len(leaves) for leaves in per_copy}) != 1:
        return None
    roles: list[set[str]] | None = None  # names each copy binds before use, when needed
    parameters: dict[tuple[str, ...], CloneParameter] = {}
    meaning: list[dict[str, tuple[str, ...]]] = [{} for _ in per_copy]
    for position in range(len(per_copy[0])):
        kind = per_copy[0][position][0]
        values = tuple(leaves[position][1:] for leaves in per_copy)
        if kind == "n":
            for copy, value in enumerate(values):  # one name stands for one parameter
                if meaning[copy].setdefault(value, values) != values:
                    return None
        if len(set(values)) == 1 or values in parameters:
            continue
        if kind == "l":
            parameters[values] = CloneParameter("literal", values)
            continue
        if roles is None:
            roles = [_bound_before_use(statements_of(copy)) for copy in range(len(per_copy))]
        internal = all(value in roles[copy] for copy, value in enumerate(values))
        parameters[values] = CloneParameter("internal" if internal else "input", values)
    return tuple(parameters.values())


def _bound_before_use(statements: list[ast.stmt]) -> set[str]:
    walker = CellWalker(frozenset())
    walker.statements(statements)
    return {b.name for b in walker.bindings} - set(walker.reads)


def _statements(
    corpus: Corpus,
    span: Span,
    source_of: SourceLookup,
    parsed: dict[tuple[str, int | None], list[list[ast.stmt]]],
) -> list[ast.stmt]:
    """The statements of ``span``, parsing each cell once (``parsed`` keeps the blocks)."""
    sequence = corpus.sequence(span)
    key = (corpus.documents[span.document].path, sequence.cell)
    if key not in parsed:
        tree = pysource.parse(mask(source_of(*key)).code)
        parsed[key] = list(blocks(tree.body))
    return parsed[key][sequence.block][span.start : span.stop]
