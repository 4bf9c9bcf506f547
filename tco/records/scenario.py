"""The scenario: workload, SLO, capacity policy, finance assumptions and the options to compare.

These records are what a scenario YAML file holds (docs/formats.md, "Scenario file"). They are
validated once, strictly, when built; the engine then trusts them. Defaults are the ones
docs/formats.md lists, each with its source in `tco.records.defaults.DEFAULT_SOURCES`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from datafiles import STRICT
from pricing.overrides import PriceOverride
from tco.records.assumptions import CapacityPolicy, Finance, Portfolio, Uncertainty
from tco.records.option_specs import (
    ApiOption,
    DistilledOption,
    DistillProject,
    Option,
    Ownership,
    RunningCosts,
    SelfHostedOption,
    Serving,
    Student,
    TaskFit,
)  # fmt: skip
from tco.records.size_distribution import distribution_mean
from tco.records.units import (
    HOURS_PER_MONTH,
    Count,
    Kw,
    Label,
    NonNegative,
    Seconds,
    Share,
    Term,
    Title,
    Tokens,
    Usd,
    Volume,
)

__all__ = [
    "HOURS_PER_MONTH", "ApiOption", "Count", "DistillProject", "DistilledOption", "Kw", "NonNegative", "Option",
    "Ownership", "RunningCosts", "Seconds", "SelfHostedOption", "Serving", "Share", "Student", "TaskFit", "Term",
    "Tokens", "Usd", "Volume",
]  # fmt: skip


@dataclass(config=STRICT)
class SizeBucket:
    """A share of a class's requests at one input length (a histogram bar)."""

    share: Annotated[float, Field(gt=0, le=1)]
    input_tokens: Tokens


MAX_OPTIONS = 100
"""Options one scenario may compare. Each costs tens of milliseconds and a share link is a new computation: a
4.7 KB link listing one option 1,000 times held a core for a minute."""
MAX_OPTION_CLASSES = 1_000
"""Options × request classes one scenario may ask about: each pair is a search for X* at the class's shape (about
17 ms for a self-hosted option); 100 options × 100 classes took three minutes of a core from a short share link."""
MAX_MONTHLY_GROWTH = 10.0
"""`monthly_growth`'s own upper bound (+1,000 % a month)."""
MAX_VOLUME_EXPONENT = 15
"""The volume growth may reach by the last month, 1e15 a month (a volume's own bound, `units.Volume`)."""
MAX_PEAK_TO_AVERAGE = 100.0
"""The busiest hour's load over the mean at most (a workload idle 99 % of the time); the tornado and the Monte
Carlo swing the peak inside [1, this]."""

PERCENTILE_KEY = re.compile(r"^p(\d{1,2}(\.\d+)?)$")


@dataclass(config=STRICT)
class Slo:
    """Latency bounds in seconds; each names a metric and a percentile of the profile."""

    ttft_p50_s: Seconds | None = None
    ttft_p90_s: Seconds | None = None
    ttft_p99_s: Seconds | None = None
    itl_p50_s: Seconds | None = None
    itl_p90_s: Seconds | None = None
    itl_p99_s: Seconds | None = None
    e2e_p50_s: Seconds | None = None
    e2e_p90_s: Seconds | None = None
    e2e_p99_s: Seconds | None = None

    def bounds(self) -> tuple[tuple[str, str, float], ...]:
        """(metric field, percentile, bound) for every bound set, e.g. ('ttft_s', 'p99', 2.0)."""
        out = []
        for name, value in self.__dict__.items():
            if value is not None:
                metric, pct, _ = name.split("_")
                out.append((f"{metric}_s", pct, value))
        return tuple(out)


@dataclass(config=STRICT)
class QualityGate:
    """Good enough: a benchmark score (`benchmark` ≥ `min_score`) and/or your own eval's success rate.

    With a gate set, an option below it, or without the score or rate it needs, is not recommended.
    """

    benchmark: str = "gpqa_diamond"
    min_score: Annotated[float, Field(ge=0, le=100)] | None = None
    min_success_rate: Annotated[float, Field(gt=0, le=1)] | None = None

    @property
    def active(self) -> bool:
        return self.min_score is not None or self.min_success_rate is not None


@dataclass(config=STRICT)
class RequestClass:
    """One kind of request. Input tokens include cached tokens; output tokens include reasoning.

    Its input length may carry a spread, to price context tiers request by request (tco.records.size_distribution):
    `input_histogram` (shares at lengths) or `input_percentiles` ({p50: 8000, p90: 60000, …}). Then
    `input_tokens`, the mean, may be left out: it is the distribution's mean.
    """

    name: Label
    share: Annotated[float, Field(gt=0, le=1)]
    output_tokens: Tokens
    input_tokens: Tokens | None = None
    cached_input_share: Share = 0.0
    cache_write_tokens: Annotated[float, Field(ge=0, le=1e8)] = 0.0
    batch_share: Share = 0.0
    input_histogram: Annotated[tuple[SizeBucket, ...], Field(max_length=1000)] = ()
    input_percentiles: Annotated[dict[str, Tokens], Field(max_length=99)] | None = None
    quality: QualityGate | None = None
    """This class's own quality gate (the scenario's `quality` when absent): the best mix (`portfolio`) sends the
    class only to options that pass it."""
    slo: Slo | None = None
    """This class's own latency SLO (the scenario's `slo` when absent), for the best mix."""

    @model_validator(mode="after")
    def _cache_fits(self) -> RequestClass:
        if self.input_histogram and self.input_percentiles:
            raise ValueError("give input_histogram or input_percentiles, not both")
        if self.input_histogram:
            total = sum(b.share for b in self.input_histogram)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"input_histogram shares must add up to 1 (they add up to {total:g})")
        if self.input_percentiles is not None:
            _check_percentiles(self.input_percentiles)
        if self.input_tokens is None:
            if not (self.input_histogram or self.input_percentiles):
                raise ValueError("give input_tokens (the mean), or input_histogram or input_percentiles")
            object.__setattr__(self, "input_tokens", distribution_mean(self))  # the one place the mean is computed
        assert self.input_tokens is not None
        if self.cache_write_tokens > self.input_tokens * (1 - self.cached_input_share) + 1e-9:
            raise ValueError("cache_write_tokens cannot exceed the uncached input tokens")
        return self


def _check_percentiles(percentiles: dict[str, float]) -> None:
    points = []
    for key_, value in percentiles.items():
        match = PERCENTILE_KEY.match(key_)
        if match is None or not 0 < float(match.group(1)) < 100:
            raise ValueError(f"input_percentiles: {key_!r} is not a percentile key like p50 or p99")
        points.append((float(match.group(1)), value))
    levels = [level for level, _ in points]
    if repeated := sorted({level for level in levels if levels.count(level) > 1}):
        raise ValueError(f"input_percentiles: the {repeated[0]:g}th percentile is given twice (e.g. p50 and p50.0)")
    points.sort()
    if any(b[1] < a[1] for a, b in itertools.pairwise(points)):
        raise ValueError("input_percentiles must not decrease as the percentile rises")


@dataclass(config=STRICT)
class Workload:
    """Demand. Give `requests_per_month` or `tokens_per_month` (input + output), one class or `classes`."""

    requests_per_month: Volume | None = None
    tokens_per_month: Volume | None = None
    input_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    cached_input_share: Share = 0.0
    cache_write_tokens: Annotated[float, Field(ge=0, le=1e8)] = 0.0
    batch_share: Share = 0.0
    classes: Annotated[tuple[RequestClass, ...], Field(max_length=100)] = ()
    peak_to_average: Annotated[float, Field(ge=1, le=MAX_PEAK_TO_AVERAGE)] | None = None
    daily_curve: tuple[NonNegative, ...] | None = None
    monthly_growth: Annotated[float, Field(gt=-1, le=MAX_MONTHLY_GROWTH)] = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> Workload:
        if (self.requests_per_month is None) == (self.tokens_per_month is None):
            raise ValueError("give exactly one of requests_per_month or tokens_per_month")
        if self.classes:
            if self.input_tokens is not None or self.output_tokens is not None:
                raise ValueError("give either classes or input_tokens/output_tokens, not both")
            names = [c.name for c in self.classes]
            if repeated := sorted({n for n in names if names.count(n) > 1}):
                raise ValueError(f"class names must be unique; repeated: {repeated}")
            total = sum(c.share for c in self.classes)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"class shares must add up to 1 (they add up to {total:g})")
        elif self.input_tokens is None or self.output_tokens is None:
            raise ValueError("give input_tokens and output_tokens (mean per request), or classes")
        if self.daily_curve is not None:
            if len(self.daily_curve) != 24:
                raise ValueError(f"daily_curve needs 24 hourly values (UTC), got {len(self.daily_curve)}")
            if not sum(self.daily_curve) / 24 > 0:  # also a curve of subnormal hours, whose mean rounds to 0
                raise ValueError("daily_curve needs at least one positive hour (its mean must be above 0)")
            if self.peak_to_average is not None:
                raise ValueError("give peak_to_average or daily_curve, not both (the curve sets the peak)")
        if not self.classes:
            _ = self.request_classes  # the one class is checked now, with the file, not later in the engine
        return self

    @property
    def request_classes(self) -> tuple[RequestClass, ...]:
        if self.classes:
            return self.classes
        assert self.input_tokens is not None and self.output_tokens is not None
        return (
            RequestClass(
                name="all",
                share=1.0,
                input_tokens=self.input_tokens,
                output_tokens=self.output_tokens,
                cached_input_share=self.cached_input_share,
                cache_write_tokens=self.cache_write_tokens,
                batch_share=self.batch_share,
            ),
        )

    @property
    def tokens_per_request(self) -> float:
        return sum(c.share * (c.input_tokens + c.output_tokens) for c in self.request_classes)

    @property
    def base_requests_per_month(self) -> float:
        if self.requests_per_month is not None:
            return self.requests_per_month
        assert self.tokens_per_month is not None
        return self.tokens_per_month / self.tokens_per_request

    @property
    def hourly_factors(self) -> tuple[float, ...]:
        """Load per UTC hour relative to the daily mean (mean 1)."""
        if self.daily_curve is None:
            return (1.0,) * 24
        mean = sum(self.daily_curve) / 24
        return tuple(v / mean for v in self.daily_curve)

    @property
    def peak_factor(self) -> float:
        if self.daily_curve is not None:
            return max(self.hourly_factors)
        return self.peak_to_average if self.peak_to_average is not None else 2.0


@dataclass(config=STRICT)
class Scenario:
    name: Title
    workload: Workload
    options: Annotated[tuple[Option, ...], Field(max_length=MAX_OPTIONS)]
    horizon_months: Annotated[int, Field(ge=1, le=120)] = 36
    start: str | None = None
    slo: Slo = Slo()
    capacity: CapacityPolicy = CapacityPolicy()
    finance: Finance = Finance()
    quality: QualityGate = QualityGate()
    uncertainty: Uncertainty = Uncertainty()
    portfolio: Portfolio = Portfolio()
    api_overrides: str | None = None
    overrides: tuple[PriceOverride, ...] = ()
    """Price override rows kept in the scenario itself (same form as api_overrides.yaml rows); they win
    over the file's rows for the same provider/model, so a saved or shared scenario carries its discounts."""
    description: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("start", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        if value is not None and not (isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value)):
            raise ValueError("expected a month as YYYY-MM, e.g. 2026-12")
        if isinstance(value, str) and not 2000 <= int(value[:4]) <= 2100:
            raise ValueError(f"expected a month from 2000-01 to 2100-12, got {value}")
        return value

    @model_validator(mode="after")
    def _options_unique_and_bounded(self) -> Scenario:
        if not self.options:
            raise ValueError("list at least one option to compare")
        classes = len(self.workload.classes) or 1
        if len(self.options) * classes > MAX_OPTION_CLASSES:
            raise ValueError(
                f"{len(self.options)} options × {classes} request classes is more than {MAX_OPTION_CLASSES:,} pairs "
                "to compute; compare fewer options or merge classes"
            )
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"option ids must be unique; repeated: {dupes}")
        for option in self.options:
            escalation = getattr(option, "escalation", None)
            if escalation is not None and (escalation.to not in ids or escalation.to == option.id):
                raise ValueError(
                    f"option {option.id!r}: escalation.to must name another option of the scenario "
                    f"({', '.join(i for i in ids if i != option.id)}), got {escalation.to!r}"
                )
        return self

    @property
    def max_monthly_growth(self) -> float:
        """The highest `monthly_growth` this scenario may have: at most 10 (+1,000 % a month), and no more than takes
        the base volume V to 1e15 a month by the last of n months, (1e15 / V)^(1 / (n − 1)) − 1. 3 million requests
        over 24 months: (1e15 / 3e6)^(1/23) − 1 = 1.3 (+130 % a month). The Monte Carlo and the tornado keep their
        growth draws below it (`tco.risk.montecarlo.Ranges`)."""
        workload = self.workload
        base = workload.requests_per_month or workload.tokens_per_month or 1.0
        if self.horizon_months <= 1:
            return MAX_MONTHLY_GROWTH
        room = (MAX_VOLUME_EXPONENT - math.log10(base)) / (self.horizon_months - 1)
        return min(MAX_MONTHLY_GROWTH, 10**room - 1)

    @model_validator(mode="after")
    def _growth_within_bounds(self) -> Scenario:
        """Growth that would take the volume past a volume's own bound by the last month (beyond it the cost arrays
        overflow: 1e15 requests growing 10× a month for 120 months is 1e140) is refused, naming the field."""
        growth = self.workload.monthly_growth
        if growth > self.max_monthly_growth * (1 + 1e-12):
            field = "requests_per_month" if self.workload.requests_per_month is not None else "tokens_per_month"
            raise ValueError(
                f"workload.monthly_growth: {growth:g} a month for {self.horizon_months} months takes {field} "
                f"beyond 1e{MAX_VOLUME_EXPONENT} by the last month; at most {self.max_monthly_growth:.4g} with this "
                "volume and horizon_months"
            )
        return self

    def month_starts(self, today: dt.date) -> tuple[dt.date, ...]:
        """First day of each month of the horizon, from `start` (or the month after `today`)."""
        if self.start is not None:
            year, month = map(int, self.start.split("-"))
        else:
            year, month = (today.year + (today.month // 12), today.month % 12 + 1)
        out = []
        for i in range(self.horizon_months):
            m = month - 1 + i
            out.append(dt.date(year + m // 12, m % 12 + 1, 1))
        return tuple(out)
