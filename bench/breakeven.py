"""Break-even crossings: the exact step-by-step solve against the former 600-point log grid with bisection.

    python bench/breakeven.py

600 random always-on fleets (utilisation target, minimum and spare replicas, X*, GPUs per replica, 1- or
8-GPU instances, fixed costs, peak factor), each against an API priced 0.8–3× the fleet's marginal cost per
request, where crossings are many and narrow. Reference: every replica count walked one by one. Reported:
fleets whose crossing count is wrong, the worst relative error of the first break-even, and time per fleet.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tco import breakeven  # noqa: E402
from tco.projection import OptionModel  # noqa: E402
from tco.scenario import CapacityPolicy  # noqa: E402

SECONDS = 730 * 3600
LOW, HIGH = breakeven.VOLUME_RANGE


def grid_crossings(fleet: OptionModel, api: OptionModel, peak: float, policy: CapacityPolicy) -> list[float]:
    """The former method: sign changes on 600 log-spaced volumes, each refined by 60 bisections."""
    setting = breakeven.Setting.first_month(peak, policy, np.ones(24))

    def diff(v: np.ndarray) -> np.ndarray:
        cost = breakeven.costs_at_volume([fleet, api], v, setting)
        return cost[0] - cost[1]

    grid = np.logspace(2, 11, 600)
    d = diff(grid)
    found = []
    for i in np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]:
        lo, hi = grid[i], grid[i + 1]
        for _ in range(60):
            mid = np.sqrt(lo * hi)
            lo, hi = (mid, hi) if np.sign(diff(np.array([mid]))[0]) == np.sign(d[i]) else (lo, mid)
        found.append(float(hi))
    return found


def walked(x, gpr, unit, fixed, per_request, api_fixed, peak, policy) -> list[float]:
    q = SECONDS * policy.planning_utilization * x / peak
    k = np.arange(1, int(HIGH / q) + 3)
    cost = fixed + unit * 2.5 * 730 * np.ceil(
        (np.maximum(policy.min_replicas, k) + policy.ha_spare_replicas) * gpr / unit
    )
    left, right = (k - 1) * q, k * q
    at = (cost - api_fixed) / per_request
    inside = at[(np.maximum(left, LOW) < at) & (at < np.minimum(right, HIGH))]
    edge = api_fixed + per_request * right[:-1]
    jumps = right[:-1][(right[:-1] > LOW) & (right[:-1] < HIGH) & (cost[:-1] < edge) & (edge < cost[1:])]
    return sorted([*inside.tolist(), *jumps.tolist()])


def main() -> None:
    rng = np.random.default_rng(20261201)
    wrong = {"grid": 0, "exact": 0}
    worst = {"grid": 0.0, "exact": 0.0}
    seconds = {"grid": 0.0, "exact": 0.0}
    for _ in range(600):
        policy = CapacityPolicy(
            planning_utilization=float(rng.uniform(0.5, 0.95)),
            min_replicas=int(rng.integers(1, 4)),
            ha_spare_replicas=int(rng.integers(0, 2)),
        )
        x, gpr, unit = float(rng.uniform(0.5, 40)), int(rng.choice([1, 2, 4, 8])), int(rng.choice([1, 8]))
        fixed, api_fixed, peak = float(rng.uniform(0, 30_000)), float(rng.uniform(0, 2_000)), float(rng.uniform(1, 4))
        marginal = 2.5 * 730 * gpr / (SECONDS * policy.planning_utilization * x / peak)
        per_request = float(marginal * rng.uniform(0.8, 3.0))
        fleet = OptionModel("gpu", "rented", fixed, 0.0, (), x, gpr, unit, unit * 2.5 * 730)
        api = OptionModel("api", "api", api_fixed, usd_per_request=(per_request,))
        truth = walked(x, gpr, unit, fixed, per_request, api_fixed, peak, policy)
        start = time.perf_counter()
        exact = [c.requests_per_month for c in breakeven.crossings(fleet, api, 1.0, peak, policy, np.ones(24))]
        seconds["exact"] += time.perf_counter() - start
        start = time.perf_counter()
        grid = grid_crossings(fleet, api, peak, policy)
        seconds["grid"] += time.perf_counter() - start
        for name, got in (("exact", exact), ("grid", grid)):
            wrong[name] += len(got) != len(truth)
            if got and truth:
                worst[name] = max(worst[name], abs(got[0] / truth[0] - 1))
    for name in ("grid", "exact"):
        print(
            f"{name:>5}: wrong crossing count in {wrong[name]} of 600 fleets; worst first break-even error "
            f"{worst[name]:.1%}; {seconds[name] / 600 * 1e3:.1f} ms a fleet"
        )


if __name__ == "__main__":
    main()
