"""Tests written from calls recorded while the refactored notebook ran.

For each module, ``tests/test_<module>_recorded.py`` calls each function as the
notebook did and compares the result with what it returned then. Values are written in
the test where they read well (numbers, strings, containers, small arrays and frames);
larger ones, and the files a call read, go under ``tests/data/<module>/`` within a size
budget, with a comment saying what they are. Every test runs in its own empty folder
(``tmp_path``), the files it reads copied there, so it passes wherever the project is
and never writes into the user's folders. The files are rendered as
:class:`FileChange` values for the extraction's change set.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from nbrefactor import pysource
from nbrefactor.emit.changeset import FileChange, current_content
from nbrefactor.emit.checked_hints import TypeHints
from nbrefactor.emit.formatting import formatted
from nbrefactor.emit.recorded_test_code import (
    StoredData,
    digest,
    labelled_values,
    name_of_test,
    render_test_module,
)
from nbrefactor.verification.call_cases import CallCase
from nbrefactor.verification.recording import DATA_BUDGET, Recording


@dataclass(frozen=True, slots=True)
class FunctionTests:
    """How well the recorded run tests one moved function: ``tests`` written, or
    ``reason`` there are none."""

    module: str
    function: str
    tests: int = 0
    reason: str = ""

    def describe(self) -> str:
        if self.tests:
            return f"{self.function}: tested by {self.tests} recorded call" + (
                "s" if self.tests > 1 else ""
            )
        return f"{self.function}: not tested: {self.reason}"


@dataclass(frozen=True, slots=True)
class RecordedTests:
    """What the recorded calls became: test modules, how many tests pass, the tests
    left out because they fail when replayed, per function how it is tested, or why no
    test could be written."""

    modules: tuple[Path, ...] = ()
    passed: int = 0
    dropped: tuple[str, ...] = ()
    problem: str = ""
    functions: tuple[FunctionTests, ...] = ()
    hints: TypeHints | None = None

    def summary(self) -> str:
        if self.problem:
            return f"recorded tests: none written: {self.problem}"
        lines = [f"  {f.describe()}" for f in self.functions]
        if not self.modules:
            head = "recorded tests: none written"
        else:
            files = ", ".join(str(m) for m in self.modules)
            head = f"recorded tests: {self.passed} passed in {files}"
            if self.dropped:
                head += f"; {len(self.dropped)} dropped, they fail when replayed: "
                head += ", ".join(self.dropped)
        if self.hints is not None:
            lines.append(self.hints.summary())
        return "\n".join([head, *lines])


def plan_tests(
    cases: Sequence[CallCase],
    recordings: Sequence[Recording],
    moved: Sequence[tuple[str, str]],
    *,
    budget: int = DATA_BUDGET,
    leave_out: Mapping[str, str] = MappingProxyType({}),
) -> tuple[list[CallCase], list[FunctionTests]]:
    """The cases that become tests (within ``budget`` bytes of data, less the tests
    in ``leave_out``: name -> why it failed) and, for each moved function (module,
    name), how it is tested or why not."""
    reasons: dict[tuple[str, str], str] = {}
    seen: set[tuple[str, str]] = set()  # the data files kept: (name, content hash)
    used = 0
    for recording in recordings:
        if recording.skipped:
            reasons.setdefault((recording.module, recording.function), recording.skipped)
    # cases without data files first, then those with, functions not yet tested first
    free = [c for c in cases if not _data_of(c)]
    costly = [c for c in cases if _data_of(c)]
    tested = {(c.module, c.function) for c in free if not c.problem}
    costly.sort(key=lambda c: (c.module, c.function) in tested)
    chosen: set[int] = set()
    made: set[tuple[object, ...]] = set()  # what the cases kept do, to leave out twins
    for case in free + costly:
        key = (case.module, case.function)
        if _what_it_does(case) in made:  # the same call again: its test would be a twin
            continue
        if case.problem:
            reasons.setdefault(key, case.problem)
            continue
        if name_of_test(case) in leave_out:
            failure = leave_out[name_of_test(case)]
            reasons.setdefault(
                key, "its recorded call fails when replayed" + (f": {failure}" if failure else "")
            )
            continue
        new_files = {(n, digest(path)): path.stat().st_size for n, path in _data_of(case)}
        size = sum(s for k, s in new_files.items() if k not in seen)
        if used + size > budget:
            reasons.setdefault(
                key,
                f"its test needs {_kilobytes(size)} of data files; --test-data-budget "
                f"({_kilobytes(budget)} a project) has {_kilobytes(budget - used)} left",
            )
            continue
        used += size
        seen.update(new_files)
        chosen.add(id(case))
        made.add(_what_it_does(case))
    kept = [c for c in cases if id(c) in chosen]
    counts = Counter((c.module, c.function) for c in kept)
    functions = [
        FunctionTests(
            module,
            name,
            counts[(module, name)],
            reasons.get((module, name), "the notebook did not call it when it ran"),
        )
        for module, name in moved
    ]
    return kept, functions


def recorded_test_files(
    cases: Sequence[CallCase],
    tests_dir: Path,
    *,
    project_tests: Path | None = None,
    conftest: str | None = None,
) -> list[FileChange]:
    """The test modules and data files making the calls of ``cases`` in ``tests_dir``.
    A test module that exists already gets the tests it lacks; a data file that exists
    already is kept as it is, and one of other content goes elsewhere. Data files are
    placed as they would be in ``project_tests`` (``tests_dir`` by default): staged
    tests read their data where the project's will. A module brings its own fixture
    running each test in an empty folder unless ``conftest`` (the text of the tests'
    conftest.py) has one for every test already."""
    own_folder = not (conftest is not None and runs_tests_in_empty_folders(conftest))
    changes: list[FileChange] = []
    for module in dict.fromkeys(c.module for c in cases):
        name = module.rpartition(".")[2]
        path = tests_dir / f"test_{name}_recorded.py"
        data = tests_dir / "data" / name
        mine = [c for c in cases if c.module == module]
        stored = _store(mine, (project_tests or tests_dir) / "data" / name)
        rendered = render_test_module(module, mine, stored, path, folder_fixture=own_folder)
        text = formatted(rendered, path)
        old = current_content(path)
        if old is not None:
            text = _extended(old, text)
        changes.append(FileChange(path, old, text))
        for target, content in _data_files(mine, stored):
            if not (data / target).exists():
                changes.append(FileChange(data / target, None, content))
    return changes


def runs_tests_in_empty_folders(conftest: str) -> bool:
    """Whether the conftest.py ``conftest`` has an autouse fixture that moves every
    test into its own folder (``monkeypatch.chdir(tmp_path)``), as the one of the
    projects nbrefactor makes does."""
    try:
        tree = ast.parse(conftest)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.FunctionDef)
        and any(_autouse(decorator) for decorator in node.decorator_list)
        and "tmp_path" in {argument.arg for argument in node.args.args}
        and any(
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "chdir"
            and [ast.unparse(a) for a in call.args] == ["tmp_path"]
            for call in ast.walk(node)
        )
        for node in tree.body
    )


def _autouse(decorator: ast.expr) -> bool:
    """``@pytest.fixture(autouse=True)`` (or ``@fixture(autouse=True)``)."""
    return (
        isinstance(decorator, ast.Call)
        and pysource.called_name(decorator) == "fixture"
        and any(
            k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in decorator.keywords
        )
    )


def _what_it_does(case: CallCase) -> tuple[object, ...]:
    """What makes two cases the same test: the function, its arguments, what it read
    and what it returned."""
    values = [a.value for a in case.arguments] + [c.expected.value for c in case.changed]
    if case.expected is not None:
        values.append(case.expected.value)
    return (
        case.module,
        case.function,
        case.rows,
        case.env,
        case.folders,
        tuple((a.name, a.keyword) for a in case.arguments),
        tuple(v.code if v.data is None else digest(v.data) for v in values),
        tuple((f.name, digest(f.data)) for f in case.files),
        case.expected.check if case.expected else "",
    )


def _extended(old: str, new: str) -> str:
    """The test module ``old`` with what ``new`` has and it lacks: imports and constants
    after its own imports, functions (tests and helpers) at the end. As it is when it
    does not parse or does not import the tested module as ``new`` does (not a file
    nbrefactor wrote)."""
    try:
        have = pysource.parse(old)
    except SyntaxError:
        return old
    tree = pysource.parse(new)
    lines = pysource.code_lines(new)

    def text(node: ast.stmt) -> str:
        return "\n".join(lines[node.lineno - 1 : node.end_lineno])

    imports = (ast.Import, ast.ImportFrom)
    head_kinds = (*imports, ast.Assign, ast.AnnAssign)
    old_heads = {ast.unparse(n) for n in have.body if isinstance(n, head_kinds)}
    tested = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level == 0][-1:]
    if any(ast.unparse(n) not in old_heads for n in tested):
        return old
    defined = {n.name for n in have.body if isinstance(n, ast.FunctionDef)}
    heads = [
        text(n) for n in tree.body if isinstance(n, head_kinds) and ast.unparse(n) not in old_heads
    ]
    functions = [
        text(n) for n in tree.body if isinstance(n, ast.FunctionDef) and n.name not in defined
    ]
    if not heads and not functions:
        return old
    old_lines = pysource.code_lines(old.rstrip("\n"))
    last_import = max((n.end_lineno or 0 for n in have.body if isinstance(n, imports)), default=0)
    old_lines[last_import:last_import] = heads
    return "\n".join(old_lines) + "".join(f"\n\n\n{f}" for f in functions) + "\n"


def _kilobytes(size: int) -> str:
    return f"{size / 1000:,.0f} kB" if size >= 1000 else f"{size} bytes"


def _store(cases: Sequence[CallCase], folder: Path) -> StoredData:
    """Where each data file of ``cases`` goes under ``folder``: its name, else the
    folder of its test, else a folder named by its content, whichever first is free (a
    file there from an earlier run with the same content is free)."""
    places: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for case in cases:
        for name, path in _data_of(case):
            key = (name, digest(path))
            if key in places:
                continue
            for place in (name, f"{name_of_test(case)}/{name}", f"{key[1][:12]}/{name}"):
                existing = folder / place
                if place not in taken and (not existing.exists() or digest(existing) == key[1]):
                    break
            places[key] = place
            taken.add(place)
    return StoredData(places)


def _data_of(case: CallCase) -> list[tuple[str, Path]]:
    """The data files ``case`` needs: (name, where its content is now)."""
    found = [(f.name, f.data) for f in case.files]
    for label, value in labelled_values(case):
        if value.data is not None:
            found.append((f"{label}.pickle", value.data))
    return found


def _data_files(cases: Sequence[CallCase], stored: StoredData) -> Iterable[tuple[str, bytes]]:
    written: set[str] = set()
    for case in cases:
        for name, path in _data_of(case):
            place = stored.places[(name, digest(path))]
            if place not in written:
                written.add(place)
                yield place, path.read_bytes()
