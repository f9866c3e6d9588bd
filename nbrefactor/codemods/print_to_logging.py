"""PrintToLogging: ``print(...)`` calls become ``logger.info(...)`` with the same text.

The message is a %-format and its arguments, so that logging formats it only when the
message is emitted: ``print("kept", n)`` -> ``logger.info("kept %s", n)``,
``print(f"RMSE: {rmse:.3f}")`` -> ``logger.info("RMSE: %.3f", rmse)``. Each argument
reads as ``print`` shows it (``%s`` is ``str``, ``!r`` is ``%r``); a format spec
``%`` spells the same way (``.3f``, ``d``, ``.2e``) is kept, another one is applied with
:func:`format`. A call ``print`` makes differently from a log line (to a file, without
its newline, with ``*args`` or ``{x=}``) is left as it is, as is ``print`` when the
module binds the name itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

#: Format specs that mean the same in ``format()`` and in a %-format.
_SAME_SPEC = re.compile(r"(\.\d+)?[dfFeEgG]|\.\d+[fFeEgG]")


class PrintToLogging(cst.CSTTransformer):
    """Calls of the builtin ``print`` become calls of ``logger.info``."""

    def __init__(self, logger: str = "logger") -> None:
        super().__init__()
        self.logger = logger
        self.changed = 0

    def visit_Module(self, node: cst.Module) -> bool:
        # a module that binds `print` itself means something else by it
        self._print_bound = bool(
            m.findall(node, m.FunctionDef(name=m.Name("print")) | m.AssignTarget(m.Name("print")))
        )
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self._print_bound or not m.matches(updated_node.func, m.Name("print")):
            return updated_node
        message = _message(updated_node.args)
        if message is None:
            return updated_node
        template, values = message
        if values:
            template = template.replace("%", "%%").replace("\0", "%")
        else:
            template = template.replace("\0", "%")
        arguments = [cst.Arg(cst.SimpleString(_quoted(template))), *(cst.Arg(v) for v in values)]
        self.changed += 1
        return cst.Call(
            func=cst.Attribute(cst.Name(self.logger), cst.Name("info")),
            args=_separated(arguments),
        )


def _message(args: Sequence[cst.Arg]) -> tuple[str, list[cst.BaseExpression]] | None:
    """The %-format (its conversions marked with ``\\0`` for ``%``) and its values that
    show what ``print(*args)`` shows, or None when logging cannot show it the same way."""
    separator = " "
    shown: list[cst.Arg] = []
    for arg in args:
        if arg.star:
            return None
        if arg.keyword is None:
            shown.append(arg)
            continue
        name = arg.keyword.value
        text = _string_value(arg.value)
        if name == "sep" and text is not None:
            separator = text
        elif (name == "end" and text == "\n") or name == "flush":
            continue
        else:  # file=..., end="" and the like: not what a log line does
            return None
    parts: list[str | None] = []
    values: list[cst.BaseExpression] = []
    for arg in shown:
        text = _string_value(arg.value)
        if text is not None:
            parts.append(text if "\0" not in text else None)
        elif isinstance(arg.value, cst.FormattedString):
            part = _formatted(arg.value, values)
            if part is None:
                return None
            parts.append(part)
        else:
            parts.append("\0s")
            values.append(arg.value)
    if "\0" in separator or None in parts:
        return None  # a NUL of the user's would read as a conversion
    return separator.join(p for p in parts if p is not None), values


def _formatted(string: cst.FormattedString, values: list[cst.BaseExpression]) -> str | None:
    """An f-string as a %-format, its expressions appended to ``values``."""
    if "b" in string.prefix.lower() or "r" in string.prefix.lower():
        return None
    literal_texts = iter(_literal_texts(string))
    text = ""
    for part in string.parts:
        if isinstance(part, cst.FormattedStringText):
            literal = next(literal_texts)
            if "\0" in literal:
                return None
            text += literal
            continue
        assert isinstance(part, cst.FormattedStringExpression)
        if part.equal is not None:
            return None
        spec = part.format_spec
        spec_text = None
        if spec is not None:
            if not all(isinstance(p, cst.FormattedStringText) for p in spec):
                return None
            spec_text = "".join(p.value for p in spec if isinstance(p, cst.FormattedStringText))
        conversion = part.conversion or "s"
        if spec_text is None:
            text += f"\0{conversion}"
            values.append(part.expression)
        elif part.conversion is None and _SAME_SPEC.fullmatch(spec_text):
            text += f"\0{spec_text}"
            values.append(part.expression)
        else:
            text += "\0s"
            value = part.expression
            if part.conversion is not None:
                converter = {"r": "repr", "s": "str", "a": "ascii"}[conversion]
                value = cst.Call(cst.Name(converter), [cst.Arg(value)])
            spec_string = cst.SimpleString(_quoted(spec_text))
            values.append(
                cst.Call(cst.Name("format"), _separated([cst.Arg(value), cst.Arg(spec_string)]))
            )
    return text


def _string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not f-, not bytes) string literal, or None."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _string_value(node.left), _string_value(node.right)
        return None if left is None or right is None else left + right
    return None


def _literal_texts(string: cst.FormattedString) -> list[str]:
    """The values of an f-string's literal parts, in order (escapes evaluated, ``{{``
    read as ``{``), as Python reads them."""
    tree = ast.parse(cst.Module([]).code_for_node(string), mode="eval").body
    assert isinstance(tree, ast.JoinedStr)
    return [
        part.value
        for part in tree.values
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]


def _quoted(text: str) -> str:
    return repr(text)


def _separated(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma) for a in args[:-1]] + list(args[-1:])
