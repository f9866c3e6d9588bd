"""Add extracted code to a module that exists already, leaving what is there as it is.

A module nbrefactor appends to may be one it wrote on an earlier run (for another
notebook, or the same one) or one the user wrote. Nothing in it is changed or removed:
imports and constants the new code needs go after its own imports, definitions at the
end; a name it already defines differently is a clash, reported. Only when asked
(``--force``) are the clashing definitions replaced, and nothing else.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from nbrefactor import pysource
from nbrefactor.emit.render import merged_module_docstring
from nbrefactor.errors import NbrefactorError
from nbrefactor.planning.definitions import import_statement


@dataclass(frozen=True, slots=True)
class ModuleExports:
    """What a rendered module adds to an existing one."""

    names: tuple[str, ...]
    imports: tuple[str, ...]
    constants: tuple[str, ...]


def append_to_module(
    old: str, new: str, path: Path, exports: ModuleExports, *, replace: bool = False
) -> str:
    """Add the new module's imports, constants and definitions to an existing module:
    imports and constants after the module's own imports, definitions at the end. With
    ``replace``, the module's own definitions of the names it clashes on go first (with
    the comments above them); everything else in it stays as it is."""
    try:
        existing = pysource.parse(old)
    except SyntaxError as error:
        raise NbrefactorError(
            f"does not parse (line {error.lineno}); not appending to it", path=path
        ) from None
    new_tree = pysource.parse(new)
    if replace:
        names = set(exports.names) | {line.split("=", 1)[0].strip() for line in exports.constants}
        old = _without_definitions(old, existing, names)
        existing = pysource.parse(old)
    same = {  # already moved by an earlier run: nothing to add, nothing to refuse
        node.name
        for node in existing.body
        for other in new_tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and isinstance(other, type(node))
        and node.name == other.name
        and ast.dump(node) == ast.dump(other)
    }
    if same == set(exports.names):
        return old
    clash = sorted(_names_in(existing) & set(exports.names))
    assigned = {  # a constant the module has already, with another value, is a clash too
        node.targets[0].id: ast.unparse(node)
        for node in existing.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }
    for line in exports.constants:
        name = line.split("=", 1)[0].strip()
        if name in assigned and assigned[name] != ast.unparse(pysource.parse(line).body[0]):
            clash.append(name)
    if clash:
        raise NbrefactorError(
            f"already defines {', '.join(clash)}; use --force to replace "
            + ("it" if len(clash) == 1 else "them")
            + " (the rest of the module stays)",
            path=path,
        )
    lines = pysource.code_lines(old.rstrip("\n"))
    missing = [line for line in (*exports.imports, *exports.constants) if line not in lines]
    after = 0  # insert after the docstring and the existing imports
    for node in existing.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_docstring or isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno or after
        else:
            break
    lines[after:after] = missing
    _name_new_notebooks(lines, existing, new_tree)
    return "\n".join(lines) + "\n\n\n" + _definitions_text(new, new_tree) + "\n"


def _without_definitions(module: str, tree: ast.Module, names: set[str]) -> str:
    """``module`` (parsed as ``tree``) without its top-level functions, classes and
    ``NAME = value`` assignments of ``names``, and the comment lines right above them."""
    lines = pysource.code_lines(module, keepends=True)
    dropped: set[int] = set()
    for node in tree.body:
        if _defined_name(node) not in names:
            continue
        start = pysource.comment_start(lines, pysource.first_line(node)) - 1
        dropped.update(range(start, node.end_lineno or node.lineno))
    kept = [line for number, line in enumerate(lines) if number not in dropped]
    text = "".join(kept)
    while "\n\n\n\n" in text:  # two blank lines at most where definitions were
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def _defined_name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _name_new_notebooks(lines: list[str], existing: ast.Module, new: ast.Module) -> None:
    """Make the docstring nbrefactor wrote at the top of ``lines`` (the module
    ``existing``) name the notebooks the appended code (``new``) comes from too."""
    first = existing.body[0] if existing.body else None
    old_text, new_text = ast.get_docstring(existing), ast.get_docstring(new)
    if first is None or old_text is None or new_text is None:
        return
    merged = merged_module_docstring(old_text, new_text)
    if merged is not None:
        lines[first.lineno - 1 : first.end_lineno] = f'"""{merged}"""'.splitlines()


def names_taken_in(module: str | None) -> tuple[set[str], dict[str, str]]:
    """What ``module`` (source) already has: the names it defines, and the names it
    imports with their import statement (written for that name alone). Nothing when it
    does not parse."""
    try:
        tree = pysource.parse(module or "")
    except SyntaxError:
        return set(), {}
    names = {
        alias.asname or alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    found = {name: import_statement(tree, name) for name in names}
    return _names_in(tree), {name: text for name, text in found.items() if text}


def _names_in(tree: ast.Module) -> set[str]:
    """The names a module's definitions and assignments bind."""
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _definitions_text(module: str, tree: ast.Module) -> str:
    """The part of a rendered module (parsed as ``tree``) from its first definition (and
    the comments above it) to the end."""
    first = next(
        node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    )
    lines = pysource.code_lines(module)
    start = pysource.comment_start(lines, pysource.first_line(first)) - 1
    return "\n".join(lines[start:]).rstrip("\n")
