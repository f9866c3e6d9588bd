"""Fuzz the whole pipeline: does any notebook, however odd or broken, make nbrefactor crash?

Generates notebooks with Hypothesis and feeds each through the real entry points, in
this process: ``nbrefactor graph NB`` (text and ``--format json``), ``check NB
--no-cache``, ``check FOLDER --no-cache`` on a folder holding NB and a second generated
notebook, ``extract NB --dry-run --project-dir <tmp>/proj --package pkg`` (through
``click.testing.CliRunner``), and the pre-commit hook ``nbrefactor.hooks.duplicates.main``
in a temporary git repository where both notebooks are staged.

The promise under test: bad input exits 2 with a message, and only a bug exits 123. A
run is an **internal error** when it exits 123, when the runner caught an exception
other than ``SystemExit``, or when a traceback appears in its output (and not in the
notebook). Also reported, apart: entry points that took longer than ``--timeout``, an
``extract --dry-run`` that wrote something, and warnings that reached the user.

What is generated (see the strategies below): nbformat 4 JSON with and without cell ids,
sources as strings or lists of lines, every kind of output, execution counts in and out
of order, markdown and raw cells; corrupted documents (a wrong type in any field, bad
nbformat versions, truncated JSON, non-UTF-8 bytes, BOM, CRLF, empty files, non-Python
kernels, nbformat 3); jupytext text notebooks (``py:percent``, ``py:light``, plain
scripts, Markdown). Cell sources mix a grammar of realistic data-science code, IPython
syntax of every kind, blocks pasted with renamed variables (within a notebook and across
the two), syntax errors, extreme nesting, random text, and random valid Python from
``hypothesmith``.

Each run is split into batches of ``--batch`` notebooks, one Hypothesis run per batch
with a seed derived from ``--seed`` and the batch number, shared between ``--jobs``
processes: a run is reproducible and a batch can be replayed alone. Each distinct
internal error (exception class and innermost nbrefactor frame) is then shrunk by
replaying its batch until the failing notebook comes up and letting Hypothesis shrink
it (for at most ``--shrink-seconds``), and written to ``--out``::

    <out>/summary.json
    <out>/bug-01-<Exception>-<function>/nb.ipynb (or nb.py)  the minimal notebook
                                       /partner.ipynb        the second notebook
                                       /original/...         as first generated
                                       /traceback.txt, reproduce.sh

Run from the repository root with nbrefactor installed::

    python benchmarks/fuzz_pipeline.py --examples 10000 --seed 0
    python benchmarks/fuzz_pipeline.py --examples 500 --no-hook --jobs 1

Exit code: 0 when there was no internal error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import hashlib
import io
import json
import multiprocessing
import os
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
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from nbrefactor import cli
from nbrefactor.errors import INTERNAL_ERROR
from nbrefactor.hooks import duplicates as duplicates_hook

# ============================================================================ code cells

#: Names that cells define and read, so cells depend on each other.
VARIABLES = (
    "df", "data", "x", "y", "total", "items", "result", "rows", "counts", "scores",
    "summary", "frame", "cfg", "path", "THRESHOLD", "N_BINS", "model", "fig", "ax", "i",
)  # fmt: skip
FUNCTIONS = ("load", "clean", "helper", "transform", "score", "plot_hist", "main", "step")
CLASSES = ("Record", "Model", "Pipeline", "Config")
MODULES = ("np", "pd", "plt", "os", "json", "math", "re", "sns")
_CALLEES = (
    *FUNCTIONS, *CLASSES, "len", "print", "sorted", "sum", "max", "min", "list", "dict",
    "range", "enumerate", "zip", "round", "abs", "isinstance", "open", "pd.read_csv",
    "np.array", "np.mean", "plt.plot", "os.path.join", "json.dumps", "math.sqrt",
)  # fmt: skip
_METHODS = (
    "sum", "mean", "dropna", "copy", "head", "groupby", "apply", "fillna", "astype",
    "reset_index", "items", "append", "plot", "sort_values", "describe", "agg", "get",
)  # fmt: skip
_ATTRIBUTES = ("shape", "columns", "values", "index", "T", "dtype", "name", "loc", "iloc")
_IMPORTS = (
    "import numpy as np",
    "import pandas as pd",
    "import matplotlib.pyplot as plt",
    "import os, sys",
    "import json",
    "import math",
    "import re",
    "import seaborn as sns",
    "import os.path",
    "import xml.etree.ElementTree as ET",
    "from typing import *",
    "from math import *",
    "from pandas import *",
    "from collections import Counter, defaultdict",
    "from pathlib import Path",
    "from functools import lru_cache, partial",
    "from dataclasses import dataclass, field",
    "from math import sqrt as root",
    "from . import helpers",
    "from .utils import load",
    "from __future__ import annotations",
    "import importlib; importlib.reload(np)",
    "helpers = __import__('helpers')",
    "from sklearn.model_selection import (\n    train_test_split,\n    KFold,\n)",
)
_DECORATORS = (
    "@lru_cache(maxsize=None)",
    "@staticmethod",
    "@property",
    "@dataclass",
    "@np.vectorize",
    "@register('step')",
    "@contextlib.contextmanager",
    "@timer",
    "@functools.wraps(load)",
    "@(lambda f: f)",
)
#: Parameter lists, and the names they bind.
_PARAMETERS = {
    "": (),
    "df": ("df",),
    "df, column='x'": ("df", "column"),
    "*args, **kwargs": ("args", "kwargs"),
    "a, /, b, *, c=THRESHOLD": ("a", "b", "c"),
    "frame: pd.DataFrame, n: int = N_BINS": ("frame", "n"),
    "x=[]": ("x",),
    "self": ("self",),
}
_TYPES = ("int", "float", "str", "list[int]", "pd.DataFrame", "dict[str, Any]", "'Record'", "None")
_BINARY = ("+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>")
_COMPARE = ("<", ">", "==", "!=", "<=", ">=", "in", "not in", "is", "is not")
_FSTRINGS = (
    "f'{{{0}}}'",
    'f"{{{0}!r:>10}}"',
    "f'{{{0}:{{N_BINS}}}}'",
    "f\"{{{0}['k']}}\"",
    "f'{{{0}=}}'",
    "f'{{{{literal}}}} {{{0}}}'",
    "rf'\\d+{{{0}}}'",
    "f'{{f\"{{{0}}}\"}}'",
    "f'''{{{0}}}\nsecond line'''",
)
_LITERALS = (
    "None", "True", "False", "...", "1j", "0x1F", "1_000_000", "b'raw'", "r'\\d+'",
    "'''multi\nline'''", '"\\u00e9"', "'\\N{BULLET}'", "'%d items' % 3", "'a' 'b'",
    "10**6", "-0.0", "1e-9", "'# %%'", "'!ls'", "'%time'", "'it''s'",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a statement is generated: how deep it may nest, and what is legal there."""

    depth: int = 2
    function: bool = False
    nested: bool = False  # a function inside a function: nonlocal is legal
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
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return str(draw(st.integers(-(10**6), 10**6)))
    if kind == 1:
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == 2:
        return repr(draw(st.text(max_size=12)))
    return draw(st.sampled_from(_LITERALS))


@st.composite
def expressions(draw: st.DrawFn, scope: Scope = TOP_LEVEL, depth: int = 2) -> str:
    """A Python expression over the scope's names, nested at most ``depth`` deep."""
    names = scope.names
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.one_of(st.sampled_from(names), literals()))

    def sub() -> str:
        return draw(expressions(scope, depth - 1))

    kind = draw(st.integers(0, 17))
    name = draw(st.sampled_from(names))
    if kind == 0:
        arguments = [sub() for _ in range(draw(st.integers(0, 3)))]
        extra = draw(st.sampled_from(["", "key={}", "*{}", "**{}", "axis=1"]))
        if extra:
            arguments.append(extra.format(draw(st.sampled_from(names))))
        return f"{draw(st.sampled_from(_CALLEES))}({', '.join(arguments)})"
    if kind == 1:
        return f"{sub()}.{draw(st.sampled_from(_METHODS))}({sub() if draw(st.booleans()) else ''})"
    if kind == 2:
        return f"{name}.{draw(st.sampled_from(_ATTRIBUTES))}"
    if kind == 3:
        index = draw(st.sampled_from(["expression", "1:3", ":, 0", "'col'", "mask", "::-1"]))
        if index == "expression":
            index = sub()
        elif index == "mask":
            index = f"{name}['a'] > {sub()}, 'b'"
        return f"{name}[{index}]"
    if kind == 4:
        return f"({sub()} {draw(st.sampled_from(_BINARY))} {sub()})"
    if kind == 5:
        return f"{sub()} {draw(st.sampled_from(_COMPARE))} {sub()}"
    if kind == 6:
        return f"({sub()} {draw(st.sampled_from(['and', 'or']))} not {sub()})"
    if kind == 7:
        parameter = draw(st.sampled_from(["v", "row", "_", "x", "*a, **k", "v=THRESHOLD"]))
        return f"(lambda {parameter}: {sub()})"
    if kind == 8:
        variable = draw(st.sampled_from(["v", "row", "i", "x", "k, v"]))
        shape = draw(st.sampled_from(["[{e} for {v} in {s}{c}]", "{{{e} for {v} in {s}}}",
                                      "{{{v}: {e} for {v} in {s}{c}}}", "sum({e} for {v} in {s})",
                                      "[[{e} for w in {v}] for {v} in {s}]"]))  # fmt: skip
        key = variable.split(",")[0]
        condition = (
            f" if {key} {draw(st.sampled_from(_COMPARE))} {sub()}" if draw(st.booleans()) else ""
        )
        return shape.format(e=sub(), v=variable, s=sub(), c=condition).replace("{k, v}:", "{k:")
    if kind == 9:
        return f"({sub()} if {sub()} else {sub()})"
    if kind == 10:
        return f"({draw(st.sampled_from(['n', 'm', name]))} := {sub()})"
    if kind == 11:
        shape = draw(st.sampled_from(["[{}, {}]", "({}, {})", "{{{}: {}}}", "{{{}, {}}}",
                                      "[*{}, *{}]", "{{**{}, 'k': {}}}", "()", "{{}}"]))  # fmt: skip
        return shape.format(sub(), sub())
    if kind == 12:
        return draw(st.sampled_from(_FSTRINGS)).format(sub())
    if kind == 13 and scope.coroutine:
        return f"(await {sub()})"
    if kind == 14:
        return f"{draw(st.sampled_from(MODULES))}.{draw(st.sampled_from(_METHODS))}({sub()})"
    if kind == 15:
        return f"-{sub()}" if draw(st.booleans()) else f"~{sub()}"
    if kind == 16:
        return f"{name}.{draw(st.sampled_from(_METHODS))}().{draw(st.sampled_from(_METHODS))}()"
    return name


def _block(draw: st.DrawFn, scope: Scope, low: int = 1, high: int = 3) -> list[str]:
    body: list[str] = []
    for _ in range(draw(st.integers(low, high))):
        body.extend(draw(statements(scope)))
    return body or ["pass"]


@st.composite
def statements(draw: st.DrawFn, scope: Scope = TOP_LEVEL) -> list[str]:
    """One statement (its lines, not indented) legal in ``scope``."""
    names = scope.names
    name = draw(st.sampled_from(names))

    def expression(depth: int = 2) -> str:
        return draw(expressions(scope, depth))

    compound = scope.depth > 0 and draw(st.integers(0, 3)) == 3
    if not compound:
        kind = draw(st.integers(0, 22))
        if kind == 0:
            return [f"{name} = {expression()}"]
        if kind == 1:
            target = draw(st.sampled_from(["{n}, {m}", "{n}, *{m}", "{n}['col']", "{n}.attr",
                                           "{n} = {m}", "({n}, {m})", "[{n}]"]))  # fmt: skip
            other = draw(st.sampled_from(names))
            return [f"{target.format(n=name, m=other)} = {expression()}"]
        if kind == 2:
            return [f"{name} {draw(st.sampled_from(_BINARY))}= {expression()}"]
        if kind == 3:
            value = f" = {expression()}" if draw(st.booleans()) else ""
            return [f"{name}: {draw(st.sampled_from(_TYPES))}{value}"]
        if kind == 4:
            return [f"{name}[{expression(1)}] = {expression()}"]
        if kind == 5:
            end = draw(st.sampled_from(["", "", ";", "  # comment", ";  # hide output"]))
            return [f"{expression()}{end}"]
        if kind == 6:
            return [f"print({expression()}, sep='')"]
        if kind == 7:
            return draw(st.sampled_from(_IMPORTS)).split("\n")
        if kind == 8:
            form = draw(
                st.sampled_from(["del {n}", "del {n}['col']", "del {n}, {m}", "del {n}[0]"])
            )
            return [form.format(n=name, m=draw(st.sampled_from(names)))]
        if kind == 9:
            return [draw(st.sampled_from(["pass", f"assert {name}", f"assert {name}, 'empty'"]))]
        if kind == 10 and scope.function:
            return [f"return {expression()}" if draw(st.booleans()) else "return"]
        if kind == 11 and scope.function:
            keyword = draw(st.sampled_from(["global", "nonlocal" if scope.nested else "global"]))
            return [f"{keyword} {name}", f"{name} = {expression()}"]
        if kind == 12 and scope.function:
            return [draw(st.sampled_from([f"yield {name}", f"yield from {name}", "yield"]))]
        if kind == 13 and scope.loop:
            return [draw(st.sampled_from(["break", "continue"]))]
        if kind == 14:
            return [f"{name} = lambda v, k=THRESHOLD: v * k + {expression(1)}"]
        if kind == 15:
            return [f"if ({name} := {expression()}) is not None:", f"    print({name})"]
        if kind == 16:
            return [draw(st.sampled_from([f"exec('{name} = 1')", f"globals()['{name}'] = 2",
                                          f"eval('{name}')", f"vars()['{name}'] = 3"]))]  # fmt: skip
        if kind == 17:
            return [f"{name} = {expression()}; {draw(st.sampled_from(names))} = {expression(1)}"]
        if kind == 18:
            return [f"raise ValueError({expression(1)})"]
        if kind == 19:
            return [f"await {expression(1)}"]  # IPython runs top-level await
        if kind == 20:
            return [draw(st.sampled_from(["global " + name, "# nbrefactor: ignore", "# In[3]:"]))]
        return [f"{name} = {expression()}"]
    inner = scope.inner()
    kind = draw(st.integers(0, 10))
    if kind == 0:
        lines = [f"if {expression()}:", *indent(_block(draw, inner))]
        if draw(st.booleans()):
            lines += [f"elif {expression(1)}:", *indent(_block(draw, inner, 1, 1))]
        if draw(st.booleans()):
            lines += ["else:", *indent(_block(draw, inner, 1, 2))]
        return lines
    if kind == 1:
        loop = inner.inner(depth=inner.depth, loop=True)
        target = draw(st.sampled_from(["v", "i", "row", "k, v", "(a, b)", name]))
        head = "async for" if scope.coroutine and draw(st.booleans()) else "for"
        lines = [f"{head} {target} in {expression()}:", *indent(_block(draw, loop))]
        if draw(st.booleans()):
            lines += ["else:", *indent(_block(draw, inner, 1, 1))]
        return lines
    if kind == 2:
        loop = inner.inner(depth=inner.depth, loop=True)
        return [f"while {expression()}:", *indent(_block(draw, loop)), "    break"]
    if kind == 3:
        manager = draw(st.sampled_from(["open({}) as fh", "pd.option_context('x', {})",
                                        "warnings.catch_warnings(), timer({}) as t"]))  # fmt: skip
        head = "async with" if scope.coroutine and draw(st.booleans()) else "with"
        return [f"{head} {manager.format(expression(1))}:", *indent(_block(draw, inner))]
    if kind == 4:
        star = draw(st.booleans()) and draw(st.booleans())
        clause = "except*" if star else "except"
        lines = ["try:", *indent(_block(draw, inner))]
        for caught in draw(st.lists(st.sampled_from(
            ["ValueError", "(KeyError, IndexError) as err", "Exception as e", ""]
        ), min_size=1 if not star else 1, max_size=2)):  # fmt: skip
            if not caught and star:
                caught = "TypeError"
            lines += [f"{clause} {caught}:".replace(" :", ":"), *indent(_block(draw, inner, 1, 1))]
        if draw(st.booleans()):
            lines += ["else:", *indent(_block(draw, inner, 1, 1))]
        if draw(st.booleans()):
            lines += ["finally:", *indent(_block(draw, inner, 1, 1))]
        return lines
    if kind in (5, 6, 7):
        coroutine = kind == 7
        function_name = draw(st.sampled_from(FUNCTIONS))
        parameters = draw(st.sampled_from(sorted(_PARAMETERS)))
        body_scope = Scope(
            depth=inner.depth,
            function=True,
            nested=scope.function,
            coroutine=coroutine,
            names=(*names, *_PARAMETERS[parameters]),
        )
        decorators = draw(st.lists(st.sampled_from(_DECORATORS), max_size=2))
        head = f"{'async ' if coroutine else ''}def {function_name}({parameters})"
        annotation = f" -> {draw(st.sampled_from(_TYPES))}" if draw(st.booleans()) else ""
        body = _block(draw, body_scope, 1, 4)
        if draw(st.booleans()):
            body.insert(0, '"""Docstring: reads globals."""')
        if draw(st.booleans()):
            body.append(f"return {draw(expressions(body_scope, 2))}")
        return [*decorators, f"{head}{annotation}:", *indent(body)]
    if kind == 8:
        class_name = draw(st.sampled_from(CLASSES))
        base = draw(
            st.sampled_from(["", "(object)", "(Model)", "(pd.DataFrame, metaclass=ABCMeta)"])
        )
        members: list[str] = []
        for _ in range(draw(st.integers(1, 3))):
            member = draw(st.integers(0, 3))
            if member == 0:
                members.append(
                    f"{draw(st.sampled_from(['unit', 'scale', name]))} = {expression(1)}"
                )
            elif member == 1:
                method_scope = Scope(depth=inner.depth, function=True, names=(*names, "self"))
                members += [f"def {draw(st.sampled_from(['__init__', 'run', 'fit']))}(self, value=None):",
                            *indent(_block(draw, method_scope, 1, 3))]  # fmt: skip
            elif member == 2:
                members += ["@property", "def size(self):", f"    return len(self.{name})"]
            else:
                members.append('"""A class that reads module globals."""')
        decorators = ["@dataclass"] if draw(st.booleans()) and draw(st.booleans()) else []
        return [*decorators, f"class {class_name}{base}:", *indent(members)]
    if kind == 9:
        lines = [f"match {expression(1)}:"]
        for pattern in draw(st.lists(st.sampled_from([
            "0", "'a' | 'b'", "[x, *rest]", "{'k': v}", "Record(x=0, y=yy)", "str() as s",
            "(a, b)", "None", "_", f"{name} if {name}",
        ]), min_size=1, max_size=3)):  # fmt: skip
            lines += [f"    case {pattern}:", *indent(_block(draw, inner, 1, 2), "        ")]
        return lines
    outer = draw(st.sampled_from(FUNCTIONS))
    return [
        f"def {outer}():",
        f"    {name} = 0",
        "    def inner():",
        f"        nonlocal {name}",
        f"        {name} += 1",
        f"        return {name}",
        "    return inner",
    ]


@st.composite
def python_cells(draw: st.DrawFn) -> str:
    """A cell of plausible data-science Python: a few statements, comments, blank lines."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        lines.extend(draw(statements()))
        if draw(st.integers(0, 5)) == 0:
            lines.append(
                draw(st.sampled_from(["", "# a comment", "    ", "# %%", "#!/usr/bin/env python"]))
            )
    if draw(st.booleans()):
        lines.append(f"{draw(st.sampled_from(VARIABLES))}{draw(st.sampled_from(['', ';', '  ;']))}")
    return "\n".join(lines)


# -- IPython syntax --------------------------------------------------------------------------

_LINE_MAGICS = (
    "%time {s}", "%timeit {e}", "%timeit -n1 -r1 {e}", "%matplotlib inline", "%load_ext autoreload",
    "%autoreload 2", "%run other.ipynb", "%run -i helpers.py", "%config InlineBackend.figure_format = 'retina'",
    "%env DATA_DIR=/tmp", "%pip install pandas", "%who", "%store {n}", "%reset -f", "%cd /tmp",
    "{n} = %pwd", "{n} = %sx ls", "%prun {e}", "%debug", "%%", "%", "%time \\\n    {s}",
    "%precision 3", "%xmode Minimal", "%alias ll ls -l", "%%time {s}", "%lsmagic",
)  # fmt: skip
_SHELL = (
    "!ls -la", "!pip install numpy", "{n} = !ls *.csv", "!echo {{{n}}} $HOME", "!!ls", "! wc -l $path",
    "{n} = !!date", "!cat data.csv | head -n 5", "!", "!{{sys.executable}} -m pip list",
)  # fmt: skip
_HELP = ("{n}?", "{n}??", "?{n}", "{n}.{m}?", "%time?", "{n}.*?", "??{n}")
_CELL_MAGICS = (
    ("%%time", "python"), ("%%capture out", "python"), ("%%timeit -n1", "python"),
    ("%%capture --no-stderr cap", "python"), ("%%writefile helpers.py", "python"),
    ("%%writefile -a notes.txt", "text"), ("%%bash", "shell"), ("%%sh", "shell"),
    ("%%html", "text"), ("%%javascript", "text"), ("%%latex", "text"), ("%%markdown", "text"),
    ("%%script python", "python"), ("%%prun -s cumulative", "python"), ("%%file f.py", "python"),
    ("%%sql", "text"), ("%%", "text"), ("%%time\n%%capture", "python"),
)  # fmt: skip


@st.composite
def ipython_cells(draw: st.DrawFn) -> str:
    """A cell with IPython syntax: line and cell magics, shell escapes, help, magics in blocks."""
    kind = draw(st.integers(0, 3))
    name = draw(st.sampled_from(VARIABLES))

    def line() -> str:
        template = draw(st.sampled_from((*_LINE_MAGICS, *_SHELL, *_HELP)))
        return (
            template.format(
                s=draw(statements(Scope(depth=0))),
                e=draw(expressions(Scope(), 1)),
                n=name,
                m=draw(st.sampled_from(_METHODS)),
            )
            .replace("['", "[")
            .replace("']", "]")
        )

    if kind == 0:  # a cell magic and its body
        header, language = draw(st.sampled_from(_CELL_MAGICS))
        if language == "python":
            body = draw(python_cells())
        elif language == "shell":
            body = "echo hello\nfor f in *.csv; do wc -l $f; done\nls | grep {x}"
        else:
            body = draw(
                st.sampled_from(["<b>bold</b>", "$x^2$", "SELECT * FROM t", "", "console.log(1)"])
            )
        return f"{header}\n{body}"
    if kind == 1:  # magics among Python lines, and inside indented blocks
        lines: list[str] = []
        for _ in range(draw(st.integers(1, 5))):
            lines.extend(draw(statements(Scope(depth=0))) if draw(st.booleans()) else [line()])
        if draw(st.booleans()):
            lines += [f"for {name} in range(3):", f"    {line()}", f"    print({name})"]
        if draw(st.booleans()):
            lines += [
                "def helper():",
                f"    {name} = !ls",
                f"    %time {name} = 1",
                f"    return {name}",
            ]
        return "\n".join(lines)
    if kind == 2:
        return line()
    return "\n".join(line() for _ in range(draw(st.integers(1, 4))))


# -- cells that do not parse, and extreme ones ---------------------------------------------

_BROKEN = (
    "def f(:\n    pass", "print 'hello'", "x = = 1", "if x\n    y = 1", "return 5", "yield x",
    "break", "nonlocal x", "class:", "f(**x, *y)", "x = (1,\n", "'unterminated", '"""never closed',
    "else:\n  pass", "  indented = 1", "x = 1\n\ty = 2\n  z = 3", "lambda: (yield)", "a = 1 +",
    "from __future__ import braces", "import", "@decorator\n", "f'{'", "x := 1", "0 = x",
    "None = 1", "def f(x, x): pass", "*a = 1", "del f()", "x = 1\x00", "\ufeffx = 1",
    "async def f():\n    yield from g()", "for x in 1,2,3:\nprint(x)", "}{", "type X = int",
    "def f():\n\treturn 1\n        return 2", "x = 0777", "é = 1\nprint(é)", "ﬁle = 1\nprint(file)",
    "print(f'{x!z}')", "case = 1\nmatch = 2\n_ = case + match", "a = [\n", "\\", "x = 1 \\",
    "def f[T](x: T) -> T: return x", "with (open('a') as f, open('b') as g): pass",
)  # fmt: skip


@st.composite
def broken_cells(draw: st.DrawFn) -> str:
    """Code that does not parse (or parses but does not compile)."""
    if draw(st.booleans()):
        return draw(st.sampled_from(_BROKEN))
    source = draw(st.one_of(python_cells(), ipython_cells()))
    if not source:
        return "("
    position = draw(st.integers(0, len(source)))
    damage = draw(st.sampled_from(["truncate", "insert", "delete", "indent"]))
    if damage == "truncate":
        return source[:position] or ")"
    if damage == "insert":
        return (
            source[:position]
            + draw(st.sampled_from(["(", ":", ")", "'", '"""', "\t", "\n  "]))
            + source[position:]
        )
    if damage == "delete":
        return source[:position] + source[position + 1 :]
    lines = source.split("\n")
    row = min(position, len(lines) - 1)
    lines[row] = draw(st.sampled_from([" ", "  ", "\t", "        "])) + lines[row]
    return "\n".join(lines)


@st.composite
def extreme_cells(draw: st.DrawFn) -> str:
    """Deep nesting and very long code: what real generated code sometimes looks like."""
    n = draw(st.integers(10, 400))
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return "x = " + "(" * n + "1" + ")" * n
    if kind == 1:
        return "total = " + " + ".join(["a"] * (n * 10))
    if kind == 2:
        return "x = " + "[" * n + "]" * n
    if kind == 3:
        depth = min(n, 120)
        return (
            "\n".join("    " * level + f"if x{level}:" for level in range(depth))
            + "\n"
            + "    " * depth
            + "pass"
        )
    if kind == 4:
        return "df = df" + "".join(f".step{k}()" for k in range(n * 5))
    if kind == 5:
        return "\n".join(f"x{k} = {k}" for k in range(n * 10))
    if kind == 6:
        return "data = [" + ", ".join(str(k) for k in range(n * 50)) + "]"
    return "y = " + "not " * (n * 3) + "x"


_TEXT_PIECES = st.sampled_from(
    ["%", "%%", "!", "?", "=", "x", "df", "(", ")", "[", "]", "{", "}", "'", '"', '"""', "\\",
     "#", ":", "if", "for", "def", "lambda", "    ", "\t", "\n", "\r", "\r\n", "\x0c", "\u2028",
     "\x00", "\ud800", "é", "$", ";", "time", "capture", "bash", "async", "await", "match"]
)  # fmt: skip


@st.composite
def random_text_cells(draw: st.DrawFn) -> str:
    """Text that is rarely Python: odd pieces, control characters, lone surrogates."""
    if draw(st.booleans()):
        return "".join(draw(st.lists(_TEXT_PIECES, max_size=20)))
    return draw(st.text(max_size=60))


def _hypothesmith_programs() -> st.SearchStrategy[str]:
    """Random valid Python from hypothesmith (slow to generate: ~0.1 s each), or a plain
    statement when hypothesmith is not installed."""
    try:
        import hypothesmith
    except ImportError:
        return st.just("x = 1")
    return hypothesmith.from_grammar(auto_target=False)


HYPOTHESMITH = st.deferred(_hypothesmith_programs)


# -- blocks pasted in several places ---------------------------------------------------------

_PASTE_LINES = (
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
)
_PASTE_NAMES = (
    "df",
    "sales",
    "frame",
    "result",
    "summary",
    "totals",
    "vals",
    "mean_value",
    "row",
    "k",
)


@dataclass(frozen=True, slots=True)
class PastedBlock:
    """A block of statements pasted in several places, with the names and literals of
    each copy; ``dropped`` is the line a near copy left out."""

    lines: tuple[int, ...]
    copies: tuple[tuple[dict[str, Any], int | None, bool], ...]  # values, dropped line, in a def

    def render(self, copy: int) -> str:
        values, dropped, in_function = self.copies[copy]
        lines = [
            _PASTE_LINES[line].format(**values)
            for position, line in enumerate(self.lines)
            if position != dropped
        ]
        if not in_function:
            return "\n".join(lines)
        body = indent(lines)
        return "\n".join(
            [f"def process_{copy}({values['a']}):", *body, f"    return {values['b']}"]
        )


@st.composite
def pasted_blocks(draw: st.DrawFn) -> PastedBlock:
    lines = tuple(draw(st.lists(st.integers(0, len(_PASTE_LINES) - 1), min_size=3, max_size=8)))
    first = {
        "a": "df", "b": "summary", "c": "big", "d": "avg", "e": "i",
        "s1": "sales.csv", "s2": "price", "s3": "region", "n1": 5, "n2": 100,
    }  # fmt: skip
    copies: list[tuple[dict[str, Any], int | None, bool]] = [(first, None, False)]
    for _ in range(draw(st.integers(1, 3))):
        values = dict(first)
        change = draw(st.sampled_from(["exact", "rename", "literals", "near", "all"]))
        if change in ("rename", "all"):
            for key in ("a", "b", "c", "d", "e"):
                if draw(st.booleans()):
                    values[key] = draw(st.sampled_from(_PASTE_NAMES))
        if change in ("literals", "all"):
            values["s1"] = draw(st.sampled_from(["sales_2024.csv", "other.csv", "q1.csv"]))
            values["n1"] = draw(st.integers(0, 50))
        dropped = draw(st.integers(0, len(lines) - 1)) if change in ("near", "all") else None
        copies.append((values, dropped, draw(st.booleans()) and draw(st.booleans())))
    return PastedBlock(lines, tuple(copies))


# ============================================================================ notebooks


@st.composite
def code_sources(draw: st.DrawFn) -> str:
    """The source of one code cell, from any of the generators above but hypothesmith."""
    kind = draw(st.integers(0, 12))
    if kind <= 4:
        return draw(python_cells())
    if kind <= 7:
        return draw(ipython_cells())
    if kind <= 9:
        return draw(broken_cells())
    if kind == 10:
        return draw(random_text_cells())
    if kind == 11:
        return draw(extreme_cells())
    return ""


_MARKDOWN = (
    "# Sales analysis", "## Section {n}", "### Cleaning\n\nDrop the **bad** rows.", "Notes:\n- one\n- two",
    "```python\nx = 1\n```", "<h2>HTML heading</h2>", "Title\n=====", "#NoSpace", "$$x^2$$", "",
    "# Heading with `code` and [link](http://example.invalid)", "####### too deep", "# ", "\u2028# odd",
)  # fmt: skip


@st.composite
def cell_lists(
    draw: st.DrawFn,
    block: PastedBlock | None = None,
    copies: Sequence[int] = (),
    hypothesmith: bool | None = False,
) -> list[tuple[str, str]]:
    """``(cell type, source)`` pairs: code cells from :func:`code_sources`, markdown
    headings and text, raw cells, and the given copies of ``block``. ``hypothesmith``:
    one cell of random Python from hypothesmith (True), none (False), or in one list of
    40 (None)."""
    cells: list[tuple[str, str]] = []
    for position in range(draw(st.integers(0, 9))):
        kind = draw(st.integers(0, 6))
        if kind == 5:
            cells.append(("markdown", draw(st.sampled_from(_MARKDOWN)).format(n=position)))
        elif kind == 6 and draw(st.booleans()):
            cells.append(("raw", draw(st.sampled_from(["raw text", "%%bash", "", "x = 1"]))))
        else:
            cells.append(("code", draw(code_sources())))
    if block is not None:
        for copy in copies:
            source = block.render(copy)
            at = draw(st.integers(0, len(cells)))
            if at < len(cells) and cells[at][0] == "code" and draw(st.booleans()):
                cells[at] = ("code", cells[at][1] + "\n" + source)  # pasted into a bigger cell
            else:
                cells.insert(at, ("code", source))
    if hypothesmith is None:
        hypothesmith = draw(st.integers(0, 39)) == 39
    if hypothesmith:
        cells.insert(draw(st.integers(0, len(cells))), ("code", draw(HYPOTHESMITH)))
    return cells


_PYTHON_KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


@st.composite
def notebook_metadata(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        return {
            "kernelspec": dict(_PYTHON_KERNEL),
            "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
        }
    if kind == 5:
        return {}
    if kind == 6:
        return {"language_info": {"name": draw(st.sampled_from(["python", "ipython3", "Python"]))}}
    if kind == 7:
        return {
            "kernelspec": draw(st.sampled_from([
                {"display_name": "R", "language": "R", "name": "ir"},
                {"display_name": "Julia 1.9", "language": "julia", "name": "julia-1.9"},
                {"display_name": "Python 3", "language": "", "name": "python3"},
                {"name": "python3"},
            ])),
        }  # fmt: skip
    if kind == 8:
        return {
            "kernelspec": dict(_PYTHON_KERNEL),
            "jupytext": {
                "formats": "ipynb,py:percent",
                "text_representation": {"extension": ".py"},
            },
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        }
    return {"kernelspec": dict(_PYTHON_KERNEL), "toc": {"nav_menu": {}}, "celltoolbar": "Tags"}


@st.composite
def outputs(draw: st.DrawFn, count: int | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 5))
        text = draw(
            st.sampled_from(
                ["42\n", "done\n", "", "a\nb\n", "   col\n0  1.5\n", "\x1b[31mred\x1b[0m"]
            )
        )
        if kind == 0:
            found.append({"output_type": "stream", "name": draw(st.sampled_from(["stdout", "stderr"])),
                          "text": _as_lines(draw, text)})  # fmt: skip
        elif kind == 1:
            found.append({"output_type": "execute_result", "execution_count": count, "metadata": {},
                          "data": {"text/plain": _as_lines(draw, text or "0"),
                                   "text/html": ["<table>\n", "</table>"]}})  # fmt: skip
        elif kind == 2:
            found.append({"output_type": "display_data", "metadata": {"image/png": {"width": 640}},
                          "data": {"image/png": base64.b64encode(b"\x89PNG fake").decode(),
                                   "text/plain": ["<Figure size 640x480 with 1 Axes>"]}})  # fmt: skip
        elif kind == 3:
            found.append({"output_type": "error", "ename": "KeyError", "evalue": "'price'",
                          "traceback": ["\x1b[0;31m-----------------------------------\x1b[0m",
                                        "\x1b[0;31mKeyError\x1b[0m: 'price'"]})  # fmt: skip
        elif kind == 4:
            found.append({"output_type": "display_data", "metadata": {},
                          "data": {"application/json": {"a": [1, 2]},
                                   "application/vnd.plotly.v1+json": {"data": []},
                                   "text/markdown": "**bold**"}})  # fmt: skip
        else:
            found.append({"output_type": "update_display_data", "data": {}, "metadata": {},
                          "transient": {"display_id": "x"}})  # fmt: skip
    return found


def _as_lines(draw: st.DrawFn, text: str) -> str | list[str]:
    """Text the way notebooks store it: a string, a list of lines, or arbitrary chunks."""
    form = draw(st.integers(0, 3))
    if form == 0 or not text:
        return text
    if form in (1, 2):
        return text.splitlines(keepends=True)
    cut = draw(st.integers(0, len(text)))
    return [text[:cut], text[cut:]]


@st.composite
def notebook_documents(draw: st.DrawFn, cells: list[tuple[str, str]]) -> dict[str, Any]:
    """A valid nbformat 4 document holding ``cells``."""
    ids = draw(st.sampled_from(["all", "all", "none", "some", "duplicate"]))
    counts_style = draw(st.sampled_from(["in order", "none", "shuffled", "gaps", "restarted"]))
    line_ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    code_positions = [n for n, (kind, _) in enumerate(cells) if kind == "code"]
    counts: list[int | None] = list(range(1, len(code_positions) + 1))
    if counts_style == "none":
        counts = [None] * len(counts)
    elif counts_style == "shuffled":
        counts = draw(st.permutations(counts))
    elif counts_style == "gaps":
        counts = [c if draw(st.booleans()) else None for c in counts]
    elif counts_style == "restarted":
        counts = [c % 3 + 1 for c in counts]
    built: list[dict[str, Any]] = []
    for number, (kind, source) in enumerate(cells):
        if line_ending != "\n":
            source = source.replace("\n", line_ending)
        cell: dict[str, Any] = {
            "cell_type": kind,
            "metadata": {},
            "source": _as_lines(draw, source),
        }
        if ids == "all" or (ids == "some" and draw(st.booleans())):
            cell["id"] = (
                f"c{number:04d}-{hashlib.sha1(source.encode('utf-8', 'replace')).hexdigest()[:6]}"
            )
        elif ids == "duplicate":
            cell["id"] = "same-id"
        if draw(st.integers(0, 5)) == 0:
            cell["metadata"] = draw(st.sampled_from([
                {"tags": ["parameters"]}, {"tags": ["raises-exception"]}, {"collapsed": True},
                {"jupyter": {"source_hidden": True}}, {"scrolled": "auto"}, {"tags": ["nbrefactor:ignore"]},
            ]))  # fmt: skip
        if kind == "code":
            count = counts[code_positions.index(number)]
            cell["execution_count"] = count
            cell["outputs"] = (
                draw(outputs(count)) if count is not None or draw(st.booleans()) else []
            )
        elif kind == "markdown" and draw(st.integers(0, 7)) == 0:
            cell["attachments"] = {"image.png": {"image/png": "iVBORw0KGgo="}}
        built.append(cell)
    return {
        "cells": built,
        "metadata": draw(notebook_metadata()),
        "nbformat": 4,
        "nbformat_minor": 5 if ids in ("all", "duplicate") else draw(st.sampled_from([4, 5, 2, 0])),
    }


def _to_json(document: Any, indent_by: int | None, ascii_only: bool) -> bytes:
    text = json.dumps(document, indent=indent_by, ensure_ascii=ascii_only) + "\n"
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate gives bytes that are not UTF-8


@st.composite
def serialized(draw: st.DrawFn, document: Any) -> bytes:
    """``document`` as JSON bytes, written the way some tool might have written it."""
    data = _to_json(document, draw(st.sampled_from([1, None, 2])), draw(st.booleans()))
    form = draw(st.integers(0, 6))
    if form == 4:
        data = b"\xef\xbb\xbf" + data
    elif form == 5:
        data = data.replace(b"\n", b"\r\n")
    return data


# -- corrupting documents --------------------------------------------------------------------

_WRONG_VALUES = (
    None, 0, 1, -1, 3.5, True, False, "", "x", "4", [], [1, "a"], [None], {}, {"a": 1}, [[]],
    {"cells": []}, ["line\n", 3], float("nan"), 10**30, "\ud800",
)  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path in a JSON value, outermost first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


@st.composite
def corrupted_documents(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """``document`` with one to three fields given a wrong value, deleted or renamed; or
    a special case (nbformat versions, nbformat 3, whole document of the wrong type)."""
    document = json.loads(json.dumps(document))  # a copy: sampled values are shared
    special = draw(st.integers(0, 9))
    if special == 0:
        document["nbformat"] = draw(st.sampled_from([3, 5, "4", 4.0, None, 2, -4, True, [4]]))
        return document
    if special == 1:
        return draw(st.sampled_from([[], "notebook", None, 4, [document], {"nbformat": 4}]))
    if special == 2:
        return nbformat3(document, draw)
    if special == 3:
        document["metadata"] = {
            "kernelspec": draw(st.sampled_from(["python3", ["python"], None, {"language": ["python"]},
                                                {"language": 3}, {"name": {}}, {}])),
            "language_info": draw(st.sampled_from(["python", None, {"name": None}, [1], {"name": 3.11}])),
        }  # fmt: skip
        return document
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(document))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.integers(0, 4))
        if action == 0 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == 1 and isinstance(parent, dict):
            parent[draw(st.sampled_from(["Cells", "source ", "output_type", "id", "extra"]))] = (
                parent.pop(path[-1])
            )
        else:
            wrong = draw(st.sampled_from(_WRONG_VALUES))
            parent[path[-1]] = json.loads(json.dumps(wrong)) if wrong == wrong else wrong
    return document


def nbformat3(document: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """The cells of ``document`` in an nbformat 3 document (worksheets, ``input``,
    ``prompt_number``), sometimes with a wrong type in its own fields."""
    cells = []
    for cell in document.get("cells", []):
        if cell.get("cell_type") == "code":
            cells.append({"cell_type": "code", "collapsed": False, "input": cell["source"],
                          "language": "python", "metadata": {}, "outputs": [],
                          "prompt_number": cell.get("execution_count")})  # fmt: skip
        else:
            cells.append(
                {"cell_type": cell.get("cell_type"), "metadata": {}, "source": cell["source"]}
            )
    worksheets: Any = [{"cells": cells, "metadata": {}}]
    damage = draw(st.integers(0, 4))
    if damage == 1:
        worksheets = draw(st.sampled_from([{"cells": cells}, [1], [{"cells": 3}], "ws", None]))
    elif damage == 2 and cells:
        cells[0] = draw(st.sampled_from(["cell", 3, None, {"cell_type": "heading", "level": "x"}]))
    return {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": worksheets,
    }


@st.composite
def corrupted_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` damaged as files get damaged: cut short, bad bytes, wrong encodings."""
    damage = draw(st.integers(0, 10))
    position = draw(st.integers(0, len(data)))
    if damage == 0:
        return data[:position]
    if damage == 1:
        return (
            data[:position]
            + draw(st.sampled_from([b"\xff", b"\xc3(", b"\x80", b"\xed\xa0\x80", b"\x00"]))
            + data[position:]
        )
    if damage == 2:
        return data.decode("utf-8", "replace").encode("utf-16")
    if damage == 3:
        return data.decode("utf-8", "replace").encode("latin-1", "replace") + "é".encode("latin-1")
    if damage == 4:
        return draw(st.sampled_from([b"", b" \n", b"null", b"[]", b"{}", b"\xef\xbb\xbf", b'{"nbformat": 4}',
                                     b"\xef\xbb\xbf\xef\xbb\xbf{}", b"\x00\x00"]))  # fmt: skip
    if damage == 5 and data:
        index = min(position, len(data) - 1)
        return data[:index] + bytes([data[index] ^ draw(st.integers(1, 255))]) + data[index + 1 :]
    if damage == 6:
        return data.replace(b'"execution_count": 1', b'"execution_count": NaN').replace(
            b'"nbformat_minor": 5', b'"nbformat_minor": Infinity'
        )
    if damage == 7:
        depth = draw(st.integers(100, 200_000))
        return data.replace(
            b'"metadata": {', b'"metadata": {"deep": ' + b"[" * depth + b"]" * depth + b", ", 1
        )
    if damage == 8:
        return data.replace(b'"nbformat": 4', b'"nbformat": 4, "nbformat": 5', 1)
    if damage == 9:
        return data + draw(st.sampled_from([b"\n{}", b"garbage", b"\x00", b"]"]))
    return data[position:]


# -- text notebooks --------------------------------------------------------------------------

_PERCENT_HEADER = """\
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


def _commented(source: str) -> str:
    return "\n".join(f"# {line}" if line else "#" for line in source.split("\n"))


@st.composite
def text_notebooks(draw: st.DrawFn, cells: list[tuple[str, str]]) -> tuple[str, bytes]:
    """``cells`` as a jupytext text notebook: the file name and its bytes."""
    style = draw(st.sampled_from(["percent", "percent", "light", "script", "markdown"]))
    comment_magics = draw(st.booleans())

    def code(source: str) -> str:
        if not comment_magics:
            return source
        return re.sub(r"(?m)^(\s*)([%!?])", r"\1# \2", source)

    parts: list[str] = []
    header = draw(st.integers(0, 4))
    if header in (0, 1) and style != "markdown":
        parts.append(_PERCENT_HEADER.format(display="Python 3", language="python", name="python3"))
    elif header == 2 and style != "markdown":
        parts.append(_PERCENT_HEADER.format(display="R", language="R", name="ir"))
    elif header == 3:
        parts.append("# ---\n# jupyter:\n#   kernelspec: [\n# ---\n")
    name = "nb.md" if style == "markdown" else "nb.py"
    for kind, source in cells:
        if style == "percent":
            marker = draw(
                st.sampled_from(["# %%", "#%%", "# %% Title", '# %% tags=["x"]', "# %% [markdown]"])
            )
            if kind == "code":
                parts.append(f"{marker if '[markdown]' not in marker else '# %%'}\n{code(source)}")
            else:
                parts.append(f"# %% [{kind}]\n{_commented(source)}")
        elif style == "light":
            if kind == "code":
                parts.append(f"# +\n{code(source)}\n# -" if draw(st.booleans()) else code(source))
            else:
                parts.append(_commented(source))
        elif style == "script":
            parts.append(code(source) if kind == "code" else _commented(source))
        elif kind == "code":
            parts.append(f"```python\n{source}\n```")
        else:
            parts.append(source)
    text = "\n\n".join(parts) + draw(st.sampled_from(["\n", "", "\n\n\n"]))
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 7)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 11)) == 0:
        data = draw(corrupted_bytes(data))
    return name, data


# -- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One generated input: the notebook under test and a second notebook beside it
    (the folder ``check`` is run on, the repository the hook compares with)."""

    kind: str
    name: str  # nb.ipynb, nb.py or nb.md
    data: bytes
    partner: bytes  # partner.ipynb

    @property
    def digest(self) -> str:
        return hashlib.sha256(
            b"%s\0%s\0%s" % (self.name.encode(), self.data, self.partner)
        ).hexdigest()

    def text(self) -> str:
        return (self.data + b"\n" + self.partner).decode("utf-8", "replace")


KINDS = ("ipynb", "ipynb-corrupt-fields", "ipynb-corrupt-bytes", "text")
#: The kinds' shares of a run, out of 20.
_KIND_WEIGHTS = {"ipynb": 11, "ipynb-corrupt-fields": 4, "ipynb-corrupt-bytes": 2, "text": 3}


@st.composite
def cases(draw: st.DrawFn, kinds: Sequence[str] = KINDS, hypothesmith: bool | None = None) -> Case:
    """A notebook under test and its partner; ``kinds`` limits what the first one is,
    ``hypothesmith`` forces (True) or forbids (False) a cell of random Python from
    hypothesmith (by default, one notebook in 40 has one)."""
    weighted = [kind for kind in kinds for _ in range(_KIND_WEIGHTS[kind])]
    kind = draw(st.sampled_from(weighted))
    block = draw(pasted_blocks()) if draw(st.integers(0, 2)) else None
    copies = range(len(block.copies)) if block else range(0)
    here = [c for c in copies if c == 0 or draw(st.booleans())]
    there = [c for c in copies if c not in here or draw(st.integers(0, 3)) == 0]
    cells = draw(cell_lists(block, here, hypothesmith))
    if kind == "text":
        name, data = draw(text_notebooks(cells))
    else:
        document = draw(notebook_documents(cells))
        name = "nb.ipynb"
        if kind == "ipynb-corrupt-fields":
            data = _to_json(draw(corrupted_documents(document)), 1, draw(st.booleans()))
        else:
            data = draw(serialized(document))
        if kind == "ipynb-corrupt-bytes":
            data = draw(corrupted_bytes(data))
    partner_kind = draw(st.integers(0, 9))
    if partner_kind == 0 and name == "nb.ipynb":
        partner = data  # the same notebook twice
    elif partner_kind == 1:
        partner = draw(corrupted_bytes(_to_json(draw(notebook_documents([])), 1, True)))
    else:
        partner_cells = [("code", block.render(c)) for c in there] if block else []
        partner_cells += [("code", draw(python_cells())) for _ in range(draw(st.integers(0, 2)))]
        partner = draw(serialized(draw(notebook_documents(partner_cells))))
    return Case(kind, name, data, partner)


# ============================================================================ running


ENTRY_POINTS = ("graph", "graph-json", "check", "check-folder", "extract", "hook")
#: Cheapest first: the entry point a crash is shrunk through.
_SHRINK_ORDER = ("graph", "graph-json", "check", "check-folder", "hook", "extract")
TRACEBACK = "Traceback (most recent call last)"
_FRAME = re.compile(
    r'^  File "(?P<file>.+)", line (?P<line>\d+), in (?P<function>.+)$', re.MULTILINE
)


class EntryPointTimeout(BaseException):
    """Raised by the alarm when an entry point runs too long; a BaseException so that
    nbrefactor's ``except Exception`` cannot turn it into an exit code."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one entry point made of one case."""

    entry: str
    exit_code: int | None  # None: timed out
    internal: bool
    seconds: float
    traceback: str = ""  # of an internal error
    exception: str = ""  # its last line: "ValueError: message"
    frame: str = ""  # innermost nbrefactor frame: "nbrefactor/x.py:12 in f"
    wrote: tuple[str, ...] = ()  # files a dry run created or changed
    warnings: tuple[str, ...] = ()
    output: str = ""

    @property
    def bug(self) -> tuple[str, str]:
        """What tells two internal errors apart: exception class and where it was raised."""
        return self.exception.split(":")[0], self.frame


def short_path(file: str) -> str:
    for marker in ("/nbrefactor/", "/site-packages/", "/lib/python3."):
        at = file.rfind(marker)
        if at >= 0:
            rest = file[at + 1 :]
            return rest.split("/", 1)[1] if marker == "/lib/python3." else rest
    return Path(file).name


def frames_of(text: str) -> list[str]:
    return [
        f"{short_path(m['file'])}:{m['line']} in {m['function']}" for m in _FRAME.finditer(text)
    ]


def exception_line(text: str) -> str:
    """The ``Class: message`` line that ends a traceback (or an internal-error message)."""
    frames = list(_FRAME.finditer(text))
    rest = text[frames[-1].end() :] if frames else text
    candidates = [line for line in rest.splitlines() if line and not line.startswith((" ", "\t"))]
    if not frames:
        candidates = [line for line in candidates if not line.startswith("nbrefactor")]
    return candidates[0] if candidates else text.strip().splitlines()[-1] if text.strip() else ""


def innermost_own_frame(text: str) -> str:
    frames = frames_of(text)
    own = [frame for frame in frames if frame.startswith("nbrefactor/")]
    return (own or frames or [""])[-1]


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
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


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, env=_git_env(), check=True, capture_output=True, timeout=60
    )


class Pipeline:
    """Runs cases through the entry points in a work folder of its own.

    ``hook`` runs the pre-commit hook in a git repository made once (about 15 ms a case
    more, for ``git add`` and the hook's own two git calls).
    """

    def __init__(
        self, root: Path, *, entries: Sequence[str] = ENTRY_POINTS, timeout: float = 60.0
    ) -> None:
        self.root = root
        self.timeout = timeout
        self.entries = tuple(entries)
        if "hook" in self.entries and shutil.which("git") is None:
            self.entries = tuple(e for e in self.entries if e != "hook")
        self.runner = CliRunner()
        self.case_dir = root / "case"
        self.repo = root / "repo"
        self._env = _git_env()

    # -- one case ----------------------------------------------------------------------

    def run(self, case: Case, entries: Sequence[str] | None = None) -> list[Outcome]:
        self.write(case)
        return [self.run_entry(case, entry) for entry in (entries or self.entries)]

    def write(self, case: Case) -> None:
        shutil.rmtree(self.case_dir, ignore_errors=True)
        folder = self.case_dir / "folder"
        folder.mkdir(parents=True)
        (self.case_dir / case.name).write_bytes(case.data)
        (folder / case.name).write_bytes(case.data)
        (folder / "partner.ipynb").write_bytes(case.partner)

    def run_entry(self, case: Case, entry: str, *, debug: bool = False) -> Outcome:
        """Run one entry point on ``case`` (already written by :meth:`run`)."""
        notebook = str(self.case_dir / case.name)
        if entry == "hook":
            return self._hook(case)
        arguments = {
            "graph": ["graph", notebook],
            "graph-json": ["graph", notebook, "--format", "json"],
            "check": ["check", notebook, "--no-cache"],
            "check-folder": ["check", str(self.case_dir / "folder"), "--no-cache"],
            "extract": [
                "extract",
                notebook,
                "--dry-run",
                "--project-dir",
                str(self.case_dir / "proj"),
                "--package",
                "pkg",
            ],  # fmt: skip
        }[entry]
        started = time.perf_counter()
        try:
            with _alarm(self.timeout), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = self.runner.invoke(
                    cli.main, ["--debug", *arguments] if debug else arguments
                )
        except EntryPointTimeout:
            return Outcome(entry, None, False, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        seen = tuple(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        wrote = self._dry_run_writes(case) if entry == "extract" else ()
        output = result.output
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        leaked = TRACEBACK in output and TRACEBACK not in case.text()
        if not (result.exit_code == INTERNAL_ERROR or crashed or leaked):
            return Outcome(entry, result.exit_code, False, seconds, wrote=wrote, warnings=seen)
        text = self._traceback(result) or output
        if not crashed and not debug:  # the handler printed one line: rerun for the traceback
            text = self._traceback(self.runner.invoke(cli.main, ["--debug", *arguments])) or output
        return Outcome(
            entry, result.exit_code, True, seconds, text, exception_line(text),
            innermost_own_frame(text), wrote, seen, output,
        )  # fmt: skip

    @staticmethod
    def _traceback(result: Result) -> str:
        if result.exc_info is None or isinstance(result.exception, SystemExit):
            return ""
        return "".join(traceback.format_exception(*result.exc_info))

    def _dry_run_writes(self, case: Case) -> tuple[str, ...]:
        changed = []
        if (self.case_dir / "proj").exists():
            changed.append("proj/")
        if (self.case_dir / case.name).read_bytes() != case.data:
            changed.append(case.name)
        return tuple(changed)

    def _hook(self, case: Case) -> Outcome:
        if not self.repo.exists():
            self.repo.mkdir(parents=True)
            _git(self.repo, "init", "-q")
        for child in self.repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        (self.repo / case.name).write_bytes(case.data)
        (self.repo / "partner.ipynb").write_bytes(case.partner)
        subprocess.run(
            ["git", "add", "-A"], cwd=self.repo, env=self._env, check=True, capture_output=True
        )
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        text = ""
        code: int | None
        try:
            with (
                _alarm(self.timeout),
                warnings.catch_warnings(record=True) as caught,
                _working_directory(self.repo),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
            ):
                warnings.simplefilter("always")
                code = duplicates_hook.main([case.name, "--no-cache"])
        except EntryPointTimeout:
            return Outcome("hook", None, False, time.perf_counter() - started)
        except Exception:  # the hook's own handler missed it
            code, text = None, traceback.format_exc()
        seconds = time.perf_counter() - started
        seen = tuple(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        output = out.getvalue() + err.getvalue()
        leaked = TRACEBACK in output and TRACEBACK not in case.text()
        if code != INTERNAL_ERROR and not text and not leaked:
            return Outcome("hook", code, False, seconds, warnings=seen)
        text = text or output
        return Outcome(
            "hook", code, True, seconds, text, exception_line(text), innermost_own_frame(text),
            (), seen, output,
        )  # fmt: skip


# ============================================================================ the run


@dataclass
class Found:
    """An internal error as first seen: where to replay it from, and what it was."""

    outcome: Outcome
    case: Case
    batch: int
    index: int  # the call of the batch's test function that produced it


@dataclass
class BatchReport:
    examples: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    exit_codes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    seconds: Counter[str] = field(default_factory=Counter)
    slowest: dict[str, tuple[float, int, int]] = field(default_factory=dict)
    errors: list[Found] = field(default_factory=list)
    timeouts: list[Found] = field(default_factory=list)
    dry_run_writes: list[Found] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)

    def merge(self, other: BatchReport) -> None:
        self.examples += other.examples
        self.kinds.update(other.kinds)
        for entry, codes in other.exit_codes.items():
            self.exit_codes[entry].update(codes)
        self.seconds.update(other.seconds)
        for entry, slow in other.slowest.items():
            if entry not in self.slowest or slow[0] > self.slowest[entry][0]:
                self.slowest[entry] = slow
        self.errors += other.errors
        self.timeouts += other.timeouts
        self.dry_run_writes += other.dry_run_writes
        self.warnings.update(other.warnings)


def batch_seed(seed: int, batch: int) -> int:
    return seed * 1_000_003 + batch


def _settings(examples: int, phases: Sequence[Phase]) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,  # the seed comes from @seed(batch_seed(...))
        phases=phases,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


_PIPELINE: Pipeline | None = None  # one per worker process


def _worker_pipeline(root: Path, entries: Sequence[str], timeout: float) -> Pipeline:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline(Path(tempfile.mkdtemp(dir=root)), entries=entries, timeout=timeout)
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
    """One Hypothesis run of ``job.examples`` cases through every entry point."""
    pipeline = _worker_pipeline(job.root, job.entries, job.timeout)
    report = BatchReport()

    @hypothesis_seed(batch_seed(job.seed, job.batch))
    @_settings(job.examples, [Phase.generate])
    @given(cases())
    def fuzz(case: Case) -> None:
        index = report.examples
        report.examples += 1
        report.kinds[case.kind] += 1
        for outcome in pipeline.run(case):
            code = (
                "timeout"
                if outcome.exit_code is None and not outcome.internal
                else str(outcome.exit_code)
            )
            report.exit_codes[outcome.entry][code] += 1
            report.seconds[outcome.entry] += outcome.seconds
            if outcome.seconds > report.slowest.get(outcome.entry, (0.0, 0, 0))[0]:
                report.slowest[outcome.entry] = (outcome.seconds, job.batch, index)
            report.warnings.update(f"{outcome.entry}: {w}" for w in outcome.warnings)
            found = Found(outcome, case, job.batch, index)
            if outcome.internal:
                report.errors.append(found)
            elif outcome.exit_code is None:
                report.timeouts.append(found)
            if outcome.wrote:
                report.dry_run_writes.append(found)

    fuzz()
    return report


@dataclass(frozen=True, slots=True)
class ShrinkJob:
    seed: int
    found: Found
    examples: int
    root: Path
    seconds: float


@dataclass(frozen=True, slots=True)
class Shrunk:
    case: Case | None  # None: the batch did not replay to the same notebook
    calls: int


def shrink(job: ShrinkJob) -> Shrunk:
    """Replay the batch that found ``job.found`` up to the failing case, then let
    Hypothesis shrink it, keeping cases that fail the same way (same exception class
    and innermost nbrefactor frame) through the same entry point."""
    found = job.found
    pipeline = _worker_pipeline(job.root, (found.outcome.entry,), 0.0)
    state: dict[str, Any] = {"calls": 0, "start": None, "best": None, "diverged": False}
    failing: set[str] = set()

    @hypothesis_seed(batch_seed(job.seed, found.batch))
    @_settings(job.examples, [Phase.generate, Phase.shrink])
    @given(cases())
    def replay(case: Case) -> None:
        call = state["calls"]
        state["calls"] += 1
        if state["start"] is None:
            if call < found.index or state["diverged"]:
                return
            if case.digest != found.case.digest:
                state["diverged"] = True
                return
            state["start"] = time.monotonic()
        pipeline.write(case)
        outcome = pipeline.run_entry(case, found.outcome.entry, debug=True)
        if not outcome.internal or outcome.bug != found.outcome.bug:
            return
        if case.digest not in failing and time.monotonic() - state["start"] > job.seconds:
            return  # out of time: accept nothing new, so the shrinker stops
        failing.add(case.digest)
        best = state["best"]
        if best is None or len(case.data) + len(case.partner) <= len(best.data) + len(best.partner):
            state["best"] = case
        raise AssertionError("reproduced")

    with contextlib.suppress(Exception):
        replay()
    return Shrunk(state["best"], state["calls"])


# ============================================================================ reporting


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-")[:40]


def write_reproducer(
    folder: Path, found: Found, minimal: Case | None, entries: Sequence[str]
) -> Path:
    """The files of one internal error; returns the minimal notebook's path."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "original").mkdir(parents=True)
    case = minimal or found.case
    (folder / case.name).write_bytes(case.data)
    (folder / "partner.ipynb").write_bytes(case.partner)
    (folder / "original" / found.case.name).write_bytes(found.case.data)
    (folder / "original" / "partner.ipynb").write_bytes(found.case.partner)
    (folder / "traceback.txt").write_text(found.outcome.traceback, encoding="utf-8")
    name = case.name
    commands = {
        "graph": f"nbrefactor --debug graph {name}",
        "graph-json": f"nbrefactor --debug graph {name} --format json",
        "check": f"nbrefactor --debug check {name} --no-cache",
        "check-folder": f"mkdir -p folder && cp {name} partner.ipynb folder/ && "
        "nbrefactor --debug check folder --no-cache",
        "extract": f"nbrefactor --debug extract {name} --dry-run --project-dir proj --package pkg",
        "hook": f"mkdir -p repo && cp {name} partner.ipynb repo/ && cd repo && git init -q && "
        f"git add -A && nbrefactor-duplicates {name} --no-cache",
    }
    lines = ["#!/bin/sh", "# internal errors reproduced by each of these (run from this folder)"]
    lines += [commands[entry] for entry in entries]
    (folder / "reproduce.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / name


def _format_counts(counts: Counter[str]) -> str:
    order = sorted(counts, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))
    return "  ".join(f"{code}: {counts[code]}" for code in order)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="notebooks to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nbrefactor-fuzz")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--batch", type=int, default=200, help="notebooks per Hypothesis run")
    parser.add_argument("--no-hook", action="store_true", help="skip the pre-commit hook")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds an entry point may run"
    )
    parser.add_argument("--shrink-seconds", type=float, default=60.0, help="per distinct error")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser.parse_args(argv)


def _pool_map(
    jobs: int, function: Callable[[Any], Any], items: Sequence[Any], progress: Callable[[Any], None]
) -> list[Any]:
    if jobs <= 1 or len(items) <= 1:
        results = []
        for item in items:
            results.append(function(item))
            progress(results[-1])
        return results
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results = []
    with context.Pool(jobs, maxtasksperchild=None) as pool:
        for result in pool.imap(function, items):
            results.append(result)
            progress(result)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=SyntaxWarning)  # hypothesmith compiles odd code
    entries = tuple(e for e in ENTRY_POINTS if not (args.no_hook and e == "hook"))
    if "hook" in entries and shutil.which("git") is None:
        print("git not found: the hook is skipped", file=sys.stderr)
        entries = tuple(e for e in entries if e != "hook")
    args.out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="nbrefactor-fuzz-work-"))
    started = time.perf_counter()
    sizes = [args.batch] * (args.examples // args.batch)
    if args.examples % args.batch:
        sizes.append(args.examples % args.batch)
    batch_jobs = [
        BatchJob(args.seed, n, size, root, entries, args.timeout) for n, size in enumerate(sizes)
    ]
    report = BatchReport()

    def progress(batch: BatchReport) -> None:
        report.merge(batch)
        print(
            f"  {report.examples} notebooks, {len(report.errors)} internal errors, "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    try:
        _pool_map(args.jobs, run_batch, batch_jobs, progress)
        fuzz_seconds = time.perf_counter() - started
        bugs: dict[tuple[str, str], list[Found]] = defaultdict(list)
        for found in report.errors:
            bugs[found.outcome.bug].append(found)
        firsts = []
        for seen in bugs.values():
            entries_seen = {f.outcome.entry for f in seen}
            entry = next(e for e in _SHRINK_ORDER if e in entries_seen)
            firsts.append(
                min((f for f in seen if f.outcome.entry == entry), key=lambda f: (f.batch, f.index))
            )
        shrink_jobs = [
            ShrinkJob(args.seed, found, sizes[found.batch], root, args.shrink_seconds)
            for found in firsts
        ]
        if shrink_jobs:
            print(f"shrinking {len(shrink_jobs)} distinct internal errors", file=sys.stderr)
        shrunk = _pool_map(args.jobs, shrink, shrink_jobs, lambda _: None)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total_seconds = time.perf_counter() - started
    summary = _summary(args, report, bugs, firsts, shrunk, fuzz_seconds, total_seconds, entries)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_summary(summary, report)
    return 1 if bugs else 0


def _summary(
    args: argparse.Namespace,
    report: BatchReport,
    bugs: dict[tuple[str, str], list[Found]],
    firsts: list[Found],
    shrunk: list[Shrunk],
    fuzz_seconds: float,
    total_seconds: float,
    entries: Sequence[str],
) -> dict[str, Any]:
    distinct = []
    for number, (found, result) in enumerate(zip(firsts, shrunk, strict=True), start=1):
        seen = bugs[found.outcome.bug]
        by_entry = Counter(f.outcome.entry for f in seen)
        exception = found.outcome.exception.split(":")[0]
        function = found.outcome.frame.rsplit(" in ", 1)[-1]
        folder = args.out / f"bug-{number:02d}-{_slug(exception)}-{_slug(function)}"
        path = write_reproducer(
            folder, found, result.case, sorted(by_entry, key=ENTRY_POINTS.index)
        )
        distinct.append({
            "exception": found.outcome.exception,
            "frame": found.outcome.frame,
            "last_frames": frames_of(found.outcome.traceback)[-4:],
            "entry_points": dict(by_entry),
            "notebooks": len({(f.batch, f.index) for f in seen}),
            "first_seen": {"batch": found.batch, "index": found.index, "kind": found.case.kind},
            "shrunk": result.case is not None,
            "bytes": {"original": len(found.case.data), "minimal": len((result.case or found.case).data)},
            "reproducer": str(path),
        })  # fmt: skip
    timeouts = []
    for number, found in enumerate(report.timeouts, start=1):
        folder = args.out / f"timeout-{number:02d}-{found.outcome.entry}"
        path = write_reproducer(folder, found, None, [found.outcome.entry])
        timeouts.append(
            {"entry_point": found.outcome.entry, "kind": found.case.kind, "reproducer": str(path)}
        )
    return {
        "examples": report.examples,
        "seed": args.seed,
        "jobs": args.jobs,
        "entry_points": list(entries),
        "seconds": {"fuzzing": round(fuzz_seconds, 1), "total": round(total_seconds, 1)},
        "kinds": dict(report.kinds),
        "exit_codes": {entry: dict(report.exit_codes[entry]) for entry in entries},
        "entry_point_seconds": {entry: round(report.seconds[entry], 1) for entry in entries},
        "slowest": {e: round(s[0], 2) for e, s in report.slowest.items()},
        "internal_errors": distinct,
        "timeouts": timeouts,
        "dry_run_writes": [
            {"wrote": list(f.outcome.wrote), "kind": f.case.kind} for f in report.dry_run_writes
        ],
        "warnings": dict(report.warnings.most_common(20)),
    }


def _print_summary(summary: dict[str, Any], report: BatchReport) -> None:
    print(
        f"nbrefactor fuzz: {summary['examples']} notebooks generated (seed {summary['seed']}, "
        f"{summary['jobs']} jobs) in {summary['seconds']['fuzzing']} s; "
        f"{summary['seconds']['total']} s with shrinking"
    )
    print(
        "kinds: " + ", ".join(f"{kind} {count}" for kind, count in sorted(summary["kinds"].items()))
    )
    print("exit codes per entry point (seconds spent, slowest run):")
    for entry in summary["entry_points"]:
        print(
            f"  {entry:<13} {_format_counts(report.exit_codes[entry])}"
            f"   ({summary['entry_point_seconds'][entry]} s, slowest {summary['slowest'].get(entry, 0)} s)"
        )
    errors = summary["internal_errors"]
    print(f"internal errors: {len(errors)} distinct")
    for number, bug in enumerate(errors, start=1):
        entries = ", ".join(f"{e} ({n})" for e, n in bug["entry_points"].items())
        print(f"  {number}. {bug['exception']}")
        print(f"     at {bug['frame']}; {bug['notebooks']} notebooks; through {entries}")
        for frame in bug["last_frames"]:
            print(f"       {frame}")
        shrunk = "shrunk" if bug["shrunk"] else "not shrunk"
        print(f"     reproducer ({shrunk}, {bug['bytes']['minimal']} bytes): {bug['reproducer']}")
    if summary["timeouts"]:
        print(f"timeouts: {len(summary['timeouts'])}")
        for timeout in summary["timeouts"]:
            print(f"  {timeout['entry_point']}: {timeout['reproducer']}")
    if summary["dry_run_writes"]:
        print(f"extract --dry-run wrote files: {len(summary['dry_run_writes'])} times")
    if summary["warnings"]:
        print("warnings that reached the user (most common):")
        for warning, count in summary["warnings"].items():
            print(f"  {count:>6}  {warning[:150]}")


if __name__ == "__main__":
    sys.exit(main())
