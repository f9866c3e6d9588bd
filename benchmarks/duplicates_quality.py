"""How well does ``find_duplicates`` find planted clones, and how often does it flag traps?

Builds the corpus of :mod:`duplicates_corpus` (synthetic data-science notebooks with
planted Type-1, Type-2 and Type-3 clones and look-alike "trap" snippets) in a temporary
folder, runs ``nbrefactor.duplicates.find_duplicates`` on all of its notebooks with the
default settings, and compares the reported clone classes with the ground truth.

Run from the repository root with nbrefactor installed::

    python benchmarks/duplicates_quality.py
    python benchmarks/duplicates_quality.py --notebooks 60 --seed 3
    python benchmarks/duplicates_quality.py --json

Matching rule (printed with the results): a reported region *covers* a planted copy or a
trap snippet when it is in the same notebook and cell and their line ranges overlap. A
plant is *found* when one reported class covers every one of its copies (both copies of
a 2-copy plant, all three of a 3-copy plant). A class that covers a trap snippet is a
*false report*. A class that covers neither a trap nor only copies of one plant is
*unexplained*.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duplicates_corpus import KINDS, Corpus, Location, PlantedClone, build_corpus

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import Region
from nbrefactor.api.check import find_duplicates

#: Recall targets per kind, and the false-report target per 10 traps.
RECALL_TARGETS = {"type-1": 1.0, "type-2": 0.9, "type-3": 0.8}
FALSE_REPORTS_PER_10_TRAPS_TARGET = 1.0

MATCHING_RULE = (
    "a reported region covers a planted copy (or trap snippet) when it is in the same "
    "notebook and cell and the line ranges overlap; a plant is found when ONE reported "
    "class covers ALL its copies (2 of 2, or 3 of 3); a class covering any trap snippet "
    "is a false report"
)


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def covers(region: Region, loc: Location) -> bool:
    return (
        _key(region.path) == _key(loc.path)
        and region.cell == loc.cell
        and region.line <= loc.end_line
        and loc.start_line <= region.end_line
    )


@dataclass
class PlantResult:
    plant: PlantedClone
    found: bool
    same_kind: bool
    best_covered: int  # most copies one class covers
    kinds: tuple[str, ...]  # kinds of the classes covering all copies


def evaluate(corpus: Corpus, classes: tuple[CloneClass, ...]) -> dict[str, Any]:
    plants: list[PlantResult] = []
    for plant in corpus.clones:
        best, kinds = 0, []
        for cls in classes:
            covered = sum(any(covers(r, loc) for r in cls.regions) for loc in plant.locations)
            best = max(best, covered)
            if covered == len(plant.locations):
                kinds.append(cls.kind)
        plants.append(
            PlantResult(plant, bool(kinds), plant.kind in kinds, best, tuple(sorted(set(kinds))))
        )

    trap_classes, explained, unexplained = [], [], []
    trapped_snippets: set[int] = set()
    for cls in classes:
        traps = [t for t in corpus.traps if any(covers(r, t.location) for r in cls.regions)]
        if traps:
            trap_classes.append((cls, traps))
            trapped_snippets.update(t.id for t in traps)
            continue
        owners = []
        for region in cls.regions:
            owners.append(
                {p.id for p in corpus.clones if any(covers(region, loc) for loc in p.locations)}
            )
        if all(owners) and set.intersection(*owners):
            explained.append(cls)
        else:
            unexplained.append((cls, owners))

    per_kind: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        mine = [p for p in plants if p.plant.kind == kind]
        found = [p for p in mine if p.found]
        per_kind[kind] = {
            "planted": len(mine),
            "found": len(found),
            "recall": len(found) / len(mine) if mine else float("nan"),
            "same_kind": sum(p.same_kind for p in mine),
            "partly_found": sum(1 for p in mine if not p.found and p.best_covered >= 2),
            "target": RECALL_TARGETS[kind],
            "by_scope": {
                scope: f"{sum(p.found for p in mine if p.plant.scope == scope)}"
                f"/{sum(1 for p in mine if p.plant.scope == scope)}"
                for scope in ("same-cell", "same-notebook", "cross-notebook")
            },
            "found_as": dict(Counter("+".join(p.kinds) for p in found)),
        }
    n_traps = len(corpus.traps)
    false_per_10 = 10 * len(trap_classes) / n_traps if n_traps else float("nan")
    return {
        "plants": plants,
        "per_kind": per_kind,
        "traps": n_traps,
        "trap_categories": dict(Counter(t.category for t in corpus.traps)),
        "trap_classes": trap_classes,
        "trapped_snippets": len(trapped_snippets),
        "false_reports_per_10_traps": false_per_10,
        "explained": explained,
        "unexplained": unexplained,
    }


def _snippet(region: Region, width: int = 70) -> str:
    try:
        cells = json.loads(Path(region.path).read_text("utf-8"))["cells"]
        lines = "".join(cells[region.cell]["source"]).split("\n")
        first = lines[region.line - 1].strip()
    except (OSError, IndexError, KeyError, TypeError, ValueError):
        first = "?"
    return first if len(first) <= width else first[: width - 3] + "..."


def _where(region: Region) -> str:
    return f"{Path(region.path).name}:cell {region.cell}:lines {region.line}-{region.end_line}"


def engine_commit() -> str:
    """The checked-out commit of the repository this script is in, if git can tell."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def report_text(
    corpus: Corpus, result: dict[str, Any], seconds: float, n_classes: int, sanity: str
) -> str:
    out: list[str] = []
    w = out.append
    cells = corpus.cells
    w(
        f"nbrefactor find_duplicates quality: {len(corpus.notebooks)} notebooks "
        f"({cells:,} cells), seed {corpus.seed}, default settings, commit {engine_commit()}"
    )
    scopes = Counter(p.scope for p in corpus.clones)
    w(
        f"planted: {len(corpus.clones)} clones ("
        + ", ".join(f"{scope} {n}" for scope, n in sorted(scopes.items()))
        + f"), {sum(len(p.locations) for p in corpus.clones)} copies; "
        f"{len(corpus.traps)} trap snippets"
    )
    w(f"find_duplicates: {seconds:.2f} s, {n_classes} clone classes reported; {sanity}")
    w(f"matching rule: {MATCHING_RULE}")
    w("")
    w(
        f"{'kind':<8} {'planted':>7} {'found':>6} {'recall':>7} {'target':>8}  {'':4} "
        f"{'same kind':>9} {'partly':>6}   by scope (cell/notebook/cross)"
    )
    for kind, row in result["per_kind"].items():
        ok = row["recall"] >= row["target"] - 1e-9
        target = f">={row['target']:.0%}" if row["target"] < 1 else "100%"
        spread = " ".join(row["by_scope"].values())
        w(
            f"{kind:<8} {row['planted']:>7} {row['found']:>6} {row['recall']:>7.1%} {target:>8}  "
            f"{'ok' if ok else 'MISS':4} {row['same_kind']:>9} {row['partly_found']:>6}   {spread}"
        )
    w("  same kind: found plants reported by a class of the planted kind;")
    w("  partly: not found, but one class covers 2 or more of the copies.")
    for kind, row in result["per_kind"].items():
        if row["found_as"]:
            w(
                f"  {kind} found as: "
                + ", ".join(f"{k} {v}" for k, v in sorted(row["found_as"].items()))
            )
    w("")
    per10 = result["false_reports_per_10_traps"]
    ok = per10 <= FALSE_REPORTS_PER_10_TRAPS_TARGET
    cats = ", ".join(f"{k} {v}" for k, v in result["trap_categories"].items())
    w(f"traps: {result['traps']} snippets ({cats})")
    w(
        f"  classes covering a trap: {len(result['trap_classes'])} -> {per10:.2f} false reports "
        f"per 10 traps (target <= {FALSE_REPORTS_PER_10_TRAPS_TARGET:g})  {'ok' if ok else 'MISS'}"
    )
    inside = result["trapped_snippets"]
    w(f"  trap snippets inside some reported class: {inside} of {result['traps']}")
    for cls, traps in result["trap_classes"]:
        cats = ",".join(sorted({t.category for t in traps}))
        w(
            f"  - {cls.kind}, {len(cls.regions)} regions, {cls.statements} statements, "
            f"traps [{cats}]: {_where(cls.regions[0])}: {_snippet(cls.regions[0])}"
        )
    w("")
    explained, unexplained = result["explained"], result["unexplained"]
    w(
        f"reported classes: {n_classes} = {len(explained)} explained by plants + "
        f"{len(result['trap_classes'])} on traps + {len(unexplained)} unexplained"
    )
    for cls, owners in unexplained[:8]:
        w(f"  - {cls.kind}, {len(cls.regions)} regions, {cls.statements} statements:")
        for region, owner in zip(cls.regions[:4], owners[:4], strict=True):
            tag = f"plant {','.join(map(str, sorted(owner)))}" if owner else "no plant"
            w(f"      {_where(region)} ({tag}): {_snippet(region)}")
    if len(unexplained) > 8:
        w(f"  ... and {len(unexplained) - 8} more (see --json)")
    missed = [p for p in result["plants"] if not p.found]
    w("")
    w(f"missed plants: {len(missed)}")
    for p in missed[:25]:
        plant = p.plant
        edits = f" [{'; '.join(plant.edits)}]" if plant.edits else ""
        w(
            f"  - #{plant.id} {plant.kind} {plant.family} ({plant.scope}, {plant.statements} "
            f"statements, best class covers {p.best_covered}/{len(plant.locations)}){edits}"
        )
        w("      " + "  |  ".join(str(loc) for loc in plant.locations))
    if len(missed) > 25:
        w(f"  ... and {len(missed) - 25} more (see --json)")
    return "\n".join(out)


def report_json(
    corpus: Corpus, result: dict[str, Any], seconds: float, n_classes: int, sanity: str
) -> dict[str, Any]:
    def region(r: Region) -> dict[str, Any]:
        return {"path": Path(r.path).name, "cell": r.cell, "line": r.line, "end_line": r.end_line}

    def location(loc: Location) -> dict[str, Any]:
        return {
            "path": loc.path.name,
            "cell": loc.cell,
            "start_line": loc.start_line,
            "end_line": loc.end_line,
        }

    return {
        "notebooks": len(corpus.notebooks),
        "cells": corpus.cells,
        "seed": corpus.seed,
        "commit": engine_commit(),
        "planted": len(corpus.clones),
        "scopes": dict(Counter(p.scope for p in corpus.clones)),
        "seconds": seconds,
        "sanity": sanity,
        "classes": n_classes,
        "matching_rule": MATCHING_RULE,
        "per_kind": result["per_kind"],
        "traps": result["traps"],
        "trap_categories": result["trap_categories"],
        "false_reports": len(result["trap_classes"]),
        "false_reports_per_10_traps": result["false_reports_per_10_traps"],
        "false_reports_target": FALSE_REPORTS_PER_10_TRAPS_TARGET,
        "trapped_snippets": result["trapped_snippets"],
        "trap_classes": [
            {
                "kind": c.kind,
                "categories": sorted({t.category for t in traps}),
                "regions": [region(r) for r in c.regions],
            }
            for c, traps in result["trap_classes"]
        ],
        "explained": len(result["explained"]),
        "unexplained": [
            {
                "kind": c.kind,
                "regions": [region(r) for r in c.regions],
                "plants": [sorted(o) for o in owners],
            }
            for c, owners in result["unexplained"]
        ],
        "missed": [
            {
                "id": p.plant.id,
                "kind": p.plant.kind,
                "family": p.plant.family,
                "scope": p.plant.scope,
                "statements": p.plant.statements,
                "edits": list(p.plant.edits),
                "best_covered": p.best_covered,
                "locations": [location(loc) for loc in p.plant.locations],
            }
            for p in result["plants"]
            if not p.found
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=int, default=40, help="notebooks (default 40)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nbrefactor-dup-quality-") as tmp:
        corpus = build_corpus(Path(tmp), notebooks=args.notebooks, seed=args.seed)
        start = time.perf_counter()
        report = find_duplicates(corpus.notebooks)
        seconds = time.perf_counter() - start
        # the corpus is all valid notebooks and Python: anything else is worth a look
        sanity = (
            f"{len(report.problems)} unreadable files, "
            f"{len(report.unparsed_cells)} unparsed cells, {report.files_checked} files checked"
        )
        result = evaluate(corpus, report.classes)
        n = len(report.classes)
        if args.json:
            print(json.dumps(report_json(corpus, result, seconds, n, sanity), indent=2))
        else:
            print(report_text(corpus, result, seconds, n, sanity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
