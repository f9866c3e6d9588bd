"""RenameNames: rename variables, and nothing that only looks like them."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst


class RenameNames(cst.CSTTransformer):
    """Every variable named in ``renamed`` (old -> new) takes its new name, where it is
    read, bound or a parameter; attribute names (``obj.SEED``) and keywords of calls
    (``f(SEED=1)``) keep theirs. The caller makes sure the code has nothing else that
    names the variable (strings read by name, ``locals()``, a scope of its own)."""

    def __init__(self, renamed: Mapping[str, str]) -> None:
        super().__init__()
        self.renamed = renamed

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renamed.get(updated_node.value)
        return updated_node if new is None else updated_node.with_changes(value=new)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)
