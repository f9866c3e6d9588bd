"""Type hints from a recorded run: the types of what the calls passed and returned.

A parameter or return is annotated when every recorded call agrees on a type that can
be written with what the module imports (``pd.DataFrame`` where it imports pandas as
``pd``, builtins and their containers anywhere): ``int`` and ``float`` together are
``float``, a value or ``None`` is ``X | None``; anything else is left out rather than
guessed. A function the user wrote keeps its signature as it is; only the functions
nbrefactor made from notebook code are annotated, and never over an annotation there.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst

from nbrefactor import pysource
from nbrefactor.codemods.add_annotations import AddAnnotations, Annotations
from nbrefactor.verification.call_cases import CallCase

#: A dotted name within an annotation (``pandas.DataFrame``, ``list``).
_NAME = re.compile(r"[A-Za-z_][\w.]*")


def observed_types(cases: Iterable[CallCase]) -> dict[tuple[str, str], Annotations]:
    """Per (module, function), the annotations every recorded call agrees on, with
    importable dotted names (``pandas.DataFrame``)."""
    parameters: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    returns: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in cases:
        if case.problem or case.expected is None:
            continue
        key = (case.module, case.function)
        for argument in case.arguments:
            if argument.name is not None:
                parameters[key][argument.name].add(argument.value.annotation)
        returns[key].add(case.expected.value.annotation)
    found = {}
    for key in returns:
        agreed = {name: _agreed(kinds) for name, kinds in parameters[key].items()}
        found[key] = Annotations(
            {name: kind for name, kind in agreed.items() if kind}, _agreed(returns[key])
        )
    return found


def _agreed(kinds: set[str]) -> str:
    """One annotation true of every observed type in ``kinds``, or ``""``."""
    if "" in kinds:
        return ""
    kinds = set(kinds)
    if {"int", "float"} <= kinds:
        kinds.discard("int")
    for kind in list(kinds):  # `list` and `list[int]`: `list` is true of both
        if f"{kind}[" in "".join(kinds):
            kinds = {k for k in kinds if not k.startswith(f"{kind}[")}
    optional = len(kinds) == 2 and "None" in kinds
    if optional:
        kinds.discard("None")
    if len(kinds) != 1:
        return ""
    (kind,) = kinds
    return f"{kind} | None" if optional else kind


def annotate_module(source: str, types: Mapping[str, Annotations], functions: Sequence[str]) -> str:
    """``source`` (a module) with the ``functions`` named annotated as ``types`` says,
    each dotted name spelled with the module's own imports."""
    aliases = _module_aliases(source)
    wanted = {}
    for name in functions:
        observed = types.get(name)
        if observed is None:
            continue
        parameters = {p: _spelled(k, aliases) for p, k in observed.parameters.items()}
        wanted[name] = Annotations(
            {p: k for p, k in parameters.items() if k}, _spelled(observed.returns, aliases)
        )
    if not any(a.parameters or a.returns for a in wanted.values()):
        return source
    return cst.parse_module(source).visit(AddAnnotations(wanted)).code


def annotated_functions(source: str, functions: Sequence[str]) -> list[str]:
    """Which of the top-level ``functions`` of ``source`` have an annotation."""
    wanted = set(functions)
    found = []
    for node in pysource.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted:
            arguments = node.args
            parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            if node.returns is not None or any(p.annotation is not None for p in parameters):
                found.append(node.name)
    return found


def _module_aliases(source: str) -> dict[str, str]:
    """The modules ``source`` imports at its top level, by the name it uses for each
    (``import numpy as np`` gives numpy -> np)."""
    aliases: dict[str, str] = {}
    for node in pysource.parse(source).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.name] = alias.asname
                else:  # `import a.b` binds `a`, through which a.b is reached
                    aliases.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
    return aliases


def _spelled(annotation: str, aliases: Mapping[str, str]) -> str:
    """``annotation`` with each dotted name written through ``aliases``, or ``""`` when
    one is not reachable from what the module imports."""
    if not annotation:
        return ""
    unreachable = False

    def spell(match: re.Match[str]) -> str:
        nonlocal unreachable
        dotted = match.group(0)
        if "." not in dotted:
            return dotted  # a builtin: int, list, None
        module = dotted.rpartition(".")[0]
        while module:
            if module in aliases:
                return f"{aliases[module]}.{dotted[len(module) + 1 :]}"
            module = module.rpartition(".")[0]
        unreachable = True
        return dotted

    spelled = _NAME.sub(spell, annotation)
    return "" if unreachable else spelled
