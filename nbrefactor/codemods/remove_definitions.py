"""RemoveDefinitions: drop top-level ``def``/``class`` statements (and their comments)."""

from __future__ import annotations

from collections.abc import Sequence, Set

import libcst as cst


class RemoveDefinitions(cst.CSTTransformer):
    """Remove the module-level definitions named in ``names``; the comment lines above a
    definition belong to it and go with it."""

    def __init__(self, names: Set[str]) -> None:
        super().__init__()
        self.names = names
        self.removed: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested definitions are never removed

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        gap: list[cst.EmptyLine] | None = None  # blank lines of the definitions just removed
        for statement in updated_node.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and (
                statement.name.value in self.names
            ):
                self.removed.append(statement.name.value)
                blanks = [line for line in statement.leading_lines if line.comment is None]
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
