"""The records a usage summary is made of: hourly buckets per model, each file's coverage, month totals, peaks and
the summary itself (`tco.workload.usage.summarise` builds them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tco.workload.calendar_periods import Interval

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


"""[start, end): whole UTC days."""


@dataclass(frozen=True)
class MonthUsage:
    month: str
    requests: float | None
    input_tokens: float
    output_tokens: float
    covered_days: float
    """Days of the month at least one file covers."""
    full: bool
    """Every day of the month is covered by at least one file."""
    in_every_file: bool = False
    """Every file covers the whole month: a month the volume, growth and peak may use."""


@dataclass(frozen=True)
class UsageSource:
    """One export: its buckets, the whole UTC days it covers [first row's day, the day after the last row's), and the
    first and last row's times."""

    name: str
    buckets: tuple[UsageBucket, ...]
    span: Interval
    first: dt.datetime
    last: dt.datetime


@dataclass(frozen=True)
class Coverage:
    """What one file covers: its first and last row's time, its whole days, and the calendar months it holds in full."""

    name: str
    first: dt.datetime
    last: dt.datetime
    span: Interval
    full_months: tuple[str, ...]


@dataclass(frozen=True)
class PeriodPeak:
    """The busiest hour of one period (a full month, or the covered part of one) over that period's mean hour."""

    period: str
    busiest_hour: dt.datetime
    busiest: float
    mean_hour: float
    file: str | None = None
    """The one file it was measured in (files that share no day); None: all files together."""

    @property
    def ratio(self) -> float:
        return max(1.0, self.busiest / self.mean_hour)


@dataclass(frozen=True)
class UsageSummary:
    models: tuple[ModelUsage, ...]
    months: tuple[MonthUsage, ...]
    granularity: str
    hourly_profile: tuple[float, ...] | None
    peak_to_average: float | None
    monthly_growth: float | None
    """None where the files hold fewer than two full months every file covers: growth not estimated."""
    workload: dict[str, object]
    start_month: str
    """The month after the last one in the data: where a projection from this usage starts."""
    notes: tuple[str, ...] = field(default=())
    coverage: tuple[Coverage, ...] = ()
    common_period: Interval | None = None
    """The days every file covers; None where the files share no day."""
    common_full_months: tuple[str, ...] = ()
    """The calendar months every file covers in full: the months volume, growth and peak are measured on."""
    volume_basis: str = ""
    growth_months: tuple[str, ...] = ()
    """The months the growth is fitted on (full months every file covers); empty where not estimated."""
    peaks: tuple[PeriodPeak, ...] = ()
    """Each period's busiest hour over its own mean hour; `peak_to_average` is the largest."""
