"""``nbrefactor check`` of one notebook, as the JupyterLab panel lists it.

Each finding names its cell by id as well as by index (``cell``, from 0: the panel
shows the number people read, index + 1), so the panel can jump to the cell even after
cells were added above it; a duplicated block lists its other copies the same way.
Messages name cells by number, as everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbrefactor.api.check import check_paths
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.report.clones import summary


def check_notebook(notebook: Path) -> list[dict[str, Any]]:
    """The findings of ``nbrefactor check NOTEBOOK`` (with the settings of its project),
    by cell and line; a duplicated block is reported where each of its copies is, its
    other copies listed in ``also`` (not in the message, as the command line does).

    Raises:
        NbrefactorError: the notebook or the project's settings cannot be read, or the
            settings exclude the notebook.
    """
    cell_ids = [cell.id for cell in read_notebook(notebook).cells]
    result = check_paths([notebook], cache=False)
    if result.problems:  # the notebook read above, but not as check reads it
        raise NbrefactorError(result.problems[0].message, path=notebook)

    def place(cell: int | None, line: int) -> dict[str, Any]:
        cell_id = cell_ids[cell] if cell is not None and 0 <= cell < len(cell_ids) else None
        return {"cell": cell, "cell_id": cell_id, "line": line}

    findings: list[dict[str, Any]] = [
        {
            **place(region.cell, region.line),
            "end_line": region.end_line,
            "code": "NBR001",
            "severity": "warning",
            "message": summary(clone, region),
            "also": [place(r.cell, r.line) for r in clone.regions if r is not region],
        }
        for clone in result.classes
        for region in clone.regions
    ]
    findings.extend(
        {
            **place(diagnostic.location.cell_index, diagnostic.location.line),
            "end_line": diagnostic.location.line,
            "code": diagnostic.code,
            "severity": diagnostic.severity,
            "message": diagnostic.message,
            "also": [],
        }
        for diagnostic in result.diagnostics
    )
    return sorted(findings, key=lambda f: (f["cell"] is None, f["cell"] or 0, f["line"]))
