"""Render duplicate findings as text, JSON, GitHub annotations or SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from nbrefactor._version import __version__
from nbrefactor.analysis.clone_classes import CloneClass
from nbrefactor.analysis.clones import Region
from nbrefactor.diagnostics import CODES, Diagnostic

CheckFormat = Literal["text", "json", "github", "sarif"]
CHECK_FORMATS: tuple[CheckFormat, ...] = ("text", "json", "github", "sarif")
DUPLICATE_CODE = "NBR001"  # see nbrefactor.diagnostics.CODES
_SHOWN_OTHERS = 3


def render_check(
    classes: Sequence[CloneClass],
    diagnostics: Sequence[Diagnostic],
    problems: Sequence[Diagnostic],
    fmt: CheckFormat,
    *,
    files_checked: int,
) -> str:
    """The findings of ``nbrefactor check`` in ``fmt``, ending with a newline."""
    if fmt == "json":
        return json.dumps(check_to_dict(classes, diagnostics, problems), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(_sarif(classes, diagnostics), indent=2) + "\n"
    if fmt == "github":
        return _github(classes, diagnostics, problems)
    return _text(classes, diagnostics, problems, files_checked)


def where(region: Region) -> str:
    """``path:cell_N:line:col`` (``path:line:col`` for a script)."""
    if region.cell is None:
        return f"{region.path}:{region.line}:{region.col}"
    return f"{region.path}:cell_{region.cell}:{region.line}:{region.col}"


def _short(region: Region) -> str:
    return where(region).rsplit(":", 1)[0]


def message(clone: CloneClass, region: Region) -> str:
    """``duplicated block (N statements) — also at a.ipynb:cell_3:1, ...``.

    Places in the same file are shortened to ``cell_3:1``.
    """
    others = [r for r in clone.regions if r is not region]
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


def check_to_dict(
    classes: Sequence[CloneClass], diagnostics: Sequence[Diagnostic], problems: Sequence[Diagnostic]
) -> dict[str, Any]:
    """The JSON contract of ``nbrefactor check --format json`` (see docs/reference/check.md)."""
    return {
        "clone_classes": [
            {
                "kind": clone.kind,
                "statements": clone.statements,
                "fingerprint": clone.fingerprint,
                "locations": [
                    {
                        "path": r.path,
                        "cell": r.cell,
                        "start_line": r.line,
                        "end_line": r.end_line,
                        "col": r.col,
                        "statements": r.statements,
                        "tokens": r.tokens,
                        "fingerprint": r.fingerprint,
                    }
                    for r in clone.regions
                ],
                "parameters": [
                    {"role": p.role, "values": list(p.values)} for p in clone.parameters
                ],
            }
            for clone in classes
        ],
        "diagnostics": [d.as_dict() for d in diagnostics],
        "errors": [problem.as_dict() for problem in problems],
    }


def _text(
    classes: Sequence[CloneClass],
    diagnostics: Sequence[Diagnostic],
    problems: Sequence[Diagnostic],
    files_checked: int,
) -> str:
    found = sorted(
        ((region, clone) for clone in classes for region in clone.regions),
        key=lambda pair: (pair[0].path, -1 if pair[0].cell is None else pair[0].cell, pair[0].line),
    )
    lines = [
        f"{where(region)}: {DUPLICATE_CODE} {message(clone, region)}" for region, clone in found
    ]
    lines.extend(str(d) for d in diagnostics)
    lines.extend(str(problem) for problem in problems)
    copies = sum(len(clone.regions) for clone in classes)
    summary = (
        f"{len(classes)} duplicated block{'s' if len(classes) != 1 else ''} ({copies} copies)"
        if classes
        else "no duplicated code"
    )
    extra = f", {len(diagnostics)} other finding{'s' if len(diagnostics) != 1 else ''}"
    errors = f", {len(problems)} file{'s' if len(problems) != 1 else ''} not checked"
    lines.append(
        f"{summary}{extra if diagnostics else ''}{errors if problems else ''} "
        f"in {files_checked} file{'s' if files_checked != 1 else ''}"
    )
    return "\n".join(lines) + "\n"


def _github(
    classes: Sequence[CloneClass], diagnostics: Sequence[Diagnostic], problems: Sequence[Diagnostic]
) -> str:
    """GitHub Actions workflow commands: one annotation per copy."""
    lines = []
    for clone in classes:
        for region in clone.regions:
            title = f"{DUPLICATE_CODE}" + (
                f" (cell {region.cell})" if region.cell is not None else ""
            )
            lines.append(
                f"::warning file={_escape_property(region.path)},line={region.line},"
                f"endLine={region.end_line},title={_escape_property(title)}::"
                f"{_escape_data(message(clone, region))}"
            )
    for d in diagnostics:
        level = (
            "error" if d.severity == "error" else "warning" if d.severity == "warning" else "notice"
        )
        lines.append(
            f"::{level} file={_escape_property(d.location.path)},line={d.location.line},"
            f"title={d.code}::{_escape_data(d.message)}"
        )
    lines.extend(
        f"::error file={_escape_property(p.location.path)},title={p.code}::"
        f"{_escape_data(p.message)}"
        for p in problems
    )
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif(classes: Sequence[CloneClass], diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log; notebook cells appear in each result's logical location."""
    rules = [
        {
            "id": DUPLICATE_CODE,
            "name": "DuplicatedCode",
            "shortDescription": {"text": "Duplicated block of code"},
            "fullDescription": {
                "text": "The same statements (or a renamed or near copy of them) appear in "
                "more than one place; move them into one function."
            },
            "defaultConfiguration": {"level": "warning"},
        }
    ]
    seen_codes = {DUPLICATE_CODE}
    results: list[dict[str, Any]] = []
    for clone in classes:
        for region in clone.regions:
            results.append(
                {
                    "ruleId": DUPLICATE_CODE,
                    "ruleIndex": 0,
                    "level": "warning",
                    "message": {"text": message(clone, region)},
                    "locations": [
                        _sarif_location(
                            region.path, region.cell, region.line, region.end_line, region.col
                        )
                    ],
                    "relatedLocations": [
                        {"id": number, **_sarif_location(o.path, o.cell, o.line, o.end_line, o.col)}
                        for number, o in enumerate(r for r in clone.regions if r is not region)
                    ],
                    "partialFingerprints": {"nbrefactorShape/v1": region.fingerprint},
                    "properties": {"kind": clone.kind, "statements": region.statements},
                }
            )
    for d in diagnostics:
        if d.code not in seen_codes:
            seen_codes.add(d.code)
            rules.append({"id": d.code, "shortDescription": {"text": CODES[d.code].summary}})
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": [r["id"] for r in rules].index(d.code),
                "level": {"error": "error", "warning": "warning"}.get(d.severity, "note"),
                "message": {"text": d.message},
                "locations": [
                    _sarif_location(
                        d.location.path,
                        d.location.cell_index,
                        d.location.line,
                        d.location.line,
                        d.location.col,
                    )
                ],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nbrefactor",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def _sarif_location(
    path: str, cell: int | None, line: int, end_line: int, col: int
) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": path.replace("\\", "/")},
            "region": {"startLine": line, "endLine": end_line, "startColumn": col},
        }
    }
    if cell is not None:
        location["logicalLocations"] = [{"name": f"cell_{cell}", "kind": "module"}]
    return location
