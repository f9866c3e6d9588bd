"""Properties that must hold for any cell text, not just the forms we thought of."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbrefactor import analyse_source
from nbrefactor.notebook.magics import mask, split_lines

# Lines built from the pieces that matter to masking: escapes, brackets, quotes,
# continuations, indentation, comments and line endings.
_PIECES = st.sampled_from(
    [
        "%",
        "%%",
        "!",
        "!!",
        "?",
        "??",
        "/",
        ",",
        ";",
        "=",
        "x",
        "df",
        "time",
        "timeit",
        "capture",
        "bash",
        " ",
        "    ",
        "\t",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "'",
        '"',
        '"""',
        "'''",
        "\\",
        "#",
        ":",
        "if",
        "for",
        "$",
        "-n1",
        "1",
        "in",
        "lambda",
        "\r",
        "\x0c",
        "\u2028",
    ]
)
_LINE = st.lists(_PIECES, max_size=12).map("".join)
_CELL = st.tuples(st.lists(_LINE, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans()).map(
    lambda t: t[1].join(t[0]) + (t[1] if t[2] else "")
)

_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_CELL)
def test_mask_round_trips_any_text(source: str) -> None:
    masked = mask(source)
    assert masked.restore() == source
    assert len(split_lines(masked.code)) == len(split_lines(source))


@_SETTINGS
@given(_CELL)
def test_masking_never_breaks_python_that_parsed(source: str) -> None:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return
    masked = mask(source)
    ast.parse(masked.code)


@_SETTINGS
@given(st.one_of(_CELL, st.text(max_size=200)))
def test_analysis_never_raises(source: str) -> None:
    facts = analyse_source(source)
    assert facts.parse_error is not None or facts.masked is not None
