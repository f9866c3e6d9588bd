"""Plans of refactorings the JupyterLab extension asked for, kept until applied.

A plan is nbrefactor's ``extract`` of the chosen cells, not yet written: its changes
remember every file as it was read, so applying a plan whose notebook was saved since
fails (:class:`~nbrefactor.errors.ChangedOnDisk`) rather than overwrite the newer one.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nbrefactor.api.extract import extract
from nbrefactor.api.results import ExtractionResult
from nbrefactor.config import load_config
from nbrefactor.emit.changeset import ChangeSet
from nbrefactor.jupyter_ext.requests import RefactorRequest, RequestError, relative_to_root
from nbrefactor.notebook.reader import read_notebook, read_notebook_text
from nbrefactor.planning.units import COMMON_MODULE

#: Plans kept at once; the oldest goes first.
MAX_PLANS = 32


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``request`` would change (``result``), for the server whose root is ``root``."""

    request: RefactorRequest
    result: ExtractionResult
    root: Path

    def reply(self, plan_id: str) -> dict[str, Any]:
        """The plan as the extension shows it before the user confirms."""
        plan = self.result.plan
        function = plan.scripts[0] if plan.scripts else None
        shown = ChangeSet(
            tuple(
                replace(change, path=Path(relative_to_root(change.path, self.root)))
                for change in self.result.changes.changes
            )
        )
        project = self.result.project
        module_file = project.package_dir / f"{plan.module.rpartition('.')[2]}.py"
        return {
            "plan": plan_id,
            "notebook": relative_to_root(self.request.notebook, self.root),
            "module": plan.module,
            "module_exists": module_file.exists(),
            "modules": existing_modules(project.package_dir),
            "function": None if function is None else function.name,
            "parameters": [] if function is None else list(function.parameters),
            "returns": [] if function is None else list(function.returns),
            "moved": list(plan.exported),
            "skipped": [str(skipped) for skipped in plan.skipped],
            "files": [str(c.path) for c in shown.changes if c.old != c.new],
            "diff": shown.diff(),
        }

    def apply(self, *, write_notebook: bool = True) -> dict[str, Any]:
        """Write the plan's files (all or none) and say what the notebook holds now.

        Without ``write_notebook`` the notebook is left as it is for the caller to save
        (JupyterLab, whose open notebook would otherwise differ from the file): the
        reply's cells are what it must hold.

        Raises:
            ChangedOnDisk: a file changed since the plan was made, the notebook
                included; nothing was written.
            NbrefactorError: a file could not be written; nothing was written.
        """
        changes = self.result.changes
        rewritten = self.result.rewritten(0)
        if not write_notebook:
            changes = changes.keeping(self.result.notebooks[0][1])
        written = changes.apply()
        if rewritten is None:
            notebook = read_notebook(self.request.notebook)
        else:
            notebook = read_notebook_text(rewritten, self.request.notebook)
        return {
            "notebook": relative_to_root(self.request.notebook, self.root),
            "written": [relative_to_root(path, self.root) for path in written],
            "moved": list(self.result.plan.exported),
            "cells": [
                {
                    "id": cell.id,
                    "cell_type": cell.cell_type,
                    "source": cell.source,
                    "metadata": dict(cell.metadata),
                }
                for cell in notebook.cells
            ],
        }


def existing_modules(package_dir: Path) -> list[str]:
    """The modules of a package code can be moved into, by name: not its private ones
    (``_version``, ``__init__``) nor the one for code shared by notebooks."""
    return sorted(
        path.stem
        for path in package_dir.glob("*.py")
        if path.stem.isidentifier() and not path.stem.startswith("_") and path.stem != COMMON_MODULE
    )


def make_plan(request: RefactorRequest, root: Path) -> Plan:
    """The plan of ``request``, nothing written. ``layout``, ``module`` and
    ``autoreload`` of ``[tool.nbrefactor]`` (the project's pyproject.toml, else the
    nearest to the notebook) apply as they do to ``nbrefactor extract``; a module the
    request names wins.

    Raises:
        RequestError: a cell id the notebook does not have (400).
        NbrefactorError: the cells cannot move, a name is refused, the notebook cannot
            be read, no project.
    """
    text = request.notebook.read_text(encoding="utf-8")
    notebook = read_notebook_text(text, request.notebook)
    indices = {cell.id: index for index, cell in enumerate(notebook.cells) if cell.id}
    unknown = [cell_id for cell_id in request.cell_ids if cell_id not in indices]
    if unknown:
        raise RequestError(400, f"the notebook has no cell with id {unknown[0]!r}")
    # the keys of [tool.nbrefactor] that `extract` takes apply here as they do there
    settings = load_config(request.project_dir or request.notebook)
    result = extract(
        request.notebook,
        cells=[indices[cell_id] for cell_id in request.cell_ids],
        function=request.function,
        module=request.module or settings.module,
        project_dir=request.project_dir,
        package=request.package,
        layout=settings.layout,
        autoreload=settings.autoreload,
    )
    return Plan(request, result, root)


class PlanStore:
    """The last :data:`MAX_PLANS` plans, by an id the extension sends back to apply one."""

    def __init__(self) -> None:
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, plan: Plan) -> str:
        plan_id = secrets.token_urlsafe(12)
        with self._lock:
            self._plans[plan_id] = plan
            while len(self._plans) > MAX_PLANS:
                self._plans.popitem(last=False)
        return plan_id

    def take(self, plan_id: str) -> Plan:
        """The plan ``plan_id``, no longer kept.

        Raises:
            RequestError: no such plan (404): never made, applied, or forgotten.
        """
        with self._lock:
            plan = self._plans.pop(plan_id, None)
        if plan is None:
            raise RequestError(404, "no such plan (applied already, or too old): plan again")
        return plan
