"""Pieces shared by the benchmark scripts: generating notebooks (cells, outputs, the
bookkeeping of a seeded generator) and the --sizes option."""

from __future__ import annotations

import argparse
import random
from collections import deque
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
    names defined in the last ``WINDOW`` cells, by kind. Subclasses write the cells."""

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
