"""The language model stage of ``extract --llm``: for each notebook, ask for functions
for its script code, check the answer, and hand the planner what passed.

The model proposes, nbrefactor decides: nothing here writes code, and no failure stops
the run. A failed call, an answer that is not JSON of the right shape, or proposals
that fail the checks get one more round (:func:`~nbrefactor.llm.asking.ask_checked`);
after it the notebook goes on with what passed, or with nothing (the deterministic
plan), and the report says why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.graph import CellGraph
from nbrefactor.fileio import write_text_atomic
from nbrefactor.llm.answers import check_answer
from nbrefactor.llm.asking import Checked, ask_checked
from nbrefactor.llm.client import LlmClient, Usage
from nbrefactor.llm.prompts import FUNCTIONS_SCHEMA, PROMPT_VERSION, functions_messages
from nbrefactor.llm.settings import LlmSettings
from nbrefactor.llm.statements import notebook_view, number_statements
from nbrefactor.planning.proposals import Proposal, Verdict


@dataclass(frozen=True, slots=True)
class NotebookProposals:
    """What the model proposed for one notebook that passed the checks; ``problems``
    says what did not, or why nothing came (the call failed)."""

    notebook: str
    proposals: tuple[Proposal, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LlmReport:
    """The stage's outcome for a run: per notebook, and the tokens it used."""

    notebooks: tuple[NotebookProposals, ...]
    usage: Usage
    settings: LlmSettings
    #: Set for ``--llm-dry-run``: where the requests were written (nothing was sent).
    dry_run: Path | None = None

    def proposals(self) -> dict[str, tuple[Proposal, ...]]:
        """The proposals by notebook path, as the planner takes them."""
        return {n.notebook: n.proposals for n in self.notebooks if n.proposals}

    def render(self, verdicts: Mapping[str, Sequence[Verdict]]) -> str:
        """What happened, for stderr: per notebook what was proposed and what the
        planner made of it (``verdicts`` by notebook path), then the tokens used."""
        if self.dry_run is not None:
            return f"llm: nothing sent; the requests are in {self.dry_run}\n"
        lines: list[str] = []
        for notebook in self.notebooks:
            judged = sorted(verdicts.get(notebook.notebook, ()), key=_in_order)
            name = Path(notebook.notebook).name
            if judged:
                taken = sum(v.accepted for v in judged)
                lines.append(f"llm: {name}: {taken} of {len(judged)} proposed functions taken")
            elif notebook.problems:
                said = "nothing proposed could be used; the plan is nbrefactor's own"
                lines.append(f"llm: {name}: {said}")
            else:
                lines.append(f"llm: {name}: no functions proposed")
            lines += [f"  {verdict}" for verdict in judged]
            lines += [f"  not used: {problem}" for problem in notebook.problems]
        usage = self.usage
        calls = len(usage.calls) + usage.failures
        cached = sum(r.cached for _, r in usage.calls)
        prompt = sum(r.prompt_tokens for _, r in usage.calls if not r.cached)
        completion = sum(r.completion_tokens for _, r in usage.calls if not r.cached)
        said = (
            f"llm: {calls} call{'s' if calls != 1 else ''} to {self.settings.model} "
            f"({cached} from the cache, {usage.failures} failed): "
            f"{prompt:,} prompt + {completion:,} completion tokens"
        )
        if self.settings.prompt_price or self.settings.completion_price:
            said += f", cost {usage.cost(self.settings):.4f}"
        lines.append(said)
        for label, reply in self.usage.calls:
            tokens = f"{reply.prompt_tokens:,} + {reply.completion_tokens:,} tokens"
            lines.append(f"  {label}: {'from the cache' if reply.cached else tokens}")
        return "\n".join(lines) + "\n"


def _in_order(verdict: Verdict) -> tuple[tuple[int, int], ...]:
    return verdict.proposal.statements


def propose_functions(
    graphs: Sequence[CellGraph], client: LlmClient, *, dry_run: Path | None = None
) -> LlmReport:
    """Functions proposed for each notebook of ``graphs`` by ``client``'s model; with
    ``dry_run``, the requests are written there as JSON and nothing is sent.

    Raises:
        UsageError: settings that cannot be used (no model, local-only and a remote
            server, no API key for it, openai missing).
        NbrefactorError: the dry-run file cannot be written.
    """
    settings = client.settings
    settings.check_usable()
    if dry_run is not None:
        requests = []
        for graph in graphs:
            statements = number_statements(graph)
            view = notebook_view(graph, statements, redact_literals=settings.redact_literals)
            messages = functions_messages(view, schema_in_prompt=False)
            requests.append(client.first_request(messages))
        text = json.dumps({"base_url": settings.base_url, "requests": requests}, indent=1)
        write_text_atomic(dry_run, text + "\n")
        return LlmReport((), client.usage, settings, dry_run)
    if not settings.is_local:
        settings.api_key()  # no key: refused before anything is sent
    found = [_propose(graph, client) for graph in graphs]
    return LlmReport(tuple(found), client.usage, settings)


def _propose(graph: CellGraph, client: LlmClient) -> NotebookProposals:
    path = str(graph.notebook.path)
    statements = number_statements(graph)
    if not statements:
        return NotebookProposals(path)
    view = notebook_view(graph, statements, redact_literals=client.settings.redact_literals)
    label = graph.notebook.path.name

    def asked(in_prompt: bool) -> list[dict[str, str]]:
        return functions_messages(view, schema_in_prompt=in_prompt)

    def check(answer: str) -> Checked[Proposal]:
        return check_answer(answer, statements)

    found = ask_checked(
        client, asked, check, label, schema=FUNCTIONS_SCHEMA, version=PROMPT_VERSION
    )
    return NotebookProposals(path, found.items, found.problems)
