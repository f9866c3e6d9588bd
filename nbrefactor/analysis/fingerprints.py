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
import warnings
from collections.abc import Callable, Iterator
from typing import NamedTuple

from nbrefactor.analysis.suppressions import CellSuppressions, cell_suppressions
from nbrefactor.notebook.magics import MaskedCell, is_masked_statement, mask

#: Version of the fingerprint format; cached fingerprints of another version are ignored.
FINGERPRINT_VERSION = 9  # 9: suppression markers in strings are not comments

_RENAMABLE_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class StatementPrint(NamedTuple):
    """One statement: hashes, size, and where it is (1-based lines in the cell).

    A named tuple: the cache stores and rebuilds thousands of them per run.
    """

    shape: int
    exact: int
    line: int
    end_line: int
    col: int
    size: int  # statements, counting nested ones
    tokens: int  # syntax-tree nodes, about one per lexical token
    is_import: bool = False
    #: An expression statement: a call whose result is dropped, a docstring, a display.
    is_expression: bool = False
    #: The first line carries `# nbrefactor: ignore` (for NBR001), or its cell `ignore-cell`.
    suppressed: bool = False
    #: An assignment of literals only (``SEED = 42``, ``COLS = ["a", "b"]``): settings.
    is_constant: bool = False
    #: What a renamed copy changes, in evaluation order: names read (``"n" + id``), names
    #: bound (``"s" + id``) and literals (``"l" + repr``). Copies of one shape have leaves
    #: that line up position by position.
    leaves: tuple[str, ...] = ()
    #: A compound statement without its body (``for x in xs:``): the shape of a simple one.
    head: int = 0
    #: The heads of the statements nested in this one, depth first: a loop whose body
    #: changed still matches in part (Type-3).
    inner: tuple[int, ...] = ()


class SequencePrint(NamedTuple):
    """The statements of one block, in order; ``cell`` is None for a plain script.

    ``block`` numbers the blocks of the cell in the order :func:`blocks` yields them.
    A named tuple, as :class:`StatementPrint` is.
    """

    cell: int | None
    block: int
    statements: tuple[StatementPrint, ...]


class DocumentPrint(NamedTuple):
    """Fingerprints of one notebook or script, and the cells that could not be parsed."""

    path: str
    sequences: tuple[SequencePrint, ...]
    unparsed_cells: tuple[int | None, ...] = ()


def fingerprint_cells(
    path: str, cells: list[tuple[int | None, str]], *, memo: CellMemo | None = None
) -> DocumentPrint:
    """Fingerprints of ``(cell index, source)`` pairs; IPython syntax is masked first.

    ``memo`` carries the fingerprints of cell sources seen before in this run: a cell
    pasted into several notebooks is parsed once.
    """
    memo = {} if memo is None else memo
    sequences: list[SequencePrint] = []
    unparsed: list[int | None] = []
    with warnings.catch_warnings():  # once for all cells: `ast.parse` may warn
        warnings.simplefilter("ignore")
        for index, source in cells:
            known = memo.get(source)
            if known is None:
                known = memo[source] = _fingerprint_source(source)
            if known is _UNPARSED:
                unparsed.append(index)
            else:
                sequences.extend(SequencePrint(index, number, st) for number, st in known)
    return DocumentPrint(path, tuple(sequences), tuple(unparsed))


#: Fingerprints of a cell source: its blocks' statements, numbered; or :data:`_UNPARSED`.
CellPrints = tuple[tuple[int, tuple["StatementPrint", ...]], ...]
CellMemo = dict[str, CellPrints]
_UNPARSED: CellPrints = ((-1, ()),)


def _fingerprint_source(source: str) -> CellPrints:
    masked = mask(source)
    if masked.opaque:
        return ()
    suppressions = cell_suppressions(source)
    try:
        tree = ast.parse(masked.code)
    except (SyntaxError, ValueError, RecursionError):
        if suppressions is not None and suppressions.covers("NBR100", 1):
            return ()  # the user knows, and asked not to hear it again
        return _UNPARSED
    return tuple(_cell_prints(tree, masked, suppressions))


def fingerprint_parsed(path: str, cells: list[tuple[int, MaskedCell, ast.Module]]) -> DocumentPrint:
    """Fingerprints of cells already masked and parsed (``(index, masked, tree)``), as
    :func:`fingerprint_cells` makes them from sources."""
    sequences = [
        SequencePrint(index, number, statements)
        for index, masked, tree in cells
        for number, statements in _cell_prints(tree, masked, cell_suppressions(masked.source))
    ]
    return DocumentPrint(path, tuple(sequences))


def _cell_prints(
    tree: ast.Module, masked: MaskedCell, suppressions: CellSuppressions | None
) -> Iterator[tuple[int, tuple[StatementPrint, ...]]]:
    printer = _Printer(masked.dedented_lines, len(masked.leading_indent), suppressions)
    for number, block in enumerate(blocks(tree.body)):
        if block:
            yield number, tuple(printer.statement(s) for s in block)


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


class _Printer:
    """Fingerprints statements of one parsed cell; each statement is walked once, and a
    compound statement reuses the walks of the statements inside it."""

    def __init__(
        self, dedented: frozenset[int], shift: int, suppressions: CellSuppressions | None
    ) -> None:
        self.dedented = dedented
        self.shift = shift
        self.suppressions = suppressions
        self._walked: dict[int, _Walk] = {}

    def statement(self, node: ast.stmt) -> StatementPrint:
        walked = self.walk(node)
        shape, leaves = walked.shape, walked.leaves
        line = node.lineno
        col = node.col_offset + 1 + (self.shift if line in self.dedented else 0)
        kind = type(node)
        return StatementPrint(
            shape=walked.shape_hash(),
            # the renaming-blind tokens and the names and literals they hide: the code itself
            exact=stable_hash([*shape, "\x1e", *leaves]),
            line=line,
            end_line=node.end_lineno or line,
            col=col,
            size=walked.size,
            tokens=len(shape),
            is_import=kind is ast.Import or kind is ast.ImportFrom,
            is_expression=kind is ast.Expr,
            suppressed=self.suppressions is not None and self.suppressions.covers("NBR001", line),
            is_constant=(kind is ast.Assign or kind is ast.AnnAssign)
            and not any(leaf[0] == "n" for leaf in leaves),
            leaves=tuple(leaves),
            head=walked.head(),
            inner=tuple(walked.inner),
        )

    def walk(self, node: ast.stmt) -> _Walk:
        known = self._walked.get(id(node))
        if known is None:
            known = self._walked[id(node)] = _Walk(node, self.walk)
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


# How the walk treats each node type, worked out once per type.
_NAME, _CONSTANT, _SYMBOL, _STATEMENT, _ATTRIBUTE, _NODE = range(6)
#: Node types with names or text of their own (:meth:`_Walk._special`).
_SPECIAL = (ast.arg, ast.keyword, ast.alias, ast.ImportFrom, ast.Global, ast.Nonlocal,
            ast.AugAssign, *_RENAMABLE_DEFS)  # fmt: skip
_SYMBOLS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_TYPES: dict[type, tuple[int, str, tuple[str, ...], bool]] = {}


def _type_info(kind: type) -> tuple[int, str, tuple[str, ...], bool]:
    """A category, the token, the fields to visit, last first (for a stack), and
    whether the node carries names or text of its own (:meth:`_Walk._special`)."""
    info = _TYPES.get(kind)
    if info is None:
        if kind is ast.Name:
            category = _NAME
        elif kind is ast.Constant:
            category = _CONSTANT
        elif kind is ast.Attribute:
            category = _ATTRIBUTE
        elif issubclass(kind, _SYMBOLS):
            category = _SYMBOL
        elif issubclass(kind, ast.stmt):
            category = _STATEMENT
        else:
            category = _NODE
        fields = _EVALUATION_ORDER.get(kind, getattr(kind, "_fields", ()))
        special = kind in _SPECIAL
        info = _TYPES[kind] = (category, kind.__name__, tuple(reversed(fields)), special)
    return info


_STORE = ast.Store


class _Walk:
    """One statement's tokens in evaluation order, renaming-blind (``shape``: names are
    ``$``, literal values their kind), and what the renaming hides (``leaves``).

    Statements nested in it come from ``nested``, which walks each statement once. The
    walk keeps a stack of its own: a sum of a thousand terms nests a thousand deep.
    """

    __slots__ = ("_head", "_nested_at", "_shape_hash", "inner", "leaves", "shape", "size")

    def __init__(self, root: ast.stmt, nested: Callable[[ast.stmt], _Walk]) -> None:
        self.shape: list[str] = []
        self.leaves: list[str] = []
        self.size = 1  # statements, counting nested ones
        #: The heads of the statements nested in this one, depth first.
        self.inner: list[int] = []
        #: Where the bodies' markers and the nested statements' tokens are in ``shape``,
        #: and what stands for them in the head.
        self._nested_at: list[tuple[int, int, str]] = []
        self._head: int | None = None
        self._shape_hash: int | None = None
        shape, leaves = self.shape, self.leaves
        stack: list[ast.AST | str | tuple[str]] = [root]
        pop, push = stack.pop, stack.append
        types = _TYPES
        while stack:
            node = pop()
            kind = type(node)
            if kind is str:  # a list's marker: keeps `f(a)(b)` apart from `f(a, b)`
                shape.append(node)  # type: ignore[arg-type]
                continue
            if kind is tuple:  # a body's marker, which says how long the body is
                self._nested_at.append((len(shape), len(shape) + 1, "<body>"))
                shape.append(node[0])  # type: ignore[index]
                continue
            info = types.get(kind) or _type_info(kind)
            category = info[0]
            if category == _NAME:
                shape.append("$")
                stored = type(node.ctx) is _STORE  # type: ignore[union-attr]
                leaves.append(("s" if stored else "n") + node.id)  # type: ignore[union-attr]
                continue
            if category == _CONSTANT:
                value = node.value  # type: ignore[union-attr]
                if value is None or value is True or value is False or value is Ellipsis:
                    shape.append(repr(value))
                else:
                    shape.append("#str" if isinstance(value, (str, bytes)) else "#num")
                    leaves.append("l" + repr(value))
                continue
            if category == _SYMBOL:
                shape.append(info[1])
                continue
            if category == _STATEMENT and node is not root:
                inner = nested(node)  # type: ignore[arg-type]
                self._nested_at.append((len(shape), len(shape) + len(inner.shape), ""))
                shape += inner.shape
                leaves += inner.leaves
                self.size += inner.size
                self.inner += (inner.head(), *inner.inner)
                continue
            if category == _ATTRIBUTE:
                shape += ("Attribute", node.attr)  # type: ignore[union-attr]
                push(node.ctx)  # type: ignore[union-attr]
                push(node.value)  # type: ignore[union-attr]
                continue
            if kind is ast.UnaryOp and is_signed_number(node):  # type: ignore[arg-type]
                sign = "-" if type(node.op) is ast.USub else "+"  # type: ignore[union-attr]
                shape.append("#num")
                leaves.append("l" + sign + repr(node.operand.value))  # type: ignore[union-attr]
                continue
            shape.append(info[1])
            if info[3]:
                self._special(node, kind)  # type: ignore[arg-type]
                if kind is ast.AugAssign and type(node.target) is ast.Name:  # type: ignore[union-attr]
                    push(node.value)  # type: ignore[union-attr]
                    push(node.op)  # type: ignore[union-attr]
                    continue
            for field in info[2]:  # reversed, so the stack pops them in order
                value = getattr(node, field, None)
                if type(value) is list:
                    for child in reversed(value):
                        if isinstance(child, ast.AST):
                            push(child)
                    marker = f"{field}[{len(value)}]"
                    push((marker,) if value and isinstance(value[0], ast.stmt) else marker)
                elif isinstance(value, ast.AST):
                    push(value)

    def shape_hash(self) -> int:
        if self._shape_hash is None:
            self._shape_hash = stable_hash(self.shape)
        return self._shape_hash

    def head(self) -> int:
        """The hash of the statement without the statements nested in it (each is one
        marker): ``for x in xs:`` and its header, whatever its body holds."""
        if self._head is None:
            if not self._nested_at:
                self._head = self.shape_hash()
            else:
                tokens, last = [], 0
                for start, stop, instead in self._nested_at:  # bodies' markers and statements
                    tokens += self.shape[last:start]
                    if instead:
                        tokens.append(instead)
                    last = stop
                self._head = stable_hash(tokens + self.shape[last:])
        return self._head

    def _special(self, node: ast.AST, kind: type) -> None:
        """The tokens of the node types that carry names or text of their own."""
        shape = self.shape
        if kind is ast.arg or kind in _RENAMABLE_DEFS:
            shape.append("$")
            name = node.arg if kind is ast.arg else node.name  # type: ignore[attr-defined]
            self.leaves.append("s" + name)
        elif kind is ast.keyword:
            shape.append(node.arg or "**")  # type: ignore[attr-defined]
        elif kind is ast.alias:
            shape.append(f"{node.name} as {node.asname}")  # type: ignore[attr-defined]
        elif kind is ast.ImportFrom:
            shape.append(f"{'.' * (node.level or 0)}{node.module}")  # type: ignore[attr-defined]
        elif kind is ast.Global or kind is ast.Nonlocal:
            shape += node.names  # type: ignore[attr-defined]
        elif kind is ast.AugAssign and type(node.target) is ast.Name:  # type: ignore[attr-defined]
            shape.append("$")  # `total += x` reads total first
            self.leaves.append("n" + node.target.id)  # type: ignore[attr-defined]
