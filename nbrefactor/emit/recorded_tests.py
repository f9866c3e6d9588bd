"""Tests that replay calls recorded while the refactored notebook ran.

For each module, ``tests/test_<module>_recorded.py`` calls each function with the
arguments of a recorded call (kept in ``tests/recorded/<module>/``) and compares the
result with the recorded one; a call that returned None only has to run. The files are
rendered as :class:`FileChange` values, for the extraction's change set: the job runs
them first (from a staging folder) and leaves out the tests that fail.
"""

from __future__ import annotations

import os
from collections.abc import Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.emit.changeset import FileChange, current_content
from nbrefactor.emit.render import checked_python, docstring, extend_tests, render
from nbrefactor.verification.recording import Recording


@dataclass(frozen=True, slots=True)
class RecordedTests:
    """What the recorded calls became: test modules, how many tests pass, the tests
    left out because they fail when replayed, or why no test could be written."""

    modules: tuple[Path, ...] = ()
    passed: int = 0
    dropped: tuple[str, ...] = ()
    problem: str = ""

    def summary(self) -> str:
        if self.problem:
            return f"recorded tests: none written: {self.problem}"
        if not self.modules:
            return "recorded tests: no call could be recorded (arguments or results not picklable)"
        files = ", ".join(str(m) for m in self.modules)
        dropped = len(self.dropped)
        note = (
            f"; {dropped} dropped, they fail when replayed: {', '.join(self.dropped)}"
            if dropped
            else ""
        )
        return f"recorded tests: {self.passed} passed in {files}{note}"


def test_name(recording: Recording) -> str:
    """The name of the test that replays ``recording``."""
    return f"test_{recording.function}_call_{recording.number}"


def recorded_test_files(
    recordings: Sequence[Recording], tests_dir: Path, *, leave_out: Set[str] = frozenset()
) -> list[FileChange]:
    """The test modules and fixtures replaying ``recordings`` (less the tests named in
    ``leave_out``) in ``tests_dir``. A test module that exists already gets the tests
    it lacks; a fixture that exists already is kept as it is."""
    by_module: dict[str, list[Recording]] = {}
    for recording in recordings:
        if test_name(recording) not in leave_out:
            by_module.setdefault(recording.module, []).append(recording)
    changes: list[FileChange] = []
    for module in dict.fromkeys(r.module for r in recordings):
        kept = by_module.get(module, [])
        name = module.rpartition(".")[2]
        if not kept:
            continue
        path = tests_dir / f"test_{name}_recorded.py"
        old = current_content(path)
        text = _test_module(module, kept, tests_dir, path)
        if old is not None:
            text = extend_tests(old, text)
        changes.append(FileChange(path, old, text))
        fixtures = tests_dir / "recorded" / name
        for recording in kept:
            fixture = fixtures / _fixture(recording)
            if not fixture.exists():
                changes.append(FileChange(fixture, None, recording.data))
    return changes


def _fixture(recording: Recording) -> str:
    return f"{recording.function}-{recording.number}.pickle"


def _test_module(module: str, recordings: Sequence[Recording], tests_dir: Path, path: Path) -> str:
    package_module, _, name = module.rpartition(".")
    tests = [
        {
            "name": test_name(r).removeprefix("test_"),
            "function": r.function,
            "fixture": _fixture(r),
            "none": r.returned_none,
            # where the notebook ran, from the tests' folder: the call may read files
            "folder": Path(os.path.relpath(r.folder.resolve(), tests_dir.resolve())).as_posix(),
        }
        for r in recordings
    ]
    text = render(
        "test_recorded.py.jinja",
        docstring=docstring(
            f"Calls of {module} recorded from a run of the notebook by nbrefactor: "
            "each test replays one and expects the same result."
        ),
        package_module=package_module,
        module_name=name,
        tests=tests,
    )
    return checked_python(text, str(path))
