"""What the ``extract`` job returns: a value per project, and one for a whole run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nbrefactor.diagnostics import Diagnostic
from nbrefactor.emit.changeset import ChangeSet
from nbrefactor.emit.project import Project
from nbrefactor.emit.recorded_tests import RecordedTests
from nbrefactor.errors import NbrefactorError
from nbrefactor.planning.units import CommonModule, ExtractionPlan
from nbrefactor.verification.proof import Verification

if TYPE_CHECKING:  # a type only
    from nbrefactor.llm.stage import LlmReport


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """What one ``extract`` call plans and the files it would change.

    ``plans`` has one plan per notebook extracted, in the order given; ``common`` the
    functions made of blocks copied across them; ``failed`` the errors of notebooks left
    out of the run (each names its file). With verification, ``verifications`` has one
    per rewritten notebook and ``recorded`` says what the recorded calls became (their
    tests are in ``changes``).
    """

    plans: tuple[ExtractionPlan, ...]
    common: CommonModule
    project: Project
    changes: ChangeSet
    failed: tuple[NbrefactorError, ...] = ()
    #: Per plan, the notebook read and where its rewritten version goes.
    notebooks: tuple[tuple[Path, Path], ...] = ()
    #: What the rewritten notebooks may show differently, that no plan can avoid.
    warnings: tuple[Diagnostic, ...] = ()
    verifications: tuple[Verification, ...] = ()
    recorded: RecordedTests | None = None
    #: What running the notebooks to verify them created, changed or removed in their
    #: folders ("created data/out.csv"): their own doing, not nbrefactor's.
    run_changes: tuple[str, ...] = ()
    #: With ``--llm``: what the model proposed and the tokens it took (the plans'
    #: ``verdicts`` say what the planner took).
    llm: LlmReport | None = None
    #: With ``--llm-tests``: what became of the proposed tests, line by line.
    proposed_tests: tuple[str, ...] = ()

    def rewritten(self, index: int) -> str | None:
        """The rewritten text of the ``index``-th notebook; None when it is unchanged."""
        target = self.notebooks[index][1]
        for change in self.changes.changes:
            if change.path == target and change.new != change.old and isinstance(change.new, str):
                return change.new
        return None

    @property
    def plan(self) -> ExtractionPlan:
        """The first notebook's plan: the only one when extracting one notebook."""
        return self.plans[0]

    @property
    def outputs_differ(self) -> bool:
        """Whether verification found a notebook whose outputs changed."""
        return not all(v.same for v in self.verifications)


@dataclass(frozen=True, slots=True)
class ExtractionRun:
    """An ``extract`` of notebooks from one or more projects: one result per project
    (in the order their first notebook was given), and the errors of the projects that
    could not be extracted at all."""

    results: tuple[ExtractionResult, ...] = ()
    errors: tuple[NbrefactorError, ...] = ()
