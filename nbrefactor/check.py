"""The ``check`` job, shared by ``nbrefactor check`` and the pre-commit hook.

Finds duplicated code (and, when configured, hidden-state problems) in the files to
report on, applies the baseline, and says how the run should exit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.baseline import is_new, load_baseline, write_baseline
from nbrefactor.cache import FingerprintCache
from nbrefactor.config import Config
from nbrefactor.diagnostics import Diagnostic
from nbrefactor.duplicates import find_duplicates
from nbrefactor.errors import NbrefactorError
from nbrefactor.notebook.model import Location
from nbrefactor.report.clones import CheckFormat, render_check

#: Exit codes (DESIGN.md): clean, findings, bad input.
CLEAN, FINDINGS, BAD_INPUT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a check found, ready to print, and the exit code it calls for."""

    classes: tuple[CloneClass, ...]
    diagnostics: tuple[Diagnostic, ...]
    problems: tuple[str, ...]
    files_checked: int
    baseline_written: int | None = None

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


def run_check(
    report_on: Sequence[Path],
    *,
    config: Config,
    compare_with: Iterable[Path] = (),
    cache: FingerprintCache | None = None,
    baseline: Path | None = None,
    update_baseline: bool = False,
) -> CheckResult:
    """Check ``report_on`` against itself and ``compare_with``.

    With ``update_baseline``, every current finding is written to ``baseline`` and the
    run is clean; otherwise findings recorded in ``baseline`` are not reported.
    """
    classes: tuple[CloneClass, ...] = ()
    problems: list[str] = []
    files_checked = len(report_on)
    unparsed: Sequence[tuple[str, int | None]] = ()
    if "duplicates" in config.checks:
        report = find_duplicates(report_on, compare_with=compare_with, config=config, cache=cache)
        classes, files_checked = report.classes, report.files_checked
        problems.extend(str(p) for p in report.problems)
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
        return CheckResult((), (), tuple(problems), files_checked, baseline_written=written)
    if baseline is not None:
        known = load_baseline(baseline)
        classes = tuple(c for c in classes if is_new(c, known))
    return CheckResult(classes, tuple(diagnostics), tuple(problems), files_checked)


#: Text formats whose cells are the user's: the hidden-state check makes sense for them.
_CELL_FORMATS = frozenset({"py:percent", "py:hydrogen"})


def _hidden_state(paths: Sequence[Path], problems: list[str]) -> list[Diagnostic]:
    """Warnings of the cell graph (use before definition, out-of-order execution, ...)
    of the notebooks among ``paths``: ``.ipynb`` files, and text files with cell markers
    (jupytext's percent and hydrogen formats); a plain script has no cells to misorder."""
    from nbrefactor.analysis.graph import build_graph  # only this check needs the graph
    from nbrefactor.notebook.reader import guess_text_format, read_notebook_text, read_source

    found: list[Diagnostic] = []
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
            if str(error) not in problems:
                problems.append(str(error))
            continue
        found.extend(d for d in graph.diagnostics if d.severity == "warning" and d.code != "NBR100")
    return found
