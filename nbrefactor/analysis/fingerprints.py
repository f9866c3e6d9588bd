"""Fingerprints of statements for clone detection: exact and renaming-blind hashes.

Each cell (or script) becomes statement sequences, one per block (the cell body, each
loop, ``if``, ``with``, ``try`` and ``def`` body). Every statement gets two hashes:

* ``exact``: its syntax tree with names and literal values, so whitespace, comments and
  trailing ``;`` do not matter (Type-1 clones);
* ``shape``: the same tree with identifiers replaced by ``$`` and literal values by
  their kind, so consistently renamed copies hash alike (Type-2 clones). Attribute,
  keyword and imported module names stay: ``df.fillna`` and ``df.dropna`` differ.

Masked IPython lines are left out of sequences. Fingerprints are plain data that can be
cached per notebook and compared without the notebooks' text.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from nbrefactor import pysource
from nbrefactor.analysis.bindings import is_masked_statement
from nbrefactor.notebook.magics import MaskedCell, mask, split_lines

#: Version of the fingerprint format; cached fingerprints of another version are ignored.
FINGERPRINT_VERSION = 6  # 6: a signed number (`-1`) is one literal

_SUPPRESS = "nbrefactor: ignore"
_RENAMABLE_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, slots=True)
class StatementPrint:
    """One statement: hashes, size, and where it is (1-based lines in the cell)."""

    shape: int
    exact: int
    line: int
    end_line: int
    col: int
    size: int  # statements, counting nested ones
    tokens: int  # syntax-tree nodes, about one per lexical token
    is_import: bool = False
    suppressed: bool = False  # the first line carries `# nbrefactor: ignore`
    #: An assignment of literals only (``SEED = 42``, ``COLS = ["a", "b"]``): settings.
    is_constant: bool = False
    #: What a renamed copy changes, in evaluation order: names read (``"n" + id``), names
    #: bound (``"s" + id``) and literals (``"l" + repr``). Copies of one shape have leaves
    #: that line up position by position.
    leaves: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SequencePrint:
    """The statements of one block, in order; ``cell`` is None for a plain script.

    ``block`` numbers the blocks of the cell in the order :func:`blocks` yields them.
    """

    cell: int | None
    block: int
    statements: tuple[StatementPrint, ...]


@dataclass(frozen=True, slots=True)
class DocumentPrint:
    """Fingerprints of one notebook or script, and the cells that could not be parsed."""

    path: str
    sequences: tuple[SequencePrint, ...]
    unparsed_cells: tuple[int | None, ...] = ()


def fingerprint_cells(path: str, cells: list[tuple[int | None, str]]) -> DocumentPrint:
    """Fingerprints of ``(cell index, source)`` pairs; IPython syntax is masked first."""
    sequences: list[SequencePrint] = []
    unparsed: list[int | None] = []
    for index, source in cells:
        masked = mask(source)
        if masked.opaque:
            continue
        try:
            tree = pysource.parse(masked.code)
        except (SyntaxError, ValueError, RecursionError):
            unparsed.append(index)
            continue
        sequences.extend(_cell_sequences(index, source, tree, masked))
    return DocumentPrint(path, tuple(sequences), tuple(unparsed))


def fingerprint_parsed(path: str, cells: list[tuple[int, MaskedCell, ast.Module]]) -> DocumentPrint:
    """Fingerprints of cells already masked and parsed (``(index, masked, tree)``), as
    :func:`fingerprint_cells` makes them from sources."""
    sequences = [
        sequence
        for index, masked, tree in cells
        for sequence in _cell_sequences(index, masked.restore(), tree, masked)
    ]
    return DocumentPrint(path, tuple(sequences))


def _cell_sequences(
    index: int | None, source: str, tree: ast.Module, masked: MaskedCell
) -> Iterator[SequencePrint]:
    lines = [line.rstrip("\r\n") for line in split_lines(source)]  # not str.splitlines
    printer = _Printer(lines, masked.dedented_lines, len(masked.leading_indent))
    for number, block in enumerate(blocks(tree.body)):
        if block:
            yield SequencePrint(index, number, tuple(printer.statement(s) for s in block))


def blocks(body: list[ast.stmt]) -> Iterator[list[ast.stmt]]:
    """A cell's statement lists: the cell body first, then nested blocks depth first.

    Masked IPython lines are left out. Fingerprinting and anything that maps a
    :class:`SequencePrint` back to code use this one order.
    """
    yield [statement for statement in body if not is_masked_statement(statement)]
    for statement in body:
        if not is_masked_statement(statement):
            for block in _blocks(statement):
                yield from blocks(block)


def stable_hash(tokens: list[str]) -> int:
    """A hash that is the same in every process (unlike ``hash(str)``), for caching."""
    digest = hashlib.blake2b("\x1f".join(tokens).encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass(slots=True)
class _Walked:
    exact: list[str]
    shape: list[str]
    leaves: list[str]
    size: int


class _Printer:
    """Fingerprints statements of one parsed cell; each statement is walked once, and a
    compound statement reuses the walks of the statements inside it."""

    def __init__(self, lines: list[str], dedented: frozenset[int], shift: int) -> None:
        self.lines = lines
        self.dedented = dedented
        self.shift = shift
        self._walked: dict[int, _Walked] = {}

    def statement(self, node: ast.stmt) -> StatementPrint:
        walked = self.walk(node)
        line = node.lineno
        col = node.col_offset + 1 + (self.shift if line in self.dedented else 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return StatementPrint(
            shape=stable_hash(walked.shape),
            exact=stable_hash(walked.exact),
            line=line,
            end_line=node.end_lineno or line,
            col=col,
            size=walked.size,
            tokens=len(walked.shape),
            is_import=isinstance(node, (ast.Import, ast.ImportFrom)),
            suppressed=_SUPPRESS in text,
            is_constant=isinstance(node, (ast.Assign, ast.AnnAssign))
            and not any(leaf[0] == "n" for leaf in walked.leaves),
            leaves=tuple(walked.leaves),
        )

    def walk(self, node: ast.stmt) -> _Walked:
        known = self._walked.get(id(node))
        if known is None:
            known = self._walked[id(node)] = _walk(node, self.walk)
        return known


def _blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly inside ``statement`` (bodies, else, handlers, cases)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(statement, field, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(statement, "handlers", None) or ():
        yield handler.body
    for case in getattr(statement, "cases", None) or ():
        yield case.body


#: Fields in evaluation order where it differs from the syntax order, so that a name's
#: first leaf says whether a block reads it (``"n"``) or binds it first (``"s"``).
_EVALUATION_ORDER: dict[type[ast.AST], tuple[str, ...]] = {
    ast.Assign: ("value", "targets"),
    ast.AnnAssign: ("value", "annotation", "target"),
    ast.For: ("iter", "target", "body", "orelse"),
    ast.AsyncFor: ("iter", "target", "body", "orelse"),
    ast.comprehension: ("iter", "target", "ifs"),
    ast.NamedExpr: ("value", "target"),
}


def is_signed_number(node: ast.AST) -> bool:
    """``-1``, ``+2.5``: a sign on a number literal, which Python parses as an operation."""
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float, complex)
    )


# How the walk treats each node type, worked out once per type: a category and the
# fields to visit, in evaluation order.
_NAME, _CONSTANT, _SYMBOL, _STATEMENT, _NODE = range(5)
_SYMBOLS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_TYPES: dict[type, tuple[int, tuple[str, ...]]] = {}


def _type_info(kind: type) -> tuple[int, tuple[str, ...]]:
    info = _TYPES.get(kind)
    if info is None:
        if kind is ast.Name:
            category = _NAME
        elif kind is ast.Constant:
            category = _CONSTANT
        elif issubclass(kind, _SYMBOLS):
            category = _SYMBOL
        elif issubclass(kind, ast.stmt):
            category = _STATEMENT
        else:
            category = _NODE
        fields = _EVALUATION_ORDER.get(kind, getattr(kind, "_fields", ()))
        info = _TYPES[kind] = (category, tuple(reversed(fields)))
    return info


def _walk(root: ast.stmt, nested: Callable[[ast.stmt], _Walked]) -> _Walked:
    """Tokens of ``root`` in evaluation order; statements inside it come from ``nested``."""
    walked = _Walked([], [], [], 1)
    exact, shape, leaves = walked.exact, walked.shape, walked.leaves
    stack: list[ast.AST | str] = [root]
    push = stack.append
    while stack:
        item = stack.pop()
        if isinstance(item, str):  # a list marker: keeps `if a: x; y` apart from `if a: x` `y`
            exact.append(item)
            shape.append(item)
            continue
        kind = type(item)
        category, fields = _type_info(kind)
        if category == _NAME:
            identifier = item.id  # type: ignore[attr-defined]
            exact.append(identifier)
            shape.append("$")
            stored = type(item.ctx) is ast.Store  # type: ignore[attr-defined]
            leaves.append(("s" if stored else "n") + identifier)
            continue
        if category == _CONSTANT:
            value = item.value  # type: ignore[attr-defined]
            text = repr(value)
            exact.append(text)
            if value is None or isinstance(value, bool) or value is Ellipsis:
                shape.append(text)
            else:
                shape.append("#str" if isinstance(value, (str, bytes)) else "#num")
                leaves.append("l" + text)
            continue
        if category == _SYMBOL:
            exact.append(kind.__name__)
            shape.append(kind.__name__)
            continue
        if category == _STATEMENT and item is not root:
            inner = nested(item)  # type: ignore[arg-type]
            exact.extend(inner.exact)
            shape.extend(inner.shape)
            leaves.extend(inner.leaves)
            walked.size += inner.size
            continue
        if kind is ast.UnaryOp and is_signed_number(item):  # `-1` is a literal like `1`
            text = "-" if type(item.op) is ast.USub else "+"  # type: ignore[attr-defined]
            text += repr(item.operand.value)  # type: ignore[attr-defined]
            exact.append(text)
            shape.append("#num")
            leaves.append("l" + text)
            continue
        exact.append(kind.__name__)
        shape.append(kind.__name__)
        if kind is ast.Attribute:
            exact.append(item.attr)  # type: ignore[attr-defined]
            shape.append(item.attr)  # type: ignore[attr-defined]
        elif kind is ast.arg or isinstance(item, _RENAMABLE_DEFS):
            identifier = item.name if kind is not ast.arg else item.arg  # type: ignore[attr-defined]
            exact.append(identifier)
            shape.append("$")
            leaves.append("s" + identifier)
        elif kind is ast.keyword:
            exact.append(item.arg or "**")  # type: ignore[attr-defined]
            shape.append(item.arg or "**")  # type: ignore[attr-defined]
        elif kind is ast.alias:
            text = f"{item.name} as {item.asname}"  # type: ignore[attr-defined]
            exact.append(text)
            shape.append(text)
        elif kind is ast.ImportFrom:
            text = f"{'.' * (item.level or 0)}{item.module}"  # type: ignore[attr-defined]
            exact.append(text)
            shape.append(text)
        elif kind is ast.Global or kind is ast.Nonlocal:
            exact.extend(item.names)  # type: ignore[attr-defined]
            shape.extend(item.names)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign and type(item.target) is ast.Name:  # type: ignore[attr-defined]
            identifier = item.target.id  # type: ignore[attr-defined]
            exact.append(identifier)  # `total += x` reads total first
            shape.append("$")
            leaves.append("n" + identifier)
            push(item.value)  # type: ignore[attr-defined]
            push(item.op)  # type: ignore[attr-defined]
            continue
        for field in fields:  # reversed, so the stack pops them in order
            value = getattr(item, field, None)
            if type(value) is list:
                for child in reversed(value):
                    if isinstance(child, ast.AST):
                        push(child)
                push(f"{field}[{len(value)}]")
            elif isinstance(value, ast.AST):
                push(value)
    return walked
