"""Break-even crossings: the exact step-by-step solve against the former 600-point log grid with bisection.

    python bench/breakeven_exact_vs_grid.py

The 600 random always-on fleets of tests/tco/finance/test_break_even_exact.py (utilisation target, minimum and spare
replicas, X*, GPUs per replica, 1- or 8-GPU instances, fixed costs, peak factor), each against an API priced
0.8–3× the fleet's marginal cost per request, where crossings are many and narrow. Reference: the test's walk
over every replica count. Reported:
fleets whose crossing count is wrong, the worst relative error of the first break-even, and time per fleet.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tco.finance import breakeven  # noqa: E402
from tco.finance.projection import OptionModel  # noqa: E402
from tco.records.assumptions import CapacityPolicy  # noqa: E402
from tests.tco.finance.test_break_even_exact import RandomCase  # noqa: E402  (the test's fleets and its enumeration)

FLAT = np.ones(24)


def grid_crossings(fleet: OptionModel, api: OptionModel, peak: float, policy: CapacityPolicy) -> list[float]:
    """The former method: sign changes on 600 log-spaced volumes, each refined by 60 bisections."""
    setting = breakeven.Setting.first_month(peak, policy, FLAT)

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


def main() -> None:
    rng = np.random.default_rng(20261201)
    wrong = {"grid": 0, "exact": 0}
    worst = {"grid": 0.0, "exact": 0.0}
    seconds = {"grid": 0.0, "exact": 0.0}
    for _ in range(600):
        case = RandomCase.draw(rng)
        fleet, api = case.models()
        truth = [v for v, _ in case.enumerated()]
        start = time.perf_counter()
        exact = [c.requests_per_month for c in breakeven.crossings(fleet, api, 1.0, case.peak, case.policy, FLAT)[0]]
        seconds["exact"] += time.perf_counter() - start
        start = time.perf_counter()
        grid = grid_crossings(fleet, api, case.peak, case.policy)
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
