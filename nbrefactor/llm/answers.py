"""The model's proposed functions, read and checked before the planner sees any.

An answer that is not JSON of the expected shape is unusable as a whole. Each proposed
function is then checked on its own: its statement ids exist, follow each other and
overlap no other function's; its name is an identifier that hides no builtin; its words
fit in a docstring. A function failing a check is left out with the reason, the others
are kept.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Sequence
from typing import Any

from nbrefactor.analysis.graph import BUILTIN_NAMES
from nbrefactor.llm.asking import Checked, UnusableAnswer
from nbrefactor.llm.statements import Statement
from nbrefactor.planning.proposals import Proposal

#: The longest summary and docstring taken, in characters.
MAX_SUMMARY = 200
MAX_DOCSTRING = 1200


def check_answer(content: str, statements: Sequence[Statement]) -> Checked[Proposal]:
    """The proposals of ``content`` (the model's reply) about ``statements``, and why
    the others cannot be taken (``"function 2 ('load'): statement 40 does not exist"``).

    Raises:
        UnusableAnswer: not JSON, or not an object with a list of functions.
    """
    try:
        data = json.loads(_without_fence(content))
    except json.JSONDecodeError as error:
        raise UnusableAnswer(f"the answer is not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("functions"), list):
        raise UnusableAnswer('the answer is not an object with a "functions" list')
    by_id = {statement.id: statement for statement in statements}
    used: dict[int, str] = {}
    names: set[str] = set()
    proposals: list[Proposal] = []
    problems: list[str] = []
    for number, item in enumerate(data["functions"], start=1):
        name = item.get("name") if isinstance(item, dict) else None
        said = f"function {number}" + (f" ({name!r})" if isinstance(name, str) else "")
        problem = _function_problem(item, by_id, used, names)
        if problem is not None:
            problems.append(f"{said}: {problem}")
            continue
        ids: list[int] = item["statement_ids"]
        for statement_id in ids:
            used[statement_id] = item["name"]
        names.add(item["name"])
        label = f"statement {ids[0]}" if len(ids) == 1 else f"statements {ids[0]}-{ids[-1]}"
        proposals.append(
            Proposal(
                statements=tuple((by_id[i].cell, by_id[i].place) for i in ids),
                name=item["name"],
                summary=" ".join(item.get("summary", "").split()),
                description=" ".join(item.get("docstring", "").split()),
                label=label,
            )
        )
    return Checked(tuple(proposals), tuple(problems))


def _function_problem(
    item: Any, by_id: dict[int, Statement], used: dict[int, str], names: set[str]
) -> str | None:
    """Why one proposed function cannot be taken, or None."""
    if not isinstance(item, dict):
        return "not an object"
    name, ids = item.get("name"), item.get("statement_ids")
    if not isinstance(name, str) or not name.isidentifier():
        return f"{name!r} is not a Python identifier"
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword"
    if name in BUILTIN_NAMES:
        return f"{name!r} would hide Python's builtin of that name"
    if name in names:
        return f"{name!r} is proposed twice"
    if not isinstance(ids, list) or not ids or not all(type(i) is int for i in ids):
        return "statement_ids must be a non-empty list of statement ids"
    missing = [i for i in ids if i not in by_id]
    if missing:
        return f"statement {missing[0]} does not exist"
    if ids != list(range(ids[0], ids[0] + len(ids))):
        return "its statement ids do not follow each other"
    taken = [i for i in ids if i in used]
    if taken:
        return f"statement {taken[0]} is in '{used[taken[0]]}' already"
    for key, limit in (("summary", MAX_SUMMARY), ("docstring", MAX_DOCSTRING)):
        text = item.get(key, "")
        if not isinstance(text, str):
            return f"{key} must be a string"
        if len(text) > limit:
            return f"its {key} is longer than {limit} characters"
        if '"""' in text or "\\" in text:
            return f'its {key} holds """ or a backslash, which a docstring cannot take as is'
    return None


def _without_fence(content: str) -> str:
    """The JSON of an answer written as a Markdown code block, as some models do."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text
