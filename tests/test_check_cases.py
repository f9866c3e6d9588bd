"""Golden cases for ``nbrefactor check``: a few notebooks in, every output format out.

Each folder of ``tests/cases/check/`` holds notebooks, a ``pyproject.toml`` (its settings,
and the root where a baseline is found) and ``runs.json``: for each expected file, the
arguments of ``nbrefactor check`` and the exit code. Regenerate with
``python -m tests.golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.golden import CHECK_CASES, check_case, check_runs

RUNS = [
    (folder, name, run)
    for folder in sorted(p for p in CHECK_CASES.iterdir() if p.is_dir())
    for name, run in check_runs(folder).items()
]


@pytest.mark.parametrize(
    ("folder", "name", "run"), RUNS, ids=[f"{folder.name}/{name}" for folder, name, _ in RUNS]
)
def test_check_case(folder: Path, name: str, run: dict[str, Any]) -> None:
    expected = folder / name
    assert expected.exists(), f"run `python -m tests.golden` to create {expected}"
    code, output = check_case(folder, run["args"])
    assert output == expected.read_text(encoding="utf-8"), f"{folder.name}/{name} changed"
    assert code == run["exit"]


def test_every_format_has_a_case() -> None:
    arguments = [run["args"] for _, _, run in RUNS]
    formats = {args[args.index("--format") + 1] for args in arguments if "--format" in args}
    assert formats == {"json", "github", "sarif"}
    assert any("--statistics" in args for args in arguments)
    assert any("--format" not in args for args in arguments)  # text
