"""Soundness on generated notebooks: does a plain ``extract`` ever change what a
notebook shows?

Each notebook is made by ``tests/soundness.py`` from the patterns that make extraction
hard (globals read by functions, ``global`` writers, closures, functions passed as
values, loops, comprehensions, mutation, ``del``, decorators, displayed values). It is
run in this process the way a kernel runs it, extracted into a package, run again, and
compared cell by cell. Run from the repository root::

    python benchmarks/soundness.py --notebooks 2000

It prints how many notebooks ran, how many extractions were planned, how many of those
changed an output (the goal is 0), and why units were kept back; every notebook that
changed is printed with its differences. The exit code is 1 when one did.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.soundness

from tests.soundness import check, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=int, default=2000, help="how many to generate")
    parser.add_argument("--first", type=int, default=0, help="the first seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    changed: list[tuple[int, tuple[str, ...]]] = []
    for seed in range(args.first, args.first + args.notebooks):
        with tempfile.TemporaryDirectory(prefix="nbr-sound-") as folder:
            outcome = check(seed, Path(folder))
        if outcome is None:
            counts["do not run themselves"] += 1
            continue
        counts["ran"] += 1
        reasons.update(outcome.skipped)
        if outcome.error:
            counts["extract refused"] += 1
            changed.append((seed, (outcome.error,)))
        elif outcome.planned:
            counts["extraction planned"] += 1
            if outcome.differences:
                counts["outputs changed"] += 1
                changed.append((seed, outcome.differences))
        else:
            counts["nothing to extract"] += 1
    seconds = time.perf_counter() - started
    last = args.first + args.notebooks - 1
    print(f"{args.notebooks} generated notebooks (seeds {args.first}-{last}) in {seconds:.0f} s")
    for what in (
        "ran",
        "do not run themselves",
        "extraction planned",
        "nothing to extract",
        "extract refused",
        "outputs changed",
    ):
        print(f"  {what}: {counts[what]}")
    print(
        "  units kept back: "
        + (", ".join(f"{code} {n}" for code, n in sorted(reasons.items())) or "none")
    )
    for seed, differences in changed:
        print(f"\nseed {seed}:\n" + "\n# %%\n".join(generate(seed)))
        print("differences:\n" + "\n".join(differences))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
