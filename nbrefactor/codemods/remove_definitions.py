"""RemoveDefinitions: drop top-level ``def``/``class`` statements and constant
assignments (with the comments above them), or put a statement in their place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from types import MappingProxyType

import libcst as cst


class RemoveDefinitions(cst.CSTTransformer):
    """Remove the module-level definitions named in ``names``: ``def``, ``class`` and
    ``NAME = value`` alone on its line; the comment lines above a definition belong to
    it and go with it. A name in ``replacements`` gets that statement in its place
    instead (``from pkg.module import name``)."""

    def __init__(
        self, names: Set[str], replacements: Mapping[str, str] = MappingProxyType({})
    ) -> None:
        super().__init__()
        self.names = names
        self.replacements = replacements
        self.removed: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested definitions are never removed

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        gap: list[cst.EmptyLine] | None = None  # blank lines of the definitions just removed
        for statement in updated_node.body:
            name = _defined_name(statement)
            if name is not None and name in self.names:
                self.removed.append(name)
                blanks = [line for line in statement.leading_lines if line.comment is None]
                if name in self.replacements:
                    replacement = cst.parse_statement(self.replacements[name])
                    body.append(replacement.with_changes(leading_lines=blanks if body else []))
                    continue
                gap = blanks if gap is None else gap
                continue
            if gap is not None:  # the next statement takes over the definition's spacing
                own = _without_leading_blanks(statement.leading_lines)
                statement = statement.with_changes(leading_lines=[*(gap if body else []), *own])
                gap = None
            body.append(statement)
        header = updated_node.header
        first = updated_node.body[0] if updated_node.body else None
        if first is not None and body[:1] != [first] and self.removed:
            header = []  # comments above the first statement described what was removed
        return updated_node.with_changes(body=body, header=header)


def _without_leading_blanks(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    kept = list(lines)
    while kept and kept[0].comment is None:
        kept.pop(0)
    return kept


def _defined_name(statement: cst.BaseStatement) -> str | None:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name.value
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        assign = statement.body[0]
        if (
            isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
        ):
            return assign.targets[0].target.value
    return None
