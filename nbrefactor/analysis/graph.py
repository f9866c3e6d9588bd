"""The cell graph: which cell feeds which, in top-to-bottom order, and where hidden state lurks."""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from nbrefactor.analysis.cell_diagnostics import (
    execution_order,
    parse_errors,
    redefinitions,
    unused_definitions,
)
from nbrefactor.analysis.facts import CellFacts, DefFacts, analyse_source
from nbrefactor.diagnostics import Diagnostic
from nbrefactor.notebook.model import Notebook, cell_number
from nbrefactor.pysource import called_name

#: Names every IPython kernel provides without a definition in the notebook.
IPYTHON_NAMES = frozenset(
    {
        "display",
        "get_ipython",
        "In",
        "Out",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "_ih",
        "_oh",
        "_dh",
        "exit",
        "quit",
        "__name__",
        "__doc__",
        "__builtins__",
        "__spec__",
        "__loader__",
        "__package__",
    }
)
BUILTIN_NAMES = frozenset(dir(builtins)) | IPYTHON_NAMES
_HISTORY_NAMES = frozenset({"_", "__", "___", "In", "Out", "_i", "_ii", "_iii", "_ih", "_oh"})
_HISTORY_NAME = re.compile(r"_i?\d+")


def is_output_history(name: str) -> bool:
    """Whether ``name`` is IPython's input/output history (``_``, ``_2``, ``Out``, ``_i3``),
    which exists only in a kernel, never in a module."""
    return name in _HISTORY_NAMES or _HISTORY_NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class Edge:
    """``target`` needs ``names`` from ``source``, the cell that last defined or changed them.

    ``indirect`` are the names the target needs only through functions it calls.
    """

    source: int
    target: int
    names: tuple[str, ...]
    indirect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CellGraph:
    """Facts of every code cell, the def-use edges between cells, and diagnostics.

    ``facts`` maps the index of each code cell (indices count all cells) to its facts.
    Build it with :func:`build_graph`; the lookups below take constant time.
    """

    notebook: Notebook
    facts: Mapping[int, CellFacts]
    edges: tuple[Edge, ...]
    diagnostics: tuple[Diagnostic, ...]
    _into: Mapping[int, tuple[Edge, ...]] = field(default_factory=dict, repr=False)
    _from: Mapping[int, tuple[Edge, ...]] = field(default_factory=dict, repr=False)
    _definers: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _readers: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def edges_into(self, cell: int) -> tuple[Edge, ...]:
        return self._into.get(cell, ())

    def edges_from(self, cell: int) -> tuple[Edge, ...]:
        return self._from.get(cell, ())

    def definers_of(self, name: str) -> tuple[int, ...]:
        """Cells that bind ``name`` at cell level, in notebook order."""
        return self._definers.get(name, ())

    def readers_of(self, name: str) -> tuple[int, ...]:
        """Cells that read ``name`` from an earlier cell, in notebook order."""
        return self._readers.get(name, ())

    def imported_modules(self) -> frozenset[str]:
        """The top-level modules the notebook imports (``scipy`` for ``import
        scipy.stats as st``), relative imports left out."""
        found: set[str] = set()
        for facts in self.facts.values():
            for node in ast.walk(facts.tree) if facts.tree is not None else ():
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    found.add(node.module.split(".")[0])
        return frozenset(found)

    def module_paths(self) -> tuple[str, ...]:
        """The folders the notebook adds to ``sys.path`` to import its own modules, as
        written (``sys.path.append("../..")``, ``sys.path.insert(0, "lib")``): relative
        ones are relative to where it runs. Only string literals, maybe inside
        ``os.path.abspath(...)``, ``Path(...)`` or ``str(...)``, are told."""
        found: list[str] = []
        for facts in self.facts.values():
            for node in ast.walk(facts.tree) if facts.tree is not None else ():
                if isinstance(node, ast.Call) and _adds_to_sys_path(node) and node.args:
                    folder = _literal_path(node.args[-1])
                    if folder is not None and folder not in found:
                        found.append(folder)
        return tuple(found)

    def notebook_reads(self, cell: int) -> tuple[str, ...]:
        """The names cell ``cell`` reads, less builtins that no cell redefines."""
        return tuple(
            name
            for name in self.facts[cell].reads
            if name not in BUILTIN_NAMES or name in self._definers
        )


def _adds_to_sys_path(call: ast.Call) -> bool:
    """Whether ``call`` is ``sys.path.append(...)`` or ``sys.path.insert(...)``."""
    function = call.func
    return (
        isinstance(function, ast.Attribute)
        and function.attr in ("append", "insert")
        and isinstance(function.value, ast.Attribute)
        and function.value.attr == "path"
        and isinstance(function.value.value, ast.Name)
        and function.value.value.id == "sys"
    )


def _literal_path(node: ast.expr) -> str | None:
    """The string ``node`` spells out as a path: ``"lib"``, ``os.path.abspath("..")``,
    ``Path("..")``, ``str(Path(".."))``; None for anything computed."""
    while isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        if called_name(node) not in ("abspath", "realpath", "normpath", "Path", "str"):
            return None
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def build_graph(notebook: Notebook) -> CellGraph:
    """Analyse every code cell of ``notebook`` and link them into a :class:`CellGraph`."""
    facts = {cell.index: analyse_source(cell.source) for cell in notebook.cells if cell.is_code}
    return link(notebook, facts)


def link(notebook: Notebook, facts: Mapping[int, CellFacts]) -> CellGraph:
    """Link already analysed cells into a graph (a pure function of its inputs)."""
    facts = _without_module_calls(facts)
    linker = _Linker(notebook, facts)
    edges = tuple(linker.edges())
    diagnostics = [
        *linker.diagnostics,
        *parse_errors(notebook, facts),
        *execution_order(notebook),
        *redefinitions(notebook, facts),
        *unused_definitions(notebook, facts),
    ]
    diagnostics.sort(
        key=lambda d: (d.location.cell_index or 0, d.location.line, d.location.col, d.code)
    )
    into: dict[int, list[Edge]] = {}
    out: dict[int, list[Edge]] = {}
    for edge in edges:
        into.setdefault(edge.target, []).append(edge)
        out.setdefault(edge.source, []).append(edge)
    definers: dict[str, list[int]] = {}
    readers: dict[str, list[int]] = {}
    for index, cell_facts in facts.items():
        for name in dict.fromkeys(cell_facts.defines):
            definers.setdefault(name, []).append(index)
        for name in cell_facts.reads:
            readers.setdefault(name, []).append(index)
    return CellGraph(
        notebook,
        facts,
        edges,
        tuple(diagnostics),
        _into={k: tuple(v) for k, v in into.items()},
        _from={k: tuple(v) for k, v in out.items()},
        _definers={k: tuple(v) for k, v in definers.items()},
        _readers={k: tuple(v) for k, v in readers.items()},
    )


class _Linker:
    """One top-to-bottom sweep: edges, hidden state, undefined names, dynamic names.

    A cell that calls a function also needs what the function reads when it runs, and
    provides what it assigns through ``global`` or changes in place: those count as the
    calling cell's reads, definitions and mutations.
    """

    def __init__(self, notebook: Notebook, facts: Mapping[int, CellFacts]) -> None:
        self.notebook = notebook
        self.facts = facts
        self.diagnostics: list[Diagnostic] = []
        self.calls = _calls(facts)
        self.first_definer: dict[str, int] = {}
        for index, cell_facts in facts.items():
            for name in (*cell_facts.defines, *self._written_by_calls(index)):
                self.first_definer.setdefault(name, index)

    def _written_by_calls(self, index: int) -> tuple[str, ...]:
        return tuple(n for definition, _ in self.calls[index] for n in definition.globals_written)

    def edges(self) -> Iterator[Edge]:
        state: dict[str, int] = {}  # name -> the cell that last defined or changed it
        deleted: dict[str, int] = {}  # name -> the cell that deleted it
        dynamic_seen = False
        for index, cell_facts in self.facts.items():
            dynamic_seen = dynamic_seen or bool(cell_facts.star_imports or cell_facts.dynamic)
            direct: dict[int, list[str]] = {}
            indirect: dict[int, list[str]] = {}
            for name in cell_facts.reads:
                if name in state:
                    direct.setdefault(state[name], []).append(name)
                else:
                    self._missing(index, cell_facts, name, None, dynamic_seen, deleted)
            for name, via in self._called_globals(index, state):
                if _bound_before_call(cell_facts, name, via):
                    continue
                if name in state:
                    source = state[name]
                    if name not in direct.get(source, ()) and name not in indirect.get(source, ()):
                        indirect.setdefault(source, []).append(name)
                else:
                    self._missing(index, cell_facts, name, via, dynamic_seen, deleted)
            for source in sorted(direct.keys() | indirect.keys()):
                names = direct.get(source, []) + indirect.get(source, [])
                yield Edge(source, index, tuple(names), tuple(indirect.get(source, ())))
            self._dynamic(index, cell_facts)
            changed = [*cell_facts.defines, *cell_facts.mutates]
            for definition, _ in self.calls[index]:
                changed.extend([*definition.globals_written, *definition.globals_mutated])
            for name in changed:
                state[name] = index
                deleted.pop(name, None)
            for name in cell_facts.deletes:
                state.pop(name, None)
                deleted[name] = index

    def _called_globals(self, index: int, state: Mapping[str, int]) -> Iterator[tuple[str, str]]:
        """Module-level names read by the functions cell ``index`` calls, with the call."""
        for definition, via in self.calls[index]:
            for name in sorted(definition.globals_read - {definition.name}):
                if name not in BUILTIN_NAMES or name in state:
                    yield name, via

    def _missing(
        self,
        index: int,
        cell_facts: CellFacts,
        name: str,
        via: str | None,
        dynamic_seen: bool,
        deleted: Mapping[str, int],
    ) -> None:
        """A name needed by cell ``index`` that no earlier cell provides."""
        line, col = cell_facts.first_read_position(via or name)  # an indirect need: the call
        how = f" (through {via}())" if via else ""
        later = self.first_definer.get(name)
        if name in deleted:
            problem = f"after cell {cell_number(deleted[name])} deletes it"
        elif later is not None and later > index:
            problem = f"before cell {cell_number(later)} defines it"
        else:
            if later is not None or dynamic_seen or name in BUILTIN_NAMES:
                return
            if name in cell_facts.magic_reads or is_output_history(name):
                return
            self.diagnostics.append(
                Diagnostic(
                    "NBR102",
                    f"'{name}' is used{how} but never defined in this notebook",
                    self.notebook.location(index, line, col),
                )
            )
            return
        message = (
            f"'{name}' is used{how} {problem}; the notebook only works if cells ran out of order"
        )
        self.diagnostics.append(
            Diagnostic("NBR101", message, self.notebook.location(index, line, col))
        )

    def _dynamic(self, index: int, cell_facts: CellFacts) -> None:
        for module in cell_facts.star_imports:
            self.diagnostics.append(
                Diagnostic(
                    "NBR106",
                    f"'from {module} import *' defines names nbrefactor cannot see",
                    self.notebook.location(index),
                )
            )
        for what in cell_facts.dynamic:
            self.diagnostics.append(
                Diagnostic(
                    "NBR106",
                    f"{what} reads or defines names nbrefactor cannot see",
                    self.notebook.location(index),
                )
            )


def _calls(facts: Mapping[int, CellFacts]) -> dict[int, list[tuple[DefFacts, str]]]:
    """For each cell, the functions it may call (directly or through other functions).

    A cell calls a function when it loads a name whose current value is a def, class or
    named lambda; each is listed with the name the cell used to reach it.
    """
    functions: dict[str, DefFacts] = {}  # name -> its current def, in notebook order
    calls: dict[int, list[tuple[DefFacts, str]]] = {}
    for index, cell_facts in facts.items():
        found: list[tuple[DefFacts, str]] = []
        seen: set[str] = set()
        pending: list[tuple[DefFacts, str]] = []
        for name in sorted(cell_facts.uses):
            definition = cell_facts.def_named(name) or functions.get(name)
            if definition is not None:
                pending.append((definition, name))
        while pending:
            definition, via = pending.pop()
            if definition.name in seen:
                continue
            seen.add(definition.name)
            found.append((definition, via))
            for name in sorted(definition.globals_read - {definition.name}):
                nested = cell_facts.def_named(name) or functions.get(name)
                if nested is not None:
                    pending.append((nested, via))
        calls[index] = found
        for name in cell_facts.defines:
            definition = cell_facts.def_named(name)
            if definition is None:
                functions.pop(name, None)  # rebound to a value
            else:
                functions[name] = definition
        for name in cell_facts.deletes:
            functions.pop(name, None)
    return calls


def _without_module_calls(facts: Mapping[int, CellFacts]) -> dict[int, CellFacts]:
    """Drop "mutations" of modules: ``np.append(a, 1)`` calls a function of ``np``.

    A name counts as a module when every binding of it in the notebook is an import.
    """
    kinds: dict[str, set[str]] = {}
    for cell_facts in facts.values():
        for binding in cell_facts.bindings:
            kinds.setdefault(binding.name, set()).add(binding.kind)
    modules = {name for name, seen in kinds.items() if seen == {"import"}}
    fixed = {}
    for index, cell_facts in facts.items():
        dropped = cell_facts.call_mutates & modules
        if dropped:
            mutates = tuple(n for n in cell_facts.mutates if n not in dropped)
            cell_facts = replace(
                cell_facts, mutates=mutates, call_mutates=cell_facts.call_mutates - dropped
            )
        fixed[index] = cell_facts
    return fixed


def _bound_before_call(cell_facts: CellFacts, name: str, function: str) -> bool:
    """True when the cell binds ``name`` no later than the line it first calls ``function``.

    A function defined in the cell itself is called after its definition, so any binding
    of ``name`` in the cell counts.
    """
    bound = next((b.line for b in cell_facts.bindings if b.name == name), None)
    if bound is None:
        return False
    if function not in cell_facts.reads:
        return True
    return bound <= cell_facts.first_read_position(function)[0]
