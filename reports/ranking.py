"""The order and the words both front ends show: options ranked, a distilled option's project in a paragraph,
amounts as whole dollars with the sign before the dollar."""

from __future__ import annotations

from tco.records.amounts import usd
from tco.records.results import OptionResult, ScenarioResult, rank_key


def ranked(result: ScenarioResult) -> list[OptionResult]:
    """Options meeting SLO and quality gate first, then by NPV of cost (tco.records.results.rank_key)."""
    return sorted(result.options, key=rank_key)


def throughput_basis(option: OptionResult) -> str:
    """'measured', 'published', or how it was derived with its expected error, e.g. 'modelled ±25%': where X*
    comes from and how far to trust it, short enough for a table cell (the notes name the source). The app's table
    and the exports' "throughput basis" both write it."""
    cap = option.capacity
    if cap is None or cap["method"] in ("measured", "none") or cap["method"] == option.capacity_basis:
        return option.capacity_basis
    error = f" ±{cap['expected_error']:.0%}" if cap.get("expected_error") else ""
    return f"{cap['method']}{error}"


def money_text(value: float | None) -> str:
    return "-" if value is None or value != value else usd(value)


def project_line(o: OptionResult) -> str:
    """A distilled option's project in one paragraph: its cost by part, the training run, payback, quality gap."""
    d = o.distillation
    assert d is not None and o.project_breakdown_usd is not None and o.one_time_cost_usd is not None
    parts = ", ".join(f"{k} {money_text(v)}" for k, v in o.project_breakdown_usd.items())
    if d["cluster_gpus"] is not None:
        run = (f"{o.training_gpu_hours:,.0f} GPU-h at MFU {d['mfu']:.3f}: {d['cluster_gpus']} GPUs "
               f"(floor {o.training_min_gpus}) for {d['wall_hours']:,.1f} h")  # fmt: skip
    else:
        run = d["training_price"]
    payback = d.get("payback_month_vs_teacher")
    gap = d.get("success_rate_gap")
    return (
        f"\n{o.id}: project {money_text(o.one_time_cost_usd)} one-time ({parts}); {d['method']} training of "
        f"{d['training_tokens']:,.0f} tokens, {run}"
        + (f"; redone every {d['redistill_every_months']} months" if d["redistill_every_months"] else "")
        + f". Against staying on {d['teacher']}: payback "
        + (f"month {payback}" if payback else "never within the horizon")
        + f", NPV of savings {money_text(d.get('npv_savings_vs_teacher_usd'))}; success rate gap "
        + (f"{gap:+.1%} (student − teacher)" if gap is not None else "unknown (give both success rates)")
    )
