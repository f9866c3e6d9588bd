"""Clone classes as reported: where each copy is and what differs between the copies.

The differences are found by anti-unification (:mod:`nbrefactor.analysis.antiunify`):
positions where the copies disagree become parameters, one per distinct combination of
values. A name that each copy binds before using it (a loop variable renamed in the
copy) is ``internal``; the extraction turns ``input`` names and literals into function
parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nbrefactor.analysis.antiunify import CloneParameter, anti_unify
from nbrefactor.analysis.clones import CloneKind, Corpus, RawClone, Region


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
