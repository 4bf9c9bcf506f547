"""Tornado: how the NPV of savings (API minus self-hosted) moves as each input swings to the ends of its range.

The ranges are the Monte Carlo's (`tco.risk.montecarlo.Ranges`, from the scenario's `uncertainty`): a triangular
input goes to its low and high end, a normal or log-normal one to ±TORNADO_SDS sd. Each bar moves exactly one
input, the others held at base, and re-runs the same projection the evaluation uses:

    savings(case) = NPV(API cost | case) − NPV(self-hosted cost | case),
    NPV = one-time × implementation + Σ_t cost_t v^(t+1) + reserved terms after the horizon (as evaluated).

Bars: throughput per replica (× exp(∓2σ) of the self-hosted option's X*), GPU price (rent, or the server price:
capital and maintenance), energy price, API price, peak-to-average, monthly growth, API price decline, staff and
platform, one-time costs, planning utilisation (a choice, not drawn by the Monte Carlo). Each bar carries `low`
and `high`, the input's values at the two ends (a multiplier, a ratio or a rate, `unit`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from tco.finance import discounting
from tco.finance.projection import Drivers, OptionModel, decline_path, project
from tco.records.amounts import signed
from tco.records.scenario import Scenario
from tco.risk.montecarlo import TORNADO_SDS, Ranges, committed_after_horizon_pv_usd


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low_label: str
    high_label: str
    savings_at_low_usd: float
    savings_at_high_usd: float
    low: float
    """The input's value at the low end: a multiplier on the base (unit "x base"), a ratio or a rate."""
    high: float
    base_savings_usd: float
    """The savings with every input at base (the bar's zero line)."""
    unit: str = "x base"

    @property
    def swing_usd(self) -> float:
        """How far the bar reaches: from the lowest to the highest of its two ends and the base. Where both ends move
        the answer the same way, that is the base to the further end, not the gap between the ends.

        Worked example: base −$470k; growth at −1 % gives −$620k and at +7 % −$612k: the bar reaches $150k (the
        ends are $8k apart).

        >>> TornadoBar("growth", "-1%", "+7%", -620e3, -612e3, -0.01, 0.07, -470e3).swing_usd
        150000.0
        """
        ends = (self.savings_at_low_usd, self.savings_at_high_usd, self.base_savings_usd)
        return max(ends) - min(ends)


@dataclass(frozen=True)
class Tornado:
    self_hosted: str
    api: str
    base_savings_usd: float
    bars: list[TornadoBar]
    """Largest swing first (`TornadoBar.swing_usd`)."""


@dataclass(frozen=True)
class Case:
    """One set of inputs: multipliers on the base (1: base) and values replacing the base (None: base)."""

    throughput: float = 1.0
    gpu_price: float = 1.0
    energy_price: float = 1.0
    api_price: float = 1.0
    staff: float = 1.0
    one_time: float = 1.0
    peak_to_average: float | None = None
    monthly_growth: float | None = None
    api_decline_annual: float | None = None
    planning_utilization: float | None = None


def savings_npv_usd(scenario: Scenario, pair: list[OptionModel], case: Case = Case()) -> float:
    """NPV of savings, API (pair[1]) minus self-hosted (pair[0]), with the inputs of `case`."""
    months = scenario.horizon_months
    w, fin = scenario.workload, scenario.finance
    growth = w.monthly_growth if case.monthly_growth is None else case.monthly_growth
    decline = fin.api_price_decline_annual if case.api_decline_annual is None else case.api_decline_annual
    policy = scenario.capacity
    if case.planning_utilization is not None:
        policy = dataclasses.replace(policy, planning_utilization=case.planning_utilization)
    requests = w.base_requests_per_month * (1 + growth) ** np.arange(months)
    drivers = Drivers(
        throughput=np.array([case.throughput]),
        peak_factor=np.array([w.peak_factor if case.peak_to_average is None else case.peak_to_average]),
        api_price=(case.api_price * decline_path(decline, months))[None, :],
        gpu_price=np.array([case.gpu_price]),
        gpu_decline=decline_path(fin.gpu_price_decline_annual, months),
        fixed_cost=np.array([case.staff]),
        energy_price=np.array([case.energy_price]),
    )
    models = pair
    if case.one_time != 1.0:
        models = [dataclasses.replace(m, implementation_usd=m.implementation_usd * case.one_time,
                                      recurring_usd=m.recurring_usd * case.one_time) for m in pair]  # fmt: skip
    projection = project(models, requests[None, :], drivers, policy, np.array(w.hourly_factors))
    impl = np.array([m.implementation_usd for m in models])
    npv = discounting.npv(fin.discount_rate_annual, impl, projection.cost_usd[0])
    npv = npv + committed_after_horizon_pv_usd(scenario, models, projection, drivers)[0]
    return float(npv[1] - npv[0])


def _pct(x: float) -> str:
    """A multiplier on the base as a signed change: 0.6 → '−40%', 1.4 → '+40%'."""
    return signed(f"{x - 1:+.0%}")


def tornado(
    scenario: Scenario,
    self_hosted: OptionModel,
    api: OptionModel,
    throughput_sds: tuple[float, float] | None = None,
) -> Tornado:
    """Swing each input to the ends of its range (`Ranges.of(scenario)`), the others held at base.

    `throughput_sds`: (σ below, σ above) the self-hosted option's X* (the Monte Carlo's, by basis: its ends are 2 σ
    out on each side); default the scenario's measured `throughput_rel_sd` on both.
    """
    pair = [self_hosted, api]
    r = Ranges.of(scenario)
    w, fin = scenario.workload, scenario.finance
    measured = scenario.uncertainty.throughput_rel_sd
    sd_below, sd_above = (measured, measured) if throughput_sds is None else throughput_sds
    # (label, Case field, low, high, unit, format of the labels)
    swings: list[tuple[str, str, float, float, str, str]] = [
        ("Throughput per replica", "throughput", math.exp(-TORNADO_SDS * sd_below), math.exp(TORNADO_SDS * sd_above),
         "x base", "pct"),
        ("GPU price", "gpu_price", 1 - r.gpu_price, 1 + r.gpu_price, "x base", "pct"),
        ("API price", "api_price", 1 - r.api_price, 1 + r.api_price, "x base", "pct"),
        ("Peak-to-average", "peak_to_average", w.peak_factor * (1 - r.peak), w.peak_factor * (1 + r.peak),
         "peak / average", "times"),
        ("Monthly growth", "monthly_growth", *_growth_ends(w.monthly_growth, r), "per month", "rate1"),
        ("API price decline per year", "api_decline_annual", fin.api_price_decline_annual - r.api_decline,
         fin.api_price_decline_annual + r.api_decline, "per year", "decline"),
        ("Staff and platform cost", "staff", 1 - r.staff, 1 + r.staff, "x base", "pct"),
        ("Planning utilisation", "planning_utilization", scenario.capacity.planning_utilization - r.planning,
         scenario.capacity.planning_utilization + r.planning, "share of SLO throughput", "share"),
    ]  # fmt: skip
    if any(m.unit_breakdown.get("energy") for m in pair):
        swings.insert(2, ("Energy price", "energy_price", 1 - r.energy_price, 1 + r.energy_price, "x base", "pct"))
    if any(m.implementation_usd or m.recurring_usd for m in pair):
        swings.append(("One-time costs (implementation, distillation)", "one_time", 1 - r.one_time,
                       1 + r.one_time, "x base", "pct"))  # fmt: skip
    # the ends as a reader writes them: "+20%" of a base, a peak "3.6×", a utilisation "75%", a growth "+3.0%", API
    # prices that "fall 20%/yr" or "rise 20%/yr" (a decline of −20 % read as a change)
    labels = {"pct": _pct, "times": "{:.3g}×".format, "share": "{:.0%}".format,
              "rate1": lambda x: signed(f"{x:+.1%}"), "decline": _decline}  # fmt: skip
    # ends to 12 decimals (0.1, not 0.09999999999999998, in the JSON), and the bars computed at exactly those values
    swings = [(name, field, round(low, 12), round(high, 12), unit, fmt) for name, field, low, high, unit, fmt in swings]
    base = savings_npv_usd(scenario, pair)
    bars = [
        TornadoBar(
            input=name,
            low_label=labels[fmt](low),
            high_label=labels[fmt](high),
            savings_at_low_usd=savings_npv_usd(scenario, pair, Case(**{field: low})),
            savings_at_high_usd=savings_npv_usd(scenario, pair, Case(**{field: high})),
            low=low,
            high=high,
            base_savings_usd=base,
            unit=unit,
        )
        for name, field, low, high, unit, fmt in swings
    ]
    bars.sort(key=lambda b: b.swing_usd, reverse=True)
    return Tornado(self_hosted.id, api.id, base, bars)


def _decline(rate: float) -> str:
    """A yearly API price decline as the change it is: 'falls 20%/yr', 'rises 20%/yr' (a negative decline), 'flat'.

    >>> _decline(0.2), _decline(-0.2), _decline(0.0)
    ('falls 20%/yr', 'rises 20%/yr', 'flat')
    """
    if round(rate, 2) == 0:
        return "flat"
    return f"{'falls' if rate > 0 else 'rises'} {abs(rate):.0%}/yr"


def _growth_ends(base: float, r: Ranges) -> tuple[float, float]:
    """base ± TORNADO_SDS sd, within the same symmetric clip as the Monte Carlo's draws."""
    half = min(TORNADO_SDS * r.growth_sd, r.growth_half_width)
    return base - half, base + half
