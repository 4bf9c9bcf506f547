"""Discounting, NPV and payback on monthly series (month t paid at the end of month t)."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf


def monthly_rate(annual_rate: float) -> float:
    """(1 + r)^(1/12) - 1: the monthly rate that compounds to the annual one.

    >>> round(monthly_rate(0.08), 6)
    0.006434
    """
    return (1 + annual_rate) ** (1 / 12) - 1


def discount_factors(annual_rate: float, months: int) -> np.ndarray:
    """1/(1+r_m)^t for t = 1..months."""
    return (1 + monthly_rate(annual_rate)) ** -np.arange(1, months + 1)


def npv(annual_rate: float, upfront_usd: float | np.ndarray, monthly_usd: np.ndarray) -> np.ndarray:
    """Upfront amount at t=0 plus monthly amounts discounted (last axis = months).

    Uses numpy-financial's `npv` convention checked in tests; vectorised here over leading axes.

    >>> round(float(npv(0.0, 10.0, np.array([1.0, 2.0]))), 6)
    13.0
    """
    factors = discount_factors(annual_rate, monthly_usd.shape[-1])
    return upfront_usd + (monthly_usd * factors).sum(axis=-1)


def npv_reference(annual_rate: float, upfront_usd: float, monthly_usd: list[float]) -> float:
    """The same NPV via numpy-financial, for cross-checking (`npf.npv` discounts from t=0)."""
    return float(npf.npv(monthly_rate(annual_rate), [upfront_usd, *monthly_usd]))


def payback_month(upfront_usd: float, monthly_savings_usd: np.ndarray, factors: np.ndarray | None = None) -> int | None:
    """First month (1-based) in which cumulative savings cover the upfront outlay; None if never.

    With `factors`, savings are discounted first (discounted payback). An option that is
    cheaper from the start with nothing upfront pays back in month 1.

    >>> payback_month(100.0, np.array([30.0, 30.0, 30.0, 30.0]))
    4
    """
    savings = monthly_savings_usd * (factors if factors is not None else 1.0)
    cumulative = np.cumsum(savings) - upfront_usd
    hits = np.nonzero(cumulative >= 0)[0]
    if hits.size == 0:
        return None
    # the first month after which it never falls back below zero
    later_dips = np.nonzero(cumulative < 0)[0]
    if later_dips.size and later_dips[-1] >= hits[0]:
        after = hits[hits > later_dips[-1]]
        return int(after[0]) + 1 if after.size else None
    return int(hits[0]) + 1


def first_covered_month(upfront_usd: float, monthly_savings_usd: np.ndarray) -> int | None:
    """First month (1-based) in which cumulative savings cover the upfront outlay, even if a later outlay takes
    them below again (`payback_month` is the month from which they stay covered); None if never.

    >>> savings = np.array([60.0, 60.0, -200.0, 300.0])  # a second purchase in month 3
    >>> first_covered_month(100.0, savings), payback_month(100.0, savings)
    (2, 4)
    """
    hits = np.nonzero(np.cumsum(monthly_savings_usd) - upfront_usd >= 0)[0]
    return int(hits[0]) + 1 if hits.size else None


def investment_flows(upfront_usd: float, monthly_savings_usd: np.ndarray, terminal_usd: float = 0.0) -> np.ndarray:
    """Month 0: −upfront; months 1..T: savings, the terminal value added to the last."""
    flows = np.concatenate([[-upfront_usd], monthly_savings_usd]).astype(float)
    flows[-1] += terminal_usd
    return flows


MATERIAL_MONTHS = 6
"""An outlay is an investment only if it takes at least this many months of the mean monthly savings to return:
below that the choice pays back within half a year, an operating choice, and an IRR of thousands of percent a
year says nothing that the payback month does not (issue 24 found 1,733 % and 19,113 %)."""


def not_an_investment(flows: np.ndarray, lump_usd: float = 0.0) -> str | None:
    """Why `flows` (month 0, then each month's savings) are not an investment, or None when they are: a month-0
    outlay that the flows return (they sum above zero), with one rate that solves them (a later purchase can make
    several), that is material (MATERIAL_MONTHS). `lump_usd` is what the last flow holds beside that month's
    savings (a terminal value, or a contract still owed): it is not a monthly saving.

    >>> not_an_investment(np.array([-200.0, *[30.0] * 12]))
    >>> not_an_investment(np.array([-10.0, 30.0, 30.0]))[:60]
    'the month-0 outlay ($10) is under 6 months of the mean month'
    >>> not_an_investment(np.array([-10.0, -5.0, -5.0]))
    'the savings never return the month-0 outlay ($10): self-hosting costs more'
    """
    outlay = -float(flows[0])
    if outlay <= 0:
        return "nothing is paid up front: there is no outlay to return"
    returns = flows[1:]
    if flows.sum() <= 0:
        return f"the savings never return the month-0 outlay (${outlay:,.0f}): self-hosting costs more"
    if _rates_solving(flows) != 1:
        return "later outlays (servers bought again) make more than one rate solve the flows: the NPV says it"
    mean = float((returns.sum() - lump_usd) / returns.size)
    if mean <= 0:
        return f"the monthly savings do not return the month-0 outlay (${outlay:,.0f}): a value at the horizon does"
    if outlay < MATERIAL_MONTHS * mean:
        return (
            f"the month-0 outlay (${outlay:,.0f}) is under {MATERIAL_MONTHS} months of the mean monthly savings "
            f"(${mean:,.0f}): a cost difference, not an investment; the payback month says it"
        )
    return None


def _rates_solving(flows: np.ndarray) -> int:
    """How many monthly rates from −90 % to +500 % make the NPV of `flows` zero (sign changes on a fine grid)."""
    rates = np.concatenate([np.linspace(-0.9, 0.0, 400, endpoint=False), np.geomspace(1e-6, 5.0, 800)])
    t = np.arange(flows.size)
    values = (flows[None, :] * (1 + rates[:, None]) ** -t[None, :]).sum(axis=1)
    signs = np.sign(values[values != 0])
    return int(np.count_nonzero(np.diff(signs)))


def irr_annual(flows: np.ndarray) -> float | None:
    """numpy-financial's IRR of monthly flows, compounded to a year: (1 + irr_m)^12 − 1; None when there is
    no investment to return (month 0 not an outlay) or no rate solves it.

    Worked example: $100 now, $9 a month for a year: 9 × annuity(1.212 %, 12) = 100, (1.01212)^12 − 1 = 15.5 %.

    >>> round(irr_annual(np.array([-100.0, *[9.0] * 12])), 4)
    0.1545
    """
    if flows[0] >= 0:
        return None
    monthly = npf.irr(flows)
    if monthly is None or not np.isfinite(monthly):
        return None
    return float((1 + monthly) ** 12 - 1)


def roi(flows: np.ndarray) -> float | None:
    """Return on the month-0 outlay over the horizon, undiscounted: Σ flows / −flows[0]; None without an outlay.

    >>> roi(np.array([-100.0, 60.0, 60.0]))
    0.2
    """
    if flows[0] >= 0:
        return None
    return float(flows.sum() / -flows[0])
