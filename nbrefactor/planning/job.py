"""The job a notebook becomes with ``extract --as-job``: its settings as a ``Config``,
its moved steps chained in ``run(config)``, in notebook order.

A step is a call the rewritten notebook makes to moved code at its top level (a script
function, or one copy of a duplicated block). Each argument of a step is either what
an earlier step returned (a local variable of ``run``) or a setting: a name the
notebook binds once, at the top of a cell that stays, to a literal (a ``Config``
field with that value as its default) or to an expression of other settings and
imported modules (a property of ``Config``, so it follows the settings it is made
from, as it does in the notebook). Anything else, code that stays in the notebook
computing what a step reads or changing it between two steps, means the job would not
do what the notebook does: the plan is refused, saying which cell is to blame.
"""

from __future__ import annotations

import ast
import itertools
import keyword
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from nbrefactor.analysis.bindings import names_bound_in
from nbrefactor.analysis.facts import CellFacts, analyse_source
from nbrefactor.analysis.graph import BUILTIN_NAMES, CellGraph
from nbrefactor.notebook.model import cell_number
from nbrefactor.planning.code_action import snake_case
from nbrefactor.planning.definitions import changed_names, constant_assignment, import_statement
from nbrefactor.planning.units import ExtractionPlan
from nbrefactor.pysource import code_lines, ending_comment

#: Names of settings that hold a file or a folder: their option takes a path.
_PATH_NAME = re.compile(r"(^|_)(dir|directory|folder|path|file|filename|csv|json|parquet)$", re.I)
#: Names ``run`` itself uses, which no local variable of it may take.
_RUN_NAMES = frozenset({"config", "Config", "Result", "run", "logger"})


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting of the job: the notebook's ``name`` as ``Config.field``.

    ``value`` is the source of the notebook's value: the field's default, or the
    expression of a ``derived`` setting (a property), spelled with the fields it reads
    (``os.path.join(self.data_dir, 'trips.csv')``).
    """

    name: str
    field: str
    value: str
    annotation: str
    derived: bool = False
    mutable: bool = False  # a list, dict or set: a default factory gives each Config its own
    path: bool = False  # names a file or a folder
    comment: str = ""  # what the notebook says about it, on its line


@dataclass(frozen=True, slots=True)
class JobPlan:
    """The job of one notebook: what :mod:`nbrefactor.emit.job` renders."""

    settings: tuple[Setting, ...]
    #: The statements of ``run``, one call each, as ``run`` spells them (``trips =
    #: keep_trips(trips)``, ``split(rows, share=config.share)``).
    steps: tuple[str, ...]
    #: What ``run`` returns in its ``Result``: local names, in the order they were made.
    results: tuple[str, ...]
    #: Import statements the derived settings need that the module may not have.
    imports: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[Setting, ...]:
        return tuple(s for s in self.settings if not s.derived)

    @property
    def properties(self) -> tuple[Setting, ...]:
        return tuple(s for s in self.settings if s.derived)


class NoJob(Exception):
    """The notebook cannot become a job: ``reasons``, each naming its cell."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


@dataclass(frozen=True, slots=True)
class _Call:
    """A call of moved code at the top of cell ``cell``, as the notebook spells it."""

    cell: int
    line: int
    statement: ast.stmt
    function: str
    kept: CellFacts  # what else stays in the cell, analysed


def plan_job(plan: ExtractionPlan, graph: CellGraph) -> JobPlan:
    """The job of the notebook of ``graph``, extracted as ``plan``.

    Raises:
        NoJob: nothing moves that a job could run, or code staying in the notebook
            computes or changes what a step needs.
    """
    calls = sorted(_calls(plan, graph), key=lambda c: (c.cell, c.line))
    if not calls:
        raise NoJob(["no code of the notebook's cells moves into a function it calls"])
    imported = names_bound_in(ast.parse(statement) for statement in plan.imports)
    available = imported | set(plan.moved_constants) | set(plan.exported)
    settings = _Settings(graph, imported)
    taken = set(_RUN_NAMES) | imported | BUILTIN_NAMES | set(plan.exported)
    local: dict[str, str] = {}  # notebook name -> the name in run
    made_at: dict[str, int] = {}  # notebook name -> cell of the step that returned it
    steps: list[str] = []
    unresolved: dict[str, list[_Call]] = {}  # notebook name -> the steps reading it
    read_later: dict[str, int] = {}  # notebook name -> last cell of a step reading it
    for call in calls:
        for name in _loaded_names(call.statement):
            read_later[name] = call.cell
    for call in calls:
        renaming: dict[str, str] = {}
        for name in _loaded_names(call.statement):
            if name in local:
                renaming[name] = local[name]
            elif (setting := settings.get(name)) is not None:
                renaming[name] = f"config.{setting.field}"
            elif name not in available and name not in BUILTIN_NAMES:
                unresolved.setdefault(name, []).append(call)
        for name in _bound_names(call.statement):
            if name not in local:
                local[name] = _local_name(name, taken)
                taken.add(local[name])
            renaming[name] = local[name]
            made_at[name] = call.cell
        steps.append(_renamed(call.statement, renaming))
    reasons = [settings.why_not(name, readers) for name, readers in unresolved.items()]
    reasons.extend(_changed_between_steps(calls, graph, made_at, read_later))
    if reasons:
        raise NoJob(list(dict.fromkeys(reasons)))
    results = _results(calls, graph, made_at, read_later)
    return JobPlan(
        settings.used(),
        tuple(steps),
        tuple(local[name] for name in results),
        settings.imports(),
    )


def _calls(plan: ExtractionPlan, graph: CellGraph) -> Iterator[_Call]:
    """Every call of moved code the rewritten notebook makes at a cell's top level."""
    for script in plan.scripts:
        statement = ast.parse(script.call).body[0]
        stays = [script.kept_before, script.kept_after, *(t for _, t in script.kept_in_place)]
        yield _Call(script.cells[-1], 0, statement, script.name, analyse_source("\n".join(stays)))
    copied: dict[int, list[tuple[int, int]]] = {}  # cell -> the lines of its copies
    for _, copy in plan.copies:
        copied.setdefault(copy.cell, []).append((copy.start, copy.end))
    around: dict[int, CellFacts] = {}  # cell -> what stays of it around its copies
    for cell, spans in copied.items():
        masked = graph.facts[cell].masked
        lines = masked.code.splitlines() if masked is not None else []
        around[cell] = analyse_source(
            "\n".join(
                line
                for number, line in enumerate(lines, start=1)
                if not any(start <= number <= end for start, end in spans)
            )
        )
    for function, copy in plan.copies:
        statement = ast.parse(copy.call).body[0]
        yield _Call(copy.cell, copy.start, statement, function.name, around[copy.cell])


def _loaded_names(statement: ast.stmt) -> list[str]:
    """The names a call statement reads, in order."""
    value = statement.value if isinstance(statement, (ast.Assign, ast.Expr)) else statement
    names = [n.id for n in ast.walk(value) if isinstance(n, ast.Name)]
    call = value if isinstance(value, ast.Call) else None
    if call is not None and isinstance(call.func, ast.Name):
        names.remove(call.func.id)  # the step itself, a function of the module
    return list(dict.fromkeys(names))


def _bound_names(statement: ast.stmt) -> list[str]:
    if not isinstance(statement, ast.Assign):
        return []
    return [n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _local_name(name: str, taken: set[str]) -> str:
    """The name of ``run``'s variable for the notebook's ``name``: in snake case when
    that is free (``X_train`` -> ``x_train``), else as the notebook spells it."""
    snake = snake_case(name)
    if snake not in taken and snake.isidentifier() and not keyword.iskeyword(snake):
        return snake
    return name if name not in taken else f"{name}_"


def _renamed(statement: ast.stmt, renaming: Mapping[str, str]) -> str:
    """``statement`` with the notebook's names replaced as ``run`` spells them, the
    data passed by position before the first setting."""
    tree = _RenameNames(renaming).visit(ast.fix_missing_locations(_copied(statement)))
    value = tree.value if isinstance(tree, (ast.Assign, ast.Expr)) else None
    if isinstance(value, ast.Call) and not value.args:  # a script function's call
        # its keywords come in the order of its parameters: the data lead
        data = list(itertools.takewhile(lambda k: isinstance(k.value, ast.Name), value.keywords))
        value.args = [argument.value for argument in data]
        value.keywords = value.keywords[len(data) :]
    return ast.unparse(tree)


def _copied(statement: ast.stmt) -> ast.stmt:
    """A copy of ``statement`` to change, leaving the original as it is."""
    return ast.parse(ast.unparse(statement)).body[0]


class _RenameNames(ast.NodeTransformer):
    def __init__(self, renaming: Mapping[str, str]) -> None:
        self.renaming = renaming

    def visit_Name(self, node: ast.Name) -> ast.expr:
        new = self.renaming.get(node.id)
        if new is None:
            return node
        return ast.copy_location(ast.parse(new, mode="eval").body, node)


def _changed_between_steps(
    calls: Sequence[_Call],
    graph: CellGraph,
    made_at: Mapping[str, int],
    read_later: Mapping[str, int],
) -> Iterator[str]:
    """Code that stays in the notebook and changes what a later step reads."""
    step_cells = {call.cell for call in calls}
    kept = {call.cell: call.kept for call in calls}
    for index, facts in graph.facts.items():
        if index in step_cells:
            facts = kept[index]
        changed = [*facts.defines, *facts.mutates]
        for name in dict.fromkeys(changed):
            if name in made_at and made_at[name] <= index < read_later.get(name, -1):
                yield (
                    f"cell {cell_number(index)} changes {name!r}, which a step after it reads: "
                    "that code stays in the notebook, so the job would run without it"
                )


def _results(
    calls: Sequence[_Call],
    graph: CellGraph,
    made_at: Mapping[str, int],
    read_later: Mapping[str, int],
) -> list[str]:
    """What the steps return that no later step reads, or that the notebook's own code
    goes on to look at: the job's result, in the order the steps made it."""
    step_cells = {call.cell for call in calls}
    kept_reads: set[str] = set()
    for call in calls:
        kept_reads.update(call.kept.reads)
    results = []
    for name, made in made_at.items():
        last_reader = read_later.get(name, -1)
        looked_at = name in kept_reads or any(
            cell not in step_cells for cell in graph.readers_of(name)
        )
        if (last_reader <= made or looked_at) and not name.startswith("_"):
            results.append(name)
    return results


class _Settings:
    """The settings of a notebook, found as steps read them."""

    def __init__(self, graph: CellGraph, imported: set[str]) -> None:
        self.graph = graph
        self.module_names = imported
        self._found: dict[str, Setting | None] = {}
        self._order: dict[str, tuple[int, int]] = {}
        self._imports: dict[str, str] = {}  # what derived settings need that the module lacks
        self._changed = changed_names(graph)

    def get(self, name: str) -> Setting | None:
        if name not in self._found:
            self._found[name] = None  # a setting made from itself is none
            self._found[name] = self._setting(name)
        return self._found[name]

    def used(self) -> tuple[Setting, ...]:
        found = [name for name, setting in self._found.items() if setting is not None]
        ordered = sorted(found, key=lambda name: self._order[name])
        return tuple(s for name in ordered if (s := self._found[name]) is not None)

    def imports(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._imports.values()))

    def why_not(self, name: str, readers: Sequence[_Call]) -> str:
        """Why ``name``, which the steps ``readers`` read, is no setting of the job."""
        first = readers[0]
        more = len(readers) - 1
        read = f"{first.function} (cell {cell_number(first.cell)})" + (
            f" and {more} more" if more else ""
        )
        every = self.graph.definers_of(name)
        trees = [self.graph.facts[cell].tree for cell in every]
        if len(every) > 1 and all(constant_assignment(tree, name) for tree in trees):
            cells = ", ".join(str(cell_number(cell)) for cell in every)
            return f"{read} read {name!r}, which cells {cells} set: a job has one value of it"
        definers = [cell for cell in every if cell < first.cell]
        if not definers:
            return f"{read} read {name!r}, which no cell before binds"
        return (
            f"{read} read {name!r}, which cell {cell_number(definers[-1])} binds in code that "
            "stays in "
            "the notebook (a job's steps get settings, literals or made of other settings, "
            "and what earlier steps return)"
        )

    def _setting(self, name: str) -> Setting | None:
        definers = self.graph.definers_of(name)
        if len(definers) != 1:
            return None
        cell = definers[0]
        facts = self.graph.facts[cell]
        if facts.tree is None or name in self._changed:  # changed in place: no one value
            return None
        bindings = [s for s in facts.tree.body if name in names_bound_in([s])]
        statement = bindings[0] if len(bindings) == 1 else None
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return None
        if not isinstance(statement.targets[0], ast.Name):
            return None
        field = self._field_name(name)
        if field is None:
            return None
        self._order[name] = (cell, statement.lineno)
        comment = ending_comment(statement, code_lines(facts.masked.code if facts.masked else ""))
        try:
            value = ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return self._derived(name, field, statement.value, comment)
        return Setting(
            name,
            field,
            ast.unparse(statement.value),
            _annotation(value),
            mutable=isinstance(value, (list, dict, set)),
            path=isinstance(value, str) and _names_a_path(name, value),
            comment=comment,
        )

    def _field_name(self, name: str) -> str | None:
        """``name`` in snake case (``N_TRIPS`` -> ``n_trips``), or as it is when that is
        a keyword or another setting's field already; None when both are taken."""
        field = snake_case(name)
        fields = {s.field for s in self._found.values() if s is not None}
        if keyword.iskeyword(field) or field in fields:
            field = name
        return None if field in fields else field

    def _import_of(self, name: str) -> str | None:
        """The notebook's one import of ``name``, if an import is what binds it."""
        cells = self.graph.definers_of(name)
        found = {import_statement(t, name) for c in cells if (t := self.graph.facts[c].tree)}
        return found.pop() if len(found) == 1 else None

    def _derived(self, name: str, field: str, value: ast.expr, comment: str) -> Setting | None:
        """A setting computed from other settings and imported modules, or None."""
        renaming: dict[str, str] = {}
        for node in ast.walk(value):
            if not isinstance(node, ast.Name):
                continue
            if (setting := self.get(node.id)) is not None:
                renaming[node.id] = f"self.{setting.field}"
            elif (statement := self._import_of(node.id)) is not None:
                if node.id not in self.module_names:
                    self._imports[node.id] = statement
            elif node.id not in BUILTIN_NAMES:
                return None
        if not renaming:
            return None  # made of no setting: a computed value, which is no setting
        source = ast.unparse(_RenameNames(renaming).visit(_copied(ast.Expr(value))))
        return Setting(name, field, source, _derived_annotation(value), derived=True,
                       path=_names_a_path(name, ""), comment=comment)  # fmt: skip


def _names_a_path(name: str, value: str) -> bool:
    """Whether a setting holds a file or folder: its name says so (``DATA_DIR``,
    ``OUTPUT_CSV``), or its value is a relative path with a folder or a suffix."""
    if _PATH_NAME.search(name):
        return True
    return bool(re.fullmatch(r"[\w.\-]+(/[\w.\-]+)*/?", value)) and (
        "/" in value or bool(re.search(r"\.[A-Za-z]\w{0,4}$", value))
    )


_SCALARS = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes"}


def _annotation(value: object) -> str:
    """The type of a literal value, as a field is annotated (``list[str]``)."""
    if type(value) in _SCALARS:
        return _SCALARS[type(value)]
    if value is None:
        return "Any"
    if isinstance(value, (list, set)):
        return f"{type(value).__name__}[{_items(value)}]"
    if isinstance(value, tuple):
        return f"tuple[{_items(value)}, ...]"
    if isinstance(value, dict):
        return f"dict[{_items(value.keys())}, {_items(value.values())}]"
    return "Any"


def _items(values: object) -> str:
    """One type for all of ``values`` (ints among floats are floats), else ``Any``."""
    assert isinstance(values, (list, set, tuple, type({}.keys()), type({}.values())))
    kinds = {_annotation(v) for v in values}
    if kinds == {"int", "float"}:
        return "float"
    return kinds.pop() if len(kinds) == 1 else "Any"


def _derived_annotation(value: ast.expr) -> str:
    """The type of a derived setting where its expression says (a string), else Any."""
    if isinstance(value, ast.JoinedStr):
        return "str"
    if isinstance(value, ast.Call) and ast.unparse(value.func) == "os.path.join":
        return "str"
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        sides = (value.left, value.right)
        if any(isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides):
            return "str"
    return "Any"
