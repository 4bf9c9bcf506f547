"""Benchmark: Monte Carlo over 50 options x 36 months x 10,000 samples, vectorised vs a plain-Python loop.

Run on demand: `python bench/engine_speed_vs_loop.py` (add `--loop-samples N` to time the loop on fewer samples
and scale it linearly). Prints both times and their ratio, measured in the same run, and checks
that both give the same totals.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
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
from tco.records.scenario import HOURS_PER_MONTH  # noqa: E402
from tco.risk.montecarlo import draw_drivers, run_monte_carlo  # noqa: E402

N_OPTIONS, N_MONTHS, N_SAMPLES = 50, 36, 10_000


def fifty_options() -> tuple[object, list[OptionModel]]:
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


def python_loop(scenario, models: list[OptionModel], samples: int) -> np.ndarray:
    """The same projection, one scalar at a time."""
    rng = np.random.default_rng(scenario.uncertainty.seed)
    sds = np.full(len(models), scenario.uncertainty.throughput_rel_sd)
    drivers, requests = draw_drivers(scenario, N_SAMPLES, rng, sds)
    req = requests.tolist()
    api = drivers.api_price.tolist()
    policy = scenario.capacity
    totals = np.empty((samples, len(models)))
    for s in range(samples):
        peak, gpu, staff = float(drivers.peak_factor[s]), float(drivers.gpu_price[s]), float(drivers.fixed_cost[s])
        for o, m in enumerate(models):
            thr = float(drivers.throughput[s, o])
            total = m.implementation_usd
            for t in range(N_MONTHS):
                if m.is_api:
                    cost = req[s][t] * m.usd_per_request[t] * api[s][t]
                else:
                    load = req[s][t] / (HOURS_PER_MONTH * 3600) * peak
                    reps = max(
                        policy.min_replicas,
                        math.ceil(load / (policy.planning_utilization * m.replica_req_per_s * thr) - 1e-9),
                    )
                    reps += policy.ha_spare_replicas
                    units = math.ceil(reps * m.gpus_per_replica / m.unit_gpus)
                    decline = float(drivers.gpu_decline[t]) if m.price_declines else 1.0
                    cost = units * m.usd_per_unit_month * decline * gpu
                total += cost + m.fixed_usd_per_month * staff
            totals[s, o] = total
    return totals


def main() -> None:
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
    loop_totals = python_loop(scenario, models, args.loop_samples)
    loop_s = (time.perf_counter() - start) * N_SAMPLES / args.loop_samples
    same = np.allclose(loop_totals, result.total_cost_usd[: args.loop_samples], rtol=1e-6)
    print(f"work: {N_OPTIONS} options x {N_MONTHS} months x {N_SAMPLES:,} samples")
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"vectorised Monte Carlo: best of {args.repeats} = {vector_s:.3f} s (runs: {runs})")
    scaled = "" if args.loop_samples == N_SAMPLES else f" (timed on {args.loop_samples:,} samples, scaled)"
    print(f"plain-Python loop: {loop_s:.1f} s{scaled}")
    print(f"ratio loop / vectorised: {loop_s / vector_s:.0f}x; same totals: {same}")


if __name__ == "__main__":
    main()
