"""What a block of notebook code does, read from its calls and assignments.

The verb a function is named with (:mod:`nbrefactor.planning.naming`): ``plot`` when
it calls a plotting function, ``save``/``load`` when it writes or reads a file,
``split`` when it cuts two returned names from one frame, ``add`` when it sets new
columns on a frame it receives, ``report`` when it only prints, and so on, with what
the action is about when the code says (the columns, the file, the plotted data).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Block:
    """Statements that move together, with the names they return and receive."""

    statements: Sequence[ast.stmt]
    returns: Sequence[str] = ()
    parameters: Sequence[str] = ()


#: What code does, from the functions and methods it calls, strongest first: a plot of
#: loaded data is a plot, a file written from a summary is a save.
_CALL_VERBS = (
    ("plot", frozenset({"plot", "scatter", "bar", "barh", "hist", "subplots", "imshow",
                        "boxplot", "pie", "heatmap", "lineplot", "scatterplot",
                        "histplot", "barplot", "violinplot", "figure",
                        "pcolormesh", "contour", "contourf", "errorbar", "fill_between",
                        "stem", "step", "hexbin", "matshow", "pairplot", "relplot",
                        "catplot", "displot", "kdeplot", "countplot"})),
    ("save", frozenset({"to_csv", "to_parquet", "to_excel", "to_json", "to_pickle",
                        "to_sql", "to_feather", "to_hdf", "write_text", "write_bytes",
                        "writerow", "writerows", "dump", "savetxt", "savez", "save",
                        "savefig"})),
    ("load", frozenset({"read_csv", "read_parquet", "read_excel", "read_json",
                        "read_sql", "read_table", "read_pickle", "read_feather",
                        "read_hdf", "read_fwf", "read_text", "read_bytes", "loadtxt",
                        "genfromtxt", "load", "load_dataset", "fetch_openml", "glob"})),
    ("fit", frozenset({"fit", "fit_transform", "curve_fit", "minimize", "polyfit",
                       "lstsq", "linregress", "leastsq", "least_squares"})),
    ("simulate", frozenset({"default_rng", "normal", "uniform", "poisson", "binomial",
                            "choice", "integers", "randint", "randn", "rand",
                            "exponential", "lognormal", "multinomial", "shuffle",
                            "permutation", "gauss", "random"})),
    ("summarise", frozenset({"groupby", "agg", "aggregate", "pivot", "pivot_table",
                             "crosstab", "resample", "value_counts", "describe"})),
)  # fmt: skip
#: Calls that only dress a figure's axes (``ax.set_xlabel``): a block of them labels.
_LABELLING = frozenset(
    {"legend", "grid", "tight_layout", "title", "xlabel", "ylabel", "xlim", "ylim",
     "xticks", "yticks", "suptitle", "axhline", "axvline", "annotate", "text"}
)  # fmt: skip
#: Calls that drop rows or columns: the object they drop.
_DROPPING = {"dropna": "missing", "drop_duplicates": "duplicates"}
#: Methods that tidy a frame up without changing what it holds.
_HOUSEKEEPING = frozenset({"reset_index", "copy", "sort_values", "sort_index", "rename"})
#: Names that say nothing of the data: never a function's object.
VAGUE = frozenset(
    {"df", "data", "res", "result", "out", "output", "tmp", "temp", "rng", "fig", "ax",
     "axes", "value", "values", "obj", "item", "items", "arr", "it", "var", "val", "ret"}
)  # fmt: skip


@dataclass(frozen=True)
class Action:
    """What a block of code does: a ``verb``, and what it does it to when the code
    says (the columns it adds, the frame it splits, the file it reads or writes)."""

    verb: str
    objects: tuple[tuple[str, ...], ...] = ()


def code_action(code: Block) -> Action:
    """What ``code`` does, from its calls and assignments (see the module docstring)."""
    calls = list(_calls(code.statements))
    called = {name for name, _ in calls}
    writes = _opens_for_writing(calls)
    for verb, functions in _CALL_VERBS[:4]:  # plot, save, load, fit
        opens = "open" in called and writes == (verb == "save")
        if not (called & functions or (verb in ("load", "save") and opens)):
            continue
        if verb == "plot":
            return Action(verb, _plotted(calls))
        if verb == "load":  # what it returns, or else the file it reads
            loaded = [snake_case(n) for n in code.returns if meaningful(n)]
            both = (tuple(" and ".join(loaded).split()),) if len(loaded) == 2 else ()
            return Action(verb, both + tuple((n,) for n in loaded[-1:]) + _file_objects(calls))
        if verb == "save":
            return Action(verb, _file_objects(calls))
        return Action(verb)
    for frame_action in (_split, _dropped, _kept, _changed_columns):
        found = frame_action(code)
        if found is not None:
            return found
    for verb, functions in _CALL_VERBS[4:]:  # simulate, summarise
        if called & functions:
            return Action(verb)
    if called and called <= _LABELLING | _setters(called):
        return Action("label")
    if not code.returns and "print" in called:
        return Action("report")
    if not code.returns and _changes_parameter(code):
        return Action("update")
    return Action("compute")


def _calls(statements: Sequence[ast.stmt]) -> Iterator[tuple[str, ast.Call]]:
    """Every call in ``statements`` with the name of what it calls (``ax.plot`` ->
    ``plot``)."""
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                function = node.func
                if isinstance(function, ast.Attribute):
                    yield function.attr, node
                elif isinstance(function, ast.Name):
                    yield function.id, node


def _setters(called: set[str]) -> set[str]:
    """The ``set_...`` methods among ``called`` (``ax.set_title``)."""
    return {name for name in called if name.startswith("set_")}


def _opens_for_writing(calls: Sequence[tuple[str, ast.Call]]) -> bool:
    """Whether some ``open(...)`` call opens its file to write (mode ``w``, ``a``, ``x``)."""
    for name, call in calls:
        if name != "open":
            continue
        modes = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "mode")]
        for mode in modes:
            if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax"):
                return True
    return False


def _file_objects(calls: Sequence[tuple[str, ast.Call]]) -> tuple[tuple[str, ...], ...]:
    """What a load or save is about: the file's name (``data/sales.csv`` -> sales),
    else the frame written (``daily.to_csv(...)`` -> daily)."""
    found: list[tuple[str, ...]] = []
    for name, call in calls:
        for argument in call.args[:1]:
            stem = _file_stem(argument)
            if stem:
                found.append(tuple(re.findall(r"[a-z][a-z0-9]*", stem.lower())))
        if name.startswith("to_") or name in {"savefig", "dump"}:
            receiver = _receiver(call)
            if receiver and receiver not in VAGUE and receiver not in {"plt", "json", "pickle"}:
                found.append((receiver,))
    return tuple(f for f in found if f)


def _file_stem(node: ast.expr) -> str | None:
    """The name of a file a literal path names (``"out/daily.csv"`` -> ``daily``); the
    literal part of an f-string counts (``f"{DIR}/plate1_raw.csv"`` -> ``plate1_raw``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    else:
        return None
    if "." not in text.rsplit("/", 1)[-1] or len(text) > 200:
        return None
    stem = PurePosixPath(text.replace("*", "")).stem.strip("_-")
    return stem if re.search(r"[A-Za-z]{2}", stem) else None


def _receiver(call: ast.Call) -> str | None:
    """The name a method is called on, through subscripts and other calls
    (``daily[["a"]].round(1).to_csv`` -> ``daily``)."""
    node: ast.expr = call.func
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _column_of(call: ast.Call) -> str | None:
    """The column a method is called on (``df["age"].plot.hist`` -> ``age``)."""
    node: ast.expr = call.func
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
            if isinstance(key, str) and key.isidentifier():
                return snake_case(key)
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


_PLOTTING_MODULES = frozenset({"plt", "sns", "px", "go", "pylab", "matplotlib"})


def _plotted(calls: Sequence[tuple[str, ast.Call]]) -> tuple[tuple[str, ...], ...]:
    """What a plot shows: the data a plotting call is given or called on."""
    plotting = _CALL_VERBS[0][1] - {"subplots", "figure"}
    found: list[tuple[str, ...]] = []
    for name, call in calls:
        if name not in plotting:
            continue
        receiver = _receiver(call)
        if receiver and meaningful(receiver) and receiver not in _PLOTTING_MODULES:
            frame = snake_case(receiver)
            column = _column_of(call)  # people["age"].plot.hist() -> people, age
            told = column and not (column.startswith(frame) or frame.startswith(column))
            found.append((frame, column) if told and column else (frame,))
        for argument in call.args[:1]:
            while isinstance(argument, (ast.Attribute, ast.Subscript)):
                argument = argument.value
            if isinstance(argument, ast.Name) and meaningful(argument.id):
                found.append((snake_case(argument.id),))
    return tuple(found)


def _assignments(code: Block) -> Iterator[tuple[ast.expr, ast.expr]]:
    """``(target, value)`` of each plain assignment at the top of ``code``; ``a, b = x,
    y`` gives ``(a, x)`` and ``(b, y)``."""
    for statement in code.statements:
        if isinstance(statement, ast.Assign):
            value = statement.value
            for target in statement.targets:
                if (
                    isinstance(target, ast.Tuple)
                    and isinstance(value, ast.Tuple)
                    and len(target.elts) == len(value.elts)
                ):
                    yield from zip(target.elts, value.elts, strict=True)
                else:
                    yield target, value


def _source(node: ast.expr) -> str | None:
    """The name a value is cut from (``sales.iloc[:-3]`` -> ``sales``)."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _split(code: Block) -> Action | None:
    """Two or more returned names cut from the same frame (``train = s.iloc[:-n]``,
    ``test = s.iloc[-n:]``, or ``train_test_split``): ``split_<frame>``."""
    sources: dict[str, str] = {}
    for target, value in _assignments(code):
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Call):
            names = [e.id for e in target.elts if isinstance(e, ast.Name)]
            called = (
                value.func.attr
                if isinstance(value.func, ast.Attribute)
                else (value.func.id if isinstance(value.func, ast.Name) else "")
            )
            if "split" in called and value.args:
                source = _source(value.args[0])
                if source:
                    sources.update(dict.fromkeys(names, source))
        elif isinstance(target, ast.Name) and isinstance(value, ast.Subscript):
            source = _source(value)
            if source:
                sources[target.id] = source
    returned = [sources.get(name) for name in code.returns]
    if len(returned) >= 2 and None not in returned and len(set(returned)) == 1:
        source = str(returned[0])
        return Action("split", ((source,),) if source not in VAGUE else ())
    cut = {
        target.id
        for target, value in _assignments(code)
        if isinstance(target, ast.Name) and target.id in code.returns and _rows_of(value)
    }
    words = {word for name in cut for word in snake_case(name).split("_")}
    if len(cut) >= 2 and {"train", "test"} <= words:  # X_train, X_test = X[...], X[...]
        return Action("split", (("train", "test"),))
    return None


def _rows_of(value: ast.expr) -> str | None:
    """The variable ``value`` takes rows of (``X[idx]``, ``df.iloc[idx]``), if any."""
    if not isinstance(value, ast.Subscript):
        return None
    base = value.value
    if isinstance(base, ast.Attribute) and base.attr in ("iloc", "loc"):
        base = base.value
    return base.id if isinstance(base, ast.Name) else None


def _is_filter(value: ast.expr) -> bool:
    """``frame[<condition>]``, ``frame.loc[<condition>]`` or ``frame.query(...)``, with
    tidying up after it (``.reset_index(drop=True)``) or not."""
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _HOUSEKEEPING
    ):
        value = value.func.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value.func.attr == "query"
    if isinstance(value, ast.Subscript):
        condition = value.slice
        return isinstance(condition, (ast.Compare, ast.BoolOp)) or (
            isinstance(condition, ast.BinOp) and isinstance(condition.op, (ast.BitAnd, ast.BitOr))
        )
    return False


def _kept(code: Block) -> Action | None:
    """A returned name made by filtering rows: ``keep_<name>`` (not for a name that says
    nothing, ``df``: the code may do more to it than keep rows)."""
    for target, value in _assignments(code):
        if isinstance(target, ast.Name) and target.id in code.returns and _is_filter(value):
            return Action("keep", ((target.id,),)) if meaningful(target.id) else None
    return None


def _dropped(code: Block) -> Action | None:
    """A returned name made by dropping rows or columns: ``drop_missing``,
    ``drop_duplicates``."""
    for target, value in _assignments(code):
        if not (isinstance(target, ast.Name) and target.id in code.returns):
            continue
        done = next((m for m in _chain(value) if m not in _HOUSEKEEPING), None)
        if done in _DROPPING:  # the last thing done to the rows, tidying aside
            return Action("drop", ((_DROPPING[done],),))
    return None


def _chain(value: ast.expr) -> Iterator[str]:
    """The methods a chain of calls calls, last first (``df.dropna().reset_index()``
    -> ``reset_index``, ``dropna``)."""
    while isinstance(value, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            yield value.func.attr
            value = value.func.value
        else:
            value = value.func if isinstance(value, ast.Call) else value.value


def _changed_columns(code: Block) -> Action | None:
    """Columns set on a frame (``df["hour"] = ...``): ``add_hour`` when they are new,
    ``clean_<frame>`` when each is made from itself (``df["ts"] = pd.to_datetime(
    df["ts"])``)."""
    added: list[str] = []
    cleaned: list[str] = []
    frames: list[str] = []
    for target, value in _assignments(code):
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
            continue
        if target.value.id not in code.parameters:  # a frame the code makes: no change
            continue
        key = target.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        frames.append(target.value.id)
        reads_itself = any(
            isinstance(n, ast.Subscript)
            and isinstance(n.slice, ast.Constant)
            and n.slice.value == key.value
            for n in ast.walk(value)
        )
        (cleaned if reads_itself else added).append(key.value)
    if not frames:
        return None
    frame = frames[0]
    made = [name for name in code.returns if not name.isupper()]  # not the settings
    if made and frame not in made:
        return None  # it makes something else: that is what it does
    if len(cleaned) > len(added):
        return Action("clean", ((frame,),) if frame not in VAGUE else ())
    added = list(dict.fromkeys(added))
    columns = [snake_case(c) for c in added if c.isidentifier() and len(c) > 1]
    if 1 <= len(columns) <= 2 and len(columns) == len(added):
        return Action("add", (tuple(" and ".join(columns).split()),))
    return Action("add", ((frame, "columns"),) if frame not in VAGUE else (("columns",),))


def _changes_parameter(code: Block) -> bool:
    """Whether ``code`` assigns into a parameter (``df["x"] = ...``, ``df.x = ...``)."""
    parameters = set(code.parameters)
    for target, _ in _assignments(code):
        if isinstance(target, (ast.Subscript, ast.Attribute)) and _source(target) in parameters:
            return True
    return False


def meaningful(name: str) -> bool:
    return len(name) > 1 and name.lower() not in VAGUE and not name.startswith("_")


def snake_case(name: str) -> str:
    """``sessSorted`` -> ``sess_sorted``; ``FIT_LOW`` -> ``fit_low``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
