"""Import statements laid out the way isort and ruff's ``I`` rules expect."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable

_FUTURE, _STDLIB, _THIRD_PARTY, _FIRST_PARTY = range(4)


def import_sections(statements: Iterable[str], first_party: str) -> list[list[str]]:
    """``statements`` (one import each) in sections: ``__future__``, standard library,
    third party, then ``first_party`` (the package being written); within a section,
    ``import x`` lines come before ``from x import y`` lines, each sorted by module, and
    the names one module gives are imported in one line."""
    sections: dict[int, list[tuple[int, str, str]]] = {}
    from_names: dict[str, list[str]] = {}  # module -> names, in one ``from`` line each
    for statement in dict.fromkeys(statements):
        node = ast.parse(statement).body[0]
        if isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            if module not in from_names:
                from_names[module] = []
                sections.setdefault(_section(module, first_party), []).append(
                    (1, module.lower(), module)
                )
            from_names[module].extend(
                a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names
            )
        elif isinstance(node, ast.Import):
            module = node.names[0].name
            sections.setdefault(_section(module, first_party), []).append(
                (0, module.lower(), statement)
            )
        else:
            raise ValueError(f"not an import: {statement!r}")

    def line(kind: int, text: str) -> str:
        if kind == 0:
            return text
        names = sorted(dict.fromkeys(from_names[text]), key=_by_type)
        return f"from {text} import {', '.join(names)}"

    return [
        [line(kind, text) for kind, _, text in sorted(sections[key])] for key in sorted(sections)
    ]


def _by_type(name: str) -> tuple[int, str]:
    """isort's order of imported names: CONSTANTS, then Classes, then functions."""
    base = name.split(" as ")[0]
    if base.isupper() and len(base) > 1:
        return (0, name)
    return (1, name) if base[:1].isupper() else (2, name)


def _section(module: str, first_party: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return _FUTURE
    if not top or top == first_party:  # relative imports are the package's own
        return _FIRST_PARTY
    if top in sys.stdlib_module_names:
        return _STDLIB
    return _THIRD_PARTY
