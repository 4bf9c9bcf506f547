"""Synthetic usage exports whose true totals the tests know: one list of requests, written in every format.

Each writer takes the same requests and writes them as that source would: per request (Bedrock, LiteLLM
SpendLogs, Langfuse, Helicone, OpenRouter generations, the generic CSV) or summed into its buckets (OpenAI
and Anthropic hourly, OpenRouter, LiteLLM daily, FOCUS daily) — the sums done here in plain Python. Every
record carries a prompt, a response, a user and a key containing `SECRET`, which must never come out.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SECRET = "SECRET-prompt-sk-live-123"


@dataclass(frozen=True)
class Request:
    ts: dt.datetime
    model: str
    uncached: int
    cached: int
    cache_write: int
    output: int
    reasoning: int
    cost: Decimal

    @property
    def input(self) -> int:
        return self.uncached + self.cached + self.cache_write


def requests(models: tuple[str, str], n: int = 240, seed: int = 7) -> list[Request]:
    """n requests over 2026-10-01 … 2026-11-30, busier in the afternoon (UTC), two models 2:1."""
    rng = random.Random(seed)
    out = []
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    for i in range(n):
        day = rng.randrange(61)
        hour = rng.choice([9, 13, 14, 14, 15, 15, 15, 16, 20, 2])
        ts = start + dt.timedelta(days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        output = rng.randrange(50, 900)
        out.append(
            Request(
                ts,
                models[i % 3 == 2],
                rng.randrange(100, 5000),
                rng.choice([0, 0, 512, 1024]),
                rng.choice([0, 0, 0, 256]),
                output,
                rng.randrange(0, output // 2),
                Decimal(rng.randrange(1, 99999)) / 10**6,
            )
        )
    return sorted(out, key=lambda r: r.ts)


def _iso(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _buckets(reqs: list[Request], width: dt.timedelta) -> dict[tuple[dt.datetime, str], list[Request]]:
    out: dict[tuple[dt.datetime, str], list[Request]] = defaultdict(list)
    for r in reqs:
        floor = r.ts.replace(minute=0, second=0, microsecond=0)
        if width >= dt.timedelta(days=1):
            floor = floor.replace(hour=0)
        out[(floor, r.model)].append(r)
    return out


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def openai(path: Path, reqs: list[Request]) -> Path:
    """Two response pages (JSONL) of 1h buckets, grouped by model; OpenAI's input includes cached."""
    pages: list[dict] = []
    for (hour, model), rs in sorted(_buckets(reqs, dt.timedelta(hours=1)).items()):
        t0 = int(hour.timestamp())
        result = {
            "object": "organization.usage.completions.result", "model": model, "project_id": None,
            "user_id": SECRET, "api_key_id": SECRET, "batch": False,
            "input_tokens": sum(r.input for r in rs), "input_cached_tokens": sum(r.cached for r in rs),
            "output_tokens": sum(r.output for r in rs), "num_model_requests": len(rs),
            "input_audio_tokens": 0, "output_audio_tokens": 0,
        }  # fmt: skip
        pages.append({"object": "bucket", "start_time": t0, "end_time": t0 + 3600, "results": [result]})
    half = len(pages) // 2
    return _jsonl(path, [{"object": "page", "data": chunk, "has_more": i == 0, "next_page": SECRET}
                         for i, chunk in enumerate((pages[:half], pages[half:]))])  # fmt: skip


def anthropic(path: Path, reqs: list[Request]) -> Path:
    """One report (JSON object) of 1h buckets; input split into uncached, cache read and 5m/1h writes."""
    data = []
    for (hour, model), rs in sorted(_buckets(reqs, dt.timedelta(hours=1)).items()):
        writes = sum(r.cache_write for r in rs)
        data.append({
            "starting_at": _iso(hour), "ending_at": _iso(hour + dt.timedelta(hours=1)),
            "results": [{
                "model": model, "api_key_id": SECRET, "workspace_id": None, "service_tier": "standard",
                "uncached_input_tokens": sum(r.uncached for r in rs), "cache_read_input_tokens": sum(r.cached for r in rs),
                "cache_creation": {"ephemeral_5m_input_tokens": writes - writes // 3, "ephemeral_1h_input_tokens": writes // 3},
                "output_tokens": sum(r.output for r in rs), "server_tool_use": {"web_search_requests": 0},
            }],
        })  # fmt: skip
    path.write_text(json.dumps({"data": data, "has_more": False, "next_page": None}))
    return path


def openrouter_activity(path: Path, reqs: list[Request]) -> Path:
    data = [
        {"date": day.date().isoformat(), "model": model, "model_permaslug": model + "-2025", "endpoint_id": SECRET,
         "provider_name": "Upstream", "usage": float(sum(r.cost for r in rs)), "byok_usage_inference": 0,
         "requests": len(rs), "prompt_tokens": sum(r.input for r in rs),
         "completion_tokens": sum(r.output for r in rs), "reasoning_tokens": sum(r.reasoning for r in rs)}
        for (day, model), rs in sorted(_buckets(reqs, dt.timedelta(days=1)).items())
    ]  # fmt: skip
    path.write_text(json.dumps({"data": data}))
    return path


def openrouter_generations(path: Path, reqs: list[Request]) -> Path:
    return _jsonl(path, [{"data": {
        "id": SECRET, "created_at": _iso(r.ts), "model": r.model, "total_cost": float(r.cost), "tokens_prompt": r.input + 7,
        "tokens_completion": r.output + 3, "native_tokens_prompt": r.input, "native_tokens_completion": r.output,
        "native_tokens_reasoning": r.reasoning, "native_tokens_cached": r.cached, "external_user": SECRET,
        "provider_name": "Upstream", "streamed": True}} for r in reqs])  # fmt: skip


def bedrock(path: Path, reqs: list[Request]) -> Path:
    return _jsonl(path, [{
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": _iso(r.ts), "accountId": "123",
        "identity": {"arn": SECRET}, "region": "us-east-1", "requestId": SECRET, "operation": "Converse",
        "modelId": r.model,
        "input": {"inputContentType": "application/json", "inputBodyJson": {"messages": [{"role": "user", "content": SECRET}]},
                  "inputTokenCount": r.uncached, "cacheReadInputTokenCount": r.cached, "cacheWriteInputTokenCount": r.cache_write},
        "output": {"outputContentType": "application/json", "outputBodyJson": {"output": SECRET}, "outputTokenCount": r.output},
    } for r in reqs])  # fmt: skip


def litellm_spend_logs(path: Path, reqs: list[Request]) -> Path:
    rows = [{
        "request_id": SECRET, "call_type": "acompletion", "api_key": SECRET, "spend": str(r.cost),
        "total_tokens": r.input + r.output, "prompt_tokens": r.input, "completion_tokens": r.output,
        "startTime": r.ts.strftime("%Y-%m-%d %H:%M:%S.%f"), "endTime": r.ts.strftime("%Y-%m-%d %H:%M:%S.%f"),
        "model": r.model, "custom_llm_provider": "openai", "user": SECRET,
        "metadata": json.dumps({"user_api_key": SECRET, "usage_object": {"prompt_tokens": r.input,
            "cache_read_input_tokens": r.cached, "cache_creation_input_tokens": r.cache_write}}),
        "messages": json.dumps([{"role": "user", "content": SECRET}]), "response": SECRET,
    } for r in reqs]  # fmt: skip
    return _csv(path, rows)


def litellm_daily(path: Path, reqs: list[Request]) -> Path:
    rows = [{
        "user_id": SECRET, "date": day.date().isoformat(), "api_key": SECRET, "model": model, "model_group": model,
        "custom_llm_provider": "anthropic", "prompt_tokens": sum(r.input for r in rs),
        "completion_tokens": sum(r.output for r in rs), "cache_read_input_tokens": sum(r.cached for r in rs),
        "cache_creation_input_tokens": sum(r.cache_write for r in rs), "spend": str(sum(r.cost for r in rs)),
        "api_requests": len(rs), "successful_requests": len(rs), "failed_requests": 0,
    } for (day, model), rs in sorted(_buckets(reqs, dt.timedelta(days=1)).items())]  # fmt: skip
    return _csv(path, rows)


def langfuse(path: Path, reqs: list[Request]) -> Path:
    """Observations (JSONL): `input` and `output` are bodies; usage_details counts input apart from the cache."""
    records = [
        {
            "id": SECRET,
            "trace_id": SECRET,
            "type": "SPAN",
            "start_time": "2026-10-05 10:00:00.000000",
            "model": None,
            "usage_details": {},
            "input": SECRET,
        }
    ]
    records += [{
        "id": SECRET, "trace_id": SECRET, "type": "GENERATION", "name": "chat",
        "start_time": r.ts.strftime("%Y-%m-%d %H:%M:%S.%f"), "end_time": r.ts.strftime("%Y-%m-%d %H:%M:%S.%f"),
        "model": r.model, "input": [{"role": "user", "content": SECRET}], "output": SECRET, "metadata": {"user": SECRET},
        "usage_details": {"input": r.uncached, "input_cached_tokens": r.cached, "cache_creation_input_tokens": r.cache_write,
                          "output": r.output - r.reasoning, "output_reasoning_tokens": r.reasoning},
        "cost_details": {"input": 0, "output": 0, "total": float(r.cost)},
    } for r in reqs]  # fmt: skip
    return _jsonl(path, records)


def helicone(path: Path, reqs: list[Request]) -> Path:
    rows = [{
        "request_id": SECRET, "request_created_at": _iso(r.ts), "request_user_id": SECRET, "request_model": r.model,
        "model": r.model, "provider": "OPENAI", "prompt_tokens": r.uncached, "prompt_cache_read_tokens": r.cached,
        "prompt_cache_write_tokens": r.cache_write, "completion_tokens": r.output, "cost": str(r.cost),
        "request_body": json.dumps({"messages": [{"content": SECRET}]}), "response_body": SECRET,
    } for r in reqs]  # fmt: skip
    return _csv(path, rows)


def focus(path: Path, reqs: list[Request]) -> Path:
    """FOCUS 1.x daily rows: one for requests (with the cost), one per token kind (SKU) in thousands of tokens."""
    rows = []
    for (day, model), rs in sorted(_buckets(reqs, dt.timedelta(days=1)).items()):
        base = {"BillingAccountId": SECRET, "ChargeCategory": "Usage", "ChargePeriodStart": _iso(day),
                "ChargePeriodEnd": _iso(day + dt.timedelta(days=1)), "ProviderName": "OpenAI",
                "ResourceName": model, "ResourceId": model, "Tags": json.dumps({"user": SECRET})}  # fmt: skip
        rows.append(
            {
                **base,
                "SkuId": "requests",
                "ChargeDescription": "API requests",
                "ConsumedUnit": "Requests",
                "ConsumedQuantity": len(rs),
                "BilledCost": str(sum(r.cost for r in rs)),
                "EffectiveCost": "",
            }
        )
        kinds = (("input tokens", sum(r.uncached for r in rs)), ("cache read input tokens", sum(r.cached for r in rs)),
                 ("cache write input tokens", sum(r.cache_write for r in rs)), ("output tokens", sum(r.output for r in rs)))  # fmt: skip
        for sku, tokens in kinds:
            rows.append({**base, "SkuId": sku, "ChargeDescription": f"{model} {sku}", "ConsumedUnit": "1K Tokens",
                         "ConsumedQuantity": tokens / 1000, "BilledCost": "0", "EffectiveCost": ""})  # fmt: skip
    return _csv(path, rows)


def generic(path: Path, reqs: list[Request]) -> Path:
    rows = [{"timestamp": r.ts.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(), "model": r.model,
             "input_tokens": r.input, "cached_input_tokens": r.cached, "cache_write_tokens": r.cache_write,
             "output_tokens": r.output, "reasoning_tokens": r.reasoning, "requests": 1, "provider": "openai",
             "cost_usd": str(r.cost), "note": SECRET} for r in reqs]  # fmt: skip
    return _csv(path, rows)
