"""The vectorised core: monthly cost of every option, for every sample, month or volume.

All arrays are (samples, options, periods). A "period" is a month in a projection, or a
volume point on a break-even grid: the same function serves both, so the break-even curve
uses exactly the fleet sizing (whole replicas, whole servers) that the projection uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from tco.scenario import HOURS_PER_MONTH, CapacityPolicy

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


@dataclass(frozen=True)
class OptionModel:
    """One option reduced to the numbers the cost formulas need."""

    id: str
    kind: Literal["api", "rented", "owned"]
    fixed_usd_per_month: float
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

    @property
    def is_api(self) -> bool:
        return self.kind == "api"


@dataclass(frozen=True)
class Drivers:
    """Per-sample multipliers; the base case is one sample with every multiplier 1."""

    throughput: np.ndarray  # (S,) on every replica's X*
    peak_factor: np.ndarray  # (S,) peak-to-average
    api_price: np.ndarray  # (S, T) on API prices (level x decline path)
    gpu_price: np.ndarray  # (S,) on self-hosted unit costs
    gpu_decline: np.ndarray  # (T,) price path for on-demand and spot rentals

    @staticmethod
    def base(peak_factor: float, api_price_path: np.ndarray, gpu_price_path: np.ndarray) -> Drivers:
        return Drivers(
            throughput=np.ones(1),
            peak_factor=np.array([peak_factor]),
            api_price=api_price_path[None, :],
            gpu_price=np.ones(1),
            gpu_decline=gpu_price_path,
        )


@dataclass(frozen=True)
class Projection:
    cost_usd: np.ndarray  # (S, O, T) total monthly cost, fixed costs included
    replicas: np.ndarray  # (S, O, T) replicas running at peak (NaN for APIs); hourly mean when autoscaled
    units: np.ndarray  # (S, O, T) instances or servers billed (NaN for APIs)


def replicas_needed(load_req_per_s: np.ndarray, capacity_req_per_s: np.ndarray, policy: CapacityPolicy) -> np.ndarray:
    """max(min, ceil(load / (eta * X*))) + spare, elementwise; whole replicas only.

    >>> replicas_needed(np.array([3.42]), np.array([6.0]), CapacityPolicy())
    array([2.])
    """
    raw = np.ceil(load_req_per_s / (policy.planning_utilization * capacity_req_per_s) - 1e-9)
    return np.maximum(policy.min_replicas, raw) + policy.ha_spare_replicas


def project(
    models: list[OptionModel],
    requests: np.ndarray,
    drivers: Drivers,
    policy: CapacityPolicy,
    hourly_factors: np.ndarray,
) -> Projection:
    """Cost of each option for `requests` (S, T) requests per period, under `drivers`."""
    requests = np.atleast_2d(requests)
    n_samples, n_periods = requests.shape
    n_options = len(models)
    cost = np.empty((n_samples, n_options, n_periods))
    replicas = np.full((n_samples, n_options, n_periods), np.nan)
    units = np.full((n_samples, n_options, n_periods), np.nan)
    fixed = np.array([m.fixed_usd_per_month for m in models])

    api_idx = [i for i, m in enumerate(models) if m.is_api]
    if api_idx:
        per_request = np.array([models[i].usd_per_request for i in api_idx])  # (Oa, T)
        cost[:, api_idx, :] = requests[:, None, :] * per_request[None] * drivers.api_price[:, None, :]

    mean_load = requests / SECONDS_PER_MONTH  # (S, T) average req/s
    for always_on in (True, False):
        idx = [i for i, m in enumerate(models) if not m.is_api and m.autoscale != always_on]
        if not idx:
            continue
        capacity = (
            np.array([models[i].replica_req_per_s for i in idx])[None, :, None] * drivers.throughput[:, None, None]
        )
        gpr = np.array([models[i].gpus_per_replica for i in idx])[None, :, None]
        unit = np.array([models[i].unit_gpus for i in idx])[None, :, None]
        if always_on:
            peak = (mean_load * drivers.peak_factor[:, None])[:, None, :]
            reps = replicas_needed(peak, capacity, policy)
            billed = np.ceil(reps * gpr / unit)
        else:  # sized hour by hour on the daily curve; billed for the GPU-hours used
            # scale the curve so its peak matches the sample's peak factor
            shape = hourly_factors / hourly_factors.max()
            hourly_load = (mean_load * drivers.peak_factor[:, None])[:, None, :, None] * shape  # (S, 1, T, 24)
            reps_h = replicas_needed(hourly_load, capacity[..., None], policy)
            billed = np.ceil(reps_h * gpr[..., None] / unit[..., None]).mean(axis=-1)
            reps = reps_h.mean(axis=-1)
        unit_cost = np.array([models[i].usd_per_unit_month for i in idx])[None, :, None]
        declines = np.array([models[i].price_declines for i in idx])[None, :, None]
        price = np.where(declines, drivers.gpu_decline[None, None, :], 1.0) * drivers.gpu_price[:, None, None]
        replicas[:, idx, :] = reps
        units[:, idx, :] = billed
        cost[:, idx, :] = billed * unit_cost * price

    cost += fixed[None, :, None]
    return Projection(cost, replicas, units)
