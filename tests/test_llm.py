"""``extract --llm``: the model proposes functions, nbrefactor decides. Through the command
line and the real ``openai`` client, against a chat server on 127.0.0.1 (no network):
proposals taken when they are sound; every kind of failure leaves the files exactly as
without ``--llm``; what is sent holds no outputs, files or environment."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import notebook_dict, run_extract
from tests.openai_server import Answer, chat_server, functions

pytest.importorskip("openai")

#: Printed by a cell, in the notebook's saved output only: it must never be sent.
OUTPUT_MARK = "output-never-sent-5521"
#: In a file the notebook reads: never sent either.
FILE_MARK = "file-never-sent-8830"

#: The notebook: statements are numbered 1 (import) to 8 (the last print).
CELLS = (
    ("markdown", "# Long rides"),
    "import statistics",
    "minutes = [12, 7, 31, 18]\n"
    "long_rides = [m for m in minutes if m > 15]\n"
    "count = len(long_rides)",
    "share = count / len(minutes)\nmean_long = statistics.mean(long_rides)",
    "print(f'{share:.0%} long, {mean_long:.1f} min on average')\nprint(count)",
)

#: A sound proposal: cell 3 (statements 2-4), then cells 4-5 (statements 5-8).
SOUND = functions(("select_long_rides", [2, 3, 4]), ("report_long_rides", [5, 6, 7, 8]))


def _notebook() -> dict[str, Any]:
    notebook = notebook_dict(*CELLS)
    notebook["cells"][4]["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": f"50% long {OUTPUT_MARK}\n2\n"}
    ]
    return notebook


def make_project(folder: Path, url: str, **llm: Any) -> Path:
    """A project with the notebook and [tool.nbrefactor.llm] pointing at ``url``, with
    the settings ``llm`` (kebab-case keys; None leaves a key out)."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"model": "test-model", "base-url": url, "max-retries": 0, "timeout": 5, **llm}
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items() if value is not None]
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "rides"\nversion = "0.1"\n\n[tool.nbrefactor.llm]\n'
        + "\n".join(lines)
        + "\n"
    )
    (folder / "src" / "rides").mkdir(parents=True)
    (folder / "src" / "rides" / "__init__.py").write_text("")
    (folder / "data.txt").write_text(FILE_MARK)
    notebook = folder / "rides.ipynb"
    notebook.write_text(json.dumps(_notebook(), indent=1))
    return notebook


def extract(notebook: Path, *options: str) -> tuple[int, str]:
    """``nbrefactor extract NOTEBOOK OPTIONS``: the exit code, and stdout then stderr."""
    code, out, err = run_extract(str(notebook), *options)
    return code, out + err


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the answer cache and the settings (which name
    each test's server), by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".nbrefactor" not in path.parts and path.name != "pyproject.toml"
    }


@pytest.fixture
def deterministic(tmp_path: Path) -> dict[str, bytes]:
    """The files ``extract`` writes without --llm: what every failure must give."""
    notebook = make_project(tmp_path / "deterministic", "http://127.0.0.1:9/v1")
    code, said = extract(notebook)
    assert code == 0, said
    return files(notebook.parent)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sound_proposals_give_the_functions_their_boundaries_names_and_docstrings(
    tmp_path: Path,
) -> None:
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    module = (tmp_path / "src" / "rides" / "rides.py").read_text()
    assert "def select_long_rides(minutes):" in module
    assert "def report_long_rides(count, minutes, long_rides):" in module
    assert '"""Select long rides for the report.\n\n    Proposed: select_long_rides' in module
    cells = [c["source"] for c in json.loads(notebook.read_text())["cells"]]
    assert cells[2].splitlines() == [
        "minutes = [12, 7, 31, 18]",
        "long_rides, count = select_long_rides(minutes=minutes)",
    ]
    assert cells[3] == "report_long_rides(count=count, minutes=minutes, long_rides=long_rides)"
    assert "llm: rides.ipynb: 2 of 2 proposed functions taken" in said
    assert "llm: 1 call to test-model (0 from the cache, 0 failed): 120 prompt + 30" in said
    (request,) = server.requests
    assert request["model"] == "test-model" and request["temperature"] == 0
    assert request["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param([Answer("this is not JSON")], id="not-json"),
        pytest.param([Answer('{"steps": []}')], id="wrong-shape"),
        pytest.param([functions(("load", [40, 41]))], id="unknown-ids"),
        pytest.param([functions(("a_step", [2, 3]), ("b_step", [3, 4]))], id="overlapping"),
        pytest.param([functions(("sum", [2, 3, 4]))], id="builtin-name"),
        pytest.param([functions(("part_of_two_cells", [4, 5]))], id="part-of-a-cell"),
        pytest.param([functions(("across_the_print", [5, 6, 7, 8, 9]))], id="past-the-end"),
        pytest.param([functions(("minutes", [5, 6, 7, 8]))], id="notebook-name"),
        pytest.param([Answer(SOUND.content, finish_reason="length")], id="cut-off"),
        pytest.param([Answer("", refusal="I cannot help with that.")], id="refused"),
        pytest.param([Answer(status=400, message="bad request")], id="http-400"),
        pytest.param([Answer(status=500, message="overloaded")], id="http-500"),
    ],
)
def test_a_failure_leaves_the_files_as_without_the_model(
    tmp_path: Path, deterministic: dict[str, bytes], answers: list[Answer]
) -> None:
    with chat_server(*answers) as server:
        notebook = make_project(tmp_path / "llm", server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert files(notebook.parent) == deterministic
    assert "llm: rides.ipynb: 0 of " in said or "the plan is nbrefactor's own" in said


def test_the_server_not_answering_in_time_or_at_all(
    tmp_path: Path, deterministic: dict[str, bytes]
) -> None:
    with chat_server(Answer(SOUND.content, delay=3)) as server:
        notebook = make_project(tmp_path / "late", server.url, timeout=0.5)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert "127.0.0.1 did not answer in 0.5 s" in said
    assert files(notebook.parent) == deterministic

    notebook = make_project(tmp_path / "down", f"http://127.0.0.1:{closed_port()}/v1")
    code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert "cannot reach http://127.0.0.1:" in said
    assert files(notebook.parent) == deterministic


def test_a_server_error_is_retried(tmp_path: Path) -> None:
    with chat_server(Answer(status=500, message="overloaded"), SOUND) as server:
        notebook = make_project(tmp_path, server.url, **{"max-retries": 1})
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert len(server.requests) == 2
    assert "2 of 2 proposed functions taken" in said


def test_a_server_without_json_schema_is_asked_for_a_json_object(tmp_path: Path) -> None:
    with chat_server(SOUND, json_schema=False) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]
    assert '"statement_ids"' in server.requests[1]["messages"][0]["content"]  # the schema
    assert "2 of 2 proposed functions taken" in said


def test_a_server_without_response_formats_gets_the_schema_in_the_instructions(
    tmp_path: Path,
) -> None:
    with chat_server(SOUND, json_schema=False, json_object=False) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    formats = [r.get("response_format", {}).get("type") for r in server.requests]
    assert formats == ["json_schema", "json_object", None]
    assert "It must match this JSON schema:" in server.requests[2]["messages"][0]["content"]
    assert "2 of 2 proposed functions taken" in said


def test_a_bad_proposal_is_repaired_once(tmp_path: Path) -> None:
    with chat_server(functions(("sum", [2, 3, 4])), SOUND) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    repair = server.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant"
    assert "'sum' would hide Python's builtin of that name" in repair[-1]["content"]
    assert "2 of 2 proposed functions taken" in said


def test_one_unsound_function_is_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    answer = functions(("select_long_rides", [2, 3, 4]), ("minutes", [5, 6, 7, 8]))
    with chat_server(answer) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert len(server.requests) == 1  # the planner's rejections are not repaired
    assert "1 of 2 proposed functions taken" in said
    assert "'minutes' is a name the notebook or the module uses already" in said
    module = (tmp_path / "src" / "rides" / "rides.py").read_text()
    assert "def select_long_rides(minutes):" in module


def test_what_is_sent_holds_code_but_no_outputs_files_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBREFACTOR_TEST_SECRET", "environment-never-sent-1207")
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url, **{"redact-literals": True})
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    sent = json.dumps(server.requests)
    assert "long_rides = [m for m in minutes if m > 15]" in sent  # the code
    for secret in (OUTPUT_MARK, FILE_MARK, "environment-never-sent-1207", str(tmp_path)):
        assert secret not in sent
    assert "min on average" not in sent  # string literals redacted
    view = json.loads(server.requests[0]["messages"][1]["content"])
    assert view["cells"][0] == {"cell": 0, "kind": "markdown", "headings": ["Long rides"]}
    assert view["cells"][1]["statements"][0] == {
        "id": 1, "lines": [1, 1], "source": "import statistics",
        "defines": ["statistics"], "reads": [],
    }  # fmt: skip


def test_nothing_is_sent_without_llm_even_with_an_api_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook)
    assert code == 0, said
    assert server.requests == []
    assert "llm" not in said


def test_the_cache_replays_answers_with_the_server_down(tmp_path: Path) -> None:
    with chat_server(SOUND) as server:
        first = make_project(tmp_path / "first", server.url)
        assert extract(first, "--llm", "--dry-run")[0] == 0
    cached = list((tmp_path / "first" / ".nbrefactor" / "llm-cache").glob("*.json"))
    assert len(cached) == 1

    again = make_project(tmp_path / "again", f"http://127.0.0.1:{closed_port()}/v1")
    (again.parent / ".nbrefactor").mkdir()
    (again.parent / ".nbrefactor" / "llm-cache").mkdir()
    (again.parent / ".nbrefactor" / "llm-cache" / cached[0].name).write_bytes(
        cached[0].read_bytes()
    )
    code, said = extract(again, "--llm")
    assert code == 0, said
    assert "(1 from the cache, 0 failed): 0 prompt + 0 completion tokens" in said
    assert "2 of 2 proposed functions taken" in said


def test_dry_run_writes_the_request_and_sends_nothing(
    tmp_path: Path, deterministic: dict[str, bytes]
) -> None:
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path / "llm", server.url)
        code, said = extract(notebook, "--llm", "--llm-dry-run", str(tmp_path / "request.json"))
    assert code == 0, said
    assert server.requests == []
    written = json.loads((tmp_path / "request.json").read_text())
    assert written["base_url"] == server.url
    view = json.loads(written["requests"][0]["messages"][1]["content"])
    assert view["notebook"] == "rides.ipynb"
    assert files(notebook.parent) == deterministic


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"model": None}, "--llm needs a model: set model in [tool.nbrefactor.llm]"),
        ({"base-url": "https://llm.example.com/v1", "local-only": True}, "local-only is set"),
        ({"base-url": "https://llm.example.com/v1"}, "set OPENAI_API_KEY to the API key"),
        ({"cache": "sometimes"}, "cache must be rw, ro or off, not 'sometimes'"),
        ({"temperatur": 0}, "unknown key 'temperatur' in [tool.nbrefactor.llm]"),
    ],
)
def test_settings_that_cannot_work_are_refused_before_anything_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], message: str
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url, **settings)
        before = files(tmp_path)
        code, said = extract(notebook, "--llm")
    assert code == 2, said
    assert message in said
    assert server.requests == []
    assert files(tmp_path) == before


def test_a_remote_server_is_named_before_the_code_goes_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    notebook = make_project(tmp_path, "http://llm.invalid/v1", timeout=1)
    code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert "warning: --llm sends the code of rides.ipynb to llm.invalid" in said
    assert said.index("warning: --llm sends") < said.index("llm: rides.ipynb")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The client must reach 127.0.0.1 directly, whatever proxy the machine sets."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    yield


def test_the_token_budget_stops_further_calls(
    tmp_path: Path, deterministic: dict[str, bytes]
) -> None:
    with chat_server(functions(("sum", [2, 3, 4])), SOUND) as server:
        notebook = make_project(tmp_path / "llm", server.url, **{"budget-tokens": 100})
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert len(server.requests) == 1  # 150 tokens used: no repair round
    assert "the token budget (100) is spent: no more calls" in said
    assert files(notebook.parent) == deterministic


def test_a_read_only_cache_is_not_written(tmp_path: Path) -> None:
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url, cache="ro")
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert not (tmp_path / ".nbrefactor").exists()
    assert "2 of 2 proposed functions taken" in said


def test_verify_proves_the_proposed_functions_keep_the_outputs(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm", "--verify", "--no-record")
    assert code == 0, said
    assert "same outputs" in said
    assert "def select_long_rides(minutes):" in (tmp_path / "src/rides/rides.py").read_text()


def test_a_proposal_names_the_function_of_a_copied_block(tmp_path: Path) -> None:
    shop = (
        "{0} = [12.5, 14.0, 13.2, 15.8]\n"
        "{0}_open = [v for v in {0} if v > 0]\n"
        "{0}_mean = statistics.mean({0}_open)\n"
        "{0}_spread = max({0}_open) - min({0}_open)\n"
        "print(f'{{{0}_mean:.1f}} +- {{{0}_spread:.1f}}')"
    )
    notebook = make_project(tmp_path, "http://127.0.0.1:9/v1")
    cells = (("markdown", "# Two shops"), "import statistics", shop.format("north"))
    notebook.write_text(json.dumps(notebook_dict(*cells, shop.format("south"))))
    with chat_server(functions(("summarise_shop", [2, 3, 4, 5, 6]))) as server:
        text = (
            (tmp_path / "pyproject.toml").read_text().replace("http://127.0.0.1:9/v1", server.url)
        )
        (tmp_path / "pyproject.toml").write_text(text)
        code, said = extract(notebook, "--llm")
    assert code == 0, said
    assert "'summarise_shop' (statements 2-6): accepted" in said
    module = (tmp_path / "src" / "rides" / "rides.py").read_text()
    assert 'def summarise_shop():\n    """Summarise shop for the report.' in module
    cells = [c["source"] for c in json.loads(notebook.read_text())["cells"]]
    assert cells[2:] == ["summarise_shop()", "summarise_shop()"]


def _tests_answer(*tests: tuple[str, str, str]) -> Answer:
    """An answer proposing test inputs ``(function, name, arguments code)``."""
    items = [
        {"function": f, "name": n, "arguments_code": code, "rationale": f"Shows {n}."}
        for f, n, code in tests
    ]
    return Answer(json.dumps({"tests": items}))


def test_proposed_test_inputs_become_tests_of_what_the_functions_do(tmp_path: Path) -> None:
    tests = _tests_answer(
        ("select_long_rides", "some_long", "minutes=[5, 20, 40]"),
        ("select_long_rides", "mean_of_two", "minutes=[int(statistics.mean([30, 40]))]"),
        ("select_long_rides", "reads_a_file", "minutes=open('rides.csv').read()"),
        ("report_long_rides", "no_rides", "count=0, minutes=[], long_rides=[]"),
        ("report_long_rides", "two_long", "count=2, minutes=[5, 20, 40], long_rides=[20, 40]"),
        ("forecast", "anything", "days=3"),
    )
    with chat_server(SOUND, tests) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm", "--llm-tests")
    assert code == 0, said
    assert server.requests[1]["response_format"]["json_schema"]["schema"]["required"] == ["tests"]
    assert "def select_long_rides(minutes):" in server.requests[1]["messages"][1]["content"]
    assert "'open': not a safe builtin" in said
    assert "there is no function 'forecast' to test" in said
    assert "report_long_rides no_rides: raises ZeroDivisionError: division by zero" in said
    assert "rides: 3 proposed tests in test_rides_proposed.py" in said
    written = (tmp_path / "tests" / "test_rides_proposed.py").read_text()
    assert "assert select_long_rides(minutes=[5, 20, 40]) == ([20, 40], 2)" in written
    assert "\nimport statistics\n\nimport pytest\n\nfrom rides.rides import" in written
    assert (
        "assert report_long_rides(count=2, minutes=[5, 20, 40], long_rides=[20, 40]) is None"
        in written
    )
    assert 'assert capsys.readouterr().out == "67% long, 30.0 min on average\\n2\\n"' in written
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "4 passed" in ran.stdout  # the three proposed tests and the module's import test
    linted = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,I", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout


def test_chosen_cells_are_not_planned_again_by_the_model(tmp_path: Path) -> None:
    with chat_server(SOUND) as server:
        notebook = make_project(tmp_path, server.url)
        code, said = extract(notebook, "--llm", "--cells", "2")
    assert code == 2
    assert "--llm proposes functions for the whole notebook; --cells chooses one" in said
    assert server.requests == []


def test_a_boundary_that_leaks_a_loop_variable_is_rejected(tmp_path: Path) -> None:
    cells = (
        ("markdown", "# Best reading"),
        "readings = [3, 9, 4, 12, 7]",
        "best = readings[0]\n"
        "for reading in readings:\n"
        "    if reading > best:\n"
        "        best = reading",
        "print('last', reading)\nprint('max', best)",
    )
    # cell 3 alone would have to return `reading`, which the loop binds only if it runs
    answer = functions(("find_best", [2, 3]), ("report_best", [4, 5]))
    outcomes = []
    for name, options in (("plain", ()), ("llm", ("--llm",))):
        with chat_server(answer) as server:
            notebook = make_project(tmp_path / name, server.url)
            notebook.write_text(json.dumps(notebook_dict(*cells), indent=1))
            code, said = extract(notebook, *options)
        assert code == 0, said
        outcomes.append((files(notebook.parent), said))
    (plain, _), (llm, said) = outcomes
    assert llm == plain
    assert (
        "'find_best' (statements 2-3): rejected: binds a name that later cells need only on "
        "some paths: 'reading'" in said
    )
    assert "'report_best' (statements 4-5): rejected: the code left in cell 3 could not" in said


def test_the_cost_is_printed_at_the_prices_set(tmp_path: Path) -> None:
    with chat_server(SOUND) as server:
        prices = {"prompt-price": 2.5, "completion-price": 10}  # per million tokens
        notebook = make_project(tmp_path, server.url, **prices)
        code, said = extract(notebook, "--llm", "--dry-run")
    assert code == 0, said
    # 120 prompt tokens at 2.5 and 30 completion tokens at 10 per million
    assert "120 prompt + 30 completion tokens, cost 0.0006" in said
