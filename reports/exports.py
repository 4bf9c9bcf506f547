"""Exports a finance reader pastes into a model: a summary CSV with units in its headers, a long monthly CSV
(option, month, component, USD), and an Excel workbook with number formats, frozen headers and filters.

The monthly rows follow the timing of the NPV: month 0 is the start (one-time implementation and, for owned
hardware, the first servers bought), months 1..H each carry their P&L cost by component and their cash out.
For owned hardware `capex` is what the servers cost in cash in that month (purchases and replacements less
resale) and `opex` the rest of the P&L cost (the capital charge excluded); elsewhere capex is zero.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from datafiles.export import Column, to_csv, to_xlsx
from reports.ranking import ranked
from tco.decision.verdict import decide, mean_monthly_usd, status
from tco.finance import discounting
from tco.records.results import BreakEven, OptionResult, ScenarioResult
from tco.risk.report import RiskReport

SUMMARY = [
    Column("option", "option", width=22),
    Column("status", "status", width=22),
    Column("kind", "kind"),
    Column("model", "model", width=22),
    Column("gpu", "GPU"),
    Column("mean_monthly_usd", "cost a month, mean over horizon (USD)", "usd"),
    Column("first_month_usd", "cost in month 1 (USD)", "usd"),
    Column("total_usd", "total cost over horizon incl. one-time (USD)", "usd", 16),
    Column("npv_usd", "NPV of cost (USD)", "usd"),
    Column("usd_per_task", "cost per task, month 1 (USD)", "usd4"),
    Column("usd_per_mtok", "cost per million tokens, month 1 (USD)", "usd2"),
    Column("gpus_billed", "GPUs billed, month 1", "number"),
    Column("replicas", "replicas, month 1", "int"),
    Column("utilization", "utilisation of billed GPUs, month 1 (%)", "percent"),
    Column("usd_per_gpu_hour", "GPU price (USD per GPU-hour)", "usd2"),
    Column("server_usd", "server price (USD per server)", "usd"),
    Column("slo_met", "meets the latency SLO"),
    Column("quality_gate", "quality gate"),
    Column("quality_score", "quality score (0-100)", "number"),
    Column("success_rate", "success rate (%)", "percent"),
    Column("compared_with", "compared with (API)", width=18),
    Column("npv_savings_usd", "NPV of savings vs that API (USD)", "usd"),
    Column("payback_month", "payback month vs that API", "int"),
    Column("irr", "IRR vs that API (% a year)", "percent"),
    Column("roi", "ROI vs that API (%)", "percent"),
    Column("basis", "throughput basis", width=22),
    Column("taught_by", "distilled from (teacher)", width=18),
    Column("project_usd", "distillation project, one-time (USD)", "usd"),
    Column("payback_vs_teacher", "payback month vs the teacher", "int"),
]
MONTHLY_LONG = ["option", "month", "period", "component", "usd"]


def file_stem(scenario_name: str, today: str) -> str:
    """`<scenario>-<date>`, safe as a file name.

    "GLM-5 against the frontier" on 2026-12-01 -> glm-5-against-the-frontier-2026-12-01."""
    slug = re.sub(r"[^a-z0-9]+", "-", scenario_name.lower()).strip("-")[:60] or "scenario"
    return f"{slug}-{today}"


def _pair(result: ScenarioResult, option: OptionResult) -> BreakEven | None:
    if option.returns_against is None:
        return None
    return next((b for b in result.break_even if (b.self_hosted, b.api) == (option.id, option.returns_against)), None)


def summary_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    decision = decide(result)
    rows = []
    for o in ranked(result):
        pair = _pair(result, o)
        rows.append(
            {
                "option": o.id,
                "status": status(o, decision),
                "kind": "distilled" if o.distillation else (o.ownership or o.kind),
                "model": o.model,
                "gpu": o.gpu,
                "mean_monthly_usd": mean_monthly_usd(o),
                "first_month_usd": o.first_month_cost_usd,
                "total_usd": o.total_cost_usd,
                "npv_usd": o.npv_cost_usd,
                "usd_per_task": o.usd_per_request,
                "usd_per_mtok": o.usd_per_mtok,
                "gpus_billed": o.gpus_billed_first_month,
                "replicas": o.replicas_first_month,
                "utilization": o.utilization_first_month,
                "usd_per_gpu_hour": o.usd_per_gpu_hour,
                "server_usd": o.server_usd,
                "slo_met": o.slo_met,
                "quality_gate": o.quality_gate,
                "quality_score": o.quality_score,
                "success_rate": o.success_rate,
                "compared_with": o.returns_against,
                "npv_savings_usd": pair.npv_savings_usd if pair else None,
                "payback_month": pair.payback_month if pair else None,
                "irr": o.irr,
                "roi": o.roi,
                "basis": o.capacity_basis,
                "taught_by": o.distillation["teacher"] if o.distillation else None,
                "project_usd": o.one_time_cost_usd,
                "payback_vs_teacher": o.distillation.get("payback_month_vs_teacher") if o.distillation else None,
            }
        )
    for err in result.option_errors:
        rows.append({"option": err.id, "status": f"cannot be computed: {err.error}", "model": err.label})
    return rows


def _percent_as_number(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV cells hold no format: shares are written as percent numbers (18.6 for 18.6 %), headers say so."""
    keys = [c.key for c in SUMMARY if c.kind == "percent"]
    return [{**r, **{k: round(r[k] * 100, 4) for k in keys if r.get(k) is not None}} for r in rows]


def as_csv(result: ScenarioResult) -> str:
    """One row per option; headers with their units; percentages as percent numbers."""
    header = {c.key: c.header for c in SUMMARY}
    rows = [{header[k]: v for k, v in r.items() if k in header} for r in _percent_as_number(summary_rows(result))]
    return to_csv(rows, [c.header for c in SUMMARY])


def monthly_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    """One row per option per month (0 = start): requests, P&L cost by component, one-time, capex, opex, cash out,
    discount factor and present value of the cost."""
    months = result.assumptions["months"]
    rate = result.assumptions["finance"]["discount_rate_annual"]
    factors = discounting.discount_factors(rate, len(months))
    requests = result.assumptions["requests_per_month"]
    rows = []
    for o in ranked(result):
        implementation = o.total_cost_usd - sum(o.monthly_cost_usd)
        start_cash = o.cash_flow_usd[0] if o.cash_flow_usd is not None else implementation
        rows.append({"option": o.id, "month": 0, "period": "start", "one_time_usd": implementation,
                     "capex_usd": start_cash - implementation, "opex_usd": 0.0, "cash_out_usd": start_cash,
                     "discount_factor": 1.0, "pv_cost_usd": implementation})  # fmt: skip
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


def as_monthly_csv(result: ScenarioResult) -> str:
    """Long format, one line per option, month and cost component: a pivot table's natural input."""
    rows = [
        {"option": r["option"], "month": r["month"], "period": r["period"], "component": k[2:], "usd": v}
        for r in monthly_rows(result)
        if r["month"] > 0
        for k, v in r.items()
        if k.startswith("c.")
    ]
    return to_csv(rows, MONTHLY_LONG)


def _monthly_columns(result: ScenarioResult) -> list[Column]:
    components = list(dict.fromkeys(k for o in result.options for k in o.monthly_components_usd))
    return [
        Column("option", "option", width=22),
        Column("month", "month (0 = start)", "int", 10),
        Column("period", "period", "month", 10),
        Column("requests", "requests", "int"),
        *(Column(f"c.{k}", f"{k.replace('_', ' ')} (USD)", "usd") for k in components),
        Column("cost_usd", "P&L cost (USD)", "usd"),
        Column("one_time_usd", "one-time (USD)", "usd"),
        Column("capex_usd", "capex, cash (USD)", "usd"),
        Column("opex_usd", "opex (USD)", "usd"),
        Column("cash_out_usd", "cash out (USD)", "usd"),
        Column("cumulative_cash_out_usd", "cumulative cash out (USD)", "usd", 16),
        Column("discount_factor", "discount factor", "ratio"),
        Column("pv_cost_usd", "present value of cost (USD)", "usd"),
    ]


def _pairs(result: ScenarioResult) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [
        Column("self_hosted", "self-hosted option", width=22),
        Column("api", "API option", width=22),
        Column("npv_savings_usd", "NPV of savings (USD)", "usd"),
        Column("payback_month", "payback month", "int"),
        Column("discounted_payback_month", "discounted payback month", "int"),
        Column("cash_payback_month", "cash payback month (owned)", "int"),
        Column("terminal_value_usd", "terminal value (USD)", "usd"),
        Column("irr", "IRR (% a year)", "percent"),
        Column("roi", "ROI (%)", "percent"),
        Column("break_even_utilization", "break-even utilisation (%)", "percent"),
    ]
    return columns, [{c.key: getattr(b, c.key) for c in columns} for b in result.break_even]


def _crossings(result: ScenarioResult) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [
        Column("self_hosted", "self-hosted option", width=22),
        Column("api", "API option", width=22),
        Column("basis", "basis", width=30),
        Column("requests_per_month", "first-month volume (requests/month)", "int", 18),
        Column("tokens_per_month", "tokens/month", "int", 18),
        Column("direction", "above this volume", width=28),
    ]
    rows = [
        {"self_hosted": b.self_hosted, "api": b.api, "basis": basis, "requests_per_month": c.requests_per_month,
         "tokens_per_month": c.tokens_per_month,
         "direction": "self-hosting cheaper" if c.self_hosted_cheaper_above else "self-hosting dearer"}
        for b in result.break_even
        for basis, crossings in (("month 1, first-month prices", b.crossings),
                                 ("horizon NPV zero", b.horizon_crossings))
        for c in crossings
    ]  # fmt: skip
    return columns, rows


def assumption_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    """Every input the figures rest on, one per row: name, value (a number where it is one), unit."""
    a = result.assumptions
    f = a["finance"]
    rows = [
        ("scenario", result.scenario, ""),
        ("scenario file", a["scenario_file"], ""),
        ("price data", a["price_data"], ""),
        ("first month", a["months"][0], "YYYY-MM"),
        ("horizon", len(a["months"]), "months"),
        ("requests in month 1", a["requests_per_month_first"], "requests/month"),
        ("tokens per request", a["tokens_per_request"], "tokens (input + output)"),
        ("monthly growth", a["monthly_growth"], "share a month"),
        ("peak-to-average", a["peak_to_average"], "ratio"),
        ("hours per month", a["hours_per_month"], "hours"),
        ("discount rate", f["discount_rate_annual"], "share a year"),
        ("API price decline", f["api_price_decline_annual"], "share a year"),
        ("GPU price decline", f["gpu_price_decline_annual"], "share a year (on-demand and spot)"),
        ("staff cost", f["staff_usd_per_fte_month"], "USD per FTE-month"),
        *((f"ops staff, {k}", v, "FTE") for k, v in f["ops_fte"].items()),
        ("GPUs per extra ops FTE", f["gpus_per_ops_fte"], "GPUs"),
        *((f"capacity: {k.replace('_', ' ')}", v, "") for k, v in a["capacity"].items()),
        *((f"SLO {k.removesuffix('_s').replace('_', ' ')}", v, "seconds") for k, v in a["slo"].items()),
        *((f"quality gate: {k.replace('_', ' ')}", v, "") for k, v in a["quality_gate"].items() if v is not None),
        *((f"option {o.id}: GPU price", o.usd_per_gpu_hour, "USD per GPU-hour") for o in result.options
          if o.usd_per_gpu_hour is not None),
        *((f"option {o.id}: server price", o.server_usd, "USD per server") for o in result.options
          if o.server_usd is not None),
        *((f"default: {k}", v, "source") for k, v in a["default_sources"].items()),
    ]  # fmt: skip
    return [{"name": n, "value": v, "unit": u} for n, v, u in rows if v is not None]


def _risk_sheets(risk: RiskReport) -> dict[str, tuple[list[Column], list[dict[str, Any]]]]:
    tornado_columns = [
        Column("input", "input", width=30),
        Column("low_label", "low case"),
        Column("high_label", "high case"),
        Column("savings_at_low_usd", f"NPV of savings, low case ({risk.api} minus {risk.self_hosted}, USD)", "usd", 18),
        Column("savings_at_high_usd", "NPV of savings, high case (USD)", "usd", 18),
        Column("swing_usd", "swing (USD)", "usd"),
    ]
    bars = [{**dataclasses.asdict(b), "swing_usd": b.swing_usd} for b in risk.tornado.bars]
    band_columns = [
        Column("measure", "what is measured", width=40),
        Column("p10", "P10 (USD)", "usd"),
        Column("p50", "P50 (USD)", "usd"),
        Column("p90", "P90 (USD)", "usd"),
    ]
    bands = [{"measure": f"total cost over the horizon: {i}", **p} for i, p in risk.total_cost_p10_p50_p90_usd.items()]
    p10, p50, p90 = risk.savings_npv_p10_p50_p90_usd
    bands.append(
        {"measure": f"NPV of savings, {risk.api} minus {risk.self_hosted}", "p10": p10, "p50": p50, "p90": p90}
    )
    bands.append({"measure": f"P(self-hosting cheaper) = {risk.p_self_host_cheaper:.1%}; {risk.samples:,} samples, "
                             f"seed {risk.seed}"})  # fmt: skip
    return {"tornado": (tornado_columns, bars), "monte carlo": (band_columns, bands)}


def as_xlsx(result: ScenarioResult, risk: RiskReport | None) -> bytes:
    """Summary, monthly (one row per option per month: components, capex/opex, cash, PV), pairs, break-even
    crossings (one per row), risk, assumptions. Numbers are numbers in their formats; no formulas, no links."""
    sheets: dict[str, tuple[list[Column], list[dict[str, Any]]]] = {
        "summary": (SUMMARY, summary_rows(result)),
        "monthly": (_monthly_columns(result), monthly_rows(result)),
        "pairs": _pairs(result),
        "break-even crossings": _crossings(result),
    }
    if risk is not None:
        sheets.update(_risk_sheets(risk))
    sheets["assumptions"] = (
        [
            Column("name", "assumption", width=36),
            Column("value", "value", "number", 24),
            Column("unit", "unit", width=40),
        ],
        assumption_rows(result),
    )
    return to_xlsx(sheets)
