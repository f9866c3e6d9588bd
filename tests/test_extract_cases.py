"""Golden cases for extraction: a small notebook in, the module and notebook out.

Generated projects too. Regenerate with ``python -m tests.golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import EXTRACT_CASES, PROJECT_CASES, PROJECTS, extract_case, project_case

CASES = sorted(p for p in EXTRACT_CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_extract_case(folder: Path, tmp_path: Path) -> None:
    produced = extract_case(folder, tmp_path)
    for name, text in produced.items():
        expected = folder / name
        assert expected.exists(), f"run `python -m tests.golden` to create {expected}"
        assert text == expected.read_text(encoding="utf-8"), f"{folder.name}/{name} changed"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_project_case(name: str, tmp_path: Path) -> None:
    """The files of a generated project (``init``, and ``extract --as-job``'s with the
    package modules its job uses) are as reviewed."""
    expected = PROJECT_CASES / f"{name}.txt"
    assert expected.exists(), f"run `python -m tests.golden` to create {expected}"
    assert project_case(name, tmp_path) == expected.read_text(), f"project case {name} changed"
