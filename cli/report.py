"""Render a `ScenarioResult` as a table, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from datafiles.export import json_safe, to_csv, to_xlsx
from tco.results import Crossing, OptionResult, ScenarioResult
from tco.risk import RiskReport
from tco.verdict import verdict

CSV_COLUMNS = [
    "id",
    "kind",
    "ownership",
    "model",
    "label",
    "first_month_cost_usd",
    "total_cost_usd",
    "npv_cost_usd",
    "usd_per_mtok",
    "usd_per_mtok_input",
    "usd_per_mtok_output",
    "usd_per_request",
    "replicas_first_month",
    "gpus_first_month",
    "gpus_billed_first_month",
    "utilization_first_month",
    "slo_met",
    "capacity_basis",
    "quality_score",
    "quality_ok",
    "cost_of_pass_usd",
    "notes",
]


def ranked(result: ScenarioResult) -> list[OptionResult]:
    """Options meeting SLO and quality gate first, then by NPV of cost."""
    return sorted(result.options, key=lambda o: (not o.slo_met, o.quality_ok is False, o.npv_cost_usd))


def _risk_dict(risk: RiskReport | None) -> dict[str, Any] | None:
    if risk is None:
        return None
    return {
        "self_hosted": risk.self_hosted,
        "api": risk.api,
        "p_self_host_cheaper": risk.p_self_host_cheaper,
        "savings_npv_usd": dict(zip(("p10", "p50", "p90"), risk.savings_npv_p10_p50_p90_usd, strict=True)),
        "total_cost_usd": risk.total_cost_p10_p50_p90_usd,
        "samples": risk.samples,
        "seed": risk.seed,
        "tornado": [{**dataclasses.asdict(b), "swing_usd": b.swing_usd} for b in risk.tornado.bars],
    }


def as_json(result: ScenarioResult, risk: RiskReport | None) -> str:
    doc = dataclasses.asdict(result)
    doc["risk"] = _risk_dict(risk)
    return json.dumps(json_safe(doc), indent=2, allow_nan=False)


def option_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    """Ranked options as flat rows (notes joined), the body of every tabular export."""
    rows = []
    for option in ranked(result):
        row = dataclasses.asdict(option)
        row["notes"] = " | ".join(option.notes)
        rows.append(row)
    return rows


def as_csv(result: ScenarioResult) -> str:
    return to_csv(option_rows(result), CSV_COLUMNS)


def as_xlsx(result: ScenarioResult, risk: RiskReport | None) -> bytes:
    """A workbook for finance: options, monthly costs, break-even pairs, risk, assumptions."""
    months = result.assumptions["months"]
    monthly = [{"month": m, **{o.id: o.monthly_cost_usd[t] for o in result.options}} for t, m in enumerate(months)]
    pairs = [
        {
            "self_hosted": b.self_hosted,
            "api": b.api,
            "npv_savings_usd": b.npv_savings_usd,
            "payback_month": b.payback_month,
            "discounted_payback_month": b.discounted_payback_month,
            "cash_payback_month": b.cash_payback_month,
            "terminal_value_usd": b.terminal_value_usd,
            "irr": b.irr,
            "roi": b.roi,
            "break_even_utilization": b.break_even_utilization,
            "break_even_requests_per_month": "; ".join(f"{c.requests_per_month:.0f}" for c in b.crossings),
            "horizon_break_even_requests_per_month": "; ".join(
                f"{c.requests_per_month:.0f}" for c in b.horizon_crossings
            ),
        }
        for b in result.break_even
    ]
    sheets: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "options": (CSV_COLUMNS, option_rows(result)),
        "monthly cost": (["month", *(o.id for o in result.options)], monthly),
        "break-even": (list(pairs[0]) if pairs else ["self_hosted", "api"], pairs),
    }
    if risk is not None:
        bars = [{**dataclasses.asdict(b), "swing_usd": b.swing_usd} for b in risk.tornado.bars]
        sheets["tornado"] = (list(bars[0]) if bars else ["input"], bars)
        bands = [{"option": i, **p} for i, p in risk.total_cost_p10_p50_p90_usd.items()]
        sheets["monte carlo"] = (["option", "p10", "p50", "p90"], bands)
    flat = {k: v for k, v in result.assumptions.items() if not isinstance(v, dict | list)}
    sheets["assumptions"] = (["name", "value"], [{"name": k, "value": str(v)} for k, v in flat.items()])
    return to_xlsx(sheets)


def _money(value: float | None) -> str:
    return "-" if value is None or value != value else f"${value:,.0f}"


def _crossing_text(crossings: list[Crossing]) -> str:
    return (
        ", ".join(
            f"{c.requests_per_month:,.0f} req/mo ({'cheaper above' if c.self_hosted_cheaper_above else 'dearer above'})"
            for c in crossings[:4]
        )
        + (f" and {len(crossings) - 4} more" if len(crossings) > 4 else "")
        or "none in 1e2-1e11 requests/month"
    )


def as_table(result: ScenarioResult, risk: RiskReport | None) -> str:
    header = (
        f"{'option':<22} {'kind':<8} {'month 1':>11} {'total':>13} {'$/Mtok':>8} {'$/req':>9} "
        f"{'GPUs':>5} {'util':>5} {'SLO':>4} {'quality':>7}"
    )
    lines = [
        f"{result.scenario}  ({len(result.assumptions['months'])} months from {result.assumptions['months'][0]})",
        header,
        "-" * len(header),
    ]
    for o in ranked(result):
        kind = o.ownership or o.kind
        util = f"{o.utilization_first_month:.0%}" if o.utilization_first_month is not None else "-"
        quality = f"{o.quality_score:g}" if o.quality_score is not None else "?"
        lines.append(
            f"{o.id:<22} {kind:<8} {_money(o.first_month_cost_usd):>11} {_money(o.total_cost_usd):>13} "
            f"{o.usd_per_mtok:>8.3f} {o.usd_per_request:>9.5f} {o.gpus_billed_first_month or '-':>5} {util:>5} "
            f"{'yes' if o.slo_met else 'NO':>4} {quality:>7}"
        )
    for err in result.option_errors:
        lines.append(f"{err.id:<22} ERROR    {err.error}")
    for pair in result.break_even:
        hosted, api = result.option(pair.self_hosted), result.option(pair.api)
        if api.id != (risk.api if risk else None):
            continue
        payback = f"month {pair.payback_month}" if pair.payback_month else "never within the horizon"
        lines.append(
            f"\n{hosted.id} vs {api.id}: NPV of savings {_money(pair.npv_savings_usd)}, payback {payback}; "
            f"break-even volume in month 1: {_crossing_text(pair.crossings)}; "
            f"over the horizon (month-1 volume, NPV zero): {_crossing_text(pair.horizon_crossings)}"
        )
    lines.append(f"\nVerdict: {verdict(result)}")
    if risk is not None:
        p10, p50, p90 = risk.savings_npv_p10_p50_p90_usd
        lines.append(
            f"Risk ({risk.samples:,} samples, seed {risk.seed}): "
            f"P(self-host cheaper) = {risk.p_self_host_cheaper:.0%}; "
            f"NPV of savings P10 {_money(p10)}, P50 {_money(p50)}, P90 {_money(p90)}"
        )
    lines.append(f"\nPrices: {result.assumptions['price_data']}")
    for o in ranked(result):
        for note in o.notes:
            lines.append(f"  [{o.id}] {note}")
    return "\n".join(lines)
