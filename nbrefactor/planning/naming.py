"""Names for extracted functions: from headings, comments and the values they make."""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable

_STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "from",
     "at", "as", "is", "are", "be", "this", "that", "some", "our", "my", "it", "its"}
)  # fmt: skip
_MAX_WORDS = 4


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words: ``"Load the data"`` -> load, data."""
    found = re.findall(r"[A-Za-z][A-Za-z0-9]*", text.lower())
    return [w for w in found if w not in _STOPWORDS][:_MAX_WORDS]


def function_name(
    heading: str | None, comment: str | None, returns: Iterable[str], taken: set[str]
) -> str:
    """A valid, unused function name: from the heading, else a first comment, else what
    the code returns (``make_df_clean``), else ``step``; numbered when taken."""
    for source in (heading, comment):
        if source:
            parts = words(source)
            if parts:
                return unique("_".join(parts), taken)
    returned = [name for name in returns if name.isidentifier()]
    if returned:
        return unique("make_" + "_".join(returned[:2]).strip("_").lower(), taken)
    return unique("step", taken)


def unique(name: str, taken: set[str]) -> str:
    """``name`` made a valid identifier that is not a keyword, builtin or taken name."""
    name = re.sub(r"\W+", "_", name).strip("_") or "step"
    if name[0].isdigit():
        name = f"step_{name}"
    candidate, number = name, 2
    while keyword.iskeyword(candidate) or hasattr(builtins, candidate) or candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate
