"""Turn recorded calls into pytest tests in the project, and check that they pass.

For each module, ``tests/test_<module>_recorded.py`` calls each function with the
arguments of a recorded call (kept in ``tests/recorded/<module>/``) and compares the
result with the recorded one; a call that returned None only has to run. The tests are
run right away: a test that fails (the function depends on more than its arguments:
global random state, the clock, a file changed since) is dropped with its fixture, so
every test written passes.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbrefactor.emit.project import Project
from nbrefactor.emit.render import checked_python, docstring, extend_tests, render
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import write_text_atomic
from nbrefactor.verification.recording import Recording


@dataclass(frozen=True, slots=True)
class RecordedTests:
    """What was written: test modules, how many tests pass, and the tests dropped."""

    modules: tuple[Path, ...] = ()
    passed: int = 0
    dropped: tuple[str, ...] = ()
    problem: str = ""  # why no test could be written or run

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


@dataclass(slots=True)
class _Module:
    module: str
    path: Path
    fixtures: Path
    tests: list[dict[str, object]] = field(default_factory=list)
    data: dict[str, bytes] = field(default_factory=dict)  # fixture name -> content


def write_recorded_tests(
    recordings: Sequence[Recording], project: Project, *, python: str = sys.executable
) -> RecordedTests:
    """Write tests replaying ``recordings`` into ``project``, run them with ``python``
    (``-m pytest``), and keep the ones that pass."""
    if not recordings:
        return RecordedTests()
    if python == sys.executable and importlib.util.find_spec("pytest") is None:
        return RecordedTests(problem="pytest is not installed, so they could not be checked")
    modules = _plan(recordings, project)
    written: list[Path] = []
    try:
        for module in modules.values():
            _write(module, module.tests)
            written.append(module.path)
        failed = _failing(project, written, python)
        for module in modules.values():
            kept = [t for t in module.tests if f"test_{t['name']}" not in failed]
            if len(kept) != len(module.tests):
                _write(module, kept, drop=[t for t in module.tests if t not in kept])
        remaining = [m.path for m in modules.values() if m.path.exists()]
        still = _failing(project, remaining, python) if len(failed) else set()
    except OSError as error:
        raise NbrefactorError(
            f"cannot write the recorded tests: {error.strerror or error}", path=error.filename
        ) from None
    if still:
        return RecordedTests(problem=f"tests still fail after dropping: {', '.join(sorted(still))}")
    total = sum(len(m.tests) for m in modules.values())
    return RecordedTests(tuple(remaining), total - len(failed), tuple(sorted(failed)))


def _plan(recordings: Sequence[Recording], project: Project) -> dict[str, _Module]:
    modules: dict[str, _Module] = {}
    for recording in recordings:
        name = recording.module.rpartition(".")[2]
        module = modules.get(recording.module)
        if module is None:
            path = project.tests_dir / f"test_{name}_recorded.py"
            fixtures = project.tests_dir / "recorded" / name
            module = modules[recording.module] = _Module(recording.module, path, fixtures)
        fixture = f"{recording.function}-{recording.number}.pickle"
        folder = os.path.relpath(recording.folder.resolve(), project.tests_dir.resolve())
        module.tests.append(
            {
                "name": f"{recording.function}_call_{recording.number}",
                "function": recording.function,
                "fixture": fixture,
                "none": recording.returned_none,
                "folder": Path(folder).as_posix(),
            }
        )
        module.data[fixture] = recording.data
    return modules


def _write(
    module: _Module, tests: list[dict[str, object]], drop: Sequence[dict[str, object]] = ()
) -> None:
    package_module, _, name = module.module.rpartition(".")
    text = render(
        "test_recorded.py.jinja",
        docstring=docstring(
            f"Calls of {module.module} recorded from a run of the notebook by nbrefactor: "
            "each test replays one and expects the same result."
        ),
        package_module=package_module,
        module_name=name,
        tests=tests,
    )
    checked_python(text, str(module.path))
    old = module.path.read_text(encoding="utf-8") if module.path.exists() else None
    if old is not None and not drop:
        text = extend_tests(old, text)
    module.fixtures.mkdir(parents=True, exist_ok=True)
    for test in tests:
        fixture = module.fixtures / str(test["fixture"])
        if not fixture.exists():
            fixture.write_bytes(module.data[str(test["fixture"])])
    for test in drop:
        (module.fixtures / str(test["fixture"])).unlink(missing_ok=True)
    if tests or old is not None:
        write_text_atomic(module.path, text)
    else:
        module.path.unlink(missing_ok=True)


def _failing(project: Project, paths: Sequence[Path], python: str) -> set[str]:
    """The names of the tests in ``paths`` that do not pass."""
    if not paths:
        return set()
    root = str(project.import_root.resolve())
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        completed = subprocess.run(
            [*command, *(str(p.resolve()) for p in paths)],
            cwd=project.root,
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
    return {
        case.get("name", "").split("[")[0]
        for case in tree.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    }
