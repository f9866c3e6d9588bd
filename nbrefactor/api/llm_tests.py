"""``extract --llm-tests``: tests of the extracted functions from inputs a language model
proposes. The model proposes the calls' arguments; nbrefactor checks them
(:mod:`nbrefactor.llm.test_inputs`), runs each call twice against the staged package
(:mod:`nbrefactor.verification.proposed_calls`), writes a test for each call that gave
the same literal value both times, and keeps the tests pytest then passes."""

from __future__ import annotations

import ast
import tempfile
from dataclasses import replace
from pathlib import Path

from nbrefactor.api.results import ExtractionResult
from nbrefactor.emit.changeset import ChangeSet, FileChange
from nbrefactor.emit.proposed_tests import ProposedTest, render_proposed_tests
from nbrefactor.llm.client import LlmClient
from nbrefactor.llm.test_inputs import TestInput, names_bound_by, propose_inputs
from nbrefactor.verification.proof import stage_package
from nbrefactor.verification.proposed_calls import ProposedCall, run_proposed_calls
from nbrefactor.verification.replay import failing_tests


def add_proposed_tests(result: ExtractionResult, client: LlmClient) -> ExtractionResult:
    """``result`` with a test module of proposed calls for each module it writes
    functions into (``tests/test_<module>_proposed.py``, only when there is none), and
    the report of what was kept and dropped in ``proposed_tests``.

    Raises:
        NbrefactorError: the package cannot be staged, or pytest cannot run.
    """
    project = result.project
    written = {c.path: c.new for c in result.changes.changes if isinstance(c.new, str)}
    report: list[str] = []
    added: list[FileChange] = []
    with tempfile.TemporaryDirectory(prefix="nbrefactor-llm-tests-") as scratch:
        work = Path(scratch)
        package_root = stage_package(
            project.import_root, project.package, written.items(), work / "package"
        )
        for plan in result.plans:
            short = plan.module.rpartition(".")[2]
            source = written.get(project.package_dir / f"{short}.py")
            functions = _functions(source or "", plan.exported)
            if not functions:
                continue
            path = project.tests_dir / f"test_{short}_proposed.py"
            if path.exists():
                report.append(f"{path.name} exists: left as it is (delete it to propose again)")
                continue
            imports = _imports(source or "")
            allowed = names_bound_by(imports)
            proposed = propose_inputs(client, functions, allowed, short)
            report += [f"{short}: not used: {problem}" for problem in proposed.problems]
            tests = _proven(plan.module, list(proposed.items), imports, package_root)
            report += [f"{short}: dropped {t}" for t in tests if isinstance(t, str)]
            kept = [t for t in tests if isinstance(t, ProposedTest)]
            text, failing = _passing(plan.module, kept, path, work, package_root)
            report += [
                f"{short}: dropped {name}: fails under pytest: {why}" for name, why in failing
            ]
            if text is not None:
                added.append(FileChange(path, None, text))
                count = text.count("\ndef test_")
                report.append(
                    f"{short}: {count} proposed test{'s' if count != 1 else ''} in {path.name}"
                )
    changes = result.changes + ChangeSet(tuple(added))
    return replace(result, changes=changes, proposed_tests=tuple(report))


def _functions(source: str, names: tuple[str, ...]) -> dict[str, str]:
    """The source of each function of ``names`` defined at the top of ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            segment = ast.get_source_segment(source, node)
            if segment:
                found[node.name] = segment
    return found


def _imports(source: str) -> list[str]:
    """The top-level import statements of ``source``, each as its source."""
    tree = ast.parse(source)
    return [
        ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]


def _proven(
    module: str, inputs: list[TestInput], imports: list[str], package_root: Path
) -> list[ProposedTest | str]:
    """Per input, its test, or why there is none."""
    calls = []
    for proposed in inputs:
        used = {
            n.id for n in ast.walk(ast.parse(f"f({proposed.arguments})")) if isinstance(n, ast.Name)
        }
        needed = tuple(line for line in imports if names_bound_by([line]) & used)
        calls.append(ProposedCall(module, proposed.function, proposed.arguments, needed))
    outcomes = run_proposed_calls(calls, python_path=[package_root])
    return [
        f"{proposed.function} {proposed.name}: {outcome.problem}"
        if outcome.problem is not None
        else ProposedTest(proposed.name, proposed.rationale, outcome)
        for proposed, outcome in zip(inputs, outcomes, strict=True)
    ]


def _passing(
    module: str, tests: list[ProposedTest], path: Path, work: Path, package_root: Path
) -> tuple[str | None, list[tuple[str, str]]]:
    """The test module of those of ``tests`` pytest passes (None: none does), and the
    failing ones with why."""
    if not tests:
        return None, []
    staged = work / "tests" / path.name
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_text(render_proposed_tests(module, tests, path), encoding="utf-8")
    failing = failing_tests([staged], cwd=work, python_path=[package_root])
    passing = [t for t in tests if _test_name(t) not in failing]
    dropped = [(_test_name(t), failing[_test_name(t)]) for t in tests if _test_name(t) in failing]
    if not passing:
        return None, dropped
    return render_proposed_tests(module, passing, path), dropped


def _test_name(test: ProposedTest) -> str:
    return f"test_{test.outcome.call.function}_{test.name}"
