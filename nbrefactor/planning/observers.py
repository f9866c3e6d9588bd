"""Cells that watch what moving code changes, so that the code they watch stays.

Moving top-level code into functions changes the notebook's namespace (its variables
become a function's locals) and where code runs (a module, not ``__main__``). Most
cells cannot tell; some can: ``%whos`` and ``dir()`` list the namespace,
``ast_node_interactivity`` shows every expression and assignment, and warnings show
from notebook code that a module's code may not show (or show once, not each time).
"""

from __future__ import annotations

import ast
import re

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.diagnostics import Diagnostic, not_extracted

#: Magics that list the notebook's variables.
_NAMESPACE_MAGICS = frozenset({"who", "whos", "who_ls"})
_WARNING = re.compile(r"\b[A-Z]\w*Warning\b")


def namespace_watcher(graph: CellGraph) -> Diagnostic | None:
    """Why no script code of ``graph``'s notebook may move (NBR219), at the first cell
    that lists the namespace or shows more than last expressions; None when none does."""
    for index, facts in graph.facts.items():
        cell = graph.notebook.cells[index]
        what = None
        if "ast_node_interactivity" in cell.source:
            what = "ast_node_interactivity"
        masked = facts.masked
        for magic in masked.magics if masked is not None else ():
            if magic.name in _NAMESPACE_MAGICS:
                what = f"%{magic.name}"
        if facts.tree is not None and any(
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dir"
            and not node.args
            for node in ast.walk(facts.tree)
        ):
            what = "dir()"
        if what is not None:
            return not_extracted(
                "NBR219", "the notebook's top-level code", graph.notebook.location(index), what
            )
    return None


def warned_cells(graph: CellGraph) -> dict[int, str]:
    """Code cells whose stored outputs show a warning, with the warning's class."""
    found: dict[int, str] = {}
    for index in graph.facts:
        for output in graph.notebook.cells[index].outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                match = _WARNING.search(str(output.get("text", "")))
                if match:
                    found[index] = match.group(0)
                    break
    return found


#: Shell commands and calls that list a folder.
_LISTING_COMMANDS = frozenset({"ls", "dir", "find", "tree"})
_LISTING_CALLS = frozenset({"listdir", "scandir", "walk", "glob", "iglob", "iterdir", "rglob"})


def folder_listings(graph: CellGraph) -> tuple[int, ...]:
    """Code cells that list files (``!ls``, ``%ls``, ``os.listdir``, ``glob``): what they
    show changes when a project appears in the notebook's folder."""
    found = []
    for index, facts in graph.facts.items():
        masked = facts.masked
        commands = [
            magic.original.split("!", 1)[1].split()[:1]
            if magic.kind in ("shell", "shell_assign")
            else [magic.name]
            for magic in (masked.magics if masked is not None else ())
            if magic.kind in ("shell", "shell_assign", "line_magic")
        ]
        calls = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in (ast.walk(facts.tree) if facts.tree is not None else ())
            if isinstance(node, ast.Call)
        )
        if any(c[:1] and c[0] in _LISTING_COMMANDS for c in commands) or any(
            call in _LISTING_CALLS for call in calls
        ):
            found.append(index)
    return tuple(found)
