"""Generated files: jinja2 templates of ``emit/templates`` rendered, and the Python
among them compiled before anything is written."""

from __future__ import annotations

import textwrap
import warnings
from functools import cache

import jinja2

from nbrefactor.errors import NbrefactorError


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("nbrefactor.emit", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, **values: object) -> str:
    """A template from ``emit/templates`` rendered with ``values``."""
    return _templates().get_template(name).render(**values)


def checked_python(text: str, what: str) -> str:
    """``text`` if it compiles; an :class:`NbrefactorError` naming ``what`` if not.

    Compiled, not only parsed: some errors (``case x:`` making later patterns
    unreachable) only show when the code is compiled, and so would on import.
    """
    try:
        with warnings.catch_warnings():  # the user's `"\d"` strings are their business
            warnings.simplefilter("ignore")
            compile(text, what, "exec", dont_inherit=True)
    except SyntaxError as error:
        raise NbrefactorError(
            f"generated code for {what} does not parse (line {error.lineno}: {error.msg}); "
            "this is a bug in nbrefactor, nothing was written"
        ) from None
    return text


def docstring(text: str) -> str:
    """``text`` as the inside of a docstring: one line, or wrapped lines and a newline
    before the closing quotes."""
    lines = textwrap.wrap(text, width=84, break_long_words=False, break_on_hyphens=False)
    return lines[0] if len(lines) == 1 else "\n".join(lines) + "\n"
