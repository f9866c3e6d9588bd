"""IPython syntax masking: every form parses after masking and comes back byte for byte."""

from __future__ import annotations

import ast

import pytest

from nbrefactor.notebook.magics import PLACEHOLDER, mask, unmask

# (id, cell source, expected (kind, name) of each masked region)
FORMS = [
    ("line-magic", "%matplotlib inline\nimport numpy as np\n", [("line_magic", "matplotlib")]),
    (
        "line-magic-args",
        "%config InlineBackend.figure_format = 'retina'\n",
        [("line_magic", "config")],
    ),
    (
        "load-ext",
        "%load_ext autoreload\n%autoreload 2\n",
        [("line_magic", "load_ext"), ("line_magic", "autoreload")],
    ),
    ("env", "%env MY_VAR=1\n", [("line_magic", "env")]),
    ("pip", "%pip install -q pandas==2.2\n", [("line_magic", "pip")]),
    ("shell", "!ls -la data/\n", [("shell", "!")]),
    ("shell-double", "!!ls\n", [("shell", "!!")]),
    ("shell-assign", "files = !ls *.csv\nprint(files)\n", [("shell_assign", "!")]),
    ("shell-assign-tuple", "a, b = !echo 1 2\n", [("shell_assign", "!")]),
    ("magic-assign", "names = %who_ls\n", [("magic_assign", "who_ls")]),
    ("help-suffix", "len?\n", [("help", "?")]),
    ("help-suffix-double", "df.head??\n", [("help", "?")]),
    ("help-prefix", "?print\n", [("help", "?")]),
    ("help-wildcard", "np.*load*?\n", [("help", "?")]),
    ("cell-time", "%%time\ntotal = sum(range(10))\n", [("cell_magic", "time")]),
    (
        "cell-timeit",
        "%%timeit -n1 -r1\nvalues = [i * i for i in range(100)]\n",
        [("cell_magic", "timeit")],
    ),
    ("cell-capture", "%%capture captured\nprint('hidden')\n", [("cell_magic", "capture")]),
    (
        "cell-bash",
        "%%bash\necho hello\nfor f in *.txt; do wc -l $f; done\n",
        [("cell_magic", "bash")],
    ),
    (
        "cell-writefile",
        "%%writefile data/notes.txt\nline one\nline {two}\n",
        [("cell_magic", "writefile")],
    ),
    ("cell-html", "%%html\n<b>bold</b>\n", [("cell_magic", "html")]),
    (
        "cell-after-blank-lines",
        "\n\n%%javascript\nconsole.log(1)\n",
        [("cell_magic", "javascript")],
    ),
    ("indented-line-magic", "if True:\n    %time x = sum(range(10))\n", [("line_magic", "time")]),
    ("indented-shell", "for path in paths:\n    !wc -l {path}\n", [("shell", "!")]),
    ("timeit-line", "%timeit -n 1 -r 1 f(x)\n", [("line_magic", "timeit")]),
    ("prun-line", "%prun -s cumulative main()\n", [("line_magic", "prun")]),
    ("continued-magic", "%timeit \\\n  -n1 f()\nx = 1\n", [("line_magic", "timeit")]),
    ("autocall", "/print 1 2\n", [("autocall", "/")]),
    ("dollar-interp", "!echo $name {count + 1}\n", [("shell", "!")]),
    ("crlf", "%matplotlib inline\r\nx = 1\r\n", [("line_magic", "matplotlib")]),
    # found by hypothesis: a filler line after a lone "\r" must not fuse into "\r\n"
    ("lone-cr", "%%bash\recho 1\n\nls\n", [("cell_magic", "bash")]),
    ("no-trailing-newline", "x = 1\n%who", [("line_magic", "who")]),
    ("run", "%run helpers.py\n", [("line_magic", "run")]),
    ("pylab", "%pylab inline\n", [("line_magic", "pylab")]),
    ("assign-time-expr", "res = %time train(X)\n", [("magic_assign", "time")]),
    ("assign-timeit-o", "r = %timeit -o f(x)\n", [("magic_assign", "timeit")]),
    ("shell-assign-subscript", 'd["k"] = !ls\n', [("shell_assign", "!")]),
    ("shell-assign-attribute", "cfg.files = !ls *.csv\n", [("shell_assign", "!")]),
    ("indented-cell", "    x = 1\n    %time y = x\n", [("line_magic", "time")]),
    ("indented-cell-magic", "  %%time\n  z = 2\n", [("cell_magic", "time")]),
]


@pytest.mark.parametrize(("source", "expected"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_masked_form_parses_and_round_trips(source: str, expected: list[tuple[str, str]]) -> None:
    masked = mask(source)
    ast.parse(masked.code)  # raises if masking left IPython syntax behind
    assert [(m.kind, m.name) for m in masked.magics] == expected
    assert len(masked.code.splitlines()) == len(source.splitlines())
    assert masked.restore() == source


def test_there_are_at_least_twenty_distinct_forms() -> None:
    assert len({f[0] for f in FORMS}) >= 20


@pytest.mark.parametrize(
    "source",
    [
        "x = 10 % 3\n",
        "ratio = (a\n         % b)\n",
        's = """\n%not a magic\n!nor this\n"""\n',
        "if x != 1:\n    y = 2\n",
        "value = 1  # is this right?\n",
        "text = 'what?'\n",
        "d = {\n    'k': 1,\n}\n",
        "total = a + \\\n    b\n",
    ],
)
def test_plain_python_is_left_alone(source: str) -> None:
    masked = mask(source)
    assert masked.code == source
    assert masked.magics == ()


def test_python_bodied_line_magic_keeps_the_statement_analysable() -> None:
    masked = mask("%time result = compute(data)\n")
    tree = ast.parse(masked.code)
    assert isinstance(tree.body[0], ast.Assign)
    assert masked.magics[0].python_body
    assert masked.isolated_lines == frozenset()


def test_timeit_runs_in_its_own_scope() -> None:
    assert mask("%timeit -n1 y = f(x)\n").isolated_lines == {1}
    assert mask("%%timeit\ny = f(x)\nz = y\n").isolated_lines >= {2, 3}
    assert mask("%%time\ny = f(x)\n").isolated_lines == frozenset()


def test_unparseable_magic_arguments_stay_opaque() -> None:
    masked = mask("%timeit -n1 for for in\n")
    assert not masked.magics[0].python_body
    ast.parse(masked.code)


def test_interpolated_names_become_reads() -> None:
    masked = mask("!cp {src_dir}/{name.upper()} $dest\n")
    assert masked.magics[0].reads == ("dest", "src_dir", "name")
    assert masked.code.startswith(f"{PLACEHOLDER}(0, dest, src_dir, name)")


def test_comprehension_names_in_interpolation_are_not_reads() -> None:
    masked = mask("!echo {' '.join(str(i) for i in items)}\n")
    assert masked.magics[0].reads == ("str", "items")


def test_opaque_cell_magic_hides_its_body() -> None:
    masked = mask("%%bash\nx = 1\necho $x\n")
    assert masked.opaque
    assert masked.cell_magic == "bash"
    assert "x = 1" not in masked.code


def test_the_body_of_a_cell_magic_nbrefactor_does_not_know_may_read_names() -> None:
    """ThinkPython's ``%%expect NameError`` runs its body as Python: ``y = y + 1`` reads
    the notebook's ``y`` (moved into a function, it was gone: NameError)."""
    masked = mask("%%expect NameError\ny = y + 1\nprint(total)\n")
    assert masked.opaque
    assert masked.magics[0].reads == ("y", "print", "total")


def test_the_body_of_a_cell_magic_of_another_language_reads_nothing() -> None:
    for source in ("%%writefile job.py\nimport os\nprint(os.getcwd())\n", "%%bash\nx\n"):
        assert mask(source).magics[0].reads == ()


def test_capture_binds_its_variable() -> None:
    masked = mask("%%capture --no-stderr out\nprint(1)\n")
    assert not masked.opaque
    assert masked.code.startswith(f"out = {PLACEHOLDER}(0)")


def test_unmask_follows_a_moved_and_reindented_placeholder() -> None:
    masked = mask("%matplotlib inline\nx = 1\n")
    moved = "def f():\n    x = 1\n    " + masked.code.splitlines()[0] + "\n"
    assert unmask(moved, masked.magics) == "def f():\n    x = 1\n    %matplotlib inline\n"


def test_unmask_multi_line_magic_after_moving() -> None:
    source = "%%bash\necho one\necho two\n"
    masked = mask(source)
    assert unmask("y = 2\n" + masked.code, masked.magics) == "y = 2\n" + source


@pytest.mark.parametrize(
    ("source", "rewritten"),
    [
        ("%time out = f(t)\n", "%time out = f(t, k=k)\n"),
        ("    x = %time f(t)  # slow\n", "    x = %time f(t, k=k)  # slow\n"),
        ("%timeit -n 3 -r 1 f(t)\r\n", "%timeit -n 3 -r 1 f(t, k=k)\r\n"),
        ("out[f(t)] = %time g(1)\n", "out[f(t, k=k)] = %time g(1)\n"),  # in the target
        ("a, é = %time f(t)\n", "a, é = %time f(t, k=k)\n"),
    ],
)
def test_rewritten_statement_of_a_line_magic_is_kept(source: str, rewritten: str) -> None:
    masked = mask(source)
    assert masked.restore(masked.code.replace("f(t)", "f(t, k=k)")) == rewritten
    assert masked.restore() == source


def test_indented_cell_is_dedented_like_ipython() -> None:
    masked = mask("    total = 3\n    %time total += 1\n  odd = 1\n")
    assert masked.code.startswith("total = 3\n")
    assert masked.leading_indent == "    "
    assert masked.dedented_lines == {1, 2}
    ast.parse(masked.code.replace("  odd = 1", "odd = 1"))
    assert masked.restore() == "    total = 3\n    %time total += 1\n  odd = 1\n"


def test_source_positions_point_into_the_users_cell() -> None:
    masked = mask("%time result = compute(data)\n!echo $name\n")
    assert masked.source_position(1, 18, "data") == (1, 24)
    assert masked.source_position(2, 27, "name") == (2, 8)
    indented = mask("    x = y\n")
    assert indented.source_position(1, 5, "y") == (1, 9)


def test_cell_that_does_not_parse_is_masked_but_still_invalid() -> None:
    masked = mask("%matplotlib inline\ndef broken(:\n")
    with pytest.raises(SyntaxError):
        ast.parse(masked.code)
    assert unmask(masked.code, masked.magics) == "%matplotlib inline\ndef broken(:\n"


def test_lines_split_where_python_splits_them() -> None:
    source = 's = "a\u2028%b"\nx = 1\x0c\n    y\n'
    masked = mask(source)
    assert masked.magics == ()  # the "%b" after U+2028 is inside a string, not a magic
    assert masked.code == source


def test_whitespace_only_line_under_an_indented_cell_round_trips() -> None:
    masked = mask(" %\n ")
    assert masked.restore() == " %\n "
