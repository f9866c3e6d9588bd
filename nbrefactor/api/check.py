"""The ``check`` job, shared by ``nbrefactor check`` and the pre-commit hook.

Finds duplicated code (and, when configured, hidden-state problems) in the files to
report on, applies the baseline, and says how the run should exit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass, describe
from nbrefactor.analysis.clones import Corpus, find_raw_clones
from nbrefactor.config import Config, load_config
from nbrefactor.diagnostics import Diagnostic, file_problem
from nbrefactor.duplicates.baseline import is_new, load_baseline, write_baseline
from nbrefactor.duplicates.cache import CACHE_DIR, FingerprintCache
from nbrefactor.duplicates.discovery import (
    discover,
    is_excluded,
    repository_root,
    tracked_notebooks,
)
from nbrefactor.duplicates.loader import load_corpus
from nbrefactor.errors import BAD_INPUT, NbrefactorError, UsageError
from nbrefactor.notebook.model import Location
from nbrefactor.report.clones import CheckFormat, render_check

#: Exit codes (DESIGN.md) besides bad input: clean, findings.
CLEAN, FINDINGS = 0, 1


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a check found, ready to print, and the exit code it calls for.

    ``problems`` are the files that could not be checked (NBR002).
    """

    classes: tuple[CloneClass, ...]
    diagnostics: tuple[Diagnostic, ...]
    problems: tuple[Diagnostic, ...]
    files_checked: int
    #: With ``update_baseline``: how many copies were recorded, and where.
    baseline_written: int | None = None
    baseline: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.problems:
            return BAD_INPUT
        if self.baseline_written is None and (self.classes or self.diagnostics):
            return FINDINGS
        return CLEAN

    def render(self, fmt: CheckFormat) -> str:
        return render_check(
            self.classes, self.diagnostics, self.problems, fmt, files_checked=self.files_checked
        )


def check_paths(
    paths: Sequence[Path],
    *,
    min_statements: int | None = None,
    min_tokens: int | None = None,
    type3: bool | None = None,
    checks: Sequence[str] = (),
    exclude: Sequence[str] = (),
    baseline: Path | None = None,
    update_baseline: bool = False,
    cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """``nbrefactor check PATHS``: the files given and the notebooks under the folders
    given, checked against each other, with the settings of the nearest pyproject.toml
    (the arguments given override them; ``exclude`` adds to its patterns).
    ``progress`` is told of the files read (see :func:`find_duplicates`).

    Raises:
        UsageError: no notebook found, or ``update_baseline`` without a baseline file.
        NbrefactorError: the configuration or the baseline cannot be read.
    """
    config = load_config(paths[0] if paths else None).with_overrides(
        min_statements=min_statements,
        min_tokens=min_tokens,
        type3=type3,
        checks=tuple(checks) or None,
    )
    config = config.with_overrides(exclude=(*config.exclude, *exclude))
    files = list(discover(paths, config.exclude))
    if not files:
        raise UsageError("no notebooks found in the given paths")
    if baseline is None and config.baseline and config.source is not None:
        baseline = config.source.parent / config.baseline
    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs a baseline file (--baseline FILE)")
    return check(
        files,
        config=config,
        cache=FingerprintCache(Path.cwd() / CACHE_DIR) if cache else None,
        baseline=baseline,
        update_baseline=update_baseline,
        progress=progress,
    )


def check_staged(
    files: Sequence[Path], *, baseline: Path | None = None, cache: bool = True
) -> CheckResult:
    """The pre-commit hook's check: ``files`` (what is staged) against every notebook git
    tracks in the repository, with the settings of the repository's pyproject.toml; the
    cache lives at the repository's root.

    Raises:
        NbrefactorError: the configuration or the baseline cannot be read.
    """
    root = repository_root()
    config = load_config(root)
    if baseline is None and config.baseline:
        baseline = root / config.baseline
    report_on = [f for f in files if not is_excluded(f, root, config.exclude)]
    if not report_on:
        return CheckResult((), (), (), 0)
    return check(
        report_on,
        config=config,
        compare_with=[
            f for f in tracked_notebooks(root) if not is_excluded(f, root, config.exclude)
        ],
        cache=FingerprintCache(root / CACHE_DIR) if cache else None,
        baseline=baseline,
    )


def check(
    report_on: Sequence[Path],
    *,
    config: Config,
    compare_with: Iterable[Path] = (),
    cache: FingerprintCache | None = None,
    baseline: Path | None = None,
    update_baseline: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Check ``report_on`` against itself and ``compare_with`` (``progress`` is told of
    the files read, as :func:`find_duplicates` says).

    With ``update_baseline``, every current finding is written to ``baseline`` and the
    run is clean; otherwise findings recorded in ``baseline`` are not reported.
    """
    classes: tuple[CloneClass, ...] = ()
    problems: list[Diagnostic] = []
    files_checked = len(report_on)
    unparsed: Sequence[tuple[str, int | None]] = ()
    if "duplicates" in config.checks:
        report = find_duplicates(
            report_on, compare_with=compare_with, config=config, cache=cache, progress=progress
        )
        classes, files_checked = report.classes, report.files_checked
        problems.extend(report.problems)
        unparsed = report.unparsed_cells
    diagnostics = [
        Diagnostic(
            "NBR100",
            "cell does not parse; it is left out of duplicate detection",
            Location(path, cell),
        )
        for path, cell in unparsed
    ]
    if "hidden-state" in config.checks:
        diagnostics.extend(_hidden_state(report_on, problems))
    if update_baseline:
        if baseline is None:
            raise NbrefactorError("--update-baseline needs a baseline file (--baseline FILE)")
        written = write_baseline(baseline, classes)
        return CheckResult((), (), tuple(problems), files_checked, written, baseline)
    if baseline is not None:
        known = load_baseline(baseline)
        classes = tuple(c for c in classes if is_new(c, known))
    return CheckResult(classes, tuple(diagnostics), tuple(problems), files_checked)


@dataclass(frozen=True, slots=True)
class DuplicateReport:
    """Clone classes touching the reported files, and the files that could not be read."""

    classes: tuple[CloneClass, ...]
    problems: tuple[Diagnostic, ...]
    files_checked: int
    unparsed_cells: tuple[tuple[str, int | None], ...] = ()


def find_duplicates(
    report_on: Sequence[Path],
    *,
    compare_with: Iterable[Path] = (),
    config: Config | None = None,
    cache: FingerprintCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DuplicateReport:
    """Clone classes with at least one copy in ``report_on``, looking for the other
    copies in ``report_on`` and ``compare_with``.

    Each file is read once (a broken one becomes a problem, never stops the batch), and
    fingerprinted or taken from ``cache``; ``progress`` is told after each how many
    files are done, of how many.
    """
    config = config or Config()
    loaded = load_corpus(
        report_on, compare_with, settings=config.clones, cache=cache, progress=progress
    )
    documents, focus = loaded.documents, loaded.focus
    raw = find_raw_clones(documents, config.clones, focus=focus, population=loaded.population)
    classes = describe(raw, Corpus(documents))
    mine = range(len(documents)) if focus is None else sorted(focus)
    unparsed = tuple(
        (documents[d].path, cell) for d in mine for cell in documents[d].unparsed_cells
    )
    return DuplicateReport(
        tuple(classes), loaded.problems, loaded.compared, unparsed_cells=unparsed
    )


#: Text formats whose cells are the user's: the hidden-state check makes sense for them.
_CELL_FORMATS = frozenset({"py:percent", "py:hydrogen"})


def _hidden_state(paths: Sequence[Path], problems: list[Diagnostic]) -> list[Diagnostic]:
    """Warnings of the cell graph (use before definition, out-of-order execution, ...)
    of the notebooks among ``paths``: ``.ipynb`` files, and text files with cell markers
    (jupytext's percent and hydrogen formats); a plain script has no cells to misorder.
    A notebook that cannot be read is added to ``problems`` (once)."""
    from nbrefactor.analysis.graph import build_graph  # only this check needs the graph
    from nbrefactor.notebook.reader import guess_text_format, read_notebook_text, read_source

    found: list[Diagnostic] = []
    unreadable = {problem.location.path for problem in problems}
    for path in paths:
        suffix = path.suffix.lower()
        if suffix not in (".ipynb", ".py"):
            continue
        try:
            text = read_source(path)
            if suffix == ".py" and guess_text_format(text, suffix) not in _CELL_FORMATS:
                continue  # a plain script: no need to read it as a notebook
            graph = build_graph(read_notebook_text(text, path))
        except NbrefactorError as error:
            if str(path) not in unreadable:
                unreadable.add(str(path))
                problems.append(file_problem(str(path), error.message))
            continue
        found.extend(d for d in graph.diagnostics if d.severity == "warning" and d.code != "NBR100")
    return found
