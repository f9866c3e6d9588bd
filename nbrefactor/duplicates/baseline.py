"""Baselines: the duplicates a team already has, so only new ones fail the hook.

A baseline records each copy as (path, fingerprint of the copy's code shape). A class
is new when one of its copies is not recorded: a fresh copy of old code is caught, while
edits elsewhere in a file, or moving the old copy within it, are not reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import write_text_atomic

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
        {(_key(region.path), region.fingerprint) for clone in classes for region in clone.regions}
    )
    data = {
        "version": BASELINE_VERSION,
        "tool": "nbrefactor",
        "copies": [{"path": p, "fingerprint": f} for p, f in copies],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
    return len(copies)


def is_new(clone: CloneClass, baseline: frozenset[tuple[str, str]]) -> bool:
    return any((_key(r.path), r.fingerprint) not in baseline for r in clone.regions)


def _key(path: str) -> str:
    return Path(path).as_posix()
