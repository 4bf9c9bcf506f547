"""From hourly usage aggregates to a workload: volume, shape, 24-hour curve, peak and growth.

Input is what `usage/` leaves after DuckDB has read the exports: one `UsageBucket` per UTC hour
(or day), model and provider — never a request body. Everything here is arithmetic on those sums.

- **requests per month**: the last full calendar month's requests; without a full month, the last
  month's requests per covered day × the days of that month (said in `notes`).
- **growth**: a least-squares line through log(requests per covered day) of every month covered for at
  least half its days: growth = exp(slope) − 1 a month. Two months of 100 and 110 requests/day → 10 %.
- **24-hour curve**: mean requests in each UTC hour of the day over the days covered, scaled to mean 1
  (needs hourly or finer data; `None` for daily data).
- **peak-to-average**: the busiest hour seen over the mean hour of the covered span (hourly data only).
- **classes**: one request class per model with its share of requests, mean input and output tokens,
  cached share (cached ÷ input) and cache-write tokens per request; percentiles where requests were logged
  one by one.
Where a source does not count requests (Anthropic's usage report), token totals stand in for them:
the volume becomes `tokens_per_month` and the per-request shape is an assumption, said in `notes`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

ASSUMED_OUTPUT_TOKENS_PER_REQUEST = 500.0
"""Request size assumed when a source counts tokens but not requests (a typical chat answer)."""


@dataclass(frozen=True)
class TokenPercentiles:
    """Per-request token percentiles of one model (request-level sources only)."""

    input_tokens: dict[str, float]
    output_tokens: dict[str, float]


@dataclass(frozen=True)
class ModelUsage:
    """One model's usage summed over a span. Input includes cached and cache-write tokens; output, reasoning."""

    model: str
    provider: str | None
    requests: float | None
    input_tokens: float
    cached_input_tokens: float
    cache_write_tokens: float
    output_tokens: float
    reasoning_tokens: float
    reported_cost_usd: float | None


@dataclass(frozen=True)
class UsageBucket(ModelUsage):
    """One hour (or day, from daily sources) of one model's usage: sums over the requests in it."""

    hour: dt.datetime


@dataclass(frozen=True)
class MonthUsage:
    month: str
    requests: float | None
    input_tokens: float
    output_tokens: float
    covered_days: float
    full: bool


@dataclass(frozen=True)
class UsageSummary:
    models: tuple[ModelUsage, ...]
    months: tuple[MonthUsage, ...]
    granularity: str
    hourly_profile: tuple[float, ...] | None
    peak_to_average: float | None
    monthly_growth: float
    workload: dict[str, object]
    start_month: str
    """The month after the last one in the data: where a projection from this usage starts."""
    notes: tuple[str, ...] = field(default=())


def month_key(ts: dt.datetime) -> str:
    return f"{ts.year:04d}-{ts.month:02d}"


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    year, mon = int(month[:4]), int(month[5:])
    start = dt.datetime(year, mon, 1, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=calendar.monthrange(year, mon)[1])


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86_400


def growth_per_month(rates: Sequence[float]) -> float:
    """exp(slope) − 1 of the least-squares line through log(rate) against month number.

    >>> round(growth_per_month([100, 110, 121]), 6)
    0.1
    """
    points = [(i, math.log(r)) for i, r in enumerate(rates) if r > 0]
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return math.exp(sxy / sxx) - 1


def summarise(
    buckets: Sequence[UsageBucket],
    granularity: str,
    span: tuple[dt.datetime, dt.datetime],
    percentiles: dict[tuple[str, str | None], TokenPercentiles] | None = None,
) -> UsageSummary:
    """The workload these buckets describe. `span` = [first bucket start, last bucket end) of the data."""
    if not buckets:
        raise ValueError("no usage rows")
    counted = all(b.requests is not None for b in buckets)
    notes: list[str] = []
    models = _by_model(buckets, counted)
    months = _months(buckets, span, counted)
    volume = [m.requests if counted else m.input_tokens + m.output_tokens for m in months]
    full = [(m, v) for m, v in zip(months, volume, strict=True) if m.full]
    if full:
        last_month, last_volume = full[-1]
        monthly_volume = float(last_volume or 0)
    else:
        last_month = months[-1]
        days_in_month = _days(_month_bounds(last_month.month)[1] - _month_bounds(last_month.month)[0])
        monthly_volume = float(volume[-1] or 0) / last_month.covered_days * days_in_month
        notes.append(
            f"no full calendar month in the data: the volume is {last_month.month}'s daily rate over its "
            f"{last_month.covered_days:.1f} covered days × {days_in_month:.0f} days"
        )
    rated = [float(v or 0) / m.covered_days for m, v in zip(months, volume, strict=True) if m.covered_days * 2 >= _days(
        _month_bounds(m.month)[1] - _month_bounds(m.month)[0])]  # fmt: skip
    growth = growth_per_month(rated)
    if len(rated) < 2:
        notes.append("fewer than two months covered for half their days: monthly growth 0 (set your own)")
    profile, peak = (None, None)
    if granularity in ("hour", "request"):
        profile, peak = _curve(buckets, span, counted)
    else:
        notes.append(
            "daily data: no 24-hour curve and no hourly peak can be seen; the workload keeps the default "
            "peak-to-average (2.0) — set yours, or add an hourly or per-request export"
        )
    workload = _workload(models, monthly_volume, counted, growth, peak, percentiles or {}, notes)
    last = max(b.hour for b in buckets)
    start = _month_bounds(month_key(last))[1]
    return UsageSummary(
        models=models,
        months=months,
        granularity=granularity,
        hourly_profile=profile,
        peak_to_average=peak,
        monthly_growth=growth,
        workload=workload,
        start_month=month_key(start),
        notes=tuple(notes),
    )


def _by_model(buckets: Sequence[UsageBucket], counted: bool) -> tuple[ModelUsage, ...]:
    sums: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0.0] * 6)
    costs: dict[tuple[str, str | None], float | None] = {}
    for b in buckets:
        key = (b.model, b.provider)
        row = sums[key]
        for i, value in enumerate((b.requests or 0, b.input_tokens, b.cached_input_tokens, b.cache_write_tokens,
                                   b.output_tokens, b.reasoning_tokens)):  # fmt: skip
            row[i] += value
        if b.reported_cost_usd is not None:
            costs[key] = (costs.get(key) or 0.0) + b.reported_cost_usd
        else:
            costs.setdefault(key, None)
    out = [
        ModelUsage(model, provider, row[0] if counted else None, *row[1:], costs[(model, provider)])
        for (model, provider), row in sums.items()
    ]
    return tuple(sorted(out, key=lambda m: -(m.requests or m.input_tokens + m.output_tokens)))


def _months(buckets: Sequence[UsageBucket], span: tuple[dt.datetime, dt.datetime], counted: bool) -> tuple[
        MonthUsage, ...]:  # fmt: skip
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for b in buckets:
        row = sums[month_key(b.hour)]
        row[0] += b.requests or 0
        row[1] += b.input_tokens
        row[2] += b.output_tokens
    out = []
    for month in sorted(sums):
        start, end = _month_bounds(month)
        covered = _days(min(end, span[1]) - max(start, span[0]))
        row = sums[month]
        full = span[0] <= start and span[1] >= end
        out.append(MonthUsage(month, row[0] if counted else None, row[1], row[2], covered, full))
    return tuple(out)


def _curve(buckets: Sequence[UsageBucket], span: tuple[dt.datetime, dt.datetime], counted: bool) -> tuple[
        tuple[float, ...], float]:  # fmt: skip
    """Mean load per UTC hour of day (mean 1) and the busiest hour over the mean hour."""
    per_hour: dict[dt.datetime, float] = defaultdict(float)
    for b in buckets:
        per_hour[b.hour] += b.requests if counted and b.requests is not None else b.input_tokens + b.output_tokens
    by_hour_of_day = [0.0] * 24
    for hour, load in per_hour.items():
        by_hour_of_day[hour.hour] += load
    total = sum(by_hour_of_day)
    profile = tuple(24 * v / total for v in by_hour_of_day) if total > 0 else (1.0,) * 24
    hours = max(1.0, (span[1] - span[0]).total_seconds() / 3600)
    mean_hour = total / hours
    peak = max(per_hour.values()) / mean_hour if mean_hour > 0 else 1.0
    return profile, max(1.0, peak)


def _workload(
    models: Sequence[ModelUsage],
    monthly_volume: float,
    counted: bool,
    growth: float,
    peak: float | None,
    percentiles: dict[tuple[str, str | None], TokenPercentiles],
    notes: list[str],
) -> dict[str, object]:
    """The scenario's `workload` mapping (DESIGN.md "Scenario file"), one request class per model."""
    classes = []
    total_requests = 0.0
    for m in models:
        if counted:
            requests = m.requests or 0.0
        else:
            requests = m.output_tokens / ASSUMED_OUTPUT_TOKENS_PER_REQUEST if m.output_tokens else 1.0
        total_requests += requests
        classes.append((m, requests))
    if not counted:
        notes.append(
            "this source does not count requests: each model's requests are assumed to average "
            f"{ASSUMED_OUTPUT_TOKENS_PER_REQUEST:.0f} output tokens, and the volume is tokens per month — "
            "set the classes' input and output tokens to your own"
        )
    out: list[dict[str, object]] = []
    for m, requests in classes:
        if requests <= 0:
            continue
        cls: dict[str, object] = {
            "name": m.model,
            "share": requests / total_requests,
            "input_tokens": round(m.input_tokens / requests, 1),
            "output_tokens": round(m.output_tokens / requests, 1),
        }
        if m.cached_input_tokens:
            cls["cached_input_share"] = round(m.cached_input_tokens / m.input_tokens, 4)
        if m.cache_write_tokens:
            cls["cache_write_tokens"] = round(m.cache_write_tokens / requests, 1)
        spread = percentiles.get((m.model, m.provider))
        if spread is not None and max(spread.input_tokens.values()) > min(spread.input_tokens.values()):
            # the spread prices context tiers request by request; input_tokens stays the measured mean
            cls["input_percentiles"] = {k: round(v, 1) for k, v in spread.input_tokens.items()}
        out.append(cls)
    _settle_shares(out)
    workload: dict[str, object] = {}
    if counted:
        workload["requests_per_month"] = round(monthly_volume)
    else:
        workload["tokens_per_month"] = round(monthly_volume)
    workload["classes"] = out
    if peak is not None:
        workload["peak_to_average"] = round(min(peak, 100.0), 3)
    if growth:
        workload["monthly_growth"] = round(max(min(growth, 10.0), -0.99), 4)
    return workload


def _settle_shares(classes: list[dict[str, object]]) -> None:
    """Round shares to 6 places and let the largest class take the remainder, so they add up to 1."""
    if not classes:
        return
    for cls in classes:
        cls["share"] = round(float(cls["share"]), 6)  # type: ignore[arg-type]
    rest = 1 - sum(float(c["share"]) for c in classes)  # type: ignore[arg-type]
    largest = max(classes, key=lambda c: float(c["share"]))  # type: ignore[arg-type]
    largest["share"] = round(float(largest["share"]) + rest, 9)  # type: ignore[arg-type]
