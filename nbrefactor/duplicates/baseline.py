"""Baselines: the duplicates a team already has, so only new ones fail the hook.

A baseline records each copy as (path, fingerprint of the copy's code shape), the path
relative to the baseline's folder (so the check finds the same copies wherever it runs
from). A copy not recorded is new: it is the finding, and the recorded copies of its
code are named as where it comes from. Edits elsewhere in a file, or moving an old copy
within it, bring nothing back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import Region
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import resolved, write_text_atomic

BASELINE_VERSION = 1


def load_baseline(path: Path) -> frozenset[tuple[str, str]]:
    """The recorded copies; a missing baseline file is an error (use --update-baseline)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != BASELINE_VERSION:
            raise NbrefactorError(
                f"baseline version {data.get('version')!r} is not {BASELINE_VERSION}; "
                "recreate it with --update-baseline",
                path=path,
            )
        return frozenset((entry["path"], entry["fingerprint"]) for entry in data["copies"])
    except FileNotFoundError:
        raise NbrefactorError(
            "no such baseline; create it with --update-baseline", path=path
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise NbrefactorError(f"not a valid baseline: {error}", path=path) from None


def write_baseline(path: Path, classes: Iterable[CloneClass]) -> int:
    """Record every copy of ``classes``; return how many copies were recorded."""
    copies = sorted(
        {
            (_key(region.path, path), region.fingerprint)
            for clone in classes
            for region in clone.regions
        }
    )
    data = {
        "version": BASELINE_VERSION,
        "tool": "nbrefactor",
        "copies": [{"path": p, "fingerprint": f} for p, f in copies],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
    return len(copies)


def known_copies(
    classes: Iterable[CloneClass], recorded: frozenset[tuple[str, str]], baseline: Path
) -> frozenset[Region]:
    """The copies of ``classes`` that the baseline at ``baseline`` records."""
    return frozenset(
        region
        for clone in classes
        for region in clone.regions
        if (_key(region.path, baseline), region.fingerprint) in recorded
    )


def _key(path: str, baseline: Path) -> str:
    """``path`` (as reported: relative to the current folder, or absolute) relative to
    the baseline's folder, with ``/``; a path outside that folder stays absolute."""
    absolute = resolved(Path(path))
    try:
        return absolute.relative_to(resolved(baseline).parent).as_posix()
    except ValueError:
        return absolute.as_posix()
