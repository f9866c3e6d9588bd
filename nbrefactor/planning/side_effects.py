"""What calling a notebook function may rebind, and read: the notebook names it assigns
through ``global`` or reads, itself or through the notebook functions it calls.

A moved block or function receives notebook names as parameters, read once, when it
is called. If something it calls assigns one of them meanwhile, the notebook's code
would have read the new value and the moved code reads the old one: such code stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from nbrefactor.analysis.facts import DefFacts
from nbrefactor.analysis.graph import CellGraph


def global_writes(graph: CellGraph) -> dict[str, frozenset[str]]:
    """For each function or class the notebook defines, the notebook names calling it
    may assign (through ``global``, in it or in what it calls); only those that assign
    some are listed."""
    writes = _through_calls(graph, lambda definition: definition.globals_written)
    return {name: names for name, names in writes.items() if names}


def global_reads(graph: CellGraph) -> dict[str, frozenset[str]]:
    """For each function or class the notebook defines, the notebook names calling it
    may read (in it or in what it calls), every definition of the name together."""
    return _through_calls(graph, lambda definition: definition.globals_read)


def _through_calls(
    graph: CellGraph, direct: Callable[[DefFacts], frozenset[str]]
) -> dict[str, frozenset[str]]:
    """``direct`` names of each definition, with those of the notebook functions it
    calls, to a fixed point."""
    found: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}
    for facts in graph.facts.values():
        for definition in facts.defs:
            found.setdefault(definition.name, set()).update(direct(definition))
            calls.setdefault(definition.name, set()).update(definition.globals_read)
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            for callee in callees & found.keys():
                if not found[callee] <= found[name]:
                    found[name] |= found[callee]
                    changed = True
    return {name: frozenset(names) for name, names in found.items()}


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
