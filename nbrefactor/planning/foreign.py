"""Names a notebook gets without defining them: from IPython, star imports, ``%run``.

IPython gives every notebook ``display`` and ``get_ipython`` (as builtins of its
process, which a module sees only there): a module imports them. A star import of a
standard-library module is resolved (``from typing import *`` gives ``List``: the
module can import it by name). Any other one, and ``%run other.ipynb``, may define any
name: code reading a name no cell defines then cannot move, since the module would not
have it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from nbrefactor.analysis.graph import BUILTIN_NAMES, CellGraph

#: What IPython gives a notebook that a module imports to have it outside IPython too.
IPYTHON_IMPORTS = MappingProxyType(
    {
        "display": "from IPython.display import display",
        "get_ipython": "from IPython import get_ipython",
    }
)


@dataclass(frozen=True, slots=True)
class ForeignNames:
    """``provided`` maps the names IPython and star imports of standard-library modules
    give to the import statement for each; ``unknown`` says where other names may come
    from (``from helpers import *``, ``%run setup.ipynb``), empty when nowhere."""

    provided: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unknown: tuple[str, ...] = ()

    def source_of(self, name: str) -> str | None:
        """Where ``name``, defined by no cell, may come from; None when it is a builtin
        or nothing could define it."""
        if name in BUILTIN_NAMES or name in self.provided or not self.unknown:
            return None
        return self.unknown[0]


def foreign_names(graph: CellGraph) -> ForeignNames:
    """The names ``graph``'s notebook gets from IPython, star imports and ``%run``."""
    provided: dict[str, str] = dict(IPYTHON_IMPORTS)
    unknown: list[str] = []
    for facts in graph.facts.values():
        for module in facts.star_imports:
            names = _public_names(module)
            if names is None:
                unknown.append(f"from {module} import *")
            else:
                for name in names:
                    provided.setdefault(name, f"from {module} import {name}")
        unknown.extend(what for what in facts.dynamic if what.startswith("%"))
    return ForeignNames(MappingProxyType(provided), tuple(dict.fromkeys(unknown)))


def _public_names(module: str) -> tuple[str, ...] | None:
    """What ``from module import *`` binds, for a module of the standard library (safe
    to import here); None for any other."""
    if module.split(".")[0] not in sys.stdlib_module_names:
        return None
    try:
        imported = importlib.import_module(module)
    except Exception:  # a module of another platform, or one that fails to import
        return None
    names = getattr(imported, "__all__", None)
    if names is None:
        names = [n for n in vars(imported) if not n.startswith("_")]
    return tuple(str(n) for n in names)
