"""The monthly exports: one row per option per month (the workbook's `monthly` sheet) and the long CSV (option,
month, period, component, usd), both from `monthly_rows`, in cents that reconcile with the summary.

Month 0 is the start: the one-time costs (`implementation`, and a distilled student's `distillation_project`)
and, for owned hardware, the first servers bought (cash only). Months 1..H carry their P&L cost by component
(a re-distillation project is the `redistillation` component of the month it is paid) and their cash out. So
for every option the P&L cost of months 0..H adds up to the summary's total cost (`total_cost_usd`, one-time
included) and the present values to its NPV of cost (less, where it is counted, the present value of a
commitment running past the horizon, `committed_after_horizon_pv_usd`, which falls in no month of it).

Amounts are written in whole cents that add up exactly: each month's cost is allocated from the option's total
to the cent, each component from its month's cost, the present values from their sum and the cash out
from the sum of the cash flows (largest remainder, `datafiles.export.allocate_cents`): every cent is within one
cent of the engine's amount, and no column is a cent off its total.
"""

from __future__ import annotations

import math
from typing import Any

from datafiles.export import Column, allocate_cents, to_cents, to_csv
from reports.ranking import ranked
from tco.finance import discounting
from tco.records.results import OptionResult, ScenarioResult

LONG = ["option", "month", "period", "component", "usd"]
"""The long CSV's columns: `period` is the month as YYYY-MM (empty for month 0, the start); `usd` the amount."""
ONE_TIME = ("implementation", "distillation_project")
"""Month 0's components: the option's implementation and a distilled student's one-time project."""


def one_time_usd(option: OptionResult) -> dict[str, float]:
    """The one-time costs paid at the start, by component: implementation (every option, zero when none) and a
    distilled student's project. Together they are `total_cost_usd` less the sum of the monthly costs."""
    one_time = option.total_cost_usd - math.fsum(option.monthly_cost_usd)
    project = option.one_time_cost_usd or 0.0
    parts = {"implementation": one_time - project}
    if option.distillation is not None:
        parts["distillation_project"] = project
    return parts


def monthly_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    """One row per option per month (0 = start), the engine's amounts unrounded: requests, P&L cost by component
    (`c.<component>`), P&L cost, one-time, capex, opex, cash out, cumulative cash out, discount factor and present
    value of the cost. For owned hardware `capex` is the servers' cash in that month (purchases and replacements
    less resale) and `opex` the rest of the P&L cost (the capital charge excluded); elsewhere capex is zero."""
    months = result.assumptions["months"]
    rate = result.assumptions["finance"]["discount_rate_annual"]
    factors = discounting.discount_factors(rate, len(months))
    requests = result.assumptions["requests_per_month"]
    rows = []
    for o in ranked(result):
        start = one_time_usd(o)
        implementation = math.fsum(start.values())
        start_cash = o.cash_flow_usd[0] if o.cash_flow_usd is not None else implementation
        rows.append({"option": o.id, "month": 0, "period": None, **{f"c.{k}": v for k, v in start.items()},
                     "cost_usd": implementation, "one_time_usd": implementation,
                     "capex_usd": start_cash - implementation, "opex_usd": 0.0, "cash_out_usd": start_cash,
                     "cumulative_cash_out_usd": start_cash, "discount_factor": 1.0,
                     "pv_cost_usd": implementation})  # fmt: skip
        cumulative = start_cash
        for t, period in enumerate(months):
            components = {k: v[t] for k, v in o.monthly_components_usd.items()}
            opex = o.monthly_cost_usd[t] - components.get("capital", 0.0)
            capex = 0.0
            if o.cash_flow_usd is not None:
                capex = o.cash_flow_usd[t + 1] - (opex - components.get("egress", 0.0))
            cumulative += capex + opex
            rows.append(
                {
                    "option": o.id,
                    "month": t + 1,
                    "period": period,
                    "requests": requests[t],
                    **{f"c.{k}": v for k, v in components.items()},
                    "cost_usd": o.monthly_cost_usd[t],
                    "one_time_usd": 0.0,
                    "capex_usd": capex,
                    "opex_usd": opex,
                    "cash_out_usd": capex + opex,
                    "cumulative_cash_out_usd": cumulative,
                    "discount_factor": float(factors[t]),
                    "pv_cost_usd": o.monthly_cost_usd[t] * float(factors[t]),
                }
            )
    return rows


def _option_in_cents(option: OptionResult, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One option's rows (months 0..H) with every amount in cents that reconcile (see the module's docstring);
    left as they are if an amount is not finite (the writers leave such a cell empty)."""
    amounts = [v for r in rows for k, v in r.items() if k.startswith("c.") or k.endswith("_usd")]
    if not all(math.isfinite(v) for v in [*amounts, option.total_cost_usd]):
        return rows
    cost = allocate_cents([r["cost_usd"] for r in rows], to_cents(option.total_cost_usd))
    pv_exact = [r["pv_cost_usd"] for r in rows]
    pv = allocate_cents(pv_exact, to_cents(math.fsum(pv_exact)))
    cash_exact = [r["cash_out_usd"] for r in rows]
    cash = allocate_cents(cash_exact, to_cents(math.fsum(cash_exact)))
    out = []
    cumulative = 0
    for t, row in enumerate(rows):
        keys = [k for k in row if k.startswith("c.")]
        parts = dict(zip(keys, allocate_cents([row[k] for k in keys], cost[t]), strict=True))
        if t == 0:
            one_time, capex, opex = cost[0], cash[0] - cost[0], 0
        else:
            one_time, (capex, opex) = 0, allocate_cents([row["capex_usd"], row["opex_usd"]], cash[t])
        cumulative += cash[t]
        cents = {**parts, "cost_usd": cost[t], "one_time_usd": one_time, "capex_usd": capex, "opex_usd": opex,
                 "cash_out_usd": cash[t], "cumulative_cash_out_usd": cumulative, "pv_cost_usd": pv[t]}  # fmt: skip
        out.append(
            {
                **row,
                **{k: c / 100 for k, c in cents.items()},
                "requests": None if row.get("requests") is None else round(row["requests"]),
                "discount_factor": round(row["discount_factor"], 6),
            }
        )
    return out


def monthly_rows_in_cents(result: ScenarioResult) -> list[dict[str, Any]]:
    """`monthly_rows` as exported: amounts in cents that add up (each month's components to its P&L cost, the
    P&L costs of months 0..H to the total cost, the present values to their sum, the cash out to the sum
    of the cash flows), requests as whole requests, discount factors to six decimals."""
    rows = monthly_rows(result)
    return [r for o in ranked(result) for r in _option_in_cents(o, [r for r in rows if r["option"] == o.id])]


def as_monthly_csv(result: ScenarioResult) -> str:
    """Long format, one line per option, month and cost component, month 0 (the one-time costs) included: a
    pivot table's natural input. Per option the `usd` column adds up to the summary's total cost to the cent."""
    rows = [
        {"option": r["option"], "month": r["month"], "period": r["period"], "component": k[2:], "usd": v}
        for r in monthly_rows_in_cents(result)
        for k, v in r.items()
        if k.startswith("c.")
    ]
    return to_csv(rows, LONG, {"usd": "usd", "month": "int"})


def monthly_columns(result: ScenarioResult) -> list[Column]:
    """The workbook's `monthly` sheet: the one-time components first (month 0), then each month's."""
    monthly = [k for o in result.options for k in o.monthly_components_usd]
    one_time = [k for o in result.options for k in one_time_usd(o)]
    components = list(dict.fromkeys([*one_time, *monthly]))
    return [
        Column("option", "option", width=22),
        Column("month", "month (0 = start)", "int", 10),
        Column("period", "period (month 0: the start)", "month", 12),
        Column("requests", "requests", "int"),
        *(Column(f"c.{k}", f"{k.replace('_', ' ')} (USD)", "usd_cents") for k in components),
        Column("cost_usd", "P&L cost, one-time included (USD)", "usd_cents", 16),
        Column("one_time_usd", "one-time (USD)", "usd_cents"),
        Column("capex_usd", "capex, cash (USD)", "usd_cents"),
        Column("opex_usd", "opex (USD)", "usd_cents"),
        Column("cash_out_usd", "cash out (USD)", "usd_cents"),
        Column("cumulative_cash_out_usd", "cumulative cash out (USD)", "usd_cents", 16),
        Column("discount_factor", "discount factor", "ratio"),
        Column("pv_cost_usd", "present value of cost (USD)", "usd_cents"),
    ]
