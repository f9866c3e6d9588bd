"""Render the findings of ``nbrefactor check`` as text, JSON, GitHub annotations or SARIF.

Every place is printed with the cell's number as people count cells (from 1, all cells,
see :func:`nbrefactor.notebook.model.cell_number`). With a baseline, the copies it
records are *known*: they are named as the other places of a new copy, never reported
themselves.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import Region
from nbrefactor.diagnostics import CODES, Diagnostic
from nbrefactor.notebook.model import Location, cell_number

CheckFormat = Literal["text", "json", "github", "sarif"]
CHECK_FORMATS: tuple[CheckFormat, ...] = ("text", "json", "github", "sarif")
DUPLICATE_CODE = "NBR001"  # see nbrefactor.diagnostics.CODES
_SHOWN_OTHERS = 3


@dataclass(frozen=True, slots=True)
class Findings:
    """What one check found, as the reports show it.

    ``known`` holds the copies a baseline records: a class is reported for its other
    copies, which are the findings. ``problems`` are the files not checked (NBR002).
    """

    classes: tuple[CloneClass, ...]
    diagnostics: tuple[Diagnostic, ...]
    problems: tuple[Diagnostic, ...]
    files_checked: int
    known: frozenset[Region] = frozenset()
    #: Copies in files only compared with (the notebooks git tracks that the hook was not
    #: given): named as the other places of a copy, never findings themselves.
    compared: frozenset[Region] = frozenset()

    def is_finding(self, region: Region) -> bool:
        return region not in self.known and region not in self.compared

    def new_copies(self) -> list[tuple[Region, CloneClass]]:
        """Each reported copy with its class, in file, cell and line order."""
        found = [
            (region, clone)
            for clone in self.classes
            for region in clone.regions
            if self.is_finding(region)
        ]
        return sorted(found, key=lambda pair: place_order(pair[0]))

    def counts(self) -> Counter[str]:
        """How many findings of each code (copies count one each; files not checked are
        errors, not findings)."""
        counts: Counter[str] = Counter()
        counts[DUPLICATE_CODE] += len(self.new_copies())
        counts.update(d.code for d in self.diagnostics)
        return +counts


def render_check(
    findings: Findings,
    fmt: CheckFormat,
    *,
    statistics: bool = False,
    quiet: bool = False,
    color: bool = False,
) -> str:
    """The findings in ``fmt``, ending with a newline (or empty).

    ``statistics`` gives the count of each code instead of the findings (text, or a JSON
    list with ``--format json``); ``quiet`` leaves out the summary line; ``color`` (text
    only) highlights places and codes as ruff does.
    """
    if statistics:
        return _statistics(findings, json_output=fmt == "json", quiet=quiet)
    if fmt == "json":
        return json.dumps(check_to_dict(findings), indent=2) + "\n"
    if fmt in ("sarif", "github"):
        from nbrefactor.report.annotations import github, sarif

        if fmt == "github":
            return github(findings)
        return json.dumps(sarif(findings), indent=2) + "\n"
    return _text(findings, quiet=quiet, color=color)


def where(region: Region) -> str:
    """``path:cell_N:line:col`` (``path:line:col`` for a script)."""
    if region.cell is None:
        return f"{region.path}:{region.line}:{region.col}"
    return f"{region.path}:cell_{cell_number(region.cell)}:{region.line}:{region.col}"


def _short(region: Region) -> str:
    return where(region).rsplit(":", 1)[0]


def message(clone: CloneClass, region: Region) -> str:
    """``duplicated block (N statements) — also at cell_7:1, a.ipynb:cell_3:1, ...``.

    Places in the same file come first, shortened to ``cell_7:1``; then the other
    files' places, each with its path.
    """
    others = [r for r in clone.regions if r is not region]
    others.sort(key=lambda other: other.path != region.path)  # stable: in order otherwise
    shown = ", ".join(
        _short(r).removeprefix(f"{region.path}:")
        if r.path == region.path and r.cell is not None
        else _short(r)
        for r in others[:_SHOWN_OTHERS]
    )
    more = f" and {len(others) - _SHOWN_OTHERS} more" if len(others) > _SHOWN_OTHERS else ""
    return f"{summary(clone, region)} — also at {shown}{more}"


def summary(clone: CloneClass, region: Region) -> str:
    """``renamed copy of a block (N statements)``: what the copy at ``region`` is."""
    kind = {"type-1": "duplicated", "type-2": "renamed copy of a", "type-3": "near-copy of a"}
    return f"{kind[clone.kind]} block ({region.statements} statements)"


def check_to_dict(findings: Findings) -> dict[str, Any]:
    """The JSON contract of ``nbrefactor check --format json`` (see docs/reference/check.md).

    ``cell`` is the cell's number (from 1, as in the text output and in ruff's JSON);
    ``status`` is ``known`` for a copy the baseline records, ``compared`` for a copy in
    a file only compared with (the hook's other tracked notebooks), else ``new``.
    """
    return {
        "clone_classes": [
            {
                "kind": clone.kind,
                "statements": clone.statements,
                "fingerprint": clone.fingerprint,
                "locations": [
                    {
                        "path": r.path,
                        "cell": None if r.cell is None else cell_number(r.cell),
                        "start_line": r.line,
                        "end_line": r.end_line,
                        "col": r.col,
                        "statements": r.statements,
                        "tokens": r.tokens,
                        "fingerprint": r.fingerprint,
                        "status": _status(findings, r),
                    }
                    for r in clone.regions
                ],
                "parameters": [
                    {"role": p.role, "values": list(p.values)} for p in clone.parameters
                ],
            }
            for clone in findings.classes
        ],
        "diagnostics": [d.as_dict() for d in findings.diagnostics],
        "errors": [problem.as_dict() for problem in findings.problems],
    }


def _status(findings: Findings, region: Region) -> str:
    if region in findings.known:
        return "known"
    return "compared" if region in findings.compared else "new"


#: ANSI styles of the text output, as ruff colours its concise lines.
_BOLD, _RED, _CYAN, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[36m", "\x1b[0m"


def _finding(place: str, code: str, text: str, color: bool) -> str:
    if not color:
        return f"{place}: {code} {text}"
    return f"{_BOLD}{place}{_RESET}{_CYAN}:{_RESET} {_RED}{code}{_RESET} {text}"


def _text(findings: Findings, *, quiet: bool, color: bool) -> str:
    copies = findings.new_copies()
    # one list in file order, as a linter prints it
    found = [
        (place_order(region), where(region), DUPLICATE_CODE, message(clone, region))
        for region, clone in copies
    ]
    found.extend(
        (place_order(d.location), str(d.location), d.code, d.message) for d in findings.diagnostics
    )
    found.sort(key=lambda finding: finding[0])
    lines = [_finding(place, code, text, color) for _, place, code, text in found]
    lines.extend(str(problem) for problem in findings.problems)
    if not quiet:
        lines.append(_summary(findings, len(copies)))
    return "".join(f"{line}\n" for line in lines)


def _summary(findings: Findings, copies: int) -> str:
    blocks = len(findings.classes)
    if blocks:
        what = (
            f"{blocks} duplicated block{_s(blocks)} ({copies} cop{'y' if copies == 1 else 'ies'})"
        )
        if findings.known:
            what = (
                f"{blocks} duplicated block{_s(blocks)} ({copies} new "
                f"cop{'y' if copies == 1 else 'ies'}, {len(findings.known)} known)"
            )
    else:
        what = "no duplicated code"
    others = len(findings.diagnostics)
    extra = f", {others} other finding{_s(others)}" if others else ""
    problems = len(findings.problems)
    errors = f", {problems} file{_s(problems)} not checked" if problems else ""
    checked = findings.files_checked
    if not checked:  # every file failed: "in 0 files" would read as nothing was asked
        return f"{what}{extra}{errors}"
    return f"{what}{extra} in {checked} file{_s(checked)}{errors}"


def _statistics(findings: Findings, *, json_output: bool, quiet: bool) -> str:
    """The count of each code, most frequent first (as ruff's ``--statistics``)."""
    counts = sorted(findings.counts().items(), key=lambda item: (-item[1], item[0]))
    if json_output:
        rows = [{"code": c, "count": n, "summary": CODES[c].summary} for c, n in counts]
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(n)) for _, n in counts), default=1)
    lines = [f"{n:>{width}}\t{c}\t{CODES[c].summary}" for c, n in counts]
    lines.extend(str(problem) for problem in findings.problems)
    if not quiet:
        total = sum(n for _, n in counts)
        files = findings.files_checked
        lines.append(f"{total} finding{_s(total)} in {files} file{_s(files)}")
    return "".join(f"{line}\n" for line in lines)


def place_order(place: Region | Location) -> tuple[str, int, int]:
    """A copy's or a finding's place, for sorting: path, cell (a script's first), line."""
    cell = place.cell if isinstance(place, Region) else place.cell_index
    return (place.path, -1 if cell is None else cell, place.line)


def _s(count: int) -> str:
    return "" if count == 1 else "s"


ColorChoice = Literal["auto", "always", "never"]
COLOR_CHOICES: tuple[ColorChoice, ...] = ("auto", "always", "never")


def wants_color(choice: ColorChoice, is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Whether the text output is coloured: ``always`` and ``never`` say so; ``auto``
    colours a terminal, unless ``NO_COLOR`` is set or pre-commit runs us (``PRE_COMMIT``:
    it gives hooks a terminal, and its log stays plain), and any output when
    ``FORCE_COLOR`` is set (https://no-color.org, https://force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return is_terminal and not environ.get("PRE_COMMIT")


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    """``--select NBR001,NBR1 --select NBR2`` as one tuple of codes, upper case."""
    return tuple(
        code.strip().upper() for value in values for code in value.split(",") if code.strip()
    )
