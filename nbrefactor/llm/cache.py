"""Answers of the model kept on disk, so a run asked again costs nothing and a
committed cache replays offline (CI).

One JSON file per request under ``.nbrefactor/llm-cache/``, named by a hash of what
decides the answer: the server's host, the prompt version and the whole request
(model, messages, response format, temperature, seed, token limit). Modes: ``rw``
reads and writes, ``ro`` reads only (a miss still asks the server), ``off`` neither.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import write_text_atomic
from nbrefactor.llm.settings import CacheMode

if TYPE_CHECKING:
    from nbrefactor.llm.client import Reply

#: The cache's folder, under the project's root.
CACHE_FOLDER = Path(".nbrefactor") / "llm-cache"


class AnswerCache:
    """The answers cached in ``folder``, used as ``mode`` says."""

    def __init__(self, folder: Path, mode: CacheMode = "rw") -> None:
        self.folder = folder
        self.mode = mode

    @staticmethod
    def key(host: str, prompt_version: str, request: dict[str, Any]) -> str:
        decided_by = {"host": host, "prompt": prompt_version, "request": request}
        canonical = json.dumps(decided_by, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Reply | None:
        """The cached answer of ``key``; None when there is none (or it is unreadable)."""
        from nbrefactor.llm.client import Reply

        if self.mode == "off":
            return None
        try:
            stored = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            answer = stored["answer"]
            return Reply(
                str(answer["content"]),
                int(answer["prompt_tokens"]),
                int(answer["completion_tokens"]),
                cached=True,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, request: dict[str, Any], reply: Reply) -> None:
        """Keep ``reply`` to ``request`` (mode ``rw`` only); a cache that cannot be
        written is skipped, the run goes on."""
        if self.mode != "rw":
            return
        stored = {
            "request": request,
            "answer": {
                "content": reply.content,
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
            },
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(stored, indent=1, ensure_ascii=False) + "\n"
            write_text_atomic(self.folder / f"{key}.json", text)
        except (OSError, NbrefactorError):
            pass
