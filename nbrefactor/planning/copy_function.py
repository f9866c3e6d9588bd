"""The function that replaces aligned copies of a block: keyword parameters for the
literals that differ, named for where they are used; its body, the first copy's code
with those literals replaced; and the call that replaces each copy."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Sequence, Set

from nbrefactor.analysis.antiunify import Alignment, LiteralNode, literal_value
from nbrefactor.analysis.fingerprints import is_signed_number
from nbrefactor.planning.naming import words
from nbrefactor.pysource import alone_on_its_lines, first_line, indent


def literal_parameters(
    alignment: Alignment, statements: Sequence[ast.stmt], taken: Set[str]
) -> tuple[list[str], set[int]]:
    """A keyword for each differing literal, from where the first copy (``statements``)
    uses it (``color=``, ``set_title(...)``, ``df['col']``), none of ``taken``; and the
    statements ``x = <literal>`` that the parameter ``x`` replaces (by index)."""
    parents = {
        id(child): node
        for statement in statements
        for node in ast.walk(statement)
        for child in ast.iter_child_nodes(node)
    }
    mentioned: set[str] = set()
    assignments: dict[int, tuple[int, str]] = {}  # id(constant) -> statement index, name
    for index, statement in enumerate(statements):
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and (isinstance(statement.value, ast.Constant) or is_signed_number(statement.value))
            and statement.targets[0].id not in mentioned
            and alone_on_its_lines(statements, index)  # it is cut out by whole lines
        ):
            assignments[id(statement.value)] = (index, statement.targets[0].id)
        mentioned |= {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
    chosen: list[str] = []
    dropped: set[int] = set()
    used = set(taken)
    for slot in alignment.literals:
        positions = [nodes[0] for nodes in slot.nodes]
        assigned = [assignments[id(node)] for node in positions if id(node) in assignments]
        if assigned and assigned[0][1] not in chosen:
            index, name = assigned[0]  # `col = 'price'` -> the parameter `col`
            chosen.append(name)
            dropped.add(index)
            continue
        stem = _literal_stem(positions[0], parents)
        candidate, number = stem, 2
        while candidate in used or keyword.iskeyword(candidate):
            candidate, number = f"{stem}_{number}", number + 1
        used.add(candidate)
        chosen.append(candidate)
    return chosen, dropped


def _literal_stem(node: LiteralNode, parents: dict[int, ast.AST]) -> str:
    value = literal_value(node)
    parent = parents.get(id(node))
    if isinstance(parent, ast.keyword) and parent.arg:
        return parent.arg
    if isinstance(parent, ast.Call) and node in parent.args:
        function = parent.func
        called = function.attr if isinstance(function, ast.Attribute) else ""
        if called.startswith("set_") and len(called) > 4:
            return called[4:]  # ax.set_title('...') -> title
    if isinstance(parent, ast.Subscript) and isinstance(value, str):
        return "column" if isinstance(parent.value, ast.Name) else "key"
    if isinstance(parent, ast.Compare):
        if all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in parent.ops):
            return "limit"  # `x > 0.5`
        for other in (parent.left, *parent.comparators):  # `df["endpoint"] == "GET /"`
            if isinstance(other, ast.Subscript) and isinstance(other.slice, ast.Constant):
                key = other.slice.value
                if isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key):
                    return key
            if isinstance(other, ast.Attribute):  # `df.endpoint == "GET /"`
                return other.attr
        return "value"
    if isinstance(parent, ast.Assign) and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    parts = words(type(value).__name__)
    return "value" if not parts or parts[0] in {"str", "nonetype"} else f"{parts[0]}_value"


def function_body(
    code: str,
    statements: Sequence[ast.stmt],
    alignment: Alignment,
    literal_names: Sequence[str],
    dropped: Set[int],
    returns: Sequence[str],
) -> str:
    """The first copy's code (``statements`` of the cell ``code``, comments inside them
    kept) with its differing literals replaced by their parameters, without the
    ``dropped`` ``x = <literal>`` statements, returning ``returns``; indented."""
    offsets = _line_offsets(code)
    edits: list[tuple[int, int, str]] = []  # character offsets in `code`
    removed: list[range] = []
    for index in sorted(dropped):
        statement = statements[index]
        end_line = statement.end_lineno or statement.lineno
        span = range(offsets[statement.lineno - 1], offsets[end_line])
        removed.append(span)
        edits.append((span.start, span.stop, ""))
    for slot, name in zip(alignment.literals, literal_names, strict=True):
        for nodes in slot.nodes:
            start = _offset(code, offsets, nodes[0].lineno, nodes[0].col_offset)
            if not any(start in span for span in removed):
                end = _offset(code, offsets, nodes[0].end_lineno, nodes[0].end_col_offset)
                edits.append((start, end, name))
    region_start = offsets[first_line(statements[0]) - 1]
    region_end = offsets[statements[-1].end_lineno or statements[-1].lineno]
    for start, end, text in sorted(edits, reverse=True):
        code = code[:start] + text + code[end:]
        region_end += len(text) - (end - start)
    body = code[region_start:region_end].strip("\n")
    if returns:
        body += f"\nreturn {', '.join(returns)}"
    return indent(body)


def _line_offsets(code: str) -> list[int]:
    """Character offset of the start of each line, and of the end of the code."""
    offsets = [0]
    for line in code.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _offset(code: str, offsets: list[int], line: int | None, col: int | None) -> int:
    """The character offset of an ast position (columns there count UTF-8 bytes)."""
    start = offsets[(line or 1) - 1]
    text = code[start : offsets[line or 1]]
    return start + len(text.encode()[: col or 0].decode())


def copy_call(
    name: str,
    copy: int,
    code: str,
    alignment: Alignment,
    parameters: Sequence[str],
    literal_names: Sequence[str],
    returns: Sequence[str],
) -> str:
    """The statement that replaces copy number ``copy`` (in the cell ``code``): a call
    of the function ``name`` passing the copy's names and literals, assigning the copy's
    names to what it returns."""
    arguments = [alignment.name_in(copy, p) for p in parameters]
    for slot, keyword_name in zip(alignment.literals, literal_names, strict=True):
        node = slot.in_copy(copy)
        value = ast.get_source_segment(code, node) or repr(literal_value(node))
        arguments.append(f"{keyword_name}={value}")
    call = f"{name}({', '.join(arguments)})"
    if not returns:
        return call
    targets = ", ".join(alignment.name_in(copy, r) for r in returns)
    return f"{targets} = {call}"
