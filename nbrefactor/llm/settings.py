"""``[tool.nbrefactor.llm]``: which server and model the language model stage uses.

The stage is off unless ``extract --llm`` turns it on; an API key in the environment
never does. Keys are kebab-case; an unknown key or a value of the wrong kind is an
error naming it, as for the rest of ``[tool.nbrefactor]``.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from nbrefactor.errors import NbrefactorError, UsageError

CacheMode = Literal["rw", "ro", "off"]

#: Where the OpenAI client sends requests when no ``base-url`` is set.
DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """How to reach the model; see docs/reference/llm.md for each key."""

    model: str = ""
    base_url: str = DEFAULT_BASE_URL
    #: The environment variable holding the API key (a local server needs none).
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = 60.0
    #: Retries of a failed HTTP request (the client's own, with backoff).
    max_retries: int = 2
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 4096
    #: Tokens (prompt and completion) a run may use; no further calls past it.
    budget_tokens: int = 0  # 0: no budget
    #: Refuse a server that is not on this machine.
    local_only: bool = False
    #: Send string literals as ``"…"``: the code's structure without its data.
    redact_literals: bool = False
    cache: CacheMode = "rw"
    #: Prices per million tokens, to print what a run cost (0: not printed).
    prompt_price: float = 0.0
    completion_price: float = 0.0

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_local(self) -> bool:
        """Whether the server is on this machine (a loopback address)."""
        host = self.host
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def api_key(self) -> str:
        """The API key from the environment; a placeholder for a local server, which
        takes any.

        Raises:
            UsageError: no key set for a remote server.
        """
        key = os.environ.get(self.api_key_env, "")
        if key:
            return key
        if self.is_local:
            return "no-key-needed"
        raise UsageError(
            f"--llm: set {self.api_key_env} to the API key of {self.host} "
            "(or api-key-env in [tool.nbrefactor.llm] to the variable that holds it)"
        )

    def check_usable(self) -> None:
        """Refuse settings a run cannot use.

        Raises:
            UsageError: no model, or a remote server with ``local-only``.
        """
        if not self.model:
            raise UsageError("--llm needs a model: set model in [tool.nbrefactor.llm]")
        if self.local_only and not self.is_local:
            raise UsageError(
                f"--llm: local-only is set, and {self.base_url} is not on this machine"
            )


#: What each key of [tool.nbrefactor.llm] sets, for its reference page.
LLM_KEY_HELP = {
    "model": "the model the server serves (required)",
    "base-url": "the server's OpenAI-compatible API",
    "api-key-env": "the environment variable with the API key (a local server needs none)",
    "timeout": "seconds to wait for an answer",
    "max-retries": "retries of a failed request (HTTP 429/5xx, time-outs), with backoff",
    "temperature": "sampling temperature: 0 for answers as steady as the server allows",
    "seed": "the sampling seed, for servers that take one",
    "max-tokens": "the longest answer; one cut off at it is not used",
    "budget-tokens": "tokens a run may use, past which no more calls are made (0: none)",
    "local-only": "refuse a server that is not on a loopback address",
    "redact-literals": 'send string literals as `"…"`: the structure without the data',
    "cache": "`rw`, `ro` (read, never write) or `off`",
    "prompt-price": "price per million prompt tokens, to print what a run cost",
    "completion-price": "price per million completion tokens",
}


def llm_default_values() -> dict[str, Any]:
    """Each key of [tool.nbrefactor.llm] and its default."""
    defaults = LlmSettings()
    return {f.name.replace("_", "-"): getattr(defaults, f.name) for f in fields(LlmSettings)}


def parse_llm_settings(table: Any, path: Path | None = None) -> LlmSettings:
    """The settings of a ``[tool.nbrefactor.llm]`` table read from ``path``.

    Raises:
        NbrefactorError: not a table, an unknown key, a value of the wrong kind.
    """
    if not isinstance(table, dict):
        raise NbrefactorError("[tool.nbrefactor.llm] must be a table", path=path)
    defaults = LlmSettings()
    known = {f.name.replace("_", "-"): f.name for f in fields(LlmSettings)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = known.get(key)
        if name is None:
            raise NbrefactorError(
                f"unknown key {key!r} in [tool.nbrefactor.llm] "
                f"(known keys: {', '.join(sorted(known))})",
                path=path,
            )
        values[name] = _checked(key, value, getattr(defaults, name), path)
    if values.get("cache", "rw") not in ("rw", "ro", "off"):
        raise NbrefactorError(
            f"[tool.nbrefactor.llm] cache must be rw, ro or off, not {values['cache']!r}",
            path=path,
        )
    return LlmSettings(**values)


def _checked(key: str, value: Any, default: Any, path: Path | None) -> Any:
    if isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        want = "a whole number, 0 or more"
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        want, value = "a number, 0 or more", float(value) if ok else value
    else:
        ok, want = isinstance(value, str) and bool(value), "a non-empty string"
    if not ok:
        raise NbrefactorError(
            f"[tool.nbrefactor.llm] {key} must be {want}, not {value!r}", path=path
        )
    return value
