"""A corpus of synthetic data-science notebooks with planted clones and look-alike traps.

Ground truth for benchmarking duplicate detection (``nbrefactor.duplicates``). The
notebooks are nbformat 4 JSON written with :mod:`json`; the code in them is realistic
pandas / numpy / matplotlib / scikit-learn text that is never executed. Only the standard
library is needed.

Usage (from the repository root; ``benchmarks`` is not a package)::

    import sys; sys.path.insert(0, "benchmarks")
    from duplicates_corpus import build_corpus

    corpus = build_corpus(Path(tmp), notebooks=40, seed=0)
    corpus.notebooks      # list[Path]: the .ipynb files written in ``tmp``
    corpus.clones         # list[PlantedClone]: kind, family, scope, locations (2 or 3)
    corpus.clones_of("type-2")
    corpus.traps          # list[Trap]: category and location of each look-alike snippet

A :class:`Location` is ``path``, ``cell`` (index among ALL cells from 0, markdown
included, as in the file) and ``start_line`` / ``end_line`` (1-based, inclusive, within
the cell's source: from the first line of the copy's first statement to the last line of
its last statement). The same arguments always write byte-identical files.

What is in the corpus
---------------------

* **Base notebooks** (``notebooks`` of them), each about one of ten datasets (sales,
  churn, housing, sensors, ...): a title, an import cell with ``%matplotlib inline``, a
  config cell, loading (``!ls``, ``pd.read_csv``), cleaning, feature engineering, plots,
  a ``%%time`` model cell, evaluation, ``%timeit`` / ``!du`` / ``%autoreload`` cells,
  markdown headings and notes. Frame and column names, the choice and order of
  statements and the number of cells vary with a seeded RNG, so no two notebooks are
  alike. Base cells hold 1-3 statements.
* **Planted clones**, ``plants_per_type`` of each kind (by default ``notebooks`` clamped to
  30..60), made from 24 families of realistic blocks of 5-10 statements (nested
  statements counted, as nbrefactor counts them): cleaning loops, groupby-summary-plot
  sequences, train/evaluate snippets, cross-validation loops, outlier filters, date
  features, missing-value reports, file-loading loops with ``try``/``except``, ... Each
  statement of a family has 2-4 variants that differ in structure (another method, other
  arguments), and some are optional or shuffled.

  - ``type-1``: the same block pasted again, with other comments, blank lines, trailing
    comments or quote style;
  - ``type-2``: the block with variables renamed consistently (at least one) and
    literals changed (other columns of the same or another dataset, thresholds, sizes);
  - ``type-3``: a Type-2 copy with 1-2 statements added, removed or changed, anywhere in
    the block, loop and function bodies included (:attr:`PlantedClone.edits`).

  About a fifth of the plants have all copies in one cell (separated by a statement or
  a comment), a third are in two cells of one notebook, the rest across notebooks (a
  fifth of those with three copies). A copy is a cell of its own (sometimes under a
  markdown heading or ``%%time``) or is appended to an existing code cell.
* **Traps**, ``traps`` snippets (default ``max(30, notebooks)``), in turn from seven
  categories of code that looks alike but that a reviewer would not call copy-paste:

  - ``inspection``: ``df.head()`` / ``df.info()`` / ``df.describe()`` and friends, in
    random order;
  - ``config-block``: 4-7 constants (``SEED = 42``, ``TEST_SIZE = 0.2``, ...), replacing
    a notebook's config cell;
  - ``import-block``: imports, ``%matplotlib inline`` and 1-3 setup calls, replacing a
    notebook's import cell;
  - ``two-liner``: the same two statements repeated (``df = df.dropna()`` +
    ``print(df.shape)``);
  - ``plot-api``: ``plt.subplots`` / ``ax.hist`` / ``ax.set_title`` ... arranged
    differently (no two plot traps share three statements in a row or align on five);
  - ``loop-body``: ``for col in ...:`` loops, each with another body;
  - ``helper-def``: small helper functions of one skeleton, each with another body.

  Loops and helpers cycle through 12 bodies each, so they repeat only past 84 traps.
  Inspection, config, import and two-liner traps draw their statements at random, so two
  of them can be alike or even identical: that is idiomatic boilerplate, not copy-paste.

Hygiene: the generator checks what it writes with a structural fingerprint of its own
(names and literal values blanked, attribute, keyword and module names kept; the name
in ``except E as name`` ignored). A plant is drawn again until, in the cell it lands in
(with the host cell's statements or the separator around it), it shares with no other
plant, trap or base cell a run of statements holding 3 statements, and no block of it
aligns in order with another plant's or trap's block on 5 or more statements. Base cells
share no such run with each other. Both rules are stricter than nbrefactor's defaults,
so a reported class not explained by a plant or a trap is nbrefactor matching code the
generator considers unrelated.
"""

# The code templates below are one line of notebook code each; wrapping them would hide
# what the generated cells look like.
# ruff: noqa: E501

from __future__ import annotations

import ast
import functools
import io
import json
import random
import re
import tokenize
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CloneKind = Literal["type-1", "type-2", "type-3"]
KINDS: tuple[CloneKind, ...] = ("type-1", "type-2", "type-3")
SCOPES = ("same-cell", "same-notebook", "cross-notebook")
TRAP_CATEGORIES = (
    "inspection",
    "config-block",
    "import-block",
    "two-liner",
    "plot-api",
    "loop-body",
    "helper-def",
)

__all__ = [
    "KINDS",
    "TRAP_CATEGORIES",
    "Corpus",
    "Location",
    "PlantedClone",
    "Trap",
    "build_corpus",
]


# -- public data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """One copy or snippet: ``cell`` counts all cells from 0; lines are 1-based, inclusive."""

    path: Path
    cell: int
    start_line: int
    end_line: int

    def __str__(self) -> str:
        return f"{self.path.name}:cell {self.cell}:lines {self.start_line}-{self.end_line}"


@dataclass(frozen=True)
class PlantedClone:
    """A block planted two or more times.

    ``statements`` is the size of the first copy (nested statements counted, imports not);
    ``edits`` describes, for Type-3, what differs in each later copy beyond renaming.
    """

    id: int
    kind: CloneKind
    family: str
    scope: str  # "same-cell" | "same-notebook" | "cross-notebook"
    locations: tuple[Location, ...]
    statements: int
    edits: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trap:
    """A snippet that looks like others of its ``category`` but is not a copy of them."""

    id: int
    category: str
    location: Location


@dataclass
class Corpus:
    """The notebooks written under ``folder`` and the ground truth about them."""

    folder: Path
    seed: int
    notebooks: list[Path]
    clones: list[PlantedClone]
    traps: list[Trap]

    def clones_of(self, kind: str) -> list[PlantedClone]:
        return [c for c in self.clones if c.kind == kind]

    @property
    def cells(self) -> int:
        """All cells in all notebooks (computed by reading the files back)."""
        return sum(len(json.loads(p.read_text("utf-8"))["cells"]) for p in self.notebooks)


def build_corpus(
    folder: Path,
    *,
    notebooks: int = 40,
    seed: int = 0,
    plants_per_type: int | None = None,
    traps: int | None = None,
) -> Corpus:
    """Write ``notebooks`` notebooks into ``folder`` (created if needed) and return them
    with their planted clones and traps. The same arguments give byte-identical files.

    ``plants_per_type`` defaults to ``notebooks`` clamped to 30..60 (the block families
    give about 100 distinct plants per type; asking for more raises RuntimeError) and
    ``traps`` to ``max(30, notebooks)``.
    """
    if notebooks < 2:
        raise ValueError("need at least 2 notebooks")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    builder = _Builder(folder, notebooks, seed)
    builder.base()
    builder.plant_traps(traps if traps is not None else max(30, notebooks))
    per_type = plants_per_type if plants_per_type is not None else min(max(30, notebooks), 60)
    builder.plant_clones(per_type)
    return builder.write()


# -- datasets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Domain:
    name: str
    title: str
    file: str
    frames: tuple[str, ...]
    id: str
    date: str
    cats: tuple[str, ...]
    nums: tuple[str, ...]
    target: str
    task: str  # "regression" | "classification"
    text: str


_DOMAINS = (
    _Domain(
        "sales",
        "Online store sales",
        "orders.csv",
        ("df", "orders", "sales"),
        "order_id",
        "order_date",
        ("region", "category", "channel"),
        ("price", "quantity", "discount", "shipping_cost", "unit_cost"),
        "revenue",
        "regression",
        "product_name",
    ),
    _Domain(
        "churn",
        "Telecom customer churn",
        "churn.csv",
        ("df", "customers", "churn"),
        "customer_id",
        "signup_date",
        ("plan", "contract", "payment_method"),
        ("tenure_months", "monthly_charges", "total_charges", "support_calls", "data_gb"),
        "churned",
        "classification",
        "last_ticket",
    ),
    _Domain(
        "housing",
        "House prices",
        "houses.csv",
        ("df", "houses", "listings"),
        "listing_id",
        "sale_date",
        ("neighborhood", "house_style", "zoning"),
        ("sqft", "bedrooms", "bathrooms", "year_built", "lot_size"),
        "sale_price",
        "regression",
        "description",
    ),
    _Domain(
        "sensors",
        "Pump sensor failures",
        "sensors.csv",
        ("df", "readings", "sensors"),
        "device_id",
        "timestamp",
        ("site", "model", "firmware"),
        ("temperature", "humidity", "pressure", "vibration", "rpm"),
        "failure",
        "classification",
        "log_message",
    ),
    _Domain(
        "taxi",
        "City taxi trips",
        "trips.csv",
        ("df", "trips", "rides"),
        "trip_id",
        "pickup_time",
        ("borough", "vendor", "payment_type"),
        ("distance_km", "duration_min", "fare", "tip", "passengers"),
        "total_amount",
        "regression",
        "driver_note",
    ),
    _Domain(
        "clinic",
        "Hospital readmissions",
        "visits.csv",
        ("df", "visits", "patients"),
        "patient_id",
        "visit_date",
        ("ward", "diagnosis_group", "insurance"),
        ("age", "bmi", "systolic_bp", "cholesterol", "length_of_stay"),
        "readmitted",
        "classification",
        "discharge_note",
    ),
    _Domain(
        "web",
        "Website sessions",
        "sessions.csv",
        ("df", "sessions", "events"),
        "session_id",
        "event_time",
        ("channel", "device", "country"),
        ("pages", "duration_s", "scroll_depth", "clicks", "load_time_ms"),
        "converted",
        "classification",
        "landing_page",
    ),
    _Domain(
        "energy",
        "Building energy use",
        "meters.csv",
        ("df", "meters", "usage"),
        "meter_id",
        "reading_time",
        ("building", "usage_type", "climate_zone"),
        ("kwh", "outdoor_temp", "occupancy", "floor_area", "hvac_load"),
        "peak_kwh",
        "regression",
        "operator_comment",
    ),
    _Domain(
        "hr",
        "Employee attrition",
        "employees.csv",
        ("df", "staff", "employees"),
        "employee_id",
        "hire_date",
        ("department", "job_level", "office"),
        ("salary", "age", "years_at_company", "satisfaction", "overtime_hours"),
        "left_company",
        "classification",
        "exit_comment",
    ),
    _Domain(
        "reviews",
        "Product reviews",
        "reviews.csv",
        ("df", "reviews", "ratings"),
        "review_id",
        "review_date",
        ("brand", "product_type", "marketplace"),
        ("rating", "helpful_votes", "review_length", "price_paid", "photos"),
        "recommended",
        "classification",
        "review_text",
    ),
)


# -- names and literals ----------------------------------------------------------------------

_VAR_POOLS: dict[str, tuple[str, ...]] = {
    "df": ("df", "data", "frame", "dataset", "work", "tbl", "clean_df", "df_raw"),
    "df2": ("df_test", "holdout", "test_df", "valid_df", "df_new", "latest"),
    "col": ("col", "column", "name", "feature", "feat", "colname"),
    "cols": ("num_cols", "numeric_cols", "cols", "value_cols", "to_fix", "measures"),
    "cat": ("cat_cols", "categorical", "cats", "object_cols", "labels_cols"),
    "summary": ("summary", "stats", "agg", "grouped", "by_group", "overview"),
    "top": ("top", "top_n", "best", "leaders", "head_rows"),
    "fig": ("fig", "figure", "f", "fig1"),
    "ax": ("ax", "axis", "ax1", "a"),
    "axes": ("axes", "axs", "grid", "panels"),
    "model": ("model", "rf", "reg", "est", "gbm", "regressor"),
    "clf": ("clf", "classifier", "logit", "lr", "model_clf"),
    "X": ("X", "features", "X_all", "inputs"),
    "y": ("y", "labels", "y_all", "target_values"),
    "X_train": ("X_train", "Xtr", "train_X", "x_tr"),
    "X_test": ("X_test", "Xte", "test_X", "x_te"),
    "y_train": ("y_train", "ytr", "train_y", "y_tr"),
    "y_test": ("y_test", "yte", "test_y", "y_te"),
    "preds": ("preds", "pred", "y_pred", "predictions", "yhat"),
    "proba": ("proba", "probs", "scores_pos", "p_hat"),
    "score": ("score", "mae", "err", "metric", "rmse"),
    "q1": ("q1", "lo_q", "p25", "low_q"),
    "q3": ("q3", "hi_q", "p75", "high_q"),
    "iqr": ("iqr", "spread", "iq_range"),
    "lower": ("lower", "lo", "low", "floor_val"),
    "upper": ("upper", "hi", "high", "cap"),
    "mask": ("mask", "keep", "ok", "in_range", "sel"),
    "ts": ("ts", "series_df", "indexed", "by_time"),
    "daily": ("daily", "per_day", "resampled", "agg_ts"),
    "rolling": ("rolling", "smooth", "trend", "rolled"),
    "other": ("customers", "lookup", "ref", "extra", "meta"),
    "merged": ("merged", "joined", "combined", "full"),
    "corr": ("corr", "corr_mat", "cm", "c_mat"),
    "num": ("num", "numeric", "num_df", "nums"),
    "kf": ("kf", "folds", "cv", "splitter"),
    "scores": ("scores", "fold_scores", "cv_scores", "results"),
    "fold": ("fold", "i", "k", "fold_id"),
    "tr": ("tr", "train_idx", "tr_idx", "idx_tr"),
    "va": ("va", "valid_idx", "va_idx", "idx_va"),
    "m": ("m", "fold_model", "mdl", "est_k"),
    "imp": ("importances", "imp", "fi", "feat_imp"),
    "scaler": ("scaler", "sc", "std_scaler", "norm"),
    "train": ("train_df", "train", "tr_df", "df_train"),
    "test": ("test_df", "test", "te_df", "df_test2"),
    "feats": ("FEATURES", "feature_cols", "feats", "predictors"),
    "fn": ("clean_text", "normalize_text", "tidy_text", "prep_text"),
    "s": ("txt", "text", "value", "doc"),
    "frames": ("frames", "parts", "chunks", "pieces"),
    "path": ("path", "fname", "fp", "csv_path"),
    "part": ("part", "chunk", "piece", "tmp"),
    "err": ("err", "exc", "e", "error"),
    "raw": ("raw", "combined_raw", "all_rows", "stacked"),
    "cohort": ("cohort", "cohorts", "cohort_counts", "pivot"),
    "first": ("first", "first_seen", "first_month", "start"),
    "ret": ("retention", "ret", "retention_pct", "rates"),
    "table": ("table", "report", "missing_report", "na_table"),
    "miss": ("missing", "na_counts", "nulls", "n_missing"),
    "pct": ("missing_pct", "na_pct", "pct", "null_share"),
    "drop": ("drop_cols", "to_drop", "sparse_cols", "dropped"),
    "rare": ("rare", "rare_vals", "infrequent", "small"),
    "counts": ("counts", "vc", "freq", "value_freq"),
    "key": ("key", "group", "g", "level"),
    "sub": ("sub", "part_df", "subset", "grp_df"),
    "res": ("res", "rows", "records", "out_rows"),
    "out": ("out", "result", "table_out", "res_df"),
    "bins": ("bins", "edges", "cut_points", "breaks"),
    "labels": ("bin_labels", "names_", "tiers", "band_names"),
    "pivot": ("pv", "pivot_tbl", "wide", "crosstab"),
    "lag": ("lagged", "with_lags", "lag_df", "shifted"),
    "grid": ("param_grid", "grid_params", "search_space", "params"),
    "search": ("search", "gs", "grid_search", "tuner"),
    "best": ("best", "best_model", "winner", "tuned"),
    "enc": ("encoder", "enc", "ohe", "one_hot"),
    "encoded": ("encoded", "enc_arr", "dummies", "onehot"),
}

_NUM_POOLS: dict[str, tuple[Any, ...]] = {
    "k_bins": (20, 30, 40, 50, 60),
    "k_test": (0.2, 0.25, 0.3, 0.15),
    "k_seed": (0, 1, 7, 42, 123, 2024),
    "k_w": (8, 10, 12, 14),
    "k_h": (4, 5, 6, 7),
    "k_qlo": (0.25, 0.05, 0.1, 0.01),
    "k_qhi": (0.75, 0.95, 0.9, 0.99),
    "k_iqr": (1.5, 2.0, 3.0, 2.5),
    "k_n": (5, 10, 15, 20),
    "k_est": (100, 200, 300, 500),
    "k_depth": (4, 6, 8, 10),
    "k_thr": (0.5, 0.4, 0.6, 0.35),
    "k_window": (7, 14, 28, 30),
    "k_min": (10, 20, 50, 100),
    "k_pct": (30, 40, 50, 60),
    "k_folds": (3, 5, 10),
    "k_alpha": (0.3, 0.4, 0.5, 0.6),
    "k_lr": (0.05, 0.1, 0.03),
    "k_c": (0.1, 0.5, 1.0, 2.0),
    "k_iter": (500, 1000, 2000),
    "k_round": (1, 2, 3),
    "k_lags": (3, 7, 14),
    "k_cap": (1000, 5000, 10000),
    "k_dpi": (100, 120, 150),
}

_STR_POOLS: dict[str, tuple[str, ...]] = {
    "s_color": ("steelblue", "tab:blue", "darkorange", "seagreen", "gray", "slateblue"),
    "s_cmap": ("coolwarm", "viridis", "RdBu_r", "magma", "Blues"),
    "s_freq": ("D", "W", "MS", "H"),
    "s_file": ("customers.csv", "lookup.csv", "regions.csv", "targets.csv", "extra.csv"),
    "s_method": ("spearman", "pearson", "kendall"),
    "s_other": ("other", "rare", "misc", "OTHER"),
    "s_how": ("left", "inner"),
    "s_dir": ("data/raw", "input", "exports/daily", "data/parts"),
    "s_out": ("figures", "plots", "out", "reports"),
    "s_style": ("--", ":", "-."),
}

#: Names the templates use literally (comprehension and lambda variables): never a
#: variable's value, so that a renamed copy stays a consistent renaming.
_RESERVED = frozenset({"c", "s", "t", "d", "w", "fig_path"})
_PLACEHOLDER = re.compile(r"<([A-Za-z][A-Za-z0-9_]*)>")


class _Names:
    """Values for the placeholders of a template, fixed on first use.

    ``<df>``-style keys are variables, ``<col_num0>`` domain columns (``num0``-``num4``,
    ``cat0``-``cat2``, ``date``, ``target``, ``id``, ``text``), ``<k_bins>`` numbers and
    ``<s_color>`` strings. A copy made with ``renamed`` renames variables and changes
    literals; with ``same`` it is identical.
    """

    def __init__(
        self,
        rng: random.Random,
        domain: _Domain,
        fixed: dict[str, str] | None = None,
        base: _Names | None = None,
    ) -> None:
        self.rng = rng
        self.domain = domain
        self.values: dict[str, str] = dict(fixed or {})
        self.base = base
        nums, cats = list(domain.nums), list(domain.cats)
        rng.shuffle(nums)
        rng.shuffle(cats)
        self.columns = {f"num{i}": c for i, c in enumerate(nums)}
        self.columns.update({f"cat{i}": c for i, c in enumerate(cats)})
        self.columns.update(date=domain.date, target=domain.target, id=domain.id, text=domain.text)

    def renamed(self, rng: random.Random, domain: _Domain) -> _Names:
        return _Names(rng, domain, base=self)

    def __call__(self, key: str) -> str:
        if key not in self.values:
            self.values[key] = self._new(key)
        return self.values[key]

    def _new(self, key: str) -> str:
        rng, base = self.rng, self.base
        if key.startswith("col_"):
            return self.columns[key[4:]]
        if key.startswith("k_"):
            numbers = [repr(v) for v in _NUM_POOLS.get(key, (2, 3, 5, 8, 13))]
            if base is not None and rng.random() < 0.3:
                return base(key)
            return rng.choice([v for v in numbers if base is None or v != base(key)] or numbers)
        if key.startswith("s_"):
            strings = list(_STR_POOLS[key])
            if base is not None and rng.random() < 0.3:
                return base(key)
            return rng.choice([v for v in strings if base is None or v != base(key)] or strings)
        names = _VAR_POOLS.get(key, (key, f"{key}_df", f"{key}2", f"tmp_{key}"))
        pool = [v for v in names if v not in _RESERVED]
        taken = {v for k, v in self.values.items() if not k.startswith(("col_", "k_", "s_"))}
        if base is not None:
            old = base(key)
            if rng.random() < 0.25 and old not in taken:
                return old
            fresh = [v for v in pool if v != old and v not in taken]
        else:
            fresh = [v for v in pool if v not in taken]
        if fresh:
            return rng.choice(fresh)
        n = 2
        while f"{pool[0]}_{n}" in taken:
            n += 1
        return f"{pool[0]}_{n}"


def _fill(template: str, names: Callable[[str], str]) -> str:
    return _PLACEHOLDER.sub(lambda m: names(m.group(1)), template)


# -- block templates -------------------------------------------------------------------------


@dataclass
class _S:
    """A simple statement: one template per variant (variants differ in structure)."""

    variants: tuple[str, ...]
    optional: bool = False


@dataclass
class _C:
    """A compound statement: header variants, body, and extra clauses (else/except)."""

    header: tuple[str, ...]
    body: list[_Node]
    clauses: list[tuple[str, list[_Node]]] = field(default_factory=list)
    optional: bool = False


_Node = _S | _C


def S(*variants: str, opt: bool = False) -> _S:
    return _S(tuple(variants), opt)


def C(
    header: str | tuple[str, ...],
    body: Sequence[_Node],
    *clauses: tuple[str, Sequence[_Node]],
    opt: bool = False,
) -> _C:
    return _C(
        (header,) if isinstance(header, str) else header,
        list(body),
        [(h, list(b)) for h, b in clauses],
        opt,
    )


@dataclass
class _Stmt:
    """A statement of a concrete block: the chosen variant, and for compounds the body."""

    variants: tuple[str, ...]
    choice: int
    body: list[_Stmt] | None = None
    clauses: list[tuple[str, list[_Stmt]]] = field(default_factory=list)

    def copy(self) -> _Stmt:
        return _Stmt(
            self.variants,
            self.choice,
            None if self.body is None else [s.copy() for s in self.body],
            [(h, [s.copy() for s in b]) for h, b in self.clauses],
        )


def _instantiate(nodes: list[_Node], r: random.Random) -> list[_Stmt]:
    out: list[_Stmt] = []
    for node in nodes:
        if node.optional and r.random() < 0.4:
            continue
        if isinstance(node, _S):
            out.append(_Stmt(node.variants, r.randrange(len(node.variants))))
        else:
            body = _instantiate(node.body, r) or [_Stmt(("pass",), 0)]
            clauses = [(h, _instantiate(b, r) or [_Stmt(("pass",), 0)]) for h, b in node.clauses]
            out.append(_Stmt(node.header, r.randrange(len(node.header)), body, clauses))
    return out


def _render(stmts: list[_Stmt], names: Callable[[str], str], indent: str = "") -> list[str]:
    lines: list[str] = []
    for st in stmts:
        text = _fill(st.variants[st.choice], names)
        lines.extend(indent + line if line else line for line in text.split("\n"))
        if st.body is not None:
            lines.extend(_render(st.body, names, indent + "    "))
            for header, body in st.clauses:
                lines.append(indent + _fill(header, names))
                lines.extend(_render(body, names, indent + "    "))
    return lines


def _pick(r: random.Random, nodes: list[_Node], low: int, high: int) -> list[_Node]:
    """A random ordered subset of ``nodes`` of ``low`` to ``high`` items."""
    k = r.randint(low, min(high, len(nodes)))
    chosen = sorted(r.sample(range(len(nodes)), k))
    return [nodes[i] for i in chosen]


# Each family returns a block template; the structure RNG picks variants and options.
# Variants of one statement differ in structure (another method, other arguments), so
# two plants of one family rarely share three statements in a row.
# Placeholders: see _Names. Comparisons are written with spaces (`a < b`), never `a<b>`.


def _shuffled(r: random.Random, nodes: list[_Node]) -> list[_Node]:
    out = list(nodes)
    r.shuffle(out)
    return out


def _cols(r: random.Random, low: int, high: int) -> str:
    return ", ".join(f'"<col_num{i}>"' for i in range(r.randint(low, high)))


_SUBPLOTS = (
    "<fig>, <ax> = plt.subplots(figsize=(<k_w>, <k_h>))",
    "<fig>, <ax> = plt.subplots(1, 1, figsize=(<k_w>, <k_h>), dpi=<k_dpi>)",
    "<fig> = plt.figure(figsize=(<k_w>, <k_h>)); <ax> = <fig>.add_subplot(111)",
    "<fig>, <ax> = plt.subplots(constrained_layout=True)",
)
_FINISH = (
    "plt.show()",
    'plt.savefig("<s_out>/<col_num0>.png", dpi=<k_dpi>)',
    'fig_path = "<s_out>/<col_num0>.png"; plt.savefig(fig_path)',
)


def _fam_cleaning_loop(r: random.Random) -> list[_Node]:
    body = _pick(
        r,
        [
            S(
                '<df>[<col>] = pd.to_numeric(<df>[<col>], errors="coerce")',
                "<df>[<col>] = <df>[<col>].astype(float)",
                '<df>[<col>] = <df>[<col>].astype(str).str.replace(",", "").astype(float)',
            ),
            S(
                "<df>[<col>] = <df>[<col>].fillna(<df>[<col>].median())",
                "<df>[<col>] = <df>[<col>].fillna(<df>[<col>].mean())",
                "<df>[<col>] = <df>[<col>].fillna(0)",
                '<df>[<col>] = <df>[<col>].interpolate(limit_direction="both")',
            ),
            S(
                "<df>[<col>] = <df>[<col>].clip(lower=0)",
                "<df>[<col>] = <df>[<col>].clip(<df>[<col>].quantile(<k_qlo>), <df>[<col>].quantile(<k_qhi>))",
                "<df>[<col>] = np.clip(<df>[<col>], 0, <k_cap>)",
            ),
            S(
                "<df>.loc[<df>[<col>] < 0, <col>] = np.nan",
                "<df>[<col>] = <df>[<col>].where(<df>[<col>] >= 0)",
                "<df>[<col>] = <df>[<col>].mask(<df>[<col>] < 0)",
            ),
            S(
                "<df>[<col>] = <df>[<col>].round(<k_round>)",
                '<df>[<col>] = <df>[<col>].astype("float32")',
            ),
        ],
        2,
        4,
    )
    return [
        S(
            f"<cols> = [{_cols(r, 2, 4)}]",
            '<cols> = <df>.select_dtypes(include="number").columns.tolist()',
            '<cols> = [c for c in <df>.columns if <df>[c].dtype.kind in "if"]',
        ),
        S('print("rows before:", len(<df>))', "<n_before> = len(<df>)", opt=True),
        C(("for <col> in <cols>:", "for <col> in tqdm(<cols>):"), _shuffled(r, body)),
        *_shuffled(
            r,
            _pick(
                r,
                [
                    S(
                        "<df> = <df>.drop_duplicates()",
                        '<df> = <df>.drop_duplicates(subset=["<col_id>"])',
                        '<df> = <df>.drop_duplicates(keep="last")',
                    ),
                    S(
                        '<df> = <df>.dropna(subset=["<col_target>"])',
                        "<df> = <df>[<df>[<cols>].notna().all(axis=1)]",
                    ),
                    S(
                        "<df> = <df>.reset_index(drop=True)",
                        "<df>.reset_index(drop=True, inplace=True)",
                    ),
                    S(
                        "print(<df>[<cols>].isna().sum())",
                        "<df>[<cols>].describe().T",
                        "assert <df>[<cols>].notna().all().all()",
                    ),
                ],
                2,
                4,
            ),
        ),
    ]


def _fam_groupby_plot(r: random.Random) -> list[_Node]:
    aggs = r.choice(
        ['["mean", "median", "count"]', '["mean", "count"]', '["mean", "std", "count", "max"]']
    )
    return [
        S(
            f'<summary> = <df>.groupby("<col_cat0>")["<col_num0>"].agg({aggs})',
            '<summary> = <df>.groupby(["<col_cat0>", "<col_cat1>"])["<col_num0>"].agg(["mean", "count"]).reset_index()',
            '<summary> = <df>.groupby("<col_cat0>").agg(mean=("<col_num0>", "mean"), count=("<col_num0>", "size"))',
            '<summary> = <df>.pivot_table(index="<col_cat0>", values="<col_num0>", aggfunc=["mean", "count"])',
        ),
        S(
            '<summary> = <summary>.sort_values("mean", ascending=False)',
            '<summary> = <summary>.sort_values(by="mean")',
            "<summary> = <summary>.sort_index()",
        ),
        S(
            '<summary>["share"] = <summary>["count"] / <summary>["count"].sum()',
            '<summary>["mean"] = <summary>["mean"].round(<k_round>)',
            '<summary> = <summary>[<summary>["count"] >= <k_min>]',
            opt=True,
        ),
        S(
            "<top> = <summary>.head(<k_n>)",
            '<top> = <summary>.nlargest(<k_n>, "mean")',
            "<top> = <summary>.iloc[:<k_n>]",
        ),
        S(*_SUBPLOTS),
        S(
            '<top>["mean"].plot(kind="bar", ax=<ax>, color="<s_color>")',
            '<ax>.bar(<top>.index.astype(str), <top>["mean"], color="<s_color>")',
            'sns.barplot(data=<top>.reset_index(), x="<col_cat0>", y="mean", ax=<ax>)',
            '<top>.plot.barh(y="mean", ax=<ax>, legend=False)',
        ),
        *_shuffled(
            r,
            _pick(
                r,
                [
                    S(
                        '<ax>.set_title("Mean <col_num0> by <col_cat0>")',
                        '<ax>.set_title(f"<col_num0> by <col_cat0> (n={len(<df>)})")',
                    ),
                    S('<ax>.set_ylabel("<col_num0>")', '<ax>.set(ylabel="<col_num0>", xlabel="")'),
                    S(
                        '<ax>.tick_params(axis="x", rotation=45)',
                        'plt.xticks(rotation=45, ha="right")',
                        '<ax>.bar_label(<ax>.containers[0], fmt="%.1f")',
                    ),
                ],
                1,
                3,
            ),
        ),
        S("plt.tight_layout()", "<fig>.tight_layout()", opt=True),
        S(*_FINISH),
    ]


def _fam_train_eval(r: random.Random) -> list[_Node]:
    return [
        S(
            "<X> = <df>[<feats>]",
            '<X> = <df>.drop(columns=["<col_target>", "<col_id>"])',
            '<X> = <df>.select_dtypes("number").drop(columns="<col_target>")',
        ),
        S(
            '<y> = <df>["<col_target>"]',
            '<y> = np.log1p(<df>["<col_target>"])',
            '<y> = <df>.pop("<col_target>")',
        ),
        S(
            "<X_train>, <X_test>, <y_train>, <y_test> = train_test_split(<X>, <y>, test_size=<k_test>, random_state=<k_seed>)",
            "<X_train>, <X_test>, <y_train>, <y_test> = train_test_split(<X>, <y>, test_size=<k_test>, shuffle=False)",
            "<X_train>, <X_test>, <y_train>, <y_test> = train_test_split(<X>.values, <y>.values, train_size=0.8)",
        ),
        S(
            "<model> = RandomForestRegressor(n_estimators=<k_est>, max_depth=<k_depth>, random_state=<k_seed>)",
            "<model> = GradientBoostingRegressor(n_estimators=<k_est>, learning_rate=<k_lr>)",
            "<model> = Ridge(alpha=<k_alpha>)",
            "<model> = make_pipeline(StandardScaler(), Lasso(alpha=<k_alpha>))",
        ),
        S(
            "<model>.fit(<X_train>, <y_train>)",
            "<model>.fit(<X_train>.fillna(0), <y_train>)",
            "<model> = <model>.fit(<X_train>, <y_train>)",
        ),
        S(
            "<preds> = <model>.predict(<X_test>)",
            "<preds> = <model>.predict(<X_test>).clip(0)",
            "<preds> = np.expm1(<model>.predict(<X_test>))",
        ),
        *_shuffled(
            r,
            _pick(
                r,
                [
                    S(
                        "<score> = mean_absolute_error(<y_test>, <preds>)",
                        "<score> = mean_squared_error(<y_test>, <preds>) ** 0.5",
                        "<score> = np.mean(np.abs(<y_test> - <preds>) / <y_test>)",
                    ),
                    S(
                        'print(f"R2 = {r2_score(<y_test>, <preds>):.3f}")',
                        'print("R2:", round(r2_score(<y_test>, <preds>), <k_round>))',
                    ),
                    S(
                        'print(f"train score {<model>.score(<X_train>, <y_train>):.3f}")',
                        'print("test score", <model>.score(<X_test>, <y_test>))',
                    ),
                ],
                1,
                3,
            ),
        ),
    ]


def _fam_iqr_outliers(r: random.Random) -> list[_Node]:
    return [
        S(
            '<q1> = <df>["<col_num0>"].quantile(<k_qlo>)',
            '<q1> = np.percentile(<df>["<col_num0>"].dropna(), 25)',
            '<q1> = <df>["<col_num0>"].describe()["25%"]',
        ),
        S(
            '<q3> = <df>["<col_num0>"].quantile(<k_qhi>)',
            '<q3> = np.percentile(<df>["<col_num0>"].dropna(), 75)',
            '<q3> = <df>["<col_num0>"].describe()["75%"]',
        ),
        S("<iqr> = <q3> - <q1>", "<iqr> = float(<q3> - <q1>)", "<iqr> = abs(<q3> - <q1>)"),
        S(
            "<lower> = <q1> - <k_iqr> * <iqr>",
            "<lower> = max(<q1> - <k_iqr> * <iqr>, 0)",
            "<lower> = <q1> - <iqr> * <k_iqr> if <iqr> > 0 else <q1>",
        ),
        S("<upper> = <q3> + <k_iqr> * <iqr>", "<upper> = min(<q3> + <k_iqr> * <iqr>, <k_cap>)"),
        S(
            '<mask> = <df>["<col_num0>"].between(<lower>, <upper>)',
            '<mask> = (<df>["<col_num0>"] >= <lower>) & (<df>["<col_num0>"] <= <upper>)',
            '<mask> = ~((<df>["<col_num0>"] < <lower>) | (<df>["<col_num0>"] > <upper>))',
        ),
        S(
            'print(f"dropping {(~<mask>).sum()} of {len(<df>)} rows")',
            'print("outliers:", (~<mask>).sum())',
            "<n_out> = int((~<mask>).sum())",
            opt=True,
        ),
        S(
            "<df> = <df>[<mask>].copy()",
            "<df> = <df>.loc[<mask>].reset_index(drop=True)",
            "<df> = <df>.drop(index=<df>.index[~<mask>])",
        ),
    ]


def _fam_date_features(r: random.Random) -> list[_Node]:
    parts = _pick(
        r,
        [
            S(
                '<df>["year"] = <df>["<col_date>"].dt.year',
                '<df>["year"] = <df>["<col_date>"].dt.strftime("%Y").astype(int)',
            ),
            S(
                '<df>["month"] = <df>["<col_date>"].dt.month',
                '<df>["month"] = <df>["<col_date>"].dt.to_period("M")',
                '<df>["month"] = <df>["<col_date>"].dt.month_name().str[:3]',
            ),
            S(
                '<df>["dayofweek"] = <df>["<col_date>"].dt.dayofweek',
                '<df>["weekday"] = <df>["<col_date>"].dt.day_name()',
                '<df>["dow"] = <df>["<col_date>"].dt.weekday.astype("int8")',
            ),
            S(
                '<df>["hour"] = <df>["<col_date>"].dt.hour',
                '<df>["hour"] = <df>["<col_date>"].dt.floor("h").dt.hour',
            ),
            S(
                '<df>["quarter"] = <df>["<col_date>"].dt.quarter',
                '<df>["week"] = <df>["<col_date>"].dt.isocalendar().week',
            ),
            S('<df>["is_month_end"] = <df>["<col_date>"].dt.is_month_end'),
        ],
        3,
        5,
    )
    return [
        S(
            '<df>["<col_date>"] = pd.to_datetime(<df>["<col_date>"], errors="coerce")',
            '<df>["<col_date>"] = pd.to_datetime(<df>["<col_date>"], format="%Y-%m-%d %H:%M:%S")',
            '<df>["<col_date>"] = pd.to_datetime(<df>["<col_date>"], utc=True).dt.tz_convert(None)',
        ),
        S(
            '<df> = <df>.dropna(subset=["<col_date>"])',
            '<df> = <df>[<df>["<col_date>"].notna()]',
            opt=True,
        ),
        *_shuffled(r, parts),
        S(
            '<df>["is_weekend"] = <df>["<col_date>"].dt.dayofweek.isin([5, 6]).astype(int)',
            '<df>["is_weekend"] = (<df>["<col_date>"].dt.dayofweek >= 5).astype(int)',
            '<df>["is_weekend"] = np.where(<df>["<col_date>"].dt.dayofweek > 4, 1, 0)',
            opt=True,
        ),
        S(
            '<df>["days_since"] = (<df>["<col_date>"].max() - <df>["<col_date>"]).dt.days',
            '<df>["days_since"] = (pd.Timestamp("today") - <df>["<col_date>"]).dt.days',
            opt=True,
        ),
    ]


def _fam_missing_report(r: random.Random) -> list[_Node]:
    return [
        S(
            "<miss> = <df>.isna().sum()",
            "<miss> = <df>.isnull().sum().sort_values(ascending=False)",
            "<miss> = <df>.shape[0] - <df>.count()",
        ),
        S("<miss> = <miss>[<miss> > 0]", "<miss> = <miss>.loc[lambda s: s > 0]"),
        S(
            "<pct> = (<miss> / len(<df>) * 100).round(<k_round>)",
            "<pct> = <miss> / <df>.shape[0] * 100",
            "<pct> = <miss>.div(len(<df>)).mul(100)",
        ),
        S(
            '<table> = pd.DataFrame({"missing": <miss>, "pct": <pct>})',
            '<table> = pd.concat([<miss>, <pct>], axis=1, keys=["missing", "pct"])',
            '<table> = <miss>.to_frame("missing").assign(pct=<pct>)',
        ),
        S(
            "print(<table>.to_string())",
            "display(<table>)",
            '<table>.style.background_gradient(subset=["pct"])',
            opt=True,
        ),
        S(
            '<drop> = <table>[<table>["pct"] > <k_pct>].index.tolist()',
            '<drop> = list(<table>.query("pct > <k_pct>").index)',
        ),
        S('print("dropping", <drop>)', 'print(f"dropping {len(<drop>)} columns")', opt=True),
        S("<df> = <df>.drop(columns=<drop>)", "<df>.drop(columns=<drop>, inplace=True)"),
    ]


def _fam_encode_categoricals(r: random.Random) -> list[_Node]:
    body = _pick(
        r,
        [
            S(
                "<df>[<col>] = <df>[<col>].astype(str).str.strip().str.lower()",
                "<df>[<col>] = <df>[<col>].str.upper()",
                '<df>[<col>] = <df>[<col>].fillna("missing")',
            ),
            S(
                "<counts> = <df>[<col>].value_counts()",
                "<counts> = <df>[<col>].value_counts(normalize=True)",
            ),
            S(
                "<rare> = <counts>[<counts> < <k_min>].index",
                "<rare> = <counts>.index[<counts> < <k_min>]",
                "<rare> = set(<counts>[<counts> < <k_min>].index)",
            ),
            S(
                '<df>.loc[<df>[<col>].isin(<rare>), <col>] = "<s_other>"',
                '<df>[<col>] = <df>[<col>].where(~<df>[<col>].isin(<rare>), "<s_other>")',
                '<df>[<col>] = <df>[<col>].replace(list(<rare>), "<s_other>")',
            ),
            S("print(<col>, <df>[<col>].nunique())"),
        ],
        3,
        4,
    )
    return [
        S(
            '<cat> = <df>.select_dtypes(include="object").columns.tolist()',
            '<cat> = ["<col_cat0>", "<col_cat1>"]',
            '<cat> = [c for c in <df>.columns if <df>[c].dtype == "object"]',
        ),
        C(("for <col> in <cat>:", "for <col> in sorted(<cat>):"), body),
        S(
            "<df> = pd.get_dummies(<df>, columns=<cat>, drop_first=True)",
            "<df> = pd.get_dummies(<df>, columns=<cat>, dtype=int)",
            "<df> = <df>.join(pd.get_dummies(<df>[<cat>])).drop(columns=<cat>)",
        ),
        S("print(<df>.shape)", "<df>.shape", opt=True),
    ]


def _fam_cross_validation(r: random.Random) -> list[_Node]:
    body = [
        S(
            "<m> = GradientBoostingRegressor(n_estimators=<k_est>, random_state=<k_seed>)",
            "<m> = RandomForestRegressor(n_estimators=<k_est>, n_jobs=-1)",
            "<m> = clone(<model>)",
        ),
        S("<m>.fit(<X>.iloc[<tr>], <y>.iloc[<tr>])", "<m>.fit(<X>[<tr>], <y>[<tr>])"),
        S("<preds> = <m>.predict(<X>.iloc[<va>])", "<preds> = <m>.predict(<X>[<va>])"),
        S(
            "<scores>.append(mean_squared_error(<y>.iloc[<va>], <preds>) ** 0.5)",
            "<scores>.append(mean_absolute_error(<y>.iloc[<va>], <preds>))",
            "<scores>.append(r2_score(<y>[<va>], <preds>))",
        ),
        S(
            'print(f"fold {<fold>}: {<scores>[-1]:.3f}")',
            "print(<fold>, round(<scores>[-1], 3))",
            opt=True,
        ),
    ]
    return [
        S(
            "<kf> = KFold(n_splits=<k_folds>, shuffle=True, random_state=<k_seed>)",
            "<kf> = StratifiedKFold(n_splits=<k_folds>)",
            "<kf> = TimeSeriesSplit(n_splits=<k_folds>)",
        ),
        S("<scores> = []"),
        C(
            (
                "for <fold>, (<tr>, <va>) in enumerate(<kf>.split(<X>)):",
                "for <fold>, (<tr>, <va>) in enumerate(<kf>.split(<X>, <y>), start=1):",
            ),
            body,
        ),
        S(
            'print("mean", np.mean(<scores>), "std", np.std(<scores>))',
            'print(f"CV: {np.mean(<scores>):.3f} +/- {np.std(<scores>):.3f}")',
            "<cv_summary> = pd.Series(<scores>).describe()",
        ),
    ]


def _fam_resample(r: random.Random) -> list[_Node]:
    return [
        S(
            '<ts> = <df>.set_index("<col_date>").sort_index()',
            '<ts> = <df>.sort_values("<col_date>").set_index("<col_date>")',
            '<ts> = <df>.set_index(pd.DatetimeIndex(<df>["<col_date>"]))',
        ),
        S(
            '<daily> = <ts>["<col_num0>"].resample("<s_freq>").sum()',
            '<daily> = <ts>["<col_num0>"].resample("<s_freq>").mean().interpolate()',
            '<daily> = <ts>.groupby(pd.Grouper(freq="<s_freq>"))["<col_num0>"].sum()',
        ),
        S(
            "<rolling> = <daily>.rolling(window=<k_window>, min_periods=1).mean()",
            "<rolling> = <daily>.ewm(span=<k_window>).mean()",
            "<rolling> = <daily>.rolling(<k_window>, center=True).median()",
        ),
        S(*_SUBPLOTS),
        S(
            '<daily>.plot(ax=<ax>, alpha=<k_alpha>, label="raw")',
            "<ax>.plot(<daily>.index, <daily>.values, lw=1, alpha=<k_alpha>)",
        ),
        S(
            '<rolling>.plot(ax=<ax>, color="<s_color>", label="smoothed")',
            '<ax>.plot(<rolling>.index, <rolling>.values, color="<s_color>", lw=2)',
        ),
        S("<ax>.legend()", '<ax>.legend(loc="upper left")', opt=True),
        S('<ax>.set_title("<col_num0> over time")', '<ax>.set_ylabel("<col_num0>")', opt=True),
        S(*_FINISH),
    ]


def _fam_merge_aggregate(r: random.Random) -> list[_Node]:
    return [
        S(
            '<other> = pd.read_csv("data/<s_file>")',
            '<other> = pd.read_csv(DATA_DIR / "<s_file>", usecols=["<col_id>", "segment"])',
            '<other> = pd.read_parquet("data/<s_file>".replace(".csv", ".parquet"))',
        ),
        S(
            '<merged> = <df>.merge(<other>, on="<col_id>", how="<s_how>")',
            '<merged> = pd.merge(<df>, <other>, on="<col_id>", how="<s_how>", validate="m:1")',
            '<merged> = <df>.join(<other>.set_index("<col_id>"), on="<col_id>")',
        ),
        S(
            '<merged>["segment"] = <merged>["segment"].fillna("unknown")',
            'print(<merged>["segment"].isna().mean())',
            opt=True,
        ),
        S(
            '<out> = <merged>.groupby("segment").agg(n=("<col_id>", "nunique"), total=("<col_num0>", "sum"))',
            '<out> = <merged>.groupby("segment")["<col_num0>"].agg(["count", "sum"])',
            '<out> = <merged>.pivot_table(index="segment", values="<col_num0>", aggfunc=["count", "sum"])',
        ),
        S(
            '<out>["avg"] = <out>["total"] / <out>["n"]',
            '<out> = <out>.assign(avg=lambda t: t["total"] / t["n"])',
        ),
        S(
            '<out> = <out>.sort_values("total", ascending=False)',
            '<out> = <out>.sort_values(by=["total"])',
        ),
        S(
            '<out>["cum_share"] = <out>["total"].cumsum() / <out>["total"].sum()',
            '<out>["rank"] = <out>["total"].rank(ascending=False)',
            opt=True,
        ),
        S("<out>.head(<k_n>)", "print(<out>.head(<k_n>))", "<out>.round(<k_round>)"),
    ]


def _fam_correlation(r: random.Random) -> list[_Node]:
    return [
        S(
            '<num> = <df>.select_dtypes(include="number")',
            '<num> = <df>[["<col_num0>", "<col_num1>", "<col_num2>", "<col_target>"]]',
            "<num> = <df>._get_numeric_data()",
        ),
        S(
            '<corr> = <num>.corr(method="<s_method>")',
            "<corr> = <num>.corr()",
            "<corr> = <num>.corr(min_periods=<k_min>)",
        ),
        S(
            "<mask> = np.triu(np.ones_like(<corr>, dtype=bool))",
            "<mask> = np.tril(np.ones(<corr>.shape)).astype(bool)",
            opt=True,
        ),
        S(*_SUBPLOTS),
        S(
            'sns.heatmap(<corr>, cmap="<s_cmap>", center=0, annot=True, fmt=".2f", ax=<ax>)',
            '<im> = <ax>.imshow(<corr>, cmap="<s_cmap>", vmin=-1, vmax=1)',
            "sns.heatmap(<corr>, vmin=-1, vmax=1, square=True, linewidths=0.5)",
        ),
        S('<ax>.set_title("Correlation (<s_method>)")', 'plt.title("Correlation matrix")'),
        S(*_FINISH),
        S(
            '<corr>["<col_target>"].drop("<col_target>").sort_values(key=abs, ascending=False)',
            "print(<corr>.abs().unstack().sort_values(ascending=False).head(<k_n>))",
            opt=True,
        ),
    ]


def _fam_text_clean(r: random.Random) -> list[_Node]:
    body = [
        S(
            "<s> = <s>.lower()",
            "<s> = str(<s>).lower()",
            '<s> = unicodedata.normalize("NFKD", <s>).lower()',
        ),
        S(
            '<s> = re.sub(r"[^a-z0-9 ]", " ", <s>)',
            "<s> = <s>.translate(str.maketrans('', '', string.punctuation))",
            '<s> = re.sub(r"http\\S+", "", <s>)',
        ),
        S(
            '<s> = re.sub(r"\\s+", " ", <s>).strip()',
            "<s> = ' '.join(<s>.split())",
            "<s> = ' '.join(w for w in <s>.split() if w not in STOPWORDS)",
        ),
        S("return <s>", "return <s> or None"),
    ]
    return [
        C(("def <fn>(<s>):", "def <fn>(<s>: str) -> str:"), body),
        S(
            '<df>["text_clean"] = <df>["<col_text>"].fillna("").apply(<fn>)',
            '<df>["text_clean"] = <df>["<col_text>"].astype(str).map(<fn>)',
            '<df>["text_clean"] = [<fn>(t) for t in <df>["<col_text>"].fillna("")]',
        ),
        *_shuffled(
            r,
            _pick(
                r,
                [
                    S(
                        '<df>["n_words"] = <df>["text_clean"].str.split().str.len()',
                        '<df>["n_words"] = <df>["text_clean"].str.count(" ") + 1',
                    ),
                    S(
                        '<df>["n_chars"] = <df>["text_clean"].str.len()',
                        '<df>["n_chars"] = <df>["text_clean"].apply(len)',
                    ),
                    S('<df>["has_digit"] = <df>["text_clean"].str.contains(r"\\d")'),
                ],
                1,
                3,
            ),
        ),
    ]


def _fam_classification_eval(r: random.Random) -> list[_Node]:
    return [
        S(
            "<clf> = LogisticRegression(max_iter=<k_iter>, C=<k_c>)",
            '<clf> = RandomForestClassifier(n_estimators=<k_est>, class_weight="balanced")',
            "<clf> = HistGradientBoostingClassifier(learning_rate=<k_lr>)",
        ),
        S("<clf>.fit(<X_train>, <y_train>)", "<clf>.fit(<X_train>.values, <y_train>.values)"),
        S(
            "<proba> = <clf>.predict_proba(<X_test>)[:, 1]",
            "<proba> = <clf>.decision_function(<X_test>)",
        ),
        S(
            "<preds> = (<proba> >= <k_thr>).astype(int)",
            "<preds> = <clf>.predict(<X_test>)",
            "<preds> = np.where(<proba> > <k_thr>, 1, 0)",
        ),
        S(
            "print(classification_report(<y_test>, <preds>))",
            "print(classification_report(<y_test>, <preds>, digits=3))",
            'print("accuracy", accuracy_score(<y_test>, <preds>))',
        ),
        S(
            "<score> = roc_auc_score(<y_test>, <proba>)",
            "<score> = average_precision_score(<y_test>, <proba>)",
        ),
        S(
            "ConfusionMatrixDisplay.from_predictions(<y_test>, <preds>)",
            "ConfusionMatrixDisplay(confusion_matrix(<y_test>, <preds>)).plot()",
            'sns.heatmap(confusion_matrix(<y_test>, <preds>), annot=True, fmt="d")',
            opt=True,
        ),
        S('plt.title(f"AUC = {<score>:.3f}")', 'print("score:", round(<score>, 4))', opt=True),
        S("plt.show()", opt=True),
    ]


def _fam_scale_split(r: random.Random) -> list[_Node]:
    return [
        S(
            f"<feats> = [{_cols(r, 2, 4)}]",
            '<feats> = <df>.select_dtypes("number").columns.drop("<col_target>")',
        ),
        S(
            '<train>, <test> = train_test_split(<df>, test_size=<k_test>, stratify=<df>["<col_target>"], random_state=<k_seed>)',
            "<train>, <test> = train_test_split(<df>, test_size=<k_test>, random_state=<k_seed>)",
            '<train>, <test> = <df>[<df>["<col_date>"] < "2023-01-01"], <df>[<df>["<col_date>"] >= "2023-01-01"]',
        ),
        S("<train> = <train>.copy()", "<test> = <test>.copy()", opt=True),
        S(
            "<scaler> = StandardScaler()",
            "<scaler> = MinMaxScaler()",
            "<scaler> = RobustScaler(quantile_range=(5, 95))",
        ),
        S(
            "<train>[<feats>] = <scaler>.fit_transform(<train>[<feats>])",
            "<train>.loc[:, <feats>] = <scaler>.fit_transform(<train>[<feats>])",
        ),
        S(
            "<test>[<feats>] = <scaler>.transform(<test>[<feats>])",
            "<test>.loc[:, <feats>] = <scaler>.transform(<test>[<feats>])",
        ),
        S(
            "print(<train>.shape, <test>.shape)",
            'print(len(<train>), "train rows,", len(<test>), "test rows")',
            "assert len(<train>) > len(<test>)",
        ),
        S(
            'print(<train>["<col_target>"].mean(), <test>["<col_target>"].mean())',
            '<train>[<feats>].describe().loc[["mean", "std"]]',
            opt=True,
        ),
    ]


def _fam_hist_grid(r: random.Random) -> list[_Node]:
    ncols = r.choice([2, 3])
    cols = ", ".join(f'"<col_num{i}>"' for i in range(r.choice([ncols, min(2 * ncols, 5)])))
    body = _pick(
        r,
        [
            S(
                '<df>[<col>].hist(bins=<k_bins>, ax=<ax>, color="<s_color>")',
                "<ax>.hist(<df>[<col>].dropna(), bins=<k_bins>)",
                "sns.histplot(<df>[<col>], kde=True, ax=<ax>)",
            ),
            S(
                '<ax>.axvline(<df>[<col>].median(), color="red", linestyle="<s_style>")',
                '<ax>.axvline(<df>[<col>].mean(), ls="--")',
            ),
            S(
                "<ax>.set_title(<col>)",
                '<ax>.set_title(f"{<col>} (skew {<df>[<col>].skew():.2f})")',
            ),
            S('<ax>.set_yscale("log")', "<ax>.grid(alpha=0.3)"),
        ],
        2,
        4,
    )
    return [
        S(f"<cols> = [{cols}]", '<cols> = <df>.select_dtypes("number").columns[:6]'),
        S(
            f"<fig>, <axes> = plt.subplots(2, {ncols}, figsize=(<k_w>, <k_h>))",
            f"<fig>, <axes> = plt.subplots(nrows=2, ncols={ncols}, figsize=(<k_w>, <k_h>), sharey=True)",
        ),
        C(
            (
                "for <ax>, <col> in zip(<axes>.ravel(), <cols>):",
                "for <ax>, <col> in zip(<axes>.flat, <cols>):",
            ),
            _shuffled(r, body),
        ),
        S(
            '<fig>.suptitle("Distributions")',
            '<fig>.suptitle(f"{len(<cols>)} numeric columns", fontsize=14)',
            opt=True,
        ),
        S("plt.tight_layout()", "<fig>.tight_layout()"),
        S(*_FINISH),
    ]


def _fam_feature_importance(r: random.Random) -> list[_Node]:
    return [
        S(
            "<imp> = pd.Series(<model>.feature_importances_, index=<X>.columns)",
            "<imp> = pd.Series(np.abs(<model>.coef_).ravel(), index=<X>.columns)",
            "<imp> = pd.Series(permutation_importance(<model>, <X_test>, <y_test>, n_repeats=5).importances_mean, index=<X>.columns)",
        ),
        S("<imp> = <imp>.sort_values(ascending=False)", "<imp> = <imp>.sort_values()"),
        S("<top> = <imp>.head(<k_n>)", "<top> = <imp>.iloc[:<k_n>]", "<top> = <imp>[<imp> > 0.01]"),
        S(*_SUBPLOTS),
        S(
            '<top>[::-1].plot(kind="barh", ax=<ax>, color="<s_color>")',
            "<ax>.barh(<top>.index[::-1], <top>.values[::-1])",
            'sns.barplot(x=<top>.values, y=<top>.index, ax=<ax>, orient="h")',
        ),
        S('<ax>.set_xlabel("importance")', '<ax>.set(xlabel="importance", title="Top features")'),
        S("plt.tight_layout()", "<fig>.tight_layout()", opt=True),
        S(*_FINISH),
        S("print(<top>.index.tolist())", "<top>.round(<k_round>)", opt=True),
    ]


def _fam_cohort(r: random.Random) -> list[_Node]:
    return [
        S(
            '<df>["period"] = <df>["<col_date>"].dt.to_period("M")',
            '<df>["period"] = <df>["<col_date>"].values.astype("datetime64[M]")',
        ),
        S(
            '<first> = <df>.groupby("<col_id>")["period"].min().rename("cohort")',
            '<first> = <df>.groupby("<col_id>")["period"].transform("min")',
        ),
        S(
            '<df> = <df>.join(<first>, on="<col_id>")',
            '<df> = <df>.merge(<first>.reset_index(), on="<col_id>")',
            '<df>["cohort"] = <first>',
        ),
        S(
            '<df>["age_months"] = (<df>["period"] - <df>["cohort"]).apply(lambda d: d.n)',
            '<df>["age_months"] = (<df>["period"].dt.year - <df>["cohort"].dt.year) * 12',
            opt=True,
        ),
        S(
            '<cohort> = <df>.pivot_table(index="cohort", columns="period", values="<col_id>", aggfunc="nunique")',
            '<cohort> = <df>.groupby(["cohort", "period"])["<col_id>"].nunique().unstack()',
            '<cohort> = pd.crosstab(<df>["cohort"], <df>["period"])',
        ),
        S(
            "<ret> = <cohort>.divide(<cohort>.iloc[:, 0], axis=0).round(<k_round>)",
            "<ret> = <cohort>.div(<cohort>.max(axis=1), axis=0)",
        ),
        S(
            'sns.heatmap(<ret>, cmap="<s_cmap>", annot=False)',
            "<ret>.T.plot(legend=False, alpha=<k_alpha>)",
            opt=True,
        ),
        S("<ret>.head(<k_n>)", "print(<ret>.iloc[:, :<k_n>].to_string())"),
    ]


def _fam_load_parts(r: random.Random) -> list[_Node]:
    handler = [
        S('print("skipping", <path>, <err>)', 'warnings.warn(f"bad file {<path>}: {<err>}")'),
        S("continue"),
    ]
    body: list[_Node] = [
        C(
            "try:",
            [
                S(
                    '<part> = pd.read_csv(<path>, parse_dates=["<col_date>"])',
                    '<part> = pd.read_csv(<path>, sep=";", decimal=",")',
                    '<part> = pd.read_csv(<path>, encoding="latin-1", dtype={"<col_id>": str})',
                )
            ],
            ("except (pd.errors.ParserError, UnicodeDecodeError) as <err>:", handler),
        ),
        S(
            '<part>["source"] = os.path.basename(<path>)',
            '<part>["source"] = Path(<path>).stem',
            "<part> = <part>.assign(source=str(<path>))",
        ),
        S(
            '<part> = <part>.dropna(how="all")',
            "<part>.columns = <part>.columns.str.lower()",
            opt=True,
        ),
        S("<frames>.append(<part>)", "<frames>[str(<path>)] = <part>"),
    ]
    return [
        S("<frames> = []", "<frames> = list()"),
        C(
            (
                'for <path> in sorted(glob.glob("<s_dir>/*.csv")):',
                'for <path> in sorted(Path("<s_dir>").glob("*.csv")):',
            ),
            body,
        ),
        S(
            "<raw> = pd.concat(<frames>, ignore_index=True)",
            "<raw> = pd.concat(<frames>).reset_index(drop=True)",
        ),
        S(
            "print(len(<frames>), <raw>.shape)",
            'print(f"{len(<frames>)} files, {len(<raw>)} rows")',
            opt=True,
        ),
    ]


def _fam_binning(r: random.Random) -> list[_Node]:
    return [
        S(
            "<bins> = [0, <k_min>, <k_cap>, np.inf]",
            '<bins> = np.quantile(<df>["<col_num0>"], [0, 0.25, 0.5, 0.75, 1])',
            '<bins> = np.linspace(<df>["<col_num0>"].min(), <df>["<col_num0>"].max(), 5)',
        ),
        S(
            '<labels> = ["low", "mid", "high"]',
            '<labels> = ["q1", "q2", "q3", "q4"]',
            "<labels> = None",
        ),
        S(
            '<df>["<col_num0>_band"] = pd.cut(<df>["<col_num0>"], bins=<bins>, labels=<labels>, include_lowest=True)',
            '<df>["<col_num0>_band"] = pd.cut(<df>["<col_num0>"], <bins>, labels=<labels>, right=False)',
        ),
        S(
            '<pivot> = <df>.pivot_table(index="<col_num0>_band", columns="<col_cat0>", values="<col_target>", aggfunc="mean")',
            '<pivot> = pd.crosstab(<df>["<col_num0>_band"], <df>["<col_cat0>"], normalize="index")',
            '<pivot> = <df>.groupby(["<col_num0>_band", "<col_cat0>"])["<col_target>"].mean().unstack()',
        ),
        S("<pivot> = <pivot>.round(<k_round>)", "<pivot> = <pivot>.fillna(0)", opt=True),
        S(
            '<pivot>.plot(kind="bar", figsize=(<k_w>, <k_h>))',
            '<pivot>.plot.line(marker="o")',
            '<pivot>.plot(kind="bar", stacked=True)',
        ),
        S(
            'plt.ylabel("mean <col_target>")',
            'plt.legend(title="<col_cat0>", bbox_to_anchor=(1, 1))',
        ),
        S(*_FINISH),
    ]


def _fam_lag_features(r: random.Random) -> list[_Node]:
    body = _pick(
        r,
        [
            S(
                '<lag>[f"lag_{<k>}"] = <lag>.groupby("<col_id>")["<col_num0>"].shift(<k>)',
                '<lag>[f"lag_{<k>}"] = <lag>["<col_num0>"].shift(<k>)',
            ),
            S(
                '<lag>[f"roll_{<k>}"] = <lag>.groupby("<col_id>")["<col_num0>"].transform(lambda s: s.rolling(<k>).mean())',
                '<lag>[f"roll_{<k>}"] = <lag>["<col_num0>"].rolling(<k>).mean()',
            ),
            S(
                '<lag>[f"diff_{<k>}"] = <lag>["<col_num0>"] - <lag>[f"lag_{<k>}"]',
                '<lag>[f"pct_{<k>}"] = <lag>["<col_num0>"].pct_change(<k>)',
            ),
        ],
        2,
        3,
    )
    return [
        S(
            '<lag> = <df>.sort_values(["<col_id>", "<col_date>"]).copy()',
            '<lag> = <df>.sort_values("<col_date>").reset_index(drop=True)',
        ),
        C(
            (
                "for <k> in [1, 2, <k_lags>]:",
                "for <k> in range(1, <k_lags> + 1):",
                "for <k> in (1, <k_lags>):",
            ),
            body,
        ),
        S(
            '<lag> = <lag>.dropna(subset=[f"lag_{<k_lags>}"])',
            "<lag> = <lag>.dropna()",
            "<lag> = <lag>.iloc[<k_lags>:]",
        ),
        S("print(<lag>.shape)", 'print(<lag>.filter(like="lag_").columns.tolist())', opt=True),
        S(
            '<lag>.filter(like="lag_").describe().T',
            "<lag>.tail()",
            '<lag>.filter(regex="^(lag|roll)_").corrwith(<lag>["<col_target>"])',
        ),
    ]


def _fam_grid_search(r: random.Random) -> list[_Node]:
    return [
        S(
            '<grid> = {"n_estimators": [<k_est>, 400], "max_depth": [<k_depth>, None]}',
            '<grid> = {"C": [0.01, 0.1, 1, 10], "penalty": ["l2"]}',
            "<grid> = dict(max_depth=[3, 5, <k_depth>], min_samples_leaf=[1, 5])",
        ),
        S(
            '<search> = GridSearchCV(RandomForestClassifier(random_state=<k_seed>), <grid>, cv=<k_folds>, scoring="roc_auc", n_jobs=-1)',
            "<search> = RandomizedSearchCV(LogisticRegression(max_iter=<k_iter>), <grid>, n_iter=<k_n>, cv=<k_folds>)",
            "<search> = GridSearchCV(DecisionTreeClassifier(), param_grid=<grid>, cv=<k_folds>)",
        ),
        S("<search>.fit(<X_train>, <y_train>)", "<search>.fit(<X_train>, <y_train>, groups=None)"),
        S('print("best params:", <search>.best_params_)', "pprint(<search>.best_params_)"),
        S(
            'print("best cv score:", round(<search>.best_score_, <k_round>))',
            'pd.DataFrame(<search>.cv_results_).sort_values("rank_test_score").head()',
            opt=True,
        ),
        S(
            "<best> = <search>.best_estimator_",
            "<best> = clone(<search>.best_estimator_).fit(<X_train>, <y_train>)",
        ),
        S(
            "<score> = roc_auc_score(<y_test>, <best>.predict_proba(<X_test>)[:, 1])",
            "<score> = <best>.score(<X_test>, <y_test>)",
        ),
        S('print(f"test score {<score>:.3f}")', 'print("test:", <score>)'),
    ]


def _fam_pipeline(r: random.Random) -> list[_Node]:
    return [
        S(
            '<num_pipe> = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])',
            '<num_pipe> = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())',
        ),
        S(
            '<cat_pipe> = Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))])',
            '<cat_pipe> = make_pipeline(SimpleImputer(fill_value="missing", strategy="constant"), OneHotEncoder(handle_unknown="ignore", sparse_output=False))',
        ),
        S(
            '<pre> = ColumnTransformer([("num", <num_pipe>, <num_cols>), ("cat", <cat_pipe>, <cat_cols>)])',
            '<pre> = make_column_transformer((<num_pipe>, <num_cols>), (<cat_pipe>, <cat_cols>), remainder="drop")',
        ),
        S(
            '<pipe> = Pipeline([("pre", <pre>), ("model", LogisticRegression(max_iter=<k_iter>))])',
            "<pipe> = make_pipeline(<pre>, RandomForestClassifier(n_estimators=<k_est>))",
            '<pipe> = Pipeline(steps=[("pre", <pre>), ("model", HistGradientBoostingClassifier())])',
        ),
        S("<pipe>.fit(<X_train>, <y_train>)"),
        S(
            "print(<pipe>.score(<X_test>, <y_test>))",
            '<score> = cross_val_score(<pipe>, <X>, <y>, cv=<k_folds>, scoring="roc_auc").mean()',
        ),
        S('joblib.dump(<pipe>, "<s_out>/pipeline.joblib")', "<pipe>", opt=True),
    ]


def _fam_recode(r: random.Random) -> list[_Node]:
    parts = _pick(
        r,
        [
            S(
                '<mapping> = {"yes": 1, "no": 0, "Yes": 1, "No": 0}',
                '<mapping> = dict(zip(["yes", "no"], [1, 0]))',
            ),
            S(
                '<df>["<col_cat0>"] = <df>["<col_cat0>"].replace({"N/A": np.nan, "": np.nan})',
                '<df>["<col_cat0>"] = <df>["<col_cat0>"].str.replace(r"\\s+", "_", regex=True)',
            ),
            S(
                '<df>["flag"] = np.where(<df>["<col_num1>"] > <k_thr>, "high", "low")',
                '<df>["flag"] = (<df>["<col_num1>"] > <df>["<col_num1>"].median()).map({True: "high", False: "low"})',
            ),
            S(
                '<df>["segment"] = pd.qcut(<df>["<col_num2>"], q=4, labels=False, duplicates="drop")',
                '<df>["segment"] = pd.qcut(<df>["<col_num2>"].rank(method="first"), 5, labels=["a", "b", "c", "d", "e"])',
            ),
            S('<df>["<col_num3>_missing"] = <df>["<col_num3>"].isna().astype(int)'),
            S(
                '<df>["<col_cat1>"] = <df>["<col_cat1>"].map(<df>["<col_cat1>"].value_counts(normalize=True))'
            ),
        ],
        4,
        6,
    )
    return [
        *_shuffled(r, parts),
        S(
            '<df>["<col_target>"] = <df>["<col_target>"].map(<mapping>)',
            '<df>["<col_target>"] = <df>["<col_target>"].astype(int)',
        ),
        S(
            '<df>[["flag", "segment"]].value_counts().head(<k_n>)',
            '<df>["flag"].value_counts(normalize=True)',
            opt=True,
        ),
    ]


def _fam_group_test(r: random.Random) -> list[_Node]:
    return [
        S(
            '<a> = <df>.loc[<df>["<col_cat0>"] == "A", "<col_num0>"]',
            '<a> = <df>[<df>["<col_target>"] == 1]["<col_num0>"].dropna()',
        ),
        S(
            '<b> = <df>.loc[<df>["<col_cat0>"] == "B", "<col_num0>"]',
            '<b> = <df>[<df>["<col_target>"] == 0]["<col_num0>"].dropna()',
        ),
        S(
            "print(len(<a>), len(<b>), <a>.mean(), <b>.mean())",
            'print(<a>.describe(), <b>.describe(), sep="\\n")',
            opt=True,
        ),
        S(
            "<stat>, <p> = stats.ttest_ind(<a>, <b>, equal_var=False)",
            "<stat>, <p> = stats.mannwhitneyu(<a>, <b>)",
            "<stat>, <p> = stats.ks_2samp(<a>, <b>)",
        ),
        S('print(f"stat={<stat>:.3f} p={<p>:.4f}")', 'print("p-value:", round(<p>, 5))'),
        S(
            "<effect> = (<a>.mean() - <b>.mean()) / np.sqrt((<a>.var() + <b>.var()) / 2)",
            "<effect> = <a>.median() - <b>.median()",
        ),
        S('print("effect size:", round(<effect>, <k_round>))', 'print(f"effect {<effect>:+.2f}")'),
        S(
            'sns.violinplot(data=<df>, x="<col_cat0>", y="<col_num0>")',
            'plt.boxplot([<a>, <b>], labels=["A", "B"])',
            opt=True,
        ),
        S("plt.show()", opt=True),
    ]


_FAMILIES: dict[str, Callable[[random.Random], list[_Node]]] = {
    "cleaning-loop": _fam_cleaning_loop,
    "groupby-plot": _fam_groupby_plot,
    "train-eval": _fam_train_eval,
    "iqr-outliers": _fam_iqr_outliers,
    "date-features": _fam_date_features,
    "missing-report": _fam_missing_report,
    "encode-categoricals": _fam_encode_categoricals,
    "cross-validation": _fam_cross_validation,
    "resample-plot": _fam_resample,
    "merge-aggregate": _fam_merge_aggregate,
    "correlation": _fam_correlation,
    "text-clean": _fam_text_clean,
    "classification-eval": _fam_classification_eval,
    "scale-split": _fam_scale_split,
    "hist-grid": _fam_hist_grid,
    "feature-importance": _fam_feature_importance,
    "cohort": _fam_cohort,
    "load-parts": _fam_load_parts,
    "binning": _fam_binning,
    "lag-features": _fam_lag_features,
    "grid-search": _fam_grid_search,
    "pipeline": _fam_pipeline,
    "recode": _fam_recode,
    "group-test": _fam_group_test,
}

#: Statements a Type-3 copy may gain (generic notebook habits).
_EXTRA_STATEMENTS = (
    "print(<df>.shape)",
    "<df> = <df>.copy()",
    "assert not <df>.empty",
    "print(len(<df>))",
    "display(<df>.tail(3))",
    "<df>.info()",
    'print("checkpoint", <df>.columns.tolist())',
)


# -- structural fingerprint for hygiene (independent of nbrefactor) --------------------------


def _shape(node: ast.AST) -> str:
    """The structure of ``node``: names and literal values blanked (literals keep their
    kind, str or number), attribute, keyword and imported names kept."""
    out: list[str] = []
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if isinstance(item, ast.Name):
            out.append("$")
            continue
        if isinstance(item, ast.Constant):
            value = item.value
            if value is None or isinstance(value, bool) or value is Ellipsis:
                out.append(repr(value))
            else:
                out.append("#str" if isinstance(value, (str, bytes)) else "#num")
            continue
        out.append(type(item).__name__)
        if isinstance(item, ast.Attribute):
            out.append(item.attr)
        elif isinstance(item, ast.keyword):
            out.append(item.arg or "**")
        elif isinstance(item, ast.alias):
            out.append(f"{item.name} as {item.asname}")
        elif isinstance(item, ast.ImportFrom):
            out.append(str(item.module))
        children: list[Any] = []
        for name, value in ast.iter_fields(item):
            if isinstance(value, list):
                children.append(f"{name}[{len(value)}]")
                children.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        stack.extend(reversed(children))
    return " ".join(out)


_MAGIC_LINE = re.compile(r"^\s*[%!]")
#: Line magics whose argument is a statement nbrefactor keeps (``%timeit df.sum()``).
_STATEMENT_MAGIC = re.compile(r"^(\s*)%(?:time|timeit|prun)\s+(?!-)(.*)$")


def _python(code: str) -> str:
    """``code`` as nbrefactor sees it: IPython lines blanked, except that a ``%time`` /
    ``%timeit`` line keeps its statement."""
    out = []
    for line in code.split("\n"):
        kept = _STATEMENT_MAGIC.match(line)
        if kept:
            out.append(kept.group(1) + kept.group(2))
        else:
            out.append("" if _MAGIC_LINE.match(line) else line)
    return "\n".join(out)


@functools.lru_cache(maxsize=4096)
def _sequences(code: str) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Each block of ``code`` as (structure, size) per statement, imports left out; size
    counts nested statements, as nbrefactor does."""
    tree = ast.parse(_python(code))
    out: list[tuple[tuple[str, int], ...]] = []

    def walk(body: list[ast.stmt]) -> None:
        out.append(
            tuple(
                (_shape(st), _count(st))
                for st in body
                if not isinstance(st, (ast.Import, ast.ImportFrom))
            )
        )
        for st in body:
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(st, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    walk(inner)
            for handler in getattr(st, "handlers", None) or ():
                walk(handler.body)

    walk(tree.body)
    return tuple(s for s in out if s)


def _count(node: ast.stmt) -> int:
    total = 0 if isinstance(node, (ast.Import, ast.ImportFrom)) else 1
    for name in ("body", "orelse", "finalbody"):
        inner = getattr(node, name, None)
        if isinstance(inner, list):
            total += sum(_count(st) for st in inner if isinstance(st, ast.stmt))
    for handler in getattr(node, "handlers", None) or ():
        total += sum(_count(st) for st in handler.body)
    return total


def statement_count(code: str) -> int:
    """Statements in ``code``, nested ones counted, imports and IPython lines not."""
    return sum(_count(st) for st in ast.parse(_python(code)).body)


def _windows(sequences: Sequence[Sequence[tuple[str, int]]], size: int = 3) -> set[tuple[str, ...]]:
    """From each statement, the shortest run holding ``size`` statements (nested counted):
    two blocks that share one share the smallest seed of a clone."""
    found = set()
    for seq in sequences:
        for i in range(len(seq)):
            total = 0
            for j in range(i, len(seq)):
                total += seq[j][1]
                if total >= size:
                    found.add(tuple(shape for shape, _ in seq[i : j + 1]))
                    break
    return found


def _weighted_lcs(a: Sequence[tuple[str, int]], b: Sequence[tuple[str, int]]) -> int:
    """Statements (nested counted) in the best in-order matching of ``a`` and ``b``."""
    previous = [0] * (len(b) + 1)
    for shape, size in a:
        current = [0]
        for j, (other, _) in enumerate(b):
            best = max(previous[j + 1], current[j])
            if shape == other:
                best = max(best, previous[j] + size)
            current.append(best)
        previous = current
    return previous[-1]


class _Registry:
    """Structures already in the corpus, to keep unrelated code from matching by accident.

    A clash is a shared run of statements holding 3 statements (a possible exact clone) or,
    with ``align``, two blocks whose best in-order matching holds 5 statements (a possible
    gapped clone). Both are stricter than nbrefactor's defaults, which also need 20
    syntax-tree nodes and 70% similarity.
    """

    def __init__(self) -> None:
        self.windows: dict[tuple[str, ...], str] = {}
        #: blocks of 5 or more statements: owner, statements, their structures
        self.blocks: list[tuple[str, Sequence[tuple[str, int]], frozenset[str]]] = []

    def clashes(self, owner: str, contexts: Sequence[_Context], *, align: bool) -> bool:
        for prefix, full in contexts:
            sequences = _sequences("\n".join(full))
            known = _windows(_sequences("\n".join(prefix))) if prefix else set()
            for window in _windows(sequences) - known:
                other = self.windows.get(window)
                if other is not None and other != owner:
                    return True
            if align:
                for seq in sequences:
                    if sum(size for _, size in seq) < 5:
                        continue
                    for other, block, shapes in self.blocks:
                        if other == owner:
                            continue
                        # what the two share bounds what a matching can hold
                        if sum(size for shape, size in seq if shape in shapes) < 5:
                            continue
                        if _weighted_lcs(seq, block) >= 5:
                            return True
        return False

    def add(self, owner: str, contexts: Sequence[_Context], *, align: bool) -> None:
        for prefix, full in contexts:
            sequences = _sequences("\n".join(full))
            known = _windows(_sequences("\n".join(prefix))) if prefix else set()
            for window in _windows(sequences) - known:
                self.windows.setdefault(window, owner)
            if align:
                self.blocks.extend(
                    (owner, s, frozenset(shape for shape, _ in s))
                    for s in sequences
                    if sum(size for _, size in s) >= 5
                )


#: Code checked against the registry: (lines already there, lines after adding).
_Context = tuple[Sequence[str], Sequence[str]]


def _joined(texts: list[list[str]], separators: list[list[str]]) -> list[str]:
    lines = list(texts[0])
    for separator, text in zip(separators, texts[1:], strict=True):
        lines.extend(separator)
        lines.extend(text)
    return lines


# -- notebook model during the build ---------------------------------------------------------


@dataclass
class _Mark:
    owner: tuple[str, int, int]  # ("clone", plant id, copy number) or ("trap", trap id, 0)
    start: int  # 1-based lines within the cell
    end: int


@dataclass
class _Cell:
    kind: str  # "code" | "markdown"
    lines: list[str]
    role: str = "base"  # "imports", "config", "load", "model", "trap", "plant", "base"
    marks: list[_Mark] = field(default_factory=list)
    output: str | None = None

    def append(self, text_lines: list[str], owner: tuple[str, int, int] | None = None) -> None:
        """Append code (and a mark covering its statements, if ``owner`` is given)."""
        offset = len(self.lines)
        self.lines.extend(text_lines)
        if owner is not None:
            start, end = _statement_span(text_lines)
            self.marks.append(_Mark(owner, offset + start, offset + end))


def _statement_span(lines: list[str]) -> tuple[int, int]:
    """First and last line (1-based) that is neither blank nor a comment nor a magic."""
    code = [
        i + 1
        for i, line in enumerate(lines)
        if line.strip() and not line.strip().startswith(("#", "%", "!"))
    ]
    return code[0], code[-1]


@dataclass
class _Notebook:
    index: int
    domain: _Domain
    frame: str
    rng: random.Random
    cells: list[_Cell] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"nb{self.index:03d}_{self.domain.name}.ipynb"

    def body_positions(self) -> list[int]:
        """Where a new cell may go: after the load cell, anywhere up to the end."""
        load = next(i for i, c in enumerate(self.cells) if c.role == "load")
        return list(range(load + 2, len(self.cells) + 1))

    def insert(self, cell: _Cell, heading: str | None = None) -> None:
        at = self.rng.choice(self.body_positions())
        if heading is not None:
            self.cells.insert(at, _Cell("markdown", heading.split("\n"), role="md"))
            at += 1
        self.cells.insert(at, cell)

    def host_cells(self) -> list[_Cell]:
        """Base code cells a copy may be appended to."""
        return [c for c in self.cells if c.kind == "code" and c.role == "base" and not c.marks]


# -- base notebooks --------------------------------------------------------------------------

_IMPORT_LINES = (
    "import numpy as np",
    "import pandas as pd",
    "import matplotlib.pyplot as plt",
    "import seaborn as sns",
    "from pathlib import Path",
    "import os",
    "import re",
    "import glob",
    "import warnings",
    "from sklearn.model_selection import train_test_split",
    "from sklearn.ensemble import RandomForestRegressor, RandomForestClassifier",
    "from sklearn.linear_model import LogisticRegression, Ridge",
    "from sklearn.metrics import mean_absolute_error, r2_score, roc_auc_score",
    "from sklearn.preprocessing import StandardScaler",
)

_CLEAN_POOL = (
    '<F> = <F>.drop_duplicates(subset=["<col_id>"])',
    '<F>["<col_cat0>"] = <F>["<col_cat0>"].str.strip().str.title()',
    '<F> = <F>[<F>["<col_num0>"] >= 0]',
    '<F>["<col_num1>"] = <F>["<col_num1>"].fillna(<F>["<col_num1>"].median())',
    '<F>["<col_date>"] = pd.to_datetime(<F>["<col_date>"])',
    "<F>.columns = [c.strip().lower().replace(' ', '_') for c in <F>.columns]",
    "<F>.isna().mean().round(3)",
    '<F> = <F>.query("<col_num2> < <k_cap>")',
    '<F>["<col_cat1>"] = <F>["<col_cat1>"].astype("category")',
    'print(<F>["<col_target>"].value_counts(dropna=False))',
    '<F> = <F>.dropna(subset=["<col_num0>", "<col_target>"])',
    "<F>.duplicated().sum()",
    '<F>["<col_num3>"] = <F>["<col_num3>"].replace(-1, np.nan)',
)

_FEATURE_POOL = (
    '<F>["<col_num0>_log"] = np.log1p(<F>["<col_num0>"])',
    '<F>["ratio"] = <F>["<col_num1>"] / (<F>["<col_num2>"] + 1)',
    '<F>["<col_num3>_z"] = (<F>["<col_num3>"] - <F>["<col_num3>"].mean()) / <F>["<col_num3>"].std()',
    '<F>["month"] = <F>["<col_date>"].dt.month',
    '<F>["<col_cat0>_code"] = <F>["<col_cat0>"].cat.codes',
    '<F>["big"] = (<F>["<col_num0>"] > <F>["<col_num0>"].quantile(0.9)).astype(int)',
    '<F>["<col_cat0>_mean"] = <F>.groupby("<col_cat0>")["<col_num1>"].transform("mean")',
    '<F>["interaction"] = <F>["<col_num1>"] * <F>["<col_num4>"]',
    'FEATURES = ["<col_num0>", "<col_num1>", "<col_num2>", "<col_num3>"]',
    "<F>[FEATURES].describe().T",
)

_PLOT_CELLS = (
    '<F>["<col_num0>"].hist(bins=<k_bins>)\nplt.show()',
    '<F>.plot.scatter(x="<col_num1>", y="<col_target>", alpha=0.3)',
    'sns.boxplot(data=<F>, x="<col_cat0>", y="<col_num0>")\nplt.xticks(rotation=30)',
    '<F>["<col_cat1>"].value_counts().plot.barh()',
    'sns.pairplot(<F>[["<col_num0>", "<col_num1>", "<col_target>"]].sample(500, random_state=SEED))',
    '<F>.groupby(<F>["<col_date>"].dt.to_period("M"))["<col_num2>"].mean().plot()\nplt.ylabel("<col_num2>")',
    'plt.figure(figsize=(6, 4))\nsns.kdeplot(data=<F>, x="<col_num3>", hue="<col_cat0>")',
)

_MISC_CELLS = (
    "<F>.describe()",
    '<F>["<col_cat0>"].value_counts()',
    "<F>.dtypes",
    "<F>.sample(5, random_state=SEED)",
    '%timeit <F>.groupby("<col_cat0>")["<col_num0>"].mean()',
    "!du -sh data/",
    '<F>["<col_num1>"].corr(<F>["<col_target>"])',
    "<F>.nunique().sort_values()",
    "len(<F>), <F>.shape[1]",
    "%load_ext autoreload\n%autoreload 2",
    '<F>[<F>["<col_num0>"].isna()].head()',
)

_MD_NOTES = (
    "Most of the missing values are in a handful of columns; see the table above.",
    "The distribution is heavily skewed, so a log transform might help later.",
    "TODO: ask the data owner about the negative values.",
    "Numbers look consistent with last month's dashboard.",
    "A few categories are very rare; we group them below.",
    "Quick sanity check before modelling.",
)


class _Builder:
    def __init__(self, folder: Path, n: int, seed: int) -> None:
        self.folder = folder
        self.rng = random.Random(f"nbrefactor-duplicates-corpus/{seed}")
        self.seed = seed
        self.registry = _Registry()
        self.notebooks: list[_Notebook] = []
        self.n = n
        self.plants: list[dict[str, Any]] = []
        self.trap_count = 0
        self.cycle = {"loop-body": self.rng.randrange(12), "helper-def": self.rng.randrange(12)}
        self.trap_categories: dict[int, str] = {}

    # -- base -------------------------------------------------------------------------------

    def base(self) -> None:
        for i in range(self.n):
            domain = _DOMAINS[i % len(_DOMAINS)] if i < len(_DOMAINS) else self.rng.choice(_DOMAINS)
            rng = random.Random(self.rng.getrandbits(64))
            nb = _Notebook(i, domain, rng.choice(domain.frames), rng)
            self._base_cells(nb)
            self.notebooks.append(nb)

    def _base_cells(self, nb: _Notebook) -> None:
        r, d = nb.rng, nb.domain
        names = _Names(r, d, fixed={"F": nb.frame})

        def fill(template: str) -> str:
            return _fill(template, names)

        def md(text: str) -> None:
            nb.cells.append(_Cell("markdown", text.split("\n"), role="md"))

        md(
            f"# {d.title}{r.choice(['', ' - exploration', ': first look', ' (v2)'])}\n\n"
            f"Exploring `{d.file}`: cleaning, a few features and a baseline model for "
            f"`{d.target}`."
        )
        imports = [line for line in _IMPORT_LINES if r.random() < 0.6 or "pandas" in line]
        lines = imports[:]
        if r.random() < 0.7:
            lines.append("")
            lines.append("%matplotlib inline")
        if r.random() < 0.4:
            lines.append(
                r.choice(
                    [
                        'pd.set_option("display.max_columns", 50)',
                        'sns.set_theme(style="whitegrid")',
                        'warnings.filterwarnings("ignore")',
                    ]
                )
            )
        nb.cells.append(_Cell("code", lines, role="imports"))
        config = [
            f'DATA_DIR = Path("{r.choice(["data", "../data", "input"])}")',
            f"SEED = {r.choice([0, 1, 42, 7])}",
        ]
        if r.random() < 0.5:
            config.append(f'TARGET = "{d.target}"')
        nb.cells.append(_Cell("code", config, role="config"))
        md(r.choice(["## Load the data", "## Data", "## 1. Loading"]))
        if r.random() < 0.6:
            nb.cells.append(
                _Cell(
                    "code",
                    [r.choice(["!ls -lh data/", f"!head -n 3 data/{d.file}", "!wc -l data/*.csv"])],
                    output="...",
                )
            )
        load = f'<F> = pd.read_csv(DATA_DIR / "{d.file}"'
        load += r.choice([")", ', parse_dates=["<col_date>"])', ", low_memory=False)"])
        nb.cells.append(
            _Cell(
                "code",
                [fill(load), fill(r.choice(["<F>.shape", "print(<F>.shape)"]))],
                role="load",
                output="(12840, 11)",
            )
        )
        nb.cells.append(
            _Cell("code", [fill(r.choice(["<F>.head()", "<F>.head(10)", "<F>.info()"]))])
        )

        sections = [
            (["## Cleaning", "## 2. Cleaning", "## Data quality"], _CLEAN_POOL, r.randint(2, 4)),
            (["## Feature engineering", "## Features"], _FEATURE_POOL, r.randint(1, 3)),
        ]
        for headings, pool, count in sections:
            md(r.choice(headings))
            for _ in range(count):
                self._pool_cell(nb, names, pool)
                if r.random() < 0.15:
                    md(r.choice(_MD_NOTES))
        md(r.choice(["## Exploration", "## EDA", "## A few plots"]))
        for template in r.sample(_PLOT_CELLS, r.randint(1, 3)):
            self._add_base(nb, fill(template).split("\n"), output="<Figure>")
        md(r.choice(["## Baseline model", "## Model", "## Modelling"]))
        estimator = (
            "RandomForestRegressor(n_estimators=100, random_state=SEED)"
            if d.task == "regression"
            else "LogisticRegression(max_iter=500)"
        )
        model = [
            "%%time",
            f"model = {estimator}",
            fill('model.fit(<F>[FEATURES].fillna(0), <F>["<col_target>"])'),
        ]
        nb.cells.append(_Cell("code", model, role="model", output="CPU times: user 2.1 s"))
        metric = "r2_score" if d.task == "regression" else "roc_auc_score"
        self._add_base(
            nb, [fill(f'{metric}(<F>["<col_target>"], model.predict(<F>[FEATURES].fillna(0)))')]
        )
        for _ in range(r.randint(1, 4)):
            template = r.choice(_MISC_CELLS)
            at = r.randint(len(nb.cells) // 3, len(nb.cells))
            nb.cells.insert(at, _Cell("code", fill(template).split("\n")))
        md(
            r.choice(
                [
                    "## Conclusions\n\n- " + r.choice(_MD_NOTES),
                    "## Next steps\n\n" + r.choice(_MD_NOTES),
                ]
            )
        )

    def _pool_cell(self, nb: _Notebook, names: _Names, pool: Sequence[str]) -> None:
        r = nb.rng
        for _ in range(20):
            lines = [_fill(t, names) for t in r.sample(list(pool), r.randint(1, 3))]
            owner = f"base:{nb.index}:{len(nb.cells)}"
            if not self.registry.clashes(owner, [([], lines)], align=False):
                break
        else:
            lines = lines[:2]
        self._add_base(nb, lines)

    def _add_base(self, nb: _Notebook, lines: list[str], output: str | None = None) -> None:
        owner = f"base:{nb.index}:{len(nb.cells)}"
        self.registry.add(owner, [([], lines)], align=False)
        nb.cells.append(_Cell("code", lines, output=output))

    # -- traps ------------------------------------------------------------------------------

    def plant_traps(self, count: int) -> None:
        r = self.rng
        for k in range(count):
            category = TRAP_CATEGORIES[k % len(TRAP_CATEGORIES)]
            nb = r.choice(self.notebooks)
            if category in ("import-block", "config-block"):
                role = "imports" if category == "import-block" else "config"
                free = [n for n in self.notebooks if any(c.role == role for c in n.cells)]
                nb = r.choice(free) if free else nb
            self._trap(nb, category)

    def _trap(self, nb: _Notebook, category: str) -> None:
        r = random.Random(self.rng.getrandbits(64))
        names = _Names(r, nb.domain, fixed={"df": r.choice((nb.frame, nb.frame, "df", "data"))})

        def fill(template: str) -> str:
            return _fill(template, names)

        trap_id = self.trap_count
        self.trap_count += 1
        self.trap_categories[trap_id] = category
        owner = ("trap", trap_id, 0)
        if category in ("import-block", "config-block"):
            role = "imports" if category == "import-block" else "config"
            cell = next((c for c in nb.cells if c.role == role), None)
            lines = _import_trap(r) if role == "imports" else _config_trap(r)
            if cell is not None:
                cell.lines = []
                cell.role = "trap"
                cell.append(lines, owner)
                self.registry.add(f"trap:{category}", [([], lines)], align=True)
                return
        registered_as = f"trap:{category}"
        if category in ("loop-body", "helper-def"):  # each another body (12, then repeats)
            make = _loop_trap if category == "loop-body" else _helper_trap
            lines = [fill(line) for line in make(r, self.cycle[category])]
            self.cycle[category] += 1
        elif category == "plot-api":
            # the same API calls, arranged differently: no two plots share a run of three
            # statements or align on five (the same arrangement twice would be a copy)
            registered_as = f"trap:{trap_id}"
            for _ in range(100):
                lines = [fill(line) for line in _plot_trap(r)]
                if not self.registry.clashes(registered_as, [([], lines)], align=True):
                    break
        else:
            generate = {
                "inspection": _inspection_trap,
                "import-block": _import_trap,
                "config-block": _config_trap,
                "two-liner": _two_liner_trap,
                "plot-api": _plot_trap,
            }[category]
            lines = [fill(line) for line in generate(r)]
        cell = _Cell("code", [], role="trap", output="...")
        cell.append(lines, owner)
        self.registry.add(registered_as, [([], lines)], align=True)
        nb.insert(cell)

    # -- clones -----------------------------------------------------------------------------

    def plant_clones(self, per_type: int) -> None:
        families = list(_FAMILIES)
        jobs = [kind for kind in KINDS for _ in range(per_type)]
        self.rng.shuffle(jobs)
        for counter, kind in enumerate(jobs):
            roll = self.rng.random()
            scope = (
                "same-cell" if roll < 0.2 else "same-notebook" if roll < 0.5 else "cross-notebook"
            )
            copies = 3 if scope == "cross-notebook" and self.rng.random() < 0.2 else 2
            family = families[counter % len(families)]
            self._plant(kind, scope, copies, family, families)

    def _plant(self, kind: str, scope: str, copies: int, family: str, families: list[str]) -> None:
        pid = len(self.plants)
        owner = f"plant:{pid}"
        r = self.rng
        first_nb = r.choice(self.notebooks)
        if scope == "cross-notebook":
            others = [n for n in self.notebooks if n is not first_nb]
            same_domain = [n for n in others if n.domain is first_nb.domain]
            use_same = kind == "type-1" and len(same_domain) >= copies - 1 and r.random() < 0.7
            pool = same_domain if use_same else others
            targets = [first_nb, *r.sample(pool, copies - 1)]
        else:
            targets = [first_nb] * copies
        # where each copy goes: appended to an existing cell (host) or a new cell; copies in
        # one cell are separated by a statement or a comment
        hosts: list[_Cell | None] = []
        separators: list[list[str]] = []
        if scope == "same-cell":
            separators = [
                r.choice(
                    [
                        ["", f'print("-" * {r.choice([30, 40, 60])})'],
                        ["", "# same again for the second half"],
                        ["", f"print({r.choice(['len', 'type'])}({first_nb.frame}))"],
                    ]
                )
                for _ in range(copies - 1)
            ]
        else:
            for nb in targets:
                free = [c for c in nb.host_cells() if all(c is not h for h in hosts)]
                hosts.append(r.choice(free) if free and r.random() < 0.3 else None)
        for attempt in range(400):
            fam = family if attempt < 40 else r.choice(families)
            built = self._make_copies(kind, fam, targets)
            if built is None:
                continue
            texts, size, edits = built
            contexts: list[_Context]
            if scope == "same-cell":
                contexts = [([], _joined(texts, separators))]
            else:
                contexts = [
                    ([], text) if host is None else (host.lines, [*host.lines, "", *text])
                    for host, text in zip(hosts, texts, strict=True)
                ]
            if not self.registry.clashes(owner, contexts, align=True):
                break
        else:
            raise RuntimeError(
                f"could not make a {kind} plant unlike the {pid} before it; "
                "ask for fewer plants_per_type"
            )
        self.registry.add(owner, contexts, align=True)
        timed = fam in ("train-eval", "cross-validation", "grid-search", "classification-eval")
        if scope == "same-cell":
            cell = _Cell("code", [], role="plant")
            for n, text in enumerate(texts):
                if n:
                    cell.lines.extend(separators[n - 1])
                cell.append(text, ("clone", pid, n))
            first_nb.insert(cell, self._heading(r))
        else:
            for n, (nb, host, text) in enumerate(zip(targets, hosts, texts, strict=True)):
                if host is not None:
                    host.role = "host"
                    host.lines.append("")
                    host.append(text, ("clone", pid, n))
                    continue
                cell = _Cell("code", [], role="plant")
                if timed and r.random() < 0.3:
                    cell.lines.append("%%time")
                cell.append(text, ("clone", pid, n))
                nb.insert(cell, self._heading(r) if r.random() < 0.3 else None)
        self.plants.append(
            {"id": pid, "kind": kind, "family": fam, "scope": scope, "size": size, "edits": edits}
        )

    def _heading(self, r: random.Random) -> str | None:
        if r.random() < 0.5:
            return None
        return r.choice(
            [
                "### Same for the second set",
                "### Repeat with the other data",
                "### Check again",
                "## More cleaning",
                "### Variant",
            ]
        )

    def _make_copies(
        self, kind: str, family: str, targets: list[_Notebook]
    ) -> tuple[list[list[str]], int, tuple[str, ...]] | None:
        r = random.Random(self.rng.getrandbits(64))
        stmts = _instantiate(_FAMILIES[family](r), r)
        first_names = _Names(r, targets[0].domain, fixed={"df": targets[0].frame})
        texts = [_render(stmts, first_names)]
        size = statement_count("\n".join(texts[0]))
        if not 5 <= size <= 10:
            return None
        edits: list[str] = []
        for target in targets[1:]:
            if kind == "type-1":
                texts.append(_cosmetic(texts[0], r))
                continue
            if target is targets[0]:
                domain = target.domain  # same notebook: same data, other columns
            else:
                domain = target.domain if r.random() < 0.7 else r.choice(_DOMAINS)
            names = first_names.renamed(r, domain)
            copy = [s.copy() for s in stmts]
            if kind == "type-3":
                described = _edit(copy, r)
                if described is None:
                    return None
                edits.append(_fill(described, first_names))
            text = _render(copy, names)
            if not _renamed_both(texts[0], text, first_names, names):
                return None
            texts.append(text)
        for text in texts:
            try:
                ast.parse("\n".join(text))
            except SyntaxError as error:  # a bug in a family template
                raise AssertionError(f"{family}: {error}\n" + "\n".join(text)) from None
        if kind == "type-3" and any(
            _sequences("\n".join(t)) == _sequences("\n".join(texts[0])) for t in texts[1:]
        ):
            return None
        return texts, size, tuple(edits)

    # -- output -----------------------------------------------------------------------------

    def write(self) -> Corpus:
        paths: list[Path] = []
        locations: dict[tuple[str, int], dict[int, Location]] = {}
        for nb in self.notebooks:
            path = self.folder / nb.name
            counter = 0
            cells = []
            for index, cell in enumerate(nb.cells):
                for mark in cell.marks:
                    kind, ident, copy = mark.owner
                    loc = Location(path, index, mark.start, mark.end)
                    locations.setdefault((kind, ident), {})[copy] = loc
                cells.append(_cell_json(cell, nb.rng, counter))
                if cell.kind == "code":
                    counter += 1
            notebook = {
                "cells": cells,
                "metadata": {
                    "kernelspec": {
                        "display_name": "Python 3",
                        "language": "python",
                        "name": "python3",
                    },
                    "language_info": {"name": "python", "version": "3.11.7"},
                },
                "nbformat": 4,
                "nbformat_minor": 5,
            }
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", "utf-8")
            paths.append(path)
        clones = []
        for plant in self.plants:
            found = locations[("clone", plant["id"])]
            clones.append(
                PlantedClone(
                    id=plant["id"],
                    kind=plant["kind"],
                    family=plant["family"],
                    scope=plant["scope"],
                    locations=tuple(found[i] for i in sorted(found)),
                    statements=plant["size"],
                    edits=plant["edits"],
                )
            )
        traps = [
            Trap(ident, self.trap_categories[ident], locations[("trap", ident)][0])
            for ident in range(self.trap_count)
        ]
        return Corpus(self.folder, self.seed, paths, clones, traps)


def _cell_json(cell: _Cell, rng: random.Random, counter: int) -> dict[str, Any]:
    source = "\n".join(cell.lines)
    lines = source.splitlines(keepends=True)
    ident = f"{rng.getrandbits(32):08x}"
    if cell.kind == "markdown":
        return {"cell_type": "markdown", "id": ident, "metadata": {}, "source": lines}
    outputs = []
    if cell.output is not None:
        outputs.append({"name": "stdout", "output_type": "stream", "text": [cell.output + "\n"]})
    return {
        "cell_type": "code",
        "execution_count": counter + 1,
        "id": ident,
        "metadata": {},
        "outputs": outputs,
        "source": lines,
    }


# -- copies ----------------------------------------------------------------------------------


def _cosmetic(lines: list[str], r: random.Random) -> list[str]:
    """The same code with other comments, blank lines or quotes (the syntax tree is equal)."""
    out = list(lines)
    changes = r.sample(["comment", "blank", "quotes", "trailing"], r.randint(1, 2))
    if "quotes" in changes:
        out = _swap_quotes(out)
    if "trailing" in changes:
        i = r.randrange(len(out))
        if out[i].strip() and not out[i].rstrip().endswith((":", "(", "[", "{", ",")):
            out[i] += r.choice(["  # TODO check", "  # copied from above", "  # fixme"])
    if "comment" in changes or "blank" in changes:
        tops = [
            i
            for i, line in enumerate(out)
            if line
            and not line[0].isspace()
            and i > 0
            and not line.startswith((")", "]", "}", "except", "else", "finally"))
        ]
        if tops:
            i = r.choice(tops)
            indent = ""
            insert = (
                [
                    indent
                    + r.choice(
                        [
                            "# reuse the same steps",
                            "# --- again ---",
                            "# from the cleaning notebook",
                        ]
                    )
                ]
                if "comment" in changes
                else [""]
            )
            out[i:i] = insert
    if "comment" in changes:
        out.insert(
            0, r.choice(["# copied from above", "# same as before", "# repeat for this data"])
        )
    return out


def _swap_quotes(lines: list[str]) -> list[str]:
    """Double-quoted simple strings become single-quoted (and vice versa)."""
    source = "\n".join(lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError):
        return lines
    rows = source.split("\n")
    for tok in reversed(tokens):
        text = tok.string
        if tok.type != tokenize.STRING or tok.start[0] != tok.end[0]:
            continue
        if (
            len(text) >= 2
            and text[0] == '"'
            and text[-1] == '"'
            and "'" not in text
            and "\\" not in text
        ):
            new = "'" + text[1:-1] + "'"
        else:
            continue
        row = rows[tok.start[0] - 1]
        rows[tok.start[0] - 1] = row[: tok.start[1]] + new + row[tok.end[1] :]
    return rows


def _positions(stmts: list[_Stmt]) -> Iterator[tuple[list[_Stmt], int]]:
    for i, st in enumerate(stmts):
        yield stmts, i
        if st.body is not None:
            yield from _positions(st.body)
            for _, body in st.clauses:
                yield from _positions(body)


def _edit(stmts: list[_Stmt], r: random.Random) -> str | None:
    """Add, remove or change 1-2 statements of a block in place; describe what was done."""
    done = []
    for _ in range(r.choice([1, 1, 2])):
        op = r.choice(["add", "remove", "change"])
        places = list(_positions(stmts))
        if op == "remove":
            removable = [(p, i) for p, i in places if p[i].body is None and len(p) > 1]
            if not removable:
                return None
            parent, i = r.choice(removable)
            nested = parent is not stmts
            removed = parent.pop(i)
            done.append(
                f"removed {'nested ' if nested else ''}statement {i + 1}: "
                f"{removed.variants[removed.choice].splitlines()[0][:40]}"
            )
        elif op == "change":
            changeable = [(p, i) for p, i in places if p[i].body is None and len(p[i].variants) > 1]
            if not changeable:
                return None
            parent, i = r.choice(changeable)
            st = parent[i]
            st.choice = r.choice([k for k in range(len(st.variants)) if k != st.choice])
            nested = parent is not stmts
            done.append(f"changed {'nested ' if nested else ''}statement {i + 1}")
        else:
            parent, i = r.choice(places)
            extra = _Stmt(_EXTRA_STATEMENTS, r.randrange(len(_EXTRA_STATEMENTS)))
            at = i + r.choice([0, 1])
            if parent is stmts and at == 0:
                at = 1  # a block starts with the shared code
            parent.insert(at, extra)
            nested = parent is not stmts
            done.append(f"added {'nested ' if nested else ''}statement at {at + 1}")
    return "; ".join(done)


def _renamed_both(first: list[str], second: list[str], a: _Names, b: _Names) -> bool:
    """The second copy renames at least one variable and changes at least one literal."""
    renamed = any(
        not k.startswith(("col_", "k_", "s_")) and k in a.values and a.values[k] != v
        for k, v in b.values.items()
    )
    changed = any(
        k.startswith(("col_", "k_", "s_")) and k in a.values and a.values[k] != v
        for k, v in b.values.items()
    )
    return renamed and changed and first != second


# -- traps -----------------------------------------------------------------------------------


def _inspection_trap(r: random.Random) -> list[str]:
    calls = [
        "<df>.head()",
        "<df>.info()",
        "<df>.describe()",
        "print(<df>.shape)",
        "<df>.dtypes",
        "<df>.isna().sum()",
        "<df>.tail()",
        "<df>.nunique()",
        '<df>.describe(include="all")',
        "<df>.columns.tolist()",
    ]
    core = calls[:3]
    r.shuffle(core)
    extra = r.sample(calls[3:], r.randint(0, 2))
    out = core + extra
    if r.random() < 0.5:
        r.shuffle(out)
    return out


def _config_trap(r: random.Random) -> list[str]:
    options = [
        'DATA_DIR = Path("data")',
        'OUTPUT_DIR = "outputs"',
        "SEED = 42",
        "RANDOM_STATE = 0",
        "TEST_SIZE = 0.2",
        "N_SPLITS = 5",
        "N_ESTIMATORS = 300",
        "MAX_DEPTH = 8",
        'TARGET = "target"',
        "LEARNING_RATE = 0.05",
        "THRESHOLD = 0.5",
        'DATE_FMT = "%Y-%m-%d"',
        "FIGSIZE = (10, 6)",
        'ID_COL = "id"',
        "DEBUG = False",
        "MIN_COUNT = 20",
        'CAT_COLS = ["region", "segment"]',
        "BATCH_SIZE = 256",
    ]
    return r.sample(options, r.randint(4, 7))


def _import_trap(r: random.Random) -> list[str]:
    lines = [line for line in _IMPORT_LINES if r.random() < 0.55 or "pandas" in line]
    lines.append("")
    lines.append("%matplotlib inline")
    setup = [
        'pd.set_option("display.max_columns", 100)',
        'sns.set_theme(style="whitegrid")',
        'warnings.filterwarnings("ignore")',
        'plt.rcParams["figure.figsize"] = (10, 5)',
        "np.random.seed(42)",
        'pd.options.display.float_format = "{:.2f}".format',
    ]
    lines.extend(r.sample(setup, r.randint(1, 3)))
    return lines


def _two_liner_trap(r: random.Random) -> list[str]:
    return r.choice(
        [
            ["<df> = <df>.dropna()", "print(<df>.shape)"],
            ["<df> = <df>.reset_index(drop=True)", "<df>.head()"],
            ['<df>["<col_cat0>"].value_counts()', '<df>["<col_cat0>"].nunique()'],
            ["plt.tight_layout()", "plt.show()"],
            ['<df>.to_csv("clean.csv", index=False)', 'print("saved")'],
        ]
    )


def _plot_trap(r: random.Random) -> list[str]:
    single = r.random() < 0.6
    lines = []
    if single:
        lines.append(
            r.choice(
                [
                    "fig, ax = plt.subplots(figsize=(<k_w>, <k_h>))",
                    "fig, ax = plt.subplots()",
                    "ax = plt.gca()",
                ]
            )
        )
        target = "ax"
    else:
        lines.append("fig, axes = plt.subplots(1, 2, figsize=(<k_w>, <k_h>))")
        target = "axes[0]"
    plots = [
        f'{target}.hist(<df>["<col_num0>"], bins=<k_bins>)',
        f'{target}.scatter(<df>["<col_num0>"], <df>["<col_num1>"], s=5, alpha=0.4)',
        f'{target}.plot(<df>["<col_date>"], <df>["<col_num1>"])',
        f'<df>["<col_num2>"].plot(kind="box", ax={target})',
        f'{target}.bar(<df>["<col_cat0>"].value_counts().index, <df>["<col_cat0>"].value_counts())',
    ]
    lines.extend(r.sample(plots, r.randint(1, 2)))
    if not single:
        lines.append('axes[1].hist(<df>["<col_num2>"], bins=<k_bins>, color="gray")')
    decorations = [
        f'{target}.set_title("<col_num0>")',
        f'{target}.set_xlabel("<col_num0>")',
        f'{target}.set_ylabel("count")',
        f"{target}.legend()",
        f"{target}.grid(True)",
        f'{target}.set(xlabel="<col_num0>", ylabel="<col_num1>")',
    ]
    lines.extend(r.sample(decorations, r.randint(1, 3)))
    lines.extend(
        r.choice(
            [["plt.show()"], ["plt.tight_layout()", "plt.show()"], ['fig.savefig("figure.png")']]
        )
    )
    return lines


def _loop_trap(r: random.Random, index: int) -> list[str]:
    header = r.choice(
        [
            "for col in <cols>:",
            'for col in ["<col_num0>", "<col_num1>"]:',
            "for col in <df>.columns:",
            'for col in <df>.select_dtypes("number").columns:',
        ]
    )
    bodies = [
        ["<df>[col] = <df>[col].fillna(<df>[col].median())"],
        ["print(col, <df>[col].nunique())"],
        ["<df>[col].hist(bins=30)", "plt.title(col)", "plt.show()"],
        ["if <df>[col].dtype == object:", "    <df>[col] = <df>[col].str.strip()"],
        ['print(f"{col}: {<df>[col].isna().mean():.1%} missing")'],
        ["<df>[col] = np.log1p(<df>[col])"],
        ["<counts>[col] = <df>[col].value_counts().head(3).to_dict()"],
        ["sns.boxplot(x=<df>[col])", "plt.show()"],
        ['<df>[col + "_rank"] = <df>[col].rank(pct=True)'],
        ["if <df>[col].nunique() < 10:", "    print(col, sorted(<df>[col].dropna().unique()))"],
        ['<df>[col] = <df>[col].astype("category")'],
        ['<df>.plot(x="<col_date>", y=col, title=col)'],
    ]
    body = bodies[index % len(bodies)]
    lines = []
    if "<cols>" in header:
        lines.append('<cols> = ["<col_num0>", "<col_num1>", "<col_num2>"]')
    if any("<counts>" in line for line in body):
        lines.append("<counts> = {}")
    lines.append(header)
    lines.extend("    " + line for line in body)
    return lines


_HELPERS = (
    ["def load(path):", "    frame = pd.read_csv(path)", "    return frame"],
    ["def to_snake(name):", '    return re.sub(r"\\W+", "_", name).lower()'],
    ["def pct(part, whole):", "    return 100 * part / whole if whole else 0.0"],
    [
        "def summarize(frame):",
        "    out = frame.describe().T",
        '    out["missing"] = frame.isna().sum()',
        "    return out",
    ],
    [
        "def save_fig(fig, name):",
        '    fig.savefig(f"figures/{name}.png", dpi=150, bbox_inches="tight")',
    ],
    ["def clip_outliers(s, q=0.99):", "    return s.clip(upper=s.quantile(q))"],
    ["def rmse(y_true, y_pred):", "    return np.sqrt(np.mean((y_true - y_pred) ** 2))"],
    ["def read_json(path):", "    with open(path) as fh:", "        return json.load(fh)"],
    [
        "def top_values(s, n=5):",
        "    counts = s.value_counts()",
        "    return counts.head(n).index.tolist()",
    ],
    [
        "def add_month(frame, col):",
        '    frame["month"] = frame[col].dt.to_period("M")',
        "    return frame",
    ],
    [
        "def describe_cols(frame, cols):",
        "    for col in cols:",
        "        print(col, frame[col].dtype, frame[col].nunique())",
    ],
    [
        "def safe_div(a, b):",
        "    try:",
        "        return a / b",
        "    except ZeroDivisionError:",
        "        return np.nan",
    ],
)


def _helper_trap(r: random.Random, index: int) -> list[str]:
    return list(_HELPERS[index % len(_HELPERS)])
