"""The test module of the calls a language model proposed (``extract --llm-tests``):
one test per call that ran, twice, to the same literal value; the expected values are
what the function gave, so the tests characterise the code as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.emit.formatting import formatted
from nbrefactor.emit.imports import import_sections
from nbrefactor.verification.proposed_calls import CallOutcome


@dataclass(frozen=True, slots=True)
class ProposedTest:
    """A call that gave ``outcome``, as the test ``name`` saying ``rationale``."""

    name: str
    rationale: str
    outcome: CallOutcome


def render_proposed_tests(module: str, tests: Sequence[ProposedTest], path: Path) -> str:
    """The test module at ``path`` checking ``tests`` of functions of ``module``."""
    functions = sorted({t.outcome.call.function for t in tests})
    imports = [line for t in tests for line in t.outcome.call.imports]
    if any(t.outcome.printed for t in tests):
        imports.append("import pytest")
    imports.append(f"from {module} import {', '.join(functions)}")
    sections = import_sections(imports, module.split(".")[0])
    lines = [
        f'"""Tests of {module} with inputs a language model proposed',
        "(`nbrefactor extract --llm-tests`).",
        "",
        "nbrefactor ran each call twice before writing it here; the expected values are",
        "what the function returned and printed then: they describe what the code does,",
        "not what it should do. Edit or delete them as you would your own.",
        '"""',
        *(line for section in sections for line in ("", *section)),
    ]
    for test in tests:
        call = test.outcome.call
        expression = f"{call.function}({call.arguments})"
        lines += ["", ""]
        if test.outcome.printed:
            lines.append(
                f"def test_{call.function}_{test.name}(capsys: pytest.CaptureFixture[str]) -> None:"
            )
        else:
            lines.append(f"def test_{call.function}_{test.name}() -> None:")
        if test.rationale:
            lines.append(f'    """{test.rationale}"""')
        if test.outcome.value == "None":
            lines.append(f"    assert {expression} is None")
        else:
            lines.append(f"    assert {expression} == {test.outcome.value}")
        if test.outcome.printed:
            lines.append(f"    assert capsys.readouterr().out == {test.outcome.printed!r}")
    return formatted("\n".join(lines) + "\n", path)
