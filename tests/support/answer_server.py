"""A deterministic OpenAI-compatible chat server whose answers are known, for the eval runner and importers.

Each model has an answer book: prompt → answer. Unknown prompts get "I don't know". Usage is exact:
prompt tokens = words of all messages + 7, completion tokens = words of the answer + `reasoning_tokens`
(reported in completion_tokens_details, like OpenAI's reasoning models). Faults: `fail_first` answers
HTTP 503 to the first call of each prompt (retried by a client), `broken_prompts` always get HTTP 500.
The handler records the Authorization headers it saw (to check keys are sent but never written).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from tests.support.latency_server import _Handler as LatencyHandler

TEMPLATE_TOKENS = 7


@dataclass
class Model:
    answers: dict[str, str]
    reasoning_tokens: int = 0


@dataclass
class Book:
    models: dict[str, Model]
    fail_first: bool = False
    broken_prompts: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    auth_headers: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def judge_reply(prompt: str) -> str:
    """A judge that passes an answer when the reference's first line appears in it."""
    reference = prompt.split("Reference answer or rubric:\n", 1)[-1].split("\n\nAnswer to grade:\n", 1)
    return "PASS" if len(reference) == 2 and reference[0].strip() in reference[1] else "FAIL"


class _Handler(LatencyHandler):
    """The latency server's handler (quiet log, JSON replies over HTTP/1.1) with chat answers from a book."""

    server: AnswerServer

    def do_GET(self):
        self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in self.server.book.models]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        book = self.server.book
        with book.lock:
            book.auth_headers.append(self.headers.get("Authorization", ""))
        messages = body.get("messages", [])
        prompt = messages[-1]["content"] if messages else ""
        if isinstance(prompt, list):
            prompt = " ".join(p.get("text", "") for p in prompt if isinstance(p, dict))
        model_name = body.get("model", "")
        with book.lock:
            count = book.seen.get(f"{model_name}|{prompt}", 0)
            book.seen[f"{model_name}|{prompt}"] = count + 1
        if prompt in book.broken_prompts:
            return self._json(500, {"error": {"message": "broken on purpose"}})
        if book.fail_first and count == 0:
            return self._json(503, {"error": {"message": "try again"}})
        if model_name == "judge":
            answer, reasoning = judge_reply(prompt), 0
        elif model_name in book.models:
            model = book.models[model_name]
            answer, reasoning = model.answers.get(prompt, "I don't know"), model.reasoning_tokens
        else:
            return self._json(404, {"error": {"message": f"model {model_name} not found"}})
        words = sum(len(str(m.get("content", "")).split()) for m in messages)
        usage = {
            "prompt_tokens": words + TEMPLATE_TOKENS,
            "completion_tokens": len(answer.split()) + reasoning,
            "total_tokens": words + TEMPLATE_TOKENS + len(answer.split()) + reasoning,
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        }
        self._json(200, {
            "id": "chatcmpl-1", "object": "chat.completion", "model": model_name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": usage,
        })  # fmt: skip


class AnswerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, book: Book) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.book = book
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> AnswerServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
