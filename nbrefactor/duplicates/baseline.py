"""Baselines: the duplicates a team already has, so only new ones fail the hook.

A baseline records, for each file and each code shape it has copies of, how many copies
there are: (path, fingerprint of the copy's shape, count), the path relative to the
baseline's folder (so the check finds the same copies wherever it runs from). A copy
beyond its file's count is new: it is the finding, and the recorded copies of its code
are named as where it comes from. Edits elsewhere in a file, or moving an old copy
within it, bring nothing back; pasting the code once more, in the same file or another,
does. A file the baseline does not record takes the counts of the recorded file now gone
that it shares most shapes with (a renamed notebook).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import Region
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import resolved, write_text_atomic

#: Version 2 counts the copies of a shape in a file; version 1 (no count) is read as
#: "any number of copies".
BASELINE_VERSION = 2

#: The recorded copies: (path, fingerprint) -> how many (None: any number).
Recorded = Mapping[tuple[str, str], int | None]


def load_baseline(path: Path) -> Recorded:
    """The recorded copies; a missing baseline file is an error (use --update-baseline)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.get("version")
        if version not in (1, BASELINE_VERSION):
            raise NbrefactorError(
                f"baseline version {version!r} is not {BASELINE_VERSION}; "
                "recreate it with --update-baseline",
                path=path,
            )
        return {
            (_field(entry, "path"), _field(entry, "fingerprint")): (
                None if version == 1 else _count(entry)
            )
            for entry in data["copies"]
        }
    except FileNotFoundError:
        raise NbrefactorError(
            "no such baseline; create it with --update-baseline", path=path
        ) from None
    except KeyError as error:
        raise NbrefactorError(f"not a valid baseline: no {error} list", path=path) from None
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise NbrefactorError(f"not a valid baseline: {error}", path=path) from None


def _field(entry: Mapping[str, object], name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str):
        raise ValueError(f"a copy without a {name!r} string: {entry!r}")
    return value


def _count(entry: Mapping[str, object]) -> int:
    value = entry.get("count")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"a copy without a positive 'count': {entry!r}")
    return value


def write_baseline(path: Path, classes: Iterable[CloneClass]) -> int:
    """Record every copy of ``classes``; return how many copies were recorded."""
    counts = Counter((_key(region.path, path), region.fingerprint) for region in _copies(classes))
    data = {
        "version": BASELINE_VERSION,
        "tool": "nbrefactor",
        "copies": [
            {"path": p, "fingerprint": f, "count": n} for (p, f), n in sorted(counts.items())
        ],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
    return sum(counts.values())


def known_copies(
    classes: Iterable[CloneClass], recorded: Recorded, baseline: Path
) -> frozenset[Region]:
    """The copies of ``classes`` that the baseline at ``baseline`` records: in each file,
    as many of a shape's copies as it counts, first ones first. A file it does not
    record counts as the recorded file now gone it shares most shapes with (a renamed
    notebook), each gone file standing for one file at most."""
    regions = sorted(_copies(classes), key=_position)
    paths = {region: _key(region.path, baseline) for region in regions}
    files = {path for path, _ in recorded}
    unrecorded: dict[str, set[str]] = {}  # path -> the shapes of its copies
    for region in regions:
        if paths[region] not in files:
            unrecorded.setdefault(paths[region], set()).add(region.fingerprint)
    renamed = _renamed(unrecorded, recorded, baseline) if unrecorded else {}
    left = dict(recorded)
    known = []
    for region in regions:
        path = renamed.get(paths[region], paths[region])
        if _take(left, (path, region.fingerprint)):
            known.append(region)
    return frozenset(known)


def _take(counts: dict[tuple[str, str], int | None], key: tuple[str, str]) -> bool:
    """Count one more copy of ``key`` as known, if ``counts`` has one left."""
    remaining = counts.get(key, 0)
    if remaining is None:
        return True
    if remaining:
        counts[key] = remaining - 1
    return remaining > 0


def _renamed(
    unrecorded: Mapping[str, set[str]], recorded: Recorded, baseline: Path
) -> dict[str, str]:
    """The recorded file now gone that each of the ``unrecorded`` files (path -> shapes
    of its copies) was renamed from: the one they share most shapes with, each gone
    file taken once, the best shared first. A gone file that two files share as many
    shapes with is no one's: which was renamed cannot be told, and both copies are new."""
    folder = resolved(baseline).parent
    shapes: dict[str, set[str]] = {}
    for path, fingerprint in recorded:
        shapes.setdefault(path, set()).add(fingerprint)
    gone = {path: found for path, found in shapes.items() if not (folder / path).exists()}
    pairs = sorted(
        (-len(found & new_shapes), new, old)
        for new, new_shapes in unrecorded.items()
        for old, found in gone.items()
    )
    ties = Counter((old, shared) for shared, _, old in pairs)
    matched: dict[str, str] = {}
    settled: set[str] = set()
    for shared, new, old in pairs:
        if shared < 0 and new not in matched and old not in settled:
            settled.add(old)
            if ties[old, shared] == 1:
                matched[new] = old
    return matched


def _copies(classes: Iterable[CloneClass]) -> set[Region]:
    return {region for clone in classes for region in clone.regions}


def _position(region: Region) -> tuple[str, int, int, int]:
    return (region.path, -1 if region.cell is None else region.cell, region.line, region.col)


def _key(path: str, baseline: Path) -> str:
    """``path`` (as reported: relative to the current folder, or absolute) relative to
    the baseline's folder, with ``/``; a path outside that folder stays absolute."""
    absolute = resolved(Path(path))
    try:
        return absolute.relative_to(resolved(baseline).parent).as_posix()
    except ValueError:
        return absolute.as_posix()
