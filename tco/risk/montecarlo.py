"""Monte Carlo over prices, throughput, peak, growth, staff, one-time costs and API price decline,
and the one set of ranges it shares with the tornado (`Ranges`, from the scenario's `uncertainty`).

Every draw has the user's base value as its median (symmetric around it, but for a throughput whose error differs
by side):
- throughput per option: log-normal, X* × exp(σ·z), σ by where X* comes from (`tco.risk.throughput_spread`):
  measured `throughput_rel_sd` (12 %), published at least PUBLISHED_SD (figures from another
  stack), modelled and estimated at least what the capacity model's expected error implies (its 80 % interval);
  one σ below X* and one above where the error differs by side (z < 0 draws at σ below), so X*
  stays the median;
- GPU, energy and API prices, peak-to-average, staff and platform, one-time costs: triangular, base × (1 ± range);
- monthly growth: normal, base + sd·z; API price decline: base ± `api_decline_range` (triangular); a negative
  decline is a price rise.
A valid bound nearer than the range (peak ≥ 1, growth > −99 %/month, decline ≤ MAX_DECLINE) narrows the range
on both sides (`centred_half_width`): no tail is clipped on one side, so no median or mean moves off the base.
Draw order (bench/engine_speed_vs_loop.py re-derives it): from the scenario's seed, GPU price, energy price, API
price level, peak, growth, decline, staff, one-time (a zero range draws nothing); then each option's throughput from
its own stream (`option_stream`: the seed with the option's id as spawn key), so adding, removing or reordering an
option leaves every other draw as it was: the same seed gives a pair the same bands whatever else is in the table.
Vectorised: one `project` call per chunk of samples covers every option and month, and the fleet
is re-sized (with ceil) inside every draw. The seed is part of the scenario, so a saved scenario
reproduces its bands exactly; `uncertainty_ranges` records every range in the result.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from datafiles import InputError
from tco.finance import discounting
from tco.finance.commitments import after_horizon
from tco.finance.projection import Drivers, OptionModel, Projection, project
from tco.records.scenario import MAX_PEAK_TO_AVERAGE, Scenario

MAX_DECLINE = 0.95
"""API price decline per year at most (a 95 % cut a year); rises are unbounded but for the range itself."""
GROWTH_BOUNDS = (-0.99, 10.0)
"""Monthly growth stays in (−100 %, +1,000 %]: the scenario's own bounds, −100 % itself excluded, and below the
growth that takes the volume past 1e15 a month by the last month (`Scenario.max_monthly_growth`)."""
PLANNING_BOUNDS = (0.01, 1.0)
TORNADO_SDS = 2.0
"""The tornado moves a normal or log-normal input by ±2 sd (its P2.3 and P97.7); a triangular one to its ends."""
CHUNK_SAMPLES = 2000
"""Samples per `project` call: bounds memory to a few hundred MB at 50 options x 36 months."""
MAX_SAMPLE_CELLS = 20_000_000
"""Samples × options at most: two float64 arrays of it (NPV, total) stay under 320 MB."""


def centred_half_width(base: float, half_width: float, lowest: float, highest: float) -> float:
    """The widest h ≤ `half_width` with [base − h, base + h] inside [lowest, highest] (0 if base is outside).

    A decline of 10 %/yr ± 20 points stays whole; 87.5 %/yr ± 20 points under a 95 % cap, and a peak of 1.25 ± 0.5
    above 1, narrow on both sides:

    >>> centred_half_width(0.1, 0.2, -math.inf, 0.95), round(centred_half_width(0.875, 0.2, -math.inf, 0.95), 12)
    (0.2, 0.075)
    >>> centred_half_width(1.25, 0.5, 1.0, 100.0)
    0.25
    """
    return max(0.0, min(half_width, base - lowest, highest - base))


@dataclass(frozen=True)
class Ranges:
    """The half-widths every Monte Carlo draw and every tornado bar use, after narrowing at a bound.

    Relative (× base): gpu_price, energy_price, api_price, staff, one_time, peak. Absolute: growth_sd and
    growth_half_width (the normal's symmetric clip, per month), api_decline (per year), planning (points).
    """

    gpu_price: float
    energy_price: float
    api_price: float
    staff: float
    one_time: float
    peak: float
    growth_sd: float
    growth_half_width: float
    api_decline: float
    planning: float

    @staticmethod
    def of(scenario: Scenario) -> Ranges:
        u, w, f = scenario.uncertainty, scenario.workload, scenario.finance
        peak = w.peak_factor
        return Ranges(
            gpu_price=u.gpu_price_rel_range,
            energy_price=u.energy_price_rel_range,
            api_price=u.api_price_rel_range,
            staff=u.staff_rel_range,
            one_time=u.one_time_rel_range,
            peak=centred_half_width(peak, u.peak_rel_range * peak, 1.0, MAX_PEAK_TO_AVERAGE) / peak,
            growth_sd=u.growth_sd,
            growth_half_width=centred_half_width(
                w.monthly_growth, math.inf, GROWTH_BOUNDS[0], min(GROWTH_BOUNDS[1], scenario.max_monthly_growth)
            ),
            api_decline=centred_half_width(f.api_price_decline_annual, u.api_decline_range, -math.inf, MAX_DECLINE),
            planning=centred_half_width(
                scenario.capacity.planning_utilization, u.planning_utilization_range, *PLANNING_BOUNDS
            ),
        )


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


@dataclass(frozen=True)
class Draws:
    """One Monte Carlo's sampled inputs: the projection's drivers, requests per month (S, T), and the multiplier
    on one-time costs (S,), which the Monte Carlo applies to implementation and re-distillation."""

    drivers: Drivers
    requests_per_month: np.ndarray
    one_time: np.ndarray


def _triangular(rng: np.random.Generator, mode: float, half_width: float, n: int) -> np.ndarray:
    """Symmetric triangular on mode ± half_width; no draw (and no random numbers used) when the width is 0 (or
    too small to tell the ends apart in floating point)."""
    low, high = mode - half_width, mode + half_width
    if not low < high:
        return np.full(n, mode)
    return rng.triangular(low, mode, high, n)


def uncertainty_ranges(scenario: Scenario, option_sds: dict[str, tuple[float, float]]) -> dict[str, object]:
    """Every distribution the Monte Carlo draws from and the tornado swings across, for the result's
    `assumptions.uncertainty`; low and high are the values after any narrowing at a bound."""
    u, w, f = scenario.uncertainty, scenario.workload, scenario.finance
    r = Ranges.of(scenario)

    def tri(base: float, rel: float, moves: str) -> dict[str, object]:
        return {"distribution": "triangular", "low": round(base * (1 - rel), 12), "mode": base,
                "high": round(base * (1 + rel), 12), "moves": moves}  # fmt: skip

    growth_clip = (round(w.monthly_growth - r.growth_half_width, 12), round(w.monthly_growth + r.growth_half_width, 12))
    planning = scenario.capacity.planning_utilization
    return {
        "samples": u.samples,
        "seed": u.seed,
        "tornado": "each input alone at the ends of its range below: low and high of a triangular range, "
        f"±{TORNADO_SDS:g} sd of a normal or log-normal one",
        "throughput_multiplier": {
            "distribution": "lognormal, one sd below the median and one above",
            "median": 1.0,
            "sd_by_option": {option: {"below": below, "above": above} for option, (below, above) in option_sds.items()},
        },
        "gpu_price_multiplier": tri(1.0, r.gpu_price, "rent (rented); server price: capital and maintenance (owned)"),
        "energy_price_multiplier": tri(1.0, r.energy_price, "energy of owned servers"),
        "api_price_multiplier": tri(1.0, r.api_price, "API prices"),
        "peak_to_average": tri(w.peak_factor, r.peak, "the peak the fleet is sized for"),
        "staff_and_platform_multiplier": tri(1.0, r.staff, "staff and platform, fleet-scaled staff included"),
        "one_time_cost_multiplier": tri(1.0, r.one_time, "implementation, distillation and re-distillation"),
        "monthly_growth": {
            "distribution": "normal, clipped symmetrically",
            "mean": w.monthly_growth,
            "sd": r.growth_sd,
            "clipped_to": growth_clip,
        },
        "api_price_decline_annual": {
            "distribution": "triangular (a negative decline is a price rise)",
            "low": round(f.api_price_decline_annual - r.api_decline, 12),
            "mode": f.api_price_decline_annual,
            "high": round(f.api_price_decline_annual + r.api_decline, 12),
        },
        "planning_utilization": {
            "distribution": "none: a choice, tornado only",
            "low": round(planning - r.planning, 12),
            "base": planning,
            "high": round(planning + r.planning, 12),
        },
    }


def option_stream(seed: int, option_id: str) -> np.random.Generator:
    """The generator of one option's throughput draws: the scenario's seed with the option's id as its spawn key
    (the first 8 bytes of the id's SHA-256, big-endian), independent of every other option's stream and of the
    shared draws.

    >>> a, b = (option_stream(7, "glm5-h200").standard_normal(3) for _ in range(2))
    >>> bool((a == b).all()), bool((a != option_stream(7, "glm5-api").standard_normal(3)).all())
    (True, True)
    """
    key = int.from_bytes(hashlib.sha256(option_id.encode()).digest()[:8], "big")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


def draw_drivers(
    scenario: Scenario,
    n: int,
    rng: np.random.Generator,
    option_sds: np.ndarray | None = None,
    option_ids: tuple[str, ...] | None = None,
) -> Draws:
    """Sampled drivers, requests per month (S, T) and one-time multipliers; `option_sds` one (σ below, σ above) row
    per option, `option_ids` their ids (default: their positions, "0", "1"…). `rng` draws what every option shares;
    each option's throughput comes from its own `option_stream`.

    requests[s, t] = R0 (1 + g_s)^t; api_price[s, t] = level_s (1 − d_s)^(t / 12), both around the base case.
    """
    r = Ranges.of(scenario)
    w = scenario.workload
    months = np.arange(scenario.horizon_months)
    sds = np.array([[scenario.uncertainty.throughput_rel_sd] * 2]) if option_sds is None else option_sds
    gpu_price = _triangular(rng, 1.0, r.gpu_price, n)
    energy_price = _triangular(rng, 1.0, r.energy_price, n)
    api_level = _triangular(rng, 1.0, r.api_price, n)
    peak = w.peak_factor * _triangular(rng, 1.0, r.peak, n)
    z_limit = r.growth_half_width / r.growth_sd if r.growth_sd > 0 else 0.0
    growth = w.monthly_growth + r.growth_sd * np.clip(rng.standard_normal(n), -z_limit, z_limit)
    decline = _triangular(rng, scenario.finance.api_price_decline_annual, r.api_decline, n)
    staff = _triangular(rng, 1.0, r.staff, n)
    one_time = _triangular(rng, 1.0, r.one_time, n)
    ids = option_ids or tuple(str(i) for i in range(len(sds)))
    columns = [option_stream(scenario.uncertainty.seed, i).standard_normal(n) for i in ids]
    z = np.column_stack(columns) if columns else np.empty((n, 0))
    throughput = np.exp(z * np.where(z < 0, sds[None, :, 0], sds[None, :, 1]))
    requests = w.base_requests_per_month * (1 + growth[:, None]) ** months[None, :]
    api_price = api_level[:, None] * (1 - decline[:, None]) ** (months[None, :] / 12)
    gpu_decline = (1 - scenario.finance.gpu_price_decline_annual) ** (months / 12)
    drivers = Drivers(
        throughput=throughput if option_sds is not None else throughput[:, 0],
        peak_factor=peak,
        api_price=api_price,
        gpu_price=gpu_price,
        gpu_decline=gpu_decline,
        fixed_cost=staff,
        energy_price=energy_price,
    )
    return Draws(drivers, requests, one_time)


def committed_after_horizon_pv_usd(
    scenario: Scenario, models: list[OptionModel], projection: Projection, drivers: Drivers
) -> np.ndarray:
    """(S, O): present value of the reserved terms still running after the horizon, which the NPV of cost counts
    unless `finance.commitments_after_horizon` is `ignore` (as tco.decision.evaluate does): per tranche the months
    past T at the sample's unit cost, discounted to month 0 (tco.finance.commitments.after_horizon). Zero for
    APIs, on-demand and spot, and owned servers (their value at the horizon is the terminal value). The units are
    those `projection` (of `models` under `drivers`) billed."""
    samples = projection.cost_usd.shape[0]
    out = np.zeros((samples, len(models)))
    if scenario.finance.commitments_after_horizon != "count":
        return out
    monthly = 1 / (1 + discounting.monthly_rate(scenario.finance.discount_rate_annual))
    for o, units in projection.committed_units.items():
        m = models[o]
        if m.kind != "rented" or math.isnan(m.replica_req_per_s):  # owned servers: their terminal value instead
            continue
        unit_usd = m.committed_usd_per_unit_month * drivers.gpu_price  # the reserved rent, moved by the GPU price
        out[:, o] = after_horizon(units, m.commitment_months, 1.0, monthly)[1] * unit_usd
    return out


def _rows(drivers: Drivers, rows: slice) -> Drivers:
    """The samples `rows` of every per-sample driver."""

    def cut(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[rows]

    return Drivers(drivers.throughput[rows], drivers.peak_factor[rows], drivers.api_price[rows],
                   drivers.gpu_price[rows], drivers.gpu_decline, cut(drivers.fixed_cost),
                   cut(drivers.energy_price))  # fmt: skip


def run_monte_carlo(
    scenario: Scenario,
    models: list[OptionModel],
    samples: int | None = None,
    option_sds: dict[str, tuple[float, float]] | None = None,
    monthly_ids: tuple[str, ...] = (),
    file: str = "scenario",
) -> MonteCarloResult:
    """`option_sds` (σ below, σ above X*) by option id (default: every option `throughput_rel_sd`); the monthly
    series are kept for `monthly_ids` only (a fan chart shows two options; all of them at 200,000 samples × 100
    options × 120 months would be an 8.9 GiB array). Samples × options is bounded by MAX_SAMPLE_CELLS.

    Per sample s and option o: cost[s, o, t] from `project`, its re-distillations × one_time[s]; then
    NPV = implementation_o × one_time[s] + Σ_t cost[s, o, t] · v^(t+1) + the reserved terms after the horizon
    (`committed_after_horizon_pv_usd`), total = implementation × one_time + Σ_t cost.
    """
    n = samples or scenario.uncertainty.samples
    if n * len(models) > MAX_SAMPLE_CELLS:
        raise InputError(
            file,
            "uncertainty.samples",
            f"{n:,} samples × {len(models)} options is over the limit of {MAX_SAMPLE_CELLS:,}; "
            f"use at most {MAX_SAMPLE_CELLS // len(models):,} samples with this many options",
        )
    rng = np.random.default_rng(scenario.uncertainty.seed)
    measured = (scenario.uncertainty.throughput_rel_sd,) * 2
    sds = np.array([(option_sds or {}).get(m.id, measured) for m in models])
    draws = draw_drivers(scenario, n, rng, sds, tuple(m.id for m in models))
    months = scenario.horizon_months
    hourly = np.array(scenario.workload.hourly_factors)
    factors = discounting.discount_factors(scenario.finance.discount_rate_annual, months)
    implementation = np.array([m.implementation_usd for m in models])
    recurring = np.array([m.recurring_by_month(months) for m in models])  # (O, T), already in `project`'s cost
    after = any(m.kind == "rented" and m.commitment_months for m in models)
    npv = np.empty((n, len(models)))
    total = np.empty((n, len(models)))
    kept = [i for i, m in enumerate(models) if m.id in monthly_ids]
    monthly = np.empty((n, len(kept), months), dtype=np.float32)
    for start in range(0, n, CHUNK_SAMPLES):
        sl = slice(start, min(start + CHUNK_SAMPLES, n))
        one_time = draws.one_time[sl, None]
        drivers = _rows(draws.drivers, sl)
        requests = draws.requests_per_month[sl]
        projection = project(models, requests, drivers, scenario.capacity, hourly, detail=False)
        cost = projection.cost_usd
        if recurring.any():
            cost += (one_time - 1)[:, :, None] * recurring[None]
        monthly[sl] = cost[:, kept, :]
        npv[sl] = implementation * one_time + cost @ factors
        if after:
            npv[sl] += committed_after_horizon_pv_usd(scenario, models, projection, drivers)
        total[sl] = implementation * one_time + cost.sum(axis=-1)
    ids = [m.id for m in models]
    return MonteCarloResult(ids, n, scenario.uncertainty.seed, npv, total, monthly, tuple(ids[i] for i in kept))
