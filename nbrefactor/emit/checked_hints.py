"""What mypy's check keeps of the type hints from a recorded run.

An annotation makes mypy check the function's body, which can bring out an error in
lines the notebook wrote that the unannotated function kept quiet. For each function
with such an error, the annotations to blame are left out: the parameters named on the
lines of its errors (pandas and numpy types first: their stubs are the strictest) and
its return, for an error about the value returned; when two such rounds are not
enough, or nothing named can be blamed, all of them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from types import MappingProxyType

from nbrefactor.codemods.add_annotations import Annotations
from nbrefactor.verification.type_check import TypeFinding

#: An identifier in a line of code.
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
#: An annotation naming a type of the libraries whose stubs are strictest.
_LIBRARY = re.compile(r"\b(pd|np|pandas|numpy)\.")


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Annotations of ``function`` left out because of mypy's ``message``: the
    parameters named in ``parts`` (``"return"`` for the return), or all of them when
    ``parts`` is empty."""

    function: str
    message: str
    parts: tuple[str, ...] = ()
    rounds: int = 0  # how many times the function's annotations were narrowed down

    @property
    def narrowed_twice(self) -> bool:
        return self.rounds >= 2

    def describe(self) -> str:
        if not self.parts:
            what, them = "left unannotated", "them"
        else:
            named = ", ".join("its return" if p == "return" else f"`{p}`" for p in self.parts)
            what, them = f"{named} left unannotated", "it" if len(self.parts) == 1 else "them"
        return f"{self.function}: {what}, mypy reports with {them}: {_shortened(self.message)}"


@dataclass(frozen=True, slots=True)
class TypeHints:
    """What the types of a recorded run became: the functions annotated (``module.name``),
    why mypy did not check them (``""`` when it did), and what was left out because
    mypy reported an error with it."""

    annotated: tuple[str, ...] = ()
    unchecked: str = ""
    left_out: tuple[LeftOut, ...] = ()

    def summary(self) -> str:
        count = len(self.annotated)
        head = f"type hints: {count} function{'' if count == 1 else 's'} annotated"
        head += f"; not checked: {self.unchecked}" if self.unchecked else ", checked by mypy"
        return "\n".join([head, *(f"  {left.describe()}" for left in self.left_out)])


def without_blamed(
    types: Mapping[tuple[str, str], Annotations],
    findings: Sequence[TypeFinding],
    earlier: Mapping[tuple[str, str], LeftOut] = MappingProxyType({}),
    sources: Mapping[str, str] = MappingProxyType({}),
) -> tuple[dict[tuple[str, str], Annotations], dict[tuple[str, str], LeftOut]]:
    """``types`` (by module and function) less the annotations that the new errors
    ``findings`` blame, and what is left out by now, by module and function (``earlier``
    what was before). Blamed first are the parameters of a library's type (pandas,
    numpy) among those named on the lines of a function's errors or that the names
    there were computed from (in the module's source, from ``sources``); else the
    parameters named there; else those the names were computed from. The second time
    a function is narrowed down, or when nothing can be blamed, it loses all its
    annotations. Every finding must be inside a function of ``types``."""
    kept = dict(types)
    left_out = dict(earlier)
    by_function: dict[tuple[str, str], list[TypeFinding]] = {}
    for finding in findings:
        by_function.setdefault((finding.module, finding.scope), []).append(finding)
    for key, found in by_function.items():
        annotations = kept.pop(key)
        named = {name for f in found for name in _IDENTIFIER.findall(f.code)}
        annotated = set(annotations.parameters)
        # `ax.bar(counts.index, ...)`: what was `counts` made from?
        behind = annotated & _names_behind(_function(sources.get(key[0], ""), key[1]), named)
        libraries = [p for p in sorted(behind) if _LIBRARY.search(annotations.parameters[p])]
        parameters = libraries or sorted(annotated & named) or sorted(behind)
        returns = any("return value" in f.message for f in found) and bool(annotations.returns)
        before = earlier.get(key)
        if (before is not None and before.narrowed_twice) or not (parameters or returns):
            left_out[key] = LeftOut(key[1], found[0].message)
            continue
        kept[key] = Annotations(
            {p: a for p, a in annotations.parameters.items() if p not in parameters},
            "" if returns else annotations.returns,
        )
        parts = (*parameters, "return") if returns else tuple(parameters)
        rounds = 1 if before is None else before.rounds + 1
        left_out[key] = LeftOut(
            key[1], found[0].message, (*(before.parts if before else ()), *parts), rounds
        )
    return kept, left_out


def _function(source: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The top-level function ``name`` of the module ``source``, if it has one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def _names_behind(
    function: ast.FunctionDef | ast.AsyncFunctionDef | None, names: Set[str]
) -> set[str]:
    """``names`` and every name the function computed them from (assignments, loops),
    transitively, wherever in its body."""
    made_from: dict[str, set[str]] = {}
    for node in ast.walk(function) if function is not None else ():
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and node.value:
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            targets, value = [node.target], node.iter
        else:
            continue
        read = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        for target in targets:
            for bound in ast.walk(target):
                if isinstance(bound, ast.Name):
                    made_from.setdefault(bound.id, set()).update(read)
    found, todo = set(names), list(names)
    while todo:
        for source in made_from.get(todo.pop(), ()):
            if source not in found:
                found.add(source)
                todo.append(source)
    return found


def _shortened(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else f"{message[: limit - 3]}..."
