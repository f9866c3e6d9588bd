"""Replay committed language-model answers over the examples: what nbrefactor takes.

No model is needed: ``benchmarks/llm_answers/<notebook>.json`` holds, for each example,
the answer to the functions request and the answer to the tests request (the shape a
model gives; see docs/reference/llm.md). A chat server on 127.0.0.1 (``tests/openai_server.py``)
serves them to the real ``openai`` client while a copy of each notebook goes through
``nbrefactor extract --llm --llm-tests --verify`` into a new project. To measure a real
model instead, point ``[tool.nbrefactor.llm]`` at it and run extract with ``--llm``;
its answers land in ``.nbrefactor/llm-cache/``, from which such a file can be made.

Printed per notebook: proposed functions taken and rejected (rejections counted by
reason), proposed tests written and dropped (by reason), and whether the rewritten
notebook kept every output; then the totals. The input files are never changed.

Run from the repository root, in an environment with the ``dev`` extra::

    python benchmarks/llm_replay.py
    python benchmarks/llm_replay.py --no-execute    # no kernels: proposals and tests only
    python benchmarks/llm_replay.py --only taxi_tips

Exit code: 0 when every executed notebook kept its outputs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the chat server of the tests

from nbrefactor.api.extract import extract  # noqa: E402
from nbrefactor.errors import NbrefactorError  # noqa: E402
from nbrefactor.verification.execute import RunOptions  # noqa: E402
from tests.openai_server import Answer, chat_server  # noqa: E402

ANSWERS = Path(__file__).resolve().parent / "llm_answers"

#: Reasons, as the planner and the checks word them, in a few words each.
_REASONS = [
    (r"leaves line \d+ of cell \d+ out", "part of a cell"),
    (r"is not in the run of cells", "crosses code that cannot move with it"),
    (r"uses already", "name in use"),
    (r"not consecutive|do not follow each other", "not consecutive"),
    (r"one statement", "a single statement"),
    (r"does not exist", "unknown statement"),
    (r"not a safe builtin|private attribute|lambdas|do not parse", "inputs refused"),
    (r"builtin|keyword|not a Python identifier|proposed twice", "invalid name"),
    (r"could not move", "the rest of the run could not move"),
    (r"not extracted|NBR2", "unsafe to move"),
    (r"^raises ", "raises"),
    (r"no literal form", "returns no literal"),
    (r"something else when run again", "not repeatable"),
    (r"runs longer", "too slow"),
    (r"there is no function", "no such function"),
    (r"pytest says", "fails under pytest"),
]


def reason_of(text: str) -> str:
    for pattern, said in _REASONS:
        if re.search(pattern, text):
            return said
    return text[:50]


@dataclass
class Row:
    notebook: str
    taken: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    tests: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    preserved: bool | None = None
    error: str = ""


def replay(path: Path, answers: dict[str, object], *, execute: bool, timeout: float) -> Row:
    row = Row(path.name)
    served = [Answer(json.dumps(answers["functions"])), Answer(json.dumps(answers["tests"]))]
    with (
        tempfile.TemporaryDirectory(prefix="nbr-llm-") as temporary,
        chat_server(*served) as server,
    ):
        work = Path(temporary)
        (work / "pyproject.toml").write_text(
            f'[tool.nbrefactor.llm]\nmodel = "replay"\nbase-url = "{server.url}"\n'
            'max-retries = 0\ncache = "off"\n'
        )
        folder = work / "notebooks"
        shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns("*.ipynb", "*.py"))
        shutil.copy(path, folder / path.name)
        try:
            result = extract(
                folder / path.name,
                project_dir=work / "project",
                package="extracted",
                verify=RunOptions(timeout=timeout) if execute else None,
                llm=True,
                llm_tests=True,
            )
        except NbrefactorError as error:
            row.error = str(error)
            return row
    for verdict in result.plan.verdicts:
        if verdict.accepted:
            row.taken += 1
        else:
            row.rejected[reason_of(verdict.reason)] += 1
    if result.llm is not None:
        for notebook in result.llm.notebooks:
            for problem in notebook.problems:  # failed the checks before planning
                row.rejected[reason_of(problem)] += 1
    for line in result.proposed_tests:
        found = re.search(r": (\d+) proposed tests? in ", line)
        if found:
            row.tests += int(found.group(1))
        elif "dropped" in line or "not used" in line:
            row.dropped[reason_of(line.split(": ", 2)[-1])] += 1
    if result.verifications:
        row.preserved = all(v.same for v in result.verifications)
    return row


def table(rows: list[Row]) -> str:
    lines = [
        f"{'notebook':<26}{'taken':>6}{'rejected':>9}{'tests':>7}{'dropped':>8}  preserved",
    ]
    for row in rows:
        if row.error:
            lines.append(f"{row.notebook:<26}  error: {row.error}")
            continue
        preserved = {None: "-", True: "yes", False: "NO"}[row.preserved]
        lines.append(
            f"{row.notebook:<26}{row.taken:>6}{sum(row.rejected.values()):>9}"
            f"{row.tests:>7}{sum(row.dropped.values()):>8}  {preserved}"
        )
    taken = sum(r.taken for r in rows)
    rejected = sum((r.rejected for r in rows), Counter())
    tests = sum(r.tests for r in rows)
    dropped = sum((r.dropped for r in rows), Counter())
    proposed = taken + sum(rejected.values())
    lines.append("")
    lines.append(
        f"proposed functions: {proposed}, taken {taken}, rejected {sum(rejected.values())}"
    )
    lines += [f"  rejected, {reason}: {count}" for reason, count in rejected.most_common()]
    lines.append(f"proposed tests written: {tests}, dropped {sum(dropped.values())}")
    lines += [f"  dropped, {reason}: {count}" for reason, count in dropped.most_common()]
    executed = [r for r in rows if r.preserved is not None]
    if executed:
        kept = sum(1 for r in executed if r.preserved)
        lines.append(f"outputs preserved: {kept} of {len(executed)} notebooks")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-execute", action="store_true", help="do not run the notebooks")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per cell")
    parser.add_argument(
        "--answers", type=Path, default=ANSWERS, help="folder of <notebook>.json answers"
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="only this example (repeatable)"
    )
    args = parser.parse_args(argv)
    rows = []
    for answers_file in sorted(args.answers.glob("*.json")):
        if args.only and answers_file.stem not in args.only:
            continue
        examples = (ROOT / "examples").glob(f"{answers_file.stem}.*")
        notebooks = [p for p in examples if p.suffix in (".ipynb", ".py")]
        if not notebooks:
            print(f"{answers_file.name}: no example of that name", file=sys.stderr)
            continue
        answers = json.loads(answers_file.read_text(encoding="utf-8"))
        rows.append(
            replay(notebooks[0], answers, execute=not args.no_execute, timeout=args.timeout)
        )
    print(table(rows))
    return 1 if any(r.preserved is False or r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
