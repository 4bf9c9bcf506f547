"""Break-even volume on a grid with whole replicas (every crossing), and break-even utilisation.

Self-hosted cost is a step function of volume (whole replicas and servers), so the cost
curves can cross several times; we evaluate both on a log grid with the projection's own
sizing and refine each sign change by bisection.
"""

from __future__ import annotations

import numpy as np

from tco.projection import Drivers, OptionModel, project
from tco.results import Crossing
from tco.scenario import HOURS_PER_MONTH, CapacityPolicy, Scenario

GRID_POINTS = 600
GRID_DECADES = (2.0, 11.0)
"""Requests per month from 10^2 to 10^11."""


def monthly_cost_by_volume(
    models: list[OptionModel],
    requests: np.ndarray,
    peak_factor: float,
    policy: CapacityPolicy,
    hourly: np.ndarray,
) -> np.ndarray:
    """Monthly cost of each option (rows) at each volume (columns), first-month prices, whole replicas."""
    flat = [
        m if not m.is_api else OptionModel(**{**m.__dict__, "usd_per_request": (m.usd_per_request[0],) * requests.size})
        for m in models
    ]
    ones = np.ones(requests.size)
    drivers = Drivers.base(peak_factor, ones, ones)
    return project(flat, requests[None, :], drivers, policy, hourly).cost_usd[0]


def _cost_difference(
    self_hosted: OptionModel,
    api: OptionModel,
    requests: np.ndarray,
    peak_factor: float,
    policy: CapacityPolicy,
    hourly: np.ndarray,
) -> np.ndarray:
    """Self-hosted minus API monthly cost at each volume, first-month prices."""
    cost = monthly_cost_by_volume([self_hosted, api], requests, peak_factor, policy, hourly)
    return cost[0] - cost[1]


def volume_grid(points: int = GRID_POINTS) -> np.ndarray:
    return np.logspace(*GRID_DECADES, points)


def cost_curves(scenario: Scenario, models: list[OptionModel], points: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """(requests per month, monthly cost per option) over the whole volume grid, for the break-even chart."""
    grid = volume_grid(points)
    w = scenario.workload
    cost = monthly_cost_by_volume(models, grid, w.peak_factor, scenario.capacity, np.array(w.hourly_factors))
    return grid, cost


def crossings(
    self_hosted: OptionModel,
    api: OptionModel,
    tokens_per_request: float,
    peak_factor: float,
    policy: CapacityPolicy,
    hourly: np.ndarray,
) -> list[Crossing]:
    grid = volume_grid()
    diff = _cost_difference(self_hosted, api, grid, peak_factor, policy, hourly)
    found = []
    for i in np.nonzero(np.sign(diff[:-1]) != np.sign(diff[1:]))[0]:
        lo, hi = grid[i], grid[i + 1]
        sign_lo = np.sign(diff[i])
        for _ in range(60):
            mid = np.sqrt(lo * hi)
            value = _cost_difference(self_hosted, api, np.array([mid]), peak_factor, policy, hourly)[0]
            if np.sign(value) == sign_lo:
                lo = mid
            else:
                hi = mid
        found.append(Crossing(float(hi), float(hi * tokens_per_request), bool(sign_lo > 0)))
    return found


def break_even_utilization(
    fleet_usd_per_month: float,
    billed_replicas: float,
    replica_req_per_s: float,
    tokens_per_request: float,
    api_usd_per_mtok: float,
) -> float | None:
    """u* = fleet cost a month × 1e6 / (billed capacity in tokens a month × API $/Mtok).

    The fleet cost includes fixed costs and whole instances or servers; billed capacity is the billed GPUs'
    worth of replicas × X* × tokens per request × 3,600 × 730, the same base as `utilization_first_month`.
    So at utilisation u* this fleet costs exactly what the API would charge for the tokens it serves; below
    it the API is cheaper. (Above the fleet's planning limit the fleet itself would grow.)

    >>> round(break_even_utilization(730 * 5.0, 1, 1.0, 2500, 4.32), 4)  # one $5/h replica, 2,500 tok/s
    0.1286
    """
    if api_usd_per_mtok <= 0 or not replica_req_per_s > 0 or not billed_replicas > 0:
        return None
    tokens_per_month = billed_replicas * replica_req_per_s * tokens_per_request * 3600 * HOURS_PER_MONTH
    return fleet_usd_per_month * 1e6 / (tokens_per_month * api_usd_per_mtok)
