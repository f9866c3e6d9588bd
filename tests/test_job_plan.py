"""``extract --as-job``: which names become settings of the job, how ``run`` chains
the steps, and why a notebook cannot be a job (pure planning, on notebooks built here)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nbrefactor import Notebook, build_graph
from nbrefactor.planning.job import JobPlan, NoJob, plan_job
from nbrefactor.planning.planner import plan

SETTINGS = """\
SEED = 7
N_ROWS = 500  # rows to simulate
DATA_DIR = 'data'
OUT_CSV = os.path.join(DATA_DIR, 'rows.csv')
COLUMNS = ['a', 'b']
WEIGHTS = (0.5, 1, 2.5)
VERBOSE = False
"""

SIMULATE = """\
rng = np.random.default_rng(SEED)
rows = pd.DataFrame(rng.normal(size=(N_ROWS, 2)), columns=COLUMNS)
rows['w'] = rng.choice(WEIGHTS, size=N_ROWS)
if VERBOSE:
    print('simulated', len(rows))
"""

SAVE = """\
os.makedirs(DATA_DIR, exist_ok=True)
rows.to_csv(OUT_CSV, index=False)
print(f'wrote {len(rows)} rows to {OUT_CSV}')
"""

SUMMARY = """\
summary = rows.groupby('w').mean()
print(summary.round(2))
"""


def job_of(notebook: Notebook) -> JobPlan:
    graph = build_graph(notebook)
    return plan_job(plan(graph, "pkg.rows"), graph)


@pytest.fixture
def rows_notebook(make_notebook: Callable[..., Notebook]) -> Notebook:
    return make_notebook(
        "import os\nimport numpy as np\nimport pandas as pd",
        SETTINGS,
        ("markdown", "## Simulate"),
        SIMULATE,
        ("markdown", "## Save"),
        SAVE,
        ("markdown", "## Summary"),
        SUMMARY,
        "summary.plot()",
    )


def test_literal_settings_become_typed_fields_with_the_notebooks_values(
    rows_notebook: Notebook,
) -> None:
    fields = {s.field: (s.annotation, s.value) for s in job_of(rows_notebook).fields}
    assert fields == {
        "seed": ("int", "7"),
        "n_rows": ("int", "500"),
        "data_dir": ("str", "'data'"),
        "columns": ("list[str]", "['a', 'b']"),
        "weights": ("tuple[float, ...]", "(0.5, 1, 2.5)"),
        "verbose": ("bool", "False"),
    }


def test_a_setting_made_of_settings_is_a_property_that_follows_them(
    rows_notebook: Notebook,
) -> None:
    (derived,) = job_of(rows_notebook).properties
    assert (derived.field, derived.annotation) == ("out_csv", "str")
    assert derived.value == "os.path.join(self.data_dir, 'rows.csv')"
    assert derived.path


def test_what_the_notebook_says_of_a_setting_and_its_kind(rows_notebook: Notebook) -> None:
    settings = {s.field: s for s in job_of(rows_notebook).settings}
    assert settings["n_rows"].comment == "rows to simulate"
    assert settings["data_dir"].path and not settings["seed"].path
    assert settings["columns"].mutable and not settings["weights"].mutable


def test_run_chains_the_steps_in_notebook_order_data_first(rows_notebook: Notebook) -> None:
    job = job_of(rows_notebook)
    assert list(job.steps) == [
        "rows = simulate_rows(seed=config.seed, n_rows=config.n_rows, "
        "columns=config.columns, weights=config.weights, verbose=config.verbose)",
        "save_rows(rows, data_dir=config.data_dir, out_csv=config.out_csv)",
        "summary = summarise_table(rows)",
    ]


def test_the_result_holds_what_the_notebook_goes_on_to_look_at(rows_notebook: Notebook) -> None:
    # `rows` is read by later steps only; `summary` by the notebook's last cell
    assert job_of(rows_notebook).results == ("summary",)


def test_names_become_snake_case_locals_of_run(make_notebook: Callable[..., Notebook]) -> None:
    notebook = make_notebook(
        "import numpy as np",
        ("markdown", "## Data"),
        "X = np.arange(10.0)\nY_true = X * 2",
        ("markdown", "## Fit"),
        "fit = np.polyfit(X, Y_true, 1)\nprint(fit)",
    )
    job = job_of(notebook)
    assert job.steps[0].startswith("x, y_true = ")
    assert job.steps[1] == "fit_y_true(y_true, x)"


def test_a_value_computed_in_code_that_stays_refuses_the_job(
    make_notebook: Callable[..., Notebook],
) -> None:
    notebook = make_notebook(
        "import pandas as pd",
        "df = pd.DataFrame({'a': [1, 2]})\ndf",  # a displayed frame: it stays
        "df['b'] = df.a * 2\ntotal = df.b.sum()\nprint(total)",
    )
    with pytest.raises(NoJob) as raised:
        job_of(notebook)
    (reason,) = raised.value.reasons
    assert "read 'df', which cell 2 binds in code that stays in the notebook" in reason


def test_a_setting_set_twice_has_no_one_value(make_notebook: Callable[..., Notebook]) -> None:
    notebook = make_notebook(
        "LIMIT = 3",
        "small = [x for x in range(10) if x < LIMIT]\nprint(small)",
        "LIMIT = 5",
        "big = [x for x in range(10) if x > LIMIT]\nprint(big)",
    )
    with pytest.raises(NoJob) as raised:
        job_of(notebook)
    assert "which cells 1, 3 set: a job has one value of it" in raised.value.reasons[0]


def test_code_that_stays_and_changes_a_steps_input_refuses_the_job(
    make_notebook: Callable[..., Notebook],
) -> None:
    notebook = make_notebook(
        "import pandas as pd",
        "df = pd.DataFrame({'a': [3, 1, 2]})\nn = len(df)",
        "%time df.sort_values('a', inplace=True)",  # IPython-only: stays in the notebook
        "df['b'] = df.a * n\nprint(df)",
    )
    with pytest.raises(NoJob) as raised:
        job_of(notebook)
    assert any("cell 3 changes 'df'" in reason for reason in raised.value.reasons)


def test_a_notebook_with_nothing_to_run_is_no_job(make_notebook: Callable[..., Notebook]) -> None:
    notebook = make_notebook("def double(x):\n    return 2 * x", "double(4)")
    with pytest.raises(NoJob, match="no code of the notebook's cells moves"):
        job_of(notebook)
