"""Code moved out of notebook.py by nbrefactor."""

import collections.abc as cabc
from functools import lru_cache
from typing import List, Sequence

LIMIT = 10


@lru_cache(maxsize=None)
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def first_lines(text: str) -> List[str]:
    return text.splitlines()[:LIMIT]


class Pairs(cabc.Sized):
    def __init__(self, items: Sequence[int] = ()):
        self.items = list(items)

    def __len__(self) -> int:
        return len(self.items) // 2


def scaled(values, factor: float = 2.0 * LIMIT) -> List[float]:
    return [v * factor for v in values]
