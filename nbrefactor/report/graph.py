"""Render a :class:`CellGraph` as text, JSON, Mermaid or Graphviz DOT."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from nbrefactor.notebook.model import Cell, cell_number

if TYPE_CHECKING:  # `nbrefactor --help` and `check` need the formats, not the graph
    from nbrefactor.analysis.graph import CellGraph

GraphFormat = Literal["text", "json", "mermaid", "dot"]
GRAPH_FORMATS: tuple[GraphFormat, ...] = ("text", "json", "mermaid", "dot")
_LABEL_WIDTH = 40


def render_graph(graph: CellGraph, fmt: GraphFormat) -> str:
    """The graph in one of :data:`GRAPH_FORMATS`, ending with a newline."""
    if fmt == "json":
        return json.dumps(graph_to_dict(graph), indent=2) + "\n"
    if fmt == "mermaid":
        return _mermaid(graph)
    if fmt == "dot":
        return _dot(graph)
    return _text(graph)


def graph_to_dict(graph: CellGraph) -> dict[str, Any]:
    """The JSON contract of ``nbrefactor graph --format json`` (see docs/reference/graph.md):
    a cell's ``index`` is its position from 0 (edges refer to it), its ``cell`` the number
    people see, from 1 (diagnostics refer to it, as every report does)."""
    notebook = graph.notebook
    cells = []
    for cell in notebook.cells:
        entry: dict[str, Any] = {
            "index": cell.index,
            "cell": cell_number(cell.index),
            "id": cell.id,
            "cell_type": cell.cell_type,
            "execution_count": cell.execution_count,
            "heading": cell.heading,
            "first_line": cell.first_line,
        }
        facts = graph.facts.get(cell.index)
        if facts is not None:
            reads = graph.notebook_reads(cell.index)
            entry.update(
                defines=list(facts.defines),
                reads=list(reads),
                builtins=[name for name in facts.reads if name not in reads],
                mutates=list(facts.mutates),
                imports=list(facts.imports),
                deletes=list(facts.deletes),
                functions=[
                    {
                        "name": d.name,
                        "kind": d.kind,
                        "line": d.line,
                        "globals_read": sorted(d.globals_read),
                        "globals_written": sorted(d.globals_written),
                        "globals_mutated": sorted(d.globals_mutated),
                    }
                    for d in facts.defs
                ],
                magics=[
                    {"kind": m.kind, "name": m.name, "line": m.start_line}
                    for m in (facts.masked.magics if facts.masked else ())
                ],
                parses=facts.parse_error is None,
            )
        cells.append(entry)
    return {
        "notebook": str(notebook.path),
        "format": notebook.format,
        "cells": cells,
        "edges": [
            {"from": e.source, "to": e.target, "names": list(e.names), "indirect": list(e.indirect)}
            for e in graph.edges
        ],
        # every diagnostic is in this notebook, whose path is given once, above
        "diagnostics": [
            {key: value for key, value in d.as_dict().items() if key != "path"}
            for d in graph.diagnostics
        ],
    }


def _text(graph: CellGraph) -> str:
    lines = [f"{graph.notebook.path}: {len(graph.facts)} code cells, {len(graph.edges)} edges"]
    for index, facts in graph.facts.items():
        cell = graph.notebook.cells[index]
        lines.append(f"cell {cell_number(index)}: {_label(cell)}")
        incoming = {name: e.source for e in graph.edges_into(index) for name in e.names}
        reads = graph.notebook_reads(index)
        if reads:
            shown = ", ".join(
                f"{n} (cell {cell_number(incoming[n])})" if n in incoming else n for n in reads
            )
            lines.append(f"    reads    {shown}")
        for title, names in (
            ("defines", facts.defines),
            ("mutates", facts.mutates),
            ("deletes", facts.deletes),
        ):
            if names:
                lines.append(f"    {title:<8} {', '.join(names)}")
        for definition in facts.defs:
            if definition.globals_read:
                read = ", ".join(sorted(definition.globals_read))
                lines.append(f"    {definition.name}() reads globals {read}")
    if graph.diagnostics:
        lines.append("")
        lines.extend(str(d) for d in graph.diagnostics)
    return "\n".join(lines) + "\n"


def _label(cell: Cell) -> str:
    first = cell.first_line or "(empty)"
    if len(first) > _LABEL_WIDTH:
        first = first[: _LABEL_WIDTH - 1] + "…"
    return f"[{cell.heading}] {first}" if cell.heading else first


def _warned_cells(graph: CellGraph) -> set[int]:
    return {
        d.location.cell_index
        for d in graph.diagnostics
        if d.severity != "info" and d.location.cell_index is not None
    }


def _mermaid(graph: CellGraph) -> str:
    lines = ["flowchart TD"]
    for index in graph.facts:
        label = _mermaid_escape(f"cell {cell_number(index)}: {_label(graph.notebook.cells[index])}")
        lines.append(f'    c{cell_number(index)}["{label}"]')
    for edge in graph.edges:
        names = _mermaid_escape(_short_names(edge.names))
        lines.append(f'    c{cell_number(edge.source)} -->|"{names}"| c{cell_number(edge.target)}')
    warned = sorted(_warned_cells(graph) & set(graph.facts))
    if warned:
        lines.append("    classDef warning fill:#fff3cd,stroke:#d39e00")
        lines.append("    class " + ",".join(f"c{cell_number(i)}" for i in warned) + " warning")
    return "\n".join(lines) + "\n"


def _mermaid_escape(text: str) -> str:
    """Mermaid's entity codes (``#quot;``) for what would end or confuse a label; ``#``
    first, so that a ``#1;`` in the code is not read as an entity."""
    for plain, code in (
        ("#", "#35;"),
        ("&", "#amp;"),
        ('"', "#quot;"),
        ("<", "#lt;"),
        (">", "#gt;"),
    ):
        text = text.replace(plain, code)
    return text


def _dot(graph: CellGraph) -> str:
    lines = [
        "digraph notebook {",
        "    rankdir=TB;",
        '    node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="monospace"];',
    ]
    warned = _warned_cells(graph)
    for index in graph.facts:
        label = _dot_escape(f"cell {cell_number(index)}: {_label(graph.notebook.cells[index])}")
        fill = ', fillcolor="#fff3cd"' if index in warned else ""
        lines.append(f'    c{cell_number(index)} [label="{label}"{fill}];')
    for edge in graph.edges:
        style = ", style=dashed" if set(edge.indirect) == set(edge.names) else ""
        label = _dot_escape(_short_names(edge.names))
        lines.append(
            f"    c{cell_number(edge.source)} -> c{cell_number(edge.target)} "
            f'[label="{label}"{style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _short_names(names: tuple[str, ...], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")
