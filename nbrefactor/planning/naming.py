"""Names for extracted functions: from headings, comments and the values they make."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from nbrefactor.analysis.graph import BUILTIN_NAMES  # builtins and IPython's (display)

_STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "from",
     "at", "as", "is", "are", "be", "this", "that", "some", "our", "my", "it", "its"}
)  # fmt: skip
_MAX_WORDS = 4


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words: ``"Load the data"`` -> load, data."""
    found = re.findall(r"[A-Za-z][A-Za-z0-9]*", text.lower())
    return [w for w in found if w not in _STOPWORDS][:_MAX_WORDS]


class Names:
    """Hands out valid, unused names; remembers where numbering stopped for each stem."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self._next: dict[str, int] = {}

    def for_function(self, heading: str | None, comment: str | None, returns: Iterable[str]) -> str:
        """From the heading, else a first comment, else what the code returns
        (``make_df_clean``), else ``step``; numbered when taken."""
        for source in (heading, comment):
            if source:
                parts = words(source)
                if parts:
                    return self.unique("_".join(parts))
        returned = [name for name in returns if name.isidentifier()]
        if returned:
            return self.unique("make_" + "_".join(returned[:2]).strip("_").lower())
        return self.unique("step")

    def unique(self, name: str) -> str:
        """``name`` made a valid identifier that is not a keyword, builtin or taken."""
        stem = re.sub(r"\W+", "_", name).strip("_") or "step"
        if stem[0].isdigit():
            stem = f"step_{stem}"
        candidate, number = stem, self._next.get(stem, 2)
        while keyword.iskeyword(candidate) or candidate in BUILTIN_NAMES or candidate in self.taken:
            candidate, number = f"{stem}_{number}", number + 1
        self._next[stem] = number
        self.taken.add(candidate)
        return candidate
