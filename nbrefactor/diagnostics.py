"""Diagnostics: a code, a message and a place in a notebook, printed like a linter's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nbrefactor.notebook.model import Location

Severity = Literal["error", "warning", "info"]

#: Every diagnostic code nbrefactor emits, with its severity and a one-line summary.
CODES: dict[str, tuple[Severity, str]] = {
    "NBR100": ("error", "cell does not parse as Python (after masking IPython syntax)"),
    "NBR101": ("warning", "name used before the cell that defines it (hidden state)"),
    "NBR102": ("warning", "name never defined in the notebook"),
    "NBR103": ("warning", "cell executed out of order"),
    "NBR104": ("info", "name redefined with a different meaning"),
    "NBR105": ("info", "definition never used"),
    "NBR106": ("warning", "names created or read dynamically (star import, exec, %run)"),
    "NBR107": ("info", "cell never executed although later cells were"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding; ``str()`` gives ``path:cell_N:line:col: CODE message``."""

    code: str
    message: str
    location: Location

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"
