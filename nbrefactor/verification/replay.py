"""Run test files with pytest, in a fresh process, and tell which tests fail."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from pathlib import Path

from nbrefactor.errors import NbrefactorError
from nbrefactor.verification.environment import child_environment


def pytest_missing(python: str = sys.executable) -> bool:
    """Whether ``python`` lacks pytest (known only for the running interpreter)."""
    return python == sys.executable and importlib.util.find_spec("pytest") is None


def failing_tests(
    paths: Sequence[Path],
    *,
    cwd: Path,
    python_path: Sequence[Path] = (),
    python: str = sys.executable,
) -> dict[str, str]:
    """The tests in ``paths`` that do not pass (parametrised ones by the function's
    name), each with the first line of its failure, run with ``python -m pytest`` from
    ``cwd`` with ``python_path`` first on ``PYTHONPATH``; pytest finds its configuration
    above ``paths``, as usual.

    Raises:
        NbrefactorError: pytest could not run them at all.
    """
    if not paths:
        return {}
    env = child_environment(python_path, MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory(prefix="nbrefactor-pytest-") as folder:
        report = Path(folder) / "report.xml"
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        completed = subprocess.run(
            [*command, *(str(p.resolve()) for p in paths)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            raise NbrefactorError(
                "pytest could not run the recorded tests: "
                + (completed.stderr.strip() or completed.stdout.strip())[-500:]
            )
        tree = ElementTree.parse(report)
    failures = {}
    for case in tree.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            message = (problem.get("message") or "").strip().splitlines()
            failures[case.get("name", "").split("[")[0]] = message[0][:200] if message else ""
    return failures
