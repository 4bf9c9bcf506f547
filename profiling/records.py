"""One record per request, kept raw (JSONL), and the summary of a load level computed from them."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from typing import Any

MAX_INPUT_TOKENS = 10_000_000
"""Prompt tokens a request may ask for: past any model's context window (a synthetic prompt this long is ~50 MB
of text, built in seconds; ten times more took minutes, issue 26)."""
MAX_OUTPUT_TOKENS = 1_000_000
"""Tokens a request may ask the server to generate."""


@dataclass
class RequestRecord:
    """What one streamed request did. Times are seconds on the client's monotonic clock."""

    level: int
    index: int
    scheduled_s: float
    """When the load generator meant to send it (rate mode), or when a worker picked it up."""
    start_s: float
    input_tokens_requested: int
    output_tokens_requested: int
    first_token_s: float | None = None
    end_s: float | None = None
    chunk_times_s: list[float] = field(default_factory=list)
    """Arrival time of every chunk that carried generated text."""
    input_tokens: int | None = None
    output_tokens: int | None = None
    tokens_from_usage: bool = False
    """True when token counts came from the server's usage report; else counted from content chunks."""
    status: int | None = None
    error: str | None = None
    finished_s: float | None = None
    """When the request ended, in success or failure (a failed level's duration runs to the last of these)."""

    @property
    def ok(self) -> bool:
        return self.error is None and self.first_token_s is not None and self.end_s is not None

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_token_s is None else self.first_token_s - self.start_s

    @property
    def e2e_s(self) -> float | None:
        return None if self.end_s is None else self.end_s - self.start_s

    @property
    def itl_s(self) -> float | None:
        """(E2E - TTFT) / (output tokens - 1): decode time per token, however tokens were packed in chunks."""
        if not self.ok or not self.output_tokens or self.output_tokens < 2:
            return None
        assert self.end_s is not None and self.first_token_s is not None
        return (self.end_s - self.first_token_s) / (self.output_tokens - 1)

    @property
    def chunk_gaps_s(self) -> list[float]:
        times = self.chunk_times_s
        return [b - a for a, b in itertools.pairwise(times)]

    def to_json(self) -> dict[str, Any]:
        row = dict(self.__dict__)  # flat fields only: cheaper than dataclasses.asdict on the hot path
        row["chunk_times_s"] = list(self.chunk_times_s)
        row.update(ttft_s=self.ttft_s, e2e_s=self.e2e_s, itl_s=self.itl_s)
        return row


def percentile(values: list[float], pct: float) -> float | None:
    """Integer percentile, linearly interpolated (numpy's default method), from the standard library.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    >>> percentile([5.0], 99)
    5.0
    """
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(pct) - 1]


def _pcts(values: list[float], keys: tuple[str, ...] = ("p50", "p90", "p99")) -> dict[str, float | None]:
    return {k: percentile(values, float(k[1:])) for k in keys}


MIN_DURATION_S = 1e-6
"""Shortest level duration a profile records (profiling.schema: Rate ≥ 1e-6)."""


def summarise_level(
    records: list[RequestRecord], concurrency: float | None, request_rate: float | None
) -> dict[str, Any]:
    """A profile level (docs/formats.md's fields) from the raw records of one load level.

    Duration runs from the first send to the last completion, as vLLM and SGLang measure it. A level whose
    requests all failed is still a level (zero completed, its failures counted; the reasons are in the raw
    records and the profile's notes): its duration runs to the last failure, and is at least MIN_DURATION_S
    (the profile format's floor) when they all failed at once.
    """
    done = [r for r in records if r.ok]
    failed = len(records) - len(done)
    if not records:
        raise ValueError("no requests in this level")
    start = min(r.start_s for r in records)
    ended = [r.finished_s if r.finished_s is not None else r.start_s for r in records]
    end = max((r.end_s for r in done if r.end_s is not None), default=max(ended))
    duration = max(end - start, MIN_DURATION_S)
    out_tokens = [r.output_tokens or 0 for r in done]
    in_tokens = [r.input_tokens or r.input_tokens_requested for r in done]
    gaps = [g for r in done for g in r.chunk_gaps_s]
    level: dict[str, Any] = {
        "concurrency": concurrency,
        "request_rate": request_rate,
        "input_tokens": statistics.fmean(in_tokens) if done else float(records[0].input_tokens_requested),
        "output_tokens": statistics.fmean(out_tokens) if done else float(records[0].output_tokens_requested),
        "requests_completed": len(done),
        "requests_failed": failed,
        "duration_s": duration,
        "req_per_s": len(done) / duration,
        "output_tokens_per_s": sum(out_tokens) / duration,
        "total_tokens_per_s": (sum(out_tokens) + sum(in_tokens)) / duration,
        "ttft_s": _pcts([r.ttft_s for r in done if r.ttft_s is not None]),
        "itl_s": _pcts([r.itl_s for r in done if r.itl_s is not None]),
        "e2e_s": _pcts([r.e2e_s for r in done if r.e2e_s is not None]),
        "chunk_gap_s": _pcts(gaps) if gaps else None,
    }
    return level
