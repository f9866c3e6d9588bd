"""The HTTP side: ``POST /nbrefactor/plan``, ``/nbrefactor/apply`` and
``/nbrefactor/check``.

All need an authenticated user allowed to write contents, and XSRF protection stays
on (jupyter_server's). Every nbrefactor error becomes an HTTP status in one place,
:func:`http_status`; the work runs in a thread, so the server keeps answering.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from nbrefactor.errors import ChangedOnDisk, NbrefactorError
from nbrefactor.jupyter_ext.findings import check_notebook
from nbrefactor.jupyter_ext.plans import PlanStore, make_plan
from nbrefactor.jupyter_ext.requests import (
    RequestError,
    notebook_path,
    read_body,
    refactor_request,
    relative_to_root,
)


def http_status(error: NbrefactorError) -> int:
    """The HTTP status of an nbrefactor error: 409 for a file changed since it was
    planned, the request's own for a refused request, else 400 (what was asked cannot
    be done, and the message says why)."""
    if isinstance(error, RequestError):
        return error.status
    if isinstance(error, ChangedOnDisk):
        return 409
    return 400


class _RefactorHandler(APIHandler):
    auth_resource = "contents"  # planning reads notebooks, applying writes them

    def initialize(self, store: PlanStore, root: Path) -> None:
        self.store = store
        self.root = root

    async def answer(self, work: Callable[[], dict[str, Any]]) -> None:
        """Run ``work`` in a thread and send what it returns as JSON; an nbrefactor
        error becomes its HTTP status, with its message."""
        try:
            reply = await asyncio.to_thread(work)
        except NbrefactorError as error:
            # paths as JupyterLab shows them, relative to the root: no server paths
            message = str(error).replace(f"{self.root}{os.sep}", "")
            raise tornado.web.HTTPError(http_status(error), message) from None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(reply))


class PlanHandler(_RefactorHandler):
    """``{"path", "cells": [ids], "function"?, "module"?, "project_dir"?, "package"?}``
    -> the plan: function, parameters, returns, module, the diff, what stays and why,
    and the id that applies it."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        def work() -> dict[str, Any]:
            request = refactor_request(read_body(self.request.body), self.root)
            plan = make_plan(request, self.root)
            return plan.reply(self.store.add(plan))

        await self.answer(work)


class ApplyHandler(_RefactorHandler):
    """``{"plan": id}`` (or a plan's request, planned and applied at once) -> the files
    written and the notebook's cells as they are now. With ``"write_notebook": false``
    the notebook is not written: the caller saves the reply's cells itself."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        def work() -> dict[str, Any]:
            data = read_body(self.request.body)
            write_notebook = data.get("write_notebook", True)
            if not isinstance(write_notebook, bool):
                raise RequestError(400, "write_notebook must be true or false")
            plan_id = data.get("plan")
            if plan_id is None:
                plan = make_plan(refactor_request(data, self.root), self.root)
            elif isinstance(plan_id, str):
                plan = self.store.take(plan_id)
            else:
                raise RequestError(400, "plan must be the id a plan returned")
            return plan.apply(write_notebook=write_notebook)

        await self.answer(work)


class CheckHandler(_RefactorHandler):
    """``{"path"}`` -> the findings of ``nbrefactor check`` for that notebook."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        def work() -> dict[str, Any]:
            notebook = notebook_path(read_body(self.request.body), self.root)
            return {
                "notebook": relative_to_root(notebook, self.root),
                "findings": check_notebook(notebook),
            }

        await self.answer(work)


def add_handlers(server_app: Any) -> None:
    """Route the extension's URLs on ``server_app``'s web application."""
    web_app = server_app.web_app
    base = url_path_join(web_app.settings["base_url"], "nbrefactor")
    settings = {"store": PlanStore(), "root": Path(server_app.root_dir).resolve()}
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "plan"), PlanHandler, settings),
            (url_path_join(base, "apply"), ApplyHandler, settings),
            (url_path_join(base, "check"), CheckHandler, settings),
        ],
    )
