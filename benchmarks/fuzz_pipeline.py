"""Fuzz the whole pipeline: can any notebook, however odd or broken, make nbrefactor crash?

Generates notebooks with Hypothesis and feeds each through the real entry points, in
this process: ``nbrefactor graph NB`` (text and ``--format json``), ``check NB
--no-cache``, ``check FOLDER --no-cache`` on a folder holding NB and a second generated
notebook, ``extract NB --dry-run --project-dir <tmp>/proj --package pkg`` (all through
``click.testing.CliRunner``), and the pre-commit hook ``nbrefactor.hooks.duplicates.main``
in a temporary git repository where both notebooks are staged (``--no-hook`` skips it;
it costs about 15 ms a notebook, mostly git).

The promise under test: bad input exits 2 with a message; only a bug exits 123. A run is
an **internal error** when it exits 123, when the runner caught an exception other than
``SystemExit``, or when a traceback appears in its output (and not in the notebook).
Reported apart: entry points slower than ``--slow`` or killed after ``--timeout``
seconds, an ``extract --dry-run`` that wrote a file, warnings that reached the user.
Each entry point runs with the stack room of a real ``nbrefactor`` process (Hypothesis
raises the recursion limit, which would hide the crashes deep nesting causes).

What is generated: nbformat 4 JSON with and without cell ids, sources as strings or lists
of lines, every kind of output, execution counts in and out of order, markdown and raw
cells; documents with a wrong type in any field, bad nbformat versions, nbformat 3,
truncated JSON, non-UTF-8 bytes, a BOM, CRLF, empty files, non-Python kernels; jupytext
text notebooks (py:percent, py:light, plain scripts, Markdown). Code cells mix a grammar
of realistic data-science code, IPython syntax of every kind, blocks pasted with renamed
variables (within a notebook and across the two), syntax errors, extreme nesting, random
text, and random valid Python from hypothesmith (one notebook in 40).

A run is split into batches of ``--batch`` notebooks, one Hypothesis run per batch with a
seed made from ``--seed`` and the batch number, shared out between ``--jobs`` processes:
the same arguments give the same notebooks. Each distinct internal error (exception class
and innermost nbrefactor frame) is then shrunk: its batch is replayed up to the notebook
that showed it, and Hypothesis shrinks that one through the same entry point for at most
``--shrink-seconds``; the minimal notebook is then run once more as a user would, in a
fresh process without ``--debug`` and with the code as it is by then (the summary says
whether it still exits 123: code edited during a run can make a finding stale). What is
written to ``--out``::

    summary.json                      the figures printed, as JSON
    bug-01-<Exception>-<function>/    nb.ipynb (or nb.py, nb.md): the minimal notebook,
                                      partner.ipynb, original/ (as first generated),
                                      traceback.txt, reproduce.sh
    slow-<entry point>/, timeout-NN-<entry point>/   the same, for slow notebooks

Run from the repository root with nbrefactor installed::

    python benchmarks/fuzz_pipeline.py --examples 10000 --seed 0
    python benchmarks/fuzz_pipeline.py --examples 500 --no-hook --jobs 1

Exit code: 0 when no run had an internal error, 1 otherwise. ``tests/test_fuzz.py`` runs
the same generators, a few hundred notebooks, as part of the test suite.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import functools
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import pkgutil
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from nbrefactor import cli
from nbrefactor.errors import INTERNAL_ERROR
from nbrefactor.hooks import duplicates as duplicates_hook

T = TypeVar("T")

# ============================================================================ strategy helpers
# Strategies are built once and reused: building one per draw (and Hypothesis validating
# it) made generation ten times slower than running the notebooks.


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def pick(draw: st.DrawFn, values: tuple[T, ...]) -> T:
    """One of ``values``; shrinks towards the first."""
    return values[number(draw, 0, len(values) - 1)]


def number(draw: st.DrawFn, low: int, high: int) -> int:
    """An integer in [low, high]; shrinks towards ``low``."""
    return draw(_integers(low, high))


def rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True once in ``one_in`` draws; shrinks towards False."""
    return number(draw, 1, one_in) == one_in


def flip(draw: st.DrawFn) -> bool:
    return rarely(draw, 2)


# ============================================================================ code cells

# fmt: off
#: Names cells define and read, so that cells depend on each other.
VARIABLES = (
    "df", "data", "x", "y", "total", "items", "result", "rows", "counts", "scores",
    "summary", "frame", "cfg", "path", "THRESHOLD", "N_BINS", "model", "fig", "ax", "i",
)
FUNCTIONS = ("load", "clean", "helper", "transform", "score", "plot_hist", "main", "step")
CLASSES = ("Record", "Model", "Pipeline", "Config")
MODULES = ("np", "pd", "plt", "os", "json", "math", "re", "sns")
CALLEES = (
    *FUNCTIONS, *CLASSES, "len", "print", "sorted", "sum", "max", "min", "list", "dict",
    "range", "enumerate", "zip", "round", "abs", "isinstance", "open", "pd.read_csv",
    "np.array", "np.mean", "plt.plot", "os.path.join", "json.dumps", "math.sqrt",
)
METHODS = (
    "sum", "mean", "dropna", "copy", "head", "groupby", "apply", "fillna", "astype",
    "reset_index", "items", "append", "plot", "sort_values", "describe", "agg", "get",
)
ATTRIBUTES = ("shape", "columns", "values", "index", "T", "dtype", "name", "loc", "iloc")
IMPORTS = (
    "import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt",
    "import os, sys", "import json", "import math", "import re", "import seaborn as sns",
    "import os.path", "import xml.etree.ElementTree as ET", "from typing import *",
    "from math import *", "from pandas import *", "from collections import Counter, defaultdict",
    "from pathlib import Path", "from functools import lru_cache, partial",
    "from dataclasses import dataclass, field", "from math import sqrt as root",
    "from . import helpers", "from .utils import load", "from __future__ import annotations",
    "import importlib; importlib.reload(np)", "helpers = __import__('helpers')",
    "from sklearn.model_selection import (\n    train_test_split,\n    KFold,\n)",
)
DECORATORS = (
    "@lru_cache(maxsize=None)", "@staticmethod", "@property", "@dataclass", "@np.vectorize",
    "@register('step')", "@contextlib.contextmanager", "@timer", "@functools.wraps(load)",
    "@(lambda f: f)",
)
#: Parameter lists, and the names they bind.
PARAMETERS = {
    "": (),
    "df": ("df",),
    "df, column='x'": ("df", "column"),
    "*args, **kwargs": ("args", "kwargs"),
    "a, /, b, *, c=THRESHOLD": ("a", "b", "c"),
    "frame: pd.DataFrame, n: int = N_BINS": ("frame", "n"),
    "x=[]": ("x",),
    "self": ("self",),
}
TYPES = ("int", "float", "str", "list[int]", "pd.DataFrame", "dict[str, Any]", "'Record'", "None")
BINARY = ("+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>")
COMPARE = ("<", ">", "==", "!=", "<=", ">=", "in", "not in", "is", "is not")
FSTRINGS = (
    "f'{{{0}}}'", "f\"{{{0}!r:>10}}\"", "f'{{{0}:{{N_BINS}}}}'", "f\"{{{0}['k']}}\"",
    "f'{{{0}=}}'", "f'{{{{literal}}}} {{{0}}}'", "rf'\\d+{{{0}}}'", "f'{{f\"{{{0}}}\"}}'",
    "f'''{{{0}}}\nsecond line'''",
)
LITERALS = (
    "None", "True", "False", "...", "1j", "0x1F", "1_000_000", "b'raw'", "r'\\d+'",
    "'''multi\nline'''", '"\\u00e9"', "'\\N{BULLET}'", "'%d items' % 3", "'a' 'b'",
    "10**6", "-0.0", "1e-9", "'# %%'", "'!ls'", "'%time'", "'it''s'", "'\\\\'",
)
SUBSCRIPTS = ("expression", "1:3", ":, 0", "'col'", "mask", "::-1")
COMPREHENSIONS = (
    "[{e} for {v} in {s}{c}]", "{{{e} for {v} in {s}}}", "{{{k}: {e} for {v} in {s}{c}}}",
    "sum({e} for {v} in {s})", "[[{e} for w in {v}] for {v} in {s}]",
)
CONTAINERS = (
    "[{}, {}]", "({}, {})", "{{{}: {}}}", "{{{}, {}}}", "[*{}, *{}]", "{{**{}, 'k': {}}}",
    "()", "{{}}",
)
TARGETS = ("{n}, {m}", "{n}, *{m}", "{n}['col']", "{n}.attr", "{n} = {m}", "({n}, {m})", "[{n}]")
DELETIONS = ("del {n}", "del {n}['col']", "del {n}, {m}", "del {n}[0]")
DYNAMIC = ("exec('{n} = 1')", "globals()['{n}'] = 2", "eval('{n}')", "vars()['{n}'] = 3")
MANAGERS = (
    "open({}) as fh", "pd.option_context('x', {})", "warnings.catch_warnings(), timer({}) as t",
)
HANDLERS = ("ValueError", "(KeyError, IndexError) as err", "Exception as e", "")
PATTERNS = (
    "0", "'a' | 'b'", "[x, *rest]", "{{'k': v}}", "Record(x=0, y=yy)", "str() as s", "(a, b)",
    "None", "_", "{n} if {n}",
)
BASES = ("", "(object)", "(Model)", "(pd.DataFrame, metaclass=ABCMeta)")
LINE_ENDINGS_OF_CELLS = ("", ";", "  ;", "  # comment", ";  # hide the output")
EXTRA_LINES = ("", "# a comment", "    ", "# %%", "#!/usr/bin/env python", "# nbrefactor: ignore")
# fmt: on


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a statement is generated: how deep it may nest, and what is legal there."""

    depth: int = 2
    function: bool = False
    nested: bool = False  # in a function inside a function: nonlocal is legal
    loop: bool = False
    coroutine: bool = False
    names: tuple[str, ...] = VARIABLES

    def inner(self, **changes: Any) -> Scope:
        """The scope of a nested block: one level less deep, unless ``changes`` say."""
        return dataclasses.replace(self, **{"depth": self.depth - 1, **changes})


TOP_LEVEL = Scope()


def indent(lines: Sequence[str], by: str = "    ") -> list[str]:
    return [by + line if line else line for line in "\n".join(lines).split("\n")]


@st.composite
def literals(draw: st.DrawFn) -> str:
    kind = number(draw, 0, 4)
    if kind == 0:
        return str(number(draw, -(10**6), 10**6))
    if kind == 1:
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == 2:
        return repr(draw(st.text(max_size=12)))
    return pick(draw, LITERALS)


LITERAL = literals()


@functools.cache
def expressions(scope: Scope = TOP_LEVEL, depth: int = 2) -> st.SearchStrategy[str]:
    """A Python expression over the scope's names, nested at most ``depth`` deep."""
    return _expressions(scope, depth)


@st.composite
def _expressions(draw: st.DrawFn, scope: Scope, depth: int) -> str:
    names = scope.names
    if depth <= 0 or number(draw, 0, 3) == 0:
        return pick(draw, names) if flip(draw) else draw(LITERAL)

    def sub() -> str:
        return draw(expressions(scope, depth - 1))

    name = pick(draw, names)
    kind = number(draw, 0, 16)
    if kind == 0:
        arguments = [sub() for _ in range(number(draw, 0, 3))]
        extra = pick(draw, ("", "key={}", "*{}", "**{}", "axis=1"))
        if extra:
            arguments.append(extra.format(pick(draw, names)))
        return f"{pick(draw, CALLEES)}({', '.join(arguments)})"
    if kind == 1:
        return f"{sub()}.{pick(draw, METHODS)}({sub() if flip(draw) else ''})"
    if kind == 2:
        return f"{name}.{pick(draw, ATTRIBUTES)}"
    if kind == 3:
        index = pick(draw, SUBSCRIPTS)
        if index == "expression":
            index = sub()
        elif index == "mask":
            index = f"{name}['a'] > {sub()}, 'b'"
        return f"{name}[{index}]"
    if kind == 4:
        return f"({sub()} {pick(draw, BINARY)} {sub()})"
    if kind == 5:
        return f"{sub()} {pick(draw, COMPARE)} {sub()}"
    if kind == 6:
        return f"({sub()} {pick(draw, ('and', 'or'))} not {sub()})"
    if kind == 7:
        parameter = pick(draw, ("v", "row", "_", "x", "*a, **k", "v=THRESHOLD"))
        return f"(lambda {parameter}: {sub()})"
    if kind == 8:
        variable = pick(draw, ("v", "row", "i", "x", "k, v"))
        key = variable.split(",")[0]
        condition = f" if {key} {pick(draw, COMPARE)} {sub()}" if flip(draw) else ""
        shape = pick(draw, COMPREHENSIONS)
        return shape.format(e=sub(), v=variable, s=sub(), c=condition, k=key)
    if kind == 9:
        return f"({sub()} if {sub()} else {sub()})"
    if kind == 10:
        return f"({pick(draw, ('n', 'm', name))} := {sub()})"
    if kind == 11:
        return pick(draw, CONTAINERS).format(sub(), sub())
    if kind == 12:
        return pick(draw, FSTRINGS).format(sub())
    if kind == 13:
        return f"(await {sub()})" if scope.coroutine else f"{name}.{pick(draw, ATTRIBUTES)}"
    if kind == 14:
        return f"{pick(draw, MODULES)}.{pick(draw, METHODS)}({sub()})"
    if kind == 15:
        return f"-{sub()}" if flip(draw) else f"~{sub()}"
    return f"{name}.{pick(draw, METHODS)}().{pick(draw, METHODS)}()"


def _block(draw: st.DrawFn, scope: Scope, low: int = 1, high: int = 3) -> list[str]:
    body: list[str] = []
    for _ in range(number(draw, low, high)):
        body.extend(draw(statements(scope)))
    return body or ["pass"]


@functools.cache
def statements(scope: Scope = TOP_LEVEL) -> st.SearchStrategy[list[str]]:
    """One statement legal in ``scope``: its lines, not indented."""
    return _statements(scope)


@st.composite
def _statements(draw: st.DrawFn, scope: Scope) -> list[str]:
    if scope.depth > 0 and rarely(draw, 4):
        return _compound_statement(draw, scope)
    names = scope.names
    name = pick(draw, names)
    other = pick(draw, names)

    def expression(depth: int = 2) -> str:
        return draw(expressions(scope, depth))

    kind = number(draw, 0, 21)
    if kind == 1:
        return [f"{pick(draw, TARGETS).format(n=name, m=other)} = {expression()}"]
    if kind == 2:
        return [f"{name} {pick(draw, BINARY)}= {expression()}"]
    if kind == 3:
        value = f" = {expression()}" if flip(draw) else ""
        return [f"{name}: {pick(draw, TYPES)}{value}"]
    if kind == 4:
        return [f"{name}[{expression(1)}] = {expression()}"]
    if kind == 5:
        return [f"{expression()}{pick(draw, LINE_ENDINGS_OF_CELLS)}"]
    if kind == 6:
        return [f"print({expression()}, sep='')"]
    if kind == 7:
        return pick(draw, IMPORTS).split("\n")
    if kind == 8:
        return [pick(draw, DELETIONS).format(n=name, m=other)]
    if kind == 9:
        return [pick(draw, ("pass", f"assert {name}", f"assert {name}, 'empty'"))]
    if kind == 10 and scope.function:
        return [f"return {expression()}" if flip(draw) else "return"]
    if kind == 11 and scope.function:
        keyword = "nonlocal" if scope.nested and flip(draw) else "global"
        return [f"{keyword} {name}", f"{name} = {expression()}"]
    if kind == 12 and scope.function:
        return [pick(draw, (f"yield {name}", f"yield from {name}", "yield"))]
    if kind == 13 and scope.loop:
        return [pick(draw, ("break", "continue"))]
    if kind == 14:
        return [f"{name} = lambda v, k=THRESHOLD: v * k + {expression(1)}"]
    if kind == 15:
        return [f"if ({name} := {expression()}) is not None:", f"    print({name})"]
    if kind == 16:
        return [pick(draw, DYNAMIC).format(n=name)]
    if kind == 17:
        return [f"{name} = {expression()}; {other} = {expression(1)}"]
    if kind == 18:
        return [f"raise ValueError({expression(1)})"]
    if kind == 19:
        return [f"await {expression(1)}"]  # IPython runs top-level await
    if kind == 20:
        return [f"global {name}"]
    return [f"{name} = {expression()}"]


def _compound_statement(draw: st.DrawFn, scope: Scope) -> list[str]:
    inner = scope.inner()
    name = pick(draw, scope.names)

    def expression(depth: int = 2) -> str:
        return draw(expressions(scope, depth))

    kind = number(draw, 0, 9)
    if kind == 0:
        lines = [f"if {expression()}:", *indent(_block(draw, inner))]
        if flip(draw):
            lines += [f"elif {expression(1)}:", *indent(_block(draw, inner, 1, 1))]
        if flip(draw):
            lines += ["else:", *indent(_block(draw, inner, 1, 2))]
        return lines
    if kind in (1, 2):
        loop = dataclasses.replace(inner, loop=True)
        if kind == 2:
            return [f"while {expression()}:", *indent(_block(draw, loop)), "    break"]
        target = pick(draw, ("v", "i", "row", "k, v", "(a, b)", name))
        head = "async for" if scope.coroutine and flip(draw) else "for"
        lines = [f"{head} {target} in {expression()}:", *indent(_block(draw, loop))]
        if flip(draw):
            lines += ["else:", *indent(_block(draw, inner, 1, 1))]
        return lines
    if kind == 3:
        head = "async with" if scope.coroutine and flip(draw) else "with"
        manager = pick(draw, MANAGERS).format(expression(1))
        return [f"{head} {manager}:", *indent(_block(draw, inner))]
    if kind == 4:
        return _try_statement(draw, inner)
    if kind in (5, 6):
        return _function(draw, scope, coroutine=kind == 6)
    if kind == 7:
        return _class(draw, scope)
    if kind == 8:
        lines = [f"match {expression(1)}:"]
        for _ in range(number(draw, 1, 3)):
            pattern = pick(draw, PATTERNS).format(n=name)
            lines += [f"    case {pattern}:", *indent(_block(draw, inner, 1, 2), "        ")]
        return lines
    return [
        f"def {pick(draw, FUNCTIONS)}():",
        f"    {name} = 0",
        "    def inner():",
        f"        nonlocal {name}",
        f"        {name} += 1",
        f"        return {name}",
        "    return inner",
    ]


def _try_statement(draw: st.DrawFn, inner: Scope) -> list[str]:
    star = rarely(draw, 4)
    lines = ["try:", *indent(_block(draw, inner))]
    for _ in range(number(draw, 1, 2)):
        caught = pick(draw, HANDLERS) or ("TypeError" if star else "")
        clause = f"except* {caught}" if star else f"except {caught}".rstrip()
        lines += [f"{clause}:", *indent(_block(draw, inner, 1, 1))]
    if flip(draw):
        lines += ["else:", *indent(_block(draw, inner, 1, 1))]
    if flip(draw):
        lines += ["finally:", *indent(_block(draw, inner, 1, 1))]
    return lines


def _function(draw: st.DrawFn, scope: Scope, *, coroutine: bool) -> list[str]:
    parameters = pick(draw, tuple(PARAMETERS))
    body_scope = Scope(
        depth=scope.depth - 1,
        function=True,
        nested=scope.function,
        coroutine=coroutine,
        names=(*scope.names, *PARAMETERS[parameters]),
    )
    decorators = [pick(draw, DECORATORS) for _ in range(number(draw, 0, 2))]
    annotation = f" -> {pick(draw, TYPES)}" if flip(draw) else ""
    head = f"{'async ' if coroutine else ''}def {pick(draw, FUNCTIONS)}({parameters}){annotation}:"
    body = _block(draw, body_scope, 1, 4)
    if flip(draw):
        body.insert(0, '"""Reads module globals."""')
    if flip(draw):
        body.append(f"return {draw(expressions(body_scope, 2))}")
    return [*decorators, head, *indent(body)]


def _class(draw: st.DrawFn, scope: Scope) -> list[str]:
    members: list[str] = []
    for _ in range(number(draw, 1, 3)):
        member = number(draw, 0, 3)
        if member == 0:
            attribute = pick(draw, ("unit", "scale", *scope.names))
            members.append(f"{attribute} = {draw(expressions(scope, 1))}")
        elif member == 1:
            method = pick(draw, ("__init__", "run", "fit"))
            method_scope = Scope(depth=scope.depth - 1, function=True, names=(*scope.names, "self"))
            members += [f"def {method}(self, value=None):", *indent(_block(draw, method_scope))]
        elif member == 2:
            members += ["@property", "def size(self):", f"    return len(self.{scope.names[0]})"]
        else:
            members.append('"""A class that reads module globals."""')
    decorators = ["@dataclass"] if rarely(draw, 4) else []
    head = f"class {pick(draw, CLASSES)}{pick(draw, BASES)}:"
    return [*decorators, head, *indent(members)]


@st.composite
def python_cells(draw: st.DrawFn) -> str:
    """A cell of plausible data-science Python: a few statements, comments, blank lines."""
    lines: list[str] = []
    for _ in range(number(draw, 1, 6)):
        lines.extend(draw(statements()))
        if rarely(draw, 6):
            lines.append(pick(draw, EXTRA_LINES))
    if flip(draw):  # a last expression, shown or hidden with ;
        lines.append(f"{pick(draw, VARIABLES)}{pick(draw, ('', ';', '  ;'))}")
    return "\n".join(lines)


PYTHON_CELLS = python_cells()

# -- IPython syntax --------------------------------------------------------------------------

# fmt: off
LINE_MAGICS = (
    "%time {s}", "%timeit {e}", "%timeit -n1 -r1 {e}", "%matplotlib inline",
    "%load_ext autoreload", "%autoreload 2", "%run other.ipynb", "%run -i helpers.py",
    "%config InlineBackend.figure_format = 'retina'", "%env DATA_DIR=/tmp",
    "%pip install pandas", "%who", "%store {n}", "%reset -f", "%cd /tmp", "{n} = %pwd",
    "{n} = %sx ls", "%prun {e}", "%debug", "%%", "%", "%time \\\n    {s}", "%precision 3",
    "%xmode Minimal", "%alias ll ls -l", "%%time {s}", "%lsmagic", "%time {s}; {s}",
)
SHELL = (
    "!ls -la", "!pip install numpy", "{n} = !ls *.csv", "!echo {{{n}}} $HOME", "!!ls",
    "! wc -l $path", "{n} = !!date", "!cat data.csv | head -n 5", "!",
    "!{{sys.executable}} -m pip list", "{n}: list = !ls",
)
HELP = ("{n}?", "{n}??", "?{n}", "{n}.{m}?", "%time?", "{n}.*?", "??{n}", "{n}.{m}(?")
#: Cell magics, and what their body is.
CELL_MAGICS = (
    ("%%time", "python"), ("%%capture out", "python"), ("%%timeit -n1", "python"),
    ("%%capture --no-stderr cap", "python"), ("%%writefile helpers.py", "python"),
    ("%%writefile -a notes.txt", "text"), ("%%bash", "shell"), ("%%sh", "shell"),
    ("%%html", "text"), ("%%javascript", "text"), ("%%latex", "text"),
    ("%%markdown", "text"), ("%%script python", "python"), ("%%prun -s cumulative", "python"),
    ("%%file f.py", "python"), ("%%sql", "text"), ("%%", "text"),
    ("%%time\n%%capture", "python"), ("  %%time", "python"),
)
SHELL_BODIES = ("echo hello", "for f in *.csv; do wc -l $f; done", "ls | grep {x}", "")
IPYTHON_TEMPLATES = (*LINE_MAGICS, *SHELL, *HELP)
TEXT_BODIES = ("<b>bold</b>", "$x^2$", "SELECT * FROM t", "", "console.log(1)", "%%time")
# fmt: on


@st.composite
def ipython_lines(draw: st.DrawFn) -> str:
    template = pick(draw, IPYTHON_TEMPLATES)
    return template.format(
        s="\n".join(draw(statements(Scope(depth=0)))),
        e=draw(expressions(TOP_LEVEL, 1)),
        n=pick(draw, VARIABLES),
        m=pick(draw, METHODS),
    )


IPYTHON_LINES = ipython_lines()


@st.composite
def ipython_cells(draw: st.DrawFn) -> str:
    """A cell with IPython syntax: line and cell magics, shell escapes, help, magics in
    indented blocks."""
    kind = number(draw, 0, 3)
    name = pick(draw, VARIABLES)
    if kind == 0:
        header, language = pick(draw, CELL_MAGICS)
        if language == "python":
            body = draw(PYTHON_CELLS)
        elif language == "shell":
            body = "\n".join(pick(draw, SHELL_BODIES) for _ in range(number(draw, 1, 3)))
        else:
            body = pick(draw, TEXT_BODIES)
        return f"{header}\n{body}"
    if kind == 1:
        lines: list[str] = []
        for _ in range(number(draw, 1, 5)):
            lines.extend(draw(statements(Scope(depth=0))) if flip(draw) else [draw(IPYTHON_LINES)])
        if flip(draw):
            magic = draw(IPYTHON_LINES).replace("\n", "\n    ")
            lines += [f"for {name} in range(3):", f"    {magic}", f"    print({name})"]
        if flip(draw):
            lines += ["def helper():", f"    {name} = !ls", f"    %time {name} = 1", "    return 1"]
        return "\n".join(lines)
    return "\n".join(draw(IPYTHON_LINES) for _ in range(number(draw, 1, 4)))


# -- cells that do not parse, extreme cells, random text -------------------------------------

# fmt: off
BROKEN = (
    "def f(:\n    pass", "print 'hello'", "x = = 1", "if x\n    y = 1", "return 5", "yield x",
    "break", "nonlocal x", "class:", "f(**x, *y)", "x = (1,\n", "'unterminated",
    '"""never closed', "else:\n  pass", "  indented = 1", "x = 1\n\ty = 2\n  z = 3",
    "lambda: (yield)", "a = 1 +", "from __future__ import braces", "import", "@decorator\n",
    "f'{'", "x := 1", "0 = x", "None = 1", "def f(x, x): pass", "*a = 1", "del f()",
    "x = 1\x00", "\ufeffx = 1", "async def f():\n    yield from g()",
    "for x in 1,2,3:\nprint(x)", "}{", "type X = int", "def f():\n\treturn 1\n        return 2",
    "x = 0777", "é = 1\nprint(é)", "ﬁle = 1\nprint(file)", "print(f'{x!z}')",
    "case = 1\nmatch = 2\n_ = case + match", "a = [\n", "\\", "x = 1 \\",
    "def f[T](x: T) -> T: return x", "with (open('a') as f, open('b') as g): pass",
    "x = 1\r\ny = 2\rz = 3", "if True:\n    pass\n  else:\n    pass",
    "def f():\n    global f\n    f = 1",
)
DAMAGE_INSERTS = ("(", ":", ")", "'", '"""', "\t", "\n  ", "%", "!", "\\\n")
TEXT_PIECES = (
    "%", "%%", "!", "?", "=", "x", "df", "(", ")", "[", "]", "{", "}", "'", '"', '"""', "\\",
    "#", ":", "if", "for", "def", "lambda", "    ", "\t", "\n", "\r", "\r\n", "\x0c", "\u2028",
    "\x00", "\ud800", "é", "$", ";", "time", "capture", "bash", "async", "await", "match",
)
# fmt: on


@st.composite
def broken_cells(draw: st.DrawFn) -> str:
    """Code that does not parse, or parses and does not compile."""
    if flip(draw):
        return pick(draw, BROKEN)
    source = draw(PYTHON_CELLS) if flip(draw) else draw(IPYTHON_CELLS)
    position = number(draw, 0, len(source))
    damage = number(draw, 0, 3)
    if damage == 0:
        return source[:position] or ")"
    if damage == 1:
        return source[:position] + pick(draw, DAMAGE_INSERTS) + source[position:]
    if damage == 2:
        return source[:position] + source[position + 1 :]
    lines = source.split("\n")
    row = min(position, len(lines) - 1)
    lines[row] = pick(draw, (" ", "  ", "\t", "        ")) + lines[row]
    return "\n".join(lines)


@st.composite
def extreme_cells(draw: st.DrawFn) -> str:
    """Deep nesting and long code, as generated code sometimes has."""
    n = number(draw, 10, 300)
    kind = number(draw, 0, 7)
    if kind == 0:
        return "x = " + "(" * n + "1" + ")" * n
    if kind == 1:
        return "total = " + " + ".join(["a"] * (n * 5))
    if kind == 2:
        return "x = " + "[" * n + "]" * n
    if kind == 3:
        depth = min(n, 110)
        return "\n".join(
            [*("    " * level + f"if x{level}:" for level in range(depth)), "    " * depth + "pass"]
        )
    if kind == 4:
        return "df = df" + "".join(f".step{k}()" for k in range(n * 3))
    if kind == 5:
        return "\n".join(f"x{k} = {k}" for k in range(n * 5))
    if kind == 6:
        return "data = [" + ", ".join(str(k) for k in range(n * 10)) + "]"
    return "y = " + "not " * (n * 3) + "x"


@st.composite
def random_text_cells(draw: st.DrawFn) -> str:
    """Text that is rarely Python: odd pieces, control characters, lone surrogates."""
    if flip(draw):
        return "".join(pick(draw, TEXT_PIECES) for _ in range(number(draw, 0, 20)))
    return draw(st.text(max_size=60))


def _hypothesmith_programs() -> st.SearchStrategy[str]:
    """Random valid Python from hypothesmith (about 0.1 s each to generate), or a plain
    statement when hypothesmith is not installed."""
    try:
        import hypothesmith
    except ImportError:
        return st.just("x = 1")
    return hypothesmith.from_grammar(auto_target=False)


HYPOTHESMITH = st.deferred(_hypothesmith_programs)
IPYTHON_CELLS = ipython_cells()
BROKEN_CELLS = broken_cells()
EXTREME_CELLS = extreme_cells()
RANDOM_TEXT_CELLS = random_text_cells()

# -- blocks pasted in several places ---------------------------------------------------------

PASTE_LINES = (
    "{a} = pd.read_csv({s1!r})",
    "{a} = {a}.dropna(subset=[{s2!r}])",
    "{a}[{s2!r}] = {a}[{s2!r}].astype(float) * {n1}",
    "{b} = {a}.groupby({s3!r})[{s2!r}].agg(['mean', 'sum'])",
    "{b} = {b}.sort_values('sum', ascending=False)",
    "print({b}.head({n1}))",
    "{c} = [v for v in {b}['sum'] if v > {n2}]",
    "{d} = sum({c}) / max(len({c}), 1)",
    "for {e} in range({n1}):\n    {d} += {e} * {n2}",
    "if {d} > THRESHOLD:\n    print({s1!r}, {d})\nelse:\n    {c}.append({d})",
    "{b}.plot(kind='bar', title={s1!r})",
    "plt.savefig({s3!r} + '.png')",
    "{a} = {a}[{a}[{s2!r}] > {n2}]",
    "{d} = np.percentile({a}[{s2!r}], {n1})",
    "%time {d} = {a}[{s2!r}].sum()",
    "{c} = helper({a}, column={s2!r})",
    "del {c}",
    "{e} = {{k: len(v) for k, v in {a}.items()}}",
    "global {d}",
)
PASTE_NAMES = ("df", "sales", "frame", "result", "summary", "totals", "vals", "avg", "row", "k")
FIRST_COPY = {
    "a": "df",
    "b": "summary",
    "c": "big",
    "d": "avg",
    "e": "i",
    "s1": "sales.csv",
    "s2": "price",
    "s3": "region",
    "n1": 5,
    "n2": 100,
}


@dataclass(frozen=True, slots=True)
class PastedBlock:
    """Statements pasted in several places: each copy has its names and literals, may
    leave one line out (a near copy) and may sit in a function of its own."""

    lines: tuple[int, ...]
    copies: tuple[tuple[tuple[tuple[str, Any], ...], int | None, bool], ...]

    def render(self, copy: int) -> str:
        pairs, dropped, in_function = self.copies[copy]
        values = dict(pairs)
        lines = [
            PASTE_LINES[line].format(**values)
            for position, line in enumerate(self.lines)
            if position != dropped
        ]
        if not in_function:
            return "\n".join(lines)
        return "\n".join(
            [f"def process_{copy}({values['a']}):", *indent(lines), f"    return {values['b']}"]
        )


@st.composite
def pasted_blocks(draw: st.DrawFn) -> PastedBlock:
    lines = tuple(number(draw, 0, len(PASTE_LINES) - 1) for _ in range(number(draw, 3, 8)))
    copies: list[tuple[tuple[tuple[str, Any], ...], int | None, bool]]
    copies = [(tuple(FIRST_COPY.items()), None, False)]
    for _ in range(number(draw, 1, 3)):
        values = dict(FIRST_COPY)
        change = pick(draw, ("exact", "rename", "literals", "near", "all"))
        if change in ("rename", "all"):
            for key in "abcde":
                if flip(draw):
                    values[key] = pick(draw, PASTE_NAMES)
        if change in ("literals", "all"):
            values["s1"] = pick(draw, ("sales_2024.csv", "other.csv", "q1.csv"))
            values["n1"] = number(draw, 0, 50)
        dropped = number(draw, 0, len(lines) - 1) if change in ("near", "all") else None
        copies.append((tuple(values.items()), dropped, rarely(draw, 4)))
    return PastedBlock(lines, tuple(copies))


@st.composite
def code_sources(draw: st.DrawFn) -> str:
    """The source of one code cell, from any generator above but hypothesmith's."""
    kind = number(draw, 0, 39)
    if kind < 16:
        return draw(PYTHON_CELLS)
    if kind < 26:
        return draw(IPYTHON_CELLS)
    if kind < 33:
        return draw(BROKEN_CELLS)
    if kind < 37:
        return draw(RANDOM_TEXT_CELLS)
    if kind < 39:
        return draw(EXTREME_CELLS)  # slow to run: one cell in 20
    return ""


CODE_SOURCES = code_sources()

# ============================================================================ notebooks

# fmt: off
MARKDOWN = (
    "# Sales analysis", "## Section {n}", "### Cleaning\n\nDrop the **bad** rows.",
    "Notes:\n- one\n- two", "```python\nx = 1\n```", "<h2>HTML heading</h2>", "Title\n=====",
    "#NoSpace", "$$x^2$$", "", "# Heading with `code` and [a link](http://example.invalid)",
    "####### too deep", "# ", "\u2028# odd", "# Title {n}\n## Sub {n}",
)
RAW = ("raw text", "%%bash", "", "x = 1", "{{ jinja }}")
PYTHON_KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"}
OTHER_KERNELSPECS = (
    {"display_name": "R", "language": "R", "name": "ir"},
    {"display_name": "Julia 1.9", "language": "julia", "name": "julia-1.9"},
    {"display_name": "Python 3", "language": "", "name": "python3"},
    {"name": "python3"},
    {"display_name": "Python 3", "language": "Python", "name": "python3"},
)
CELL_METADATA = (
    {"tags": ["parameters"]}, {"tags": ["raises-exception"]}, {"collapsed": True},
    {"jupyter": {"source_hidden": True}}, {"scrolled": "auto"}, {"tags": ["nbrefactor:ignore"]},
    {"execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"}},
)
OUTPUT_TEXTS = ("42\n", "done\n", "", "a\nb\n", "   col\n0  1.5\n", "\x1b[31mred\x1b[0m", "é\n")
# fmt: on


@st.composite
def cell_lists(
    draw: st.DrawFn,
    block: PastedBlock | None = None,
    copies: tuple[int, ...] = (),
    hypothesmith: bool | None = False,
) -> list[tuple[str, str]]:
    """``(cell type, source)`` pairs: code cells from :func:`code_sources`, markdown
    headings and text, raw cells, and the ``copies`` of ``block``. ``hypothesmith``: add a
    cell of random Python from hypothesmith (True), not (False), or in one list in 40 (None)."""
    cells: list[tuple[str, str]] = []
    for position in range(number(draw, 0, 9)):
        kind = number(draw, 0, 6)
        if kind == 5:
            cells.append(("markdown", pick(draw, MARKDOWN).format(n=position)))
        elif kind == 6 and flip(draw):
            cells.append(("raw", pick(draw, RAW)))
        else:
            cells.append(("code", draw(CODE_SOURCES)))
    for copy in copies if block else ():
        source = block.render(copy)  # type: ignore[union-attr]
        at = number(draw, 0, len(cells))
        if at < len(cells) and cells[at][0] == "code" and flip(draw):
            cells[at] = ("code", cells[at][1] + "\n" + source)  # pasted into a bigger cell
        else:
            cells.insert(at, ("code", source))
    if hypothesmith or (hypothesmith is None and rarely(draw, 40)):
        cells.insert(number(draw, 0, len(cells)), ("code", draw(HYPOTHESMITH)))
    return cells


@st.composite
def notebook_metadata(draw: st.DrawFn) -> dict[str, Any]:
    kind = number(draw, 0, 9)
    if kind <= 4:
        return {"kernelspec": dict(PYTHON_KERNEL), "language_info": dict(LANGUAGE_INFO)}
    if kind == 5:
        return {}
    if kind == 6:
        return {"language_info": {"name": pick(draw, ("python", "ipython3", "Python", "R"))}}
    if kind == 7:
        return {"kernelspec": dict(pick(draw, OTHER_KERNELSPECS))}
    if kind == 8:
        return {
            "kernelspec": dict(PYTHON_KERNEL),
            "jupytext": {"formats": "ipynb,py:percent"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        }
    return {"kernelspec": dict(PYTHON_KERNEL), "toc": {"nav_menu": {}}, "celltoolbar": "Tags"}


def as_lines(draw: st.DrawFn, text: str) -> str | list[str]:
    """Text the way notebooks store it: a string, a list of lines, or arbitrary chunks."""
    form = number(draw, 0, 3)
    if form == 0 or not text:
        return text
    if form < 3:
        return text.splitlines(keepends=True)
    cut = number(draw, 0, len(text))
    return [text[:cut], text[cut:]]


@st.composite
def outputs(draw: st.DrawFn, count: int | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(number(draw, 0, 3)):
        kind = number(draw, 0, 5)
        text = pick(draw, OUTPUT_TEXTS)
        if kind == 0:
            name = pick(draw, ("stdout", "stderr"))
            found.append({"output_type": "stream", "name": name, "text": as_lines(draw, text)})
        elif kind == 1:
            data: dict[str, Any] = {
                "text/plain": as_lines(draw, text or "0"),
                "text/html": ["<table>\n", "</table>"],
            }
            found.append(
                {
                    "output_type": "execute_result",
                    "execution_count": count,
                    "metadata": {},
                    "data": data,
                }
            )
        elif kind == 2:
            data = {
                "image/png": base64.b64encode(b"\x89PNG fake").decode(),
                "text/plain": ["<Figure size 640x480 with 1 Axes>"],
            }
            found.append({"output_type": "display_data", "metadata": {}, "data": data})
        elif kind == 3:
            lines = [
                "\x1b[0;31m------------------------\x1b[0m",
                "\x1b[0;31mKeyError\x1b[0m: 'price'",
            ]
            found.append(
                {
                    "output_type": "error",
                    "ename": "KeyError",
                    "evalue": "'price'",
                    "traceback": lines,
                }
            )
        elif kind == 4:
            data = {
                "application/json": {"a": [1, 2]},
                "application/vnd.plotly.v1+json": {"data": []},
                "text/markdown": "**bold**",
            }
            found.append({"output_type": "display_data", "metadata": {}, "data": data})
        else:
            transient = {"display_id": "x"}
            found.append(
                {
                    "output_type": "update_display_data",
                    "data": {},
                    "metadata": {},
                    "transient": transient,
                }
            )
    return found


@st.composite
def notebook_documents(draw: st.DrawFn, cells: list[tuple[str, str]]) -> dict[str, Any]:
    """A valid nbformat 4 document holding ``cells``."""
    ids = pick(draw, ("all", "none", "some", "duplicate"))
    counts_style = pick(draw, ("in order", "none", "shuffled", "gaps", "restarted"))
    line_ending = pick(draw, ("\n", "\r\n", "\r"))
    code_positions = [n for n, (kind, _) in enumerate(cells) if kind == "code"]
    counts: list[int | None] = list(range(1, len(code_positions) + 1))
    if counts_style == "none":
        counts = [None] * len(counts)
    elif counts_style == "shuffled":
        counts = list(draw(st.permutations(counts)))
    elif counts_style == "gaps":
        counts = [None if flip(draw) else c for c in counts]
    elif counts_style == "restarted":
        counts = [c % 3 + 1 for c in counts if c is not None]
    built: list[dict[str, Any]] = []
    for position, (kind, source) in enumerate(cells):
        source = source.replace("\n", line_ending) if line_ending != "\n" else source
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": as_lines(draw, source)}
        if ids == "all" or (ids == "some" and flip(draw)):
            cell["id"] = f"cell-{position}"
        elif ids == "duplicate":
            cell["id"] = "same-id"
        if rarely(draw, 6):
            cell["metadata"] = json.loads(json.dumps(pick(draw, CELL_METADATA)))
        if kind == "code":
            count = counts[code_positions.index(position)]
            cell["execution_count"] = count
            cell["outputs"] = draw(outputs(count)) if count is not None or flip(draw) else []
        elif kind == "markdown" and rarely(draw, 8):
            cell["attachments"] = {"image.png": {"image/png": "iVBORw0KGgo="}}
        built.append(cell)
    minor = 5 if ids in ("all", "duplicate") else pick(draw, (4, 5, 2, 0))
    return {
        "cells": built,
        "metadata": draw(notebook_metadata()),
        "nbformat": 4,
        "nbformat_minor": minor,
    }


def to_json(document: Any, indent_by: int | None = 1, ascii_only: bool = True) -> bytes:
    """JSON bytes as a tool might have written them; a lone surrogate in a string, with
    ``ascii_only`` False, gives bytes that are not UTF-8."""
    text = json.dumps(document, indent=indent_by, ensure_ascii=ascii_only) + "\n"
    return text.encode("utf-8", "surrogatepass")


@st.composite
def serialized(draw: st.DrawFn, document: Any) -> bytes:
    data = to_json(document, pick(draw, (1, None, 2)), flip(draw))
    form = number(draw, 0, 6)
    if form == 5:
        data = b"\xef\xbb\xbf" + data
    elif form == 6:
        data = data.replace(b"\n", b"\r\n")
    return data


# -- corrupted documents ---------------------------------------------------------------------

# fmt: off
WRONG_VALUES: tuple[Any, ...] = (
    None, 0, 1, -1, 3.5, True, False, "", "x", "4", [], [1, "a"], [None], {}, {"a": 1}, [[]],
    {"cells": []}, ["line\n", 3], float("nan"), 10**30, "\ud800", {"": None}, [{}],
)
NBFORMATS: tuple[Any, ...] = (3, 5, "4", 4.0, None, 2, -4, True, [4], 4.5, 1e400)
BAD_KERNELSPECS: tuple[Any, ...] = (
    "python3", ["python"], None, {"language": ["python"]}, {"language": 3}, {"name": {}}, {},
    {"language": {"name": "python"}},
)
BAD_LANGUAGE_INFOS: tuple[Any, ...] = (
    "python", None, {"name": None}, [1], {"name": 3.11}, {"name": ["python"]},
)
RENAMED_KEYS = ("Cells", "source ", "output_type", "id", "extra", "worksheets", "")
# fmt: on


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path in a JSON value, outermost first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from json_paths(item, (*prefix, index))


@st.composite
def corrupted_documents(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """``document`` with one to three fields given a wrong value, deleted or renamed; or a
    bad nbformat version, odd kernel metadata, nbformat 3, a document of the wrong type."""
    document = json.loads(json.dumps(document))  # a copy: the values picked are shared
    special = number(draw, 0, 9)
    if special == 1:
        document["nbformat"] = pick(draw, NBFORMATS)
        return document
    if special == 2:
        return pick(draw, ((), "notebook", None, 4, (document,), {"nbformat": 4}))
    if special == 3:
        return nbformat3(draw, document)
    if special == 4:
        document["metadata"] = {
            "kernelspec": pick(draw, BAD_KERNELSPECS),
            "language_info": pick(draw, BAD_LANGUAGE_INFOS),
        }
        return json.loads(json.dumps(document))
    for _ in range(number(draw, 1, 3)):
        paths = list(json_paths(document))
        if not paths:
            break
        path = paths[number(draw, 0, len(paths) - 1)]
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        action = number(draw, 0, 4)
        if action == 1 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == 2 and isinstance(parent, dict):
            parent[pick(draw, RENAMED_KEYS)] = parent.pop(path[-1])
        else:
            wrong = pick(draw, WRONG_VALUES)
            parent[path[-1]] = wrong if isinstance(wrong, float) else json.loads(json.dumps(wrong))
    return document


def nbformat3(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """The cells of ``document`` in an nbformat 3 document (worksheets, ``input``,
    ``prompt_number``), sometimes with a wrong type in its own fields."""
    cells: list[Any] = []
    for cell in document["cells"]:
        if cell["cell_type"] == "code":
            cells.append(
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": cell["source"],
                    "language": "python",
                    "metadata": {},
                    "outputs": [],
                    "prompt_number": cell.get("execution_count"),
                }
            )
        else:
            cells.append({"cell_type": cell["cell_type"], "metadata": {}, "source": cell["source"]})
    worksheets: Any = [{"cells": cells, "metadata": {}}]
    damage = number(draw, 0, 4)
    if damage == 1:
        worksheets = pick(draw, ({"cells": cells}, [1], [{"cells": 3}], "ws", None, [None]))
    elif damage == 2 and cells:
        cells[0] = pick(draw, ("cell", 3, None, {"cell_type": "heading", "level": "x"}))
    return {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": worksheets,
    }


# fmt: off
BAD_BYTES = (b"\xff", b"\xc3(", b"\x80", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf")
WHOLE_FILES = (
    b"", b" \n", b"null", b"[]", b"{}", b"\xef\xbb\xbf", b'{"nbformat": 4}',
    b"\xef\xbb\xbf\xef\xbb\xbf{}", b"\x00\x00",
    b'{"nbformat": 4, "nbformat_minor": 5, "cells": {}}',
)
TRAILERS = (b"\n{}", b"garbage", b"\x00", b"]", b"\n\n\n")
# fmt: on


@st.composite
def corrupted_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` damaged the way files get damaged: cut short, bad bytes, other encodings."""
    damage = number(draw, 0, 10)
    position = number(draw, 0, len(data))
    if damage == 0:
        return data[:position]
    if damage == 1:
        return data[:position] + pick(draw, BAD_BYTES) + data[position:]
    if damage == 2:
        return data.decode("utf-8", "replace").encode("utf-16")
    if damage == 3:
        return data.decode("utf-8", "replace").encode("latin-1", "replace") + "é".encode("latin-1")
    if damage == 4:
        return pick(draw, WHOLE_FILES)
    if damage == 5 and data:
        index = min(position, len(data) - 1)
        return data[:index] + bytes([data[index] ^ number(draw, 1, 255)]) + data[index + 1 :]
    if damage == 6:
        return data.replace(b'"execution_count": 1', b'"execution_count": NaN').replace(
            b'"nbformat_minor": 5', b'"nbformat_minor": Infinity'
        )
    if damage == 7:
        depth = number(draw, 100, 100_000)
        deep = b'"metadata": {"deep": ' + b"[" * depth + b"]" * depth + b", "
        return data.replace(b'"metadata": {', deep, 1)
    if damage == 8:
        return data.replace(b'"nbformat": 4', b'"nbformat": 4, "nbformat": 5', 1)
    if damage == 9:
        return data + pick(draw, TRAILERS)
    return data[position:]


# -- text notebooks --------------------------------------------------------------------------

TEXT_HEADER = """\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: {display}
#     language: {language}
#     name: {name}
# ---
"""
BROKEN_HEADER = "# ---\n# jupyter:\n#   kernelspec: [\n# ---\n"
PERCENT_MARKERS = ("# %%", "#%%", "# %% Title", '# %% tags=["x"]', "# %%   ")
TEXT_STYLES = ("percent", "light", "script", "markdown")


def commented(source: str) -> str:
    return "\n".join(f"# {line}" if line else "#" for line in source.split("\n"))


@st.composite
def text_notebooks(draw: st.DrawFn, cells: list[tuple[str, str]]) -> tuple[str, bytes]:
    """``cells`` as a jupytext text notebook: its file name and bytes."""
    style = pick(draw, TEXT_STYLES)
    comment_magics = flip(draw)

    def code(source: str) -> str:
        return re.sub(r"(?m)^(\s*)([%!?])", r"\1# \2", source) if comment_magics else source

    parts: list[str] = []
    header = number(draw, 0, 4)
    if style == "markdown":
        pass
    elif header in (1, 2):
        parts.append(TEXT_HEADER.format(display="Python 3", language="python", name="python3"))
    elif header == 3:
        parts.append(TEXT_HEADER.format(display="R", language="R", name="ir"))
    elif header == 4:
        parts.append(BROKEN_HEADER)
    for kind, source in cells:
        if style == "percent":
            marker = pick(draw, PERCENT_MARKERS) if kind == "code" else f"# %% [{kind}]"
            parts.append(f"{marker}\n{code(source) if kind == 'code' else commented(source)}")
        elif style == "light":
            if kind != "code":
                parts.append(commented(source))
            else:
                parts.append(f"# +\n{code(source)}\n# -" if flip(draw) else code(source))
        elif style == "script":
            parts.append(code(source) if kind == "code" else commented(source))
        else:
            parts.append(f"```python\n{source}\n```" if kind == "code" else source)
    text = "\n\n".join(parts) + pick(draw, ("\n", "", "\n\n\n"))
    if rarely(draw, 6):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogatepass")
    if rarely(draw, 8):
        data = b"\xef\xbb\xbf" + data
    if rarely(draw, 12):
        data = draw(corrupted_bytes(data))
    return ("nb.md" if style == "markdown" else "nb.py"), data


# -- cases -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One generated input: the notebook under test and a second notebook beside it (in
    the folder ``check`` runs on, and in the repository the hook compares with)."""

    kind: str
    name: str  # nb.ipynb, nb.py or nb.md
    data: bytes
    partner: bytes  # partner.ipynb

    @property
    def digest(self) -> str:
        return hashlib.sha256(b"\0".join([self.name.encode(), self.data, self.partner])).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data) + len(self.partner)

    def text(self) -> str:
        return (self.data + b"\n" + self.partner).decode("utf-8", "replace")


#: What the notebook under test is, and each kind's share of the cases (out of 20).
KINDS = {"ipynb": 11, "ipynb-corrupt-fields": 4, "ipynb-corrupt-bytes": 2, "text": 3}


@functools.cache
def cases(
    kinds: tuple[str, ...] = tuple(KINDS), hypothesmith: bool | None = None
) -> st.SearchStrategy[Case]:
    """Cases whose notebook is one of ``kinds``; ``hypothesmith`` adds a cell of random
    Python from hypothesmith to it (True), never (False), or to one in 40 (None)."""
    return _cases(tuple(kind for kind in kinds for _ in range(KINDS[kind])), hypothesmith)


@st.composite
def _cases(draw: st.DrawFn, weighted_kinds: tuple[str, ...], hypothesmith: bool | None) -> Case:
    kind = pick(draw, weighted_kinds)
    block = draw(pasted_blocks()) if number(draw, 0, 2) else None
    every_copy = range(len(block.copies)) if block else range(0)
    here = tuple(c for c in every_copy if c == 0 or flip(draw))
    there = [c for c in every_copy if c not in here or rarely(draw, 4)]
    cells = draw(cell_lists(block, here, hypothesmith))
    if kind == "text":
        name, data = draw(text_notebooks(cells))
    else:
        name = "nb.ipynb"
        document = draw(notebook_documents(cells))
        if kind == "ipynb-corrupt-fields":
            data = to_json(draw(corrupted_documents(document)), 1, flip(draw))
        else:
            data = draw(serialized(document))
        if kind == "ipynb-corrupt-bytes":
            data = draw(corrupted_bytes(data))
    partner_kind = number(draw, 0, 9)
    if partner_kind == 8 and name == "nb.ipynb":
        partner = data  # the same notebook twice
    elif partner_kind == 9:
        partner = draw(corrupted_bytes(to_json(draw(notebook_documents([])))))
    else:
        partner_cells = [("code", block.render(c)) for c in there] if block else []
        partner_cells += [("code", draw(PYTHON_CELLS)) for _ in range(number(draw, 0, 2))]
        partner = draw(serialized(draw(notebook_documents(partner_cells))))
    return Case(kind, name, data, partner)


# ============================================================================ running cases

ENTRY_POINTS = ("graph", "graph-json", "check", "check-folder", "extract", "hook")
#: The entry point a crash is shrunk through: the cheapest that shows it.
SHRINK_ORDER = ("graph", "graph-json", "check", "check-folder", "hook", "extract")
TRACEBACK = "Traceback (most recent call last)"
_COMPREHENSION = re.compile(r"<(listcomp|setcomp|dictcomp|genexpr)>")
FRAME = re.compile(
    r'^  File "(?P<file>.+)", line (?P<line>\d+), in (?P<function>.+)$', re.MULTILINE
)


class EntryPointTimeout(BaseException):
    """Raised by the alarm when an entry point runs too long: a BaseException, so that
    nbrefactor's ``except Exception`` does not turn it into an exit code."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one entry point made of one case."""

    entry: str
    exit_code: int | None  # None: timed out, or the hook raised
    internal: bool
    seconds: float
    traceback: str = ""  # of an internal error
    wrote: tuple[str, ...] = ()  # what a dry run created or changed
    warnings: tuple[str, ...] = ()

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None and not self.internal

    @property
    def exception(self) -> str:
        """The ``Class: message`` line that ends the traceback."""
        return exception_line(self.traceback)

    @property
    def frame(self) -> str:
        """The innermost nbrefactor frame, comprehensions left out (Python 3.12 inlines
        them): ``nbrefactor/x.py:12 in f``."""
        frames = [f for f in frames_of(self.traceback) if not _COMPREHENSION.match(f[2])]
        own = [f for f in frames if f[0].startswith("nbrefactor/")]
        file, line, function = (own or frames or [("?", "?", "?")])[-1]
        return f"{file}:{line} in {function}"

    @property
    def bug(self) -> tuple[str, str]:
        """What tells internal errors apart: the exception class and where it was raised.
        A RecursionError is placed by the functions that recurse, without line numbers:
        where the limit strikes depends on how deep the caller's stack was."""
        exception = self.exception.split(":")[0]
        if exception != "RecursionError":
            return exception, self.frame
        own = [(f, fn) for f, _, fn in frames_of(self.traceback) if f.startswith("nbrefactor/")]
        repeated = sorted(f"{f} in {fn}" for (f, fn), n in Counter(own).items() if n >= 3)
        file, _, function = self.frame.partition(" in ")
        return exception, " / ".join(repeated) or f"{file.split(':')[0]} in {function}"

    @property
    def site(self) -> tuple[str, str]:
        """:attr:`bug` without line numbers: what a test can name that stays true while
        the code around the bug changes."""
        exception, where = self.bug
        return exception, re.sub(r":\d+ in ", " in ", where)


def short_path(file: str) -> str:
    for marker in ("/nbrefactor/", "/site-packages/"):
        at = file.rfind(marker)
        if at >= 0:
            return file[at + 1 :]
    match = re.search(r"/lib/python3\.\d+/(.+)$", file)
    return match[1] if match else Path(file).name


def frames_of(text: str) -> list[tuple[str, str, str]]:
    """(file, line, function) of each frame of a printed traceback, outermost first."""
    return [(short_path(m["file"]), m["line"], m["function"]) for m in FRAME.finditer(text)]


def exception_line(text: str) -> str:
    """The ``Class: message`` line ending a traceback (the last one, when chained)."""
    frames = list(FRAME.finditer(text))
    rest = text[frames[-1].end() :] if frames else text
    lines = [line for line in rest.splitlines() if line and not line.startswith((" ", "\t"))]
    lines = [line for line in lines if not line.startswith("nbrefactor")]
    return lines[0] if lines else ""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise :class:`EntryPointTimeout` after ``seconds`` (0: never)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise EntryPointTimeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: CPython's default recursion limit: what ``nbrefactor`` on the command line runs with.
RECURSION_LIMIT = 1000


@contextlib.contextmanager
def real_stack() -> Iterator[None]:
    """Give the code run here the stack room a real ``nbrefactor`` process has.

    Hypothesis raises the recursion limit while a test runs; left so, a RecursionError
    that the command hits on a deeply nested notebook would go unseen (or show as a slow
    run). The frames below this one (Hypothesis, pytest) are not counted against it.
    """
    depth, frame = 0, sys._getframe()
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def git_env() -> dict[str, str]:
    """The environment for git, without the variables of a hook that may be running us
    or the user's configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


class Pipeline:
    """Runs cases through the entry points, in a work folder of its own.

    The hook runs in a git repository made on first use, where both notebooks are staged
    (``git add``) before each run, as pre-commit would see them.
    """

    def __init__(
        self, root: Path, *, entries: Sequence[str] = ENTRY_POINTS, timeout: float = 0.0
    ) -> None:
        self.root = root
        self.timeout = timeout
        self.entries = tuple(entries)
        self.runner = CliRunner()
        self.case_dir = root / "case"
        self.repo = root / "repo"
        self.env = git_env()

    def run(self, case: Case, entries: Sequence[str] | None = None) -> list[Outcome]:
        self.write(case)
        return [self.run_entry(case, entry) for entry in entries or self.entries]

    def write(self, case: Case) -> None:
        shutil.rmtree(self.case_dir, ignore_errors=True)
        folder = self.case_dir / "folder"
        folder.mkdir(parents=True)
        (self.case_dir / case.name).write_bytes(case.data)
        (folder / case.name).write_bytes(case.data)
        (folder / "partner.ipynb").write_bytes(case.partner)

    def arguments(self, case: Case, entry: str) -> list[str]:
        notebook = str(self.case_dir / case.name)
        project = str(self.case_dir / "proj")
        return {
            "graph": ["graph", notebook],
            "graph-json": ["graph", notebook, "--format", "json"],
            "check": ["check", notebook, "--no-cache"],
            "check-folder": ["check", str(self.case_dir / "folder"), "--no-cache"],
            "extract": [
                "extract",
                notebook,
                "--dry-run",
                "--project-dir",
                project,
                "--package",
                "pkg",
            ],
        }[entry]

    def run_entry(self, case: Case, entry: str, *, debug: bool = False) -> Outcome:
        """One entry point on ``case``, written by :meth:`write`; with ``debug``, the
        command runs with ``--debug`` (a bug raises instead of exiting 123)."""
        if entry == "hook":
            return self._hook(case)
        arguments = self.arguments(case, entry)
        started = time.perf_counter()
        try:
            with (
                alarm(self.timeout),
                warnings.catch_warnings(record=True) as caught,
                real_stack(),
            ):
                warnings.simplefilter("always")
                result = self.runner.invoke(
                    cli.main, ["--debug", *arguments] if debug else arguments
                )
        except EntryPointTimeout:
            return Outcome(entry, None, False, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        seen = tuple(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        wrote = self._dry_run_writes(case) if entry == "extract" else ()
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        leaked = TRACEBACK in result.output and TRACEBACK not in case.text()
        if not (result.exit_code == INTERNAL_ERROR or crashed or leaked):
            return Outcome(entry, result.exit_code, False, seconds, wrote=wrote, warnings=seen)
        text = _traceback(result)
        if not text and not debug:  # the handler printed one line: rerun for the traceback
            with real_stack():
                text = _traceback(self.runner.invoke(cli.main, ["--debug", *arguments]))
        return Outcome(entry, result.exit_code, True, seconds, text or result.output, wrote, seen)

    def _dry_run_writes(self, case: Case) -> tuple[str, ...]:
        changed = ["proj/"] if (self.case_dir / "proj").exists() else []
        if (self.case_dir / case.name).read_bytes() != case.data:
            changed.append(case.name)
        return tuple(changed)

    def _hook(self, case: Case) -> Outcome:
        if not self.repo.exists():
            self.repo.mkdir(parents=True)
            self._git("init", "-q")
        for child in self.repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        (self.repo / case.name).write_bytes(case.data)
        (self.repo / "partner.ipynb").write_bytes(case.partner)
        self._git("add", "-A")
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        text = ""
        code: int | None = None
        try:
            with (
                alarm(self.timeout),
                warnings.catch_warnings(record=True) as caught,
                working_directory(self.repo),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                real_stack(),
            ):
                warnings.simplefilter("always")
                code = duplicates_hook.main([case.name, "--no-cache"])
        except EntryPointTimeout:
            return Outcome("hook", None, False, time.perf_counter() - started)
        except Exception:  # the hook's own handler missed it
            text = traceback.format_exc()
        seconds = time.perf_counter() - started
        seen = tuple(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        output = out.getvalue() + err.getvalue()
        leaked = TRACEBACK in output and TRACEBACK not in case.text()
        if code != INTERNAL_ERROR and not text and not leaked:
            return Outcome("hook", code, False, seconds, warnings=seen)
        return Outcome("hook", code, True, seconds, text or output, (), seen)

    def _git(self, *args: str) -> None:
        subprocess.run(
            ["git", *args], cwd=self.repo, env=self.env, check=True, capture_output=True, timeout=60
        )


def _traceback(result: Result) -> str:
    if result.exc_info is None or isinstance(result.exception, SystemExit):
        return ""
    return "".join(traceback.format_exception(*result.exc_info))


# ============================================================================ the run


@dataclass
class Found:
    """An outcome worth reporting, with the case and where to replay it from."""

    outcome: Outcome
    case: Case
    batch: int
    index: int  # the call of the batch's test function that made the case


@dataclass
class BatchReport:
    examples: int = 0
    cpu_seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    exit_codes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    slowest: dict[str, Found] = field(default_factory=dict)
    errors: list[Found] = field(default_factory=list)
    timeouts: list[Found] = field(default_factory=list)
    dry_run_writes: list[Found] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)

    def add(self, found: Found) -> None:
        outcome = found.outcome
        code = "timeout" if outcome.timed_out else str(outcome.exit_code)
        self.exit_codes[outcome.entry][code] += 1
        self.seconds[outcome.entry] += outcome.seconds
        slowest = self.slowest.get(outcome.entry)
        if slowest is None or outcome.seconds > slowest.outcome.seconds:
            self.slowest[outcome.entry] = found
        self.warnings.update(f"{outcome.entry}: {warning}" for warning in outcome.warnings)
        if outcome.internal:
            self.errors.append(found)
        elif outcome.timed_out:
            self.timeouts.append(found)
        if outcome.wrote:
            self.dry_run_writes.append(found)

    def merge(self, other: BatchReport) -> None:
        self.examples += other.examples
        self.cpu_seconds += other.cpu_seconds
        self.kinds.update(other.kinds)
        for entry, codes in other.exit_codes.items():
            self.exit_codes[entry].update(codes)
        for entry, seconds in other.seconds.items():
            self.seconds[entry] += seconds
        for entry, found in other.slowest.items():
            slowest = self.slowest.get(entry)
            if slowest is None or found.outcome.seconds > slowest.outcome.seconds:
                self.slowest[entry] = found
        self.errors += other.errors
        self.timeouts += other.timeouts
        self.dry_run_writes += other.dry_run_writes
        self.warnings.update(other.warnings)


def batch_seed(seed: int, batch: int) -> int:
    return seed * 1_000_003 + batch


def fuzz_settings(examples: int, phases: Sequence[Phase]) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,  # the seed comes from @seed(batch_seed(...))
        phases=phases,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
    )


_PIPELINE: Pipeline | None = None  # one per process


@functools.cache
def import_everything() -> None:
    """Import every nbrefactor module, and what reading a text notebook imports, before
    generating anything.

    Hypothesis mixes constants found in the local modules loaded so far (nbrefactor's,
    here) into what it draws; a module nbrefactor imports lazily halfway through a batch
    would change what a seed generates, and a replay would not come back to the same
    notebook. jupytext's first import also takes seconds (jsonschema's format checkers
    build a grammar), which would otherwise be blamed on the first text notebook.
    """
    import nbrefactor

    for module in pkgutil.walk_packages(nbrefactor.__path__, "nbrefactor."):
        with contextlib.suppress(Exception):  # an optional dependency may be missing
            importlib.import_module(module.name)
    for name in ("jupytext", "nbformat", "libcst"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    # Read the constants now, once: Hypothesis reads them from the source files, which
    # may have been edited by the time a replay runs.
    with contextlib.suppress(Exception):
        from hypothesis.internal.conjecture import providers

        providers._get_local_constants()


def process_pipeline(root: Path, timeout: float) -> Pipeline:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline(Path(tempfile.mkdtemp(dir=root)))
    _PIPELINE.timeout = timeout
    return _PIPELINE


@dataclass(frozen=True, slots=True)
class BatchJob:
    seed: int
    batch: int
    examples: int
    root: Path
    entries: tuple[str, ...]
    timeout: float


def run_batch(job: BatchJob) -> BatchReport:
    """One Hypothesis run of ``job.examples`` cases through the entry points."""
    import_everything()
    pipeline = process_pipeline(job.root, job.timeout)
    report = BatchReport()

    @hypothesis_seed(batch_seed(job.seed, job.batch))
    @fuzz_settings(job.examples, [Phase.generate])
    @given(cases())
    def fuzz(case: Case) -> None:
        index = report.examples
        report.examples += 1
        report.kinds[case.kind] += 1
        for outcome in pipeline.run(case, job.entries):
            report.add(Found(outcome, case, job.batch, index))

    cpu = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # hypothesmith compiles odd code
        fuzz()
    report.cpu_seconds = time.process_time() - cpu
    return report


@dataclass(frozen=True, slots=True)
class ShrinkJob:
    seed: int
    found: Found
    examples: int
    root: Path
    seconds: float


class ShrinkingTimeUp(KeyboardInterrupt):
    """Stops Hypothesis at once (it re-raises KeyboardInterrupt, where it would go on
    trying candidates that are all rejected). Raised by the replay itself, between runs
    of nbrefactor, never inside one: nbrefactor turns Ctrl-C into exit 130."""


@dataclass(frozen=True, slots=True)
class Shrunk:
    case: Case | None  # None: not reproduced (the batch replayed differently, or no crash)
    replayed: bool  # the batch came back to the same case
    runs: int


def shrink(job: ShrinkJob) -> Shrunk:
    """Replay the batch that found ``job.found`` up to its case, then let Hypothesis shrink
    that case, keeping the cases that fail the same way (:attr:`Outcome.bug`) through
    the same entry point, for at most ``job.seconds``."""
    import_everything()
    found = job.found
    pipeline = process_pipeline(job.root, 0.0)
    state: dict[str, Any] = {"calls": 0, "start": None, "best": None, "replayed": False, "runs": 0}

    @hypothesis_seed(batch_seed(job.seed, found.batch))
    @fuzz_settings(job.examples, [Phase.generate, Phase.shrink])
    @given(cases())
    def replay(case: Case) -> None:
        call = state["calls"]
        state["calls"] += 1
        if state["start"] is None:
            if call != found.index:
                return
            state["start"] = time.monotonic()
            state["replayed"] = case.digest == found.case.digest
        if not state["replayed"]:
            return
        if time.monotonic() - state["start"] > job.seconds:
            raise ShrinkingTimeUp
        state["runs"] += 1
        pipeline.write(case)
        outcome = pipeline.run_entry(case, found.outcome.entry, debug=True)
        if not outcome.internal or outcome.bug != found.outcome.bug:
            return
        best = state["best"]
        if best is None or case.size <= best.size:
            state["best"] = case
        raise AssertionError("the same internal error")

    with warnings.catch_warnings(), contextlib.suppress(Exception, ShrinkingTimeUp):
        warnings.simplefilter("ignore")
        replay()
    return Shrunk(state["best"], state["replayed"], state["runs"])


# ============================================================================ reporting

REPRODUCE = {
    "graph": "nbrefactor --debug graph {nb}",
    "graph-json": "nbrefactor --debug graph {nb} --format json",
    "check": "nbrefactor --debug check {nb} --no-cache",
    "check-folder": "mkdir -p folder && cp {nb} partner.ipynb folder/ && "
    "nbrefactor --debug check folder --no-cache",
    "extract": "nbrefactor --debug extract {nb} --dry-run --project-dir proj --package pkg",
    "hook": "rm -rf repo && mkdir repo && cp {nb} partner.ipynb repo/ && (cd repo && git init -q "
    "&& git add -A && nbrefactor-duplicates {nb} --no-cache)",
}


def write_reproducer(
    folder: Path, found: Found, minimal: Case | None, entries: Sequence[str]
) -> Path:
    """The files of one finding; returns the path of the (minimal) notebook."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "original").mkdir(parents=True)
    case = minimal or found.case
    (folder / case.name).write_bytes(case.data)
    (folder / "partner.ipynb").write_bytes(case.partner)
    (folder / "original" / found.case.name).write_bytes(found.case.data)
    (folder / "original" / "partner.ipynb").write_bytes(found.case.partner)
    (folder / "traceback.txt").write_text(found.outcome.traceback, encoding="utf-8")
    lines = ["#!/bin/sh", "# run from this folder; each line shows the finding", "set -x"]
    lines += [REPRODUCE[entry].format(nb=case.name) for entry in entries]
    (folder / "reproduce.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / case.name


def confirm(path: Path, entry: str) -> int | None:
    """Run the reproducer ``path`` through ``entry`` as a user would: in a fresh process,
    without ``--debug``, with the code as it is now (it may have changed during the run).
    The exit code (123: the bug is there); None when it could not be run."""
    command = REPRODUCE[entry].format(nb=path.name).replace("--debug ", "")
    bin_dir = Path(sys.executable).parent  # where the venv's nbrefactor commands are
    env = {**git_env(), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as scratch:
        for name in (path.name, "partner.ipynb"):
            shutil.copy(path.parent / name, scratch)
        try:
            done = subprocess.run(
                ["sh", "-c", command], cwd=scratch, env=env, capture_output=True, timeout=600
            )
        except (OSError, subprocess.SubprocessError):
            return None
    return done.returncode


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-")[:40]


def _pool_map(
    jobs: int, function: Callable[[Any], T], items: Sequence[Any], progress: Callable[[T], None]
) -> list[T]:
    results: list[T] = []
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            results.append(function(item))
            progress(results[-1])
        return results
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs) as pool:
        for result in pool.imap(function, items):
            results.append(result)
            progress(result)
    return results


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="notebooks to generate [2000]")
    parser.add_argument("--seed", type=int, default=0, help="[0]")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "nbrefactor-fuzz",
        help="folder for the reproducers and summary.json [/tmp/nbrefactor-fuzz]",
    )  # fmt: skip
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="[2]")
    parser.add_argument("--batch", type=int, default=200, help="notebooks per Hypothesis run [200]")
    parser.add_argument("--no-hook", action="store_true", help="do not run the pre-commit hook")
    parser.add_argument("--timeout", type=float, default=120.0, help="stop an entry point [120 s]")
    parser.add_argument("--slow", type=float, default=5.0, help="report entry points slower [5 s]")
    parser.add_argument("--shrink-seconds", type=float, default=60.0, help="per error [60]")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    entries = tuple(e for e in ENTRY_POINTS if not (args.no_hook and e == "hook"))
    if "hook" in entries and shutil.which("git") is None:
        print("git not found: the hook is not run", file=sys.stderr)
        entries = tuple(e for e in entries if e != "hook")
    args.out.mkdir(parents=True, exist_ok=True)
    import_everything()  # once, before the worker processes are forked
    root = Path(tempfile.mkdtemp(prefix="nbrefactor-fuzz-work-"))
    started = time.perf_counter()
    sizes = [args.batch] * (args.examples // args.batch) + [args.examples % args.batch]
    sizes = [size for size in sizes if size]
    batches = [
        BatchJob(args.seed, n, size, root, entries, args.timeout) for n, size in enumerate(sizes)
    ]
    report = BatchReport()

    def progress(batch: BatchReport) -> None:
        report.merge(batch)
        elapsed = time.perf_counter() - started
        print(
            f"  {report.examples} notebooks, {len(report.errors)} internal errors, {elapsed:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    try:
        _pool_map(args.jobs, run_batch, batches, progress)
        fuzz_seconds = time.perf_counter() - started
        bugs: dict[tuple[str, str], list[Found]] = defaultdict(list)
        for found in report.errors:
            bugs[found.outcome.bug].append(found)
        firsts = []
        for seen in bugs.values():
            entry = next(e for e in SHRINK_ORDER if any(f.outcome.entry == e for f in seen))
            firsts.append(
                min((f for f in seen if f.outcome.entry == entry), key=lambda f: (f.batch, f.index))
            )
        jobs = [ShrinkJob(args.seed, f, sizes[f.batch], root, args.shrink_seconds) for f in firsts]
        if jobs:
            print(f"shrinking {len(jobs)} distinct internal errors", file=sys.stderr, flush=True)
        shrunk = _pool_map(args.jobs, shrink, jobs, lambda _: None)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    seconds = {
        "fuzzing": round(fuzz_seconds, 1),
        "fuzzing_cpu": round(report.cpu_seconds, 1),
        "total": round(time.perf_counter() - started, 1),
    }
    summary = summarise(
        args, entries, report, bugs, list(zip(firsts, shrunk, strict=True)), seconds
    )
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 1 if bugs else 0


def summarise(
    args: argparse.Namespace,
    entries: Sequence[str],
    report: BatchReport,
    bugs: dict[tuple[str, str], list[Found]],
    shrunk: list[tuple[Found, Shrunk]],
    seconds: dict[str, float],
) -> dict[str, Any]:
    """The figures of a run, as JSON; writes the reproducers to ``args.out``."""
    for old in args.out.glob("*/"):
        if old.name.startswith(("bug-", "slow-", "timeout-")):
            shutil.rmtree(old)
    errors = []
    for number_, (found, result) in enumerate(shrunk, start=1):
        seen = bugs[found.outcome.bug]
        by_entry = Counter(f.outcome.entry for f in seen)
        exception, function = found.outcome.bug[0], found.outcome.frame.rsplit(" in ", 1)[-1]
        folder = args.out / f"bug-{number_:02d}-{_slug(exception)}-{_slug(function)}"
        path = write_reproducer(
            folder, found, result.case, sorted(by_entry, key=ENTRY_POINTS.index)
        )
        errors.append(
            {
                "exception": found.outcome.exception,
                "where": found.outcome.bug[1],
                "last_frames": [
                    f"{f}:{n} in {fn}" for f, n, fn in frames_of(found.outcome.traceback)[-4:]
                ],
                "entry_points": {e: by_entry[e] for e in ENTRY_POINTS if e in by_entry},
                "notebooks": len({(f.batch, f.index) for f in seen}),
                "first_seen": {"batch": found.batch, "index": found.index, "kind": found.case.kind},
                "shrunk": result.case is not None and result.case.size < found.case.size,
                "replayed": result.replayed,
                "shrink_runs": result.runs,
                "bytes": {"original": found.case.size, "minimal": (result.case or found.case).size},
                "reproducer": str(path),
                "exit_code_now": confirm(path, found.outcome.entry),
            }
        )
    slow = {}
    for entry, found in report.slowest.items():
        if found.outcome.seconds >= args.slow:
            path = write_reproducer(args.out / f"slow-{entry}", found, None, [entry])
            slow[entry] = {"seconds": round(found.outcome.seconds, 1), "reproducer": str(path)}
    timeouts = []
    for number_, found in enumerate(report.timeouts, start=1):
        folder = args.out / f"timeout-{number_:02d}-{found.outcome.entry}"
        path = write_reproducer(folder, found, None, [found.outcome.entry])
        timeouts.append(
            {"entry_point": found.outcome.entry, "kind": found.case.kind, "reproducer": str(path)}
        )
    return {
        "examples": report.examples,
        "seed": args.seed,
        "jobs": args.jobs,
        "seconds": seconds,
        "kinds": dict(sorted(report.kinds.items())),
        "exit_codes": {
            e: dict(sorted(report.exit_codes[e].items(), key=_code_order)) for e in entries
        },
        "entry_point_seconds": {e: round(report.seconds[e], 1) for e in entries},
        "internal_errors": errors,
        "slow": slow,
        "timeouts": timeouts,
        "dry_run_writes": [
            {"wrote": list(f.outcome.wrote), "kind": f.case.kind} for f in report.dry_run_writes
        ],
        "warnings": dict(report.warnings.most_common(20)),
    }


def _code_order(item: tuple[str, int]) -> tuple[bool, int, str]:
    code = item[0]
    return (not code.isdigit(), int(code) if code.isdigit() else 0, code)


def render(summary: dict[str, Any]) -> str:
    seconds = summary["seconds"]
    lines = [
        f"nbrefactor fuzz: {summary['examples']} notebooks generated (seed {summary['seed']}, "
        f"{summary['jobs']} jobs) in {seconds['fuzzing']} s ({seconds['fuzzing_cpu']} s of CPU), "
        f"{seconds['total']} s with shrinking",
        "notebooks under test: " + ", ".join(f"{k} {n}" for k, n in summary["kinds"].items()),
        "exit codes per entry point (and the time spent in it):",
    ]
    for entry, codes in summary["exit_codes"].items():
        counts = "  ".join(f"{code}: {count}" for code, count in codes.items())
        lines.append(f"  {entry:<13} {counts}   ({summary['entry_point_seconds'][entry]} s)")
    errors = summary["internal_errors"]
    lines.append(f"internal errors: {len(errors)} distinct")
    for n, bug in enumerate(errors, start=1):
        through = ", ".join(f"{e} {count}" for e, count in bug["entry_points"].items())
        lines.append(f"  {n}. {bug['exception'][:200]}")
        lines.append(f"     at {bug['where']} ({bug['notebooks']} notebooks; runs: {through})")
        lines += [f"       {frame}" for frame in bug["last_frames"]]
        state = "not replayed"
        if bug["replayed"]:
            state = f"{'shrunk' if bug['shrunk'] else 'not shrunk'} in {bug['shrink_runs']} runs"
        lines.append(
            f"     reproducer ({state}, {bug['bytes']['minimal']} bytes): {bug['reproducer']}"
        )
        now = bug["exit_code_now"]
        lines.append(
            "     in a fresh process with the code as it is now: "
            + ("exits 123" if now == INTERNAL_ERROR else f"exits {now}: NOT reproduced")
        )
    for entry, slow in summary["slow"].items():
        lines.append(f"slowest {entry}: {slow['seconds']} s: {slow['reproducer']}")
    for timeout in summary["timeouts"]:
        lines.append(f"timed out: {timeout['entry_point']}: {timeout['reproducer']}")
    if summary["dry_run_writes"]:
        lines.append(f"extract --dry-run wrote files {len(summary['dry_run_writes'])} times")
    if summary["warnings"]:
        lines.append("warnings that reached the user (most common):")
        lines += [f"  {n:>6}  {w[:150]}" for w, n in summary["warnings"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
