"""Clone detection: find code repeated within a cell, across cells and across notebooks.

Works on :mod:`~nbrefactor.analysis.fingerprints` only, so it never re-reads a notebook:

1. every position starts a *seed*, the shortest run of statements that reaches the
   minimum size; seeds are bucketed by the shapes of their statements;
2. each bucket grows as a group, one statement at a time, splitting where members
   continue differently, so each maximal repeated run becomes one *clone class*
   (never a cloud of pairs);
3. runs repeated with gaps (statements added, removed or changed) are found by
   aligning pairs of blocks that share several statements (Type-3).

Classes then get their kind: Type-1 when all copies are identical, Type-2 when they
differ only by names and literals. :func:`nbrefactor.analysis.clone_parameters` turns
those differences into parameters.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar

from nbrefactor.analysis.fingerprints import (
    DocumentPrint,
    SequencePrint,
    StatementPrint,
    stable_hash,
)

CloneKind = Literal["type-1", "type-2", "type-3"]

#: Version of what :func:`find_raw_clones` finds. A run's findings are cached under it
#: (with the fingerprints' version): change it with any change to what is found.
CLONES_VERSION = 1
K = TypeVar("K")

#: A statement found in more blocks than this share of all blocks (and than
#: :data:`_MIN_SEED_CAP`) seeds no gapped (Type-3) match: it is boilerplate, and pairing
#: every place with every other would be quadratic. Being relative, the cap means the
#: same thing in a repository of ten notebooks and of a thousand.
_SEED_SHARE = 0.005
_MIN_SEED_CAP = 30
#: A copy made only of expression statements (``plt.xlabel(...)``, ``print(...)``, a
#: docstring) needs this many times the minimum size: short runs of calls are the tails
#: of plots and printouts that every notebook repeats.
_EXPRESSIONS_ONLY_FACTOR = 2


@dataclass(frozen=True, slots=True)
class CloneSettings:
    """What counts as a clone. Sizes count statements (nested ones too) and tokens."""

    min_statements: int = 3
    min_tokens: int = 30
    type3: bool = True
    #: Type-3: matched statements over the statements of both copies, 0 to 1.
    type3_similarity: float = 0.7
    #: Type-3: statements that must match; gapped copies need more evidence.
    type3_min_statements: int = 5


class Span(NamedTuple):
    """A run of statements ``start:stop`` in one sequence of one document."""

    document: int
    sequence: int
    start: int
    stop: int


#: A document and one of its sequences: a block of statements.
Block = tuple[int, int]
#: The first and the last aligned statements of a gapped copy, as (left, right) indexes.
Window = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Region:
    """Where one copy of a clone is: a document, a cell and 1-based lines in it."""

    path: str
    cell: int | None
    line: int
    col: int
    end_line: int
    statements: int
    tokens: int
    #: The shapes of this copy's statements: stays put when the file changes elsewhere.
    fingerprint: str = ""


class RawClone(NamedTuple):
    """A clone class before parameters: its kind and the runs of statements it covers."""

    kind: CloneKind
    spans: tuple[Span, ...]


class Corpus:
    """The documents being compared, with their sequences numbered for lookups."""

    def __init__(self, documents: Sequence[DocumentPrint]) -> None:
        self.documents = documents

    def statements(self, span: Span) -> tuple[StatementPrint, ...]:
        return (
            self.documents[span.document]
            .sequences[span.sequence]
            .statements[span.start : span.stop]
        )

    def block(self, block: Block) -> tuple[StatementPrint, ...]:
        """The statements of a (document, sequence) pair."""
        return self.documents[block[0]].sequences[block[1]].statements

    def sequence(self, span: Span) -> SequencePrint:
        return self.documents[span.document].sequences[span.sequence]

    def region(self, span: Span) -> Region:
        statements = self.statements(span)
        return Region(
            path=self.documents[span.document].path,
            cell=self.sequence(span).cell,
            line=statements[0].line,
            col=statements[0].col,
            end_line=statements[-1].end_line,
            statements=sum(s.size for s in statements if not s.is_import),
            tokens=sum(s.tokens for s in statements if not s.is_import),
            fingerprint=f"{stable_hash([str(s.shape) for s in statements]) & (2**64 - 1):016x}",
        )

    def sequences(self) -> Iterator[tuple[int, int, SequencePrint]]:
        for d, document in enumerate(self.documents):
            for s, sequence in enumerate(document.sequences):
                yield d, s, sequence


def find_raw_clones(
    documents: Sequence[DocumentPrint],
    settings: CloneSettings = CloneSettings(),
    *,
    focus: Set[int] | None = None,
    population: Population | None = None,
) -> list[RawClone]:
    """All clone classes among ``documents``, largest first.

    With ``focus`` (document numbers), only classes with a copy in one of those
    documents are built: a hook run on one changed notebook does not match the others
    against each other. ``documents`` may then be only those that could share a copy
    with the focus (:func:`related_documents`), and ``population`` describes all of
    them, so that what counts as boilerplate does not depend on which were loaded.
    """
    corpus = Corpus(documents)
    classes = _exact_runs(corpus, settings, focus)
    if settings.type3:
        classes.extend(_gapped_runs(corpus, settings, classes, focus, population))
    classes = _drop_contained(corpus, classes)
    classes.sort(key=lambda c: (-_size(corpus, c), c.spans[0].document, c.spans[0].sequence))
    return classes


def _size(corpus: Corpus, clone: RawClone) -> int:
    """Statements in the smallest copy (the copies of a gapped class differ in size)."""
    return min(
        sum(st.size for st in corpus.statements(span) if not st.is_import) for span in clone.spans
    )


# -- what a focused run needs to load ---------------------------------------------------------


class DocumentSummary(NamedTuple):
    """What decides whether a document could share a copy with another, small enough to
    keep for every cached notebook and read without its fingerprints."""

    #: The shapes of its statements, imports left out.
    shapes: frozenset[int]
    #: Shapes of its statements of substance (Type-3 evidence), with how many of its
    #: blocks hold each.
    substance: dict[int, int]
    #: Its blocks that hold a statement of substance.
    blocks: int
    #: The statements of substance one of its blocks holds twice or more.
    repeated: frozenset[int] = frozenset()


class Population(NamedTuple):
    """How common each statement of substance is among all the documents compared."""

    blocks: int
    places: dict[int, int]

    @classmethod
    def of(cls, summaries: Iterable[DocumentSummary]) -> Population:
        places: dict[int, int] = defaultdict(int)
        blocks = 0
        for summary in summaries:
            blocks += summary.blocks
            for shape, count in summary.substance.items():
                places[shape] += count
        return cls(blocks, dict(places))

    @property
    def cap(self) -> int:
        """Places above which a statement is boilerplate (:data:`_SEED_SHARE`)."""
        return max(_MIN_SEED_CAP, int(_SEED_SHARE * self.blocks))


def summarize(document: DocumentPrint) -> DocumentSummary:
    shapes: set[int] = set()
    substance: dict[int, int] = defaultdict(int)
    repeated: set[int] = set()
    blocks = 0
    for sequence in document.sequences:
        atoms = evidence(sequence.statements)
        held = set(atoms)
        if len(held) < len(atoms):
            repeated.update(atom for atom, count in Counter(atoms).items() if count > 1)
        shapes.update(st.shape for st in sequence.statements if not st.is_import)
        for atom in held:
            substance[atom] += 1
        blocks += bool(held)
    return DocumentSummary(frozenset(shapes), dict(substance), blocks, frozenset(repeated))


def related_documents(
    focus: Sequence[DocumentPrint],
    others: dict[K, DocumentSummary],
    settings: CloneSettings,
    population: Population,
) -> set[K]:
    """The keys of ``others`` that could share a clone class with a ``focus`` document:
    they hold every statement of one of its seeds (Type-1/2), or could hold a near copy
    of one of its blocks (Type-3): they share evidence that is not boilerplate, and
    enough evidence in all for a pair of blocks to reach ``type3_min_statements`` (a
    statement counts more than once only where both repeat it). Any other document
    cannot change what a focused :func:`find_raw_clones` reports."""
    mine = [summarize(document) for document in focus]
    shapes = frozenset().union(*(summary.shapes for summary in mine))
    evidence_held = frozenset().union(*(summary.substance for summary in mine))
    repeated = frozenset().union(*(summary.repeated for summary in mine))
    atoms = frozenset(
        atom for atom in evidence_held if population.places.get(atom, 0) <= population.cap
    )
    needed = settings.type3_min_statements
    holding: dict[int, set[K]] = defaultdict(set)
    sharing: set[K] = set()
    for key, summary in others.items():
        for shape in summary.shapes & shapes:
            holding[shape].add(key)
        if settings.type3 and not atoms.isdisjoint(summary.substance):
            shared = evidence_held & summary.substance.keys()
            if len(shared) >= needed or not shared.isdisjoint(repeated & summary.repeated):
                sharing.add(key)
    related: set[K] = sharing
    for document in focus:
        for sequence in document.sequences:
            statements = sequence.statements
            for start, stop in _seeds(statements, settings):
                window = {st.shape for st in statements[start:stop] if not st.is_import}
                related.update(set.intersection(*(holding.get(shape, set()) for shape in window)))
    return related


def evidence(statements: Iterable[StatementPrint]) -> list[int]:
    """What a block's statements bring to the evidence that two blocks are near copies:
    the shape of each simple statement of substance (five tokens or more, no import);
    for a compound one its head and the heads of the statements in it, so that a loop
    whose body changed still counts for what it kept. Repeats are kept."""
    atoms: list[int] = []
    for statement in statements:
        if statement.is_import:
            continue
        if statement.inner:
            atoms.append(statement.head)
            atoms.extend(statement.inner)
        elif statement.tokens >= 5:
            atoms.append(statement.shape)
    return atoms


# -- Type-1 and Type-2: group extension over shape hashes ------------------------------------


def _exact_runs(corpus: Corpus, settings: CloneSettings, focus: Set[int] | None) -> list[RawClone]:
    buckets: dict[tuple[int, ...], list[Span]] = defaultdict(list)
    if focus is None:
        for d, s, statements in _sequences_of(corpus, range(len(corpus.documents))):
            for start, stop in _seeds(statements, settings):
                buckets[tuple(st.shape for st in statements[start:stop])].append(
                    Span(d, s, start, stop)
                )
    else:  # only the seeds of the focus documents can start a class worth building
        mine, others = _split_documents(corpus, focus)
        for d, s, statements in _sequences_of(corpus, mine):
            for start, stop in _seeds(statements, settings):
                buckets[tuple(st.shape for st in statements[start:stop])].append(
                    Span(d, s, start, stop)
                )
        firsts = {shapes[0] for shapes in buckets}
        for d, s, statements in _sequences_of(corpus, others):
            for start, stop in _seeds(statements, settings, firsts):
                members = buckets.get(tuple(st.shape for st in statements[start:stop]))
                if members is not None:
                    members.append(Span(d, s, start, stop))
    found: list[RawClone] = []
    for members in buckets.values():
        if len(members) < 2 or _extends_left(corpus, members):
            continue
        found.extend(_grow(corpus, members, members[0].stop - members[0].start, settings, focus))
    return found


def _split_documents(corpus: Corpus, focus: Set[int]) -> tuple[list[int], list[int]]:
    everything = range(len(corpus.documents))
    return [d for d in everything if d in focus], [d for d in everything if d not in focus]


def _sequences_of(
    corpus: Corpus, documents: Iterable[int]
) -> Iterator[tuple[int, int, tuple[StatementPrint, ...]]]:
    for d in documents:
        for s, sequence in enumerate(corpus.documents[d].sequences):
            yield d, s, sequence.statements


def _seeds(
    statements: Sequence[StatementPrint],
    settings: CloneSettings,
    firsts: Container[int] | None = None,
) -> Iterator[tuple[int, int]]:
    """Each start of a run reaching the minimum size, with the run's end; with
    ``firsts``, only the runs starting with one of those shapes."""
    for start in range(len(statements)):
        if statements[start].is_import:
            continue  # imports repeat everywhere: a clone never starts with one
        if firsts is not None and statements[start].shape not in firsts:
            continue
        stop = _seed_stop(statements, start, settings)
        if stop is None:
            return  # later starts cannot reach the minimum size either
        yield start, stop


def _seed_stop(
    statements: Sequence[StatementPrint], start: int, settings: CloneSettings
) -> int | None:
    size = tokens = 0
    for stop in range(start, len(statements)):
        if not statements[stop].is_import:  # import lines do not make code worth sharing
            size += statements[stop].size
            tokens += statements[stop].tokens
        if size >= settings.min_statements and tokens >= settings.min_tokens:
            return stop + 1
    return None


def _extends_left(corpus: Corpus, members: list[Span]) -> bool:
    """True when every member is preceded by the same statement: an earlier seed covers it."""
    previous: set[int] = set()
    for span in members:
        if span.start == 0:
            return False
        before = corpus.sequence(span).statements[span.start - 1]
        if before.is_import:
            return False  # no seed starts at an import, so none covers this one
        previous.add(before.shape)
        if len(previous) > 1:
            return False
    return True


def _grow(
    corpus: Corpus,
    members: list[Span],
    length: int,
    settings: CloneSettings,
    focus: Set[int] | None,
) -> Iterator[RawClone]:
    """Extend a group of equal runs one statement at a time; emit a class where it splits,
    then grow each part that still has two members, depth first (with a stack of its own:
    a thousand look-alike statements split a thousand times)."""
    pending = [(members, length)]
    while pending:
        members, length = pending.pop()
        while True:
            following: dict[int | None, list[Span]] = defaultdict(list)
            for span in members:
                statements = corpus.sequence(span).statements
                at = span.start + length
                following[statements[at].shape if at < len(statements) else None].append(span)
            if len(following) == 1 and None not in following:
                length += 1
                continue
            break
        clone = _as_class(corpus, members, length, settings)
        if clone is not None:
            yield clone
        parts = [
            group
            for shape, group in following.items()
            if shape is not None
            and len(group) > 1
            and (focus is None or any(span.document in focus for span in group))
        ]
        pending.extend((group, length + 1) for group in reversed(parts))


def _as_class(
    corpus: Corpus, members: list[Span], length: int, settings: CloneSettings
) -> RawClone | None:
    # the members have the same shapes: what the first one is, they all are
    first = corpus.statements(Span(members[0].document, members[0].sequence,
                                   members[0].start, members[0].start + length))  # fmt: skip
    if len({st.shape for st in first}) == 1 and len(first) > 1:
        return None  # a run of one repeated line (`ax.plot(...)` six times) is not a clone
    if all(st.is_constant or st.is_import for st in first):
        return None  # settings (`SEED = 42`, `COLS = [...]`) differ by value, not by copying
    if _is_boilerplate(first, settings.min_statements):
        return None
    spans = _without_overlaps(
        [Span(m.document, m.sequence, m.start, m.start + length) for m in members]
    )
    spans = [s for s in spans if not corpus.statements(s)[0].suppressed]
    if len(spans) < 2:
        return None
    exact = {tuple(st.exact for st in corpus.statements(s)) for s in spans}
    return RawClone("type-1" if len(exact) == 1 else "type-2", tuple(spans))


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the first of runs that overlap in the same sequence (a run shifted by one)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.document, s.sequence, s.start)):
        last = kept[-1] if kept else None
        if (
            last is not None
            and (last.document, last.sequence) == (span.document, span.sequence)
            and span.start < last.stop
        ):
            continue
        kept.append(span)
    return kept


# -- Type-3: alignment of blocks that share statements ---------------------------------------


def _gapped_runs(
    corpus: Corpus,
    settings: CloneSettings,
    exact: list[RawClone],
    focus: Set[int] | None,
    population: Population | None,
) -> Iterator[RawClone]:
    # Each block's statements of substance (five tokens or more, not imports), weighed
    # by their size and by how often the block repeats them; trivial lines (`plt.show()`,
    # `x = 0.5`) may be part of an alignment, but they never make two blocks a near copy.
    held: dict[Block, list[int]] = {}
    for d, s, sequence in corpus.sequences():
        atoms = evidence(sequence.statements)
        if atoms:
            held[(d, s)] = atoms
    places: dict[int, list[Block]] = defaultdict(list)
    for block, atoms in held.items():
        for atom in dict.fromkeys(atoms):
            places[atom].append(block)
    contents: dict[Block, dict[int, int]] = {}  # counted when a pair needs them

    def weights(block: Block) -> dict[int, int]:
        counted = contents.get(block)
        if counted is None:
            counted = contents[block] = Counter(held[block])
        return counted

    # Two blocks are compared when they share a statement that is not boilerplate, and
    # the statements they share, all of them, add up to type3_min_statements.
    # Pairs are aligned in the order of the files' paths, not of their numbers here: the
    # alignment breaks ties by side, and a hook run numbers the documents otherwise.
    place = {block: (corpus.documents[block[0]].path, block[1]) for block in held}
    if population is None:
        population = Population(len(held), {shape: len(w) for shape, w in places.items()})
    cap = population.cap
    candidates: set[tuple[Block, Block]] = set()
    for shape, where in places.items():
        if len(where) < 2 or population.places.get(shape, len(where)) > cap:
            continue
        pairs_here: Iterable[tuple[Block, Block]]
        if focus is None:
            pairs_here = itertools.combinations(where, 2)
        else:  # only pairs with a block of the focus
            mine = [a for a in where if a[0] in focus]
            pairs_here = ((a, b) for a in mine for b in where if b != a)
        for a, b in pairs_here:
            candidates.add((a, b) if place[a] <= place[b] else (b, a))
    covered = _covered_pairs(exact)
    pairs: list[tuple[Span, Span]] = []
    windows: dict[tuple[tuple[int, ...], tuple[int, ...]], Window | None] = {}
    needed = settings.type3_min_statements
    alike = [pair for pair in candidates if _share(weights(pair[0]), weights(pair[1]), needed)]
    for a, b in sorted(alike, key=lambda pair: (place[pair[0]], place[pair[1]])):
        left, right = corpus.block(a), corpus.block(b)
        if (Span(*a, 0, len(left)), Span(*b, 0, len(right))) in covered:
            continue  # two copies of one whole block: no gap to find
        # the window depends on the shapes alone: a pair of blocks pasted elsewhere again
        # (a notebook copied with its copies) is aligned once
        shapes = (tuple(st.shape for st in left), tuple(st.shape for st in right))
        if shapes not in windows:
            windows[shapes] = _align_runs(left, right, settings)
        aligned = _aligned(corpus, a, b, windows[shapes], settings)
        if aligned is not None and aligned not in covered:
            pairs.append(aligned)
    for block, atoms in held.items():  # a copy within a block: what it holds twice or more
        if focus is not None and block[0] not in focus:
            continue
        if len(atoms) - len(weights(block)) < needed:
            continue
        aligned = _align_within(corpus, block, settings)
        if aligned is not None and aligned not in covered:
            pairs.append(aligned)
    yield from _merge_pairs(pairs)


def _share(first: dict[int, int], second: dict[int, int], needed: int) -> bool:
    """Whether the statements two blocks share, repeats counted as often as both have
    them, add up to ``needed``."""
    common = first.keys() & second.keys()
    # each shared statement counts at least once: enough of them settle it
    return len(common) >= needed or sum(min(first[k], second[k]) for k in common) >= needed


def _merge_pairs(pairs: list[tuple[Span, Span]]) -> Iterator[RawClone]:
    """One class per group of places linked by gapped matches, not a cloud of pairs.

    A place is a block, represented by the smallest run covering its matched statements;
    the two copies of a near copy inside one block are two places.
    """
    Node = tuple[int, int, int]  # document, sequence, and 0 or 1 for the copies in a block
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    hull: dict[Node, Span] = {}
    for pair in pairs:
        within = (pair[0].document, pair[0].sequence) == (pair[1].document, pair[1].sequence)
        nodes = []
        for side, span in enumerate(pair):
            node = (span.document, span.sequence, side if within else 0)
            known = hull.get(node)
            hull[node] = (
                span
                if known is None
                else Span(
                    span.document,
                    span.sequence,
                    min(known.start, span.start),
                    max(known.stop, span.stop),
                )
            )
            nodes.append(node)
        parent[root(nodes[0])] = root(nodes[1])
    groups: dict[Node, list[Span]] = defaultdict(list)
    for node, span in sorted(hull.items()):
        groups[root(node)].append(span)
    for spans in groups.values():
        kept = _without_overlaps(spans)
        if len(kept) > 1:
            yield RawClone("type-3", tuple(kept))


def _covered_pairs(classes: Iterable[RawClone]) -> _Covered:
    return _Covered(classes)


class _Covered:
    """Answers "do these two runs already belong to one exact class?" in constant time."""

    def __init__(self, classes: Iterable[RawClone]) -> None:
        self._class_of: dict[Span, set[int]] = defaultdict(set)
        for number, clone in enumerate(classes):
            for span in clone.spans:
                self._class_of[span].add(number)

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple) or len(pair) != 2:
            return False
        first, second = pair
        return bool(self._class_of.get(first, set()) & self._class_of.get(second, set()))


def _aligned(
    corpus: Corpus, a: Block, b: Block, window: Window | None, settings: CloneSettings
) -> tuple[Span, Span] | None:
    """The Type-3 copies in blocks ``a`` and ``b`` that ``window`` aligns, if any."""
    if window is None:
        return None
    (i0, j0), (i1, j1) = window
    first, second = Span(a[0], a[1], i0, i1 + 1), Span(b[0], b[1], j0, j1 + 1)
    return _worth_reporting(corpus, first, second, settings)


def _align_within(
    corpus: Corpus, block: tuple[int, int], settings: CloneSettings
) -> tuple[Span, Span] | None:
    """A near copy inside one block: its best start aligned with its best end."""
    statements = corpus.documents[block[0]].sequences[block[1]].statements
    best: tuple[int, Span, Span] | None = None
    for split in range(1, len(statements)):
        window = _align_runs(statements[:split], statements[split:], settings)
        if window is None:
            continue
        (i0, j0), (i1, j1) = window
        matched = sum(st.size for st in statements[i0 : i1 + 1])
        if best is None or matched > best[0]:
            first = Span(block[0], block[1], i0, i1 + 1)
            second = Span(block[0], block[1], split + j0, split + j1 + 1)
            best = (matched, first, second)
    return None if best is None else _worth_reporting(corpus, best[1], best[2], settings)


def _worth_reporting(
    corpus: Corpus, first: Span, second: Span, settings: CloneSettings
) -> tuple[Span, Span] | None:
    """The pair, unless a copy is suppressed or both are a run of bare calls too short."""
    if any(corpus.statements(s)[0].suppressed for s in (first, second)):
        return None
    if all(
        _is_boilerplate(corpus.statements(s), settings.type3_min_statements)
        for s in (first, second)
    ):
        return None
    return first, second


def _is_boilerplate(statements: Sequence[StatementPrint], minimum: int) -> bool:
    """A run of expression statements only (calls whose result is dropped: plotting,
    printing) below :data:`_EXPRESSIONS_ONLY_FACTOR` times the ``minimum`` statements."""
    if not all(st.is_expression or st.is_import for st in statements):
        return False
    return (
        sum(st.size for st in statements if not st.is_import) < _EXPRESSIONS_ONLY_FACTOR * minimum
    )


def _align_runs(
    left: Sequence[StatementPrint], right: Sequence[StatementPrint], settings: CloneSettings
) -> Window | None:
    """The gapped Type-3 window of a weighted longest common subsequence, if any.

    Two statements match when their shapes are equal (scoring the statements they hold)
    or, for compound statements, when their heads are: ``for x in xs:`` with a changed
    body scores its header and what its body kept (:func:`_partial_score`). Only
    statements that can match are aligned (their positions kept), which makes long
    blocks cheap to compare.
    """
    shared = {st.shape for st in left} & {st.shape for st in right}
    shared |= {st.head for st in left if st.inner} & {st.head for st in right if st.inner}
    at_left = [i for i, st in enumerate(left) if st.shape in shared or st.head in shared]
    at_right = [j for j, st in enumerate(right) if st.shape in shared or st.head in shared]
    n, m = len(at_left), len(at_right)
    # weighted longest common subsequence: a match scores the statements it holds
    score = [[0] * (m + 1) for _ in range(n + 1)]
    gain = [[0] * m for _ in range(n)]
    for i in range(n - 1, -1, -1):
        row, below, mine = score[i], score[i + 1], left[at_left[i]]
        for j in range(m - 1, -1, -1):
            best = below[j] if below[j] > row[j + 1] else row[j + 1]
            theirs = right[at_right[j]]
            if mine.shape == theirs.shape:
                gain[i][j] = mine.size
            elif mine.inner and theirs.inner and mine.head == theirs.head:
                gain[i][j] = _partial_score(mine.inner, theirs.inner)
            if gain[i][j] and below[j + 1] + gain[i][j] > best:
                best = below[j + 1] + gain[i][j]
            row[j] = best
    if score[0][0] < settings.type3_min_statements:
        return None
    pairs: list[tuple[int, int, int]] = []  # left index, right index, score
    i = j = 0
    while i < n and j < m:
        if gain[i][j] and score[i][j] == score[i + 1][j + 1] + gain[i][j]:
            pairs.append((at_left[i], at_right[j], gain[i][j]))
            i, j = i + 1, j + 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1
        else:
            j += 1
    if len(pairs) < 2:
        return None
    return _best_window(left, right, pairs, settings)


def _partial_score(left: Sequence[int], right: Sequence[int]) -> int:
    """What two compound statements with one head share: the head, and the longest
    common subsequence of the statements in them (heads, depth first)."""
    previous = [0] * (len(right) + 1)
    for head in left:
        current = [0]
        for j, other in enumerate(right):
            current.append(previous[j] + 1 if head == other else max(previous[j + 1], current[j]))
        previous = current
    return 1 + previous[-1]


def _best_window(
    left: Sequence[StatementPrint],
    right: Sequence[StatementPrint],
    pairs: list[tuple[int, int, int]],
    settings: CloneSettings,
) -> Window | None:
    """The run of aligned pairs with the most matched statements that is similar enough,
    large enough and has a gap in it (otherwise it is a Type-1/2 clone or none): a
    statement left out on a side, or a compound statement that matches only in part."""
    left_size, left_tokens = _prefix_sums(left)
    right_size, right_tokens = _prefix_sums(right)
    best: Window | None = None
    best_matched = 0
    for x, (i0, j0, _) in enumerate(pairs):
        matched = 0
        partial = False
        for y in range(x, len(pairs)):
            i1, j1, gained = pairs[y]
            matched += gained
            partial = partial or gained < left[i1].size or gained < right[j1].size
            if matched <= best_matched or matched < settings.type3_min_statements:
                continue
            sizes = (left_size[i1 + 1] - left_size[i0]) + (right_size[j1 + 1] - right_size[j0])
            tokens = min(
                left_tokens[i1 + 1] - left_tokens[i0], right_tokens[j1 + 1] - right_tokens[j0]
            )
            gapped = partial or i1 - i0 != y - x or j1 - j0 != y - x
            if (
                gapped
                and 2 * matched / sizes >= settings.type3_similarity
                and tokens >= settings.min_tokens
            ):
                best, best_matched = ((i0, j0), (i1, j1)), matched
    return best


def _prefix_sums(statements: Sequence[StatementPrint]) -> tuple[list[int], list[int]]:
    sizes, tokens = [0], [0]
    for statement in statements:
        sizes.append(sizes[-1] + statement.size)
        tokens.append(tokens[-1] + statement.tokens)
    return sizes, tokens


# -- reporting each place once ---------------------------------------------------------------


def _drop_contained(corpus: Corpus, classes: list[RawClone]) -> list[RawClone]:
    """Drop a class when another class, as large and with as many copies, covers every
    one of its copies: a duplicated cell also duplicates the loop inside it, and a
    gapped class of seven near-copies covers the exact class of three of them.
    """
    regions = [[corpus.region(s) for s in clone.spans] for clone in classes]
    rank = {"type-1": 2, "type-2": 2, "type-3": 1}
    # Between classes of one size, the one whose copies come first in path order wins: the
    # same whichever documents a run loaded, and in whatever order.
    places = [sorted((r.path, r.cell or 0, r.line, r.end_line) for r in found) for found in regions]
    order = {
        index: position
        for position, index in enumerate(sorted(range(len(classes)), key=places.__getitem__))
    }
    keys = [
        (len(regions[i]), _size(corpus, clone), rank[clone.kind], -order[i])
        for i, clone in enumerate(classes)
    ]
    by_place: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for index, found in enumerate(regions):
        for region in found:
            by_place[(region.path, region.cell)].append(index)
    kept: list[RawClone] = []
    for index, clone in enumerate(classes):
        mine = regions[index]
        candidates = set(by_place[(mine[0].path, mine[0].cell)]) - {index}
        if any(
            keys[other][0] >= keys[index][0]
            and keys[other][1] >= keys[index][1]
            and keys[other] > keys[index]
            and all(any(_within(r, o) for o in regions[other]) for r in mine)
            for other in candidates
        ):
            continue
        kept.append(clone)
    return kept


def _within(inner: Region, outer: Region) -> bool:
    return (
        inner.path == outer.path
        and inner.cell == outer.cell
        and outer.line <= inner.line
        and inner.end_line <= outer.end_line
    )
