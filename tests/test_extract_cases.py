"""Golden cases for extraction: a small notebook in, the module and notebook out.

Regenerate with ``python -m tests.golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import EXTRACT_CASES, extract_case

CASES = sorted(p for p in EXTRACT_CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_extract_case(folder: Path, tmp_path: Path) -> None:
    produced = extract_case(folder, tmp_path)
    for name, text in produced.items():
        expected = folder / name
        assert expected.exists(), f"run `python -m tests.golden` to create {expected}"
        assert text == expected.read_text(encoding="utf-8"), f"{folder.name}/{name} changed"
