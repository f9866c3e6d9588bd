"""The server extension behind JupyterLab's "Refactor cell to module", in a real Jupyter
server started for these tests (a subprocess, its own root and configuration folders),
through HTTP as the browser speaks to it."""

from __future__ import annotations

import http.cookiejar
import json
import secrets
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nbrefactor import read_notebook
from tests.conftest import EXAMPLES
from tests.jupyter_servers import TOKEN, running

pytest.importorskip("jupyter_server")


@dataclass(frozen=True)
class Server:
    url: str
    root: Path

    def post(
        self, endpoint: str, body: Any, *, token: str | None = TOKEN
    ) -> tuple[int, dict[str, Any]]:
        """The status and JSON reply of POST /nbrefactor/<endpoint>."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}nbrefactor/{endpoint}", data, method="POST")
        request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"token {token}")
        return _send(request)


def _send(
    request: urllib.request.Request, opener: urllib.request.OpenerDirector | None = None
) -> tuple[int, dict[str, Any]]:
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except json.JSONDecodeError:
            return error.code, {"message": text.decode(errors="replace")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Jupyter server with the extension enabled, serving an empty root."""
    base = tmp_path_factory.mktemp("jupyter")
    root = (base / "root").resolve()
    root.mkdir()
    with running("jupyter_server", root, base) as url:
        yield Server(url, root)


@pytest.fixture
def notebook(server: Server, request: pytest.FixtureRequest) -> str:
    """A copy of the taxi example in a folder of its own under the root; its path as
    JupyterLab names it."""
    folder = server.root / request.node.name
    folder.mkdir()
    shutil.copy(EXAMPLES / "taxi_tips.ipynb", folder)
    (folder / "data").mkdir()
    return f"{request.node.name}/taxi_tips.ipynb"


def cell_ids(server: Server, path: str, *indices: int) -> list[str]:
    cells = read_notebook(server.root / path).cells
    return [str(cells[index].id) for index in indices]


def refactoring(server: Server, path: str, *indices: int, **fields: str) -> dict[str, Any]:
    folder = path.rpartition("/")[0]
    request = {"path": path, "cells": cell_ids(server, path, *indices)}
    return {**request, "project_dir": f"{folder}/proj", "package": "taxi", **fields}


def test_a_plan_shows_the_function_and_applying_it_writes_the_files(
    server: Server, notebook: str
) -> None:
    folder = notebook.rpartition("/")[0]
    before = (server.root / notebook).read_bytes()
    status, plan = server.post("plan", refactoring(server, notebook, 15, function="evaluate"))
    assert status == 200, plan
    assert plan["function"] == "evaluate"
    assert plan["parameters"] == ["X_test", "coef", "y_test", "y_train"]
    assert plan["returns"] == ["pred"]
    assert plan["module"] == "taxi.taxi_tips"
    assert (plan["modules"], plan["module_exists"]) == ([], False)  # a new project
    assert f"+++ {folder}/proj/src/taxi/taxi_tips.py" in plan["diff"]
    assert f"{folder}/taxi_tips.ipynb" in plan["files"]
    assert (server.root / notebook).read_bytes() == before  # a plan writes nothing

    status, applied = server.post("apply", {"plan": plan["plan"]})
    assert status == 200, applied
    assert f"{folder}/proj/src/taxi/taxi_tips.py" in applied["written"]
    module = (server.root / folder / "proj/src/taxi/taxi_tips.py").read_text()
    assert "def evaluate(x_test, coef, y_test, y_train):" in module
    sources = [cell["source"] for cell in applied["cells"]]
    assert "pred = evaluate(x_test=X_test, coef=coef, y_test=y_test, y_train=y_train)" in sources
    assert read_notebook(server.root / notebook).cells[16].source in sources

    assert server.post("apply", {"plan": plan["plan"]})[0] == 404  # applied once


def test_a_plan_follows_the_extract_keys_of_the_configuration(
    server: Server, notebook: str
) -> None:
    folder = notebook.rpartition("/")[0]
    (server.root / folder / "pyproject.toml").write_text(
        '[tool.nbrefactor]\nlayout = "flat"\nmodule = "steps"\nautoreload = false\n'
    )
    named = refactoring(server, notebook, 15, function="evaluate", module="scoring")
    status, plan = server.post("plan", named)
    assert status == 200, plan
    assert plan["module"] == "taxi.scoring"  # the request's module wins over the key

    status, plan = server.post("plan", refactoring(server, notebook, 15, function="evaluate"))
    assert status == 200, plan
    assert plan["module"] == "taxi.steps"
    assert f"+++ {folder}/proj/taxi/steps.py" in plan["diff"]  # flat: no src/
    status, applied = server.post("apply", {"plan": plan["plan"]})
    assert status == 200, applied
    assert not any("autoreload" in cell["source"] for cell in applied["cells"])


def test_a_notebook_saved_since_the_plan_is_not_overwritten(server: Server, notebook: str) -> None:
    status, plan = server.post("plan", refactoring(server, notebook, 15))
    assert status == 200, plan
    path = server.root / notebook
    saved = path.read_text().replace("baseline RMSE", "baseline error")
    path.write_text(saved)
    status, reply = server.post("apply", {"plan": plan["plan"]})
    assert status == 409
    assert "changed on disk since nbrefactor read it" in reply["message"]
    assert path.read_text() == saved
    assert not (path.parent / "proj").exists()


def test_the_notebook_can_be_left_for_jupyterlab_to_save(server: Server, notebook: str) -> None:
    """JupyterLab saves the notebook it shows (its undo history stays): the server
    writes the module, the reply holds the cells, and the notebook still counts."""
    path = server.root / notebook
    before = path.read_bytes()
    status, plan = server.post("plan", refactoring(server, notebook, 15))
    assert status == 200, plan
    status, applied = server.post("apply", {"plan": plan["plan"], "write_notebook": False})
    assert status == 200, applied
    assert f"{notebook.rpartition('/')[0]}/proj/src/taxi/taxi_tips.py" in applied["written"]
    assert notebook not in applied["written"]
    assert path.read_bytes() == before
    sources = [cell["source"] for cell in applied["cells"]]
    assert any(source.startswith(f"pred = {plan['function']}(") for source in sources)

    status, plan = server.post("plan", refactoring(server, notebook, 16, module="checks"))
    assert status == 200, plan
    assert (plan["modules"], plan["module_exists"]) == (["taxi_tips"], False)
    path.write_text(path.read_text().replace("baseline RMSE", "baseline error"))
    status, reply = server.post("apply", {"plan": plan["plan"], "write_notebook": False})
    assert status == 409, reply  # the notebook, not written, was still read for the plan
    assert not (path.parent / "proj/src/taxi/checks.py").exists()


def test_a_failed_write_changes_nothing_and_says_why(server: Server, notebook: str) -> None:
    path = server.root / notebook
    before = path.read_bytes()
    status, plan = server.post("plan", refactoring(server, notebook, 15))
    assert status == 200, plan
    (path.parent / "proj").write_text("a file where the project's folder must go\n")
    status, reply = server.post("apply", {"plan": plan["plan"]})
    assert status == 400
    folder = notebook.rpartition("/")[0]
    assert reply["message"] == (
        f"{folder}/proj/pyproject.toml: cannot write: Not a directory; no file was changed"
    )
    assert path.read_bytes() == before


def test_check_lists_the_duplicated_blocks_of_a_notebook_by_cell(
    server: Server, request: pytest.FixtureRequest
) -> None:
    folder = server.root / request.node.name
    folder.mkdir()
    shutil.copy(EXAMPLES / "cleaning_sales.ipynb", folder)
    path = f"{request.node.name}/cleaning_sales.ipynb"
    ids = cell_ids(server, path, 8, 9, 10, 13)

    status, reply = server.post("check", {"path": path})

    assert status == 200, reply
    assert reply["notebook"] == path
    found = [(f["code"], f["cell"], f["cell_id"], f["line"]) for f in reply["findings"]]
    assert found == [
        ("NBR001", 8, ids[0], 2),
        ("NBR001", 9, ids[1], 2),
        ("NBR001", 10, ids[2], 1),
        ("NBR001", 13, ids[3], 1),
    ]
    first = reply["findings"][0]
    assert first["message"] == "renamed copy of a block (12 statements)"
    assert first["also"] == [{"cell": 9, "cell_id": ids[1], "line": 2}]


def test_check_refuses_what_it_cannot_read(server: Server, notebook: str) -> None:
    assert server.post("check", {"path": "../elsewhere.ipynb"})[0] == 403
    assert server.post("check", {"path": "missing.ipynb"})[0] == 404
    (server.root / notebook).write_text("{not json")
    status, reply = server.post("check", {"path": notebook})
    assert status == 400
    assert reply["message"].startswith(f"{notebook}: ")


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"function": "len"}, 400, "'len' would hide Python's builtin"),
        ({"function": "2fast"}, 400, "'2fast' is not a Python identifier"),
        ({"cells": [4, 5]}, 400, "cells must be a non-empty list of cell ids"),
        ({"cells": ["no-such-cell"]}, 400, "the notebook has no cell with id 'no-such-cell'"),
        ({"path": "../outside.ipynb"}, 403, "'..' leads outside the server's root"),
        ({"path": "/etc/passwd.ipynb"}, 403, "paths are relative to the server's root"),
        ({"path": "missing.ipynb"}, 404, "no notebook missing.ipynb"),
        ({"path": "notes.txt"}, 400, "notes.txt is not a notebook (.ipynb)"),
    ],
)
def test_requests_that_cannot_be_done_say_why(
    server: Server, notebook: str, fields: dict[str, Any], status: int, message: str
) -> None:
    answer = server.post("plan", {**refactoring(server, notebook, 15), **fields})
    assert answer[0] == status
    assert message in answer[1]["message"]


def test_cells_that_cannot_move_as_chosen_are_refused_with_the_reason(
    server: Server, notebook: str
) -> None:
    status, reply = server.post("plan", refactoring(server, notebook, 4, 5, 6))
    assert status == 400
    assert "cell 5 shows output, which would move to cell 7" in reply["message"]


def test_a_link_leading_out_of_the_root_is_refused(
    server: Server, tmp_path: Path, notebook: str
) -> None:
    outside = tmp_path / "secret.ipynb"
    shutil.copy(EXAMPLES / "taxi_tips.ipynb", outside)
    link = server.root / notebook.rpartition("/")[0] / "link.ipynb"
    link.symlink_to(outside)
    request = {**refactoring(server, notebook, 15), "path": str(link.relative_to(server.root))}
    status, reply = server.post("plan", request)
    assert status == 403
    assert "leads outside the server's root" in reply["message"]


def test_bodies_too_large_or_not_json_are_refused(server: Server) -> None:
    assert server.post("plan", b"{" + b" " * 70_000 + b"}")[0] == 413
    assert server.post("plan", b"not json")[0] == 400
    assert server.post("apply", {"plan": 7})[0] == 400
    assert server.post("apply", {"plan": "x", "write_notebook": "no"})[0] == 400


@pytest.mark.parametrize("endpoint", ["plan", "apply", "check"])
def test_an_unauthenticated_request_is_refused(
    server: Server, notebook: str, endpoint: str
) -> None:
    before = (server.root / notebook).read_bytes()
    for token in (None, "wrong"):
        status, _ = server.post(endpoint, refactoring(server, notebook, 15), token=token)
        assert status == 403
    assert (server.root / notebook).read_bytes() == before


def test_a_browser_session_without_its_xsrf_token_is_refused(server: Server, notebook: str) -> None:
    """Logged in by cookie, as a browser is: a POST without the XSRF token is refused;
    with the token in a cookie and a header, as JupyterLab sends it, it is answered."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    opener.open(f"{server.url}api/status?token={TOKEN}", timeout=30).close()  # logs in
    (login,) = [f"{c.name}={c.value}" for c in cookies if c.name.startswith("username-")]
    body = json.dumps(refactoring(server, notebook, 15)).encode()

    def post(*headers: tuple[str, str]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(f"{server.url}nbrefactor/plan", body, method="POST")
        for name, value in headers:
            request.add_header(name, value)
        return _send(request)

    status, reply = post(("Cookie", login))
    assert status == 403
    assert "_xsrf" in reply["message"]
    xsrf = secrets.token_hex(16)  # tornado takes a plain hex token (its version 1)
    assert post(("Cookie", f"{login}; _xsrf={xsrf}"), ("X-XSRFToken", xsrf))[0] == 200
