"""How ``extract`` (the ``--dry-run`` path: plan, render, diff) scales with notebook size.

Generates synthetic analysis notebooks built for extraction (50, 500 and 5,000 cells by
default), writes each to a temporary directory, and times
``extract(notebook, project_dir=..., package=...)`` followed by ``result.changes.diff()``:
what ``nbrefactor extract NB --project-dir DIR --package p --dry-run`` does in-process.
Nothing is applied; the project directory is never created. Each figure is the best of
``--repeat`` runs. The figure to watch is the time per cell: it should stay flat as the
notebook grows (linear growth overall). The CLI is also timed once, as a subprocess, on
the smallest notebook, to show the start-up cost.

Run from the repository root with nbrefactor installed::

    python benchmarks/extract_scaling.py
    python benchmarks/extract_scaling.py --sizes 50,500,5000 --repeat 3
    python benchmarks/extract_scaling.py --json
    python benchmarks/extract_scaling.py --sizes 500,2000 --profile 25

The notebooks are built with plain dicts and :mod:`json`; nothing beyond nbrefactor and
the standard library is needed.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import common  # benchmarks/common.py, next to this script

from nbrefactor.api.extract import extract
from nbrefactor.api.results import ExtractionResult

DEFAULT_SIZES = (50, 500, 5_000)
#: A cell reads names defined in at most this many preceding cells (bounded fan-in).
#: After a first run this slow (seconds), a size is not repeated.
SLOW_SECONDS = 20.0

CONSTANTS = ("THRESHOLD", "SCALE", "N_BINS", "MAX_ROWS", "MIN_QTY")
COLUMNS = ("price", "qty", "weight", "duration", "score", "discount")
CATEGORIES = ("region", "segment", "product", "channel")
#: Section topics; real notebooks repeat them ("Plots" in every chapter).
TOPICS = (
    "Load the data", "Cleaning", "Outliers", "Feature engineering", "Exploration",
    "Aggregates by region", "Plots", "Model", "Evaluation", "Sanity checks", "Summary",
)  # fmt: skip
COMMENTS = (
    "# keep the recent orders only",
    "# normalise the units first",
    "# drop the test accounts",
    "# per-segment totals",
    "# rescale before plotting",
)


# -- notebook generation ---------------------------------------------------------------------


@dataclass
class _Function:
    name: str
    arity: int  # positional parameters a call passes
    reads_notebook: bool  # reads a notebook variable as a global: gains a parameter


class _Generator(common.GeneratedNotebook):
    """Builds one synthetic notebook for extraction, cell by cell, with a seeded random
    source.

    Sections under markdown headings hold script code (filters, new columns, derived
    frames, loops) that runs over several cells before one shows output, function
    definitions (pure ones that read config constants and imports, ones that read a
    notebook variable and so gain a parameter, ones that call earlier helpers), calls of
    those functions, displays, plots and magics. A few units are planted to be skipped:
    a default read from a notebook variable (NBR208), a redefinition (NBR203), a
    ``global`` write (NBR201), a function passed as a value (NBR202), a ``del`` (NBR212),
    a binding on one path only (NBR211). Cells read names from the last ``WINDOW`` cells
    only, so fan-in stays bounded however long the notebook gets. Every size opens with
    a function that gains a parameter, so the mix of work is the same at every size
    (once one moved function has new parameters, every moved call site is rewritten).
    """

    constants = CONSTANTS
    columns = COLUMNS
    categories = CATEGORIES

    def __init__(self, n_cells: int, seed: int) -> None:
        super().__init__(n_cells, seed, kinds=("frame", "scalar", "dict", "func", "pure1"))
        self.until_heading = self.rng.randint(4, 8)

    # -- helpers ----------------------------------------------------------------------------

    def forget(self, kind: str, value: Any) -> None:
        self.recent[kind] = deque(item for item in self.recent[kind] if item[1] != value)

    def comment(self) -> str:
        return self.rng.choice(COMMENTS) + "\n" if self.rng.random() < 0.15 else ""

    # -- cells ------------------------------------------------------------------------------

    def code(self, text: str, outputs: list[dict[str, Any]] | None = None) -> None:
        cell = common.code_cell(self.cell_id(), text, outputs)
        if self.rng.random() > 0.005:  # a few cells never ran
            self.counter += 1
            cell["execution_count"] = self.counter
            for output in cell["outputs"]:
                if "execution_count" in output:
                    output["execution_count"] = self.counter
        self.cells.append(cell)

    def build(self) -> dict[str, Any]:
        self.markdown(
            "# Orders analysis\n\n"
            "Load the export, clean it, derive features, plot a few things, summarise."
        )
        self.code(
            "import json\nimport math\nfrom pathlib import Path\n\n"
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt"
        )
        self.code("%matplotlib inline")
        self.code(
            '# config\nDATA_DIR = Path("data")\nTHRESHOLD = 0.5\nSCALE = 1.25\n'
            "N_BINS = 20\nMAX_ROWS = 10_000\nMIN_QTY = 1\n"
            f"COLUMNS = {list(COLUMNS)!r}"
        )
        self.code(
            'df = pd.read_csv(DATA_DIR / "orders.csv", usecols=COLUMNS + ["region"])\ndf.head()',
            [common.result("   price  qty  weight\n0  9.99    2     0.4")],
        )
        # Every size starts the same way: a function that reads a notebook variable
        # (so moved functions gain parameters and calls pass them), and its call.
        self.heading()
        self.reading_function()
        self.function_call()
        while len(self.cells) < self.n_cells:
            self.until_heading -= 1
            if self.until_heading <= 0:
                self.heading()
                self.until_heading = self.rng.randint(4, 8)
            else:
                self.body_cell()
        return self.notebook()

    def heading(self) -> None:
        self.section += 1
        topic = self.rng.choice(TOPICS)
        text = f"## {self.section}. {topic}" if self.rng.random() < 0.4 else f"### {topic}"
        if self.rng.random() < 0.4:
            text += "\n\nThe numbers below should match last week's report."
        self.markdown(text)

    def body_cell(self) -> None:
        templates = (
            (self.filter_rows, 9),
            (self.new_column, 10),
            (self.derive_frame, 8),
            (self.scalar_stat, 6),
            (self.loop_accumulator, 4),
            (self.dict_counter, 3),
            (self.pure_function, 6),
            (self.reading_function, 3),
            (self.composed_function, 2),
            (self.function_call, 8),
            (self.display, 9),
            (self.plot, 4),
            (self.magic, 3),
            (self.class_def, 1),
            (self.apply_function, 1.5),
            (self.notebook_default, 0.4),
            (self.global_write, 0.3),
            (self.redefinition, 0.3),
            (self.delete_frame, 0.3),
            (self.one_path_binding, 0.4),
            (self.comment_only, 0.5),
            (self.syntax_error, 0.1),
        )
        make = self.rng.choices([t for t, _ in templates], [w for _, w in templates])[0]
        make()

    # -- script code ------------------------------------------------------------------------

    def filter_rows(self) -> None:
        f, c = self.frame(), self.col()
        if self.rng.random() < 0.5:
            text = f'{f} = {f}[{f}["{c}"] > THRESHOLD]'
        else:
            text = (
                f'{f} = {f}[({f}["{c}"] > {self.scalar()}) & ({f}["qty"] >= MIN_QTY)]\n'
                f"{f} = {f}.reset_index(drop=True)"
            )
        self.code(self.comment() + text)

    def new_column(self) -> None:
        f, a, b = self.frame(), self.col(), self.col()
        new = f"{a}_{self.rng.randint(0, 30)}"
        roll = self.rng.random()
        if roll < 0.4:
            text = f'{f}["{new}"] = {f}["{a}"] * SCALE'
        elif roll < 0.7:
            text = f'{f}["{new}"] = {f}["{a}"] * {self.scalar()} + {f}["{b}"]'
        else:
            text = (
                f'{f}["{new}"] = {f}["{a}"].clip(upper={f}["{a}"].quantile(0.99))\n'
                f'{f}.loc[{f}["{b}"] < 0, "{b}"] = 0'
            )
        self.code(self.comment() + text)

    def derive_frame(self) -> None:
        f, cat, c = self.frame(), self.rng.choice(self.categories), self.col()
        name = self.fresh("by")
        if self.rng.random() < 0.5:
            text = (
                f'{name} = (\n    {f}.groupby("{cat}")["{c}"]\n'
                f'    .agg(["mean", "sum", "count"])\n    .reset_index()\n)'
            )
        else:
            text = f'{name} = {f}[{f}["{c}"].between(0, {self.scalar()})].copy()'
        if self.rng.random() < 0.4:
            self.code(
                self.comment() + text + f"\n{name}.head()", [common.result("0  1  2\n1  3  4")]
            )
        else:
            self.code(self.comment() + text)
        self.remember("frame", name)

    def scalar_stat(self) -> None:
        name = self.fresh("mean")
        f, c = self.frame(), self.col()
        text = f'{name} = {f}["{c}"].mean() * {self.scalar()}'
        if self.rng.random() < 0.5:
            self.code(text + f'\nprint(f"{name} = {{{name}:.3f}}")', [common.stream("0.731\n")])
        else:
            self.code(text)
        self.remember("scalar", name)

    def loop_accumulator(self) -> None:
        total = self.fresh("total")
        f, c = self.frame(), self.col()
        self.code(
            f'{total} = 0\nfor value in {f}["{c}"]:\n    if value > THRESHOLD:\n'
            f"        {total} += value * {self.scalar()}"
        )
        self.remember("scalar", total)

    def display(self) -> None:
        f = self.frame()
        roll = self.rng.random()
        if roll < 0.4:
            self.code(f"{f}.head(10)", [common.result("   price  qty\n0  9.99    2")])
        elif roll < 0.7:
            self.code(f"{f}.describe().T", [common.result("count  mean  std  min  max")])
        else:
            self.code(
                f'print({self.scalar()}, {f}.shape, {f}["{self.col()}"].max())',
                [common.stream("0.5 (812, 9) 3.2\n")],
            )

    def magic(self) -> None:
        roll = self.rng.random()
        f = self.frame()
        if roll < 0.4:
            func = self.pick("func")
            stmt = f"{func.name}({', '.join([f] * func.arity)})" if func else f"{f}.sum()"
            self.code(f"%timeit {stmt}", [common.stream("1.2 ms ± 31 µs per loop\n")])
        elif roll < 0.7:
            self.code("!ls -la data/ | head", [common.stream("total 8\n")])
        else:
            name = self.fresh("stats")
            self.code(
                f"%%time\n{name} = {f}.describe()\n{name}.T",
                [common.stream("CPU times: user 4 ms\n"), common.result("count mean")],
            )
            self.remember("frame", name)

    def comment_only(self) -> None:
        self.code("# TODO: check the outliers again")

    def syntax_error(self) -> None:
        self.code(f'broken = ({self.frame()}["price"].sum() +\nprint(broken')

    # -- definitions ------------------------------------------------------------------------

    def _define(self, text: str, function: _Function) -> None:
        self.code(text)
        self.remember("func", function)

    def pure_function(self) -> None:
        """Reads only its arguments, config constants and imports: moves as it is."""
        roll = self.rng.random()
        if roll < 0.45:
            name, c = self.fresh("clean"), self.col()
            text = (
                f'def {name}(frame, column="{c}"):\n'
                '    """Drop rows under THRESHOLD and rescale the column."""\n'
                "    out = frame[frame[column] > THRESHOLD].copy()\n"
                "    out[column] = out[column] * SCALE\n"
                '    out = out[out["qty"] >= MIN_QTY]\n'
                "    return out.reset_index(drop=True)"
            )
            self._define(text, _Function(name, 1, False))
        elif roll < 0.75:
            name = self.fresh("bucket")
            text = (
                f"def {name}(value):\n"
                "    if value is None or math.isnan(value):\n"
                "        return -1\n"
                "    return min(int(value * N_BINS), N_BINS - 1)"
            )
            self.code(text)
            self.remember("pure1", name)  # used by value in .apply(); never called on a frame
        else:
            name = self.fresh("summarise")
            text = (
                f"def {name}(frame, by):\n"
                '    table = frame.groupby(by).agg(["mean", "count"])\n'
                "    table.columns = ['_'.join(c) for c in table.columns]\n"
                "    return table.round(3)"
            )
            self._define(text, _Function(name, 1, False))

    def reading_function(self) -> None:
        """Reads a notebook variable as a global: it gains a keyword-only parameter."""
        name, c = self.fresh("weight_by"), self.col()
        source = self.pick("dict") or self.pick("frame") or "df"
        if source.startswith("counts"):
            line = f"    weights = frame['region'].map({source}).fillna(0)\n"
        else:
            line = f"    weights = frame['{c}'] / {source}['{c}'].sum()\n"
        text = (
            f"def {name}(frame):\n{line}"
            f"    out = frame.assign(weighted=frame['{c}'] * weights)\n"
            "    return out[out['weighted'] > THRESHOLD]"
        )
        self._define(text, _Function(name, 1, True))

    def composed_function(self) -> None:
        """Calls an earlier helper: gains its parameters too."""
        helper = self.pick("func")
        if helper is None or helper.arity != 1:
            self.pure_function()
            return
        name, c = self.fresh("pipeline"), self.col()
        text = (
            f"def {name}(frame):\n"
            f"    out = {helper.name}(frame)\n"
            f"    out['{c}_z'] = (out['{c}'] - out['{c}'].mean()) / out['{c}'].std()\n"
            "    return out.head(MAX_ROWS)"
        )
        self._define(text, _Function(name, 1, helper.reads_notebook))

    def class_def(self) -> None:
        name = f"Scaler{self.fresh('s').split('_')[1]}"
        reads = 'df["qty"].mean()' if self.rng.random() < 0.3 else "SCALE"  # df: NBR207
        instance = name.lower()
        self.code(
            f"class {name}:\n"
            "    def __init__(self, factor=1.0):\n"
            "        self.factor = factor\n\n"
            "    def transform(self, frame):\n"
            f'        return frame["{self.col()}"] * self.factor * {reads}'
        )
        self.code(
            f"{instance} = {name}(factor=0.8)\n{instance}.transform({self.frame()}).head()",
            [common.result("0  1.1\n1  2.3")],
        )

    def function_call(self) -> None:
        func = self.pick("func")
        if func is None:
            self.display()
            return
        f = self.frame()
        args = ", ".join([f] * func.arity) if func.arity == 1 else f
        if func.name.startswith("summarise"):
            args = f'{f}, "{self.rng.choice(self.categories)}"'
        name = self.fresh("result")
        roll = self.rng.random()
        if roll < 0.4:
            self.code(
                f"{name} = {func.name}({args})\n{name}.describe()", [common.result("count mean")]
            )
        elif roll < 0.8:
            self.code(self.comment() + f"{name} = {func.name}({args})")
        else:
            self.code(f"len({func.name}({args}))", [common.result("4182")])
            return
        self.remember("frame", name)

    # -- planted skips ----------------------------------------------------------------------

    def apply_function(self) -> None:
        """Passes a function by value: fine when pure; NBR202 when it gained parameters."""
        f, c = self.frame(), self.col()
        func = self.pick("pure1")
        if func is None or self.rng.random() < 0.25:
            reader = self.pick("func")
            if reader is None or not reader.reads_notebook:
                self.new_column()
                return
            self.code(f"parts = list(map({reader.name}, [{f}, {self.frame()}]))")
            return
        self.code(f'{f}["{c}_bin"] = {f}["{c}"].apply({func})')

    def notebook_default(self) -> None:
        name, scalar = self.fresh("cap"), self.pick("scalar") or "THRESHOLD"
        self._define(
            f"def {name}(frame, limit={scalar}):\n    return frame.clip(upper=limit)",
            _Function(name, 1, False),
        )

    def global_write(self) -> None:
        name = self.fresh("log_step")
        self.code(
            f"n_logged = 0\n\ndef {name}(message):\n"
            "    global n_logged\n    n_logged += 1\n    print(n_logged, message)"
        )

    def redefinition(self) -> None:
        func = self.pick("func")
        if func is None or func.arity != 1:
            self.pure_function()
            return
        self.code(f"def {func.name}(frame):\n    return frame.dropna()")

    def delete_frame(self) -> None:
        name = self.pick("frame")
        if name is None or not name.startswith("by"):
            self.filter_rows()
            return
        self.code(f"del {name}")
        self.forget("frame", name)

    def one_path_binding(self) -> None:
        name = self.fresh("flag")
        self.code(f"if {self.frame()}['qty'].sum() > MAX_ROWS:\n    {name} = True")
        self.code(f"print({name})", [common.stream("True\n")])


def make_notebook(n_cells: int, seed: int = 0) -> dict[str, Any]:
    """A synthetic nbformat 4 notebook of exactly ``n_cells`` cells (as a JSON-ready dict)."""
    return _Generator(n_cells, seed).build()


def write_notebook(path: Path, notebook: dict[str, Any]) -> None:
    """Jupyter's own JSON style, so the rewritten notebook keeps it."""
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


# -- timing ----------------------------------------------------------------------------------


@dataclass
class Result:
    cells: int
    code_cells: int
    code_lines: int
    runs: int
    extract_ms: float
    diff_ms: float
    total_ms: float
    total_cpu_ms: float
    us_per_cell: float
    units: int
    definitions: int
    scripts: int
    skipped: int
    skipped_by_code: dict[str, int]
    diff_lines: int
    profile: list[dict[str, Any]] = field(default_factory=list)


def _dry_run(path: Path, project: Path) -> tuple[ExtractionResult, str]:
    result = extract(path, project_dir=project, package="p")
    return result, result.changes.diff()


def measure(path: Path, project: Path, repeat: int, slow: float) -> Result:
    """Time ``extract`` + ``diff`` on ``path``; each figure is the best of ``repeat`` runs
    (one run when the first takes longer than ``slow`` seconds)."""
    keys = ("extract", "diff", "total", "total_cpu")
    best = dict.fromkeys(keys, float("inf"))
    result: ExtractionResult | None = None
    diff = ""
    runs = 0
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        result = extract(path, project_dir=project, package="p")
        w1 = time.perf_counter()
        diff = result.changes.diff()
        w2, c2 = time.perf_counter(), time.process_time()
        runs += 1
        for key, value in (
            ("extract", w1 - w0),
            ("diff", w2 - w1),
            ("total", w2 - w0),
            ("total_cpu", c2 - c0),
        ):
            best[key] = min(best[key], value)
        if w2 - w0 > slow:
            break
    assert result is not None
    assert not project.exists(), "a dry run must not create the project"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    cells = len(notebook["cells"])
    plan = result.plan
    return Result(
        cells=cells,
        code_cells=len(code),
        code_lines=sum(len("".join(cell["source"]).splitlines()) for cell in code),
        runs=runs,
        extract_ms=best["extract"] * 1e3,
        diff_ms=best["diff"] * 1e3,
        total_ms=best["total"] * 1e3,
        total_cpu_ms=best["total_cpu"] * 1e3,
        us_per_cell=best["total"] * 1e6 / cells,
        units=len(plan.exported),
        definitions=len(plan.definitions),
        scripts=len(plan.scripts),
        skipped=len(plan.skipped),
        skipped_by_code=dict(sorted(Counter(s.code for s in plan.skipped).items())),
        diff_lines=diff.count("\n"),
    )


def profile(path: Path, project: Path, top: int) -> list[dict[str, Any]]:
    """One run under cProfile: the ``top`` nbrefactor functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    _dry_run(path, project)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        marker = filename.replace("\\", "/").rfind("/nbrefactor/")
        if marker < 0:
            continue
        where = filename.replace("\\", "/")[marker + 1 :].removesuffix(".py").replace("/", ".")
        rows.append(
            {
                "function": f"{where}.{function}",
                "line": line,
                "calls": calls,
                "own_ms": own * 1e3,
                "cumulative_ms": cumulative * 1e3,
            }
        )
    rows.sort(key=lambda row: -row["cumulative_ms"])
    return rows[:top]


def time_cli(path: Path, project: Path) -> dict[str, Any]:
    """``nbrefactor extract NB --project-dir DIR --package p --dry-run`` once, as a new
    process: Python start-up and imports included."""
    script = Path(sys.executable).with_name("nbrefactor")
    command = ([str(script)] if script.exists() else [sys.executable, "-m", "nbrefactor"]) + [
        "extract",
        str(path),
        "--project-dir",
        str(project),
        "--package",
        "p",
        "--dry-run",
    ]
    before = _children_cpu()
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    cpu = _children_cpu() - before
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr}")
    startup_start = time.perf_counter()
    subprocess.run(
        [*command[: command.index("extract")], "--help"], capture_output=True, check=True
    )
    startup = time.perf_counter() - startup_start
    return {
        "command": f"nbrefactor extract {path.name} --project-dir DIR --package p --dry-run",
        "wall_ms": wall * 1e3,
        "cpu_ms": cpu * 1e3,
        "help_wall_ms": startup * 1e3,
    }


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    sizes: list[int], repeat: int, seed: int, slow: float, top: int
) -> tuple[list[Result], dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="nbrefactor-bench-") as tmp:
        root = Path(tmp)
        # Warm up: the first run imports nbformat, libcst and jinja2 and loads the templates.
        warm = root / "warmup.ipynb"
        write_notebook(warm, make_notebook(50, seed + 1))
        _dry_run(warm, root / "warm_project")
        for size in sizes:
            path = root / f"orders_{size}.ipynb"
            write_notebook(path, make_notebook(size, seed))
            result = measure(path, root / f"project_{size}", repeat, slow)
            if top:
                result.profile = profile(path, root / f"project_{size}", top)
            results.append(result)
        smallest = root / f"orders_{min(sizes)}.ipynb"
        cli = time_cli(smallest, root / "cli_project")
        cli["cells"] = min(sizes)
        cli["in_process_ms"] = min(results, key=lambda r: r.cells).total_ms
    return results, cli


def growth(results: list[Result]) -> dict[str, Any]:
    """Per-cell time at the largest size over the smallest, and over the second largest:
    the smallest notebook carries the fixed costs of a run; the two largest do not."""
    summary = common.growth(results, ("extract", "diff"))
    ordered = sorted(results, key=lambda r: r.cells)
    large, upper = ordered[-1], ordered[-2] if len(ordered) > 2 else ordered[0]
    summary["second_largest"] = upper.cells
    summary["upper_ratio"] = (large.total_ms / large.cells) / (upper.total_ms / upper.cells)
    return summary


# -- output ----------------------------------------------------------------------------------


def print_table(
    results: list[Result], summary: dict[str, Any], cli: dict[str, Any], repeat: int
) -> None:
    print(
        f"nbrefactor extract --dry-run scaling "
        f"(best of {repeat}, Python {platform.python_version()}, wall clock)"
    )
    header = (
        "cells", "code lines", "units", "skipped", "runs",
        "extract ms", "diff ms", "total ms", "cpu ms", "µs/cell",
    )  # fmt: skip
    print("  ".join(f"{h:>10}" for h in header))
    for r in results:
        row = (
            f"{r.cells:,}",
            f"{r.code_lines:,}",
            f"{r.units:,}",
            f"{r.skipped:,}",
            f"{r.runs}",
            f"{r.extract_ms:,.1f}",
            f"{r.diff_ms:,.1f}",
            f"{r.total_ms:,.1f}",
            f"{r.total_cpu_ms:,.1f}",
            f"{r.us_per_cell:,.1f}",
        )
        print("  ".join(f"{v:>10}" for v in row))
    print()
    print(
        f"per-cell time ratio ({summary['largest']:,} vs {summary['smallest']:,} cells): "
        f"{summary['ratio']:.2f}  (extract {summary['extract_ratio']:.2f}, "
        f"diff {summary['diff_ratio']:.2f}, cpu {summary['cpu_ratio']:.2f})"
    )
    if summary["second_largest"] != summary["smallest"]:
        print(
            f"per-cell time ratio ({summary['largest']:,} vs {summary['second_largest']:,} "
            f"cells): {summary['upper_ratio']:.2f}"
        )
    print(f"growth: {summary['growth']}")
    print()
    print(f"CLI, one run on {cli['cells']:,} cells: {cli['command']}")
    print(
        f"  {cli['wall_ms']:,.0f} ms wall, {cli['cpu_ms']:,.0f} ms cpu; "
        f"in-process {cli['in_process_ms']:,.0f} ms, so start-up is about "
        f"{cli['wall_ms'] - cli['in_process_ms']:,.0f} ms "
        f"(`nbrefactor --help` alone: {cli['help_wall_ms']:,.0f} ms)"
    )
    print()
    print("workload (sanity check):")
    for r in results:
        skipped = ", ".join(f"{code} {n}" for code, n in r.skipped_by_code.items()) or "none"
        print(
            f"  {r.cells:>7,} cells: {r.code_cells:,} code; moved {r.definitions:,} definitions "
            f"+ {r.scripts:,} script functions; skipped: {skipped}; diff {r.diff_lines:,} lines"
        )
    for r in results:
        if not r.profile:
            continue
        print()
        print(f"profile, {r.cells:,} cells (one run under cProfile; nbrefactor functions):")
        print(f"  {'cumulative ms':>13}  {'own ms':>9}  {'calls':>9}  function")
        for entry in r.profile:
            print(
                f"  {entry['cumulative_ms']:>13,.1f}  {entry['own_ms']:>9,.1f}  "
                f"{entry['calls']:>9,}  {entry['function']}:{entry['line']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = common.scaling_parser(__doc__.split("\n\n")[0], DEFAULT_SIZES)
    parser.add_argument(
        "--slow",
        type=float,
        default=SLOW_SECONDS,
        help="seconds after which a size is not repeated (default: %(default)s)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, profile one run per size and show the N nbrefactor functions "
        "with the most cumulative time",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    results, cli = run(args.sizes, args.repeat, args.seed, args.slow, args.profile)
    summary = growth(results)
    if args.json:
        payload = {
            "python": platform.python_version(),
            "repeat": args.repeat,
            "seed": args.seed,
            "results": [asdict(r) for r in results],
            "cli": cli,
            **summary,
        }
        json.dump(payload, sys.stdout, indent=2)
        print()
    else:
        print_table(results, summary, cli, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
