"""Run calls of extracted functions with proposed inputs, to learn what they give.

Each call runs in a fresh Python process, in an empty temporary folder (a function that
reads or writes files finds none of the user's), with a time limit, twice: a call
whose two runs differ, that raises, runs too long, or returns a value with no literal
form (``repr`` that ``ast.literal_eval`` reads back as equal) gives no test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.verification.environment import child_environment

#: The runner: the call's output goes to a buffer; the last line printed is the report.
_RUNNER = """\
import ast, contextlib, io, json
{imports}
from {module} import {function}

printed = io.StringIO()
try:
    with contextlib.redirect_stdout(printed):
        result = {function}({arguments})
except BaseException as error:
    report = {{"raised": f"{{type(error).__name__}}: {{str(error)[:200]}}"}}
else:
    text = repr(result)
    try:
        literal = bool(ast.literal_eval(text) == result)
    except Exception:
        literal = False
    report = {{
        "value": text if literal else None,
        "type": type(result).__name__,
        "printed": printed.getvalue(),
    }}
print(json.dumps(report))
"""


@dataclass(frozen=True, slots=True)
class ProposedCall:
    """``module.function(arguments)`` (arguments as code), with the import statements
    the arguments need."""

    module: str
    function: str
    arguments: str
    imports: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """What ``call`` gave: its value's literal and what it printed, or the ``problem``
    that keeps it from becoming a test."""

    call: ProposedCall
    value: str = ""
    printed: str = ""
    problem: str | None = None


def run_proposed_calls(
    calls: Sequence[ProposedCall], *, python_path: Sequence[Path], timeout: float = 20.0
) -> list[CallOutcome]:
    """The outcome of each of ``calls``, run twice with ``python_path`` first on
    ``PYTHONPATH``."""
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="nbrefactor-proposed-") as scratch:
        for number, call in enumerate(calls):
            script = Path(scratch) / f"call_{number}.py"
            script.write_text(_script(call), encoding="utf-8")
            folder = Path(scratch) / f"run_{number}"
            folder.mkdir()
            first = _run(script, folder, python_path, timeout)
            second = _run(script, folder, python_path, timeout) if "problem" not in first else first
            outcomes.append(_outcome(call, first, second))
    return outcomes


def _script(call: ProposedCall) -> str:
    return _RUNNER.format(
        imports="\n".join(call.imports),
        module=call.module,
        function=call.function,
        arguments=textwrap.indent(call.arguments, "    ").strip(),
    )


def _run(script: Path, cwd: Path, python_path: Sequence[Path], timeout: float) -> dict[str, str]:
    try:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=cwd,
            env=child_environment(python_path, MPLBACKEND="Agg"),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"problem": f"runs longer than {timeout:g} s"}
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        error = done.stderr.strip().splitlines()
        return {"problem": f"does not run: {error[-1] if error else 'no report'}"}
    return report


def _outcome(call: ProposedCall, first: dict[str, str], second: dict[str, str]) -> CallOutcome:
    if "problem" in first:
        return CallOutcome(call, problem=first["problem"])
    if "raised" in first:
        return CallOutcome(call, problem=f"raises {first['raised']}")
    if first != second:
        return CallOutcome(call, problem="gives something else when run again")
    if first.get("value") is None:
        return CallOutcome(call, problem=f"returns a {first['type']}, which has no literal form")
    return CallOutcome(call, value=first["value"], printed=first.get("printed", ""))
