"""A deterministic OpenAI-compatible streaming server for testing the profiler over a real socket.

Known TTFT, known gap per token, exact token counts (one token per prompt word plus a fixed
chat-template overhead), and optional faults: HTTP errors, stalls, malformed SSE, several
tokens packed in one chunk, refusal of unknown fields.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEMPLATE_TOKENS = 7


@dataclass
class Behaviour:
    ttft_s: float = 0.1
    itl_s: float = 0.02
    tokens_per_chunk: int = 1
    fail_every: int = 0
    stall_every: int = 0
    stall_s: float = 5.0
    malformed_every: int = 0
    reject_unknown_fields: bool = False
    send_done: bool = True
    send_usage: bool = True
    role_chunk: bool = True


def _text(content: str | list) -> str:
    """Message content as text: a string, or a list of parts ({"type": "text", "text": ...})."""
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LatencyServer

    def log_message(self, *args):
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._json(200, {"status": "ok"})
        elif self.path == "/version":
            self._json(200, {"version": "latency-test-1.0"})
        elif self.path == "/v1/models":
            self._json(200, {"data": [{"id": "test-model", "owned_by": "vllm"}]})
        else:
            self._json(404, {"error": "not found"})

    def _chunk(self, payload: str) -> None:
        data = f"data: {payload}\n\n".encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        b = self.server.behaviour
        if self.path == "/tokenize":
            self._json(200, {"count": len(body.get("prompt", "").split())})
            return
        n = next(self.server.counter)
        self.server.requests_seen.append(body)
        if b.reject_unknown_fields and ("ignore_eos" in body or "min_tokens" in body):
            self._json(422, {"detail": "unknown field ignore_eos"})
            return
        if b.fail_every and n % b.fail_every == 0:
            self._json(500, {"error": "injected failure"})
            return
        if "messages" in body:
            prompt_tokens = sum(len(_text(m["content"]).split()) for m in body["messages"]) + TEMPLATE_TOKENS
        else:
            prompt_tokens = len(_text(body["prompt"]).split())
        output_tokens = int(body.get("max_tokens") or body.get("max_completion_tokens") or 16)
        if not body.get("stream"):
            time.sleep(b.ttft_s)
            self._json(
                200,
                {
                    "choices": [{"message": {"content": "x"}}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 1},
                },
            )
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chat = "messages" in body

        envelope = {
            "id": f"cmpl-{n}",
            "object": "chat.completion.chunk" if chat else "text_completion",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
        }

        def event(text: str) -> str:
            choice = {"index": 0, "delta": {"content": text}} if chat else {"index": 0, "text": text}
            return json.dumps({**envelope, "choices": [{**choice, "finish_reason": None}]})

        if b.role_chunk and chat:
            role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
            self._chunk(json.dumps({**envelope, "choices": [role]}))
        if b.stall_every and n % b.stall_every == 0:
            time.sleep(b.stall_s)
        time.sleep(b.ttft_s)
        if b.malformed_every and n % b.malformed_every == 0:
            self._chunk("{this is not json")
            self.wfile.write(b"0\r\n\r\n")
            return
        self._chunk(event("tok "))  # the first token on its own, so E2E - TTFT = (n - 1) x gap exactly
        sent = 1
        while sent < output_tokens:
            k = min(b.tokens_per_chunk, output_tokens - sent)
            time.sleep(b.itl_s * k)
            self._chunk(event("tok " * k))
            sent += k
        if b.send_usage:
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": output_tokens,
                "total_tokens": prompt_tokens + output_tokens,
            }
            self._chunk(json.dumps({**envelope, "choices": [], "usage": usage}))
        if b.send_done:
            self._chunk("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class LatencyServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many streams connect at once

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.counter = itertools.count(1)
        self.requests_seen: list[dict] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def handle_error(self, request, client_address) -> None:
        """Clients that drop a connection (timeouts, shutdown) are expected here, not errors."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> LatencyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


def _serve_in_child(behaviour: Behaviour, ports) -> None:
    server = LatencyServer(behaviour)
    ports.put(server.server_address[1])
    server.serve_forever()


class LatencyServerProcess:
    """The same server in a child process: no GIL shared with the client under test."""

    def __init__(self, behaviour: Behaviour) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._ports = context.Queue()
        self._process = context.Process(target=_serve_in_child, args=(behaviour, self._ports), daemon=True)

    def __enter__(self) -> LatencyServerProcess:
        self._process.start()
        self.url = f"http://127.0.0.1:{self._ports.get(timeout=10)}"
        return self

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        self._process.join(timeout=5)
