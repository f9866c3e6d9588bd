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
from collections.abc import Mapping
from typing import Any

from nbrefactor import pysource
from nbrefactor.analysis.graph import CellGraph
from nbrefactor.diagnostics import Diagnostic, not_extracted
from nbrefactor.pysource import called_name

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


_MAIN_NAME = re.compile(r"\b__main__\.([A-Za-z_]\w*)")


def shown_with_their_module(graph: CellGraph) -> dict[str, int]:
    """Names whose module the notebook shows (``<__main__.Time object at 0x...>``,
    ``<class '__main__.Time'>``, IPython's ``<function __main__.area(w, h)>``), with the
    first cell showing one: moved, they would show the package's module instead.

    The stored outputs say; where they were cleared, cells that show a class or an
    instance of one with the default repr (``type(lunch)``, ``print(lunch)`` after
    ``lunch = Time()``) do.
    """
    found: dict[str, int] = {}
    for index in graph.facts:
        for output in graph.notebook.cells[index].outputs:
            for name in _MAIN_NAME.findall(_output_text(output)):
                found.setdefault(name, index)
    if not graph.notebook.outputs_kept:
        for name, index in _classes_shown(graph).items():
            found.setdefault(name, index)
    return found


def _classes_shown(graph: CellGraph) -> dict[str, int]:
    """Classes a cell shows with their module: the class itself, ``type()`` of an
    instance, or an instance of a class without a repr of its own (no ``__repr__`` or
    ``__str__``, no base class or decorator that could give one)."""
    trees = {index: facts.tree for index, facts in graph.facts.items() if facts.tree is not None}
    classes: dict[str, bool] = {}  # class -> whether its instances show the default repr
    instances: dict[str, str] = {}  # variable -> the class it was last made from
    found: dict[str, int] = {}
    for index, tree in trees.items():
        for statement in tree.body:
            if isinstance(statement, ast.ClassDef):
                methods = {n.name for n in statement.body if isinstance(n, ast.FunctionDef)}
                bases = [b for b in statement.bases if ast.unparse(b) != "object"]
                classes[statement.name] = not (
                    bases or statement.keywords or statement.decorator_list or methods & _REPRS
                )
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
                made = called_name(value) if isinstance(value, ast.Call) else ""
                if isinstance(target, ast.Name) and made in classes:
                    instances[target.id] = made
        for shown in _shown_values(tree):
            if isinstance(shown, ast.Name) and shown.id in classes:
                found.setdefault(shown.id, index)
            is_type = isinstance(shown, ast.Call) and called_name(shown) == "type" and shown.args
            inner = shown.args[0] if is_type and isinstance(shown, ast.Call) else shown
            if isinstance(inner, ast.Call) and called_name(inner) in classes:
                made = called_name(inner)
            elif isinstance(inner, ast.Name) and inner.id in instances:
                made = instances[inner.id]
            else:
                continue
            if is_type or classes[made]:
                found.setdefault(made, index)
    return found


_REPRS = frozenset({"__repr__", "__str__"})


def _shown_values(tree: ast.Module) -> list[ast.expr]:
    """What a cell shows of its top-level code: its last expression, and what its
    ``print()`` calls print (the values an f-string formats among them)."""
    shown: list[ast.expr] = [
        argument
        for statement in tree.body
        for node in ast.walk(statement)
        if isinstance(node, ast.Call) and called_name(node) == "print"
        for argument in node.args
    ]
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        shown.append(tree.body[-1].value)
    return [  # what an f-string formats shows too: f"made {lunch}"
        inner.value if isinstance(inner, ast.FormattedValue) else inner
        for value in shown
        for inner in (value.values if isinstance(value, ast.JoinedStr) else [value])
    ]


def _output_text(output: Mapping[str, Any]) -> str:
    """The text an output shows: a stream's, a result's ``text/plain``, an error's."""
    data = output.get("data")
    parts = [
        output.get("text"),
        data.get("text/plain") if isinstance(data, dict) else None,
        output.get("evalue"),
    ]
    return "\n".join(part for part in parts if isinstance(part, str))


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
            called_name(node)
            for node in (ast.walk(facts.tree) if facts.tree is not None else ())
            if isinstance(node, ast.Call)
        )
        if any(c[:1] and c[0] in _LISTING_COMMANDS for c in commands) or any(
            call in _LISTING_CALLS for call in calls
        ):
            found.append(index)
    return tuple(found)


#: Calls that show where a function is defined (its file, its source, its module):
#: doctest's runners, inspect's readers, ``help()``.
_INSPECTING = frozenset(
    {"run_docstring_examples", "testmod", "testfile", "getsource", "getsourcelines",
     "getsourcefile", "getfile", "getmodule", "findsource", "getcomments", "help"}
)  # fmt: skip


def inspected_functions(graph: CellGraph) -> dict[str, int]:
    """Names passed to a call that shows where a function is defined (``doctest``'s
    runners, ``inspect.getsource``, ``help``), directly or through a notebook function
    that makes such a call, or asked about (``area?``), with the cell of the first such
    call: moved into a module, their file, module and source would show as the module's.
    The names their docstring examples read count too: doctest runs those in the
    notebook's namespace, where a moved function given new parameters is called
    without them."""
    inspecting = set(_INSPECTING)
    trees = {index: facts.tree for index, facts in graph.facts.items() if facts.tree is not None}
    for tree in trees.values():  # `def run_doctests(f): run_docstring_examples(f, ...)`
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                called_name(call) in _INSPECTING
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
            ):
                inspecting.add(node.name)
    found: dict[str, int] = {}
    for index, tree in trees.items():
        masked = graph.facts[index].masked
        for magic in masked.magics if masked is not None else ():
            if magic.kind == "help":  # `area?` shows the file, `area??` the source too
                for name in magic.reads:
                    found.setdefault(name, index)
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and called_name(call) in inspecting:
                for argument in call.args:
                    if isinstance(argument, ast.Name):
                        found.setdefault(argument.id, index)
    docstrings = {
        statement.name: ast.get_docstring(statement) or ""
        for tree in trees.values()
        for statement in tree.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    for name, index in list(found.items()):
        for read in _read_by_examples(docstrings.get(name, "")):
            found.setdefault(read, index)
    return found


def _read_by_examples(docstring: str) -> set[str]:
    """Names the doctest examples (``>>> ...``) of a docstring read."""
    lines = [
        line.strip()[4:]
        for line in docstring.splitlines()
        if line.strip().startswith((">>> ", "... ")) or line.strip() in (">>>", "...")
    ]
    try:
        tree = pysource.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError):  # examples are not always Python
        return set()
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
