"""Clone classes as reported: where each copy is and what differs between the copies.

The differences are found by anti-unification: the copies have the same shape, so their
names and literals line up position by position; positions where the copies disagree
become parameters, one per distinct combination of values. A name that each copy binds
before using it (a loop variable renamed in the copy) is ``internal``; the extraction
step turns ``input`` names and literals into function parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nbrefactor.analysis.clones import CloneKind, Corpus, RawClone, Region

ParameterRole = Literal["input", "internal", "literal"]


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


def describe(raw: Sequence[RawClone], corpus: Corpus) -> list[CloneClass]:
    """Turn raw clones into :class:`CloneClass` values.

    A Type-2 class whose copies rename inconsistently (``a + a`` against ``b + c``) is
    not a copy after all and is dropped.
    """
    described: list[CloneClass] = []
    for clone in raw:
        regions = tuple(corpus.region(span) for span in clone.spans)
        parameters: tuple[CloneParameter, ...] = ()
        if clone.kind == "type-2":
            per_copy = [
                [leaf for st in corpus.statements(span) for leaf in st.leaves]
                for span in clone.spans
            ]
            found = anti_unify(per_copy)
            if found is None:
                continue
            parameters = found
        described.append(CloneClass(clone.kind, regions, parameters, regions[0].fingerprint))
    return described


def anti_unify(per_copy: Sequence[Sequence[str]]) -> tuple[CloneParameter, ...] | None:
    """The parameters that turn each copy into the others, or None if the copies do not
    differ by a consistent renaming.

    ``per_copy`` holds each copy's leaves (see :class:`StatementPrint`). A name is
    ``internal`` when every copy binds it before it reads it (its first leaf is ``"s"``).
    """
    if len({len(leaves) for leaves in per_copy}) != 1:
        return None
    first_use = [_first_use(leaves) for leaves in per_copy]
    parameters: dict[tuple[str, ...], CloneParameter] = {}
    meaning: list[dict[str, tuple[str, ...]]] = [{} for _ in per_copy]
    for position in range(len(per_copy[0])):
        kind = per_copy[0][position][0]
        values = tuple(leaves[position][1:] for leaves in per_copy)
        if kind != "l":
            for copy, value in enumerate(values):  # one name stands for one parameter
                if meaning[copy].setdefault(value, values) != values:
                    return None
        if len(set(values)) == 1 or values in parameters:
            continue
        if kind == "l":
            role: ParameterRole = "literal"
        elif all(first_use[copy][value] == "s" for copy, value in enumerate(values)):
            role = "internal"
        else:
            role = "input"
        parameters[values] = CloneParameter(role, values)
    return tuple(parameters.values())


def _first_use(leaves: Sequence[str]) -> dict[str, str]:
    """For each name in a copy, whether it is first read (``"n"``) or bound (``"s"``)."""
    first: dict[str, str] = {}
    for leaf in leaves:
        if leaf[0] != "l":
            first.setdefault(leaf[1:], leaf[0])
    return first
