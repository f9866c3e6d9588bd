"""Pieces shared by the benchmark scripts: notebook outputs for generated notebooks, and
the --sizes option."""

from __future__ import annotations

import argparse
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
