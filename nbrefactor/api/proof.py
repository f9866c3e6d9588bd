"""Prove an extraction before it is written: run each notebook before and after (the
package staged in a temporary folder), and turn the calls recorded in that run into
tests, those that pass when replayed. Shared by the ``extract`` and ``verify`` jobs."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from nbrefactor.api.results import ExtractionResult
from nbrefactor.codemods.add_annotations import Annotations
from nbrefactor.emit.changeset import ChangeSet
from nbrefactor.emit.checked_hints import LeftOut, TypeHints, without_blamed
from nbrefactor.emit.formatting import formatted
from nbrefactor.emit.project import Project
from nbrefactor.emit.recorded_tests import RecordedTests, plan_tests, recorded_test_files
from nbrefactor.emit.templating import checked_python
from nbrefactor.emit.type_hints import annotate_module, annotated_functions, observed_types
from nbrefactor.errors import NbrefactorError
from nbrefactor.verification.call_cases import call_cases
from nbrefactor.verification.execute import RunOptions
from nbrefactor.verification.proof import (
    compare_rewrite,
    folder_changes,
    folder_state,
    stage_package,
)
from nbrefactor.verification.recording import Recorder, Recording, RecordSettings
from nbrefactor.verification.replay import failing_tests, pytest_missing
from nbrefactor.verification.type_check import mypy_available, new_errors, type_errors


def verify_extraction(
    result: ExtractionResult, options: RunOptions, record: RecordSettings | None = None
) -> ExtractionResult:
    """``result`` with the verification of every notebook it rewrites and, with
    ``record``, the recorded calls' tests added to its changes. The package is staged
    in a temporary folder; nothing of the user's is written.

    Raises:
        ExecutionFailed: the original does not run, or the refactored one cannot start.
        NbrefactorError: the package cannot be staged, or pytest cannot run.
    """
    with tempfile.TemporaryDirectory(prefix="nbrefactor-verify-") as scratch:
        work = Path(scratch)
        project = result.project
        package_root = stage_package(
            project.import_root,
            project.package,
            ((c.path, c.new) for c in result.changes.changes if isinstance(c.new, str)),
            work / "package",
        )
        recorder = Recorder(work / "calls", record) if record is not None else None
        preamble = recorder.preamble(_moved_functions(result)) if recorder is not None else ""
        # the notebooks may write files of their own: say which, nbrefactor wrote none
        folders = {original.resolve().parent for original, _ in result.notebooks}
        before = {folder: folder_state(folder) for folder in folders}
        verifications = []
        try:
            for index, (plan, (original, _)) in enumerate(
                zip(result.plans, result.notebooks, strict=True)
            ):
                text = result.rewritten(index)
                if plan.empty or text is None:
                    continue
                verifications.append(
                    compare_rewrite(
                        original,
                        text,
                        options,
                        label=f"its extraction into {project.package}",
                        python_path=[package_root],
                        preamble=preamble,
                    )
                )
        except NbrefactorError as error:
            changes = [line for f in sorted(folders) for line in folder_changes(f, before[f])]
            if changes:
                raise RunsChangedFiles(error, changes) from None
            raise
        run_changes = tuple(line for f in sorted(folders) for line in folder_changes(f, before[f]))
        result = replace(result, verifications=tuple(verifications), run_changes=run_changes)
        if recorder is None:
            return result
        recordings = recorder.recordings()
        result, tests, recorded = _recorded_tests(
            recordings,
            result,
            package_root,
            work,
            recorder.settings.data_budget,
            options.steps or _unheard,
        )
    return replace(result, changes=result.changes + tests, recorded=recorded)


class RunsChangedFiles(NbrefactorError):
    """Verification failed (``error``), and running the notebooks left ``changes`` in
    their folders: the user must know those are not nbrefactor's doing."""

    def __init__(self, error: NbrefactorError, changes: Sequence[str]) -> None:
        listed = "\n".join(f"  {line}" for line in changes)
        super().__init__(
            f"{error}; nbrefactor wrote nothing, but running the notebooks changed files "
            f"of yours:\n{listed}",
            exit_code=error.exit_code,
        )
        self.changes = tuple(changes)


def _moved_functions(result: ExtractionResult) -> Mapping[str, Sequence[str]]:
    """The functions the extraction moves, by the dotted name of their module."""
    modules: dict[str, list[str]] = {}
    for plan in result.plans:
        if plan.exported:
            modules.setdefault(plan.module, []).extend(plan.exported)
    if result.common.functions:
        modules[result.common.module] = list(result.common.exported)
    return modules


def _unheard(step: str) -> None:
    """Where the steps of a verification go when nobody is told of them."""


def _recorded_tests(
    recordings: Sequence[Recording],
    result: ExtractionResult,
    package_root: Path,
    work: Path,
    budget: int,
    say: Callable[[str], None],
) -> tuple[ExtractionResult, ChangeSet, RecordedTests]:
    """Tests making the calls of ``recordings``, those that pass, and ``result`` with
    the functions it made annotated with the types the calls saw: each test is run
    first in ``work`` (the project's test setting, beside the staged package
    ``package_root``, annotated), and the ones that fail are left out. ``say`` is told
    of each step."""
    moved = [(m, name) for m, names in _moved_functions(result).items() for name in names]
    if not recordings:
        _, functions = plan_tests([], [], moved)
        return result, ChangeSet(), RecordedTests(functions=tuple(functions))
    if pytest_missing():
        problem = "pytest is not installed, so they could not be checked"
        return result, ChangeSet(), RecordedTests(problem=problem)
    say(f"replaying {_count(len(recordings), 'recorded call')}")
    try:
        cases = call_cases(recordings, work=work / "cases", python_path=[package_root])
    except NbrefactorError as error:
        return result, ChangeSet(), RecordedTests(problem=str(error))
    unannotated = result
    result, hints = _type_hints(result, observed_types(cases), package_root, say)
    project = result.project
    staging = work / "tests"
    conftest = _stage_test_setting(project, result.changes, staging)
    tests_dir = staging / project.tests_dir.relative_to(project.root)
    failed: dict[str, str] = {}  # test name -> the first line of its failure
    for _ in range(3):  # a test left out may let another in, within the data budget
        kept, functions = plan_tests(cases, recordings, moved, budget=budget, leave_out=failed)
        staged = recorded_test_files(
            kept, tests_dir, project_tests=project.tests_dir, conftest=conftest
        )
        for change in staged:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(change.new, bytes):
                change.path.write_bytes(change.new)
            else:
                change.path.write_text(change.new, encoding="utf-8")
        modules = [c.path for c in staged if c.path.suffix == ".py"]
        say(f"running {_count(len(kept), 'recorded test')}")
        still = failing_tests(modules, cwd=staging, python_path=[package_root])
        for change in staged:
            change.path.unlink()
        if not still:
            break
        failed.update(still)
    else:  # the modules as they were: the annotations may be what fails
        problem = f"tests still fail after dropping: {', '.join(sorted(still))}"
        return unannotated, ChangeSet(), RecordedTests(problem=problem)
    changes = recorded_test_files(kept, project.tests_dir, conftest=conftest)
    written = tuple(c.path for c in changes if c.path.suffix == ".py")
    summary = RecordedTests(
        written, len(kept), tuple(sorted(failed)), functions=tuple(functions), hints=hints
    )
    return result, ChangeSet(tuple(changes)), summary


def _type_hints(
    result: ExtractionResult,
    types: Mapping[tuple[str, str], Annotations],
    package_root: Path,
    say: Callable[[str], None],
) -> tuple[ExtractionResult, TypeHints]:
    """``result`` with the functions it made annotated as ``types`` says, in its changes
    and in the staged package under ``package_root``, less the annotations blamed for
    an error that mypy (when installed) did not report without them."""
    top = result.project.package.split(".")[0]
    if mypy_available():
        say("type-checking the package with mypy")
    before = type_errors([top], cwd=package_root)
    annotated, functions = _annotated(result, types, package_root)
    if before is None:
        why = "mypy could not run" if mypy_available() else "mypy is not installed"
        return annotated, TypeHints(functions, unchecked=why)
    left_out: dict[tuple[str, str], LeftOut] = {}  # by module and function: the latest
    unchecked = ""
    for _ in range(_TYPE_CHECKS):
        say("type-checking the recorded annotations with mypy")
        after = type_errors([top], cwd=package_root)
        if after is None:
            unchecked = "mypy could not run, so none were kept"
            break
        new = new_errors(before, after)
        if not new:
            return annotated, TypeHints(functions, left_out=tuple(left_out.values()))
        outside = [
            f
            for f in new
            if f"{f.module}.{f.scope}" not in functions or (f.module, f.scope) not in types
        ]
        if outside:  # not in a function annotated from ``types``: any may cause it, none stays
            first = outside[0]
            left_out[first.module, ""] = LeftOut(first.module, first.message)
            break
        sources = {f.module: _staged_source(package_root, f.module) for f in new}
        types, left_out = without_blamed(types, new, left_out, sources)
        annotated, functions = _annotated(result, types, package_root)
    result, _ = _annotated(result, {}, package_root)
    return result, TypeHints(unchecked=unchecked, left_out=tuple(left_out.values()))


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _staged_source(package_root: Path, module: str) -> str:
    """The text of ``module`` as staged under ``package_root``, or ``""``."""
    path = package_root.joinpath(*module.split(".")).with_suffix(".py")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


#: How many times mypy checks the annotations (the first check without new errors
#: ends): narrowing a function's annotations down twice, then leaving them all out,
#: may each take one.
_TYPE_CHECKS = 5


def _annotated(
    result: ExtractionResult, types: Mapping[tuple[str, str], Annotations], package_root: Path
) -> tuple[ExtractionResult, tuple[str, ...]]:
    """``result`` with the functions it made from notebook code annotated as ``types``
    says, in its changes and in the staged package under ``package_root``, and which
    functions got annotations (``module.name``)."""
    made: dict[str, list[str]] = {}
    for plan in result.plans:
        names = [s.name for s in plan.script_functions] + [
            f.name for f in plan.shared if f.module == plan.module
        ]
        made.setdefault(plan.module, []).extend(names)
    if result.common.functions:
        made.setdefault(result.common.module, []).extend(f.name for f in result.common.functions)
    project = result.project
    paths = {
        project.import_root.joinpath(*module.split(".")).with_suffix(".py"): module
        for module in made
    }
    changes = []
    functions: list[str] = []
    for change in result.changes.changes:
        module = paths.get(change.path)
        if module is not None and isinstance(change.new, str):
            by_name = {f: a for (m, f), a in types.items() if m == module}
            text = annotate_module(change.new, by_name, made[module])
            if text != change.new:
                text = formatted(checked_python(text, module), change.path)
                change = replace(change, new=text)
            functions += (f"{module}.{f}" for f in annotated_functions(text, made[module]))
            staged = package_root / change.path.relative_to(project.import_root)
            staged.write_text(text, encoding="utf-8")
        changes.append(change)
    return replace(result, changes=ChangeSet(tuple(changes))), tuple(functions)


def _stage_test_setting(project: Project, changes: ChangeSet, staging: Path) -> str | None:
    """What pytest reads around a project's tests, as ``changes`` leave it, copied into
    ``staging``: the project's pyproject.toml (its pytest settings) and the tests'
    conftest.py, whose text it returns (None when there is none)."""
    new = {change.path: change.new for change in changes.changes}
    conftest = None
    for path in (project.root / "pyproject.toml", project.tests_dir / "conftest.py"):
        target = staging / path.relative_to(project.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = new.get(path)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        elif path.is_file():
            shutil.copyfile(path, target)
        if target.is_file() and path.name == "conftest.py":
            conftest = target.read_text(encoding="utf-8", errors="replace")
    return conftest
