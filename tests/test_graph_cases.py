"""Golden cases: the cell graph of every example notebook matches its reviewed JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden import example_notebooks, expected_path, graph_case


@pytest.mark.parametrize("notebook", example_notebooks(), ids=lambda p: p.name)
def test_graph_matches_golden_case(notebook: Path) -> None:
    expected = expected_path(notebook)
    assert expected.exists(), f"no golden case for {notebook.name}: run python -m tests.golden"
    assert graph_case(notebook) == json.loads(expected.read_text(encoding="utf-8")), (
        "graph changed; if intended, run `python -m tests.golden` and review the diff"
    )


def test_every_example_has_a_golden_case_and_no_golden_case_is_stale() -> None:
    from tests.golden import GRAPH_CASES

    assert len(example_notebooks()) >= 6
    expected = {expected_path(notebook).name for notebook in example_notebooks()}
    assert {path.name for path in GRAPH_CASES.glob("*.json")} == expected
