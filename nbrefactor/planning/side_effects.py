"""What calling a notebook function may rebind: the notebook names it assigns through
``global``, itself or through the notebook functions it calls.

A moved block or function receives notebook names as parameters, read once, when it
is called. If something it calls assigns one of them meanwhile, the notebook's code
would have read the new value and the moved code reads the old one: such code stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nbrefactor.analysis.graph import CellGraph


def global_writes(graph: CellGraph) -> dict[str, frozenset[str]]:
    """For each function or class the notebook defines, the notebook names calling it
    may assign (through ``global``, in it or in what it calls); only those that assign
    some are listed."""
    direct: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}
    for facts in graph.facts.values():
        for definition in facts.defs:
            direct.setdefault(definition.name, set()).update(definition.globals_written)
            calls.setdefault(definition.name, set()).update(definition.globals_read)
    writes = {name: set(names) for name, names in direct.items()}
    changed = True
    while changed:  # through the functions each calls, to a fixed point
        changed = False
        for name, callees in calls.items():
            for callee in callees & writes.keys():
                if not writes[callee] <= writes[name]:
                    writes[name] |= writes[callee]
                    changed = True
    return {name: frozenset(names) for name, names in writes.items() if names}


def rebinding(
    received: Iterable[str], called: Iterable[str], writes: Mapping[str, frozenset[str]]
) -> tuple[str, str] | None:
    """A name among ``received`` that a function among ``called`` may assign, with that
    function; None when there is none."""
    wanted = set(received)
    for function in sorted(set(called) & writes.keys()):
        hit = sorted(writes[function] & wanted)
        if hit:
            return hit[0], function
    return None
