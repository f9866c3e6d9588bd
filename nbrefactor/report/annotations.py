"""Findings where the file is shown: GitHub Actions annotations and SARIF 2.1.0.

Both point at a line of the file, so a place in a notebook cell is mapped to the line of
the file that holds it (:mod:`nbrefactor.report.positions`): in an ``.ipynb`` file, the
line of the JSON where that line of the cell's source is, so the annotation sits on the
code it is about. The cell's number and the line within it are given as well (in the
annotation's title; in SARIF, in the message and the logical location), as the text
output gives them. A place that cannot be mapped points at the file as a whole.
"""

from __future__ import annotations

from typing import Any

from nbrefactor._version import __version__
from nbrefactor.analysis.clones import Region
from nbrefactor.diagnostics import CODES, Diagnostic
from nbrefactor.notebook.model import cell_number
from nbrefactor.report.clones import DUPLICATE_CODE, Findings, message, place_order
from nbrefactor.report.positions import FileLines


class _Place:
    """One finding's place, as the file shows it: lines of the file (``None``: the file
    as a whole), a column when it is the cell's own, and the cell and its line."""

    def __init__(
        self, lines: FileLines, path: str, cell: int | None, line: int, end_line: int, col: int
    ) -> None:
        self.path, self.cell, self.cell_line = path, cell, line
        self.col: int | None = col if line else None
        self.start: int | None
        self.end: int | None
        if cell is None:
            self.start, self.end = (line, end_line) if line else (None, None)
        else:
            self.start = lines.line(path, cell, line)
            self.end = lines.line(path, cell, end_line)
            if path.lower().endswith(".ipynb"):
                self.col = None  # a column of the JSON is not the column in the cell

    @property
    def cell_name(self) -> str | None:
        """``cell 3, line 2``: the place as the notebook shows it."""
        if self.cell is None:
            return None
        return f"cell {cell_number(self.cell)}, line {self.cell_line}"


def github(findings: Findings) -> str:
    """GitHub Actions workflow commands: one annotation per finding, the cell named in
    its title."""
    lines = FileLines()
    found = []
    for region, clone in findings.new_copies():
        place = _region_place(lines, region)
        command = _command("warning", place, DUPLICATE_CODE, message(clone, region))
        found.append((place_order(region), command))
    for d in findings.diagnostics:
        level = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
        command = _command(level, _diagnostic_place(lines, d), d.code, d.message)
        found.append((place_order(d.location), command))
    found.sort(key=lambda pair: pair[0])
    out = [command for _, command in found]
    out.extend(
        f"::error file={_escape_property(p.location.path)},title={p.code}::"
        f"{_escape_data(p.message)}"
        for p in findings.problems
    )
    return "".join(f"{line}\n" for line in out)


def _command(level: str, place: _Place, code: str, text: str) -> str:
    properties = [f"file={_escape_property(place.path)}"]
    if place.start is not None:
        properties.append(f"line={place.start}")
        if place.end is not None and place.end != place.start:
            properties.append(f"endLine={place.end}")
        elif place.col is not None:
            properties.append(f"col={place.col}")
    title = f"{code} ({place.cell_name})" if place.cell_name else code
    properties.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(properties)}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _region_place(lines: FileLines, region: Region) -> _Place:
    return _Place(lines, region.path, region.cell, region.line, region.end_line, region.col)


def _diagnostic_place(lines: FileLines, d: Diagnostic) -> _Place:
    where = d.location
    return _Place(lines, where.path, where.cell_index, where.line, where.line, where.col)


def sarif(findings: Findings) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one result per finding, the other copies of a duplicated block
    as related locations; the files that could not be read (NBR002) are notifications of
    the run, which then did not succeed."""
    lines = FileLines()
    rules: list[dict[str, Any]] = [
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
    results: list[tuple[tuple[str, int, int], dict[str, Any]]] = []
    for region, clone in findings.new_copies():
        place = _region_place(lines, region)
        others = [r for r in clone.regions if r is not region]
        results.append(
            (
                place_order(region),
                {
                    "ruleId": DUPLICATE_CODE,
                    "ruleIndex": 0,
                    "level": "warning",
                    "message": {"text": _located(place, message(clone, region))},
                    "locations": [_location(place)],
                    "relatedLocations": [
                        {"id": number, **_location(_region_place(lines, other))}
                        for number, other in enumerate(others)
                    ],
                    "partialFingerprints": {"nbrefactorShape/v1": region.fingerprint},
                    "properties": {"kind": clone.kind, "statements": region.statements},
                },
            )
        )
    for d in findings.diagnostics:
        if d.code not in [rule["id"] for rule in rules]:
            rules.append({"id": d.code, "shortDescription": {"text": CODES[d.code].summary}})
        place = _diagnostic_place(lines, d)
        results.append(
            (
                place_order(d.location),
                {
                    "ruleId": d.code,
                    "ruleIndex": [rule["id"] for rule in rules].index(d.code),
                    "level": {"error": "error", "warning": "warning"}.get(d.severity, "note"),
                    "message": {"text": _located(place, d.message)},
                    "locations": [_location(place)],
                },
            )
        )
    results.sort(key=lambda pair: pair[0])
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "nbrefactor", "version": __version__, "rules": rules}},
                "results": [result for _, result in results],
                "invocations": [
                    {
                        "executionSuccessful": not findings.problems,
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "descriptor": {"id": problem.code},
                                "message": {"text": problem.message},
                                "locations": [_location(_diagnostic_place(lines, problem))],
                            }
                            for problem in findings.problems
                        ],
                    }
                ],
            }
        ],
    }


def _located(place: _Place, text: str) -> str:
    """The message, after the cell and line it is about (code scanning shows the file's
    line, not the cell)."""
    return f"{place.cell_name}: {text}" if place.cell_name else text


def _location(place: _Place) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": place.path.replace("\\", "/")}}
    if place.start is not None:
        region: dict[str, Any] = {"startLine": place.start}
        if place.end is not None:
            region["endLine"] = place.end
        if place.col is not None:
            region["startColumn"] = place.col
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if place.cell is not None:
        number = cell_number(place.cell)
        location["logicalLocations"] = [{"name": f"cell_{number}", "kind": "module"}]
        location["properties"] = {"cell": number, "line": place.cell_line}
    return location
