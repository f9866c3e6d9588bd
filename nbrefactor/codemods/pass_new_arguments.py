"""PassNewArguments: add ``name=name`` to calls of functions that gained parameters."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst


class PassNewArguments(cst.CSTTransformer):
    """``f(x)`` becomes ``f(x, df=df)`` when ``f`` gained the parameter ``df``."""

    def __init__(self, parameters: Mapping[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.parameters = parameters
        self.changed = 0

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if not isinstance(func, cst.Name) or func.value not in self.parameters:
            return updated_node
        passed = {a.keyword.value for a in updated_node.args if a.keyword is not None}
        missing = [p for p in self.parameters[func.value] if p not in passed]
        if not missing:
            return updated_node
        args = list(updated_node.args)
        if args:
            last = args[-1]
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        for position, name in enumerate(missing):
            comma = (
                cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                if position < len(missing) - 1
                else cst.MaybeSentinel.DEFAULT
            )
            args.append(
                cst.Arg(
                    value=cst.Name(name),
                    keyword=cst.Name(name),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                    comma=comma,
                )
            )
        self.changed += 1
        return updated_node.with_changes(args=args)
