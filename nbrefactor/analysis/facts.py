"""Per-cell facts: which notebook names a cell defines, reads, mutates, imports and deletes.

The walk follows evaluation order and definite assignment
(:mod:`nbrefactor.analysis.cell_walker`); function scopes come from :mod:`symtable`
(:mod:`nbrefactor.analysis.function_facts`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from nbrefactor import pysource
from nbrefactor.analysis.bindings import Binding, DefFacts, names_bound_in
from nbrefactor.analysis.cell_walker import CellWalker
from nbrefactor.analysis.function_facts import def_facts
from nbrefactor.notebook.magics import MaskedCell, mask, split_lines

__all__ = ["Binding", "CellFacts", "DefFacts", "ParseError", "analyse_masked", "analyse_source"]


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a cell could not be analysed; ``line``/``col`` are 1-based in the cell.
    ``runs`` is True when Python runs the cell all the same (its code nests deeper than
    nbrefactor's walk can follow): it may then read and define any name."""

    message: str
    line: int
    col: int
    runs: bool = False


@dataclass(frozen=True, slots=True)
class CellFacts:
    """What one code cell does with notebook names.

    Name tuples keep the order of first occurrence. ``reads`` are the names the cell needs
    from earlier cells (read before the cell binds them); ``uses`` are all names it loads at
    cell level, ``uses_after_binding`` those loaded after the cell itself bound them;
    ``deletes`` are the names the cell leaves deleted. ``call_mutates`` are the mutated
    names changed only through method calls (``x.append(1)``), which a module cannot be.
    ``read_positions`` gives the first (line, column) each read happens at, both 1-based.
    ``always_binds`` are the names bound on every path through the cell (not only in a
    branch or a loop body): after the cell, their earlier values are gone.
    """

    defines: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    mutates: tuple[str, ...] = ()
    call_mutates: frozenset[str] = frozenset()
    imports: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    uses_after_binding: frozenset[str] = frozenset()
    bindings: tuple[Binding, ...] = ()
    defs: tuple[DefFacts, ...] = ()
    read_positions: tuple[tuple[str, int, int], ...] = ()
    star_imports: tuple[str, ...] = ()
    dynamic: tuple[str, ...] = ()
    magic_reads: frozenset[str] = frozenset()
    always_binds: frozenset[str] = frozenset()
    parse_error: ParseError | None = None
    masked: MaskedCell | None = None
    #: The syntax tree of ``masked.code``, kept so that planning does not parse it again.
    tree: ast.Module | None = field(default=None, compare=False, repr=False)

    def def_named(self, name: str) -> DefFacts | None:
        """The last top-level def or class called ``name`` in this cell."""
        found = None
        for item in self.defs:
            if item.name == name:
                found = item
        return found

    def first_read_position(self, name: str) -> tuple[int, int]:
        """Where ``name`` is first read: (line, column), 1-based."""
        for read, line, col in self.read_positions:
            if read == name:
                return line, col
        return 1, 1


def analyse_source(source: str) -> CellFacts:
    """Facts of one code cell's source (IPython syntax allowed)."""
    return analyse_masked(mask(source))


def analyse_masked(masked: MaskedCell) -> CellFacts:
    """Facts of an already masked cell."""
    try:
        tree = pysource.parse(masked.code)
        pysource.check_compiles(tree)
        table = pysource.symbol_table(masked.code)
        walker = CellWalker(masked.isolated_lines)
        walker.statements(tree.body)
        defs = tuple(def_facts(tree, table))
    except SyntaxError as error:
        return CellFacts(
            parse_error=ParseError(error.msg, error.lineno or 1, error.offset or 1), masked=masked
        )
    except ValueError as error:  # null bytes
        return CellFacts(parse_error=ParseError(str(error), 1, 1), masked=masked)
    except RecursionError:
        # Parsing, compiling and walking recurse as deep as the code nests, from deeper in
        # the stack here than in a kernel: the cell may well run there.
        message = "its code nests deeper than nbrefactor follows"
        return CellFacts(parse_error=ParseError(message, 1, 1, runs=True), masked=masked)
    for magic in masked.magics:
        if magic.dynamic:
            walker.dynamic.append(f"%{magic.name}")
    imported = {b.name for b in walker.bindings if b.kind == "import"}
    call_only = set(walker.mutates) - walker.assignment_mutates
    lines = [line.rstrip("\r\n") for line in split_lines(masked.code)]  # once, not per read
    return CellFacts(
        defines=tuple(dict.fromkeys(b.name for b in walker.bindings)),
        reads=tuple(walker.reads),
        # `np.append(a, 1)` after `import numpy as np` calls a function; it changes nothing
        mutates=tuple(n for n in walker.mutates if not (n in imported and n in call_only)),
        call_mutates=frozenset(call_only - imported),
        imports=tuple(dict.fromkeys(b.name for b in walker.bindings if b.kind == "import")),
        deletes=tuple(walker.deletes),
        uses=frozenset(walker.uses),
        uses_after_binding=frozenset(walker.uses_after_binding),
        bindings=tuple(walker.bindings),
        defs=defs,
        read_positions=tuple(
            (name, *masked.source_position(line, _column(lines, line, offset), name))
            for name, (line, offset) in walker.reads.items()
        ),
        star_imports=tuple(walker.star_imports),
        dynamic=tuple(dict.fromkeys(walker.dynamic)),
        magic_reads=frozenset(walker.magic_reads),
        always_binds=frozenset(walker.bound)
        - (_bound_in_with(tree) if "with" in masked.code else set()),
        masked=masked,
        tree=tree,
    )


def _bound_in_with(tree: ast.Module) -> set[str]:
    """Names bound inside a ``with`` body: a context manager may skip it
    (``with suppress(...)``), so they are not bound on every path."""
    bodies = (
        inner
        for node in ast.walk(tree)
        if isinstance(node, (ast.With, ast.AsyncWith))
        for inner in node.body
    )
    return names_bound_in(bodies)


def _column(lines: list[str], line: int, offset: int) -> int:
    """ast gives UTF-8 byte offsets; people count characters from 1."""
    if not 0 < line <= len(lines):
        return offset + 1
    return len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace")) + 1
