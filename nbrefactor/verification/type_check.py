"""Check a staged package with mypy, in a fresh process, and say where each error is.

mypy is optional: nbrefactor runs it only when it is installed where nbrefactor runs,
with mypy's default settings, and keeps mypy's cache in the user's cache folder
(:func:`_cache_folder`) so that only the first check pays for reading the libraries'
stubs (about 10 s for pandas').
"""

from __future__ import annotations

import ast
import bisect
import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.verification.environment import child_environment

#: A line of mypy's report: ``path:line: error: message  [code]``.
_ERROR = re.compile(r"^(?P<path>[^:\n]+\.pyi?):(?P<line>\d+): error: (?P<message>.+)$")

#: Seconds one check may take.
TIMEOUT = 300


@dataclass(frozen=True, slots=True)
class TypeFinding:
    """One error mypy reports: in ``module``, inside the top-level function or class
    ``scope`` (``""`` outside any), on ``line``, whose text is ``code``."""

    module: str
    scope: str
    line: int
    message: str
    code: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the error when the lines around it move."""
        return self.module, self.scope, self.message


def mypy_available() -> bool:
    """Whether mypy is installed where nbrefactor runs."""
    return importlib.util.find_spec("mypy") is not None


def type_errors(packages: Sequence[str], *, cwd: Path) -> tuple[TypeFinding, ...] | None:
    """What mypy, with its default settings, reports on ``packages`` (importable from
    ``cwd``), or None when it could not check them (not installed, crashed, too slow)."""
    if not packages or not mypy_available():
        return None
    command = [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"]
    command += ["--no-pretty", "--cache-dir", str(_cache_folder())]
    for package in packages:
        command += ["-p", package]
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=child_environment(MYPY_FORCE_COLOR="0"),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode not in (0, 1):  # 2: mypy could not run
        return None
    files: dict[Path, _File] = {}
    found = []
    for line in completed.stdout.splitlines():
        match = _ERROR.match(line)
        if match is None:
            continue
        path = Path(match["path"])
        if path.is_absolute() and path.is_relative_to(cwd):
            path = path.relative_to(cwd)
        if path not in files:
            files[path] = _File(cwd / path)
        file, number = files[path], int(match["line"])
        module = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        found.append(
            TypeFinding(module, file.around(number), number, match["message"], file.line(number))
        )
    return tuple(found)


def new_errors(before: Sequence[TypeFinding], after: Sequence[TypeFinding]) -> list[TypeFinding]:
    """The errors of ``after`` that ``before`` did not have (by module, definition and
    message, not line: a change elsewhere moves the lines)."""
    known = Counter(finding.key for finding in before)
    new = []
    for finding in after:
        if known[finding.key] > 0:
            known[finding.key] -= 1
        else:
            new.append(finding)
    return new


class _File:
    """A file mypy reports on: its lines, and its top-level functions and classes by
    the lines they span."""

    def __init__(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError):
            text, tree = "", ast.Module(body=[], type_ignores=[])
        self._lines = text.splitlines()
        spans = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                spans.append((first, node.end_lineno or node.lineno, node.name))
        self._spans = sorted(spans)
        self._starts = [first for first, _, _ in self._spans]

    def around(self, line: int) -> str:
        """The name of the definition spanning ``line``, or ``""``."""
        index = bisect.bisect_right(self._starts, line) - 1
        if index >= 0 and line <= self._spans[index][1]:
            return self._spans[index][2]
        return ""

    def line(self, number: int) -> str:
        """The text of line ``number`` (from 1), or ``""``."""
        return self._lines[number - 1].strip() if 0 < number <= len(self._lines) else ""


def _cache_folder() -> Path:
    """mypy's cache for nbrefactor's checks: in ``$NBREFACTOR_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/nbrefactor``, else ``~/.cache/nbrefactor``."""
    explicit = os.environ.get("NBREFACTOR_CACHE_DIR")
    if explicit:
        return Path(explicit) / "mypy"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nbrefactor" / "mypy"
