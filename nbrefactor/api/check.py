"""The ``check`` job, shared by ``nbrefactor check`` and the pre-commit hook.

Finds duplicated code (and, when configured, hidden-state problems) in the files to
report on, keeps the codes selected and not suppressed, applies the baseline, and says
how the run should exit.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass, describe
from nbrefactor.analysis.clones import Corpus, Region, find_raw_clones
from nbrefactor.config import DEFAULT_BASELINE, Config, find_pyproject, load_config
from nbrefactor.diagnostics import (
    HIDDEN_STATE_CODES,
    Diagnostic,
    codes_named_by,
    file_problem,
    is_selected,
    unknown_code_message,
    unknown_codes,
)
from nbrefactor.duplicates.baseline import known_copies, load_baseline, write_baseline
from nbrefactor.duplicates.cache import CACHE_DIR, FingerprintCache
from nbrefactor.duplicates.discovery import (
    discover,
    enclosing_repository,
    is_excluded,
    repository_root,
    tracked_notebooks,
)
from nbrefactor.duplicates.loader import Survey
from nbrefactor.errors import BAD_INPUT, NbrefactorError, UsageError
from nbrefactor.notebook.model import Cell, Location
from nbrefactor.report.clones import DUPLICATE_CODE, CheckFormat, Findings, render_check

#: Exit codes (DESIGN.md) besides bad input: clean, findings.
CLEAN, FINDINGS = 0, 1


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a check found, ready to print, and the exit code it calls for.

    ``problems`` are the files that could not be checked (NBR002). ``known`` are the
    copies the baseline records: named as the other places of a new copy, never
    findings themselves.
    """

    classes: tuple[CloneClass, ...]
    diagnostics: tuple[Diagnostic, ...]
    problems: tuple[Diagnostic, ...]
    files_checked: int
    #: With ``update_baseline``: how many copies were recorded, and where.
    baseline_written: int | None = None
    baseline: Path | None = None
    known: frozenset[Region] = frozenset()
    #: Copies in files only compared with: other places, never findings.
    compared: frozenset[Region] = frozenset()
    #: For ``--verbose``: the files reported on, those whose fingerprints came from the
    #: cache, and how long the check took.
    reported: tuple[str, ...] = ()
    cached: frozenset[str] = frozenset()
    seconds: float = field(default=0.0, compare=False)
    #: What the user should know of the settings (a code selected that nothing reports).
    warnings: tuple[str, ...] = ()

    @property
    def findings(self) -> Findings:
        return Findings(
            self.classes,
            self.diagnostics,
            self.problems,
            self.files_checked,
            self.known,
            self.compared,
        )

    @property
    def exit_code(self) -> int:
        if self.problems:
            return BAD_INPUT
        if self.baseline_written is None and (self.diagnostics or any(self.findings.new_copies())):
            return FINDINGS
        return CLEAN

    def render(
        self,
        fmt: CheckFormat,
        *,
        statistics: bool = False,
        quiet: bool = False,
        color: bool = False,
    ) -> str:
        return render_check(self.findings, fmt, statistics=statistics, quiet=quiet, color=color)

    def log(self) -> list[str]:
        """What ``--verbose`` adds (on standard error): each file reported on, whether
        its fingerprints came from the cache, the baseline used, and the time taken."""
        lines = [
            f"checked {path}{' (cached)' if path in self.cached else ''}" for path in self.reported
        ]
        compared = self.files_checked - len(self.reported)
        if compared > 0:
            lines.append(f"compared with {compared} other file{'s' if compared != 1 else ''}")
        if self.baseline is not None and self.baseline_written is None:
            lines.append(f"baseline {self.baseline}: {len(self.known)} known copies named")
        lines.append(f"done in {self.seconds:.2f} s")
        return lines


def check_paths(
    paths: Sequence[Path],
    *,
    min_statements: int | None = None,
    min_tokens: int | None = None,
    type3: bool | None = None,
    checks: Sequence[str] = (),
    exclude: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: Path | None = None,
    update_baseline: bool = False,
    cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """``nbrefactor check PATHS``: the files given and the notebooks under the folders
    given, checked against each other, with the settings of the nearest pyproject.toml
    that has a ``[tool.nbrefactor]`` table (the arguments given override them;
    ``exclude`` and ``ignore`` add to its lists).
    ``progress`` is told of the files read (see :func:`find_duplicates`).

    The baseline is ``baseline``, else the ``baseline`` key, else
    ``.nbrefactor-baseline.json`` in the project's root (:func:`project_root`) when it
    exists; ``update_baseline`` writes it there.

    Raises:
        UsageError: no notebook found, or a code in ``select``/``ignore`` is unknown.
        NbrefactorError: the configuration or the baseline cannot be read.
    """
    _refuse_unknown_codes(select, ignore)
    config = load_config(paths[0] if paths else None, configured_only=True).with_overrides(
        min_statements=min_statements,
        min_tokens=min_tokens,
        type3=type3,
        checks=tuple(checks) or None,
        select=tuple(select) or None,
    )
    config = config.with_overrides(
        exclude=(*config.exclude, *exclude), ignore=(*config.ignore, *ignore)
    )
    files = list(discover(paths, config.exclude))
    if not files:
        raise UsageError("no notebooks found in the given paths")
    if baseline is None:
        baseline = find_baseline(config, _unconfigured_root(paths), writing=update_baseline)
    return check(
        files,
        config=config,
        cache=FingerprintCache(Path.cwd() / CACHE_DIR) if cache else None,
        baseline=baseline,
        update_baseline=update_baseline,
        progress=progress,
    )


def _refuse_unknown_codes(*lists: Sequence[str]) -> None:
    for codes in lists:
        unknown = unknown_codes(codes)
        if unknown:
            raise UsageError(unknown_code_message(unknown[0]))


def project_root(config: Config, fallback: Path) -> Path:
    """The folder of the pyproject.toml the settings come from; without one, ``fallback``
    (the repository's root; for ``check``, see :func:`_unconfigured_root`)."""
    return config.source.parent if config.source is not None else fallback


def _unconfigured_root(paths: Sequence[Path]) -> Path:
    """The project root of ``check`` without ``[tool.nbrefactor]`` settings: the root of
    the git repository the first path is in, as for the hook; outside one, the folder
    of the pyproject.toml nearest to it, else the current folder."""
    start = paths[0] if paths else Path.cwd()
    repository = enclosing_repository(start)
    if repository is not None:
        return repository
    pyproject = find_pyproject(start)
    return pyproject.parent if pyproject is not None else Path.cwd()


def find_baseline(config: Config, fallback: Path, *, writing: bool = False) -> Path | None:
    """The baseline file: the ``baseline`` key (from the project root), else
    ``.nbrefactor-baseline.json`` there when it exists (or is to be written)."""
    root = project_root(config, fallback)
    if config.baseline:
        return root / config.baseline
    default = root / DEFAULT_BASELINE
    return default if writing or default.is_file() else None


def check_staged(
    files: Sequence[Path],
    *,
    baseline: Path | None = None,
    cache: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> CheckResult:
    """The pre-commit hook's check: ``files`` (what is staged) against every notebook git
    tracks in the repository, with the settings of the repository's pyproject.toml and
    its baseline (:func:`find_baseline`); the cache lives at the repository's root.

    Raises:
        UsageError: a code in ``select``/``ignore`` is unknown.
        NbrefactorError: the configuration or the baseline cannot be read.
    """
    _refuse_unknown_codes(select, ignore)
    root = repository_root()
    config = load_config(root)
    config = config.with_overrides(select=tuple(select) or None)
    config = config.with_overrides(ignore=(*config.ignore, *ignore))
    if baseline is None:
        baseline = find_baseline(config, root)
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

    Only the codes ``config`` selects are reported, and a finding silenced by a
    suppression comment is not. With ``update_baseline``, every current copy is written
    to ``baseline`` and the run is clean; otherwise the copies recorded in ``baseline``
    are known: a class is reported only for its new copies.

    Raises:
        NbrefactorError: ``update_baseline`` without ``baseline``, or the baseline cannot
            be read.
    """
    started = time.perf_counter()

    def selected(code: str) -> bool:
        return is_selected(code, config.select, config.ignore)

    classes: tuple[CloneClass, ...] = ()
    problems: list[Diagnostic] = []
    files_checked = len(report_on)
    unparsed: Sequence[tuple[str, int | None]] = ()
    cached: frozenset[str] = frozenset()
    if "duplicates" in config.checks:
        report = find_duplicates(
            report_on, compare_with=compare_with, config=config, cache=cache, progress=progress
        )
        classes, files_checked = report.classes, report.files_checked
        problems.extend(report.problems)
        unparsed = report.unparsed_cells
        cached = report.cached
    diagnostics = [
        Diagnostic(
            "NBR100",
            f"{'cell' if cell is not None else 'file'} does not parse; it is left out of "
            "duplicate detection",
            Location(path, cell),
        )
        for path, cell in unparsed
    ]
    if "hidden-state" in config.checks:
        diagnostics.extend(_hidden_state(report_on, problems))
    diagnostics = [d for d in diagnostics if selected(d.code)]
    if not selected(DUPLICATE_CODE):
        classes = ()
    reported = tuple(str(path) for path in report_on)
    if update_baseline:
        if baseline is None:
            raise NbrefactorError("--update-baseline needs a baseline file (--baseline FILE)")
        written = write_baseline(baseline, classes)
        return CheckResult(
            (),
            (),
            tuple(problems),
            files_checked,
            written,
            baseline,
            reported=reported,
            cached=cached,
            seconds=time.perf_counter() - started,
        )
    # a copy is a finding when it is in a file reported on and the baseline does not
    # record it; a class is reported when it has one
    recorded: frozenset[Region] = frozenset()
    if baseline is not None:
        recorded = known_copies(classes, load_baseline(baseline), baseline)
    checked = set(reported)
    elsewhere = frozenset(r for c in classes for r in c.regions if r.path not in checked)
    classes = tuple(
        c for c in classes if any(r not in recorded and r not in elsewhere for r in c.regions)
    )
    regions = {r for c in classes for r in c.regions}
    return CheckResult(
        classes,
        tuple(diagnostics),
        tuple(problems),
        files_checked,
        baseline=baseline,
        known=frozenset(regions & recorded),
        compared=frozenset(regions & elsewhere),
        reported=reported,
        cached=cached,
        seconds=time.perf_counter() - started,
        warnings=tuple(idle_selections(config)),
    )


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector: fingerprints and syntax trees hold no reference
    cycles (reference counting frees them), and the collector, woken by their millions
    of allocations, costs a tenth of a scan walking them again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class DuplicateReport:
    """Clone classes touching the reported files, and the files that could not be read."""

    classes: tuple[CloneClass, ...]
    problems: tuple[Diagnostic, ...]
    files_checked: int
    unparsed_cells: tuple[tuple[str, int | None], ...] = ()
    #: Files the cache knew (shown paths), for ``--verbose``.
    cached: frozenset[str] = frozenset()


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
    with _cyclic_gc_paused():
        survey = Survey(report_on, compare_with, cache, progress)
        run = survey.run_key(config.clones)
        stored = None if cache is None or run is None else cache.result(run)
        if stored is not None:  # nothing changed since a run that saw the same files
            classes, unparsed = stored
        else:
            loaded = survey.load(config.clones)
            documents, focus = loaded.documents, loaded.focus
            raw = find_raw_clones(
                documents, config.clones, focus=focus, population=loaded.population
            )
            classes = tuple(describe(raw, Corpus(documents)))
            mine = range(len(documents)) if focus is None else sorted(focus)
            unparsed = tuple(
                (documents[d].path, cell) for d in mine for cell in documents[d].unparsed_cells
            )
            if cache is not None and run is not None:
                cache.put_result(run, (classes, unparsed))
        if cache is not None:
            cache.save()
    return DuplicateReport(
        classes, survey.problems, len(survey.files), unparsed_cells=unparsed, cached=survey.cached
    )


#: Text formats whose cells are the user's: the hidden-state check makes sense for them.
_CELL_FORMATS = frozenset({"py:percent", "py:hydrogen"})


#: What each check reports (NBR002, a file not read, is reported by both).
_REPORTED_BY = {
    "duplicates": frozenset({DUPLICATE_CODE, "NBR002", "NBR100"}),
    "hidden-state": frozenset({"NBR002", *HIDDEN_STATE_CODES}),
}


def idle_selections(config: Config) -> list[str]:
    """Why entries of ``select`` report nothing: each selects only codes that no check
    ``config`` runs reports (``NBR101`` without the hidden-state check, ``NBR205``)."""
    running = frozenset().union(*(_REPORTED_BY[c] for c in config.checks if c in _REPORTED_BY))
    said = []
    for entry in config.select:
        codes = codes_named_by(entry)
        if not codes or codes & running:
            continue
        reporting = [check for check, reported in _REPORTED_BY.items() if codes & reported]
        if reporting:
            said.append(
                f"{entry} is selected, but the check that reports it does not run "
                f'(`checks = [..., "{reporting[0]}"]` in [tool.nbrefactor] runs it, or '
                f"`check --check {reporting[0]}`)"
            )
        else:
            said.append(f"{entry} is selected, but check never reports it (extract's codes)")
    return said


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
        found.extend(
            d
            for d in graph.diagnostics
            if d.code in HIDDEN_STATE_CODES and not _suppressed(d, graph.notebook.cells)
        )
    return found


def _suppressed(diagnostic: Diagnostic, cells: Sequence[Cell]) -> bool:
    """Whether a suppression comment in the finding's cell silences it (on its line, or
    in the whole cell: see :mod:`nbrefactor.analysis.suppressions`)."""
    from nbrefactor.analysis.suppressions import cell_suppressions

    index = diagnostic.location.cell_index
    if index is None or not 0 <= index < len(cells):
        return False
    comments = cell_suppressions(cells[index].source)
    return comments is not None and comments.covers(diagnostic.code, diagnostic.location.line)
