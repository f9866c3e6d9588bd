"""How reading a notebook and building its cell graph scale with notebook size.

Generates synthetic but realistic ``.ipynb`` notebooks (100, 1,000 and 10,000 cells by
default), writes each to a temporary directory, then times ``read_notebook`` and
``build_graph`` separately, best of ``--repeat`` runs. The figure to watch is the time
per cell: it should stay flat as the notebook grows (linear growth overall).

Run from the repository root with nbrefactor installed::

    python benchmarks/graph_scaling.py
    python benchmarks/graph_scaling.py --sizes 100,1000,10000 --repeat 5
    python benchmarks/graph_scaling.py --json

The notebooks are built with plain dicts and :mod:`json`; nothing beyond nbrefactor and
the standard library is needed.
"""

from __future__ import annotations

import gc
import json
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import common  # benchmarks/common.py, next to this script

from nbrefactor.analysis.graph import build_graph
from nbrefactor.notebook.reader import read_notebook

DEFAULT_SIZES = (100, 1_000, 10_000)
#: A cell reads names defined in at most this many preceding cells (bounded fan-in).

CONSTANTS = ("THRESHOLD", "SCALE", "N_BINS", "MAX_ROWS", "SEED")
COLUMNS = ("x", "a", "b", "score", "price", "qty", "weight", "duration")
CATEGORIES = ("cat", "region", "segment", "product")


# -- notebook generation ---------------------------------------------------------------------


class _Generator(common.GeneratedNotebook):
    """Builds one synthetic notebook, cell by cell, with a seeded random source.

    Code cells read a few names from the last ``WINDOW`` cells plus a few of the global
    config constants, so the number of edges into any cell stays bounded however long
    the notebook gets; ``df`` is the one long-lived frame that many cells touch, as in
    real analysis notebooks.
    """

    constants = CONSTANTS[:4]
    columns = COLUMNS
    categories = CATEGORIES

    def __init__(self, n_cells: int, seed: int) -> None:
        super().__init__(n_cells, seed, kinds=("frame", "scalar", "list", "dict", "func", "class"))
        self.reruns: list[list[Any]] = []  # [cells to go, cell]: cells run out of order
        self.until_markdown = self.rng.randint(6, 10)

    # -- cells ----------------------------------------------------------------------------

    def code(self, text: str, outputs: list[dict[str, Any]] | None = None) -> None:
        cell = common.code_cell(self.cell_id(), text, outputs)
        self.cells.append(cell)
        roll = self.rng.random()
        if roll < 0.004:
            pass  # never run, although later cells were
        elif roll < 0.012:  # edited and re-run after a few cells further down had run
            self.reruns.append([self.rng.randint(2, 12), cell])
        else:
            self._execute(cell)
        for pending in list(self.reruns):
            pending[0] -= 1
            if pending[0] <= 0:
                self.reruns.remove(pending)
                self._execute(pending[1])

    def _execute(self, cell: dict[str, Any]) -> None:
        self.counter += 1
        cell["execution_count"] = self.counter
        for output in cell["outputs"]:
            if "execution_count" in output:
                output["execution_count"] = self.counter

    def build(self) -> dict[str, Any]:
        self.markdown(
            "# Synthetic analysis notebook\n\n"
            "Load the export, clean it, derive features, plot a few things, summarise."
        )
        self.code(
            "import os\nimport json\nimport math\nfrom pathlib import Path\n\n"
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\n"
            'pd.set_option("display.width", 120)'
        )
        self.code(
            '# config\nDATA_DIR = Path("data")\nTHRESHOLD = 0.5\nSCALE = 1.25\n'
            "N_BINS = 20\nMAX_ROWS = 10_000\nSEED = 42\n"
            f"COLUMNS = {list(COLUMNS)!r}"
        )
        self.code(
            'df = pd.read_csv(DATA_DIR / "export.csv", usecols=COLUMNS + ["cat", "region"])\n'
            "df.head()",
            [common.result("   x    a    b  score\n0  0.1  2.0  3.0  0.77")],
        )
        while len(self.cells) < self.n_cells:
            self.until_markdown -= 1
            if self.until_markdown <= 0:
                self.heading()
                self.until_markdown = self.rng.randint(6, 10)
            else:
                self.body_cell()
        return self.notebook()

    def heading(self) -> None:
        if self.rng.random() < 0.3:
            self.section += 1
            text = f"## {self.section}. Section {self.section}"
        else:
            text = f"### Step {self.section}.{self.serial}"
        if self.rng.random() < 0.5:
            text += (
                "\n\nChecking the distribution of the filtered rows before moving on; "
                "the numbers below should match last week's report."
            )
        self.markdown(text)

    def body_cell(self) -> None:
        templates = (
            (self.filter_rows, 6),
            (self.new_column, 10),
            (self.derive_frame, 8),
            (self.scalar_stat, 10),
            (self.loop_accumulator, 6),
            (self.comprehension, 6),
            (self.dict_counter, 4),
            (self.function_def, 6),
            (self.function_call, 7),
            (self.display, 8),
            (self.plot, 5),
            (self.try_load, 2),
            (self.class_def, 1),
            (self.magic, 4),
            (self.blank_or_comment, 1),
            (self.syntax_error, 0.3),
        )
        make = self.rng.choices([t for t, _ in templates], [w for _, w in templates])[0]
        make()

    # -- templates ------------------------------------------------------------------------

    def filter_rows(self) -> None:
        f, c = self.frame(), self.col()
        if self.rng.random() < 0.5:
            self.code(f'{f} = {f}[{f}["{c}"] > THRESHOLD]\nlen({f})', [common.result("4182")])
        else:
            other = self.col()
            self.code(
                f'{f} = {f}[({f}["{c}"] > {self.scalar()}) & ({f}["{other}"].notna())]\n'
                f"{f} = {f}.reset_index(drop=True)"
            )
        if f != "df":
            self.remember("frame", f)

    def new_column(self) -> None:
        f = self.frame()
        new = f"col_{self.rng.randint(0, 99)}"
        a, b = self.col(), self.col()
        choice = self.rng.random()
        if choice < 0.4:
            text = f'{f}["{new}"] = {f}["{a}"] * 2'
        elif choice < 0.7:
            text = f'{f}["{new}"] = {f}["{a}"] * {self.scalar()} + {f}["{b}"]'
        else:
            text = (
                f'{f}["{new}"] = {f}["{a}"].clip(upper={f}["{a}"].quantile(0.99))\n'
                f'{f}.loc[{f}["{b}"] < 0, "{b}"] = 0'
            )
        self.code(text)

    def derive_frame(self) -> None:
        f, cat, c = self.frame(), self.rng.choice(self.categories), self.col()
        name = self.fresh("frame")
        if self.rng.random() < 0.5:
            text = (
                f'{name} = (\n    {f}.groupby("{cat}")["{c}"]\n    .agg(["mean", "sum", "count"])\n'
                f"    .reset_index()\n)\n{name}.head()"
            )
        else:
            text = f'{name} = {f}[{f}["{c}"].between(0, {self.scalar()})].copy()\n{name}.shape'
        self.code(text, [common.result(f"{name} preview\n0  1  2\n1  3  4")])
        self.remember("frame", name)

    def scalar_stat(self) -> None:
        name = self.fresh("v")
        f, c = self.frame(), self.col()
        if self.rng.random() < 0.6:
            text = f'{name} = {f}["{c}"].mean() * {self.scalar()}'
        else:
            text = f"{name} = ({self.scalar()} + {self.scalar()}) / N_BINS"
        self.code(
            text + f'\nprint(f"{name} = {{{name}:.3f}}")', [common.stream(f"{name} = 0.731\n")]
        )
        self.remember("scalar", name)

    def loop_accumulator(self) -> None:
        total = self.fresh("total")
        source = self.pick("list") or f'{self.frame()}["{self.col()}"]'
        self.code(
            f"{total} = 0\nfor value in {source}:\n    if value > THRESHOLD:\n"
            f"        {total} += value * {self.scalar()}\nprint({total})",
            [common.stream("1234.5\n")],
        )
        self.remember("scalar", total)

    def comprehension(self) -> None:
        name = self.fresh("items")
        f, c = self.frame(), self.col()
        if self.rng.random() < 0.7:
            text = f'{name} = [round(x * SCALE, 2) for x in {f}["{c}"] if x > {self.scalar()}]'
            self.code(text + f"\nlen({name})", [common.result("812")])
            self.remember("list", name)
        else:
            keys = self.pick("list") or "COLUMNS"
            text = f"{name} = {{k: i * {self.scalar()} for i, k in enumerate({keys})}}"
            self.code(text)
            self.remember("dict", name)

    def function_def(self) -> None:
        name = self.fresh("transform")
        c, helper = self.col(), self.pick("func")
        body = f'    out = frame.copy()\n    out["{c}"] = out["{c}"] * factor + {self.scalar()}\n'
        if helper and self.rng.random() < 0.4:
            body += f"    out = {helper}(out)\n"
        body += f'    return out[out["{c}"] < MAX_ROWS]'
        self.code(
            f"def {name}(frame, factor={self.scalar()}):\n"
            f'    """Rescale {c} and drop outliers."""\n{body}'
        )
        self.remember("func", name)

    def function_call(self) -> None:
        func = self.pick("func")
        if func is None:
            self.display()
            return
        name = self.fresh("result")
        f = self.frame()
        if self.rng.random() < 0.5:
            self.code(
                f"{name} = {func}({f})\n{name}.describe()", [common.result("count  mean  std")]
            )
            self.remember("frame", name)
        else:
            self.code(f"{f} = {func}({f}, factor={self.scalar()})")
            if f != "df":
                self.remember("frame", f)

    def display(self) -> None:
        f = self.frame()
        choice = self.rng.random()
        if choice < 0.4:
            self.code(f"{f}.head(10)", [common.result("   x    a    b\n0  0.1  2.0  3.0")])
        elif choice < 0.7:
            self.code(f"{f}.describe().T", [common.result("count  mean  std  min  max")])
        else:
            v = self.scalar()
            self.code(
                f'print({v}, {f}.shape, {f}["{self.col()}"].max())',
                [common.stream("0.5 (812, 9) 3.2\n")],
            )

    def try_load(self) -> None:
        name = self.fresh("cfg")
        self.code(
            "try:\n"
            f'    {name} = json.loads((DATA_DIR / "settings.json").read_text())\n'
            "except FileNotFoundError:\n"
            f'    {name} = {{"threshold": THRESHOLD, "bins": N_BINS}}\n'
            f'{name}["threshold"]'
        )
        self.remember("dict", name)

    def class_def(self) -> None:
        name = f"Model{self.fresh('m').split('_')[1]}"
        instance = name.lower()
        self.code(
            f"class {name}:\n"
            f"    def __init__(self, alpha={self.scalar()}):\n"
            "        self.alpha = alpha\n\n"
            "    def predict(self, frame):\n"
            f'        return frame["{self.col()}"] * self.alpha + SCALE\n\n'
            f"{instance} = {name}()\n"
            f"{instance}.predict({self.frame()}).head()"
        )
        self.remember("class", name)

    def magic(self) -> None:
        choice = self.rng.random()
        f = self.frame()
        if choice < 0.35:
            func = self.pick("func")
            stmt = f"{func}({f})" if func else f'{f}["{self.col()}"].sum()'
            self.code(f"%timeit {stmt}", [common.stream("1.2 ms ± 31 µs per loop\n")])
        elif choice < 0.6:
            if self.rng.random() < 0.5:
                self.code("!ls {DATA_DIR}", [common.stream("export.csv\nsettings.json\n")])
            else:
                self.code("!ls -la data/ | head", [common.stream("total 8\n")])
        elif choice < 0.9:
            name = self.fresh("stats")
            self.code(
                f"%%time\n{name} = {f}.describe()\n{name}.T",
                [common.stream("CPU times: user 4 ms\n"), common.result("count mean")],
            )
            self.remember("frame", name)
        else:
            self.code("%matplotlib inline")

    def blank_or_comment(self) -> None:
        self.code("" if self.rng.random() < 0.5 else "# TODO: check the outliers again")

    def syntax_error(self) -> None:
        name = self.fresh("v")
        f = self.frame()
        self.code(f'{name} = ({f}["{self.col()}"].sum() +\nprint({name}')


def make_notebook(n_cells: int, seed: int = 0, workload: str = "realistic") -> dict[str, Any]:
    """A synthetic nbformat 4 notebook of exactly ``n_cells`` cells (as a JSON-ready dict)."""
    if workload == "adversarial":
        return make_adversarial_notebook(n_cells, seed)
    return _Generator(n_cells, seed).build()


def make_adversarial_notebook(n_cells: int, seed: int = 0) -> dict[str, Any]:
    """The worst case for the linking step rather than a typical notebook.

    Every cell rebinds the same names (``df``, ``fig``, ``ax``, ``x``), so each name has
    ``n_cells`` definers, and execution counts are shuffled, so most cells ran out of order.
    """
    rng = random.Random(seed)
    counts = list(range(1, n_cells + 1))
    rng.shuffle(counts)
    cells = []
    for index in range(n_cells):
        source = (
            "import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.DataFrame()"
            if index == 0
            else f"df = df.dropna()\nfig, ax = plt.subplots()\nx = {index}\nax.plot(df.x)"
        )
        cells.append(
            {
                "cell_type": "code",
                "id": f"adv-{index}",
                "metadata": {},
                "execution_count": counts[index],
                "outputs": [],
                "source": source,
            }
        )
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


# -- timing ----------------------------------------------------------------------------------


@dataclass
class Result:
    cells: int
    code_cells: int
    code_lines: int
    read_ms: float
    graph_ms: float
    total_ms: float
    read_cpu_ms: float
    graph_cpu_ms: float
    total_cpu_ms: float
    us_per_cell: float
    edges: int
    diagnostics: dict[str, int]


def measure(path: Path, repeat: int) -> Result:
    """Time reading ``path`` and building its graph; each figure is the best of ``repeat``."""
    keys = ("read", "graph", "total", "read_cpu", "graph_cpu", "total_cpu")
    best = dict.fromkeys(keys, float("inf"))
    graph = None
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        notebook = read_notebook(path)
        w1, c1 = time.perf_counter(), time.process_time()
        graph = build_graph(notebook)
        w2, c2 = time.perf_counter(), time.process_time()
        for key, value in (
            ("read", w1 - w0),
            ("graph", w2 - w1),
            ("total", w2 - w0),
            ("read_cpu", c1 - c0),
            ("graph_cpu", c2 - c1),
            ("total_cpu", c2 - c0),
        ):
            best[key] = min(best[key], value)
    assert graph is not None
    code = [cell for cell in graph.notebook.cells if cell.is_code]
    cells = len(graph.notebook.cells)
    return Result(
        cells=cells,
        code_cells=len(code),
        code_lines=sum(len(cell.source.splitlines()) for cell in code),
        read_ms=best["read"] * 1e3,
        graph_ms=best["graph"] * 1e3,
        total_ms=best["total"] * 1e3,
        read_cpu_ms=best["read_cpu"] * 1e3,
        graph_cpu_ms=best["graph_cpu"] * 1e3,
        total_cpu_ms=best["total_cpu"] * 1e3,
        us_per_cell=best["total"] * 1e6 / cells,
        edges=len(graph.edges),
        diagnostics=dict(sorted(Counter(d.code for d in graph.diagnostics).items())),
    )


def run(sizes: list[int], repeat: int, seed: int, workload: str = "realistic") -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="nbrefactor-bench-") as tmp:
        # Warm up: the first read imports nbformat and fills caches; keep that out of the figures.
        warm = Path(tmp) / "warmup.ipynb"
        warm.write_text(json.dumps(make_notebook(50, seed)), encoding="utf-8")
        build_graph(read_notebook(warm))
        for size in sizes:
            path = Path(tmp) / f"synthetic_{size}.ipynb"
            notebook = make_notebook(size, seed, workload)
            path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
            results.append(measure(path, repeat))
    return results


# -- output ----------------------------------------------------------------------------------


def print_table(results: list[Result], summary: dict[str, Any], repeat: int) -> None:
    print(
        f"nbrefactor read_notebook + build_graph scaling "
        f"(best of {repeat}, Python {platform.python_version()}, wall clock)"
    )
    header = ("cells", "code lines", "read ms", "graph ms", "total ms", "cpu ms", "µs/cell")
    print("  ".join(f"{h:>10}" for h in header))
    for r in results:
        row = (
            f"{r.cells:,}",
            f"{r.code_lines:,}",
            f"{r.read_ms:.1f}",
            f"{r.graph_ms:.1f}",
            f"{r.total_ms:.1f}",
            f"{r.total_cpu_ms:.1f}",
            f"{r.us_per_cell:.1f}",
        )
        print("  ".join(f"{v:>10}" for v in row))
    print()
    print(
        f"per-cell time ratio ({summary['largest']:,} vs {summary['smallest']:,} cells): "
        f"{summary['ratio']:.2f}  (read {summary['read_ratio']:.2f}, "
        f"graph {summary['graph_ratio']:.2f}, cpu {summary['cpu_ratio']:.2f})"
    )
    print(f"growth: {summary['growth']}")
    print()
    print("workload (sanity check):")
    for r in results:
        diags = ", ".join(f"{code} {n}" for code, n in r.diagnostics.items()) or "none"
        print(
            f"  {r.cells:>7,} cells: {r.code_cells:,} code, {r.edges:,} edges "
            f"({r.edges / max(r.code_cells, 1):.1f}/code cell); diagnostics: {diags}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = common.scaling_parser(__doc__.split("\n\n")[0], DEFAULT_SIZES)
    parser.add_argument(
        "--workload",
        choices=("realistic", "adversarial"),
        default="realistic",
        help="realistic analysis notebooks, or the worst case for linking: every cell "
        "rebinds the same names and execution counts are shuffled (default: realistic)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    results = run(args.sizes, args.repeat, args.seed, args.workload)
    summary = common.growth(results, ("read", "graph"))
    if args.json:
        payload = {
            "python": platform.python_version(),
            "repeat": args.repeat,
            "seed": args.seed,
            "workload": args.workload,
            "results": [asdict(r) for r in results],
            **summary,
        }
        json.dump(payload, sys.stdout, indent=2)
        print()
    else:
        print_table(results, summary, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
