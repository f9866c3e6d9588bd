"""The Jupyter server extension behind JupyterLab's "Refactor cell to module" command.

It adds ``POST /nbrefactor/plan`` and ``POST /nbrefactor/apply`` (:mod:`.handlers`),
which only call nbrefactor's ``extract`` job on notebooks under the server's root.
``import nbrefactor`` never imports this package (nor jupyter_server): it is loaded by
the Jupyter server, enabled by the configuration file the ``jupyter`` extra installs.
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nbrefactor.jupyter_ext"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from nbrefactor.jupyter_ext.handlers import add_handlers

    add_handlers(server_app)
    server_app.log.info("nbrefactor: refactoring notebooks at /nbrefactor/plan and /apply")
