"""Send one streamed request to an OpenAI-compatible server and time every generated chunk."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from profiling.records import RequestRecord
from profiling.sse import DONE, MalformedStream, chunk_text, events

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
            body["prompt"] = prompt if isinstance(prompt, str) else "\n".join(m["content"] for m in prompt)
        if self.force_length:
            body["ignore_eos"] = True
            body["min_tokens"] = output_tokens
        return body


async def send(
    client: httpx.AsyncClient,
    target: Target,
    prompt: str | list[dict[str, Any]],
    record: RequestRecord,
    clock: Callable[[], float] = time.perf_counter,
) -> RequestRecord:
    """Fill `record` with timings and token counts; errors are recorded, never raised."""
    record.start_s = clock()

    async def trace(event: str, info: dict[str, Any]) -> None:
        # time from when the request goes on the wire, not from when this coroutine was scheduled:
        # with many streams starting at once the event loop would otherwise charge its own queue to TTFT
        if event == "http11.send_request_headers.started":
            record.start_s = clock()

    try:
        async with client.stream(
            "POST",
            target.url,
            json=target.payload(prompt, record.output_tokens_requested),
            headers=target.headers(),
            extensions={"trace": trace},
        ) as response:
            record.status = response.status_code
            if response.status_code != 200:
                body = (await response.aread())[:MAX_ERROR_BODY].decode("utf-8", "replace")
                record.error = f"HTTP {response.status_code}: {body.strip()}"
                return record
            usage: dict[str, Any] | None = None
            async for event in events(response.aiter_raw()):
                if event is DONE:
                    break
                if not isinstance(event, dict):
                    raise MalformedStream(f"chunk is not a JSON object: {str(event)[:80]!r}")
                if event.get("error"):
                    record.error = f"server error in stream: {str(event['error'])[:MAX_ERROR_BODY]}"
                    return record
                if chunk_text(event):
                    now = clock()
                    if record.first_token_s is None:
                        record.first_token_s = now
                    record.chunk_times_s.append(now)
                    record.end_s = now
                if isinstance(event.get("usage"), dict):
                    usage = event["usage"]
    except httpx.TimeoutException:
        record.error = "timeout"
        return record
    except httpx.HTTPError as exc:
        record.error = f"connection error: {type(exc).__name__}: {exc}"[:MAX_ERROR_BODY]
        return record
    except MalformedStream as exc:
        record.error = f"malformed SSE: {exc}"
        return record
    if record.first_token_s is None:
        record.error = "stream ended without any generated token"
        return record
    if usage and isinstance(usage.get("completion_tokens"), int):
        record.output_tokens = usage["completion_tokens"]
        record.input_tokens = usage.get("prompt_tokens")
        record.tokens_from_usage = True
    else:
        record.output_tokens = len(record.chunk_times_s)
    return record
