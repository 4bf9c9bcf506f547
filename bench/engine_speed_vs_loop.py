"""Benchmark: Monte Carlo over 50 options x 36 months x 10,000 samples, vectorised vs a plain-Python loop.

Run on demand: `python bench/engine_speed_vs_loop.py` (add `--loop-samples N` to time the loop on fewer samples
and scale it linearly). Prints both times and their ratio, measured in the same run, and checks that both give
the same totals and NPVs of cost (to 1e-9): exits 1 when they do not.

The loop is an independent oracle: it draws from the same seeded generator in the documented order
(tco.risk.montecarlo: throughput, GPU price, energy price, API price level, peak, growth, decline, staff,
one-time; a zero range draws nothing), with its own code for the ranges, and prices every sample, option and
month one scalar at a time from the documented formulas, sharing no code with `project`:

    replicas = max(min, ceil(peak load / (eta X* thr))) + spare, units = ceil(replicas x GPUs / unit GPUs),
    commitments: a tranche of new units starts when the need passes the units still committed and runs the term;
    unit cost = sum_k breakdown_k x multiplier_k (GPU price on rent, capital, maintenance; energy on energy;
    staff on fleet-scaled staff), times the rental price path where the price declines;
    month = units x unit cost + requests x egress + fixed x staff + re-distillation x one-time;
    API month = requests x USD per request x level x (1 - decline)^(t / 12);
    total = implementation x one-time + sum of months; NPV the same discounted, reserved terms past the horizon in.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenario_io.loader import load_inputs  # noqa: E402
from tco.cost.option_models import setup_options  # noqa: E402
from tco.finance.projection import OptionModel  # noqa: E402
from tco.records.scenario import Scenario  # noqa: E402
from tco.risk.montecarlo import run_monte_carlo  # noqa: E402

N_OPTIONS, N_MONTHS, N_SAMPLES = 50, 36, 10_000
SECONDS_PER_MONTH = 730 * 3600
GPU_KEYS, ENERGY_KEYS, STAFF_KEYS = ("gpu_rental", "capital", "maintenance"), ("energy",), ("staff_scaling",)


def fifty_options() -> tuple[Scenario, list[OptionModel]]:
    inputs = load_inputs(ROOT / "scenarios" / "support-assistant.yaml", today=dt.date(2026, 11, 29))
    scenario = dataclasses.replace(inputs.scenario, horizon_months=N_MONTHS)
    base = [s.model for s in setup_options(inputs)]
    models = []
    for i in range(N_OPTIONS):
        m = base[i % len(base)]
        scale = 1 + 0.02 * i
        if m.is_api:
            models.append(
                dataclasses.replace(m, id=f"{m.id}-{i}", usd_per_request=(m.usd_per_request[0] * scale,) * N_MONTHS)
            )
        else:
            models.append(dataclasses.replace(m, id=f"{m.id}-{i}", replica_req_per_s=m.replica_req_per_s * scale))
    return scenario, models


def oracle_draws(scenario: Scenario, n: int, option_ids: list[str]) -> dict[str, list]:
    """The Monte Carlo's inputs, re-derived: same generator, same order, ranges narrowed by the documented rule; each
    option's throughput from the seed with its id's SHA-256 (first 8 bytes, big-endian) as the spawn key."""
    u, w, f = scenario.uncertainty, scenario.workload, scenario.finance
    rng = np.random.default_rng(u.seed)

    def tri(mode: float, half: float) -> list[float]:
        return (
            [mode] * n if not mode - half < mode + half else rng.triangular(mode - half, mode, mode + half, n).tolist()
        )

    peak0, growth0, decline0 = w.peak_factor, w.monthly_growth, f.api_price_decline_annual
    draws: dict[str, list] = {}
    draws["gpu"], draws["energy"], draws["api"] = (tri(1.0, r) for r in (u.gpu_price_rel_range,
                                                   u.energy_price_rel_range, u.api_price_rel_range))  # fmt: skip
    peak_half = max(0.0, min(u.peak_rel_range * peak0, peak0 - 1.0, 100.0 - peak0)) / peak0
    draws["peak"] = [peak0 * x for x in tri(1.0, peak_half)]
    growth_half = max(0.0, min(growth0 + 0.99, 10.0 - growth0))
    k = growth_half / u.growth_sd if u.growth_sd > 0 else 0.0
    draws["growth"] = [growth0 + u.growth_sd * min(max(x, -k), k) for x in rng.standard_normal(n).tolist()]
    draws["decline"] = tri(decline0, max(0.0, min(u.api_decline_range, 0.95 - decline0)))
    draws["staff"], draws["one_time"] = tri(1.0, u.staff_rel_range), tri(1.0, u.one_time_rel_range)
    keys = [int.from_bytes(hashlib.sha256(i.encode()).digest()[:8], "big") for i in option_ids]
    columns = [np.random.default_rng(np.random.SeedSequence(u.seed, spawn_key=(k,))).standard_normal(n) for k in keys]
    draws["throughput"] = [[math.exp(col[s] * u.throughput_rel_sd) for col in columns] for s in range(n)]
    return draws


def _replicas(load: float, capacity: float, eta: float, min_replicas: int, spare: int) -> float:
    return max(min_replicas, math.ceil(load / (eta * capacity) - 1e-9)) + spare


def _unit_cost(m: OptionModel, gpu: float, energy: float, staff: float) -> float:
    if not m.unit_breakdown:
        return m.usd_per_unit_month * gpu
    mult = {**dict.fromkeys(GPU_KEYS, gpu), **dict.fromkeys(ENERGY_KEYS, energy), **dict.fromkeys(STAFF_KEYS, staff)}
    return sum(usd * mult.get(k, 1.0) for k, usd in m.unit_breakdown.items())


def python_loop(
    scenario: Scenario, models: list[OptionModel], samples: int, drawn: int = N_SAMPLES
) -> tuple[np.ndarray, np.ndarray]:
    """Total cost and NPV of cost per (sample, option) of the first `samples` of a `drawn`-sample Monte Carlo, one
    scalar at a time. NPV: month t discounted by v^(t+1), v = (1 + r)^(-1/12); a reserved term still running at
    the horizon adds its remaining unit-months, each discounted from the month it is paid."""
    d = oracle_draws(scenario, drawn, [m.id for m in models])
    policy, months = scenario.capacity, scenario.horizon_months
    v = (1 + scenario.finance.discount_rate_annual) ** (-1 / 12)
    count_after = scenario.finance.commitments_after_horizon == "count"
    hourly = list(scenario.workload.hourly_factors)
    shape = [h / max(hourly) for h in hourly]
    r0 = scenario.workload.base_requests_per_month
    rental_path = [(1 - scenario.finance.gpu_price_decline_annual) ** (t / 12) for t in range(months)]
    totals = np.empty((samples, len(models)))
    npvs = np.empty((samples, len(models)))
    for s in range(samples):
        req = [r0 * (1 + d["growth"][s]) ** t for t in range(months)]
        api_path = [d["api"][s] * (1 - d["decline"][s]) ** (t / 12) for t in range(months)]
        for o, m in enumerate(models):
            total = npv = m.implementation_usd * d["one_time"][s]
            if not m.is_api:
                capacity = m.replica_req_per_s * d["throughput"][s][o]
                unit_usd = _unit_cost(m, d["gpu"][s], d["energy"][s], d["staff"][s])
                needed = []
                for t in range(months):
                    peak_load = req[t] / SECONDS_PER_MONTH * d["peak"][s]
                    loads = [peak_load * x for x in shape] if m.autoscale else [peak_load]
                    units = [math.ceil(_replicas(x, capacity, policy.planning_utilization, policy.min_replicas,
                             policy.ha_spare_replicas) * m.gpus_per_replica / m.unit_gpus) for x in loads]  # fmt: skip
                    needed.append(sum(units) / len(units))
                billed, active, ends = [], 0.0, [0.0] * (months + m.commitment_months + 1)
                for t in range(months):
                    if not m.commitment_months:
                        billed.append(needed[t])
                        continue
                    active -= ends[t]
                    new = max(needed[t] - active, 0.0)
                    active += new
                    ends[t + m.commitment_months] += new
                    billed.append(active)
                    if m.kind == "rented" and count_after:  # the part of this tranche past the horizon
                        beyond = range(months + 1, t + m.commitment_months + 1)
                        npv += new * unit_usd * sum(v**k for k in beyond)
            for t in range(months):
                if m.is_api:
                    cost = req[t] * m.usd_per_request[t] * api_path[t]
                else:
                    path = rental_path[t] if m.price_declines else 1.0
                    cost = billed[t] * unit_usd * path + req[t] * m.variable_usd_per_request
                    every = m.recurring_every_months  # paid at the end of months N, 2N, ... (1-based), not the last
                    if every and (t + 1) % every == 0 and t < months - 1:
                        cost += m.recurring_usd * d["one_time"][s]
                fixed = m.storage_usd_per_month + (m.fixed_usd_per_month - m.storage_usd_per_month) * d["staff"][s]
                total += cost + fixed
                npv += (cost + fixed) * v ** (t + 1)
            totals[s, o], npvs[s, o] = total, npv
    return totals, npvs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop-samples", type=int, default=N_SAMPLES)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scenario, models = fifty_options()
    run_monte_carlo(scenario, models, N_SAMPLES)  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = run_monte_carlo(scenario, models, N_SAMPLES)
        times.append(time.perf_counter() - start)
    vector_s = min(times)
    start = time.perf_counter()
    loop_totals, loop_npvs = python_loop(scenario, models, args.loop_samples)
    loop_s = (time.perf_counter() - start) * N_SAMPLES / args.loop_samples
    loop = np.concatenate([loop_totals, loop_npvs])
    vector = np.concatenate([result.total_cost_usd[: args.loop_samples], result.npv_cost_usd[: args.loop_samples]])
    worst = float(np.max(np.abs(loop - vector) / np.abs(vector)))
    same = bool(np.allclose(loop, vector, rtol=1e-9, atol=0))
    print(f"work: {N_OPTIONS} options x {N_MONTHS} months x {N_SAMPLES:,} samples")
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"vectorised Monte Carlo: best of {args.repeats} = {vector_s:.3f} s (runs: {runs})")
    scaled = "" if args.loop_samples == N_SAMPLES else f" (timed on {args.loop_samples:,} samples, scaled)"
    print(f"plain-Python loop: {loop_s:.1f} s{scaled}")
    print(f"ratio loop / vectorised: {loop_s / vector_s:.0f}x; same totals and NPVs: {same} "
          f"(largest relative gap {worst:.1e})")  # fmt: skip
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
