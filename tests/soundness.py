"""Generated notebooks for the soundness property: a planned extraction never changes
what a notebook shows.

:func:`generate` writes small notebooks from the patterns that make extraction hard:
globals read by functions, functions writing them through ``global``, closures,
functions passed as values, functions defined again, loops and comprehensions
accumulating into notebook names, mutation in place, ``del``, rebinding, decorators and
displayed last expressions.
:func:`outputs_of` runs a notebook's cells in this process the way a kernel would
(printed text, and the repr of a last expression that is not None); :func:`check`
extracts a notebook into a package, runs both and returns the differences.

Used by ``tests/test_soundness.py`` (a bounded run) and ``benchmarks/soundness.py``
(thousands of notebooks).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.api.extract import extract
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.verification.compare import compare_runs
from nbrefactor.verification.execute import CellRun, Output
from nbrefactor.verification.normalise import normalise
from tests.conftest import notebook_dict

_NUMBERS = ("total", "count", "rate", "limit", "step")
_LISTS = ("values", "seen", "items")
_FUNCTIONS = ("scale", "bump", "pick", "make", "apply_to")


class _Writer:
    """Cells drawn at random; names come from small pools so that cells meet."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.numbers: list[str] = []
        self.lists: list[str] = []
        self.functions: list[str] = []  # f(x) -> number, pure or reading globals
        self.counters: list[str] = []  # f() -> None, adds 1 to a global

    def number(self) -> str:
        return self.rng.choice(self.numbers) if self.numbers else str(self.rng.randint(1, 9))

    def new(self, pool: tuple[str, ...]) -> str:
        return self.rng.choice(pool)

    def _defines(self, name: str, kind: list[str]) -> None:
        """``name`` is now a function of ``kind``: a redefinition changes what calls pass."""
        for functions in (self.functions, self.counters):
            while name in functions:
                functions.remove(name)
        kind.append(name)

    def cell(self) -> str:
        options = [self._constant, self._list, self._pure_function]
        if self.numbers:
            options += [self._derived, self._loop, self._branch, self._function, self._show]
            options += [self._global_writer, self._closure, self._print]
        if self.lists:
            options += [self._mutate, self._comprehension, self._show_list]
        if self.functions:
            options += [self._call, self._map, self._alias, self._decorated, self._caller]
        if self.counters:
            options += [self._count_calls]
        if len(self.numbers) > 2:
            options += [self._delete]
        return self.rng.choice(options)()

    def _constant(self) -> str:
        name = self.new(_NUMBERS)
        self.numbers.append(name)
        return f"{name} = {self.rng.randint(1, 9)}"

    def _list(self) -> str:
        name = self.new(_LISTS)
        self.lists.append(name)
        values = ", ".join(str(self.rng.randint(0, 9)) for _ in range(3))
        return f"{name} = [{values}]"

    def _derived(self) -> str:
        name = self.new(_NUMBERS)
        source = self.number()
        self.numbers.append(name)
        return f"{name} = {source} * 2 + 1"

    def _loop(self) -> str:
        name, bound = self.number(), self.rng.randint(2, 5)
        return f"for i in range({bound}):\n    {name} = {name} + i\nprint({name})"

    def _branch(self) -> str:
        name, other = self.number(), self.new(_NUMBERS)
        self.numbers.append(other)
        return f"if {name} > 4:\n    {other} = 1\nelse:\n    {other} = 2\nprint({other})"

    def _function(self) -> str:
        name, read = self.new(_FUNCTIONS), self.number()
        self._defines(name, self.functions)
        return f"def {name}(x):\n    return x * {read} + 1"

    def _pure_function(self) -> str:  # defined again and again: only the last may move
        name = self.new(_FUNCTIONS)
        self._defines(name, self.functions)
        return f"def {name}(x):\n    return x * {self.rng.randint(2, 9)} + 1"

    def _caller(self) -> str:  # reaches whichever version of `used` is defined when called
        used = self.rng.choice(self.functions)
        name = self.new(tuple(n for n in _FUNCTIONS if n != used))  # no endless recursion
        self._defines(name, self.functions)
        return f"def {name}(x):\n    return {used}(x) - 1"

    def _global_writer(self) -> str:
        name, target = self.new(_FUNCTIONS), self.number()
        self._defines(name, self.counters)
        return f"def {name}():\n    global {target}\n    {target} = {target} + 1"

    def _closure(self) -> str:
        name, read = self.new(_FUNCTIONS), self.number()
        self._defines(name, self.functions)
        return (
            f"def {name}(x):\n    def inner(y):\n        return y + {read}\n    return inner(x) * 2"
        )

    def _decorated(self) -> str:
        used = self.rng.choice(self.functions)
        name = self.new(tuple(n for n in _FUNCTIONS if n != used))
        self._defines(name, self.functions)
        return (
            f"import functools\n\n@functools.lru_cache(maxsize=None)\ndef {name}(x):\n"
            f"    return {used}(x) + 1"
        )

    def _print(self) -> str:
        return f"print({self.number()}, {self.number()})"

    def _show(self) -> str:
        return f"{self.number()} + 0"

    def _show_list(self) -> str:
        return f"sorted({self.rng.choice(self.lists)})"

    def _mutate(self) -> str:
        return f"{self.rng.choice(self.lists)}.append({self.number()})"

    def _comprehension(self) -> str:
        name, source = self.new(_LISTS), self.rng.choice(self.lists)
        self.lists.append(name)
        return f"{name} = [v + {self.number()} for v in {source}]\nprint(len({name}))"

    def _call(self) -> str:
        name, function = self.new(_NUMBERS), self.rng.choice(self.functions)
        self.numbers.append(name)
        return f"{name} = {function}({self.number()})\nprint({name})"

    def _map(self) -> str:
        name, function = self.new(_LISTS), self.rng.choice(self.functions)
        source = self.rng.choice(self.lists) if self.lists else "[1, 2]"
        self.lists.append(name)
        return f"{name} = list(map({function}, {source}))\n{name}"

    def _alias(self) -> str:
        name, function = self.new(_FUNCTIONS), self.rng.choice(self.functions)
        self._defines(name, self.functions)
        return f"{name} = {function}"

    def _count_calls(self) -> str:
        counter, watched = self.rng.choice(self.counters), self.number()
        return f"[{counter}() for _ in range(3)]\nprint({watched})"

    def _delete(self) -> str:
        name = self.numbers.pop(self.rng.randrange(len(self.numbers)))
        while name in self.numbers:
            self.numbers.remove(name)
        return f"del {name}"


def generate(seed: int) -> list[str]:
    """The cells of notebook number ``seed`` (the same cells for the same seed)."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    return [writer.cell() for _ in range(rng.randint(3, 9))]


def outputs_of(cells: list[tuple[str | None, str]]) -> tuple[CellRun, ...] | None:
    """Run ``(cell id, source)`` code cells in order in a fresh namespace, as a kernel
    would; what each printed and displayed. None when a cell raises."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    runs = []
    for index, (cell_id, source) in enumerate(cells):
        shown: list[Output] = []
        stream = io.StringIO()
        try:
            with contextlib.redirect_stdout(stream):
                value = _run_cell(source, namespace)
        except Exception:
            return None
        if stream.getvalue():
            shown.append(Output("stream", "stdout", normalise(stream.getvalue())))
        if value is not None:
            shown.append(Output("data", "data", normalise(repr(value))))
        runs.append(CellRun(index, cell_id, source, tuple(shown)))
    return tuple(runs)


def _run_cell(source: str, namespace: dict[str, object]) -> object:
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not source.rstrip().endswith(";"):
        exec(compile(ast.Module(tree.body[:-1], []), "<cell>", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    exec(compile(tree, "<cell>", "exec"), namespace)
    return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What extracting one generated notebook did: ``planned`` when it moved code,
    ``differences`` between the runs (empty: the same outputs), ``skipped`` the codes
    of the units it kept back."""

    planned: bool
    differences: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    error: str = ""


def check(seed: int, folder: Path) -> Outcome | None:
    """Extract notebook ``seed`` in ``folder`` and compare the runs; None when the
    notebook itself does not run (nothing to compare)."""
    cells = generate(seed)
    path = folder / "nb.ipynb"
    path.write_text(json.dumps(notebook_dict(*cells), indent=1), encoding="utf-8")
    before = outputs_of([(f"cell-{n}", source) for n, source in enumerate(cells)])
    if before is None:
        return None
    package = f"sound_{seed}"
    try:
        result = extract(path, project_dir=folder / "project", package=package, autoreload=False)
    except NbrefactorError as error:
        return Outcome(False, error=str(error))
    skipped = tuple(s.code for s in result.plan.skipped)
    if not result.changes:
        return Outcome(False, skipped=skipped)
    result.changes.apply()
    rewritten = [(c.id, c.source) for c in read_notebook(path).cells if c.is_code]
    with _importable(folder / "project" / "src", package):
        after = outputs_of(rewritten)
    if after is None:
        return Outcome(True, ("the refactored notebook raises",), skipped)
    differences = tuple(str(d) for d in compare_runs(before, after))
    return Outcome(True, differences, skipped)


@contextlib.contextmanager
def _importable(root: Path, package: str) -> Iterator[None]:
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]
