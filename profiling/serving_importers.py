"""vLLM `bench serve` / `benchmark_serving.py` and SGLang `bench_serving` result files (SGLang's script is a fork
of vLLM's), and the small readers every importer shares.

Their TPOT is our ITL and their ITL our chunk gap (`profiling.importers` explains the mapping). vLLM writes one
JSON object per run; with `--append-result` each further run goes on its own line of the same file (JSON Lines),
so such a sweep is one profile with one level per line. Each run is checked on its own before it becomes a
level: a bad one is named by its line and by the vLLM field, e.g.
`sweep.jsonl: line 3: p99_ttft_ms: expected a number (milliseconds), got 'fast'`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from datafiles import InputError, parse_as
from datafiles.errors import excerpt
from profiling.schema import Level

Converted = tuple[list[dict[str, Any]], dict[str, Any], str]


class JsonLines(list[Any]):
    """The values of a JSON Lines file, with the line each was read from (blank lines are skipped)."""

    def __init__(self, rows: list[Any], lines: list[int]) -> None:
        super().__init__(rows)
        self.lines = tuple(lines)


def ms(value: Any) -> float | None:
    """Milliseconds as seconds; None stays None."""
    return None if value is None else float(value) / 1000


def rate(value: Any) -> float | None:
    """A request rate, or None for 'inf' (all at once)."""
    if value is None or value == "inf" or (isinstance(value, float) and math.isinf(value)):
        return None
    return float(value)


def clean(**fields: Any) -> dict[str, Any]:
    """A level's fields without the ones the file did not give."""
    return {k: v for k, v in fields.items() if v is not None}


def percentiles(
    get: Callable[[str], Any], convert: Callable[[Any], float | None] = ms
) -> dict[str, float | None] | None:
    """p50/p90/p99 read through `get` and converted, or None when the file gives none of them."""
    values = {p: convert(get(p)) for p in ("p50", "p90", "p99")}
    return values if any(v is not None for v in values.values()) else None


def serving_level(doc: dict[str, Any], metric: Callable[[str], Callable[[str], Any]], **fields: Any) -> dict[str, Any]:
    """One level from a vLLM-style summary: their TPOT is our ITL, their ITL our chunk gap.

    `fields` holds what differs between the two tools; a callable receives the completed count.
    """
    completed = int(doc["completed"])
    return clean(
        concurrency=doc.get("max_concurrency"),
        request_rate=rate(doc.get("request_rate")),
        requests_completed=completed,
        duration_s=doc.get("duration"),
        req_per_s=doc["request_throughput"],
        output_tokens_per_s=doc.get("output_throughput"),
        ttft_s=percentiles(metric("ttft")),
        itl_s=percentiles(metric("tpot")),
        chunk_gap_s=percentiles(metric("itl")),
        **{k: (v(completed) if callable(v) else v) for k, v in fields.items()},
    )


# --- vLLM ---------------------------------------------------------------------------------------------------

VLLM_REQUIRED = ("completed", "request_throughput", "total_input_tokens", "total_output_tokens")
VLLM_FIELDS = {
    "concurrency": "max_concurrency",
    "request_rate": "request_rate",
    "duration_s": "duration",
    "req_per_s": "request_throughput",
    "output_tokens_per_s": "output_throughput",
    "total_tokens_per_s": "total_token_throughput",
    "input_tokens": "total_input_tokens",
    "output_tokens": "total_output_tokens",
    "requests_completed": "completed",
    "requests_failed": "failed",
}
"""Our level field -> the vLLM field it comes from (errors name the file's field)."""
VLLM_METRICS = {"ttft_s": "ttft", "itl_s": "tpot", "chunk_gap_s": "itl", "e2e_s": "e2el"}
"""Our latency -> vLLM's metric: their TPOT is our ITL, their ITL (gaps between chunks) our chunk gap."""
_VLLM_NUMBERS = (
    *(v for v in VLLM_FIELDS.values() if v != "request_rate"),
    "num_prompts",
    *(f"{p}_{m}_ms" for m in VLLM_METRICS.values() for p in ("median", "p50", "p90", "p99")),
)


VLLM_MARKS = ("total_token_throughput", "backend", "median_ttft_ms", "mean_ttft_ms", "median_tpot_ms")
"""Beside `request_throughput`, any one of these marks a vLLM bench serve result: a trimmed or older file that lacks
`total_token_throughput` (a reviewer's, with every latency field) was refused as no tool's."""


def is_vllm(doc: Any) -> bool:
    return isinstance(doc, dict) and "request_throughput" in doc and any(mark in doc for mark in VLLM_MARKS)


def _vllm_field(ours: str) -> str:
    """The vLLM field behind one of our level's fields: 'ttft_s.p99' -> 'p99_ttft_ms', 'concurrency' ->
    'max_concurrency'."""
    head, _, pct = ours.partition(".")
    if head in VLLM_METRICS and pct:
        return f"{'median' if pct == 'p50' else pct}_{VLLM_METRICS[head]}_ms"
    return VLLM_FIELDS.get(head, ours)


def _check_vllm_run(run: Any) -> None:
    """Every field a level is read from: present where required, a number where one is expected."""
    if not isinstance(run, dict):
        raise InputError("", "", f"expected one JSON object of vLLM bench serve, got {excerpt(run, 40)}")
    missing = [name for name in VLLM_REQUIRED if run.get(name) is None]
    if missing:
        raise InputError(
            "", ", ".join(missing), "missing or malformed in this vLLM bench serve result: each run records "
            "completed, request_throughput, total_input_tokens and total_output_tokens",
        )  # fmt: skip
    for name in _VLLM_NUMBERS:
        value = run.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            unit = " (milliseconds)" if name.endswith("_ms") else ""
            raise InputError("", name, f"expected a number{unit}, got {excerpt(value, 40)}")
    wanted = run.get("request_rate")
    if wanted not in (None, "inf") and (isinstance(wanted, bool) or not isinstance(wanted, int | float)):
        raise InputError("", "request_rate", f"expected requests/s or 'inf', got {excerpt(wanted, 40)}")
    if not float(run["completed"]).is_integer() or run["completed"] < 1:
        raise InputError("", "completed", f"expected a whole number of requests, at least 1; got {run['completed']}")


def _vllm_level(run: dict[str, Any]) -> dict[str, Any]:
    def metric(name: str) -> Callable[[str], Any]:
        return lambda p: run.get(f"{p}_{name}_ms", run.get(f"median_{name}_ms") if p == "p50" else None)

    level = serving_level(
        run,
        metric,
        input_tokens=lambda n: run["total_input_tokens"] / n,
        output_tokens=lambda n: run["total_output_tokens"] / n,
        requests_failed=lambda n: int(run.get("failed", run.get("num_prompts", n) - n)),
        total_tokens_per_s=run.get("total_token_throughput"),
        e2e_s=percentiles(metric("e2el")),
    )
    try:
        parse_as(Level, level, "")
    except InputError as err:  # our record's bounds, said in the file's own field names
        raise InputError("", _vllm_field(err.field), err.expected) from None
    return level


def from_vllm(doc: Any) -> Converted:
    """One level per run: a single result object, or the lines of an `--append-result` file (one run a line).

    Every line must be a run of the same model; a bad one is named `line N: <vLLM field>`."""
    runs = list(doc) if isinstance(doc, list) else [doc]
    numbers = doc.lines if isinstance(doc, JsonLines) else tuple(range(1, len(runs) + 1))
    levels = []
    for number, run in zip(numbers, runs, strict=True):
        where = f"line {number}" if isinstance(doc, list) else ""
        try:
            _check_vllm_run(run)
            levels.append(_vllm_level(run))
        except InputError as err:
            raise InputError("", ": ".join(f for f in (where, err.field) if f), err.expected) from None
        if run.get("model_id") != runs[0].get("model_id"):
            raise InputError(
                "", f"{where}: model_id", f"{excerpt(run.get('model_id'), 60)} differs from line {numbers[0]}'s "
                f"{excerpt(runs[0].get('model_id'), 60)}: one profile is one deployment",
            )  # fmt: skip
    first = runs[0]
    meta = {"model": first.get("model_id"), "tool": f"vllm bench serve ({first.get('backend', '?')} backend)"}
    note = "vLLM counts TTFT at the first chunk with choices, which can be the empty role chunk (vLLM PR #46652)"
    if len(runs) > 1:
        note = f"{len(runs)} runs appended to one file (--append-result), one level each; {note}"
    return levels, meta, note


# --- SGLang -------------------------------------------------------------------------------------------------


def from_sglang(docs: list[dict[str, Any]]) -> Converted:
    levels = []
    for doc in docs:

        def metric(name: str, d: dict[str, Any] = doc) -> Callable[[str], Any]:
            return lambda p: d.get(f"{'median' if p == 'p50' else p}_{name}_ms")

        total_in = doc.get("total_input_tokens", doc.get("total_input"))
        total_out = doc.get("total_output_tokens", doc.get("total_output"))
        levels.append(
            serving_level(
                doc,
                metric,
                input_tokens=lambda n, t=total_in: t / n,
                output_tokens=lambda n, t=total_out: t / n,
                requests_failed=0,
                total_tokens_per_s=doc.get("total_throughput"),
                e2e_s=percentiles(metric("e2e_latency")),
            )
        )
    note = "SGLang's bench_serving does not record failed requests (requests_failed is 0 by assumption)"
    return levels, {"tool": f"sglang bench_serving ({docs[0].get('backend', '?')} backend)"}, note
