"""Pieces shared by the benchmark scripts: generating notebooks (cells, outputs, the
bookkeeping of a seeded generator), the options of the scaling benchmarks, and their
growth figure."""

from __future__ import annotations

import argparse
import random
from collections import deque
from collections.abc import Sequence
from typing import Any


def lines(text: str) -> list[str]:
    """Text as nbformat stores it: a list of lines keeping their newlines."""
    return text.splitlines(keepends=True)


def stream(text: str) -> dict[str, Any]:
    return {"name": "stdout", "output_type": "stream", "text": lines(text)}


def result(text: str) -> dict[str, Any]:
    return {
        "data": {"text/plain": lines(text)},
        "execution_count": None,
        "metadata": {},
        "output_type": "execute_result",
    }


def image() -> dict[str, Any]:
    return {
        "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAA" + "A" * 400, "text/plain": ["<Figure>"]},
        "metadata": {},
        "output_type": "display_data",
    }


def sizes(text: str) -> list[int]:
    """Parse ``--sizes 100,1000,10_000`` (sorted, without repeats, at least 10 each)."""
    try:
        found = [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        message = f"expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not found or any(size < 10 for size in found):
        raise argparse.ArgumentTypeError("sizes must be integers of at least 10")
    return sorted(set(found))


#: Per-cell time at the largest size over the smallest below which growth counts as linear.
LINEAR_LIMIT = 2.0


def scaling_parser(description: str, default_sizes: tuple[int, ...]) -> argparse.ArgumentParser:
    """The options every scaling benchmark takes: --sizes, --repeat, --seed, --json."""
    parser = argparse.ArgumentParser(description=description)
    shown = ",".join(str(size) for size in default_sizes)
    parser.add_argument(
        "--sizes",
        type=sizes,
        default=list(default_sizes),
        help=f"comma-separated notebook sizes in cells (default: {shown})",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per size; the best is reported (default: 3)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the synthetic notebooks (default: 0)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def per_cell_ratio(small_cells: int, small_ms: float, large_cells: int, large_ms: float) -> float:
    """Time per cell at the large size over time per cell at the small one (1: linear)."""
    per_small = small_ms / small_cells
    return (large_ms / large_cells) / per_small if per_small > 0 else float("nan")


def growth_word(ratio: float) -> str:
    return "linear" if ratio < LINEAR_LIMIT else "SUPERLINEAR"


def growth(results: Sequence[Any], stages: Sequence[str]) -> dict[str, Any]:
    """Per-cell time at the largest size over the smallest: in all (``total_ms``), per
    stage (``<stage>_ms`` as ``<stage>_ratio``) and in CPU time. ``results`` have
    ``cells`` and those fields."""
    small = min(results, key=lambda r: r.cells)
    large = max(results, key=lambda r: r.cells)

    def ratio(field: str) -> float:
        return per_cell_ratio(
            small.cells, getattr(small, field), large.cells, getattr(large, field)
        )

    total = ratio("total_ms")
    return {
        "smallest": small.cells,
        "largest": large.cells,
        "ratio": total,
        **{f"{stage}_ratio": ratio(f"{stage}_ms") for stage in stages},
        "cpu_ratio": ratio("total_cpu_ms"),
        "growth": growth_word(total),
    }


#: How far back (in cells) a generated cell may reach for a name: bounds the fan-in.
WINDOW = 50


def code_cell(
    cell_id: str, text: str, outputs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": outputs or [],
        "source": lines(text),
    }


class GeneratedNotebook:
    """The bookkeeping of a seeded notebook generator: cells, ids, fresh names, and the
    names defined in the last ``WINDOW`` cells, by kind; and the cell templates every
    generator uses. Subclasses set the vocabulary, add cells with ``code`` and write
    the rest of the cells."""

    #: Settings the generated code reads, DataFrame columns, and categorical columns.
    constants: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def __init__(self, n_cells: int, seed: int, kinds: tuple[str, ...]) -> None:
        self.n_cells = n_cells
        self.rng = random.Random(seed)
        self.cells: list[dict[str, Any]] = []
        self.counter = 0  # kernel execution counter
        self.serial = 0  # suffix for fresh names
        self.section = 0
        self.recent: dict[str, deque[tuple[int, Any]]] = {kind: deque() for kind in kinds}

    def cell_id(self) -> str:
        return f"{self.rng.getrandbits(32):08x}"

    def fresh(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}_{self.serial}"

    def remember(self, kind: str, value: Any) -> None:
        self.recent[kind].append((len(self.cells), value))

    def pick(self, kind: str, default: Any = None) -> Any:
        """Something of ``kind`` defined in the last ``WINDOW`` cells, or ``default``."""
        pool = self.recent[kind]
        while pool and pool[0][0] < len(self.cells) - WINDOW:
            pool.popleft()
        return self.rng.choice(pool)[1] if pool else default

    def frame(self) -> str:
        """``df`` or a recent derived frame."""
        if self.rng.random() < 0.4:
            return "df"
        return self.pick("frame") or "df"

    def scalar(self) -> str:
        """A setting, or a recently computed number."""
        if self.rng.random() < 0.5:
            return self.rng.choice(self.constants)
        return self.pick("scalar") or self.rng.choice(self.constants)

    def col(self) -> str:
        return self.rng.choice(self.columns)

    def code(self, text: str, outputs: list[dict[str, Any]] | None = None) -> None:
        raise NotImplementedError

    def dict_counter(self) -> None:
        name = self.fresh("counts")
        f, cat = self.frame(), self.rng.choice(self.categories)
        self.code(
            f'{name} = {{}}\nfor key in {f}["{cat}"]:\n'
            f"    {name}[key] = {name}.get(key, 0) + 1\n"
            f"sorted({name}.items(), key=lambda kv: -kv[1])[:5]",
            [result("[('north', 812), ('south', 640)]")],
        )
        self.remember("dict", name)

    def plot(self) -> None:
        f, c = self.frame(), self.col()
        self.code(
            "fig, ax = plt.subplots(figsize=(8, 4))\n"
            f'ax.hist({f}["{c}"], bins=N_BINS)\n'
            f'ax.axvline({self.scalar()}, color="red")\n'
            f'ax.set_title("{c} distribution")\nplt.show()',
            [image()],
        )

    def markdown(self, text: str) -> None:
        self.cells.append(
            {"cell_type": "markdown", "id": self.cell_id(), "metadata": {}, "source": lines(text)}
        )

    def notebook(self) -> dict[str, Any]:
        """The generated notebook, cut to ``n_cells`` cells."""
        return {
            "cells": self.cells[: self.n_cells],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python", "version": "3.11.7"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
