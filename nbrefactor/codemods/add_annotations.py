"""AddAnnotations: annotate the parameters and returns of named functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst


@dataclass(frozen=True, slots=True)
class Annotations:
    """The annotations of one function, as code: by parameter name, and its return
    (``""`` for none)."""

    parameters: Mapping[str, str] = field(default_factory=dict)
    returns: str = ""


class AddAnnotations(cst.CSTTransformer):
    """Top-level functions named in ``annotations`` get those annotations where they
    have none; an annotation already written is left as it is, and so is every other
    function (nested ones included)."""

    def __init__(self, annotations: Mapping[str, Annotations]) -> None:
        super().__init__()
        self.annotations = annotations

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions keep theirs

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        wanted = self.annotations.get(updated_node.name.value)
        if wanted is None:
            return updated_node

        def annotated(param: cst.Param) -> cst.Param:
            text = wanted.parameters.get(param.name.value)
            if param.annotation is not None or not text:
                return param
            return param.with_changes(annotation=cst.Annotation(cst.parse_expression(text)))

        params = updated_node.params
        params = params.with_changes(
            params=[annotated(p) for p in params.params],
            kwonly_params=[annotated(p) for p in params.kwonly_params],
            posonly_params=[annotated(p) for p in params.posonly_params],
        )
        returns = updated_node.returns
        if returns is None and wanted.returns:
            returns = cst.Annotation(cst.parse_expression(wanted.returns))
        return updated_node.with_changes(params=params, returns=returns)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # methods are not the module's functions
