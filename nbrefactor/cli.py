"""The ``nbrefactor`` command line: parse flags, call the API, print; nothing else lives here."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from nbrefactor import __version__
from nbrefactor.analysis.graph import build_graph
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.reader import read_notebook
from nbrefactor.report.graph import GRAPH_FORMATS, GraphFormat, render_graph

P = ParamSpec("P")
R = TypeVar("R")

#: Exit code for a bug in nbrefactor itself (DESIGN.md, "Output conventions").
INTERNAL_ERROR = 123


def _reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`NbrefactorError` into a message and exit code; bugs into exit 123."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except NbrefactorError as error:
            click.echo(f"nbrefactor: error: {error}", err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception:
            context = click.get_current_context(silent=True)
            if context is not None and context.find_root().params.get("debug"):
                raise
            click.echo(
                "nbrefactor: internal error (this is a bug; rerun with --debug for details):\n"
                + traceback.format_exc(limit=-1).strip().splitlines()[-1],
                err=True,
            )
            sys.exit(INTERNAL_ERROR)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nbrefactor")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def main(debug: bool) -> None:
    """Turn exploratory Jupyter notebooks into a tested Python package.

    Notebooks can be .ipynb files or jupytext text notebooks (.py in percent or
    light format, .md, MyST). Exit codes: 0 done, 1 findings, 2 bad input,
    123 internal error.
    """


@main.command()
@click.argument("notebook", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools, mermaid or dot for a picture.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@_reports_errors
def graph(notebook: Path, fmt: GraphFormat, output: Path | None) -> None:
    """Show which cell defines and uses which names, and where hidden state lurks.

    Each code cell lists the names it reads from earlier cells (with the cell
    that provides them), defines, mutates and deletes. Diagnostics follow as
    path:cell_N:line:col: CODE message (NBR100 unparseable cell, NBR101 name
    used before its defining cell, NBR102 undefined name, NBR103 out-of-order
    execution, NBR104 name reused for something else, NBR105 unused
    definition, NBR106 star import / exec / %run, NBR107 cell never run).

    The JSON form is a stable contract: {"notebook", "cells": [{"index", "id",
    "defines", "reads", "mutates", "imports", ...}], "edges": [{"from", "to",
    "names"}], "diagnostics": [{"code", "cell", "line", "message"}]}.
    """
    text = render_graph(build_graph(read_notebook(notebook)), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        from nbrefactor.fileio import write_text_atomic

        write_text_atomic(output, text)
