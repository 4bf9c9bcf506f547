"""The shape of usage in time: each period's busiest hour against its mean hour (the peak-to-average the fleet is
sized for), and the 24-hour curve (`tco.workload.usage` says which periods count and why).

Worked example: a month of 720 hours with 7,200 requests (a mean hour of 10) whose busiest hour held 35 has a
peak-to-average of 3.5.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from tco.workload.calendar_periods import Interval, full_months, month_bounds, period_text, segments
from tco.workload.thin_peak import thin_peak_note
from tco.workload.usage_records import PeriodPeak, UsageBucket, UsageSource


def bucket_load(b: UsageBucket, counted: bool) -> float:
    """What a bucket adds to the load: its requests where they are counted, else its tokens."""
    return b.requests if counted and b.requests is not None else b.input_tokens + b.output_tokens


def period_peaks(
    sources: Sequence[UsageSource],
    common: Interval | None,
    common_full: Sequence[str],
    counted: bool,
    every: str,
    notes: list[str],
) -> tuple[PeriodPeak, ...]:
    """Each period's busiest hour over that same period's mean hour (`tco.workload.usage`'s docstring), the way it
    was found said in `notes`."""
    if common is not None:
        everything = [b for s in sources for b in s.buckets]
        periods = [(m, month_bounds(m)) for m in common_full] or segments(common)
        found = [_peak(everything, label, part, counted, None) for label, part in periods]
    else:
        found = []
        for s in sources:
            full = full_months(s.span)
            periods = [(m, month_bounds(m)) for m in full] or segments(s.span)
            found += [_peak(s.buckets, label, part, counted, s.name) for label, part in periods]
    peaks = tuple(p for p in found if p is not None)
    if not peaks:
        return ()
    top = max(p.ratio for p in peaks)
    listed = ", ".join(f"{p.file + ' ' if p.file else ''}{p.period} {p.ratio:.2f}" for p in peaks)
    if common is None:
        how = ("the files share no day: the largest of each file's own busiest hour ÷ its month's mean hour "
               f"({listed}), an upper bound for the files together")  # fmt: skip
    elif common_full:
        how = (f"in each full month{every}, its busiest hour ÷ that month's mean hour ({listed}); the largest is kept, "
               "the busiest month's peak the fleet must carry")  # fmt: skip
    else:
        how = (f"no full month{every}: the busiest hour ÷ the mean hour of each month's covered days ({listed}) — "
               "less than a month, so weekly and monthly swings may not show")  # fmt: skip
    notes.append(f"peak-to-average {top:.2f}: {how}")
    busiest = max(peaks, key=lambda p: p.ratio)
    if counted and (thin := thin_peak_note(busiest.ratio, busiest.busiest)):
        notes.append(thin)
    return peaks


def _peak(
    buckets: Sequence[UsageBucket], period: str, part: Interval, counted: bool, file: str | None
) -> PeriodPeak | None:
    per_hour: dict[dt.datetime, float] = defaultdict(float)
    for b in buckets:
        if part[0] <= b.hour < part[1]:
            per_hour[b.hour] += bucket_load(b, counted)
    total = sum(per_hour.values())
    if total <= 0:
        return None
    if part != month_bounds(period):
        period = period_text(part)
    hour, busiest = min(per_hour.items(), key=lambda kv: (-kv[1], kv[0]))
    return PeriodPeak(period, hour, busiest, total / ((part[1] - part[0]).total_seconds() / 3600), file)


def day_curve(buckets: Sequence[UsageBucket], counted: bool) -> tuple[float, ...]:
    """Mean load per UTC hour of day, scaled to mean 1."""
    by_hour_of_day = [0.0] * 24
    for b in buckets:
        by_hour_of_day[b.hour.hour] += bucket_load(b, counted)
    total = sum(by_hour_of_day)
    return tuple(24 * v / total for v in by_hour_of_day) if total > 0 else (1.0,) * 24
