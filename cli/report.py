"""Render a `ScenarioResult` as a table, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from datafiles.export import json_safe
from reports.mix import mix_dict, mix_lines
from reports.pair_lines import pair_lines
from reports.ranking import project_line, ranked
from tco.decision.evidence import contract_note, retiring_note
from tco.decision.mix_verdict import with_mix
from tco.decision.verdict import Decision, decide, mean_monthly_usd, mean_staff_usd, status, verdict
from tco.records.amounts import chance, usd, usd_per_task
from tco.records.mix import MixCase, MixDraws, MixResult
from tco.records.results import OptionResult, ScenarioResult
from tco.risk.report import RiskReport


def _risk_dict(risk: RiskReport | None) -> dict[str, Any] | None:
    """The risk report as the JSON contract's `risk` object (None without one)."""
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


def as_json(
    result: ScenarioResult,
    risk: RiskReport | None,
    mix: MixResult | None = None,
    cases: list[MixCase] | None = None,
    draws: MixDraws | None = None,
) -> str:
    """The whole result and its risk report as JSON (no NaN or infinity); the best mix as `portfolio` when solved."""
    doc = dataclasses.asdict(result)
    doc["risk"] = _risk_dict(risk)
    if mix is not None:
        doc["portfolio"] = mix_dict(mix, cases, draws)
        doc["verdict"] = with_mix(verdict(result), mix)
    return json.dumps(json_safe(doc), indent=2, allow_nan=False)


def _money(value: float | None) -> str:
    """Whole dollars, sign before the symbol (tco.records.amounts.usd); '-' when there is no figure."""
    return "-" if value is None or value != value else usd(value)


COLUMNS = (
    ("kind", 9), ("$/month", 11), ("staff/mo", 9), ("total", 13), ("NPV", 13), ("$/Mtok", 8), ("$/task", 9),
    ("GPUs", 5), ("util", 5), ("SLO", 4), ("quality", 7),
)  # fmt: skip
"""The ranked table's columns after the option id, with their widths; `status` follows, unpadded. $/month is the
mean over the horizon, as the app's table shows it ($/Mtok and $/task are month 1's, as there)."""


def _cells(o: OptionResult) -> list[str]:
    """One option's cells, in COLUMNS' order."""
    util = f"{o.utilization_first_month:.0%}" if o.utilization_first_month is not None else "-"
    return [
        "distilled" if o.distillation else (o.ownership or o.kind),
        _money(mean_monthly_usd(o)),
        _money(mean_staff_usd(o)),
        _money(o.total_cost_usd),
        _money(o.npv_cost_usd),
        f"{o.usd_per_mtok:.3f}",
        usd_per_task(o.usd_per_request),  # to the decimals every page shows
        f"{o.gpus_billed_first_month or '-'}",
        util,
        "yes" if o.slo_met else "NO",
        f"{o.quality_score:g}" if o.quality_score is not None else "-",
    ]


def _row(option: str, width: int, cells: list[str], status_text: str) -> str:
    """A table line: the id padded to `width`, the kind left-aligned, the figures right-aligned, then the status."""
    kind, *numbers = cells
    aligned = [f"{kind:<{COLUMNS[0][1]}}", *(f"{c:>{w}}" for c, (_, w) in zip(numbers, COLUMNS[1:], strict=True))]
    return f"{option:<{width}} {' '.join(aligned)}  {status_text}"


def options_table(result: ScenarioResult, decision: Decision, mix: MixResult | None = None) -> list[str]:
    """The ranked options, one line each, with the status the app shows (tco.decision.verdict.status):
    recommended, next best, eligible, or why not; an option that cannot be computed last, with its problem."""
    options = ranked(result)
    width = max([len("option"), *(len(o.id) for o in options), *(len(e.id) for e in result.option_errors)])
    header = _row("option", width, [name for name, _ in COLUMNS], "status")
    lines = [header, "-" * len(header)]
    lines += [_row(o.id, width, _cells(o), status(o, decision, mix)) for o in options]
    lines += [f"{e.id:<{width}} {'ERROR':<{COLUMNS[0][1]}} cannot be computed: {e.error}" for e in result.option_errors]
    if retiring := retiring_note(options):
        lines.append(retiring)
    if contracts := contract_note(result):
        lines.append(contracts)
    return lines


def as_table(
    result: ScenarioResult,
    risk: RiskReport | None,
    mix: MixResult | None = None,
    cases: list[MixCase] | None = None,
    draws: MixDraws | None = None,
) -> str:
    """The ranked table, each headline pair's break-even, the verdict, the Monte Carlo and every option's notes."""
    decision = decide(result)
    lines = [
        f"{result.scenario}  ({len(result.assumptions['months'])} months from {result.assumptions['months'][0]})",
        *options_table(result, decision, mix),
    ]
    for pair in result.break_even:
        if pair.api != (risk.api if risk else None):
            continue
        first, *rest = pair_lines(pair, result)
        lines.append("\n" + first + "".join(f"\n  {line}" for line in rest))
    lines.extend(project_line(o) for o in result.options if o.distillation)
    if mix is not None:
        lines += mix_lines(mix, cases, draws)
    lines.append(f"\nVerdict: {with_mix(verdict(result, decision), mix)}")
    if risk is not None:
        p10, p50, p90 = risk.savings_npv_p10_p50_p90_usd
        p = chance(risk.p_self_host_cheaper)  # "= 63%", but "<1%" and ">99%" as they are
        lines.append(
            f"Risk, {risk.self_hosted} vs {risk.api} ({risk.samples:,} samples, seed {risk.seed}): "
            f"P({risk.self_hosted} cheaper) {p if p[0] in '<>' else '= ' + p}; "
            f"NPV of savings P10 {usd(p10)}, P50 {usd(p50)}, P90 {usd(p90)}"
        )
    lines.append(f"\nPrices: {result.assumptions['price_data']}")
    for o in ranked(result):
        for note in o.notes:
            lines.append(f"  [{o.id}] {note}")
    return "\n".join(lines)
