"""Function names from what the code does: one case per naming rule."""

from __future__ import annotations

import ast

import pytest

from nbrefactor.planning.code_action import Block, code_action
from nbrefactor.planning.naming import (
    MAX_LENGTH,
    Code,
    Names,
    comment_naming,
    lead_description,
    lead_term,
    phrase,
    without_words,
)


def name_of(source: str, taken: set[str] | None = None, **flow: object) -> str:
    """The name :class:`Names` gives ``source`` with the data flow in ``flow``."""
    code = Code(ast.parse(source).body, **flow)  # type: ignore[arg-type]
    return Names(set(taken or ())).for_code(code)


@pytest.mark.parametrize(
    ("source", "returns", "expected"),
    [
        ("sales = pd.read_csv('data/sales.csv')", ("sales",), "load_sales"),
        ("df = pd.read_csv('data/raw_orders.csv')", ("df",), "load_raw_orders"),
        ("daily.round(1).to_csv('out/daily.csv')", (), "save_daily"),
        ("with open('out/report.json', 'w') as f:\n    json.dump(report, f)", (), "save_report"),
        ("fig, ax = plt.subplots()\nax.plot(history)", (), "plot_history"),
        ("model = LinearRegression()\nmodel.fit(X, y)", ("model",), "fit_model"),
        ("rng = default_rng(1)\nnoise = rng.normal(size=9)", ("noise",), "simulate_noise"),
        ("by_month = sales.groupby('month').sum()", ("by_month",), "summarise_by_month"),
        ("print('rows:', len(table))", (), "report_table"),
        ("ax.set_xlabel('day')\nax.set_ylabel('count')", (), "label_axes"),
        ("ratio = hits / total", ("ratio",), "compute_ratio"),
    ],
)
def test_the_verb_comes_from_what_the_code_calls(
    source: str, returns: tuple[str, ...], expected: str
) -> None:
    parameters = ("table",) if "table" in source else ()
    assert name_of(source, returns=returns, parameters=parameters) == expected


@pytest.mark.parametrize(
    ("source", "returns", "parameters", "expected"),
    [
        ("train = s.iloc[:-3]\ntest = s.iloc[-3:]", ("train", "test"), ("s",), "split_s"),
        ("busy = logs[logs['ms'] > 500]", ("busy",), ("logs",), "keep_busy"),
        (  # tidying up after the filter does not hide it
            "trips = trips[trips.fare > 0].reset_index(drop=True)",
            ("trips",),
            ("trips",),
            "keep_trips",
        ),
        (  # rows of two arrays cut into train and test sets
            "X_train, y_train = X[train_idx], y[train_idx]\n"
            "X_test, y_test = X[test_idx], y[test_idx]",
            ("X_train", "y_train", "X_test", "y_test"),
            ("X", "y", "train_idx", "test_idx"),
            "split_train_test",
        ),
        ("complete = orders.dropna().reset_index()", ("complete",), ("orders",), "drop_missing"),
        ("df['hour'] = df['ts'].dt.hour", (), ("df",), "add_hour"),
        ("df['ts'] = pd.to_datetime(df['ts'])", (), ("df",), "clean_values"),
        ("logs['ts'] = pd.to_datetime(logs['ts'])", (), ("logs",), "clean_logs"),
    ],
)
def test_how_a_frame_changes_names_the_function(
    source: str, returns: tuple[str, ...], parameters: tuple[str, ...], expected: str
) -> None:
    assert name_of(source, returns=returns, parameters=parameters) == expected


def test_columns_set_on_a_frame_made_here_are_no_change() -> None:
    block = Block(ast.parse("out = pd.DataFrame()\nout['a'] = 1").body, returns=("out",))
    assert code_action(block).verb == "compute"


@pytest.mark.parametrize(
    ("text", "verb", "rest"),
    [
        ("Load the raw file", "load", ("raw", "file")),
        ("Cleaning", "clean", ()),
        ("Evaluation", "evaluate", ()),
        ("Running maximum", None, ("running", "maximum")),
        ("collapse ids so /a/1 and /a/2 count as one", "collapse", ("ids",)),
        ("Status codes per hour", None, ("status", "codes", "hour")),
    ],
)
def test_a_comment_or_heading_gives_a_verb_and_words(
    text: str, verb: str | None, rest: tuple[str, ...]
) -> None:
    found = phrase(text)
    assert found is not None
    assert (found.verb, found.rest) == (verb, rest)


@pytest.mark.parametrize(
    "text",
    ["Does the learning rate matter?", "Where do we lose users", "sanity: check the sums", ""],
)
def test_questions_and_remarks_name_nothing(text: str) -> None:
    assert phrase(text) is None


def test_a_comment_that_says_what_the_code_does_names_it() -> None:
    source = "distinct = sorted(set(readings))"
    flow = {"returns": ("distinct",), "parameters": ("readings",)}
    assert name_of(source, comment="remove the repeated readings", **flow) == (
        "remove_repeated_readings"
    )


def test_a_question_heading_leaves_the_name_to_the_code() -> None:
    source = "spread = max(xs) - min(xs)"
    heading = "Does the spread matter?"
    assert name_of(source, returns=("spread",), heading=heading) == "compute_spread"


@pytest.mark.parametrize(
    ("markdown", "term"),
    [
        (
            "**Classification accuracy:** how often is the classifier right?",
            "Classification accuracy",
        ),
        ("**Sensitivity**: when the actual value is positive...", "Sensitivity"),
        ("__Null accuracy:__ always predicting the most frequent class", "Null accuracy"),
        ("## Errors\n\n**Error rate:** how often it is wrong", "Error rate"),
        ("**Question:** can we predict diabetes?", None),
        ("**Step 2:** fit the model", None),
        ("**Caution:** this reads the whole file", None),
        ("**Notes:** the rates are yearly", None),
        ("Comparing the **true** and **predicted** values", None),
        ("**Decrease the threshold** to catch more cases", None),
    ],
)
def test_the_term_markdown_opens_with_in_bold(markdown: str, term: str | None) -> None:
    assert lead_term(markdown) == term


@pytest.mark.parametrize(
    ("markdown", "description"),
    [
        (
            "**Sensitivity:** when the actual value is positive, how often is it right?\n\n- more",
            "When the actual value is positive, how often is it right?",
        ),
        ("**Error rate:** how often it is [wrong](https://example.org)", "How often it is wrong."),
        ("**Rate:** $x^2$ of the total", None),  # math would need escapes in a docstring
        ("**Precision:** short", None),
        ("**Question:** is it right?", None),
    ],
)
def test_what_the_markdown_says_of_its_term_is_a_sentence(
    markdown: str, description: str | None
) -> None:
    assert lead_description(markdown) == description


def test_the_term_the_markdown_above_introduces_names_the_code() -> None:
    source = "print(TP / (TP + FN))\nprint(recall_score(truth, guess))"
    flow = {"parameters": ("truth", "guess", "TP", "FN")}
    heading = "Metrics computed from a confusion matrix"
    assert name_of(source, heading=heading, lead="Sensitivity", **flow) == "report_sensitivity"


def test_a_heading_verb_the_code_contradicts_is_not_used() -> None:
    source = "print('flat runs:', longest_run(meters))"
    assert name_of(source, heading="Load & check", parameters=("meters",)) == "report_meters"


def test_copies_of_one_plot_are_told_apart_by_their_column() -> None:
    names = Names(set())
    first = Code(ast.parse("people['age'].plot.hist()").body, parameters=("people",))
    second = Code(ast.parse("people['income'].plot.hist()").body, parameters=("people",))
    assert [names.for_code(first), names.for_code(second)] == [
        "plot_people_age",
        "plot_people_income",
    ]


def test_a_taken_name_is_qualified_by_what_differs_never_numbered() -> None:
    names = Names(set())
    source = "recs = top_n(target)"
    first = Code(ast.parse(source).body, returns=("recs",), parameters=("target",))
    second = Code(ast.parse(source).body, returns=("recs",), parameters=("basket",))
    assert names.for_code(first) == "compute_recs"
    assert names.for_code(second) == "compute_recs_basket"
    third = names.for_code(Code(ast.parse(source).body, returns=("recs",)))
    assert third == "compute_recs_second"


def test_names_avoid_the_notebooks_names_builtins_and_stay_short() -> None:
    long_name = "average_daily_temperature_by_weather_station"
    code = Code(ast.parse(f"{long_name} = t.mean()").body, returns=(long_name,))
    name = Names({"compute_average_daily"}).for_code(code)
    assert len(name) <= MAX_LENGTH and name.startswith("compute_average")
    assert name != "compute_average_daily"
    assert Names(set()).unique("display") == "display_2"  # IPython's display()


@pytest.mark.parametrize(
    ("comment", "source", "names"),
    [
        ("Create an empty list to hold the grids", "grids = []\ngrids.append(grid(1))", False),
        ("Initialise the counts", "counts = np.zeros(3)\ncounts[0] += 1", False),
        ("Collect the grids", "grids = []\ngrids.append(grid(1))", True),  # the purpose
        ("Create an empty list", "grids = []", True),  # that is all the code does
        ("Create the model", "model = make()\nmodel.fit(x)", True),  # not an empty value
        ("List the stations", "stations = list(df.station)\nprint(stations)", True),
        ("Count words, store them", "counts = Counter(words)\nsave(counts)", True),
        ("An empty table to store the rows", "rows = defaultdict(list)\nrows[1] += [2]", False),
    ],
)
def test_a_comment_on_the_empty_value_code_starts_with_does_not_name_the_code(
    comment: str, source: str, names: bool
) -> None:
    found = comment_naming(comment, ast.parse(source).body)
    assert found == (comment if names else None)


def test_words_of_one_copy_leave_a_comment_and_keep_its_sentence() -> None:
    said = without_words("normalise the 'age' column, then round it", {"age"})
    assert said == "normalise the column, then round it"
