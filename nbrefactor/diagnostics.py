"""Every NBRxxx code nbrefactor reports, and the one shape of a finding.

A :class:`Diagnostic` is a code, a message and a place; ``str()`` prints it like a
linter (``path:cell_N:line:col: CODE message``) and :meth:`Diagnostic.as_dict` is the
form every JSON report uses. :data:`CODES` is the only registry: duplicate findings
(NBR0xx), cell-graph findings (NBR1xx) and the reasons code stays in the notebook
(NBR2xx), each with its severity, a one-line summary and the page that explains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from nbrefactor.notebook.model import Location, cell_number

Severity = Literal["error", "warning", "info"]


class Code(NamedTuple):
    """What one code means: how serious it is, a one-line summary, and where the
    documentation explains it (a path in the repository, with its anchor)."""

    severity: Severity
    summary: str
    doc: str


_CHECK = "docs/reference/check.md"
_GRAPH = "docs/reference/graph.md#diagnostics"
_STAYS = "docs/reference/extract.md#what-stays-and-why"

#: Every code nbrefactor emits.
CODES: dict[str, Code] = {
    # duplicated code (``check`` and the pre-commit hook)
    "NBR001": Code("warning", "duplicated block of code", f"{_CHECK}#what-counts-as-a-copy"),
    "NBR002": Code("error", "file could not be checked", f"{_CHECK}#output-formats"),
    # the cell graph (``graph``, ``check --check hidden-state``)
    "NBR100": Code(
        "error",
        "cell does not parse as Python (after masking IPython syntax) or nests too deeply",
        _GRAPH,
    ),
    "NBR101": Code("warning", "name used before the cell that defines it (hidden state)", _GRAPH),
    "NBR102": Code("warning", "name never defined in the notebook", _GRAPH),
    "NBR103": Code("warning", "cell executed out of order", _GRAPH),
    "NBR104": Code("info", "name redefined with a different meaning", _GRAPH),
    "NBR105": Code("info", "definition never used", _GRAPH),
    "NBR106": Code(
        "warning", "names created or read dynamically (star import, exec, %run)", _GRAPH
    ),
    "NBR107": Code("info", "cell never executed although later cells were", _GRAPH),
    # why a unit stays in the notebook (``extract``)
    "NBR201": Code("info", "writes a notebook global", _STAYS),
    "NBR202": Code("info", "is used as a value, not only called, and needs new parameters", _STAYS),
    "NBR203": Code("info", "is defined more than once in the notebook", _STAYS),
    "NBR204": Code(
        "info", "contains IPython syntax or sits in a cell that cannot be rewritten", _STAYS
    ),
    "NBR205": Code("info", "uses exec/eval/globals() or names from a star import", _STAYS),
    "NBR206": Code("info", "reads the output history (_, Out, In)", _STAYS),
    "NBR207": Code("info", "is a class whose methods read notebook variables", _STAYS),
    "NBR208": Code(
        "info", "evaluates notebook variables when defined (decorator, default, base class)", _STAYS
    ),
    "NBR209": Code(
        "info",
        "needs a notebook variable that a function calling it has a local of the same name",
        _STAYS,
    ),
    "NBR210": Code("info", "reads a name before any cell defines it (hidden state)", _STAYS),
    "NBR211": Code("info", "binds a name that later cells need only on some paths", _STAYS),
    "NBR212": Code("info", "deletes a notebook name", _STAYS),
    "NBR213": Code(
        "info", "uses exec/eval/globals(), a star import, or the output history", _STAYS
    ),
    "NBR214": Code(
        "info", "binds a name that a notebook function it calls reads as a global", _STAYS
    ),
    "NBR215": Code("info", "is duplicated, but its copies cannot share one function", _STAYS),
    "NBR216": Code(
        "info", "reads a notebook name that a function it calls assigns through global", _STAYS
    ),
    "NBR217": Code(
        "info", "is decorated, and would need new parameters its decorator would see", _STAYS
    ),
    "NBR218": Code("info", "reads __name__, which is the module's name once moved", _STAYS),
    "NBR219": Code(
        "info", "shows the notebook's variables or more than each cell's last value", _STAYS
    ),
    "NBR220": Code("info", "shows a warning, which may change once its code is moved", _STAYS),
    "NBR222": Code("info", "is inspected where it is defined (doctest, inspect, help)", _STAYS),
    "NBR223": Code("info", "shows its module in the outputs, which would name the package", _STAYS),
    "NBR224": Code("info", "calls a function or class that stays in the notebook", _STAYS),
    "NBR225": Code("info", "is not in the cells chosen to move (extract --cells)", _STAYS),
    "NBR226": Code("info", "cannot move as one function as the cells were chosen", _STAYS),
    "NBR227": Code("info", "reads a name no cell defines, which a module would not have", _STAYS),
    # what extract cannot keep the same, and says (``extract``)
    "NBR221": Code(
        "warning", "lists files of the notebook's folder, which now holds the project", _STAYS
    ),
}
#: The cell-graph findings ``check --check hidden-state`` reports: its warnings.
HIDDEN_STATE_CODES = frozenset(
    code
    for code, meaning in CODES.items()
    if meaning.doc == _GRAPH and meaning.severity == "warning"
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding; ``str()`` gives ``path:cell_N:line:col: CODE message``."""

    code: str
    message: str
    location: Location

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The finding as every JSON report gives it; ``cell`` is the cell's number, from
        1 as people (and ruff) count cells, ``None`` outside a notebook."""
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.location.path,
            "cell": _number(self.location.cell_index),
            "line": self.location.line,
            "col": self.location.col,
            "message": self.message,
        }


def _number(index: int | None) -> int | None:
    return None if index is None else cell_number(index)


def not_extracted(code: str, name: str, location: Location, detail: str = "") -> Diagnostic:
    """Why ``name`` (a definition, or a block of cells) stays in the notebook: the
    summary of ``code`` (an NBR2xx code), with ``detail`` when there is more to say."""
    reason = CODES[code].summary + (f": {detail}" if detail else "")
    return Diagnostic(code, f"'{name}' not extracted: {reason}", location)


def file_problem(path: str, message: str) -> Diagnostic:
    """A file that could not be checked, and why (NBR002)."""
    return Diagnostic("NBR002", message, Location.whole_file(path))


def is_selected(code: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> bool:
    """Whether ``code`` is reported under ``--select``/``--ignore``, as ruff decides: each
    is a list of codes or prefixes (``NBR1`` is NBR100 to NBR199, ``ALL`` every code); the
    longest prefix that matches decides, ``ignore`` winning a tie; no ``select`` selects
    every code."""

    def longest(prefixes: Sequence[str]) -> int:
        lengths = [len(p) for p in _prefixes(prefixes) if code.startswith(p)]
        return max(lengths, default=-1)

    chosen = longest(select) if select else 0
    return chosen >= 0 and chosen > longest(ignore)


def unknown_codes(prefixes: Sequence[str]) -> list[str]:
    """The entries of a ``select`` or ``ignore`` list that no code starts with."""
    return [p for p in prefixes if not codes_named_by(p)]


def codes_named_by(entry: str) -> frozenset[str]:
    """The codes a ``select`` or ``ignore`` entry names: those it is a prefix of
    (``NBR1``), every code for ``ALL``."""
    prefix = _prefixes([entry])[0]
    return frozenset(code for code in CODES if code.startswith(prefix))


def unknown_code_message(prefix: str) -> str:
    """What to tell of a ``select`` or ``ignore`` entry no code starts with: the codes
    there are, as runs (``NBR001-NBR002, NBR100-NBR107, ...``)."""
    runs: list[list[str]] = []
    for code in sorted(CODES):
        last = runs[-1][-1] if runs else None
        if last is not None and int(code[3:]) == int(last[3:]) + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    listed = ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
    return f"no code starts with {prefix!r}; the codes are {listed}"


def _prefixes(prefixes: Sequence[str]) -> list[str]:
    return ["" if p.strip().upper() == "ALL" else p.strip().upper() for p in prefixes]
