"""The request nbrefactor sends: instructions, the notebook's numbered statements, and
the JSON schema of the answer. Changing any of it changes :data:`PROMPT_VERSION`, so
cached answers to the old request are not reused."""

from __future__ import annotations

import json
from typing import Any

PROMPT_VERSION = "functions-2"


def answer_schema(key: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of an answer: an object whose ``key`` lists objects with exactly
    the ``fields`` (name -> schema), all required."""
    item = {
        "type": "object",
        "properties": fields,
        "required": list(fields),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {key: {"type": "array", "items": item}},
        "required": [key],
        "additionalProperties": False,
    }


_TEXT = {"type": "string"}

#: The answer: functions proposed for the notebook's top-level code.
FUNCTIONS_SCHEMA = answer_schema(
    "functions",
    {
        "name": _TEXT,
        "statement_ids": {"type": "array", "items": {"type": "integer"}},
        "summary": _TEXT,
        "docstring": _TEXT,
    },
)

_INSTRUCTIONS = """\
You help turn a Jupyter notebook into a Python package. You are shown the notebook's \
top-level statements, numbered, with the names each defines and reads, and the \
headings of its markdown cells. Propose functions for the script code: each function \
is a run of consecutive statement ids that does one step of the work (load, clean, \
add features, train, evaluate, plot, save ...).

Rules:
- statement_ids: consecutive ids, in order; a function holds whole cells' code, so \
start and end at cell boundaries. Functions do not overlap.
- Leave out imports, definitions (def, class) and settings (NAME = literal) unless \
they sit inside the step's cells.
- Code copied in several places (the same statements with other names or values): \
propose one function for one of the copies, exactly its statements; nbrefactor makes \
one function of all copies.
- name: a snake_case verb phrase saying what the step does (load_trips, \
add_tip_features); not a Python builtin or keyword, not a name the notebook uses.
- summary: one sentence in the imperative saying what the function does.
- docstring: one or two sentences for a colleague: what goes in and what comes out, \
in the domain's words. No "Args:" or "Returns:" sections; nbrefactor writes those.
- Propose nothing for code you are unsure about. nbrefactor checks every proposal \
and plans the rest itself.

Answer with JSON only."""


def functions_messages(view: dict[str, Any], *, schema_in_prompt: bool) -> list[dict[str, str]]:
    """The chat messages asking for functions for the notebook ``view`` shows; the
    schema is spelled out in the instructions when the server cannot be given it."""
    instructions = _INSTRUCTIONS
    if schema_in_prompt:
        instructions += f" It must match this JSON schema:\n{json.dumps(FUNCTIONS_SCHEMA)}"
    return [
        {"role": "system", "content": instructions},
        {"role": "user", "content": json.dumps(view, ensure_ascii=False, separators=(",", ":"))},
    ]


def repair_messages(
    messages: list[dict[str, str]], answer: str, problems: list[str]
) -> list[dict[str, str]]:
    """``messages`` followed by the previous ``answer`` and what was wrong with it."""
    listed = "\n".join(f"- {problem}" for problem in problems)
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {
            "role": "user",
            "content": f"Your answer could not be used:\n{listed}\n"
            "Answer again with the whole JSON, corrected.",
        },
    ]
