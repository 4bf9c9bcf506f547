"""Commitments: reserved terms and bought servers can grow, never shrink before their term or life ends.

Each month the fleet needs `needed[t]` units (instances or servers). Units already committed stay billed
until their tranche ends; when the need exceeds them, a new tranche of the difference starts that month and
runs `term_months` (12 or 36 for reserved rentals, the servers' life for owned hardware). A tranche that ends
while its units are still needed is renewed (owned: the servers are replaced, bought again) by the same rule.

    billed[t] = Σ tranches alive at t,   new[t] = max(needed[t] − tranches still alive at t, 0)

>>> billed, started, ended = committed_units(np.array([4.0, 2.0, 2.0, 5.0, 1.0]), 3)
>>> billed.tolist(), started.tolist(), ended.tolist()
([4.0, 4.0, 4.0, 5.0, 5.0], [4.0, 0.0, 0.0, 5.0, 0.0], [0.0, 0.0, 0.0, 4.0, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tranche:
    """Units committed together: from `start_month` to `end_month` inclusive (0-based months)."""

    start_month: int
    end_month: int
    units: float


def committed_units(needed: np.ndarray, term_months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(billed, started, ended) over the last axis: units billed, units whose tranche starts, and units whose
    tranche ended at the start of each month (see the module docstring). Leading axes are independent."""
    months = needed.shape[-1]
    if term_months >= months:  # nothing ends inside the horizon: billed is the running peak, started its rises
        billed = np.maximum.accumulate(np.maximum(needed, 0.0), axis=-1).astype(float)
        started = np.diff(billed, axis=-1, prepend=0.0)
        return billed, started, np.zeros_like(billed)
    billed = np.empty_like(needed, dtype=float)
    started = np.zeros_like(billed)
    ends = np.zeros((*needed.shape[:-1], months + term_months))
    active = np.zeros(needed.shape[:-1])
    for t in range(months):
        active = active - ends[..., t]
        new = np.maximum(needed[..., t] - active, 0.0)
        started[..., t] = new
        active = active + new
        ends[..., t + term_months] += new
        billed[..., t] = active
    return billed, started, ends[..., :months]


def tranches(needed: np.ndarray, term_months: int) -> list[Tranche]:
    """The base case's tranches, one per month in which units were committed."""
    _, started, _ = committed_units(needed, term_months)
    return [Tranche(t, t + term_months - 1, float(units)) for t, units in enumerate(started) if units > 0]


def after_horizon(
    billed: np.ndarray, term_months: int, usd_per_unit_month: float, monthly_discount: float
) -> tuple[np.ndarray, np.ndarray]:
    """(nominal, present value) of the commitments still running after the last month of `billed` (last axis):
    every tranche started in month t (0-based, renewals included) runs to t + term − 1, so T − t − term months
    of it lie beyond a T-month horizon, each costing `usd_per_unit_month` per unit and paid at the end of month
    T + k, discounted by `monthly_discount`^(T + k) (the present value at month 0, as the NPV of cost).

    Worked example: 2 units reserved for 36 months from month 0 at $1,000 a unit-month, a 12-month horizon:
    24 months × 2 × $1,000 = $48,000 nominal; at no discount the present value is the same.

    >>> nominal, pv = after_horizon(np.full(12, 2.0), 36, 1000.0, 1.0)
    >>> float(nominal), float(pv)
    (48000.0, 48000.0)
    """
    months = billed.shape[-1]
    _, started, _ = committed_units(billed, term_months)
    remaining = np.maximum(np.arange(months) + term_months - months, 0)  # months of each month's tranche beyond T
    # Σ_{k=1..r} d^(T+k) for each r: the discount of r months paid after the horizon
    beyond = np.concatenate([[0.0], np.cumsum(monthly_discount ** (months + np.arange(1, term_months + 1)))])
    nominal = started @ (remaining * usd_per_unit_month)
    present = started @ (beyond[remaining] * usd_per_unit_month)
    return nominal, present
