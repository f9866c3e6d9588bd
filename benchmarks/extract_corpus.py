"""How much of each notebook ``extract`` moves, and whether the notebook still does the same.

For every notebook in the given folders (``examples/`` by default; ``.ipynb`` and
jupytext ``py:percent`` files), a copy in a temporary folder of its own goes through
what ``nbrefactor extract --verify`` does:

1. plan the extraction into a new project;
2. run the original top to bottom with nbclient, then the rewritten notebook with the
   package staged on the kernel's ``PYTHONPATH``, recording calls of the moved
   functions (unless ``--no-execute``);
3. compare the outputs cell by cell (``nbrefactor verify``'s comparison);
4. write the files, with the tests made from the recorded calls; then move the project
   and the notebooks' folder elsewhere and run those tests there.

It prints, per notebook: the share of code statements that left the notebook (calls and
the import cell count against it), the units extracted (moved definitions, duplicated
blocks made one function, script functions), the units left in the notebook with their
reason codes, whether verify found the outputs preserved, and how many recorded calls
became passing tests; then the share of moved functions a recorded test exercises,
whether the tests pass in the moved copy and write nothing outside their ``tmp_path``,
the share of the made functions' parameters and returns the recorded run annotated,
what ``ruff check`` finds in the generated projects, how many pass ``mypy`` (when it is
installed), and how many of the functions made
from notebook code have names nobody would write (``make_...``, ``step_3``,
``totals_2``). The input files are never changed.

Run from the repository root, in an environment with the ``dev`` extra (nbclient,
ipykernel and what the notebooks import)::

    python benchmarks/extract_corpus.py
    python benchmarks/extract_corpus.py path/to/notebooks --json
    python benchmarks/extract_corpus.py examples --no-execute     # ratios only, fast

Exit code: 0 when every executed notebook kept its outputs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure import code_statements  # benchmarks/measure.py, next to this script

from nbrefactor.api.extract import extract
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.verification.execute import RunOptions
from nbrefactor.verification.recording import RecordSettings

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    notebook: str
    statements: int = 0
    left: int = 0
    definitions: int = 0
    duplicates: int = 0
    scripts: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    preserved: bool | None = None  # None: not executed
    differences: list[str] = field(default_factory=list)
    recorded: int = 0  # calls recorded in the refactored run
    tests_passed: int = 0  # recorded tests written, all passing
    tests_problem: str = ""
    moved_functions: int = 0  # functions the recorded run could have called
    tested_functions: int = 0  # of those, exercised by at least one recorded test
    pass_when_moved: bool | None = None  # the tests, in a copy of the project elsewhere
    annotations: int = 0  # parameters and returns of the functions made, annotated
    annotatable: int = 0  # parameters and returns of the functions made
    documented: int = 0  # functions made that have a docstring
    ruff_findings: int = 0  # ruff check (its default rules) on the generated project
    mypy_errors: int | None = None  # mypy (its defaults) on the project; None: not run
    written_outside: list[str] = field(default_factory=list)  # by that test run
    error: str = ""
    seconds: float = 0.0
    functions: list[str] = field(default_factory=list)  # script and copied-block functions

    @property
    def ratio(self) -> float:
        return (self.statements - self.left) / self.statements if self.statements else 0.0


def notebooks_in(folders: list[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
            continue
        for path in sorted(folder.rglob("*")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            if path.suffix == ".ipynb" or (path.suffix == ".py" and _is_percent(path)):
                found.append(path)
    return found


def _is_percent(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    return "# %%" in head


def measure(path: Path, *, execute: bool, timeout: float) -> Row:
    """Extract ``path`` (a copy) the way ``extract --verify`` does: run it before and
    after with the package staged, compare, write, then write and run the tests
    recorded from the refactored run."""
    row = Row(_shown(path))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nbr-corpus-") as temporary:
        work = Path(temporary)
        folder = work / "notebooks"
        folder.mkdir()
        rewritten = folder / path.name
        shutil.copy(path, rewritten)
        try:
            project = work / "project"
            result = extract(
                rewritten,
                project_dir=project,
                package="extracted",
                verify=RunOptions(timeout=timeout) if execute else None,
                record=RecordSettings() if execute else None,
            )
            plan = result.plan
            row.definitions = len(plan.definitions)
            row.duplicates = len(plan.shared)
            row.scripts = len(plan.scripts)
            row.skipped = dict(Counter(s.code for s in plan.skipped))
            made = [*plan.scripts, *plan.shared, *result.common.functions]
            row.functions = sorted({function.name for function in made})
            row.statements = code_statements(read_notebook(path))
            if result.verifications:
                differences = [d for v in result.verifications for d in v.differences]
                row.preserved = not differences
                row.differences = [str(d) for d in differences[:3]]
            result.changes.apply()
            row.left = code_statements(read_notebook(rewritten))
            row.annotations, row.annotatable, row.documented = _annotated(
                project, set(row.functions)
            )
            row.ruff_findings = _ruff_findings(project)
            row.mypy_errors = _mypy_errors(project)
            if result.recorded is not None:
                row.recorded = result.recorded.passed + len(result.recorded.dropped)
                row.tests_passed = result.recorded.passed
                row.tests_problem = result.recorded.problem
                row.moved_functions = len(result.recorded.functions)
                row.tested_functions = sum(1 for f in result.recorded.functions if f.tests)
                if result.recorded.modules:
                    row.pass_when_moved, row.written_outside = _tests_elsewhere(work)
        except NbrefactorError as error:
            row.error = str(error)
    row.seconds = time.perf_counter() - started
    return row


def _annotated(project: Path, functions: set[str]) -> tuple[int, int, int]:
    """How many parameters and returns of ``functions`` in the project's modules are
    annotated, how many there are, and how many of the functions have a docstring."""
    annotated = total = documented = 0
    for module in (project / "src").rglob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                total += len(arguments) + 1
                annotated += sum(1 for a in arguments if a.annotation is not None)
                annotated += node.returns is not None
                documented += ast.get_docstring(node) is not None
    return annotated, total, documented


def _ruff_findings(project: Path) -> int:
    """What ``ruff check`` (its default rules, or the project's) finds in the project."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return len(json.loads(done.stdout or "[]"))


def _mypy_errors(project: Path) -> int | None:
    """How many errors mypy (its default settings, or the project's) reports on the
    project's package and tests; None when mypy is not installed."""
    if importlib.util.find_spec("mypy") is None:
        return None
    command = [sys.executable, "-m", "mypy", "--no-error-summary"]
    done = subprocess.run(
        [*command, "--cache-dir", str(MYPY_CACHE), "src", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(1 for line in done.stdout.splitlines() if ": error: " in line)


#: One mypy cache for every project measured: the libraries' stubs are read once.
MYPY_CACHE = Path(tempfile.gettempdir()) / "nbrefactor-benchmark-mypy"


def _tests_elsewhere(work: Path) -> tuple[bool, list[str]]:
    """Whether the project's tests pass once it and the notebooks' folder are moved to
    another folder (nothing left where the notebook ran), and the files that run
    created or changed in the moved folders (the tests must write in ``tmp_path``)."""
    elsewhere = work / "moved" / "here"
    elsewhere.mkdir(parents=True)
    for name in ("project", "notebooks"):
        shutil.move(work / name, elsewhere / name)
    before = _files(elsewhere)
    env = dict(os.environ, PYTHONPATH=str(elsewhere / "project/src"), MPLBACKEND="Agg")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=elsewhere / "project",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    after = _files(elsewhere)
    changed = sorted(str(p) for p in after.keys() | before.keys() if after.get(p) != before.get(p))
    return done.returncode == 0, changed


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def table(rows: list[Row]) -> str:
    lines = [
        "| notebook | statements | moved | defs | duplicates | scripts | left in notebook "
        "(reason: units) | verify: outputs preserved | recorded tests passing |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        if row.error:
            lines.append(f"| {row.notebook} | error: {row.error} |||||||| |")
            continue
        skipped = ", ".join(f"{code}: {n}" for code, n in sorted(row.skipped.items())) or "-"
        preserved = {None: "not run", True: "yes", False: "**no**"}[row.preserved]
        tests = (
            row.tests_problem or f"{row.tests_passed} of {row.recorded} recorded calls"
            if row.preserved is not None
            else "not run"
        )
        lines.append(
            f"| {row.notebook} | {row.statements} | {row.ratio:.0%} | {row.definitions} "
            f"| {row.duplicates} | {row.scripts} | {skipped} | {preserved} | {tests} |"
        )
    measured = [row for row in rows if not row.error]
    if measured:
        total = sum(row.statements for row in measured)
        left = sum(row.left for row in measured)
        lowest = min(measured, key=lambda row: row.ratio)
        lines.append("")
        lines.append(
            f"{len(measured)} notebooks, {total} statements, "
            f"{(total - left) / total if total else 0:.0%} moved overall; "
            f"lowest {lowest.ratio:.0%} ({lowest.notebook})"
        )
        executed = [row for row in measured if row.preserved is not None]
        if executed:
            moved = sum(row.moved_functions for row in executed)
            tested = sum(row.tested_functions for row in executed)
            checked = [row for row in executed if row.pass_when_moved is not None]
            passing = sum(1 for row in checked if row.pass_when_moved)
            outside = [f"{row.notebook}: {p}" for row in checked for p in row.written_outside]
            lines.append(
                f"recorded tests: {tested} of {moved} moved functions "
                f"({tested / moved if moved else 0:.0%}) exercised; the tests pass in a moved "
                f"copy of the project for {passing} of {len(checked)} notebooks; files they "
                f"wrote outside tmp_path: {len(outside)}{': ' if outside else ''}"
                + ", ".join(outside)
            )
        annotatable = sum(row.annotatable for row in executed)
        if annotatable:
            annotations = sum(row.annotations for row in executed)
            lines.append(
                f"type hints: {annotations} of {annotatable} parameters and returns of the "
                f"functions made ({annotations / annotatable:.0%}) annotated"
            )
        findings = sum(row.ruff_findings for row in measured)
        with_findings = [f"{r.notebook}: {r.ruff_findings}" for r in measured if r.ruff_findings]
        lines.append(
            f"ruff check on the generated projects: {findings} findings"
            + (f" ({', '.join(with_findings)})" if with_findings else "")
        )
        typed = [row for row in measured if row.mypy_errors is not None]
        if typed:
            failing = [f"{r.notebook}: {r.mypy_errors}" for r in typed if r.mypy_errors]
            lines.append(
                f"mypy on the generated projects: {len(typed) - len(failing)} of {len(typed)} "
                "pass" + (f" (errors: {', '.join(failing)})" if failing else "")
            )
        names = [name for row in measured for name in row.functions]
        documented = sum(row.documented for row in measured)
        lines.append(f"docstrings: {documented} of {len(names)} functions made from notebook code")
        poor = [name for name in names if POOR_NAME.search(name)]
        lines.append(
            f"{len(names)} functions made from notebook code, {len(poor)} named "
            f"make_..., step... or with a number at the end{': ' if poor else ''}" + ", ".join(poor)
        )
    return "\n".join(lines)


#: The names people would not write: ``make_x``, ``step_3``, ``totals_2``.
POOR_NAME = re.compile(r"^make_|^step(_|$)|_\d+$")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "examples"])
    parser.add_argument("--no-execute", action="store_true", help="ratios and units only")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per cell")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    rows = []
    for path in notebooks_in(args.folders):
        row = measure(path, execute=not args.no_execute, timeout=args.timeout)
        rows.append(row)
        if not args.json:
            status = row.error or f"{row.ratio:.0%} moved in {row.seconds:.1f} s"
            print(f"{row.notebook}: {status}", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(row) | {"ratio": row.ratio} for row in rows], indent=2))
    else:
        print(table(rows))
        for row in rows:
            for difference in row.differences:
                print(f"\n{row.notebook}: {difference}")
    return 1 if any(row.preserved is False or row.error for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
