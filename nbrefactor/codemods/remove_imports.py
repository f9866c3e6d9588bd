"""RemoveImports: drop the names top-level imports bind that nothing reads now."""

from __future__ import annotations

from collections.abc import Set

import libcst as cst


class RemoveImports(cst.CSTTransformer):
    """Remove the top-level imports of ``names`` (``import os``, ``np`` from ``import
    numpy as np``, ``Path`` from ``from pathlib import Path, PurePath``). An import left
    with no name goes; the comment lines above it stay, above the next statement."""

    def __init__(self, names: Set[str]) -> None:
        super().__init__()
        self.names = names
        self.removed: list[str] = []

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []  # comment lines of removed lines
        dropped = False  # a line went: the next one may need new spacing
        for statement in updated_node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                small = [s for s in (self._without(s) for s in statement.body) if s is not None]
                if not small:
                    carried += [line for line in statement.leading_lines if line.comment]
                    dropped = True
                    continue
                if small != list(statement.body):
                    small[-1] = small[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    statement = statement.with_changes(body=small)
            if dropped:
                lines = [*carried, *statement.leading_lines]
                while not body and lines and lines[0].comment is None:
                    lines.pop(0)  # now the first line of the cell: no blank lines above
                statement = statement.with_changes(leading_lines=lines)
                carried, dropped = [], False
            body.append(statement)
        footer = [*updated_node.footer, *carried]
        return updated_node.with_changes(body=body, footer=footer)

    def _without(self, statement: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        """``statement`` without the removed names; None when none is left."""
        if not isinstance(statement, (cst.Import, cst.ImportFrom)) or isinstance(
            statement.names, cst.ImportStar
        ):
            return statement
        kept = [alias for alias in statement.names if _bound(alias) not in self.names]
        self.removed += [_bound(a) for a in statement.names if _bound(a) in self.names]
        if not kept:
            return None
        if len(kept) == len(statement.names):
            return statement
        # the last name takes the last comma there was: none, or one before `)`
        kept[-1] = kept[-1].with_changes(comma=statement.names[-1].comma)
        return statement.with_changes(names=kept)


def _bound(alias: cst.ImportAlias) -> str:
    """The name an alias binds: ``np`` for ``numpy as np``, ``os`` for ``os.path``."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    node: cst.BaseExpression = alias.name
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""
