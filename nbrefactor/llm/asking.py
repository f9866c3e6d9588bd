"""One question to the model, with one repair round: what every request of the stage
(functions, test inputs) goes through.

The answer is checked by the caller's function, which keeps the items that pass and
says why the others do not, or finds the answer unusable as a whole. A failed call, an
unusable answer, or items failing the check are asked once more, the problems fed
back when there was an answer; after that round, what passed is kept: the second
answer's, else the first answer's good part. Nothing here raises for the model's sake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nbrefactor.llm.client import LlmClient, LlmFailure, Messages
from nbrefactor.llm.prompts import repair_messages

T = TypeVar("T")


class UnusableAnswer(Exception):
    """The answer as a whole cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    """The items of an answer that passed the checks, and why the others did not (or
    why no answer could be used)."""

    items: tuple[T, ...] = ()
    problems: tuple[str, ...] = ()


def ask_checked(
    client: LlmClient,
    messages: Messages,
    check: Callable[[str], Checked[T]],
    label: str,
    *,
    schema: dict[str, Any],
    version: str,
) -> Checked[T]:
    """The items of the answer to ``messages`` that pass ``check`` (which raises
    :class:`UnusableAnswer` for an answer it cannot read), asked again once if needed;
    ``label`` names the calls in the usage report."""

    def ask(sent: Messages, note: str = "") -> str:
        return client.ask(sent, label + note, schema=schema, version=version).content

    first: Checked[T] = Checked()
    answer: str | None = None
    try:
        answer = ask(messages)
        first = check(answer)
        if not first.problems:
            return first
        problems = list(first.problems)
    except (UnusableAnswer, LlmFailure) as error:
        problems = [str(error)]
    if answer is None:  # the call failed: a server may recover
        again, note = messages, " (again)"
    else:  # the answer had problems: fed back
        again, note = _repair(messages, answer, problems), " (repair)"
    try:
        return check(ask(again, note))
    except (UnusableAnswer, LlmFailure) as error:
        return Checked(first.items, (*problems, f"asked again: {error}"))


def _repair(messages: Messages, answer: str, problems: list[str]) -> Messages:
    return lambda in_prompt: repair_messages(messages(in_prompt), answer, problems)
