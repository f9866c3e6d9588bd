"""Test inputs the model proposes for the extracted functions (``extract --llm-tests``),
asked for and checked here; running them and writing the tests is done elsewhere.

A proposal is the code of a call's arguments (``minutes=[5, 20, 40]``). It is parsed,
and may use only literals, a few harmless builtins and the names the notebook's own
imports bind (``pd``, ``np``, ``datetime``...): no attribute starting with ``_``, no
lambda, no comprehension, nothing that reads files or the environment.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from nbrefactor.llm.asking import Checked, UnusableAnswer, ask_checked
from nbrefactor.llm.client import LlmClient
from nbrefactor.llm.prompts import answer_schema

TESTS_PROMPT_VERSION = "tests-2"

TESTS_SCHEMA = answer_schema(
    "tests",
    {
        "function": {"type": "string"},
        "name": {"type": "string"},
        "arguments_code": {"type": "string"},
        "rationale": {"type": "string"},
    },
)

#: Builtins a proposed input may call or name: values, no I/O, no introspection.
SAFE_BUILTINS = frozenset(
    {
        "abs", "bool", "bytes", "complex", "dict", "float", "frozenset", "int", "len",
        "list", "max", "min", "range", "reversed", "round", "set", "slice", "sorted", "str",
        "sum", "tuple", "zip",
    }
)  # fmt: skip
#: The longest arguments code taken, in characters.
MAX_ARGUMENTS = 2000

_INSTRUCTIONS = """\
You write test inputs for Python functions extracted from a notebook. For each \
function, propose up to three calls that show what it does: a typical input, an edge \
case (empty, zero, one row), and one that shows a branch. Write each call's arguments \
as Python code, keyword arguments by the parameters' names (minutes=[5, 20, 40]). Use \
only literals, these builtins: {builtins}, and these names the module imports: \
{imports}. No files, no network, no randomness. nbrefactor runs each call and records \
what it returns; a call that fails is dropped.
name: a short snake_case description of the case (all_short_rides).
rationale: one sentence saying what the case shows.
Answer with JSON only."""


@dataclass(frozen=True, slots=True)
class TestInput:
    """A call of ``function`` with the arguments ``arguments`` (code), as the test
    ``name`` (an identifier), and why (``rationale``)."""

    function: str
    name: str
    arguments: str
    rationale: str


def tests_messages(
    functions: Mapping[str, str], imports: Set[str], *, schema_in_prompt: bool
) -> list[dict[str, str]]:
    """Messages asking for test inputs of ``functions`` (name -> source); ``imports``
    are the names the inputs may use besides the safe builtins."""
    instructions = _INSTRUCTIONS.format(
        builtins=", ".join(sorted(SAFE_BUILTINS)), imports=", ".join(sorted(imports)) or "none"
    )
    if schema_in_prompt:
        instructions += f" It must match this JSON schema:\n{json.dumps(TESTS_SCHEMA)}"
    shown = "\n\n".join(functions.values())
    return [
        {"role": "system", "content": instructions},
        {"role": "user", "content": f"```python\n{shown}\n```"},
    ]


def check_inputs(content: str, functions: Set[str], imports: Set[str]) -> Checked[TestInput]:
    """The test inputs of ``content`` that pass the checks, and why the others do not.

    Raises:
        UnusableAnswer: not JSON, or not an object with a list of tests.
    """
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise UnusableAnswer(f"the answer is not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
        raise UnusableAnswer('the answer is not an object with a "tests" list')
    kept: list[TestInput] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(data["tests"], start=1):
        problem = _input_problem(item, functions, imports, seen)
        if problem is not None:
            problems.append(f"test {number}: {problem}")
            continue
        seen.add((item["function"], item["name"]))
        kept.append(
            TestInput(
                item["function"],
                item["name"],
                item["arguments_code"].strip(),
                " ".join(str(item.get("rationale", "")).split()),
            )
        )
    return Checked(tuple(kept), tuple(problems))


def _input_problem(
    item: Any, functions: Set[str], imports: Set[str], seen: set[tuple[str, str]]
) -> str | None:
    if not isinstance(item, dict):
        return "not an object"
    function, name, code = item.get("function"), item.get("name"), item.get("arguments_code")
    if function not in functions:
        return f"there is no function {function!r} to test"
    if not isinstance(name, str) or not name.isidentifier() or not name.islower():
        return f"the name {name!r} is not a snake_case identifier"
    if (function, name) in seen:
        return f"{name!r} is proposed twice for {function}"
    if not isinstance(code, str) or len(code) > MAX_ARGUMENTS:
        return f"arguments_code must be a string of at most {MAX_ARGUMENTS} characters"
    if "\\" in str(item.get("rationale", "")) or '"""' in str(item.get("rationale", "")):
        return 'its rationale holds """ or a backslash'
    return arguments_problem(code, imports)


def arguments_problem(code: str, imports: Set[str]) -> str | None:
    """Why the arguments ``code`` may not be run, or None: they must parse as a call's
    arguments using only literals, :data:`SAFE_BUILTINS` and the names ``imports``."""
    try:
        tree = ast.parse(f"f({code})", mode="eval")
    except SyntaxError as error:
        return f"the arguments do not parse: {error.msg}"
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return "the arguments are not those of one call"
    for node in ast.walk(call):
        if isinstance(node, (ast.Lambda, ast.comprehension, ast.NamedExpr, ast.Await)):
            return "the arguments may hold values and calls, not lambdas or comprehensions"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return f"the arguments use the private attribute {node.attr!r}"
        if isinstance(node, ast.Name) and node is not call.func and not _allowed(node.id, imports):
            return (
                f"the arguments use {node.id!r}: not a safe builtin, nor a name the module imports"
            )
    return None


def _allowed(name: str, imports: Set[str]) -> bool:
    return name in SAFE_BUILTINS or name in imports


def propose_inputs(
    client: LlmClient, functions: Mapping[str, str], imports: Set[str], label: str
) -> Checked[TestInput]:
    """Test inputs proposed for ``functions`` (name -> source), checked, asked again
    once if needed (:func:`~nbrefactor.llm.asking.ask_checked`)."""

    def asked(in_prompt: bool) -> list[dict[str, str]]:
        return tests_messages(functions, imports, schema_in_prompt=in_prompt)

    def check(answer: str) -> Checked[TestInput]:
        return check_inputs(answer, set(functions), imports)

    return ask_checked(
        client, asked, check, f"{label} tests", schema=TESTS_SCHEMA, version=TESTS_PROMPT_VERSION
    )


def names_bound_by(imports: Sequence[str]) -> set[str]:
    """The names the import statements ``imports`` (source) bind."""
    bound: set[str] = set()
    for statement in imports:
        for node in ast.walk(ast.parse(statement)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        bound.add(alias.asname or alias.name.split(".")[0])
    return bound
