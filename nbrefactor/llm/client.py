"""Asking an OpenAI-compatible chat server, through the official ``openai`` client.

The answer is asked for as structured output: a JSON schema first; a server that
refuses it (400) is asked for a JSON object, then for plain text with the schema in the
instructions (llama.cpp's Python server, older local servers). Answers are cached
(:mod:`nbrefactor.llm.cache`), tokens counted, and a budget stops further calls. Every
failure is an :class:`LlmFailure` with a message saying what happened; nothing here
decides what the answer means.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from nbrefactor.errors import UsageError
from nbrefactor.llm.cache import AnswerCache
from nbrefactor.llm.prompts import FUNCTIONS_SCHEMA, PROMPT_VERSION
from nbrefactor.llm.settings import LlmSettings

#: How the answer's shape is asked for, most precise first.
Mode = Literal["json_schema", "json_object", "schema_in_prompt"]
_MODES: tuple[Mode, ...] = ("json_schema", "json_object", "schema_in_prompt")

#: Builds the messages for a mode: whether the schema must be in the instructions.
Messages = Callable[[bool], list[dict[str, str]]]


class LlmFailure(Exception):
    """A call gave no usable answer: the server failed, timed out, refused, cut the
    answer short, or the budget is spent. The message says which."""


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer's text, with the tokens it took (none when it came from the cache)."""

    content: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool


@dataclass(slots=True)
class Usage:
    """Tokens used in a run, call by call."""

    calls: list[tuple[str, Reply]] = field(default_factory=list)
    #: Calls that gave no answer (HTTP errors, time-outs).
    failures: int = 0

    @property
    def tokens(self) -> int:
        return sum(r.prompt_tokens + r.completion_tokens for _, r in self.calls if not r.cached)

    def cost(self, settings: LlmSettings) -> float:
        """What the calls cost at the prices set (per million tokens)."""
        prompt = sum(r.prompt_tokens for _, r in self.calls if not r.cached)
        completion = sum(r.completion_tokens for _, r in self.calls if not r.cached)
        return (prompt * settings.prompt_price + completion * settings.completion_price) / 1e6


class LlmClient:
    """Chat completions with ``settings``' server and model, for one run."""

    def __init__(self, settings: LlmSettings, cache: AnswerCache) -> None:
        self.settings = settings
        self.cache = cache
        self.usage = Usage()
        self._mode_index = 0
        self._client: Any = None

    def ask(
        self,
        messages: Messages,
        label: str,
        *,
        schema: dict[str, Any] = FUNCTIONS_SCHEMA,
        version: str = PROMPT_VERSION,
    ) -> Reply:
        """The answer to ``messages`` (built for the mode the server takes), shaped as
        ``schema``; ``version`` names the prompt (cached answers of another are not
        used), ``label`` the call in the usage report.

        Raises:
            LlmFailure: no usable answer (see the class).
            UsageError: the openai package is missing, or no API key for the server.
        """
        while True:
            mode = _MODES[self._mode_index]
            sent = messages(mode != "json_schema")
            request = self._request(mode, sent, schema)
            key = self.cache.key(self.settings.host, version, request)
            reply = self.cache.get(key)
            if reply is None:
                try:
                    reply = self._call(request)
                except _FormatRefused:
                    if self._mode_index + 1 < len(_MODES):
                        self._mode_index += 1
                        continue
                    raise LlmFailure("the server refuses every way of asking for JSON") from None
                self.cache.put(key, request, reply)
            self.usage.calls.append((label, reply))
            return reply

    def first_request(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The request :meth:`ask` sends first (for ``--llm-dry-run``)."""
        return self._request(_MODES[0], messages, FUNCTIONS_SCHEMA)

    def _request(
        self, mode: Mode, messages: list[dict[str, str]], schema: dict[str, Any]
    ) -> dict[str, Any]:
        settings = self.settings
        request: dict[str, Any] = {
            "model": settings.model,
            "messages": messages,
            "temperature": settings.temperature,
            "seed": settings.seed,
            "max_tokens": settings.max_tokens,
        }
        if mode == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "nbrefactor_answer", "schema": schema, "strict": True},
            }
        elif mode == "json_object":
            request["response_format"] = {"type": "json_object"}
        return request

    def _call(self, request: dict[str, Any]) -> Reply:
        settings = self.settings
        budget = settings.budget_tokens
        if budget and self.usage.tokens >= budget:
            raise LlmFailure(f"the token budget ({budget:,}) is spent: no more calls")
        openai = _openai()
        if self._client is None:
            self._client = openai.OpenAI(
                api_key=settings.api_key(),
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=settings.max_retries,
            )
        try:
            response = self._client.chat.completions.create(**request)
        except openai.APIError as error:
            self.usage.failures += 1
            raise self._failure(error, openai, "response_format" in request) from None
        return self._reply(response)

    def _failure(self, error: Exception, openai: Any, formatted: bool) -> Exception:
        """What a failed call raises: :class:`_FormatRefused` for a 400 to a request
        with a response format, else an :class:`LlmFailure` saying what happened."""
        settings = self.settings
        if isinstance(error, openai.APITimeoutError):
            return LlmFailure(f"{settings.host} did not answer in {settings.timeout:g} s")
        if isinstance(error, openai.APIConnectionError):
            return LlmFailure(f"cannot reach {settings.base_url}: {error}")
        if isinstance(error, openai.BadRequestError) and formatted:
            return _FormatRefused()
        if isinstance(error, openai.APIStatusError):
            return LlmFailure(f"{settings.host} answered HTTP {error.status_code}: {_said(error)}")
        return LlmFailure(f"{settings.host}: {error}")

    def _reply(self, response: Any) -> Reply:
        """The answer of a completed call, or why it cannot be used."""
        if not response.choices:
            raise LlmFailure("the answer has no choices")
        choice = response.choices[0]
        usage = response.usage
        reply = Reply(
            content=choice.message.content or "",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            cached=False,
        )
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            self.usage.calls.append(("refused", reply))
            raise LlmFailure(f"the model refused: {refusal}")
        if choice.finish_reason == "length":
            self.usage.calls.append(("cut off", reply))
            limit = self.settings.max_tokens
            raise LlmFailure(f"the answer was cut off at max-tokens ({limit:,} tokens)")
        return reply


class _FormatRefused(Exception):
    """The server refused the way the answer's shape was asked for."""


def _said(error: Any) -> str:
    """The message of an HTTP error reply, short."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:300]
    return json.dumps(body)[:300] if body else str(error)[:300]


def _openai() -> Any:
    try:
        import openai
    except ImportError:
        raise UsageError("--llm needs the openai package: pip install 'nbrefactor[llm]'") from None
    return openai
