"""Tornado: how the NPV of savings (API minus self-hosted) moves as each input swings low/high."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tco.finance import discounting
from tco.finance.projection import Drivers, OptionModel, decline_path, project
from tco.records.scenario import MAX_PEAK_TO_AVERAGE, Scenario
from tco.risk.montecarlo import MAX_DECLINE


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low_label: str
    high_label: str
    savings_at_low_usd: float
    savings_at_high_usd: float

    @property
    def swing_usd(self) -> float:
        return abs(self.savings_at_high_usd - self.savings_at_low_usd)


@dataclass(frozen=True)
class Tornado:
    self_hosted: str
    api: str
    base_savings_usd: float
    bars: list[TornadoBar]
    """Largest swing first."""


def _savings_npv(
    scenario: Scenario,
    models: list[OptionModel],
    throughput: float = 1.0,
    gpu_price: float = 1.0,
    api_price: float = 1.0,
) -> float:
    months = scenario.horizon_months
    w = scenario.workload
    requests = w.base_requests_per_month * (1 + w.monthly_growth) ** np.arange(months)
    drivers = Drivers(
        throughput=np.array([throughput]),
        peak_factor=np.array([w.peak_factor]),
        api_price=(api_price * decline_path(scenario.finance.api_price_decline_annual, months))[None, :],
        gpu_price=np.array([gpu_price]),
        gpu_decline=decline_path(scenario.finance.gpu_price_decline_annual, months),
    )
    cost = project(models, requests[None, :], drivers, scenario.capacity, np.array(w.hourly_factors)).cost_usd[0]
    impl = np.array([m.implementation_usd for m in models])
    npv = discounting.npv(scenario.finance.discount_rate_annual, impl, cost)
    return float(npv[1] - npv[0])


def tornado(scenario: Scenario, self_hosted: OptionModel, api: OptionModel, rel: float = 0.2) -> Tornado:
    """Swing each input to its low and high value, the others held at base; the API price decline by the
    Monte Carlo's range around the base rate."""
    pair = [self_hosted, api]
    w, cap, fin = scenario.workload, scenario.capacity, scenario.finance

    def with_(**changes: object) -> Scenario:
        return dataclasses.replace(scenario, **changes)  # type: ignore[arg-type]

    def workload(**changes: object) -> Scenario:
        if "peak_to_average" in changes and w.daily_curve is not None:
            return scenario  # the curve fixes the peak; swing it via the curve instead
        return with_(workload=dataclasses.replace(w, **changes))  # type: ignore[arg-type]

    def fixed(factor: float) -> list[OptionModel]:
        return [dataclasses.replace(m, fixed_usd_per_month=m.fixed_usd_per_month * factor) for m in pair]

    def one_time(factor: float) -> list[OptionModel]:
        """Implementation and any distillation project (upfront and each re-distillation) scaled together."""
        return [dataclasses.replace(m, implementation_usd=m.implementation_usd * factor,
                                    recurring_usd=m.recurring_usd * factor) for m in pair]  # fmt: skip

    # swings stay inside each input's valid range (peak 1-100, growth > -100 %/month, at most +1000 %; decline
    # 0-95 %/yr)
    growth_low, growth_high = max(w.monthly_growth - 0.02, -0.99), min(w.monthly_growth + 0.02, 10.0)
    spread = scenario.uncertainty.api_decline_range
    decline_low = max(fin.api_price_decline_annual - spread, 0.0)
    decline_high = min(fin.api_price_decline_annual + spread, MAX_DECLINE)
    multipliers = {"Throughput per replica": "throughput", "GPU price": "gpu_price", "API price": "api_price"}
    cases: list[tuple[str, str, str, float, float]] = [
        (
            label,
            f"-{rel:.0%}",
            f"+{rel:.0%}",
            _savings_npv(scenario, pair, **{driver: 1 - rel}),
            _savings_npv(scenario, pair, **{driver: 1 + rel}),
        )
        for label, driver in multipliers.items()
    ]
    peak_low, peak_high = max(1.0, w.peak_factor * (1 - rel)), min(w.peak_factor * (1 + rel), MAX_PEAK_TO_AVERAGE)
    cases += [
        (
            "Peak-to-average",
            f"{peak_low:.2f}",
            f"{peak_high:.2f}",
            _savings_npv(workload(peak_to_average=peak_low), pair),
            _savings_npv(workload(peak_to_average=peak_high), pair),
        ),
        (
            "Monthly growth",
            f"{growth_low:+.1%}",
            f"{growth_high:+.1%}",
            _savings_npv(workload(monthly_growth=growth_low), pair),
            _savings_npv(workload(monthly_growth=growth_high), pair),
        ),
        (
            "Planning utilisation",
            "0.70",
            "0.95",
            _savings_npv(with_(capacity=dataclasses.replace(cap, planning_utilization=0.70)), pair),
            _savings_npv(with_(capacity=dataclasses.replace(cap, planning_utilization=0.95)), pair),
        ),
        (
            "Staff and platform cost",
            "-50%",
            "+50%",
            _savings_npv(scenario, fixed(0.5)),
            _savings_npv(scenario, fixed(1.5)),
        ),
        (
            "API price decline per year",
            f"{decline_low:.0%}",
            f"{decline_high:.0%}",
            _savings_npv(with_(finance=dataclasses.replace(fin, api_price_decline_annual=decline_low)), pair),
            _savings_npv(with_(finance=dataclasses.replace(fin, api_price_decline_annual=decline_high)), pair),
        ),
    ]
    if any(m.implementation_usd or m.recurring_usd for m in pair):
        cases.append(("One-time costs (implementation, distillation)", "-50%", "+50%",
                      _savings_npv(scenario, one_time(0.5)), _savings_npv(scenario, one_time(1.5))))  # fmt: skip
    bars = [TornadoBar(name, lo, hi, low, high) for name, lo, hi, low, high in cases]
    bars.sort(key=lambda b: b.swing_usd, reverse=True)
    return Tornado(self_hosted.id, api.id, _savings_npv(scenario, pair), bars)
