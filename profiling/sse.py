"""Server-sent events from an OpenAI-compatible streaming response, one JSON payload at a time."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any


class MalformedStream(Exception):
    """The stream broke the SSE or JSON rules."""


DONE = object()
MAX_EVENT_BYTES = 1024 * 1024
"""Largest SSE event held while waiting for its blank line (a token's chunk is a few hundred bytes)."""


async def events(chunks: AsyncIterator[bytes]) -> AsyncIterator[Any]:
    """Yield each event's `data` parsed as JSON, or `DONE` for `data: [DONE]`, from raw body bytes.

    Works on bytes as they arrive (no text decoding of whole lines first: this is the
    profiler's hot path). Servers differ: some never send [DONE] (transformers serve), some
    send comments (": ping") or keep-alive blank lines; those are skipped. Multi-line data
    fields are joined with newlines, as the SSE specification says. An event longer than MAX_EVENT_BYTES
    is MalformedStream: a body that never sends a blank line cannot grow the buffer without end.
    """
    buffer = b""
    async for chunk in chunks:
        searched = max(len(buffer) - 1, 0)  # the leftover holds no blank line: search only from its end
        buffer += chunk.replace(b"\r\n", b"\n") if b"\r" in chunk else chunk
        start = 0
        while (end := buffer.find(b"\n\n", max(start, searched))) >= 0:
            block = buffer[start:end]
            start = end + 2
            if block.startswith(b"data: ") and b"\n" not in block:  # the common one-line event, fast path
                yield _decode(block[6:])
            elif (payload := _data(block)) is not None:
                yield _decode(payload)
        buffer = buffer[start:]
        if len(buffer) > MAX_EVENT_BYTES:
            raise MalformedStream(f"an event over {MAX_EVENT_BYTES:,} bytes (no blank line ends it)")
    if buffer.strip():
        payload = _data(buffer)
        if payload is not None:
            yield _decode(payload)


def _data(block: bytes) -> str | None:
    """The data of one event block, or None for a comment or keep-alive."""
    data: list[str] = []
    for raw in block.split(b"\n"):
        line = raw.decode("utf-8", "replace")
        if not line or line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
        elif field not in ("event", "id", "retry"):
            raise MalformedStream(f"unexpected SSE line {line[:80]!r}")
    return "\n".join(data) if data else None


def _decode(payload: str | bytes) -> Any:
    if payload.strip() in ("[DONE]", b"[DONE]"):
        return DONE
    try:
        return json.loads(payload)
    except UnicodeDecodeError:
        raise MalformedStream("chunk is not UTF-8") from None
    except ValueError:  # not JSON, or an integer past Python's 4,300 digits
        raise MalformedStream(f"chunk is not JSON: {payload[:80]!r}") from None
    except RecursionError:
        raise MalformedStream("chunk is nested too deeply") from None


def chunk_text(event: dict[str, Any]) -> str:
    """Generated text in a chunk: content, reasoning or tool-call arguments (chat), or text (completions).
    Anything of the wrong shape (choices a dict, delta a string…) carries no text."""
    parts: list[str] = []
    choices = event.get("choices")
    for choice in choices if isinstance(choices, list) else ():
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        for key in ("content", "reasoning_content", "reasoning"):
            value = delta.get(key)
            if isinstance(value, str):
                parts.append(value)
        calls = delta.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():
            function = call.get("function") if isinstance(call, dict) else None
            arguments = function.get("arguments") if isinstance(function, dict) else None
            if isinstance(arguments, str):
                parts.append(arguments)
        text = choice.get("text")
        if isinstance(text, str):
            parts.append(text)
    return "".join(parts)
