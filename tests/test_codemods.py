"""Each codemod on before/after source strings."""

from __future__ import annotations

import libcst as cst
import pytest

from nbrefactor.codemods.add_keyword_parameters import AddKeywordParameters
from nbrefactor.codemods.pass_new_arguments import PassNewArguments
from nbrefactor.codemods.print_to_logging import PrintToLogging
from nbrefactor.codemods.remove_definitions import RemoveDefinitions
from nbrefactor.codemods.remove_imports import RemoveImports
from nbrefactor.notebook.magics import mask


def transform(source: str, transformer: cst.CSTTransformer) -> str:
    return cst.parse_module(source).visit(transformer).code


def test_remove_definitions_takes_their_comments_along() -> None:
    before = (
        "MIN = 1\n\n# fill the gaps\ndef fill(a):\n    return a\n\nclass Keep:\n    pass\n\n"
        "fill(MIN)\n"
    )
    after = "MIN = 1\n\nclass Keep:\n    pass\n\nfill(MIN)\n"
    assert transform(before, RemoveDefinitions({"fill"})) == after


def test_remove_definitions_leaves_nested_ones() -> None:
    before = "def outer():\n    def fill():\n        pass\n    return fill\n"
    assert transform(before, RemoveDefinitions({"fill"})) == before


def test_removing_everything_leaves_an_empty_module() -> None:
    assert transform("# helpers\ndef f():\n    pass\n", RemoveDefinitions({"f"})).strip() == ""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(1)\n", "f(1, df=df)\n"),
        ("f()\n", "f(df=df)\n"),
        ("x = f(a, b=2) + g(f(3))\n", "x = f(a, b=2, df=df) + g(f(3, df=df))\n"),
        ("f(1, df=other)\n", "f(1, df=other)\n"),  # already passed: left alone
        ("obj.f(1)\n", "obj.f(1)\n"),  # a method of the same name is someone else's
        ("f(\n    1,\n)\n", "f(\n    1, df=df)\n"),
    ],
)
def test_pass_new_arguments(before: str, after: str) -> None:
    assert transform(before, PassNewArguments({"f": ("df",)})) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("def f(x):\n    pass\n", "def f(x, *, df):\n    pass\n"),
        ("def f():\n    pass\n", "def f(*, df):\n    pass\n"),
        ("def f(x, y=1, *args, **kw):\n    pass\n", "def f(x, y=1, *args, df, **kw):\n    pass\n"),
        ("def f(x, *, k):\n    pass\n", "def f(x, *, k, df):\n    pass\n"),
        ("def f(df):\n    pass\n", "def f(df):\n    pass\n"),  # a local already
        ("def g(x):\n    def f(y):\n        pass\n", "def g(x):\n    def f(y):\n        pass\n"),
        (
            "class C:\n    def f(self):\n        pass\n",
            "class C:\n    def f(self):\n        pass\n",
        ),
    ],
)
def test_add_keyword_parameters(before: str, after: str) -> None:
    assert transform(before, AddKeywordParameters({"f": ("df",)})) == after


def test_a_cell_with_magics_is_rewritten_and_restored() -> None:
    source = "%matplotlib inline\ndef plot(x):\n    return x\n\n!ls data\nplot(3)\n"
    masked = mask(source)
    code = cst.parse_module(masked.code).visit(RemoveDefinitions({"plot"}))
    code = code.visit(PassNewArguments({"plot": ("ax",)}))
    assert masked.restore(code.code) == "%matplotlib inline\n!ls data\nplot(3, ax=ax)\n"


def test_module_imports_are_laid_out_like_isort() -> None:
    from nbrefactor.emit.imports import import_sections

    found = import_sections(
        [
            "import pandas as pd",
            "from sales.cleaning import load",
            "import os",
            "from collections import Counter",
            "import numpy as np",
            "import os",
        ],
        first_party="sales",
    )
    assert found == [
        ["import os", "from collections import Counter"],
        ["import numpy as np", "import pandas as pd"],
        ["from sales.cleaning import load"],
    ]


@pytest.mark.parametrize(
    ("before", "names", "after"),
    [
        ("import os\nimport re\n", {"os"}, "import re\n"),
        ("import numpy as np, pandas as pd\n", {"np"}, "import pandas as pd\n"),
        ("import os.path\nx = 1\n", {"os"}, "x = 1\n"),
        (
            "from pathlib import (\n    Path,\n    PurePath,\n)\n",
            {"PurePath"},
            "from pathlib import (\n    Path,\n)\n",
        ),
        ("# tools\nimport os\nx = 1\n", {"os"}, "# tools\nx = 1\n"),
        ("x = 1; import json\n", {"json"}, "x = 1\n"),
        ("from math import *\n", {"pi"}, "from math import *\n"),
        ("def f():\n    import os\n", {"os"}, "def f():\n    import os\n"),
    ],
)
def test_remove_imports(before: str, names: set[str], after: str) -> None:
    assert transform(before, RemoveImports(names)) == after


def test_a_cell_that_lost_its_first_imports_starts_with_its_code() -> None:
    before = "import pandas as pd\n\n# the export\nPATH = 'rides.csv'\n"
    assert transform(before, RemoveImports({"pd"})) == "# the export\nPATH = 'rides.csv'\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("print(df.shape)\n", "logger.info('%s', df.shape)\n"),
        ('print("kept", n, "rows")\n', "logger.info('kept %s rows', n)\n"),
        ('print(f"RMSE: {rmse:.3f}")\n', "logger.info('RMSE: %.3f', rmse)\n"),
        ('print(f"{name!r} at 50%")\n', "logger.info('%r at 50%%', name)\n"),
        ('print("50% done")\n', "logger.info('50% done')\n"),  # no arguments: no %-format
        ('print(f"share {x:.1%}")\n', "logger.info('share %s', format(x, '.1%'))\n"),
        ('print(a, b, sep=", ")\n', "logger.info('%s, %s', a, b)\n"),
        ("print()\n", "logger.info('')\n"),
        ('print(f"{{braces}} {n}")\n', "logger.info('{braces} %s', n)\n"),
    ],
)
def test_print_becomes_a_log_call_showing_the_same_text(before: str, after: str) -> None:
    assert transform(before, PrintToLogging()) == after


@pytest.mark.parametrize(
    "source",
    [
        "print(x, file=sys.stderr)\n",  # not standard output
        'print(x, end="")\n',  # no newline: a log line always ends one
        "print(*rows)\n",
        'print(f"{x=}")\n',
        "def print(x):\n    pass\n\nprint(1)\n",  # the module's own print
    ],
)
def test_print_that_logging_cannot_show_the_same_stays(source: str) -> None:
    assert transform(source, PrintToLogging()) == source
