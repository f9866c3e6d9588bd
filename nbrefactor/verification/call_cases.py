"""Recorded calls as test cases a reader can follow: the values between the stages.

Each argument and result is a literal where one reads well, else a pickle for a data
file; the files a call read come along; and a call whose arguments are too large to
show gets a second case, the same function called on their first rows. The work runs
in a fresh process (:mod:`~nbrefactor.verification.describe_calls`), which
:func:`call_cases` starts and reads back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbrefactor.errors import NbrefactorError
from nbrefactor.verification import describe_calls
from nbrefactor.verification.environment import child_environment
from nbrefactor.verification.recording import Recording


@dataclass(frozen=True, slots=True)
class Value:
    """An argument or a result: ``code`` that makes it (with ``imports``), or ``data``,
    a file holding it pickled (``size`` bytes). ``description`` says what it is ("a
    DataFrame of 500 rows and 9 columns") and ``annotation`` its type as code
    (``pandas.DataFrame``), or ``""`` when no annotation would be right."""

    code: str | None = None
    imports: tuple[str, ...] = ()
    data: Path | None = None
    size: int = 0
    description: str = ""
    annotation: str = ""
    too_large: bool = True  # else: a kind no literal makes (a function, a model)


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a call: by position or by ``keyword``; ``name`` is the parameter
    it binds (``None`` for one of ``*args``)."""

    name: str | None
    keyword: bool
    value: Value


@dataclass(frozen=True, slots=True)
class Expected:
    """What the call returned and how a test compares it: ``none`` (returned None),
    ``type`` (objects without a notion of equal values: the same type is all), or one
    of :class:`~nbrefactor.verification.literals.Literal`'s checks."""

    check: str
    value: Value


@dataclass(frozen=True, slots=True)
class Changed:
    """An argument the call changed: its place in the case's ``arguments``, and what it
    holds after the call, compared as ``expected`` says."""

    argument: int
    expected: Expected


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file the call read (``name``, relative to its folder), copied to ``data``."""

    name: str
    data: Path
    size: int


@dataclass(frozen=True, slots=True)
class CallCase:
    """A recorded call as a test case, or why it cannot be one (``problem``). Before the
    call, its test sets the environment variables ``env`` (those the notebook set that
    its module names), makes the ``folders`` it wrote in without making them, and puts
    the ``files`` it read in place. ``rows`` is set for a call on the first rows of a
    recorded call's arguments (``of_rows`` rows). After the call, the test checks the
    arguments the call ``changed`` as well as what it returned."""

    module: str
    function: str
    number: int
    arguments: tuple[Argument, ...] = ()
    expected: Expected | None = None
    files: tuple[InputFile, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    folders: tuple[str, ...] = ()
    rows: int | None = None
    of_rows: int = 0
    printed: str | None = None  # what a call returning None prints, for its test to check
    problem: str = ""
    changed: tuple[Changed, ...] = ()

    @property
    def data_size(self) -> int:
        """Bytes this case puts in data files."""
        values = [a.value for a in self.arguments] + [c.expected.value for c in self.changed]
        if self.expected is not None:
            values.append(self.expected.value)
        return sum(v.size for v in values if v.data) + sum(f.size for f in self.files)


def call_cases(
    recordings: Sequence[Recording],
    *,
    work: Path,
    python_path: Sequence[Path],
    python: str = sys.executable,
    timeout: float = 600,
) -> list[CallCase]:
    """The test cases of the recorded calls among ``recordings`` (their data files in
    ``work``), worked out in a fresh ``python`` that imports the package from
    ``python_path``.

    Raises:
        NbrefactorError: the process failed or took longer than ``timeout`` seconds.
    """
    kept = [r for r in recordings if r.path is not None]
    if not kept:
        return []
    work.mkdir(parents=True, exist_ok=True)
    request = work / "request.json"
    answer = work / "cases.json"
    request.write_text(
        json.dumps({"calls": [str(r.path) for r in kept], "out": str(work)}), encoding="utf-8"
    )
    env = child_environment(python_path, MPLBACKEND="Agg")
    command = [python, "-m", describe_calls.__name__, str(request), str(answer)]
    try:
        completed = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise NbrefactorError(
            f"writing tests from the recorded calls took longer than {timeout:.0f} s"
        ) from None
    if completed.returncode != 0 or not answer.exists():
        raise NbrefactorError(
            "writing tests from the recorded calls failed: "
            + (completed.stderr.strip() or completed.stdout.strip())[-500:]
        )
    return [_case(item) for item in json.loads(answer.read_text(encoding="utf-8"))]


def _case(item: dict[str, Any]) -> CallCase:
    def value(raw: dict[str, Any]) -> Value:
        return Value(
            raw.get("code"),
            tuple(raw.get("imports", ())),
            Path(raw["data"]) if raw.get("data") else None,
            raw.get("size", 0),
            raw.get("description", ""),
            raw.get("annotation", ""),
            raw.get("too_large", True),
        )

    expected = item.get("expected")
    return CallCase(
        item["module"],
        item["function"],
        item["number"],
        tuple(Argument(a["name"], a["keyword"], value(a["value"])) for a in item["arguments"]),
        Expected(expected["check"], value(expected["value"])) if expected else None,
        tuple(InputFile(f["name"], Path(f["data"]), f["size"]) for f in item["files"]),
        tuple((k, v) for k, v in item.get("env", ())),
        tuple(item.get("folders", ())),
        item.get("rows"),
        item.get("of_rows", 0),
        item.get("printed"),
        item.get("problem", ""),
        tuple(
            Changed(c["argument"], Expected(c["expected"]["check"], value(c["expected"]["value"])))
            for c in item.get("changed", ())
        ),
    )
