"""The extraction plan: value types between planning and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nbrefactor.diagnostics import Diagnostic
from nbrefactor.planning.proposals import Verdict

#: The module (in the package) of blocks copied across notebooks.
COMMON_MODULE = "common"


@dataclass(frozen=True, slots=True)
class MovedDefinition:
    """A ``def`` or ``class`` that moves from a cell into the module.

    ``parameters`` are notebook variables the function read as globals; they become
    keyword-only parameters and every call passes them (``f(x, df=df)``). When the
    notebook defines the name in earlier cells too (``redefines``), those versions stay
    and the notebook imports this one where it was defined.
    """

    name: str
    kind: Literal["function", "class"]
    cell: int
    parameters: tuple[str, ...] = ()
    redefines: bool = False


@dataclass(frozen=True, slots=True)
class ScriptFunction:
    """Top-level code of consecutive cells that becomes one function.

    The call replaces the code in the last of ``cells`` (where the outputs were); the
    others held no output. ``kept_before`` (imports, leading settings) and
    ``kept_after`` (the displayed last expression) stay in that cell around the call.
    An earlier cell keeps what ``kept_in_place`` gives it (cell index -> its imports and
    leading settings) and is removed when it keeps nothing.
    """

    name: str
    cells: tuple[int, ...]
    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    body: str
    kept_before: str = ""
    kept_after: str = ""
    kept_in_place: tuple[tuple[int, str], ...] = ()
    docstring: str = ""  # indented for the body, quotes included
    #: Names the function's code spells otherwise than the notebook did, notebook name
    #: -> new name: parameters (``SEED`` is passed as ``seed=SEED``) and the assigned
    #: names nothing reads (``fig, ax = ...`` becomes ``_fig, ax = ...``).
    renamed: tuple[tuple[str, str], ...] = ()
    #: Notebook variables the code bound that are now local to the function.
    local_names: tuple[str, ...] = ()

    @property
    def removed_cells(self) -> tuple[int, ...]:
        """The run's cells that hold nothing once the code moves."""
        keeping = {index for index, _ in self.kept_in_place}
        return tuple(index for index in self.cells[:-1] if index not in keeping)

    @property
    def call(self) -> str:
        renamed = dict(self.renamed)
        arguments = ", ".join(f"{renamed.get(p, p)}={p}" for p in self.parameters)
        call = f"{self.name}({arguments})"
        if not self.returns:
            return call
        return f"{', '.join(self.returns)} = {call}"


@dataclass(frozen=True, slots=True)
class CopyCall:
    """One copy of a duplicated block, lines ``start``-``end`` of a cell (whole top-level
    statements), and the call statement that replaces it."""

    notebook: str
    cell: int
    start: int
    end: int
    call: str


@dataclass(frozen=True, slots=True)
class SharedFunction:
    """Copies of one block (renamed, with different literals) made one function.

    ``parameters`` are passed by position (names each copy reads) and ``literals`` by
    keyword (``color='tab:blue'``); each copy's call assigns its own names to
    ``returns``.
    """

    name: str
    module: str
    parameters: tuple[str, ...]
    literals: tuple[str, ...]
    returns: tuple[str, ...]
    body: str
    copies: tuple[CopyCall, ...]
    docstring: str = ""  # indented for the body, quotes included
    #: Assigned names nothing reads, renamed with a leading underscore: old -> new.
    renamed: tuple[tuple[str, str], ...] = ()

    @property
    def signature(self) -> tuple[str, ...]:
        return (*self.parameters, *self.literals)


@dataclass(frozen=True, slots=True)
class CommonModule:
    """Blocks copied into several notebooks of one run, made functions in one module
    (``PKG.common``) that each of those notebooks imports."""

    module: str
    functions: tuple[SharedFunction, ...] = ()
    imports: tuple[str, ...] = ()  # import statements the module needs, as source

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.functions)


@dataclass(frozen=True, slots=True)
class NotebookLayout:
    """How the rewritten notebook is laid out, decided with the plan so that rendering
    only follows it.

    ``removals`` lists, per cell, the definitions and constant assignments that leave
    it; ``emptied`` are the cells that hold nothing else and showed nothing, removed
    with them (as are the cells a script function's call replaces, but its last).
    """

    import_cell: int  # the import cell goes before the cell at this index
    loads_autoreload: bool  # the notebook loads the autoreload extension itself
    removals: tuple[tuple[int, tuple[str, ...]], ...] = ()
    emptied: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ExtractionPlan:
    """Everything :func:`nbrefactor.extraction` will do to one notebook."""

    notebook: str
    module: str  # dotted module name, e.g. ``sales.cleaning_sales``
    definitions: tuple[MovedDefinition, ...]
    imports: tuple[str, ...]  # import statements the module needs, as source
    constants: tuple[str, ...]  # constant assignments that move along, as source
    #: Why units stay in the notebook (NBR2xx), in cell order.
    skipped: tuple[Diagnostic, ...]
    scripts: tuple[ScriptFunction, ...] = ()
    #: Duplicated blocks with a copy in this notebook, in whichever module they live.
    shared: tuple[SharedFunction, ...] = ()
    #: Constants whose assignment leaves the notebook (the module holds the only copy);
    #: the notebook imports them, so cells that read them still can.
    moved_constants: tuple[str, ...] = ()
    #: What became of the functions proposed for the notebook's script code.
    verdicts: tuple[Verdict, ...] = ()
    #: Set by the planner once every unit is planned.
    layout: NotebookLayout | None = None

    @property
    def local_names(self) -> tuple[str, ...]:
        """Notebook variables that are local to a moved function now, in order."""
        return tuple(dict.fromkeys(n for s in self.scripts for n in s.local_names))

    @property
    def empty(self) -> bool:
        return not self.definitions and not self.scripts and not self.shared

    @property
    def imported(self) -> tuple[str, ...]:
        """Every name the import cell imports: from the module, and from others."""
        return tuple(
            dict.fromkeys((*self.exported, *self.moved_constants, *(f.name for f in self.shared)))
        )

    @property
    def imported_in_place(self) -> tuple[MovedDefinition, ...]:
        """Last versions of names the notebook defines before too: the notebook imports
        each in its own cell, not in the import cell."""
        return tuple(d for d in self.definitions if d.redefines)

    @property
    def exported(self) -> tuple[str, ...]:
        """Every name the notebook imports from the module, once each (runs of the same
        code call one function)."""
        return tuple(
            dict.fromkeys(
                (
                    *(d.name for d in self.definitions),
                    *(f.name for f in self.shared if f.module == self.module),
                    *(s.name for s in self.scripts),
                )
            )
        )

    @property
    def script_functions(self) -> tuple[ScriptFunction, ...]:
        """The functions of :attr:`scripts` the module defines: the first run of each
        (a later run of the same code calls it)."""
        first: dict[str, ScriptFunction] = {}
        for script in self.scripts:
            first.setdefault(script.name, script)
        return tuple(first.values())

    @property
    def copies(self) -> tuple[tuple[SharedFunction, CopyCall], ...]:
        """The copies of duplicated blocks in this notebook, with their function."""
        return tuple(
            (function, copy)
            for function in self.shared
            for copy in function.copies
            if copy.notebook == self.notebook
        )

    def parameters_of(self) -> dict[str, tuple[str, ...]]:
        return {d.name: d.parameters for d in self.definitions if d.parameters}


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """The plans of notebooks extracted together: one per notebook, in the order given,
    and the module of the blocks they share."""

    notebooks: tuple[ExtractionPlan, ...]
    common: CommonModule
