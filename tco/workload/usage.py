"""From hourly usage aggregates to a workload: volume, shape, 24-hour curve, peak and growth.

Input is what `usage/` leaves after DuckDB has read the exports: per file (`UsageSource`), one `UsageBucket` per
UTC hour (or day), model and provider — never a request body — and the whole UTC days the file covers. Everything
here is arithmetic on those sums.

Files of different periods are only ever compared over the period **every file covers** (the *common period*: the
latest first day to the earliest last day). A month where one file is missing is not a month of low traffic, and a
partial month at a file's edge is not a low month either: only **full months every file covers** measure change.

- **requests per month**: the last full month every file covers; without one, the daily rate of the common
  period's last month × that month's days (said in `notes`). Files that share no day at all: the last month the
  files together cover in full, read as one series (said in `notes`).
- **growth**: a least-squares line through log(requests per day) of the full months every file covers:
  growth = exp(slope) − 1 a month. Two months of 100 and 110 requests/day → 10 %. Fewer than two such months:
  not estimated (`None`, said in `notes`) — never guessed. Files that share no day: the full months they cover
  between them, read as one series like the volume (said in `notes`), where no two files share a day.
- **peak-to-average** (hourly data only): for each full month every file covers, its busiest hour ÷ that same
  month's mean hour, so growth between months never enters a peak; the workload gets the **largest** of these,
  since the fleet must carry the busiest hour of the busiest month seen (a median would be exceeded in half the
  months). Without a full common month, the same within each month's part of the common period; files that share
  no day: the largest of each file's own, an upper bound for their sum.
- **24-hour curve**: mean load in each UTC hour of the day over the common period, scaled to mean 1 (hourly or
  finer data; `None` for daily data).
- **classes**: one request class per model over the common period, with its share of requests, mean input and
  output tokens, cached share (cached ÷ input) and cache-write tokens per request; percentiles where requests were
  logged one by one.
Every figure says in `notes` which months it comes from, and one note names each file's coverage: its first and
last time and the full months it holds. Where a source does not count requests (Anthropic's usage report), token
totals stand in for them: the volume becomes `tokens_per_month` and the per-request shape is an assumption, said
in `notes`.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence

from tco.workload.calendar_periods import (
    Interval,
    common_period,
    covered_days,
    days_in,
    full_months,
    merged_spans,
    month_bounds,
    month_days,
    month_key,
    months_text,
    period_text,
    segments,
)
from tco.workload.usage_peaks import bucket_load, day_curve, period_peaks
from tco.workload.usage_records import (
    ASSUMED_OUTPUT_TOKENS_PER_REQUEST,
    Coverage,
    ModelUsage,
    MonthUsage,
    TokenPercentiles,
    UsageBucket,
    UsageSource,
    UsageSummary,
)

ONE_SERIES = (
    ", the files read as one series (one account exported period by period); if they are separate accounts "
    "or providers, export the same period from each"
)


def _sum_in(buckets: Sequence[UsageBucket], period: Interval, counted: bool) -> float:
    return sum(bucket_load(b, counted) for b in buckets if period[0] <= b.hour < period[1])


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
    sources: Sequence[UsageSource],
    granularity: str,
    percentiles: dict[tuple[str, str | None], TokenPercentiles] | None = None,
) -> UsageSummary:
    """The workload these files describe, each figure over the period every file covers (module docstring)."""
    buckets = [b for s in sources for b in s.buckets]
    if not buckets:
        raise ValueError("no usage rows")
    counted = all(b.requests is not None for b in buckets)
    several = len(sources) > 1
    spans = [s.span for s in sources]
    coverage = tuple(Coverage(s.name, s.first, s.last, s.span, full_months(s.span)) for s in sources)
    common = common_period(spans)
    common_full = full_months(common)
    notes = [_coverage_note(coverage, common, common_full)]
    every = " every file covers" if several else ""
    models = _by_model(buckets, counted)
    months = _months(buckets, spans, common_full, counted)
    monthly_volume, volume_basis = _volume(buckets, spans, common, common_full, counted, every, notes)
    if common is None and _one_after_another(spans):  # one account exported period by period
        growth_months = _series_full_months(buckets, spans)
        growth = _growth(buckets, sources, months, growth_months, counted, " the files cover between them", notes, True)
    else:  # files that overlap but share no day among all of them have no full month in common: not estimated
        growth_months = common_full
        growth = _growth(buckets, sources, months, growth_months, counted, every, notes)
    basis = [b for b in buckets if common is None or common[0] <= b.hour < common[1]]
    if several and common is not None and len(basis) < len(buckets):
        notes.append(f"request classes and the 24-hour curve: from {period_text(common)}, the days every file covers")
    profile, peaks = (None, ())
    if granularity in ("hour", "request"):
        profile = day_curve(basis, counted)
        peaks = period_peaks(sources, common, common_full, counted, every, notes)
    else:
        notes.append(
            "daily data: no 24-hour curve and no hourly peak can be seen; the workload keeps the default "
            "peak-to-average (2.0) — set yours, or add an hourly or per-request export"
        )
    peak = max((p.ratio for p in peaks), default=None)
    workload = _workload(_by_model(basis, counted), monthly_volume, counted, growth, peak, percentiles or {}, notes)
    last = max(b.hour for b in buckets)
    start = month_bounds(month_key(last))[1]
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
        coverage=coverage,
        common_period=common,
        common_full_months=common_full,
        volume_basis=volume_basis,
        growth_months=tuple(growth_months) if growth is not None else (),
        peaks=peaks,
    )


def _coverage_note(coverage: Sequence[Coverage], common: Interval | None, common_full: Sequence[str]) -> str:
    files = "; ".join(
        f"{c.name} {c.first:%Y-%m-%d %H:%M} → {c.last:%Y-%m-%d %H:%M} UTC (full months {months_text(c.full_months)})"
        for c in coverage
    )
    if len(coverage) == 1:
        return f"coverage: {files}"
    if common is None:
        return f"coverage: {files}; the files share no day"
    return f"coverage: {files}; every file covers {period_text(common)} (full months {months_text(common_full)})"


def _volume(
    buckets: Sequence[UsageBucket],
    spans: Sequence[Interval],
    common: Interval | None,
    common_full: Sequence[str],
    counted: bool,
    every: str,
    notes: list[str],
) -> tuple[float, str]:
    """The month's volume and, in words, where it comes from."""
    if common_full:
        month = common_full[-1]
        return _sum_in(buckets, month_bounds(month), counted), f"the last full month{every}, {month}"
    if common is not None:
        month, part = segments(common)[-1]
        days = days_in(part[1] - part[0])
        rate = _sum_in(buckets, part, counted) / days
        notes.append(
            f"no full calendar month{every}: the volume is {month}'s daily rate over its {days:.1f} covered days "
            f"({period_text(part)}) × {month_days(month):.0f} days"
        )
        return rate * month_days(month), f"{month}'s daily rate over {days:.0f} covered days"
    full = _series_full_months(buckets, spans)
    if full:
        month = full[-1]
        notes.append(f"the files share no day: the volume is {month}'s, the last month they cover in full between "
                     f"them{ONE_SERIES}")  # fmt: skip
        return _sum_in(buckets, month_bounds(month), counted), f"{month}, covered by the files between them"
    month = max(month_key(b.hour) for b in buckets)
    days = covered_days(merged_spans(spans), month_bounds(month))
    notes.append(f"the files share no day and cover no full month: the volume is {month}'s daily rate over its "
                 f"{days:.1f} covered days × {month_days(month):.0f} days{ONE_SERIES}")  # fmt: skip
    rate = _sum_in(buckets, month_bounds(month), counted) / days
    return rate * month_days(month), f"{month}'s daily rate over {days:.0f} covered days"


def _one_after_another(spans: Sequence[Interval]) -> bool:
    """No two files share a day: each ends before the next begins."""
    ordered = sorted(spans)
    return all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))


def _series_full_months(buckets: Sequence[UsageBucket], spans: Sequence[Interval]) -> list[str]:
    """Files that share no day, read as one series: the months the files cover in full between them."""
    merged = merged_spans(spans)
    touched = sorted({month_key(b.hour) for b in buckets})
    return [m for m in touched if covered_days(merged, month_bounds(m)) >= month_days(m)]


def _growth(
    buckets: Sequence[UsageBucket],
    sources: Sequence[UsageSource],
    months: Sequence[MonthUsage],
    growth_months: Sequence[str],
    counted: bool,
    every: str,
    notes: list[str],
    one_series: bool = False,
) -> float | None:
    """Growth over `growth_months`: the full months every file covers or, where the files share no day
    (`one_series`), the full months they cover between them, read as one account's exports period by period."""
    unit = "requests" if counted else "tokens"
    left = []
    for m in months:
        if m.month in growth_months:
            continue
        holders = [s.name for s in sources if m.month in full_months(s.span)]
        left.append(f"{m.month} ({'partial' if not holders else 'in full only in ' + ', '.join(holders)})")
    left_text = f"; left out: {', '.join(left)}" if left and not one_series else ""
    caveat = ONE_SERIES if one_series else ""
    if len(growth_months) < 2:
        notes.append(
            f"monthly growth not estimated: it needs two full months{every}, the data holds "
            f"{len(growth_months)} ({months_text(growth_months)}){left_text} — set your own{caveat}"
        )
        return None
    rates = [_sum_in(buckets, month_bounds(m), counted) / month_days(m) for m in growth_months]
    growth = growth_per_month(rates)
    per_day = ", ".join(f"{m} {r:,.1f}" for m, r in zip(growth_months, rates, strict=True))
    notes.append(
        f"monthly growth {growth:+.1%}: a log-linear fit of {unit} per day over the full months{every} "
        f"({per_day}){left_text}{caveat}"
    )
    return growth


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


def _months(
    buckets: Sequence[UsageBucket], spans: Sequence[Interval], common_full: Sequence[str], counted: bool
) -> tuple[MonthUsage, ...]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for b in buckets:
        row = sums[month_key(b.hour)]
        row[0] += b.requests or 0
        row[1] += b.input_tokens
        row[2] += b.output_tokens
    merged = merged_spans(spans)
    out = []
    for month in sorted(sums):
        covered = covered_days(merged, month_bounds(month))
        row = sums[month]
        out.append(MonthUsage(month, row[0] if counted else None, row[1], row[2], covered,
                              covered >= month_days(month), month in common_full))  # fmt: skip
    return tuple(out)


def _workload(
    models: Sequence[ModelUsage],
    monthly_volume: float,
    counted: bool,
    growth: float | None,
    peak: float | None,
    percentiles: dict[tuple[str, str | None], TokenPercentiles],
    notes: list[str],
) -> dict[str, object]:
    """The scenario's `workload` mapping (docs/formats.md, "Scenario file"), one request class per model."""
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
