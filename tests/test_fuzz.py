"""No notebook, however odd or broken, makes the pipeline crash: generated notebooks go
through every entry point (``graph``, ``graph --format json``, ``check`` on the notebook
and on a folder, ``extract --dry-run``, the pre-commit hook) and none may end in an
internal error (exit 123, an uncaught exception, a traceback in the output).

The generators and the runner are those of ``benchmarks/fuzz_pipeline.py``, which runs
the same check on thousands of notebooks and shrinks what it finds; here a few hundred,
not shrunk (too slow through the whole pipeline: rerun the benchmark for a minimal one).

Each crash found so far has a test at the end, with its notebook inline. One found and
not fixed yet gets such a test marked xfail (strict: it fails once the bug is fixed, to
remove the mark) and an entry in :data:`KNOWN_CRASHES`: a generated test that meets it
runs all its examples and then ends as xfail, naming it; any other internal error fails
it at once. (Not a static mark: which notebooks a seed
gives depends on the modules loaded, Hypothesis draws constants from them, so whether a
sample meets a known crash can differ between this file alone and the whole suite.)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz_pipeline import ENTRY_POINTS, Case, Outcome, Pipeline, cases, to_json

#: Every entry point but the hook, which has a test of its own (it needs git, and costs
#: three git commands a notebook).
COMMANDS = tuple(entry for entry in ENTRY_POINTS if entry != "hook")

#: Internal errors with a test below: (exception class, a part of where it is raised as
#: :attr:`Outcome.site` gives it) -> the test.
KNOWN_CRASHES: dict[tuple[str, str], str] = {}


def known_crash(outcome: Outcome) -> str | None:
    exception, where = outcome.site
    for (known_exception, known_where), name in KNOWN_CRASHES.items():
        if exception == known_exception and known_where in where:
            return name
    return None


def describe(case: Case, errors: Sequence[Outcome]) -> str:
    """What a failing test prints: each internal error, and the notebook."""
    parts = []
    for error in errors:
        tail = "\n".join(error.traceback.strip().splitlines()[-12:])
        parts.append(f"{error.entry}: exit {error.exit_code}: {error.exception}\n{tail}")
    notebook = case.data.decode("utf-8", "backslashreplace")
    if len(notebook) > 3000:
        notebook = notebook[:3000] + f"... ({len(case.data)} bytes)"
    return "\n\n".join([*parts, f"{case.name} ({case.kind}):\n{notebook}"])


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("fuzz"), timeout=300.0)


def fuzz(
    pipeline: Pipeline,
    strategy: st.SearchStrategy[Case],
    examples: int,
    entries: Sequence[str] = COMMANDS,
) -> None:
    """Run ``examples`` generated cases through ``entries``: fail at the first internal
    error no test documents; at the end, xfail if there were documented ones."""
    met: Counter[str] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: Case) -> None:
        errors = [outcome for outcome in pipeline.run(case, entries) if outcome.internal]
        new = [error for error in errors if known_crash(error) is None]
        assert not new, describe(case, new)
        met.update(filter(None, map(known_crash, errors)))

    run()
    if met:
        known = ", ".join(f"{name} ({count} runs)" for name, count in met.most_common())
        pytest.xfail(f"met crashes documented by the tests below: {known}")


# -- generated notebooks, through every entry point ------------------------------------------


def test_valid_notebooks(pipeline: Pipeline) -> None:
    fuzz(pipeline, cases(("ipynb",), hypothesmith=False), 40)


def test_corrupted_notebooks(pipeline: Pipeline) -> None:
    fuzz(pipeline, cases(("ipynb-corrupt-fields", "ipynb-corrupt-bytes"), hypothesmith=False), 100)


def test_text_notebooks(pipeline: Pipeline) -> None:
    fuzz(pipeline, cases(("text",), hypothesmith=False), 30)


def test_pre_commit_hook(pipeline: Pipeline) -> None:
    fuzz(pipeline, cases(hypothesmith=False), 30, ("hook",))


def test_random_python_from_hypothesmith(pipeline: Pipeline) -> None:
    fuzz(pipeline, cases(("ipynb",), hypothesmith=True), 5)


# -- the runner: a crash is seen, bad input is not one ---------------------------------------


def notebook(*sources: str, metadata: dict[str, Any] | None = None, **cell: Any) -> bytes:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"cell-{n}", "metadata": {},
         "outputs": [], "source": source, **cell}
        for n, source in enumerate(sources)
    ]  # fmt: skip
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    document = {
        "cells": cells,
        "metadata": {"kernelspec": kernel} if metadata is None else metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return to_json(document)


PARTNER = notebook("import math\nradius = 2.0\nprint(math.pi * radius**2)\n")


def run(pipeline: Pipeline, data: bytes, entries: Sequence[str] = ENTRY_POINTS) -> list[Outcome]:
    return pipeline.run(Case("ipynb", "nb.ipynb", data, PARTNER), entries)


def test_the_runner_sees_an_internal_error(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug inside nbrefactor is an internal error, with its traceback, through every
    entry point: the tests above can fail."""
    from nbrefactor.notebook import reader

    def planted(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(reader, "_check_language", planted)
    monkeypatch.setattr(reader, "_code_cells_of_json", planted)
    outcomes = run(pipeline, notebook("x = 1"))
    assert [outcome.entry for outcome in outcomes if outcome.internal] == list(ENTRY_POINTS)
    for outcome in outcomes:
        assert outcome.exception == "ZeroDivisionError: planted", outcome.traceback
        assert outcome.frame.startswith("nbrefactor/notebook/reader.py:"), outcome.traceback


def test_bad_input_is_not_an_internal_error(pipeline: Pipeline) -> None:
    outcomes = run(pipeline, b'{"nbformat": 4, "cells": [')
    assert {o.entry: o.exit_code for o in outcomes} == dict.fromkeys(ENTRY_POINTS, 2)
    assert not any(outcome.internal for outcome in outcomes)


# -- crashes the fuzzer found, now fixed: each ends in a message, not a traceback ----------


def assert_no_internal_error(
    pipeline: Pipeline, data: bytes, entries: Sequence[str] = ENTRY_POINTS
) -> None:
    errors = [outcome for outcome in run(pipeline, data, entries) if outcome.internal]
    assert not errors, describe(Case("ipynb", "nb.ipynb", data, PARTNER), errors)


@pytest.mark.parametrize("kernelspec", ["python3", ["python3"]])
def test_kernelspec_that_is_not_an_object(pipeline: Pipeline, kernelspec: Any) -> None:
    assert_no_internal_error(pipeline, notebook("x = 1", metadata={"kernelspec": kernelspec}))


def test_cell_type_that_is_a_list(pipeline: Pipeline) -> None:
    assert_no_internal_error(pipeline, notebook("x = 1", cell_type=[None]))


def test_nbformat3_worksheets_that_are_not_objects(pipeline: Pipeline) -> None:
    document = {"metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": "ws"}
    assert_no_internal_error(pipeline, to_json(document))


@pytest.mark.parametrize("depth", [900, 950, 5000])
def test_deeply_nested_json(pipeline: Pipeline, depth: int) -> None:
    """Too deep for json.loads, or just deep enough for it and too deep for what reads
    its result deeper in the stack."""
    nested = "[" * depth + "]" * depth
    text = f'{{"nbformat": 4, "nbformat_minor": 5, "metadata": {{"x": {nested}}}, "cells": []}}'
    assert_no_internal_error(pipeline, text.encode())


@pytest.mark.parametrize(
    "source",
    ["total = " + " + ".join(["a"] * 1000), "df = df" + "".join(f".f{k}()" for k in range(1000))],
    ids=["sum of 1000 terms", "chain of 1000 calls"],
)
def test_deeply_nested_expression(pipeline: Pipeline, source: str) -> None:
    assert_no_internal_error(pipeline, notebook(source), ("graph", "extract"))


def test_look_alike_statements(pipeline: Pipeline) -> None:
    source = "\n".join(f"x{k} = {k}" for k in range(1000))
    assert_no_internal_error(pipeline, notebook(source), ("check",))


@pytest.mark.parametrize(
    ("sources", "entry"),
    [
        (["x = 1  # \ud800"], "graph"),
        (["x = '\ud800'", "def clean(df):\n    return df\n", "clean(1)"], "extract"),
    ],
    ids=["graph", "extract --dry-run"],
)
def test_lone_surrogate_in_a_cell(pipeline: Pipeline, sources: list[str], entry: str) -> None:
    assert_no_internal_error(pipeline, notebook(*sources), (entry,))


def test_bare_except_before_another_handler(pipeline: Pipeline) -> None:
    source = "def load():\n    try:\n        pass\n    except:\n        pass\n    except ValueError:\n        pass\n"  # noqa: E501
    assert_no_internal_error(pipeline, notebook(source), ("extract",))


def test_cell_id_that_is_a_list(pipeline: Pipeline) -> None:
    data = notebook("def area(w, h):\n    return w * h\n", id=["cell-0"])
    assert_no_internal_error(pipeline, data, ("extract",))


def test_nbformat_minor_that_is_not_a_number(pipeline: Pipeline) -> None:
    document = json.loads(notebook("import math\nroot = math.sqrt(2)\nhalf = root / 2\nhalf"))
    document["nbformat_minor"] = [{}]
    assert_no_internal_error(pipeline, to_json(document), ("extract",))
