"""The ``nbrefactor`` command line: parse flags, call the API, print; nothing else lives here."""

from __future__ import annotations

import keyword
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar

import click

from nbrefactor._version import __version__
from nbrefactor.config import CHECKS, LAYOUTS
from nbrefactor.errors import INTERNAL_ERROR, INTERRUPTED, NbrefactorError
from nbrefactor.progress import ProgressLine, progress_line
from nbrefactor.report.clones import (
    CHECK_FORMATS,
    COLOR_CHOICES,
    CheckFormat,
    ColorChoice,
    split_codes,
    wants_color,
)
from nbrefactor.report.graph import GRAPH_FORMATS, GraphFormat
from nbrefactor.verification.recording import CALLS, DATA_BUDGET, MAX_BYTES, RecordSettings

if TYPE_CHECKING:  # the jobs are imported by the commands that run them
    from nbrefactor.api.results import ExtractionResult
    from nbrefactor.emit.project import Layout
    from nbrefactor.verification.execute import CellProgress

P = ParamSpec("P")
R = TypeVar("R")


def _say_error(error: NbrefactorError) -> None:
    """The one way an error reaches the user: one line (or more, for several) on stderr."""
    click.echo(f"nbrefactor: error: {error}", err=True)


def _reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`NbrefactorError` into a message and its exit code, Ctrl-C into exit
    130, and bugs into exit 123."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except NbrefactorError as error:
            _say_error(error)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("nbrefactor: interrupted", err=True)
            sys.exit(INTERRUPTED)
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
    123 internal error, 130 interrupted.

    Files are written all together or not at all: a run killed while writing is
    undone by the next nbrefactor command, which says so.
    """
    _recover()


def _recover() -> None:
    """Undo what a killed run half wrote (see nbrefactor.emit.journal), and say so."""
    from nbrefactor.emit.state import undo_interrupted_runs

    for line in undo_interrupted_runs():
        click.echo(f"nbrefactor: {line}", err=True)


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

    The JSON form is a stable contract: {"notebook", "cells": [{"index", "cell", "id",
    "defines", "reads", "mutates", "imports", ...}], "edges": [{"from", "to",
    "names"}], "diagnostics": [{"code", "cell", "line", "message"}]}.
    """
    from nbrefactor.api.graph import graph as build
    from nbrefactor.report.graph import render_graph

    text = render_graph(build(notebook), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        from nbrefactor.fileio import write_text_atomic

        write_text_atomic(output, text)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for Actions annotations, sarif for "
    "code-scanning dashboards.",
)
@click.option(
    "--min-statements",
    type=click.IntRange(min=1),
    help="Smallest clone, in statements [default: 3].",
)
@click.option(
    "--min-tokens",
    type=click.IntRange(min=1),
    help="Smallest clone, in syntax-tree tokens [default: 30].",
)
@click.option(
    "--type3/--no-type3",
    default=None,
    help="Also report near copies with statements added, removed or changed [default: on].",
)
@click.option(
    "--exclude",
    multiple=True,
    help="Skip paths matching this gitignore-style pattern (repeatable).",
)
@click.option(
    "--check",
    "checks",
    multiple=True,
    type=click.Choice(CHECKS),
    help="Which checks run (repeatable) [default: duplicates, or `checks` in pyproject.toml].",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Report only these codes, comma-separated; a prefix selects a family "
    "(NBR1 is NBR100-NBR199) [default: all, or `select` in pyproject.toml].",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Do not report these codes or prefixes (added to `ignore` in pyproject.toml).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only copies not recorded in this baseline file [default: the `baseline` "
    "key, else .nbrefactor-baseline.json at the project root, if it exists].",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Record every current copy in the baseline (the file --baseline or the "
    "default names) and exit 0 (2, naming them, if some files could not be read).",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep fingerprints of unchanged files in .nbrefactor_cache/.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--statistics", is_flag=True, help="Print how many findings of each code, not the findings."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the findings, no summary line.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say (on stderr) which files were checked, which came from the cache, "
    "and how long it took.",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text output: auto colours a terminal unless NO_COLOR is set "
    "(FORCE_COLOR forces it).",
)
@_reports_errors
def check(
    paths: tuple[Path, ...],
    fmt: CheckFormat,
    min_statements: int | None,
    min_tokens: int | None,
    type3: bool | None,
    exclude: tuple[str, ...],
    checks: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline: Path | None,
    update_baseline: bool,
    cache: bool,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    verbose: bool,
    color: ColorChoice,
) -> None:
    """Report duplicated code in notebooks, like a linter.

    PATHS are notebooks, scripts or folders (searched for .ipynb files). Copies are
    found within a cell, across cells and across files: identical blocks (Type-1),
    copies with renamed variables or changed literals (Type-2), and near copies with a
    few statements added, removed or changed (Type-3). Each copy is reported as
    path:cell_N:line:col: NBR001 ... with the other places it appears; N counts all
    cells from 1, markdown included, as ruff does.

    `# nbrefactor: ignore[CODES]` at the end of a line silences those codes there (all
    codes without [CODES]); `# nbrefactor: ignore-cell[CODES]` on a line of its own
    silences them in the whole cell. Settings come from [tool.nbrefactor] in
    pyproject.toml; flags override them. Exit codes: 0 no findings, 1 findings, 2 a
    file could not be read.
    """
    from nbrefactor.api.check import check_paths

    if statistics and fmt not in ("text", "json"):
        raise click.UsageError(
            f"--statistics counts findings as a table, or as JSON with --format json; "
            f"--format {fmt} has no place for it"
        )
    with progress_line(quiet=quiet) as reading:
        result = check_paths(
            paths,
            min_statements=min_statements,
            min_tokens=min_tokens,
            type3=type3,
            checks=checks,
            exclude=exclude,
            select=split_codes(select),
            ignore=split_codes(ignore),
            baseline=baseline,
            update_baseline=update_baseline,
            cache=cache,
            progress=_file_progress(reading),
        )
    for warning in result.warnings:
        click.echo(f"nbrefactor: warning: {warning}", err=True)
    if verbose:
        for line in result.log():
            click.echo(f"nbrefactor: {line}", err=True)
    if result.baseline_written is not None:
        for problem in result.problems:  # files left out of the baseline, and why
            click.echo(str(problem), err=True)
        assert result.baseline is not None
        where = os.path.relpath(result.baseline)
        where = where if not where.startswith("..") else str(result.baseline)
        written = result.baseline_written
        click.echo(
            f"wrote {written} known cop{'y' if written == 1 else 'ies'} to {where}", err=True
        )
    else:
        colored = fmt == "text" and wants_color(color, sys.stdout.isatty(), os.environ)
        text = result.render(fmt, statistics=statistics, quiet=quiet, color=colored)
        click.echo(text, nl=False, color=colored)
    code = result.exit_code
    sys.exit(0 if exit_zero and code == 1 else code)


def _run_options(command: Callable[P, R]) -> Callable[P, R]:
    """The options of running notebooks, shared by ``verify`` and ``extract --verify``."""
    options = [
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds a cell may run [default: 600, or `timeout` in pyproject.toml].",
        ),
        click.option(
            "--kernel",
            help="Jupyter kernel to run the notebooks in [default: `kernel` in "
            "pyproject.toml, else the notebook's own].",
        ),
        click.option(
            "--strict-images",
            is_flag=True,
            help="Compare pictures by hash, not by kind and size.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only errors and the results asked for; no progress line.",
)


def _file_progress(line: ProgressLine) -> Callable[[int, int], None] | None:
    """What tells ``line`` how many files ``check`` has read (None when it shows nothing)."""
    if not line.active:
        return None
    return lambda done, total: line.show(f"checking {done}/{total} files")


def _cell_progress(line: ProgressLine) -> CellProgress | None:
    """What tells ``line`` of each cell a run reaches (None when the line shows nothing)."""
    if not line.active:
        return None

    def told(notebook: Path, run: str, cell: int, cells: int) -> None:
        line.show(f"verifying {notebook.name}, {run}: cell {cell}/{cells}")

    return told


def _step_progress(line: ProgressLine) -> Callable[[str], None] | None:
    """What tells ``line`` of the steps of ``extract --verify`` after the runs (None
    when the line shows nothing)."""
    if not line.active:
        return None
    return lambda step: line.show(f"verifying: {step}")


@main.command()
@click.argument("original", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("refactored", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_run_options
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Let cells of the original raise; their errors are compared like outputs.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Without REFACTORED: the project to extract into (nothing is written). With "
    "it: the project whose package REFACTORED imports [default: the one above REFACTORED].",
)
@click.option("--package", help="Without REFACTORED: the package of a new project.")
@click.option(
    "--module",
    help="Without REFACTORED: the module to extract into [default: `module` in "
    "pyproject.toml, else from the notebook's file name].",
)
@_quiet_option
@_reports_errors
def verify(
    original: Path,
    refactored: Path | None,
    timeout: float | None,
    kernel: str | None,
    strict_images: bool,
    allow_errors: bool,
    fmt: Literal["text", "json"],
    project_dir: Path | None,
    package: str | None,
    module: str | None,
    quiet: bool,
) -> None:
    """Prove a refactoring changed nothing: run ORIGINAL and REFACTORED top to bottom,
    each in its own kernel with ORIGINAL's folder as working directory, and compare
    what each cell shows.

    Without REFACTORED, the refactoring is what `nbrefactor extract` would make of
    ORIGINAL; it runs from a temporary folder and nothing is written.

    Cells are paired by cell id, else in order among the cells that show something.
    Compared: streams, text/plain, text/html, errors (class and message), and pictures
    (kind and size; their hash with --strict-images). Not differences: object
    addresses, %%time and %timeit figures, progress-bar rates, temporary paths, the file
    and line a warning names. A cell of ORIGINAL that raises stops everything (unless
    --allow-errors or it is tagged raises-exception); one of REFACTORED is a difference.

    While the notebooks run, a line on stderr says which cell each is at (on a
    terminal, unless -q or under pre-commit). `kernel`, `timeout` and `module` in
    [tool.nbrefactor] of pyproject.toml set what the flags do not.

    Exit codes: 0 same outputs, 1 different, 2 cannot run (the kernel's error is shown).
    """
    from nbrefactor.api.verify import verify as run
    from nbrefactor.config import load_config
    from nbrefactor.verification.execute import RunOptions

    settings = load_config(project_dir or original).with_overrides(
        timeout=timeout, kernel=kernel, module=module
    )
    with progress_line(quiet=quiet) as line:
        options = RunOptions(
            settings.timeout, settings.kernel, strict_images, allow_errors, _cell_progress(line)
        )
        verifications = run(
            original,
            refactored,
            options,
            project_dir=project_dir,
            package=package,
            module=settings.module,
        )
    if not verifications:
        if not quiet:
            click.echo(f"{original}: nothing to extract, so nothing to verify", err=True)
        return
    for verification in verifications:
        click.echo(verification.render(fmt), nl=False)
    sys.exit(max(v.exit_code for v in verifications))


def _write_or_show(result: ExtractionResult, show: _Showing) -> int:
    """Write the files (or print their diff, or list them, as ``show`` says) and say what
    moved where; the exit code: 0, 1 when ``show.check`` finds files that would change,
    or that of the error that kept the files from being written."""
    say = show.say
    for plan in result.plans:
        for skipped in plan.skipped:
            say(str(skipped))
    for warning in result.warnings:
        say(str(warning))
    written: list[Path] = []
    if show.diff:
        click.echo(result.changes.diff(), nl=False)
    if show.write:
        try:
            written = result.changes.apply()
        except NbrefactorError as error:  # rolled back: every file is as it was
            _say_error(error)
            return error.exit_code
    verb = "moved" if show.write else "would move"
    for plan in result.plans:
        if plan.empty:
            say(f"{plan.notebook}: nothing to extract")
            continue
        places = {plan.module: plan.exported} if plan.exported else {}
        for function in plan.shared:
            if function.module != plan.module:
                places[function.module] = (*places.get(function.module, ()), function.name)
        moved = "; ".join(f"{', '.join(names)} to {module}" for module, names in places.items())
        say(f"{plan.notebook}: {verb} {moved}")
        if plan.local_names:
            say(f"{plan.notebook}: {_local_names(plan.local_names, dry_run=not show.write)}")
    changing = [change for change in result.changes.changes if change.old != change.new]
    if show.check:
        for change in changing:
            what = "create" if change.old is None else "change"
            say(f"would {what} {os.path.relpath(change.path)}")
    if written:
        say(f"{len(written)} file{'' if len(written) == 1 else 's'} written")
        for hint in (_install_hint(result), _missing_project_files(result)):
            if hint:
                say(hint)
        if not result.verifications:
            say(
                "the notebooks were not run: with --verify, extract runs them before and "
                "after and writes only when every cell shows the same outputs"
            )
    if result.recorded is not None:
        say(result.recorded.summary())
    return 1 if show.check and changing else 0


@dataclass(frozen=True, slots=True)
class _Showing:
    """What ``extract`` does with the files it made: write them, or show them (their diff,
    or with ``check`` the list of those that would change, for an exit code)."""

    diff: bool
    check: bool
    quiet: bool

    @property
    def write(self) -> bool:
        return not (self.diff or self.check)

    def say(self, message: str) -> None:
        """Tell the user ``message`` on stderr, unless they asked for quiet."""
        if not self.quiet:
            click.echo(message, err=True)


def _cell_numbers(spec: str) -> tuple[int, ...]:
    """The cells of ``4-6`` or ``4,5,7`` (or both: ``2,4-6``), numbered as every message
    numbers them (from 1), as 0-based indexes in order, once each; else a usage error."""
    from nbrefactor.notebook.model import index_of_cell

    numbers: set[int] = set()
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise click.BadParameter(f"{spec!r} is not like 4-6 or 4,5,7", param_hint="--cells")
        end = int(last) if dash else int(first)
        if end < int(first):
            raise click.BadParameter(f"{part.strip()!r} counts down", param_hint="--cells")
        if int(first) < 1:
            raise click.BadParameter("cells are numbered from 1", param_hint="--cells")
        numbers.update(range(int(first), end + 1))
    return tuple(index_of_cell(number) for number in sorted(numbers))


def _say_where_code_goes(notebooks: tuple[Path, ...]) -> None:
    """Warn, before anything is sent, of each server off this machine that --llm sends
    the notebooks' code to."""
    from nbrefactor.config import load_config

    hosts: dict[str, list[str]] = {}
    for notebook in notebooks:
        settings = load_config(notebook).llm
        if settings.model and not settings.is_local:
            hosts.setdefault(settings.host, []).append(notebook.name)
    for host, names in hosts.items():
        click.echo(
            f"warning: --llm sends the code of {', '.join(names)} to {host} "
            "(local-only = true in [tool.nbrefactor.llm] refuses servers off this machine)",
            err=True,
        )


def _identifiers(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` when each is a Python variable name; else a usage error naming it."""
    for name in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise click.BadParameter(f"{name!r} is not a variable name", param_hint="--keep")
    return names


def _local_names(names: tuple[str, ...], *, dry_run: bool, shown: int = 8) -> str:
    """What to tell of the notebook variables the rewrite makes local to functions."""
    listed = ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if names[shown:] else "")
    verb = "would be" if dry_run else "are"
    return (
        f"no longer notebook variables, {verb} local to the moved functions: {listed} "
        "(--keep NAME keeps one)"
    )


def _missing_project_files(result: ExtractionResult) -> str | None:
    """What the project the code went into lacks of what nbrefactor gives a new one."""
    from nbrefactor.api.init import missing_files

    project = result.project
    if project.new:
        return None
    missing = [path.relative_to(project.root).as_posix() for path in missing_files(project)]
    if not missing:
        return None
    return (
        f"{os.path.relpath(project.root)} has no {', '.join(missing)}: `nbrefactor init "
        f"{os.path.relpath(project.root)}` adds them, and changes no file that is there"
    )


def _install_hint(result: ExtractionResult) -> str | None:
    """The command that makes the package importable where the notebooks run, when it is
    not in this environment (a new project is not installed anywhere yet)."""
    import importlib.util

    project = result.project
    top = project.package.split(".")[0]
    if all(plan.empty for plan in result.plans):
        return None
    if importlib.util.find_spec(top) is not None:
        return None
    here = os.path.relpath(project.root)
    rewritten = [written for _, written in result.notebooks]
    beside = os.path.relpath(project.root, rewritten[0].parent) if rewritten else here
    return (
        f"the notebooks import {top}, which this environment does not have yet: install "
        f"it where their kernel runs, `python -m pip install -e {here}` (or `%pip install "
        f"-e {beside}` in a notebook)"
    )


_layout_option = click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    help="Layout of a new project: the package in src/ or beside pyproject.toml "
    "[default: src, or `layout` in pyproject.toml].",
)


@main.command()
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files extract would write or change and exit 1 if there "
    "are any, 0 if the notebooks hold nothing left to move (for CI).",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Write nothing; print the unified diff of every file that would change "
    "(notebooks as their code cells). With --check, exit 1 if there is any.",
)
@click.option("--dry-run", is_flag=True, help="The older name of --diff.")
@_quiet_option
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Put the code in this project (created if it has no pyproject.toml; needs --package).",
)
@click.option("--package", help="Package name for a new project.")
@_layout_option
@click.option(
    "--module",
    help="Module name, for every notebook given [default: `module` in pyproject.toml, "
    "else one per notebook, from its file name].",
)
@click.option(
    "--output-notebook",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the rewritten notebook here instead of in place (one notebook only).",
)
@click.option(
    "--autoreload/--no-autoreload",
    default=None,
    help="Add %autoreload 2 to the import cell [default: on, or `autoreload` in pyproject.toml].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a module that already defines a moved name; with --verify, write even "
    "when the outputs differ.",
)
@click.option(
    "--verify/--no-verify",
    "verify_outputs",
    default=None,
    help="Run each notebook before and after (in a temporary copy) and write only when "
    "every cell shows the same outputs; record calls of the moved functions as tests "
    "[default: off, or `verify` in pyproject.toml].",
)
@click.option(
    "--no-verify-original",
    is_flag=True,
    help="With --verify, go on when a cell of the original raises (errors are compared "
    "like outputs) instead of stopping.",
)
@_run_options
@click.option(
    "--keep",
    metavar="NAME",
    multiple=True,
    callback=lambda _context, _parameter, names: _identifiers(names),
    help="Keep the notebook variable NAME (repeatable): moved code that binds it returns "
    "it, so later cells and you can still use it.",
)
@click.option(
    "--cells",
    metavar="CELLS",
    callback=lambda _context, _parameter, spec: None if spec is None else _cell_numbers(spec),
    help="Move only these cells' code, as one function: cell numbers as nbrefactor prints "
    "them (counting every cell from 1, markdown included, as ruff does), like 4-6 or "
    "4,5,7 (consecutive code cells).",
)
@click.option(
    "--function",
    metavar="NAME",
    help="With --cells, the name of the function [default: from what the code does].",
)
@click.option(
    "--as-job",
    is_flag=True,
    help="Also make each module a job: the notebook's settings as a Config dataclass, "
    "the moved steps chained in run(config), print made logging, and a command line "
    "with an option per setting (python -m PKG.MODULE --help). See docs/reference/job.md.",
)
@click.option(
    "--llm",
    is_flag=True,
    help="Ask the language model set in [tool.nbrefactor.llm] (any OpenAI-compatible "
    "server) for functions, names and docstrings for the script code; nbrefactor checks "
    "each proposal and plans the rest itself (see docs/reference/llm.md). Off unless given.",
)
@click.option(
    "--llm-tests",
    is_flag=True,
    help="With --llm, ask the model for test inputs of the moved functions; each call is "
    "run twice (in a temporary folder) and becomes a test of what it returned, in "
    "tests/test_<module>_proposed.py.",
)
@click.option(
    "--llm-dry-run",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --llm, write the requests to FILE (JSON) and send nothing.",
)
@click.option(
    "--record/--no-record",
    default=True,
    show_default=True,
    help="With --verify, write tests replaying recorded calls of the moved functions.",
)
@click.option(
    "--record-calls",
    type=click.IntRange(min=1),
    default=CALLS,
    show_default=True,
    help="Calls recorded per function.",
)
@click.option(
    "--record-max-bytes",
    type=click.IntRange(min=1),
    default=MAX_BYTES,
    show_default=True,
    help="Largest recorded call (arguments and result, pickled); bigger calls are not "
    "recorded. A call too large to write out in a test is also tested on its first rows.",
)
@click.option(
    "--test-data-budget",
    type=click.IntRange(min=0),
    default=DATA_BUDGET,
    show_default=True,
    help="Bytes of data files (values too large to write out in a test, files the calls "
    "read) the recorded tests may add to the project, under tests/data/.",
)
@_reports_errors
def extract(
    notebooks: tuple[Path, ...],
    check: bool,
    diff: bool,
    dry_run: bool,
    quiet: bool,
    project_dir: Path | None,
    package: str | None,
    layout: Layout | None,
    module: str | None,
    output_notebook: Path | None,
    autoreload: bool | None,
    force: bool,
    verify_outputs: bool | None,
    no_verify_original: bool,
    timeout: float | None,
    kernel: str | None,
    strict_images: bool,
    keep: tuple[str, ...],
    cells: tuple[int, ...] | None,
    function: str | None,
    as_job: bool,
    llm: bool,
    llm_tests: bool,
    llm_dry_run: Path | None,
    record: bool,
    record_calls: int,
    record_max_bytes: int,
    test_data_budget: int,
) -> None:
    """Move the notebooks' code into a package, and rewrite each notebook to import
    and call it, keeping every output where it was.

    Functions and classes move with the imports and constants they read; a notebook
    variable they read becomes a keyword-only parameter every call passes
    (f(x) -> f(x, df=df)). Blocks pasted into several cells become one function, their
    differences parameters. Top-level code becomes one function per run of cells in a
    section; a displayed last expression stays after the call. What cannot move safely
    stays, with the reason (NBR201 writes a global, NBR210 hidden state, ...; see
    docs/reference/extract.md). A new module gets a test file checking it imports.

    With --cells, only the chosen cells change: their functions and classes move, and
    their other code becomes one function (--function names it) called where they were.

    Each notebook gets its module (PKG/<notebook>.py). Notebooks of one project given
    together share one plan: a block copied into several of them becomes one function
    in PKG/common.py.

    The code goes into the project the notebook is in (the nearest pyproject.toml), or
    into --project-dir DIR --package NAME, which is created if needed. All of a
    project's files are written together or not at all. With --diff (their diff) or
    --check (the list of files that would change; exit 1 if any), nothing is written.

    With --verify, the original and the rewritten notebook (with the package staged in
    a temporary folder) are run first, in the notebook's folder; if any cell shows
    something else, nothing is written and the differing cells are shown. Calls of the
    moved functions made in that run are then written as tests
    (tests/test_<module>_recorded.py) that replay them; tests that do not pass right
    away are dropped. While the notebooks run, a line on stderr says which cell each is
    at (on a terminal, unless -q or under pre-commit).

    `layout`, `module`, `autoreload`, `kernel`, `timeout` and `verify` in
    [tool.nbrefactor] of pyproject.toml (of --project-dir, else the nearest to the
    first notebook) set what the flags do not. Exit codes: 0 written (or nothing would
    change), 1 outputs differ (or, with --check, files would change), 2 error.
    """
    from nbrefactor.api.extract import ExtractOptions, extract_projects
    from nbrefactor.config import load_config
    from nbrefactor.planning.planner import Choice
    from nbrefactor.verification.execute import RunOptions

    settings = load_config(project_dir or notebooks[0]).with_overrides(
        layout=layout,
        module=module,
        autoreload=autoreload,
        kernel=kernel,
        timeout=timeout,
        verify=verify_outputs,
    )
    show = _Showing(diff=diff or dry_run, check=check, quiet=quiet)
    line = progress_line(quiet=quiet)
    verify = RunOptions(
        settings.timeout,
        settings.kernel,
        strict_images,
        allow_errors=no_verify_original,
        progress=_cell_progress(line),
        steps=_step_progress(line),
    )
    options = ExtractOptions(
        project_dir,
        package,
        settings.layout,
        settings.module,
        output_notebook,
        settings.autoreload,
        force,
        verify=verify if settings.verify else None,
        record=RecordSettings(record_calls, record_max_bytes, test_data_budget) if record else None,
        keep=frozenset(keep),
        choice=None if cells is None else Choice(cells, function),
        as_job=as_job,
        llm=llm,
        llm_dry_run=llm_dry_run,
        llm_tests=llm_tests,
    )
    if function is not None and cells is None:
        raise click.UsageError("--function names the function of --cells")
    if (llm_dry_run is not None or llm_tests) and not llm:
        raise click.UsageError("--llm-dry-run and --llm-tests go with --llm")
    if llm and llm_dry_run is None:
        _say_where_code_goes(notebooks)
    with line:
        run = extract_projects(list(notebooks), options)
    codes, changing = [0], 0
    for error in run.errors:  # one project's failure does not stop the others
        _say_error(error)
        codes.append(error.exit_code)
    for result in run.results:
        for failure in result.failed:  # nor does one notebook's
            _say_error(failure)
            codes.append(failure.exit_code)
        if result.llm is not None and not quiet:
            verdicts = {plan.notebook: plan.verdicts for plan in result.plans}
            click.echo(result.llm.render(verdicts), err=True, nl=False)
        for said in result.proposed_tests:
            show.say(f"llm tests: {said}")
        for verification in result.verifications:
            if verification.differences or not quiet:  # a difference is never quiet
                click.echo(verification.render(), err=True, nl=False)
        if result.outputs_differ:
            codes.append(1)
            if not force:
                said = "outputs differ: nothing was written (--force writes)"
                if result.run_changes:
                    said = (
                        "outputs differ: nbrefactor wrote nothing (--force writes), but running "
                        "the notebooks changed files of yours:\n"
                        + "\n".join(f"  {line}" for line in result.run_changes)
                    )
                click.echo(said, err=True)
                continue
        codes.append(_write_or_show(result, show))
        changing += sum(change.old != change.new for change in result.changes.changes)
    if check and (changing or not max(codes)):  # as black ends its --check
        show.say(
            f"{changing} file{'s' * (changing != 1)} would change"
            if changing
            else "nothing would change"
        )
    if max(codes):
        sys.exit(max(codes))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--package",
    help="The package's name [default: the folder's, in snake case]; for an existing "
    "project, its package.",
)
@_layout_option
@click.option("--dry-run", is_flag=True, help="Show the files that would be added; write nothing.")
@_reports_errors
def init(folder: Path, package: str | None, layout: Layout | None, dry_run: bool) -> None:
    """Make FOLDER a project a team can ship, or add what an existing one lacks.

    A new project (FOLDER has no pyproject.toml; it is created if needed) gets:
    pyproject.toml (hatchling, the version in the package's __version__, extras for
    tests, typing, lint and docs), the package in src/, tests/ with a conftest.py,
    notebooks/, a README saying why each file is there and how to install, test and
    release, .pre-commit-config.yaml (ruff and nbrefactor's duplicates check), a CI
    workflow (.github/workflows/ci.yml) and a MkDocs site (mkdocs.yml, docs/).

    In an existing project only the missing files are added; a file that is there is
    never changed. Running it twice changes nothing. `nbrefactor extract` gives a
    new project the same files.
    """
    from nbrefactor.api.init import init as init_project
    from nbrefactor.config import load_config

    settings = load_config(folder).with_overrides(layout=layout)
    result = init_project(folder, package=package, layout=settings.layout)
    verb = "would add" if dry_run else "added"
    if dry_run:
        click.echo(result.changes.diff(), nl=False)
    elif result.changes:
        result.changes.apply()
    root = result.project.root
    for change in result.changes.changes:
        click.echo(f"{verb} {os.path.relpath(change.path)}", err=True)
    if result.kept:
        there = ", ".join(path.relative_to(root).as_posix() for path in result.kept)
        click.echo(f"{os.path.relpath(root)}: kept as they are: {there}", err=True)
    if not result.changes:
        click.echo(f"{os.path.relpath(root)}: nothing to add", err=True)
