"""Break-even: every volume at which a self-hosted option and an API cost the same, solved exactly.

Self-hosted cost is a step function of volume: whole replicas, whole instances or servers. Replica counts
change only where the peak load crosses a whole number of replicas' capacity, so between two such points the
fleet costs a constant C while the API costs A(V) = F + p·V, a straight line. Every crossing is therefore
either inside a step, at V = (C − F) / p, or at a step's edge, where the fleet jumps above the API line.

    step edges:  V_k = k · q,   q = 2,628,000 s · η · X* / (peak-to-average · s_h · g_t)

(one per replica count k, per hour h of the daily curve when autoscaled, s_h = the hour's share of the peak,
and per month t over a horizon, g_t = the month's volume over the first month's). Only edges where a crossing
is possible are enumerated: the fleet's cost lies between two straight lines in V (a fractional fleet, and one
rounded up at every step), so crossings lie where the API line runs between them.

The same solve gives the first-month break-even (one month, first-month prices) and the horizon break-even:
the first-month volume at which the NPV of the self-hosted option over the horizon, growth, price declines
and commitments included, equals the API's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tco.finance.commitments import after_horizon
from tco.finance.discounting import discount_factors
from tco.finance.projection import SECONDS_PER_MONTH, Drivers, OptionModel, decline_path, project
from tco.finance.volume_ranges import largest_gap, volume_ranges
from tco.records.assumptions import CapacityPolicy
from tco.records.results import Crossing, VolumeRange
from tco.records.scenario import HOURS_PER_MONTH, Scenario

VOLUME_RANGE = (1e2, 1e11)
"""Requests per month searched, from 10^2 to 10^11."""
MAX_EDGES = 200_000
"""Step edges examined at most; beyond (fleet and API marginal costs within a hair) only the lowest are."""
CHUNK = 4096


@dataclass(frozen=True)
class Setting:
    """What the costs depend on besides the options: first month only, or the horizon's months."""

    peak_factor: float
    policy: CapacityPolicy
    hourly: np.ndarray
    growth: np.ndarray  # (T,) volume multiplier of each month; [1.0] for the first month
    weights: np.ndarray  # (T,) discount factor of each month; [1.0] for the first month
    api_path: np.ndarray  # (T,) API price multiplier
    gpu_path: np.ndarray  # (T,) on-demand GPU price multiplier
    npv: bool = False
    """True: the sum is an NPV over the horizon, implementation included."""
    choice: Setting | None = None
    """The horizon, undiscounted: where an option with several offers chooses one at each volume, as the engine
    does (its lowest total over the horizon); None: the chosen offer throughout."""
    after_horizon: bool = False
    """With `npv`: a reserved term's contract after the horizon counts, at its present value."""

    @staticmethod
    def first_month(peak_factor: float, policy: CapacityPolicy, hourly: np.ndarray) -> Setting:
        one = np.ones(1)
        return Setting(peak_factor, policy, hourly, one, one, one, one)


def costs_at_volume(models: list[OptionModel], volume: np.ndarray, setting: Setting) -> np.ndarray:
    """(options, volumes): each option's cost at first-month volume `volume`, summed over the setting's months
    with their weights (implementation included over a horizon, so it is that option's NPV)."""
    drivers = Drivers.base(setting.peak_factor, setting.api_path, setting.gpu_path)
    out = np.empty((len(models), volume.size))
    reserved = [i for i, m in enumerate(models) if m.kind == "rented" and m.commitment_months]
    detail = setting.npv and setting.after_horizon and bool(reserved)
    for start in range(0, volume.size, CHUNK):
        part = volume[start : start + CHUNK]
        requests = part[:, None] * setting.growth[None, :]
        projection = project(models, requests, drivers, setting.policy, setting.hourly, detail=detail)
        out[:, start : start + part.size] = (projection.cost_usd * setting.weights).sum(axis=-1).T
        for i in reserved if detail else ():
            m = models[i]
            pv = after_horizon(
                projection.units[:, i, :], m.commitment_months, m.committed_usd_per_unit_month, setting.weights[0]
            )
            out[i, start : start + part.size] += pv[1]
    if setting.npv:
        out += np.array([m.implementation_usd for m in models])[:, None]
    if setting.choice is not None:
        for i, m in enumerate(models):
            if m.alternatives:
                out[i] = _chosen_offer_cost(m, volume, setting)
    return out


def _chosen_offer_cost(model: OptionModel, volume: np.ndarray, setting: Setting) -> np.ndarray:
    """At each volume, the cost under `setting` of the offer with the lowest horizon total there (the engine's
    choice at that volume, tco.cost.option_models)."""
    assert setting.choice is not None
    candidates = [replace(c, alternatives=()) for c in (model, *model.alternatives)]
    totals = costs_at_volume(candidates, volume, setting.choice)
    here = costs_at_volume(candidates, volume, replace(setting, choice=None))
    return here[np.argmin(totals, axis=0), np.arange(volume.size)]


def _first_month_prices(model: OptionModel) -> OptionModel:
    return replace(model, usd_per_request=(model.usd_per_request[0],)) if model.is_api else model


def _edges(
    model: OptionModel, setting: Setting, api_line: tuple[float, float], lo: float, hi: float
) -> tuple[float, float, np.ndarray]:
    """(low, high, edges): the part of [lo, hi] where the fleet's cost can meet the API line (F, p), and the
    step edges inside it. Outside [low, high] the fleet is dearer (or cheaper) than the API throughout."""
    policy = setting.policy
    shape = setting.hourly / setting.hourly.max() if model.autoscale else np.ones(1)
    q = SECONDS_PER_MONTH * policy.planning_utilization * model.replica_req_per_s / setting.peak_factor
    r = model.gpus_per_replica / model.unit_gpus
    unit = model.usd_per_unit_month * np.where(model.price_declines, setting.gpu_path, 1.0) * setting.weights
    growth_max = np.maximum.accumulate(setting.growth) if model.commitment_months else setting.growth
    base = model.fixed_usd_per_month * setting.weights.sum()
    base += float(np.dot(model.recurring_by_month(setting.weights.size), setting.weights))
    base += model.implementation_usd if setting.npv else 0.0
    mean_shape = float(shape.mean())
    # a reserved term's contract after the horizon: at most a whole term per unit held at the peak month
    after = 0.0
    if setting.npv and setting.after_horizon and model.kind == "rented" and model.commitment_months:
        months = setting.weights.size
        after = model.committed_usd_per_unit_month * float(
            (setting.weights[0] ** (months + np.arange(1, model.commitment_months + 1))).sum()
        )
    slope_low = float((unit * r * setting.growth).sum() * mean_shape / q)
    slope_high = float((unit * r * growth_max).sum() * mean_shape / q) + after * r * float(growth_max.max()) / q
    at_zero_low = base + float(unit.sum()) * r * policy.ha_spare_replicas
    at_zero_high = base + (float(unit.sum()) + after) * (r * (1 + policy.min_replicas + policy.ha_spare_replicas) + 1)
    api_fixed, api_slope = api_line
    low, high = _half_line(api_slope - slope_low, at_zero_low - api_fixed, lo, hi)
    low, high = _half_line(slope_high - api_slope, api_fixed - at_zero_high, low, high)
    if not low <= high:
        return low, high, np.empty(0)
    steps = np.outer(setting.growth, shape).ravel() / q  # replicas per request-a-month, per month and hour
    edges = []
    budget = MAX_EDGES
    for step in steps:
        first, last = np.ceil(low * step), np.floor(high * step)
        count = int(min(max(last - first + 1, 0), budget))
        edges.append((first + np.arange(count)) / step)
        budget -= count
    return low, high, np.unique(np.concatenate(edges))


def _half_line(c: float, d: float, lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] ∩ {V : c·V ≥ d}, widened by a relative hair for rounding."""
    if abs(c) < 1e-300:
        return (lo, hi) if d <= 1e-9 * (1 + abs(d)) else (hi, lo)
    bound = d / c
    return (max(lo, bound * (1 - 1e-9)), hi) if c > 0 else (lo, min(hi, bound * (1 + 1e-9)))


def solve(
    step_cost: Callable[[np.ndarray], np.ndarray],
    edges: np.ndarray,
    api_line: tuple[float, float],
    lo: float,
    hi: float,
) -> list[tuple[float, bool]]:
    """Every V in [lo, hi] where the step function crosses the line F + p·V; (V, self-hosted cheaper above).

    `step_cost` is constant between consecutive `edges` (and may jump at them); it is read once per step, at
    the step's geometric midpoint. A crossing inside a step is where the line meets the step; a jump from below
    the line to above it is a crossing at the edge.

    >>> solve(lambda v: np.where(v <= 10, 5.0, 15.0), np.array([10.0]), (0.0, 1.0), 1.0, 100.0)
    [(5.0, True), (10.0, False), (15.0, True)]
    """
    points = np.concatenate([[lo], edges[(edges > lo) & (edges < hi)], [hi]])
    level = step_cost(np.sqrt(points[:-1] * points[1:]))
    fixed, slope = api_line
    left, right = points[:-1], points[1:]
    # a jump at step i's left edge from below the line to above it
    line_at_left = fixed + slope * left[1:]
    jumps = np.flatnonzero((level[:-1] < line_at_left) & (line_at_left < level[1:])) + 1
    found = [(int(i), 0, float(left[i]), False) for i in jumps]
    if slope:
        at = (level - fixed) / slope
        next_level = np.append(level[1:], -np.inf)
        touch = (slope > 0) & (at == right) & (next_level >= level)
        inside = np.flatnonzero((left < at) & (at <= right) & ~touch)
        found += [(int(i), 1, float(at[i]), bool(slope > 0)) for i in inside]
    return [(volume, above) for _, _, volume, above in sorted(found)]


def _crossings(
    self_hosted: OptionModel, api: OptionModel, setting: Setting, tokens_per_request: float
) -> list[Crossing]:
    lo, hi = VOLUME_RANGE
    line = costs_at_volume([api], np.array([0.0, 1.0]), setting)[0]
    # the self-hosted cost that is linear in volume (egress) moves to the line's side: fleet steps vs a line
    linear = replace(
        self_hosted, fixed_usd_per_month=0.0, implementation_usd=0.0, usd_per_unit_month=0.0, alternatives=()
    )
    own_slope = float(np.diff(costs_at_volume([linear], np.array([0.0, 1.0]), setting)[0])[0])
    api_line = (float(line[0]), float(line[1] - line[0]) - own_slope)
    # each offer the engine may choose is a step function; their lowest is constant between the union of edges
    offers = [self_hosted, *self_hosted.alternatives] if setting.choice is not None else [self_hosted]
    parts = [p for p in (_edges(o, setting, api_line, lo, hi) for o in offers) if p[0] <= p[1]]
    if not parts:
        return []
    low, high = min(p[0] for p in parts), max(p[1] for p in parts)
    edges = np.unique(np.concatenate([p[2] for p in parts]))

    def steps(volume: np.ndarray) -> np.ndarray:
        return costs_at_volume([self_hosted], volume, setting)[0] - own_slope * volume

    found = solve(steps, edges, api_line, low, high)
    return [Crossing(v, v * tokens_per_request, above) for v, above in found]


def _ranges(self_hosted: OptionModel, api: OptionModel, setting: Setting, found: list[Crossing]) -> list[VolumeRange]:
    """`found` as ranges (tco.finance.volume_ranges), the side cheaper without crossings read at 1M requests."""

    def costs(volumes: np.ndarray) -> np.ndarray:
        return costs_at_volume([self_hosted, api], volumes, setting)

    hosted, api_cost = costs(np.array([1e6]))[:, 0]
    cheaper = "self_hosted" if hosted < api_cost else "api"
    return volume_ranges(found, cheaper, lambda a, b: largest_gap(costs, a, b))


def crossings(
    self_hosted: OptionModel,
    api: OptionModel,
    tokens_per_request: float,
    peak_factor: float,
    policy: CapacityPolicy,
    hourly: np.ndarray,
    choice: Setting | None = None,
) -> tuple[list[Crossing], list[VolumeRange]]:
    """First-month break-even: the volumes at which the two cost the same in month 1, at first-month prices, and
    the ranges they bound. `choice` (`choice_setting`): where an option with several offers picks one."""
    setting = replace(Setting.first_month(peak_factor, policy, hourly), choice=choice)
    api = _first_month_prices(api)
    found = _crossings(self_hosted, api, setting, tokens_per_request)
    return found, _ranges(self_hosted, api, setting, found)


def horizon_crossings(
    self_hosted: OptionModel, api: OptionModel, scenario: Scenario
) -> tuple[list[Crossing], list[VolumeRange]]:
    """Horizon break-even: the first-month volumes at which the NPV of savings over the horizon is zero, with
    the scenario's growth, price declines and commitments (P&L view for owned hardware), and the ranges."""
    months = scenario.horizon_months
    w = scenario.workload
    setting = Setting(
        w.peak_factor,
        scenario.capacity,
        np.array(w.hourly_factors),
        (1 + w.monthly_growth) ** np.arange(months),
        discount_factors(scenario.finance.discount_rate_annual, months),
        decline_path(scenario.finance.api_price_decline_annual, months),
        decline_path(scenario.finance.gpu_price_decline_annual, months),
        npv=True,
        after_horizon=scenario.finance.commitments_after_horizon == "count",
        choice=choice_setting(scenario),
    )
    found = _crossings(self_hosted, api, setting, w.tokens_per_request)
    return found, _ranges(self_hosted, api, setting, found)


def choice_setting(scenario: Scenario) -> Setting:
    """The horizon undiscounted, first-month volume × growth: what an option with several offers chooses on."""
    months = scenario.horizon_months
    w = scenario.workload
    return Setting(
        w.peak_factor,
        scenario.capacity,
        np.array(w.hourly_factors),
        (1 + w.monthly_growth) ** np.arange(months),
        np.ones(months),
        decline_path(scenario.finance.api_price_decline_annual, months),
        decline_path(scenario.finance.gpu_price_decline_annual, months),
    )


def cost_curves(scenario: Scenario, models: list[OptionModel], points: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """(requests per month, monthly cost per option) on a log grid over VOLUME_RANGE, first-month prices:
    the break-even chart's curves, with the sizing the crossings use."""
    grid = np.logspace(*np.log10(VOLUME_RANGE), points)
    w = scenario.workload
    setting = replace(
        Setting.first_month(w.peak_factor, scenario.capacity, np.array(w.hourly_factors)),
        choice=choice_setting(scenario),
    )
    return grid, costs_at_volume([_first_month_prices(m) for m in models], grid, setting)


def reachable_utilization(planning_utilization: float, peak_to_average: float, autoscale: bool = False) -> float:
    """The most a fleet can be busy on average: sized so its peak hour runs at `planning_utilization`, its mean load
    is the peak's 1 / `peak_to_average`; a fleet scaled hour by hour runs every hour at the planning share. A
    break-even utilisation above it is never reached (whole replicas and spares only lower it further).

    >>> round(reachable_utilization(0.85, 3.0), 4), reachable_utilization(0.85, 3.0, autoscale=True)
    (0.2833, 0.85)
    """
    return planning_utilization if autoscale else planning_utilization / peak_to_average


def break_even_utilization(
    fleet_usd_per_month: float,
    billed_replicas: float,
    replica_req_per_s: float,
    tokens_per_request: float,
    api_usd_per_mtok: float,
    api_fixed_usd_per_month: float = 0.0,
) -> float | None:
    """u* = (fleet cost a month − API fixed cost a month) × 1e6 / (billed capacity in tokens a month × API $/Mtok).

    The same basis as the break-even volumes: every cost on both sides, the fleet's fixed costs and whole
    instances or servers, the API's platform staff. Billed capacity is the billed GPUs' worth of replicas × X* ×
    tokens per request × 3,600 × 730, the same base as `utilization_first_month`. So at utilisation u* this fleet
    costs exactly what the API would (its per-token charge for the tokens served plus its fixed cost); below it
    the API is cheaper. (Above the fleet's planning limit the fleet itself would grow.)

    >>> round(break_even_utilization(730 * 5.0, 1, 1.0, 2500, 4.32), 4)  # one $5/h replica, 2,500 tok/s
    0.1286
    >>> round(break_even_utilization(730 * 5.0, 1, 1.0, 2500, 4.32, 900.0), 4)  # less the API's $900 of staff
    0.0969
    """
    if api_usd_per_mtok <= 0 or not replica_req_per_s > 0 or not billed_replicas > 0:
        return None
    tokens_per_month = billed_replicas * replica_req_per_s * tokens_per_request * 3600 * HOURS_PER_MONTH
    return max(fleet_usd_per_month - api_fixed_usd_per_month, 0.0) * 1e6 / (tokens_per_month * api_usd_per_mtok)
