"""The comparison table ``duplicates_speed.py`` prints, made from its JSON figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KINDS = ("type-1", "type-2", "type-3")
COLUMNS = (
    "work",
    "nbrefactor",
    "jscpd 5 (+ jupytext conversion)",
    "nbqa + pylint duplicate-code",
    "floor (json + ast.parse)",
    "goal (issue; scaled to this floor)",
)


def _s(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds:.2f}"


def _cpu(tool: dict[str, Any], key: str) -> float | None:
    figures = tool.get(key)
    return None if not isinstance(figures, dict) else figures.get("cpu_s")


def _wall(tool: dict[str, Any], key: str) -> float | None:
    figures = tool.get(key)
    return None if not isinstance(figures, dict) else figures.get("wall_s")


def _failed(tool: dict[str, Any], key: str) -> str | None:
    figures = tool.get(key)
    return figures.get("error") if isinstance(figures, dict) else None


def _cell(tool: dict[str, Any], key: str) -> str:
    if tool.get("skipped"):
        return "skipped"
    if _failed(tool, key):
        return "failed"
    return _s(_cpu(tool, key))


def _recall(tool: dict[str, Any]) -> str:
    if tool.get("skipped"):
        return "skipped"
    found = tool.get("recall")
    return "?" if not found else " / ".join(str(found[kind]) for kind in KINDS)


def _status(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "MISSED")


def _jscpd_cold(tool: dict[str, Any]) -> str:
    if tool.get("skipped") or _failed(tool, "cold") or _failed(tool, "convert"):
        return _cell(tool, "cold") if not _failed(tool, "convert") else "failed"
    alone, conversion = _cpu(tool, "cold"), _cpu(tool, "convert")
    total = None if alone is None or conversion is None else alone + conversion
    return f"{_s(alone)} (+ {_s(conversion)} = {_s(total)})"


def rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    """The table's rows, the header first: CPU seconds, medians."""
    tools, goals = results["tools"], results["goals"]
    nbr, jscpd, pylint, floor = (tools[k] for k in ("nbrefactor", "jscpd", "pylint", "floor"))
    cold, warm, hook = goals["cold"], goals["warm"], goals["hook"]
    pylint_hook = (
        _cell(pylint, "cold")
        if pylint.get("skipped") or _failed(pylint, "cold")
        else f"= full scan, {_s(_cpu(pylint, 'cold'))}"
    )
    return [
        COLUMNS,
        (
            "full scan, cold (CPU s)",
            _cell(nbr, "cold"),
            _jscpd_cold(jscpd),
            _cell(pylint, "cold"),
            _s(_cpu(floor, "cold")),
            f"<= {cold['issue']:.2f}; <= {cold['limit']:.2f}: {_status(cold['met'])}",
        ),
        (
            "full scan, warm cache (CPU s)",
            _cell(nbr, "warm"),
            "-",
            "-",
            "-",
            f"<= {warm['issue']:.2f}; <= {warm['limit']:.2f}: {_status(warm['met'])}",
        ),
        (
            "hook, 1 changed notebook (CPU / wall s)",
            f"{_cell(nbr, 'hook')} / {_s(_wall(nbr, 'hook'))}",
            "-",
            pylint_hook,
            f"{_s(_cpu(floor, 'hook'))} / {_s(_wall(floor, 'hook'))} (start-up)",
            f"<= {hook['issue']:.2f} CPU: {_status(hook['met'])}",
        ),
        (
            "recall T1 / T2 / T3 (of 10 each)",
            _recall(nbr),
            _recall(jscpd),
            _recall(pylint),
            "-",
            f"10 / 10 / 10: {_status(goals['recall']['met'])}",
        ),
    ]


def table(lines: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
    out = []
    for number, row in enumerate(lines):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.append(" | ".join(cells).rstrip())
        if number == 0:
            out.append("-+-".join("-" * width for width in widths))
    return "\n".join(out)


def render(results: dict[str, Any]) -> str:
    """The table, then what it was measured on and with, and what each tool missed."""
    corpus, versions, tools = results["corpus"], results["versions"], results["tools"]
    scale = results["goals"]["floor_scale"]
    out = [
        f"duplicate detection, nbrefactor and peers: CPU seconds, median of "
        f"{results['repeat']} interleaved rounds",
        "",
        table(rows(results)),
        "",
        f"corpus: {corpus['source']}: {corpus['notebooks']} notebooks, "
        f"{corpus['code_cells']:,} code cells, {corpus['code_lines']:,} code lines, "
        f"with 30 planted clones (seed {corpus['plant_seed']})",
        "versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        "goals: the issue's figure, then scaled by this corpus' floor / 0.33 s"
        + (f" (x{scale:.2f})" if scale else "")
        + "; met/MISSED against the scaled one (the hook's stays absolute)",
    ]
    floor = tools.get("floor", {})
    if _cpu(floor, "walk") is not None:
        out.append(
            f"floor with one visit of every syntax-tree node in Python: {_s(_cpu(floor, 'walk'))}"
            f" (+ {_s(_cpu(floor, 'walk') - (_cpu(floor, 'cold') or 0))} over the floor): the"
            " least a pure-Python detector on syntax trees spends before hashing or comparing"
        )
    medians = []
    for name, tool in tools.items():
        for key, figures in tool.items():
            if isinstance(figures, dict) and "wall_s" in figures and figures["wall_s"] is not None:
                medians.append(f"{name} {key} {figures['wall_s']:.2f}")
    out.append("wall s (medians): " + ", ".join(medians))
    for name, tool in tools.items():
        if tool.get("skipped"):
            out.append(f"{name}: skipped: {tool['skipped']}")
        for key, figures in tool.items():
            if isinstance(figures, dict) and figures.get("error"):
                out.append(f"{name} {key} FAILED: {figures['error']}")
        for note in tool.get("notes", []):
            out.append(f"{name}: {note}")
        if tool.get("recall") is not None and tool.get("missed"):
            out.append(
                f"{name} missed (best share of the copies' lines one finding reports): "
                + "; ".join(tool["missed"])
            )
    return "\n".join(out)
