"""The vectorised core: monthly cost of every option, for every sample, month or volume.

All arrays are (samples, options, periods). A "period" is a month in a projection, or a
volume point on a break-even grid: the same function serves both, so the break-even curve
uses exactly the fleet sizing (whole replicas, whole servers) that the projection uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from tco.finance.commitments import committed_units
from tco.records.assumptions import CapacityPolicy
from tco.records.scenario import HOURS_PER_MONTH, Scenario

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def requests_series(scenario: Scenario) -> np.ndarray:
    """Requests in each month: R0 (1 + g)^t, t = 0 .. horizon-1."""
    w = scenario.workload
    return w.base_requests_per_month * (1 + w.monthly_growth) ** np.arange(scenario.horizon_months)


def decline_path(annual_decline: float, months: int) -> np.ndarray:
    """Price multiplier (1 - d)^(t/12): a constant yearly decline, applied monthly."""
    return (1 - annual_decline) ** (np.arange(months) / 12)


@dataclass(frozen=True)
class OptionModel:
    """One option reduced to the numbers the cost formulas need."""

    id: str
    kind: Literal["api", "rented", "owned"]
    fixed_usd_per_month: float
    storage_usd_per_month: float = 0.0
    """Of `fixed_usd_per_month`, the storage bill: not staff, so the staff multiplier (tornado, Monte Carlo) leaves
    it."""
    implementation_usd: float = 0.0
    # API: USD per mean request, one per period (before price multipliers)
    usd_per_request: tuple[float, ...] = ()
    # self-hosted
    replica_req_per_s: float = float("nan")
    """Requests/s of the class mix one replica serves within the SLO (X*)."""
    gpus_per_replica: int = 1
    unit_gpus: int = 1
    """GPUs billed together: an instance (rented) or a server (owned)."""
    usd_per_unit_month: float = 0.0
    unit_breakdown: dict[str, float] = field(default_factory=dict)
    """usd_per_unit_month by component (gpu_rental, or capital/energy/colocation/maintenance/licences)."""
    price_declines: bool = False
    """Whether the finance.gpu_price_decline_annual applies (on-demand and spot rentals)."""
    autoscale: bool = False
    commitment_months: int = 0
    """Months a unit stays billed once committed: 12 / 36 for reserved terms, the life for owned; 0 none."""
    variable_usd_per_request: float = 0.0
    """Self-hosted: cost that grows with each request rather than with the fleet (egress)."""
    alternatives: tuple[OptionModel, ...] = ()
    """A rented option with several offers: the models of the offers not chosen at the scenario's volume. At
    another volume the engine may choose another (the lowest total over the horizon), so a break-even reads the
    one it would choose there (tco.finance.breakeven)."""
    recurring_usd: float = 0.0
    recurring_every_months: int = 0
    """A cost paid again every this many months after month 0 (a re-distillation project); 0: never."""

    @property
    def is_api(self) -> bool:
        return self.kind == "api"

    @property
    def committed_usd_per_unit_month(self) -> float:
        """What a reserved term binds per unit a month: the rent alone (licences and fleet-scaled staff can stop
        with the fleet); the whole unit cost when it has no breakdown.

        >>> OptionModel("r", "rented", 0.0, usd_per_unit_month=130.0,
        ...             unit_breakdown={"gpu_rental": 100.0, "licences": 30.0}).committed_usd_per_unit_month
        100.0
        """
        return self.unit_breakdown.get("gpu_rental", self.usd_per_unit_month)

    def recurring_by_month(self, months: int) -> np.ndarray:
        """`recurring_usd` at the end of months N, 2N, … (1-based; indices N − 1, 2N − 1, …) of `months`, zero
        elsewhere: the first project is paid at month 0 (implementation), the next N months later, while the horizon
        has a month left to use it (none in its last month).

        >>> OptionModel("s", "rented", 0.0, recurring_usd=5.0, recurring_every_months=2).recurring_by_month(6)
        array([0., 5., 0., 5., 0., 0.])
        """
        out = np.zeros(months)
        n = self.recurring_every_months
        if n and self.recurring_usd:
            out[n - 1 : months - 1 : n] = self.recurring_usd
        return out


GPU_PRICE_COMPONENTS = ("gpu_rental", "capital", "maintenance")
"""What the GPU price moves: a rented unit's rent; an owned server's capital and maintenance (maintenance is
`maintenance_share_per_year` × the server price, so it moves with the price)."""
ENERGY_COMPONENTS = ("energy",)
STAFF_COMPONENTS = ("staff_scaling",)
"""Per-unit components the staff multiplier moves, beside `fixed_usd_per_month`."""


@dataclass(frozen=True)
class Drivers:
    """Per-sample multipliers; the base case is one sample with every multiplier 1.

    Each multiplier moves one input: `gpu_price` the GPU_PRICE_COMPONENTS of a unit's cost, `energy_price` its
    ENERGY_COMPONENTS, `fixed_cost` staff and platform (the fixed cost and STAFF_COMPONENTS); colocation,
    licences and egress stay at base. A unit without a breakdown is all GPU price.
    """

    throughput: np.ndarray  # (S,) on every replica's X*, or (S, O): one column per option
    peak_factor: np.ndarray  # (S,) peak-to-average
    api_price: np.ndarray  # (S, T) on API prices (level x decline path)
    gpu_price: np.ndarray  # (S,) on the GPU price: rent (rented) or server price (owned)
    gpu_decline: np.ndarray  # (T,) price path for on-demand and spot rentals
    fixed_cost: np.ndarray | None = None  # (S,) on staff and platform costs; None: 1
    energy_price: np.ndarray | None = None  # (S,) on the price of electricity; None: 1

    @staticmethod
    def base(peak_factor: float, api_price_path: np.ndarray, gpu_price_path: np.ndarray) -> Drivers:
        return Drivers(
            throughput=np.ones(1),
            peak_factor=np.array([peak_factor]),
            api_price=api_price_path[None, :],
            gpu_price=np.ones(1),
            gpu_decline=gpu_price_path,
        )


def unit_cost_usd_per_month(group: list[OptionModel], drivers: Drivers) -> np.ndarray:
    """USD per billed unit-month, (S, O, 1): total + Σ_k part_k × (multiplier_k − 1), k over GPU price, energy and
    staff, part_k the sum of that input's components in `unit_breakdown`. With every multiplier 1 each term is
    exactly 0, so the base case is `usd_per_unit_month` to the last bit.

    >>> m = OptionModel("o", "owned", 0.0, usd_per_unit_month=130.0, unit_breakdown={"capital": 100.0, "energy": 30.0})
    >>> d = Drivers.base(1.0, np.ones(1), np.ones(1))
    >>> float(unit_cost_usd_per_month([m], Drivers(d.throughput, d.peak_factor, d.api_price, np.array([1.2]),
    ...                                         d.gpu_decline, energy_price=np.array([0.5])))[0, 0, 0])
    135.0
    """

    def part(keys: tuple[str, ...], whole: bool) -> np.ndarray:
        """USD per unit-month of `keys`; a unit without a breakdown: all of it when `whole`, else none."""
        usd = [
            sum(m.unit_breakdown.get(k, 0.0) for k in keys) if m.unit_breakdown else m.usd_per_unit_month * whole
            for m in group
        ]
        return np.array(usd, dtype=float)[None, :, None]

    cost = np.array([m.usd_per_unit_month for m in group])[None, :, None] + part(GPU_PRICE_COMPONENTS, True) * (
        drivers.gpu_price[:, None, None] - 1
    )
    for multiplier, keys in ((drivers.energy_price, ENERGY_COMPONENTS), (drivers.fixed_cost, STAFF_COMPONENTS)):
        if multiplier is not None:
            cost = cost + part(keys, False) * (multiplier[:, None, None] - 1)
    return cost


@dataclass(frozen=True)
class Projection:
    cost_usd: np.ndarray  # (S, O, T) total monthly cost, fixed costs included
    replicas: np.ndarray  # (S, O, T) replicas running at peak (NaN for APIs); hourly mean when autoscaled
    units: np.ndarray  # (S, O, T) instances or servers billed (NaN for APIs)
    committed_units: dict[int, np.ndarray] = field(default_factory=dict)
    """(S, T) units billed by each option committed for a term (reserved rentals; owned servers for their life), by
    option index: kept even without `detail`, for the reserved terms still running after the horizon
    (tco.risk.montecarlo.committed_after_horizon_pv_usd, which prices the rentals only)."""


def replicas_needed(load_req_per_s: np.ndarray, capacity_req_per_s: np.ndarray, policy: CapacityPolicy) -> np.ndarray:
    """max(min, ceil(load / (eta * X*))) + spare, elementwise; whole replicas only.

    >>> replicas_needed(np.array([3.42]), np.array([6.0]), CapacityPolicy())
    array([2.])
    """
    raw = load_req_per_s / (policy.planning_utilization * capacity_req_per_s)
    raw -= 1e-9  # a load exactly at capacity needs no extra replica despite rounding
    np.ceil(raw, out=raw)
    np.maximum(raw, policy.min_replicas, out=raw)
    raw += policy.ha_spare_replicas
    return raw


def peak_fill(load_req_per_s: float, capacity_req_per_s: float, replicas: int, policy: CapacityPolicy) -> float:
    """The share of the planned capacity that the peak fills on the replicas sized for it (spares apart),
    load / (η · X* · (replicas − spare)): near 1, a little more traffic or a little less throughput a replica adds
    one (the Monte Carlo's draws do both); low where the minimum replicas set the fleet.

    Worked example: 3.42 req/s at the peak, 6 req/s a replica, η = 0.85, 2 replicas of which 1 spare:
    3.42 / (0.85 × 6 × 1) = 0.671.

    >>> round(peak_fill(3.42, 6.0, 2, CapacityPolicy()), 3)
    0.671
    """
    serving = max(replicas - policy.ha_spare_replicas, 1)
    return load_req_per_s / (policy.planning_utilization * capacity_req_per_s * serving)


def project(
    models: list[OptionModel],
    requests: np.ndarray,
    drivers: Drivers,
    policy: CapacityPolicy,
    hourly_factors: np.ndarray,
    detail: bool = True,
) -> Projection:
    """Cost of each option for `requests` (S, T) requests per period, under `drivers`.

    With `detail=False` (Monte Carlo) replicas and units are not kept, only costs.
    Options are computed in contiguous blocks (APIs, always-on fleets, autoscaled fleets)
    to keep the arithmetic in place; the result is in the caller's option order.
    """
    requests = np.atleast_2d(requests)
    n_samples, n_periods = requests.shape
    groups = [
        [i for i, m in enumerate(models) if m.is_api],
        [i for i, m in enumerate(models) if not m.is_api and not m.autoscale],
        [i for i, m in enumerate(models) if not m.is_api and m.autoscale],
    ]
    order = [i for g in groups for i in g]
    cost = np.empty((n_samples, len(models), n_periods))
    replicas = np.full(cost.shape, np.nan) if detail else np.empty((0, 0, 0))
    units = np.full(cost.shape, np.nan) if detail else np.empty((0, 0, 0))
    committed: dict[int, np.ndarray] = {}
    start = 0
    for group_index, idx in enumerate(groups):
        block = slice(start, start + len(idx))
        start += len(idx)
        if not idx:
            continue
        group = [models[i] for i in idx]
        if group_index == 0:
            per_request = np.array([m.usd_per_request for m in group])  # (Oa, T)
            np.multiply((requests * drivers.api_price)[:, None, :], per_request[None], out=cost[:, block, :])
            continue
        throughput = drivers.throughput[:, idx] if drivers.throughput.ndim == 2 else drivers.throughput[:, None]
        reps, billed = _fleet(group, requests, throughput, drivers, policy, hourly_factors, autoscale=group_index == 2)
        for j, m in enumerate(group):
            if m.commitment_months:  # commitments grow but never shrink before their term ends
                billed[:, j, :] = committed_units(billed[:, j, :], m.commitment_months)[0]
                committed[idx[j]] = billed[:, j, :]
        unit_cost = unit_cost_usd_per_month(group, drivers)
        np.multiply(billed, unit_cost, out=cost[:, block, :])
        declines = np.array([m.price_declines for m in group])
        if declines.any():
            cost[:, block, :] *= np.where(declines[:, None], drivers.gpu_decline[None, :], 1.0)[None]
        variable = np.array([m.variable_usd_per_request for m in group])
        if variable.any():
            cost[:, block, :] += requests[:, None, :] * variable[None, :, None]
        if detail:
            replicas[:, block, :] = reps
            units[:, block, :] = billed
    fixed = np.array([models[i].fixed_usd_per_month for i in order])[None, :, None]
    if drivers.fixed_cost is None:
        cost += fixed
    else:  # the staff multiplier moves staff and platform, not storage
        storage = np.array([models[i].storage_usd_per_month for i in order])[None, :, None]
        cost += storage + (fixed - storage) * drivers.fixed_cost[:, None, None]
    if any(models[i].recurring_every_months for i in order):  # periods are months here (T = 1: the first)
        cost += np.array([models[i].recurring_by_month(n_periods) for i in order])[None]
    if order != list(range(len(models))):
        inverse = np.argsort(order)
        cost = cost[:, inverse, :]
        if detail:
            replicas, units = replicas[:, inverse, :], units[:, inverse, :]
    return Projection(cost, replicas, units, committed)


def _fleet(
    group: list[OptionModel],
    requests: np.ndarray,
    throughput: np.ndarray,
    drivers: Drivers,
    policy: CapacityPolicy,
    hourly_factors: np.ndarray,
    autoscale: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Replicas at peak (or their daily mean when autoscaled) and billed units, (S, O, T); `throughput` (S, O)."""
    capacity = np.array([m.replica_req_per_s for m in group])[None, :, None] * throughput[:, :, None]
    gpr = np.array([m.gpus_per_replica for m in group], dtype=float)[None, :, None]
    unit = np.array([m.unit_gpus for m in group], dtype=float)[None, :, None]
    peak = (requests * (drivers.peak_factor[:, None] / SECONDS_PER_MONTH))[:, None, :]
    if not autoscale:
        reps = replicas_needed(peak, capacity, policy)
        billed = reps * gpr
        billed /= unit
        return reps, np.ceil(billed, out=billed)
    # sized hour by hour on the daily curve, scaled so its peak is the sample's peak; billed for hours used
    shape = hourly_factors / hourly_factors.max()
    reps_h = replicas_needed(peak[..., None] * shape, capacity[..., None], policy)
    billed = np.ceil(reps_h * gpr[..., None] / unit[..., None]).mean(axis=-1)
    return reps_h.mean(axis=-1), billed
