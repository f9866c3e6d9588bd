"""Functions proposed from outside the planner (the language model stage), and what the
planner made of each.

A proposal names the statements a function should hold, by cell and by place among
the cell's top-level statements, with a name and the words of its docstring. The
planner decides: a proposal is taken only when its statements are whole cells' code of
one run of script code and the data flow allows the function; otherwise it is
rejected with the reason, and that run is planned as if nothing had been proposed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Proposal:
    """A function for the top-level statements ``statements`` ((cell index, place among
    the cell's top-level statements) pairs, in order), named ``name``; ``summary`` is
    its docstring's first line and ``description`` the paragraph after it."""

    statements: tuple[tuple[int, int], ...]
    name: str
    summary: str = ""
    description: str = ""
    #: How the proposal was numbered where it came from (``statements 4-9``), for
    #: messages.
    label: str = ""

    @property
    def cells(self) -> tuple[int, ...]:
        return tuple(sorted({cell for cell, _ in self.statements}))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the planner did with ``proposal``: took it, or not and why."""

    proposal: Proposal
    accepted: bool
    reason: str = ""

    def __str__(self) -> str:
        said = f"'{self.proposal.name}' ({self.proposal.label or 'cells'})"
        return f"{said}: {'accepted' if self.accepted else 'rejected: ' + self.reason}"
