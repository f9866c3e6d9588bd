"""AddKeywordParameters: give functions new keyword-only parameters."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst


class AddKeywordParameters(cst.CSTTransformer):
    """``def f(x):`` becomes ``def f(x, *, df):`` for the top-level functions named in
    ``parameters``. Keyword-only, so existing positional calls keep their meaning."""

    def __init__(self, parameters: Mapping[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.parameters = parameters
        self._depth = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # a method named like a moved function is not that function

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return True

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._depth -= 1
        new = self.parameters.get(updated_node.name.value, ())
        if self._depth or not new:
            return updated_node
        params = updated_node.params
        existing = {p.name.value for p in (*params.params, *params.kwonly_params)}
        added = [cst.Param(cst.Name(name)) for name in new if name not in existing]
        if not added:
            return updated_node
        star = params.star_arg
        if not isinstance(star, (cst.Param, cst.ParamStar)):
            star = cst.ParamStar()
        return updated_node.with_changes(
            params=params.with_changes(star_arg=star, kwonly_params=(*params.kwonly_params, *added))
        )
