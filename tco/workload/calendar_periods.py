"""Calendar arithmetic on UTC periods for usage summaries: months, their bounds and days, the part of a period in
each month, the full months it holds, the period several files share.

>>> full_months((dt.datetime(2026, 9, 20, tzinfo=dt.UTC), dt.datetime(2026, 12, 10, tzinfo=dt.UTC)))
('2026-10', '2026-11')
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

Interval = tuple[dt.datetime, dt.datetime]
"""[start, end) in UTC."""


def month_key(ts: dt.datetime) -> str:
    return f"{ts.year:04d}-{ts.month:02d}"


def month_bounds(month: str) -> Interval:
    year, mon = int(month[:4]), int(month[5:])
    start = dt.datetime(year, mon, 1, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=calendar.monthrange(year, mon)[1])


def days_in(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86_400


def month_days(month: str) -> float:
    start, end = month_bounds(month)
    return days_in(end - start)


def segments(period: Interval) -> list[tuple[str, Interval]]:
    """Each calendar month the period touches, with the part of the period inside it."""
    out = []
    month = month_key(period[0])
    while True:
        start, end = month_bounds(month)
        if start >= period[1]:
            return out
        out.append((month, (max(start, period[0]), min(end, period[1]))))
        month = month_key(end)


def full_months(period: Interval | None) -> tuple[str, ...]:
    if period is None:
        return ()
    return tuple(m for m, part in segments(period) if part == month_bounds(m))


def common_period(spans: Sequence[Interval]) -> Interval | None:
    start, end = max(s[0] for s in spans), min(s[1] for s in spans)
    return (start, end) if start < end else None


def merged_spans(spans: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def covered_days(merged: Sequence[Interval], period: Interval) -> float:
    return sum(max(0.0, days_in(min(e, period[1]) - max(s, period[0]))) for s, e in merged)


def day_text(ts: dt.datetime) -> str:
    return f"{ts:%Y-%m-%d}"


def months_text(months: Sequence[str]) -> str:
    """Consecutive months as a range: 2026-09 to 2026-11."""
    if not months:
        return "none"
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def period_text(period: Interval) -> str:
    return f"{day_text(period[0])} → {day_text(period[1] - dt.timedelta(days=1))}"
