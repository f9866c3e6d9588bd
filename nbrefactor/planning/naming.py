"""Names for extracted functions: from headings, comments and the values they make."""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable, Sequence

from nbrefactor.analysis.graph import BUILTIN_NAMES  # builtins and IPython's (display)

_STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "from",
     "at", "as", "is", "are", "be", "this", "that", "some", "our", "my", "it", "its"}
)  # fmt: skip
_MAX_WORDS = 4
#: What a block does, from the functions it calls: the verb of its function's name.
_VERBS = (
    ("plot", frozenset({"plot", "scatter", "bar", "barh", "hist", "subplots", "imshow",
                        "boxplot", "pie", "heatmap", "lineplot", "figure", "savefig"})),
    ("load", frozenset({"read_csv", "read_parquet", "read_excel", "read_json", "read_sql",
                        "read_table", "read_pickle", "read_feather", "read_text",
                        "read_bytes", "loadtxt", "genfromtxt", "load", "open"})),
    ("write", frozenset({"to_csv", "to_parquet", "to_excel", "to_json", "to_pickle",
                         "to_sql", "to_feather", "write", "write_text", "write_bytes",
                         "dump", "makedirs", "mkdir", "savetxt"})),
)  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words: ``"Load the data"`` -> load, data."""
    found = re.findall(r"[A-Za-z][A-Za-z0-9]*", text.lower())
    return [w for w in found if w not in _STOPWORDS][:_MAX_WORDS]


class Names:
    """Hands out valid, unused names; remembers where numbering stopped for each stem."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self._next: dict[str, int] = {}

    def for_function(
        self,
        heading: str | None,
        comment: str | None,
        returns: Iterable[str],
        statements: Sequence[ast.stmt] = (),
    ) -> str:
        """From the heading, else a first comment, else what the code returns
        (``load_df_clean``), else ``step``. A name already taken (``readings``, the
        variable) gets the verb of what ``statements`` do first (``load_readings``),
        and is numbered when that is taken too."""
        verb = action(statements)
        for source in (heading, comment):
            if source:
                parts = words(source)
                if parts:
                    stem = "_".join(parts)
                    if stem in self.taken and parts[0] != verb:
                        stem = f"{verb}_{stem}"
                    return self.unique(stem)
        returned = [name for name in returns if name.isidentifier()]
        if returned:
            return self.unique(f"{verb}_" + "_".join(returned[:2]).strip("_").lower())
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


def action(statements: Sequence[ast.stmt]) -> str:
    """``plot``, ``load`` or ``write`` when ``statements`` call a function known to do
    that (in that order: a plot of loaded data is a plot); else ``make``."""
    called = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                function = node.func
                if isinstance(function, ast.Attribute):
                    called.add(function.attr)
                elif isinstance(function, ast.Name):
                    called.add(function.id)
    for verb, functions in _VERBS:
        if called & functions:
            return verb
    return "make"
