"""Monte Carlo over prices, throughput, peak, growth and API price decline (research/tco.md 7.10).

Vectorised: one `project` call per chunk of samples covers every option and month, and the
fleet is re-sized (with ceil) inside every draw. The seed is part of the scenario, so a
saved scenario reproduces its bands exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tco import finance
from tco.projection import Drivers, OptionModel, project
from tco.scenario import Scenario

CHUNK_SAMPLES = 2000
"""Samples per `project` call: bounds memory to a few hundred MB at 50 options x 36 months."""


@dataclass(frozen=True)
class MonteCarloResult:
    option_ids: list[str]
    samples: int
    seed: int
    npv_cost_usd: np.ndarray  # (S, O)
    total_cost_usd: np.ndarray  # (S, O)
    monthly_cost_usd: np.ndarray  # (S, O, T), float32: for fan charts

    def monthly_bands(self, option_id: str) -> np.ndarray:
        """P10, P50 and P90 of one option's monthly cost, (3, T): computed when a chart asks."""
        return np.percentile(self.monthly_cost_usd[:, self.option_ids.index(option_id), :], [10, 50, 90], axis=0)

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


def draw_drivers(scenario: Scenario, n: int, rng: np.random.Generator) -> tuple[Drivers, np.ndarray]:
    """Sampled drivers and the matching requests per month (S, T)."""
    u = scenario.uncertainty
    w = scenario.workload
    months = np.arange(scenario.horizon_months)
    throughput = np.clip(rng.normal(1.0, u.throughput_rel_sd, n), 0.3, 2.0)
    gpu_price = _triangular(rng, 1 - u.gpu_price_rel_range, 1.0, 1 + u.gpu_price_rel_range, n)
    api_level = _triangular(rng, 1 - u.api_price_rel_range, 1.0, 1 + u.api_price_rel_range, n)
    peak = np.maximum(1.0, w.peak_factor * _triangular(rng, 1 - u.peak_rel_range, 1.0, 1 + u.peak_rel_range, n))
    growth = np.clip(rng.normal(w.monthly_growth, u.growth_sd, n), -0.5, 10)
    base_decline = scenario.finance.api_price_decline_annual
    decline = _triangular(rng, 0.0, base_decline, max(base_decline, u.api_decline_max), n)
    requests = w.base_requests_per_month * (1 + growth[:, None]) ** months[None, :]
    api_price = api_level[:, None] * (1 - decline[:, None]) ** (months[None, :] / 12)
    gpu_decline = (1 - scenario.finance.gpu_price_decline_annual) ** (months / 12)
    return Drivers(throughput, peak, api_price, gpu_price, gpu_decline), requests


def run_monte_carlo(scenario: Scenario, models: list[OptionModel], samples: int | None = None) -> MonteCarloResult:
    n = samples or scenario.uncertainty.samples
    rng = np.random.default_rng(scenario.uncertainty.seed)
    drivers, requests = draw_drivers(scenario, n, rng)
    hourly = np.array(scenario.workload.hourly_factors)
    factors = finance.discount_factors(scenario.finance.discount_rate_annual, scenario.horizon_months)
    implementation = np.array([m.implementation_usd for m in models])
    npv = np.empty((n, len(models)))
    total = np.empty((n, len(models)))
    monthly = np.empty((n, len(models), scenario.horizon_months), dtype=np.float32)
    for start in range(0, n, CHUNK_SAMPLES):
        sl = slice(start, min(start + CHUNK_SAMPLES, n))
        chunk = Drivers(
            drivers.throughput[sl],
            drivers.peak_factor[sl],
            drivers.api_price[sl],
            drivers.gpu_price[sl],
            drivers.gpu_decline,
        )
        cost = project(models, requests[sl], chunk, scenario.capacity, hourly, detail=False).cost_usd
        monthly[sl] = cost
        npv[sl] = implementation + cost @ factors
        total[sl] = implementation + cost.sum(axis=-1)
    return MonteCarloResult([m.id for m in models], n, scenario.uncertainty.seed, npv, total, monthly)
