"""Golden cases: the expected output of nbrefactor for each example notebook.

The expected files live in ``tests/cases/``. They change only through the explicit
command below, and the diff is reviewed like code::

    python -m tests.golden
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbrefactor import build_graph, read_notebook
from nbrefactor.report.graph import graph_to_dict

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GRAPH_CASES = REPO / "tests" / "cases" / "graph"


def example_notebooks() -> list[Path]:
    return sorted([*EXAMPLES.glob("*.ipynb"), *EXAMPLES.glob("*.py")])


def graph_case(notebook: Path) -> dict[str, Any]:
    """The graph JSON of ``notebook``, with its path relative to the repository."""
    result = graph_to_dict(build_graph(read_notebook(notebook)))
    result["notebook"] = notebook.relative_to(REPO).as_posix()
    return result


def expected_path(notebook: Path) -> Path:
    return GRAPH_CASES / f"{notebook.name}.json"


def regenerate() -> None:
    GRAPH_CASES.mkdir(parents=True, exist_ok=True)
    for notebook in example_notebooks():
        text = json.dumps(graph_case(notebook), indent=2, ensure_ascii=False) + "\n"
        expected_path(notebook).write_text(text, encoding="utf-8")
        print(f"wrote {expected_path(notebook).relative_to(REPO)}")


if __name__ == "__main__":
    regenerate()
