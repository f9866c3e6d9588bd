"""An OpenAI-compatible chat completions server on 127.0.0.1 for the tests of the
language model stage: the real ``openai`` client talks HTTP to it. It records every
request body and answers from a script: JSON content, an HTTP error, a late answer, an
answer cut off at the token limit, a refusal; and it can refuse the ``json_schema``
response format, as llama.cpp's Python server does."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One reply: ``content`` with ``status`` 200, else an error with ``message``."""

    content: str = ""
    status: int = 200
    message: str = ""
    finish_reason: str = "stop"
    refusal: str | None = None
    delay: float = 0.0
    usage: tuple[int, int] = (120, 30)


def functions(*items: tuple[str, list[int]]) -> Answer:
    """An answer proposing functions ``(name, statement ids)``."""
    return Answer(
        json.dumps(
            {
                "functions": [
                    {
                        "name": name,
                        "statement_ids": ids,
                        "summary": f"{name.replace('_', ' ')} for the report",
                        "docstring": f"Proposed: {name} covers statements {ids[0]}-{ids[-1]}.",
                    }
                    for name, ids in items
                ]
            }
        )
    )


@dataclass
class ChatServer:
    """The script of answers (the last repeats), the requests received, and which
    response formats are taken."""

    answers: list[Answer]
    json_schema: bool = True
    json_object: bool = True
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def next_answer(self, body: dict[str, Any]) -> Answer:
        self.requests.append(body)
        format_type = (body.get("response_format") or {}).get("type")
        if format_type == "json_schema" and not self.json_schema:
            return Answer(status=400, message="response_format json_schema is not supported")
        if format_type == "json_object" and not self.json_object:
            return Answer(status=400, message="response_format json_object is not supported")
        if len(self.answers) > 1:
            return self.answers.pop(0)
        return self.answers[0]


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no {self.path}"}})
                return
            answer = server.next_answer(body)
            time.sleep(answer.delay)
            if answer.status != 200:
                self._send(answer.status, {"error": {"message": answer.message}})
                return
            prompt, completion = answer.usage
            self._send(
                200,
                {
                    "id": f"chatcmpl-{len(server.requests)}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", ""),
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": answer.finish_reason,
                            "message": {
                                "role": "assistant",
                                "content": answer.content,
                                "refusal": answer.refusal,
                            },
                        }
                    ],
                    "usage": {
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                    },
                },
            )

        def _send(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)  # unless the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    return Handler


@contextmanager
def chat_server(
    *answers: Answer, json_schema: bool = True, json_object: bool = True
) -> Iterator[ChatServer]:
    """A running :class:`ChatServer` answering ``answers`` in turn, taking the response
    formats said; its ``url`` is the base URL the client takes
    (``http://127.0.0.1:PORT/v1``)."""
    server = ChatServer(list(answers) or [Answer("{}")], json_schema, json_object)
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    http.daemon_threads = True
    server.url = f"http://127.0.0.1:{http.server_address[1]}/v1"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=10)
