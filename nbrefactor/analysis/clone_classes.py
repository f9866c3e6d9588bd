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
from nbrefactor.analysis.fingerprints import blocks, leaves
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
    """Turn raw clones into :class:`CloneClass` values, reading the copies' code.

    A Type-2 class whose copies rename inconsistently (``a + a`` against ``b + c``) is
    not a copy after all and is dropped.
    """
    described: list[CloneClass] = []
    for clone in raw:
        regions = tuple(corpus.region(span) for span in clone.spans)
        parameters: tuple[CloneParameter, ...] = ()
        if clone.kind == "type-2":
            statements = [_statements(corpus, span, source_of) for span in clone.spans]
            found = anti_unify(statements)
            if found is None:
                continue
            parameters = found
        described.append(CloneClass(clone.kind, regions, parameters, regions[0].fingerprint))
    return described


def anti_unify(copies: Sequence[list[ast.stmt]]) -> tuple[CloneParameter, ...] | None:
    """The parameters that turn each of ``copies`` into the others, or None if the copies
    do not differ by a consistent renaming."""
    per_copy = [leaves(statements) for statements in copies]
    if len({len(found) for found in per_copy}) != 1:
        return None
    roles = [_bound_before_use(statements) for statements in copies]
    parameters: dict[tuple[str, ...], CloneParameter] = {}
    meaning: list[dict[str, tuple[str, ...]]] = [{} for _ in copies]
    for position in range(len(per_copy[0])):
        kind = per_copy[0][position][0]
        values = tuple(found[position][1] for found in per_copy)
        if kind == "name":
            for copy, value in enumerate(values):  # one name stands for one parameter
                if meaning[copy].setdefault(value, values) != values:
                    return None
        if len(set(values)) == 1 or values in parameters:
            continue
        if kind == "literal":
            role: ParameterRole = "literal"
        elif all(value in roles[copy] for copy, value in enumerate(values)):
            role = "internal"
        else:
            role = "input"
        parameters[values] = CloneParameter(role, values)
    return tuple(parameters.values())


def _bound_before_use(statements: list[ast.stmt]) -> set[str]:
    walker = CellWalker(frozenset())
    walker.statements(statements)
    return {b.name for b in walker.bindings} - set(walker.reads)


def _statements(corpus: Corpus, span: Span, source_of: SourceLookup) -> list[ast.stmt]:
    sequence = corpus.sequence(span)
    source = source_of(corpus.documents[span.document].path, sequence.cell)
    tree = pysource.parse(mask(source).code)
    block = list(blocks(tree.body))[sequence.block]
    return block[span.start : span.stop]
