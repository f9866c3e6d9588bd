"""Does a plain ``extract`` keep the outputs of real notebooks, and how much does it move?

For each notebook of a corpus folder (real notebooks that run offline, a folder per
repository; see benchmarks/README.md for how one was gathered), in a copy of its
repository's folder: run it, run
``nbrefactor extract NB --project-dir P --package extracted`` (no ``--verify``), run the
rewritten notebook with the package importable, and compare every cell's outputs. Each
notebook ends up

* **preserved**: rewritten, and every cell shows the same;
* **reported**: not rewritten, and extract said why (an error, or units kept back with
  their reason codes), or rewritten and the differences are ones extract warned of;
* **broken**: rewritten and some cell shows something else, without a word;
* **unchanged**: nothing to extract and nothing to say (no code it could move).

It also measures the share of the notebook's statements that moved, and runs ``ruff
check`` in each generated project, which should pass the lint it sets up. With ``--before
REV``, the same runs use the nbrefactor of a git worktree of REV too, in the same run,
so the two can be compared on the same machine state (each notebook's original run is
shared). With ``--no-run`` nothing is executed: only the share moved is measured (and
whether extract refused or said why), in minutes instead of hours. Run from the
repository root::

    python benchmarks/extract_real.py /work/realcorpus --before 5863925 --after HEAD \
        --kernel python3 --jobs 2

Figures and the notebooks that broke are printed; ``--json FILE`` keeps every row.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure import moved_ratio  # benchmarks/measure.py, next to this script

from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.verification.compare import compare_runs
from nbrefactor.verification.execute import CellRun, RunOptions, execute_notebook

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    """What one nbrefactor did to one notebook."""

    verdict: str = ""  # preserved, reported, broken, unchanged, not run, or "error: ..."
    moved: float = 0.0  # share of the statements that left the notebook
    reasons: dict[str, int] = field(default_factory=dict)  # NBRxxx codes extract reported
    said: str = ""  # extract's error, when it refused
    differences: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: What ``ruff check`` says of the generated project with the project's own settings
    #: (rule code: count); None when no project was written.
    lint: dict[str, int] | None = None
    #: A hash of what extract wrote (the rewritten notebook, the package's modules):
    #: two trees that wrote the same have the same.
    written: str = ""


@dataclass
class Row:
    notebook: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # per tree
    skipped: str = ""  # why the notebook was not measured (it does not run here)


def notebooks_in(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts and "nbr-work" not in path.parts
    )


def measure(
    notebook: Path,
    corpus: Path,
    trees: dict[str, Path],
    timeout: float,
    kernel: str | None,
    run: bool = True,
) -> Row:
    """Run ``notebook`` once, then extract and rerun it with each tree's nbrefactor
    (only extract it when ``run`` is false)."""
    row = Row(str(notebook.relative_to(corpus)))
    options = RunOptions(timeout=timeout, kernel=kernel, allow_errors=False)
    with tempfile.TemporaryDirectory(prefix="nbr-real-") as scratch:
        # every run in the same folder: some notebooks print where they are
        work = Path(scratch) / "work"
        original = _copy(notebook, corpus, work)
        before = None
        try:
            if run:
                before = execute_notebook(original, options)
        except NbrefactorError as error:
            row.skipped = f"does not run here: {error.message.splitlines()[0][:120]}"
            return row
        for name, tree in trees.items():
            shutil.rmtree(work)
            shutil.rmtree(Path(scratch) / "work-project", ignore_errors=True)
            started = time.perf_counter()
            outcome = _extract_and_compare(notebook, corpus, work, tree, before, options)
            outcome.seconds = time.perf_counter() - started
            row.outcomes[name] = outcome
    return row


def _copy(notebook: Path, corpus: Path, to: Path) -> Path:
    """A copy of the notebook's repository (the corpus's top folder it is in: its data
    files, and the ``../styles`` some notebooks read); the copied notebook."""
    relative = notebook.relative_to(corpus)
    shutil.copytree(
        corpus / relative.parts[0],
        to,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    return to.joinpath(*relative.parts[1:])


def _extract_and_compare(
    notebook: Path,
    corpus: Path,
    work: Path,
    tree: Path,
    before: tuple[CellRun, ...] | None,
    options: RunOptions,
) -> Outcome:
    """Extract ``notebook`` in ``work`` with ``tree``'s nbrefactor, and compare the
    rewritten notebook's run with ``before`` (None: do not run it)."""
    copy = _copy(notebook, corpus, work)
    project = work.parent / f"{work.name}-project"
    env = dict(os.environ, PYTHONPATH=str(tree), MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, "-m", "nbrefactor", "extract", copy.name, "--project-dir",
         str(project), "--package", "extracted"],
        cwd=copy.parent, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    said = done.stderr
    reasons = Counter(word for line in said.splitlines() for word in line.split() if _is_code(word))
    outcome = Outcome(reasons=dict(reasons))
    if done.returncode not in (0, 1):
        errors = [line for line in said.splitlines() if "error" in line]
        outcome.said = (errors or said.splitlines() or ["?"])[-1][:200]
        outcome.verdict = "error: internal" if done.returncode == 123 else "reported"
        return outcome
    rewritten = read_notebook(copy)
    original = read_notebook(notebook)
    if rewritten.cells == original.cells:
        outcome.verdict = "reported" if reasons else "unchanged"
        return outcome
    outcome.moved = moved_ratio(original, rewritten)
    outcome.lint = lint_findings(project)
    outcome.written = written_digest(copy, project)
    if before is None:
        outcome.verdict = "not run"
        return outcome
    src = project / "src"
    try:
        after = execute_notebook(
            copy,
            RunOptions(options.timeout, kernel=options.kernel, allow_errors=True),
            python_path=[src],
        )
    except NbrefactorError as error:
        outcome.verdict = "broken"
        outcome.differences = [f"the rewritten notebook does not run: {error.message[:200]}"]
        return outcome
    differences = compare_runs(before, after)
    warned = {  # cells extract said may show something else (NBR221)
        int(part.removeprefix("cell_"))
        for line in said.splitlines()
        if " NBR221 " in line
        for part in line.split(":")
        if part.startswith("cell_") and part[5:].isdigit()
    }
    if not differences:
        outcome.verdict = "preserved"
    elif all(d.cell in warned for d in differences):
        outcome.verdict = "reported"
    else:
        outcome.verdict = "broken"
    outcome.differences = [str(d)[:400] for d in differences[:3]]
    return outcome


def written_digest(notebook: Path, project: Path) -> str:
    """A hash of the rewritten ``notebook`` and the modules of ``project``'s package."""
    digest = hashlib.sha256(notebook.read_bytes())
    for module in sorted((project / "src").rglob("*.py")):
        digest.update(module.relative_to(project).as_posix().encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def lint_findings(project: Path) -> dict[str, int] | None:
    """How often each rule of ``ruff check`` fails in ``project``, which is checked as
    its own pyproject.toml says (notebooks are excluded there): a project nbrefactor
    made should pass the lint it sets up. None when ruff could not say."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "json", "."],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    try:
        findings = json.loads(done.stdout)
    except ValueError:
        return None
    return dict(Counter(str(finding.get("code") or "syntax") for finding in findings))


def _is_code(word: str) -> bool:
    return len(word) == 6 and word.startswith("NBR") and word[3:].isdigit()


def summary(rows: list[Row], trees: list[str]) -> str:
    measured = [row for row in rows if not row.skipped]
    lines = [
        f"{len(rows)} notebooks, {len(measured)} run here "
        f"({len(rows) - len(measured)} do not: skipped)",
        "",
        "| nbrefactor | preserved | reported | broken | unchanged | internal errors "
        "| rewritten kept | median moved (quartiles) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for tree in trees:
        outcomes = [row.outcomes[tree] for row in measured if tree in row.outcomes]
        verdicts = Counter(o.verdict for o in outcomes)
        rewritten = verdicts["preserved"] + verdicts["broken"]
        moved = sorted(o.moved for o in outcomes)
        quartiles = statistics.quantiles(moved, n=4) if len(moved) > 1 else [0.0, 0.0, 0.0]
        kept = f"{verdicts['preserved'] / rewritten:.0%}" if rewritten else "-"
        lines.append(
            f"| {tree} | {verdicts['preserved']} | {verdicts['reported']} "
            f"| {verdicts['broken']} | {verdicts['unchanged']} | {verdicts['error: internal']} "
            f"| {kept} | {quartiles[1]:.0%} ({quartiles[0]:.0%} / {quartiles[2]:.0%}) |"
        )
    if len(trees) == 2:
        both = [row for row in measured if all(tree in row.outcomes for tree in trees)]
        differ = [row for row in both if len({row.outcomes[tree].written for tree in trees}) > 1]
        lines.append(f"\nextraction differs between the two for {len(differ)} of {len(both)}")
    for tree in trees:
        outcomes = [row.outcomes[tree] for row in measured if tree in row.outcomes]
        reasons: Counter[str] = Counter()
        for outcome in outcomes:
            reasons.update(outcome.reasons)
        top = ", ".join(f"{code} {n}" for code, n in reasons.most_common(8))
        lines.append(f"\nreasons reported by {tree}: {top or 'none'}")
        linted = [o.lint for o in outcomes if o.lint is not None]
        if linted:
            rules: Counter[str] = Counter()
            for found in linted:
                rules.update(found)
            clean = sum(not found for found in linted)
            top = ", ".join(f"{code} {n}" for code, n in rules.most_common(8))
            lines.append(
                f"projects by {tree} that pass their own `ruff check`: {clean} of {len(linted)}"
                + (f" (findings: {top})" if top else "")
            )
        not_run = sum(o.verdict == "not run" for o in outcomes)
        if not_run:
            lines.append(f"rewritten by {tree}, not run (--no-run): {not_run}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of notebooks that run offline")
    parser.add_argument("--before", help="also measure the nbrefactor of this git revision")
    parser.add_argument(
        "--after",
        help="measure this git revision instead of the checkout (which then may change "
        "while a long run goes on)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="notebooks measured at once")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a cell may run")
    parser.add_argument(
        "--kernel",
        help="run every notebook in this Jupyter kernel (default: each notebook's own; "
        "old notebooks name kernels such as 'conda-root-py' that only their author had)",
    )
    parser.add_argument("--limit", type=int, help="measure the first N notebooks only")
    parser.add_argument(
        "--only",
        type=Path,
        help="measure only the notebooks this file lists, one path a line (relative to the "
        "corpus; text after a tab is ignored, so a corpus's MANIFEST.tsv column works)",
    )
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="run no notebook: only extract each one and measure the share moved",
    )
    parser.add_argument("--json", type=Path, help="write every row to this file")
    args = parser.parse_args(argv)
    notebooks = notebooks_in(args.corpus)
    if args.only:
        listed = args.only.read_text(encoding="utf-8").splitlines()
        wanted = {args.corpus / line.split("\t")[0] for line in listed if line.strip()}
        notebooks = [notebook for notebook in notebooks if notebook in wanted]
    notebooks = notebooks[: args.limit]
    with tempfile.TemporaryDirectory(prefix="nbr-real-trees-") as scratch:
        revisions = {"before": args.before, "now": args.after}
        trees = {}
        for name, revision in revisions.items():
            if revision is None:
                if name == "now":
                    trees[name] = ROOT
                continue
            tree = Path(scratch) / name
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(tree), revision],
                cwd=ROOT,
                check=True,
            )
            trees[f"{name} ({revision})"] = tree
        try:
            rows = _measure_all(
                notebooks, args.corpus, trees, args.timeout, args.kernel, args.jobs, not args.no_run
            )
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(
                        ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
                    )
    print(summary(rows, list(trees)))
    for row in rows:
        for tree, outcome in row.outcomes.items():
            if outcome.verdict in ("broken", "error: internal"):
                detail = "\n  ".join(outcome.differences) or outcome.said
                print(f"\n{row.notebook} ({tree}): {outcome.verdict}\n  {detail}")
    if args.json:
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=1))
    return 0


def _measure_all(
    notebooks: list[Path],
    corpus: Path,
    trees: dict[str, Path],
    timeout: float,
    kernel: str | None,
    jobs: int,
    run: bool,
) -> list[Row]:
    rows: dict[Path, Row] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(measure, nb, corpus, trees, timeout, kernel, run): nb for nb in notebooks
        }
        for done, future in enumerate(as_completed(futures), 1):
            notebook = futures[future]
            try:
                row = future.result()
            except Exception as error:  # the harness itself failed on this one
                row = Row(str(notebook.relative_to(corpus)), skipped=f"harness: {error!r}")
            rows[notebook] = row
            verdicts = ", ".join(f"{t}: {o.verdict} {o.moved:.0%}" for t, o in row.outcomes.items())
            print(f"[{done}/{len(notebooks)}] {row.notebook}: {row.skipped or verdicts}",
                  file=sys.stderr, flush=True)  # fmt: skip
    return [rows[nb] for nb in notebooks]


if __name__ == "__main__":
    sys.exit(main())
