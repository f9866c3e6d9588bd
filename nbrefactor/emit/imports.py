"""Import statements laid out the way isort and ruff's ``I`` rules expect."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable

_FUTURE, _STDLIB, _THIRD_PARTY, _FIRST_PARTY = range(4)


def import_sections(statements: Iterable[str], first_party: str) -> list[list[str]]:
    """``statements`` (one import each) in sections: ``__future__``, standard library,
    third party, then ``first_party`` (the package being written); within a section,
    ``import x`` lines come before ``from x import y`` lines, each sorted by module."""
    sections: dict[int, list[tuple[int, str, str]]] = {}
    for statement in dict.fromkeys(statements):
        node = ast.parse(statement).body[0]
        if isinstance(node, ast.ImportFrom):
            module, kind = ("." * node.level) + (node.module or ""), 1
        elif isinstance(node, ast.Import):
            module, kind = node.names[0].name, 0
        else:
            raise ValueError(f"not an import: {statement!r}")
        sections.setdefault(_section(module, first_party), []).append(
            (kind, module.lower(), statement)
        )
    return [[line for *_, line in sorted(sections[key])] for key in sorted(sections)]


def _section(module: str, first_party: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return _FUTURE
    if not top or top == first_party:  # relative imports are the package's own
        return _FIRST_PARTY
    if top in sys.stdlib_module_names:
        return _STDLIB
    return _THIRD_PARTY
