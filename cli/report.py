"""Render a `ScenarioResult` as a table, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from datafiles.export import json_safe
from reports.ranking import money_text, project_line, ranked
from tco.decision.verdict import mean_staff_usd, payback_text, verdict
from tco.finance.volume_ranges import ranges_text
from tco.records.results import ScenarioResult
from tco.risk.report import RiskReport


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


def as_table(result: ScenarioResult, risk: RiskReport | None) -> str:
    header = (
        f"{'option':<22} {'kind':<8} {'month 1':>11} {'staff/mo':>9} {'total':>13} {'$/Mtok':>8} {'$/req':>9} "
        f"{'GPUs':>5} {'util':>5} {'SLO':>4} {'quality':>7}"
    )
    lines = [
        f"{result.scenario}  ({len(result.assumptions['months'])} months from {result.assumptions['months'][0]})",
        header,
        "-" * len(header),
    ]
    for o in ranked(result):
        kind = "distilled" if o.distillation else (o.ownership or o.kind)
        util = f"{o.utilization_first_month:.0%}" if o.utilization_first_month is not None else "-"
        quality = f"{o.quality_score:g}" if o.quality_score is not None else "?"
        lines.append(
            f"{o.id:<22} {kind:<8} {money_text(o.first_month_cost_usd):>11} {money_text(mean_staff_usd(o)):>9} "
            f"{money_text(o.total_cost_usd):>13} "
            f"{o.usd_per_mtok:>8.3f} {o.usd_per_request:>9.5f} {o.gpus_billed_first_month or '-':>5} {util:>5} "
            f"{'yes' if o.slo_met else 'NO':>4} {quality:>7}"
        )
    for err in result.option_errors:
        lines.append(f"{err.id:<22} ERROR    {err.error}")
    for pair in result.break_even:
        hosted, api = result.option(pair.self_hosted), result.option(pair.api)
        if api.id != (risk.api if risk else None):
            continue
        lines.append(
            f"\n{hosted.id} vs {api.id}: NPV of savings {money_text(pair.npv_savings_usd)}, {payback_text(pair)}."
            f"\n  In month 1 (first-month prices): {ranges_text(pair.month_one_ranges, hosted.id, api.id)}."
            f"\n  Over the horizon (NPV, by first-month volume): "
            f"{ranges_text(pair.horizon_ranges, hosted.id, api.id)}."
            + (f"\n  IRR and ROI: none, {pair.returns_note}." if pair.returns_note else "")
        )
    lines.extend(project_line(o) for o in result.options if o.distillation)
    lines.append(f"\nVerdict: {verdict(result)}")
    if risk is not None:
        p10, p50, p90 = risk.savings_npv_p10_p50_p90_usd
        lines.append(
            f"Risk, {risk.self_hosted} vs {risk.api} ({risk.samples:,} samples, seed {risk.seed}): "
            f"P({risk.self_hosted} cheaper) = {risk.p_self_host_cheaper:.0%}; "
            f"NPV of savings P10 {money_text(p10)}, P50 {money_text(p50)}, P90 {money_text(p90)}"
        )
    lines.append(f"\nPrices: {result.assumptions['price_data']}")
    for o in ranked(result):
        for note in o.notes:
            lines.append(f"  [{o.id}] {note}")
    return "\n".join(lines)
