"""Server-sent events from an OpenAI-compatible streaming response, one JSON payload at a time."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any


class MalformedStream(Exception):
    """The stream broke the SSE or JSON rules."""


DONE = object()


async def events(lines: AsyncIterator[str]) -> AsyncIterator[Any]:
    """Yield each `data:` payload parsed as JSON, or `DONE` for `data: [DONE]`.

    Servers differ: some never send [DONE] (transformers serve), some send comments
    (": ping") or blank keep-alives; those are skipped. Multi-line data fields are joined.
    """
    buffer: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r")
        if line.startswith(":"):
            continue
        if line == "":
            if buffer:
                payload = "\n".join(buffer)
                buffer = []
                yield _decode(payload)
            continue
        field, _, value = line.partition(":")
        if field == "data":
            buffer.append(value[1:] if value.startswith(" ") else value)
        elif field not in ("event", "id", "retry"):
            raise MalformedStream(f"unexpected SSE line {line[:80]!r}")
    if buffer:
        yield _decode("\n".join(buffer))


def _decode(payload: str) -> Any:
    if payload.strip() == "[DONE]":
        return DONE
    try:
        return json.loads(payload)
    except json.JSONDecodeError:
        raise MalformedStream(f"chunk is not JSON: {payload[:80]!r}") from None


def chunk_text(event: dict[str, Any]) -> str:
    """Generated text in a chunk: content, reasoning or tool-call arguments (chat), or text (completions)."""
    parts: list[str] = []
    for choice in event.get("choices") or []:
        delta = choice.get("delta") or {}
        for key in ("content", "reasoning_content", "reasoning"):
            value = delta.get(key)
            if isinstance(value, str):
                parts.append(value)
        for call in delta.get("tool_calls") or []:
            arguments = (call.get("function") or {}).get("arguments")
            if isinstance(arguments, str):
                parts.append(arguments)
        text = choice.get("text")
        if isinstance(text, str):
            parts.append(text)
    return "".join(parts)
