"""A plain ``extract`` (no ``--verify``) must not change what a notebook shows.

Each case is a notebook that today's planner (before these rules) broke silently,
extracted through the command line; both notebooks then run in this process the way a
kernel runs them (tests/soundness.py) and must show the same, or the code that could
not keep its outputs stays with its reason. The last test runs generated notebooks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.verification.compare import compare_runs
from tests.conftest import CellSpec, notebook_dict
from tests.soundness import _importable, check, outputs_of


def extract(folder: Path, *cells: CellSpec, package: str = "pkg") -> tuple[str, list[str]]:
    """Write ``cells`` as a notebook, extract it through the command line; stderr, and
    the differences between what the notebook showed before and after."""
    path = folder / "nb.ipynb"
    path.write_text(json.dumps(notebook_dict(*cells)), encoding="utf-8")
    before = _outputs(path)
    assert before is not None, "the notebook itself must run"
    result = CliRunner().invoke(
        cli.main,
        ["extract", str(path), "--project-dir", str(folder / "p"), "--package", package,
         "--no-autoreload"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with _importable(folder / "p" / "src", package):
        after = _outputs(path)
    assert after is not None, "the refactored notebook raises"
    return result.stderr, [str(d) for d in compare_runs(before, after)]


def dry_run(folder: Path, document: dict[str, Any]) -> str:
    """``extract --dry-run`` of ``document`` (a notebook that need not run here, or
    with stored outputs): what it said."""
    path = folder / "nb.ipynb"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        cli.main,
        ["extract", str(path), "--project-dir", str(folder / "p"), "--package", "pkg",
         "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stderr


def _outputs(path: Path):  # type: ignore[no-untyped-def]
    return outputs_of([(c.id, c.source) for c in read_notebook(path).cells if c.is_code])


def test_a_name_a_called_function_assigns_through_global_is_not_a_parameter(
    tmp_path: Path,
) -> None:
    """The case from the issue: the cell was moved into a function receiving n_boot,
    read before the 300 calls: "0 resamples" instead of "300 resamples"."""
    err, differences = extract(
        tmp_path,
        "import random\nn_boot = 0",
        "def boot_once(rng):\n    global n_boot\n    n_boot += 1\n    return rng.random()",
        "rng = random.Random(0)\nmeans = [boot_once(rng) for _ in range(300)]\n"
        "print(f'{n_boot} resamples')",
    )
    assert differences == []
    assert "NBR216 'cell 3' not extracted" in err and "'n_boot', assigned by boot_once()" in err


def test_through_a_function_it_calls_too(tmp_path: Path) -> None:
    err, differences = extract(
        tmp_path,
        "calls = 0",
        "def count():\n    global calls\n    calls += 1",
        "def work(x):\n    count()\n    return x * 2",
        "total = sum(work(x) for x in range(5))\nprint(total, calls)",
    )
    assert differences == []
    assert "NBR216" in err


def test_a_block_binding_a_name_a_function_it_calls_reads_stays(tmp_path: Path) -> None:
    """ThinkBayes2's bandit: ``counter = Counter()`` then a loop calling a function that
    calls ``play``, which counts in the global ``counter``. In a function, ``counter``
    was a local: ``play`` counted in the old one and the table showed NaN. ``play`` is
    defined twice: the first definition is the one that reads ``counter``."""
    err, differences = extract(
        tmp_path,
        "from collections import Counter\ncounter = Counter()\n"
        "def play(i):\n    counter[i] += 1\n    return i",
        "def play_round(n):\n    return [play(i % 2) for i in range(n)]",
        "counter = Counter()\nfor _ in range(2):\n    play_round(2)\n"
        "print(sorted(counter.items()))",
        "def play(a, b):\n    return a + b",
        "print(play(1, 2))",
    )
    assert differences == []
    assert "NBR214" in err and "'counter', read by play" in err


def test_a_decorated_function_that_would_gain_parameters_stays(tmp_path: Path) -> None:
    """@lru_cache hashes its arguments: a Counter passed as a new keyword raised
    TypeError: unhashable type."""
    err, differences = extract(
        tmp_path,
        "from collections import Counter\nfrom functools import lru_cache\n"
        "counts = Counter('abracadabra')",
        "@lru_cache(maxsize=None)\ndef share(letter):\n"
        "    return counts[letter] / sum(counts.values())",
        "print(round(share('a'), 3))",
    )
    assert differences == []
    assert "NBR217 'share' not extracted" in err and "'counts'" in err


def test_a_main_block_stays_where_it_runs(tmp_path: Path) -> None:
    """Moved into a module, `if __name__ == "__main__":` is false: its prints vanished."""
    err, differences = extract(
        tmp_path,
        "def area(r):\n    return 3 * r * r",
        "if __name__ == '__main__':\n    for r in range(3):\n        print(area(r))\n"
        "    print('done')",
    )
    assert differences == []
    assert "NBR218 'cell 2' not extracted" in err


def test_a_last_expression_silenced_by_a_semicolon_stays_silent(tmp_path: Path) -> None:
    """A never-run cell's `plt.plot(x);` was kept after the call without its `;`."""
    _, differences = extract(
        tmp_path,
        "values = [3, 1, 2]\nordered = sorted(values)\nfirst = ordered[0]\nlast = ordered[-1]\n"
        "ordered.copy();",
        "print(first, last)",
    )
    assert differences == []


def test_a_last_value_of_a_cell_whose_outputs_were_cleared_stays_shown(tmp_path: Path) -> None:
    """The cell ran (it has an execution count) but its outputs were cleared: nothing
    proves `counts.keys()` shows nothing, so it stays after the call (it was lost)."""
    err, differences = extract(
        tmp_path,
        ("code", "counts = dict.fromkeys('abc', 1)\nfor key in list(counts):\n"
         "    counts[key] += len(key)\ncounts.keys()", 4),
        "print(counts)",
    )  # fmt: skip
    assert differences == []
    assert "moved" in err


def test_a_function_doctest_runs_stays_where_doctest_says_it_is(tmp_path: Path) -> None:
    """A failing doctest prints the file of the function: the module's once moved."""
    err, differences = extract(
        tmp_path,
        "from doctest import run_docstring_examples\n"
        "def run_doctests(func):\n    run_docstring_examples(func, globals(), name=func.__name__)",
        'def has_duplicates(t):\n    """>>> has_duplicates(\'aa\')\n    True\n    """\n'
        "    return None",
        "run_doctests(has_duplicates)",
    )
    assert differences == []
    assert "NBR222 'has_duplicates' not extracted" in err


def test_functions_a_doctest_example_calls_stay_unchanged(tmp_path: Path) -> None:
    """doctest runs ``shifted(1)`` in the notebook's namespace: moved with the new
    parameter ``offset``, the example's call (which nbrefactor cannot rewrite) failed."""
    err, differences = extract(
        tmp_path,
        "from doctest import run_docstring_examples\n"
        "def run_doctests(func):\n    run_docstring_examples(func, globals(), name=func.__name__)",
        "offset = len('abc')",
        "def shifted(x):\n    return x + offset",
        'def check(x):\n    """>>> shifted(1)\n    4\n    """\n    return shifted(x)',
        "run_doctests(check)",
    )
    assert differences == []
    assert "NBR222 'shifted' not extracted" in err


def test_a_class_shown_with_its_module_stays(tmp_path: Path) -> None:
    """``print(lunch)`` shows ``<__main__.Time object at 0x...>``; moved, the package's
    module. The outputs were cleared: the cells that show it say so."""
    err, differences = extract(
        tmp_path,
        "class Time(object):\n    pass",
        "lunch = Time()",
        "print(lunch)",
        "class Date:\n    def __repr__(self):\n        return 'Date()'",
        "print(Date())",
    )
    assert differences == []
    assert "NBR223 'Time' not extracted" in err
    assert "NBR223 'Date'" not in err and "moved Date" in err


def test_an_instance_an_f_string_prints_shows_its_class_with_its_module(tmp_path: Path) -> None:
    err, differences = extract(
        tmp_path,
        "class Person:\n    def __init__(self, name):\n        self.name = name",
        "me = Person('Ada')\nprint(f'me: {me}, a {type(me)}')",
    )
    assert differences == []
    assert "NBR223 'Person' not extracted" in err


@pytest.mark.parametrize("asking", ["help(area)", "area?", "?area", "area??"])
def test_a_function_help_is_asked_about_stays(tmp_path: Path, asking: str) -> None:
    """``help(area)`` prints "Help on function area in module __main__"."""
    document = notebook_dict("def area(w, h):\n    return w * h", asking, "area(2, 3)")
    assert "NBR222 'area' not extracted" in dry_run(tmp_path, document)


def test_a_name_the_stored_outputs_show_with_its_module_stays(tmp_path: Path) -> None:
    document = notebook_dict("def area(w, h):\n    return w * h", "area", "area(2, 3)")
    document["cells"][1]["outputs"] = [
        {"output_type": "execute_result", "execution_count": 2, "metadata": {},
         "data": {"text/plain": "<function __main__.area(w, h)>"}}
    ]  # fmt: skip
    err = dry_run(tmp_path, document)
    assert "NBR223 'area' not extracted" in err and "'__main__.area' in cell 2" in err


def test_names_from_a_star_import_of_a_local_module_keep_code_back(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    sys.path.insert(0, str(tmp_path))
    try:
        err, differences = extract(
            tmp_path,
            "from helpers import *",
            "def quadruple(x):\n    return double(double(x))",
            "xs = [quadruple(x) for x in range(3)]\ntotal = sum(xs)\nprint(total)",
        )
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("helpers", None)
    assert differences == []
    assert "NBR205 'quadruple' not extracted" in err
    assert "'double' may come from from helpers import *" in err


def test_a_star_import_of_the_standard_library_is_resolved(tmp_path: Path) -> None:
    err, differences = extract(
        tmp_path,
        "from math import *",
        "def hypotenuse(a, b):\n    return sqrt(a * a + b * b)",
        "print(hypotenuse(3, 4))",
    )
    assert differences == []
    assert "moved hypotenuse" in err
    module = (tmp_path / "p/src/pkg/nb.py").read_text()
    assert "from math import sqrt" in module


@pytest.mark.parametrize("seed", range(24))
def test_generated_notebooks_keep_their_outputs(seed: int, tmp_path: Path) -> None:
    """Notebooks made of globals, global writers, closures, functions passed as values,
    loops and comprehensions (benchmarks/soundness.py runs thousands)."""
    outcome = check(seed, tmp_path)
    if outcome is None:
        pytest.skip("the generated notebook does not run")
    assert outcome.error == ""
    assert outcome.differences == ()
