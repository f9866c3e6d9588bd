"""Start-up cost of nbrefactor's commands: CPU seconds from process start to exit, and
which heavy libraries each command loads.

Every command runs in a fresh interpreter with the source tree under test first on
``sys.path``: this checkout, and with ``--before REV`` the same commands from a git
worktree of REV, interleaved in one run (the machines are shared and noisy), several
repeats each; the table gives medians. Run from the repository root::

    python benchmarks/startup.py --before HEAD~3 --repeat 7

CPU time is user + system time of the child process (``os.wait4``), so another
process busy on the machine changes it less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(scratch: Path) -> list[tuple[str, str, list[str]]]:
    """(label, entry module, arguments), run from the repository root; ``extract``
    plans into a new project in ``scratch`` and writes nothing (``--dry-run``)."""
    new_project = ["--project-dir", str(scratch / "demo"), "--package", "demo"]
    return [
        ("check --help", "nbrefactor.cli", ["check", "--help"]),
        ("check one notebook", "nbrefactor.cli",
         ["check", "examples/cleaning_sales.ipynb", "--no-cache"]),
        ("graph one notebook", "nbrefactor.cli", ["graph", "examples/globals_functions.ipynb"]),
        ("hook, one notebook", "nbrefactor.hooks.duplicates",
         ["--no-cache", "examples/taxi_tips.ipynb"]),
        ("extract --help", "nbrefactor.cli", ["extract", "--help"]),
        ("extract --dry-run one notebook", "nbrefactor.cli",
         ["extract", "examples/weather_eda.ipynb", "--dry-run", *new_project]),
    ]  # fmt: skip


HEAVY = ("libcst", "jinja2", "nbformat", "jsonschema")

_PROBE = """
import json, sys
sys.path.insert(0, {source!r})
from {module} import main
try:
    main({argv!r})
except SystemExit:
    pass
loaded = {{m.split(".")[0] for m in sys.modules}}
print(json.dumps(sorted(loaded.intersection({heavy!r}))), file=sys.stderr)
"""


def run_once(source: Path, module: str, argv: list[str]) -> tuple[float, list[str]]:
    """CPU seconds of one run, and the heavy libraries it loaded."""
    code = _PROBE.format(source=str(source), module=module, argv=argv, heavy=HEAVY)
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err
        )
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped by wait4
        err.seek(0)
        last = err.read().decode().strip().splitlines()[-1]
    return usage.ru_utime + usage.ru_stime, json.loads(last)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a git revision to compare with (a worktree of it)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per command and tree")
    args = parser.parse_args(argv)
    trees = {"now": ROOT}
    with tempfile.TemporaryDirectory(prefix="nbr-startup-") as scratch:
        if args.before:
            before = Path(scratch) / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(before), args.before],
                cwd=ROOT,
                check=True,
            )
            trees = {f"before ({args.before})": before, **trees}
        runs = commands(Path(scratch))
        try:
            times: dict[tuple[str, str], list[float]] = {}
            loaded: dict[tuple[str, str], list[str]] = {}
            for _ in range(args.repeat):
                for label, module, command in runs:
                    for tree, source in trees.items():  # interleaved
                        seconds, heavy = run_once(source, module, command)
                        times.setdefault((label, tree), []).append(seconds)
                        loaded[(label, tree)] = heavy
        finally:
            if args.before:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(Path(scratch) / "before")],
                    cwd=ROOT,
                    check=False,
                )
    print(f"CPU seconds, median of {args.repeat}; python {sys.version.split()[0]}\n")
    print("| command | " + " | ".join(trees) + " | heavy libraries loaded |")
    print("|---|" + "---:|" * len(trees) + "---|")
    for label, _, _ in runs:
        medians = [statistics.median(times[(label, tree)]) for tree in trees]
        heavy = "; ".join(f"{tree}: {', '.join(loaded[(label, tree)]) or 'none'}" for tree in trees)
        print(f"| {label} | " + " | ".join(f"{m:.3f}" for m in medians) + f" | {heavy} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
