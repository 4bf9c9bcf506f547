"""Send one streamed request to an OpenAI-compatible server and time every generated chunk."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from datafiles import clip
from profiling.records import RequestRecord
from profiling.sse import DONE, MalformedStream, chunk_text, events
from profiling.transport import ConnectionPool, Response, TransportError

Endpoint = Literal["chat", "completions"]
MAX_ERROR_BODY = 300


@dataclass(frozen=True)
class Target:
    base_url: str
    """Server root, e.g. http://gpu-host:8000 (with or without a trailing /v1)."""
    model: str
    endpoint: Endpoint = "chat"
    api_key: str | None = field(default=None, repr=False)
    force_length: bool = True
    """Send ignore_eos/min_tokens so every request generates exactly max_tokens (turned off if refused)."""
    temperature: float | None = None
    """Sampling temperature; None leaves the server's default, as vLLM bench serve and AIPerf do."""

    @property
    def url(self) -> str:
        root = self.base_url.rstrip("/")
        root = root[: -len("/v1")] if root.endswith("/v1") else root
        return f"{root}/v1/{'chat/completions' if self.endpoint == 'chat' else 'completions'}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def payload(self, prompt: str | list[dict[str, Any]], output_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": output_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if self.endpoint == "chat":
            body["messages"] = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
        else:
            body["prompt"] = prompt if isinstance(prompt, str) else "\n".join(_text(m.get("content")) for m in prompt)
        if self.force_length:
            body["ignore_eos"] = True
            body["min_tokens"] = output_tokens
        return body


def _text(content: object) -> str:
    """A chat message's content as text: a string, or the text of a list of parts ({"type": "text", "text": …})."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return " ".join(p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))


MAX_CHUNKS_PER_TOKEN = 10
"""Content chunks a stream may carry per requested token (+16) before it counts as runaway."""
STREAM_BASE_BYTES = 4 * 1024 * 1024
STREAM_BYTES_PER_TOKEN = 16 * 1024
"""A streamed body may be STREAM_BASE_BYTES + this × requested tokens long (a chunk is ~300 bytes a token)."""


def max_stream_bytes(output_tokens: int) -> int:
    return STREAM_BASE_BYTES + STREAM_BYTES_PER_TOKEN * max(output_tokens, 1)


async def send(
    pool: ConnectionPool,
    target: Target,
    prompt: str | list[dict[str, Any]],
    record: RequestRecord,
    clock: Callable[[], float] = time.perf_counter,
) -> RequestRecord:
    """Fill `record` with timings and token counts; errors are recorded (one line), never raised.

    TTFT counts from the moment the request is written to the socket, so a client busy with
    other streams does not charge its own queueing to the server (`scheduled_s` keeps when the
    load generator wanted it sent).

    Bounds, whatever the server does: the whole call (connect, interim 1xx answers, headers, every chunk)
    ends within `pool.timeout_s`; at most `max_stream_bytes` are read and at most MAX_CHUNKS_PER_TOKEN content
    chunks per requested token counted; one SSE event is at most `sse.MAX_EVENT_BYTES`; a compressed stream
    (never asked for) is refused. Each is one failed request with its reason.
    """
    try:
        await _exchange(pool, target, prompt, record, clock)
    finally:
        record.finished_s = clock()
        if record.error is not None:
            record.error = clip(record.error, MAX_ERROR_BODY)
    return record


async def _exchange(
    pool: ConnectionPool,
    target: Target,
    prompt: str | list[dict[str, Any]],
    record: RequestRecord,
    clock: Callable[[], float],
) -> None:
    body = json.dumps(target.payload(prompt, record.output_tokens_requested)).encode()

    def sent() -> None:
        record.start_s = clock()

    record.start_s = clock()
    try:
        async with asyncio.timeout(pool.timeout_s):
            response = await pool.post(target.url, body, target.headers(), on_sent=sent)
            record.status = response.status
            try:
                if response.status != 200:
                    text = (await response.read(MAX_ERROR_BODY)).decode("utf-8", "replace")
                    record.error = f"HTTP {response.status}: {text.strip()}"
                    return
                encoding = response.headers.get("content-encoding", "identity").strip().lower()
                if encoding not in ("", "identity"):
                    record.error = f"malformed response: a {encoding} stream; the profiler asks for identity"
                    return
                usage = await _consume(response, record, clock)
            finally:
                response.release()
    except TimeoutError:
        record.error = "timeout"
        return
    except TransportError as exc:
        record.error = f"connection error: {exc}"
        return
    except MalformedStream as exc:
        record.error = f"malformed SSE: {exc}"
        return
    except _StreamError as exc:
        record.error = str(exc)
        return
    except Exception as exc:  # any other malformed response is one failed request, never a failed sweep
        record.error = f"malformed response: {type(exc).__name__}: {str(exc)[:120]}"
        return
    if record.first_token_s is None:
        record.error = "stream ended without any generated token"
        return
    completion, prompt_tokens = (usage or {}).get("completion_tokens"), (usage or {}).get("prompt_tokens")
    if _plausible(completion, record.output_tokens_requested):
        record.output_tokens = completion
        record.input_tokens = prompt_tokens if _plausible(prompt_tokens, None) else None
        record.tokens_from_usage = True
    else:  # no usage, or one that cannot be right (0, negative, text): count the content chunks
        record.output_tokens = len(record.chunk_times_s)


def _plausible(count: object, requested: int | None) -> bool:
    """A token count a server could report: a whole number ≥ 1, at most 10 × what was asked for."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return False
    return requested is None or count <= 10 * max(requested, 1)


class _StreamError(Exception):
    """The server reported an error inside the stream."""


async def _consume(response: Response, record: RequestRecord, clock: Callable[[], float]) -> dict[str, Any] | None:
    """Time every chunk that carries generated text; return the usage report if one came."""
    usage: dict[str, Any] | None = None
    requested = record.output_tokens_requested
    max_chunks = MAX_CHUNKS_PER_TOKEN * max(requested, 1) + 16
    async for event in events(_capped(response.iter_bytes(), max_stream_bytes(requested), requested)):
        if event is DONE:
            break
        if not isinstance(event, dict):
            raise MalformedStream(f"chunk is not a JSON object: {str(event)[:80]!r}")
        if event.get("error"):
            raise _StreamError(f"server error in stream: {str(event['error'])[:MAX_ERROR_BODY]}")
        if chunk_text(event):
            if len(record.chunk_times_s) >= max_chunks:
                raise _StreamError(f"runaway stream: over {max_chunks:,} content chunks for {requested:,} tokens asked")
            now = clock()
            if record.first_token_s is None:
                record.first_token_s = now
            record.chunk_times_s.append(now)
            record.end_s = now
        if isinstance(event.get("usage"), dict):
            usage = event["usage"]
    return usage


async def _capped(chunks: AsyncIterator[bytes], max_bytes: int, requested: int) -> AsyncIterator[bytes]:
    """The body's bytes, up to `max_bytes`; past it a _StreamError (an endless body is cut here)."""
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise _StreamError(f"runaway stream: over {max_bytes:,} bytes for {requested:,} tokens asked")
        yield chunk
