"""Monte Carlo over prices, throughput, peak, growth, staff and API price decline (research/tco.md 7.10).

Every draw has its median at the user's base value, so the base case is the P50 of each input:
- throughput per option: log-normal, X* × exp(σ·z), σ by where X* comes from (`throughput_sd`):
  measured `throughput_rel_sd` (12 %), published at least PUBLISHED_SD (figures from another
  stack), modelled and estimated at least the capacity model's expected error;
- API and GPU prices, peak-to-average, staff and platform cost: symmetric triangular, base × (1 ± range);
- monthly growth: normal around the base; API price decline: base ± `api_decline_range`
  (triangular), held within 0–95 %/yr (clipping a tail moves no median).
Vectorised: one `project` call per chunk of samples covers every option and month, and the fleet
is re-sized (with ceil) inside every draw. The seed is part of the scenario, so a saved scenario
reproduces its bands exactly; `uncertainty_ranges` records every range in the result.

>>> throughput_sd("modelled", 0.25, 0.12), throughput_sd("measured", 0.0, 0.12)
(0.25, 0.12)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datafiles import InputError
from tco.cost.option_models import OptionSetup
from tco.finance import discounting
from tco.finance.projection import Drivers, OptionModel, project
from tco.records.scenario import MAX_PEAK_TO_AVERAGE, Scenario

PUBLISHED_SD = 0.20
"""Throughput spread for published figures: measured by someone else, on their stack (an estimate)."""
MAX_DECLINE = 0.95
CHUNK_SAMPLES = 2000
MAX_SAMPLE_CELLS = 20_000_000
"""Samples × options at most: two float64 arrays of it (NPV, total) stay under 320 MB."""
"""Samples per `project` call: bounds memory to a few hundred MB at 50 options x 36 months."""


@dataclass(frozen=True)
class MonteCarloResult:
    option_ids: list[str]
    samples: int
    seed: int
    npv_cost_usd: np.ndarray  # (S, O)
    total_cost_usd: np.ndarray  # (S, O)
    monthly_cost_usd: np.ndarray  # (S, K, T), float32, for the fan chart: the `monthly_ids` options only
    monthly_ids: tuple[str, ...] = ()

    def monthly_bands(self, option_id: str) -> np.ndarray:
        """P10, P50 and P90 of one option's monthly cost, (3, T): computed when a chart asks."""
        return np.percentile(self.monthly_cost_usd[:, self.monthly_ids.index(option_id), :], [10, 50, 90], axis=0)

    def percentiles(self, option_id: str) -> dict[str, float]:
        i = self.option_ids.index(option_id)
        p10, p50, p90 = np.percentile(self.total_cost_usd[:, i], [10, 50, 90])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

    def savings_npv(self, self_hosted: str, api: str) -> np.ndarray:
        """API NPV minus self-hosted NPV per sample: positive when self-hosting is cheaper."""
        return (
            self.npv_cost_usd[:, self.option_ids.index(api)] - self.npv_cost_usd[:, self.option_ids.index(self_hosted)]
        )

    def p_self_host_cheaper(self, self_hosted: str, api: str) -> float:
        return float(np.mean(self.savings_npv(self_hosted, api) > 0))


def _triangular(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    if high <= low:
        return np.full(n, mode)
    return rng.triangular(low, min(max(mode, low), high), high, n)


def throughput_sd(method: str, expected_error: float | None, measured_sd: float) -> float:
    """Relative sd of an option's X*: widens from measured to published, modelled and estimated."""
    floor = {"measured": measured_sd, "published": max(measured_sd, PUBLISHED_SD)}.get(
        method, max(measured_sd, PUBLISHED_SD)
    )
    return max(floor, expected_error or 0.0)


def option_throughput_sds(setups: list[OptionSetup], measured_sd: float) -> dict[str, float]:
    """σ of X* for every self-hosted option, from how its capacity was found."""
    out = {}
    for setup in setups:
        cap = setup.capacity
        if cap is None or cap.req_per_s is None:
            continue
        how = cap.basis if cap.method == "measured" else cap.method
        out[setup.model.id] = throughput_sd(how, cap.expected_error, measured_sd)
    return out


def uncertainty_ranges(scenario: Scenario, throughput_sds: dict[str, float]) -> dict[str, object]:
    """Every distribution the Monte Carlo draws from, for the result's `assumptions.uncertainty`."""
    u, w, f = scenario.uncertainty, scenario.workload, scenario.finance

    def tri(base: float, rel: float) -> dict[str, object]:
        return {"distribution": "triangular", "low": base * (1 - rel), "mode": base, "high": base * (1 + rel)}

    return {
        "samples": u.samples,
        "seed": u.seed,
        "throughput_multiplier": {"distribution": "lognormal", "median": 1.0, "sd_by_option": throughput_sds},
        "api_price_multiplier": tri(1.0, u.api_price_rel_range),
        "gpu_price_multiplier": tri(1.0, u.gpu_price_rel_range),
        "peak_to_average": tri(w.peak_factor, u.peak_rel_range),
        "staff_and_platform_multiplier": tri(1.0, u.staff_rel_range),
        "monthly_growth": {"distribution": "normal", "mean": w.monthly_growth, "sd": u.growth_sd},
        "api_price_decline_annual": {
            "distribution": "triangular, clipped to 0-0.95",
            "low": f.api_price_decline_annual - u.api_decline_range,
            "mode": f.api_price_decline_annual,
            "high": f.api_price_decline_annual + u.api_decline_range,
        },
    }


def draw_drivers(
    scenario: Scenario, n: int, rng: np.random.Generator, throughput_sds: np.ndarray | None = None
) -> tuple[Drivers, np.ndarray]:
    """Sampled drivers and the matching requests per month (S, T); `throughput_sds` one per option."""
    u = scenario.uncertainty
    w = scenario.workload
    months = np.arange(scenario.horizon_months)
    sds = np.array([u.throughput_rel_sd]) if throughput_sds is None else throughput_sds
    throughput = np.exp(rng.standard_normal((n, len(sds))) * sds[None, :])
    gpu_price = _triangular(rng, 1 - u.gpu_price_rel_range, 1.0, 1 + u.gpu_price_rel_range, n)
    api_level = _triangular(rng, 1 - u.api_price_rel_range, 1.0, 1 + u.api_price_rel_range, n)
    peak = np.clip(
        w.peak_factor * _triangular(rng, 1 - u.peak_rel_range, 1.0, 1 + u.peak_rel_range, n), 1.0, MAX_PEAK_TO_AVERAGE
    )
    growth = np.clip(rng.normal(w.monthly_growth, u.growth_sd, n), -0.5, 10)
    base_decline = scenario.finance.api_price_decline_annual
    spread = _triangular(rng, -u.api_decline_range, 0.0, u.api_decline_range, n)
    decline = np.clip(base_decline + spread, 0.0, MAX_DECLINE)
    staff = _triangular(rng, 1 - u.staff_rel_range, 1.0, 1 + u.staff_rel_range, n)
    requests = w.base_requests_per_month * (1 + growth[:, None]) ** months[None, :]
    api_price = api_level[:, None] * (1 - decline[:, None]) ** (months[None, :] / 12)
    gpu_decline = (1 - scenario.finance.gpu_price_decline_annual) ** (months / 12)
    drivers = Drivers(throughput if throughput_sds is not None else throughput[:, 0], peak, api_price, gpu_price,
                      gpu_decline, staff)  # fmt: skip
    return drivers, requests


def run_monte_carlo(
    scenario: Scenario,
    models: list[OptionModel],
    samples: int | None = None,
    throughput_sds: dict[str, float] | None = None,
    monthly_ids: tuple[str, ...] = (),
    file: str = "scenario",
) -> MonteCarloResult:
    """`throughput_sds` by option id (default: every option `throughput_rel_sd`); the monthly series are kept
    for `monthly_ids` only (a fan chart shows two options; all of them at 200,000 samples × 100 options ×
    120 months would be an 8.9 GiB array). Samples × options is bounded by MAX_SAMPLE_CELLS."""
    n = samples or scenario.uncertainty.samples
    if n * len(models) > MAX_SAMPLE_CELLS:
        raise InputError(
            file,
            "uncertainty.samples",
            f"{n:,} samples × {len(models)} options is over the limit of {MAX_SAMPLE_CELLS:,}; "
            f"use at most {MAX_SAMPLE_CELLS // len(models):,} samples with this many options",
        )
    rng = np.random.default_rng(scenario.uncertainty.seed)
    sds = np.array([(throughput_sds or {}).get(m.id, scenario.uncertainty.throughput_rel_sd) for m in models])
    drivers, requests = draw_drivers(scenario, n, rng, sds)
    hourly = np.array(scenario.workload.hourly_factors)
    factors = discounting.discount_factors(scenario.finance.discount_rate_annual, scenario.horizon_months)
    implementation = np.array([m.implementation_usd for m in models])
    npv = np.empty((n, len(models)))
    total = np.empty((n, len(models)))
    kept = [i for i, m in enumerate(models) if m.id in monthly_ids]
    monthly = np.empty((n, len(kept), scenario.horizon_months), dtype=np.float32)
    for start in range(0, n, CHUNK_SAMPLES):
        sl = slice(start, min(start + CHUNK_SAMPLES, n))
        chunk = Drivers(
            drivers.throughput[sl],
            drivers.peak_factor[sl],
            drivers.api_price[sl],
            drivers.gpu_price[sl],
            drivers.gpu_decline,
            drivers.fixed_cost[sl] if drivers.fixed_cost is not None else None,
        )
        cost = project(models, requests[sl], chunk, scenario.capacity, hourly, detail=False).cost_usd
        monthly[sl] = cost[:, kept, :]
        npv[sl] = implementation + cost @ factors
        total[sl] = implementation + cost.sum(axis=-1)
    ids = [m.id for m in models]
    return MonteCarloResult(ids, n, scenario.uncertainty.seed, npv, total, monthly, tuple(ids[i] for i in kept))
