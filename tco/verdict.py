"""One plain answer, for the app's headline and the CLI table.

With a quality gate set it starts with the recommendation: the cheapest option (NPV of cost) that meets the
SLO and the gate, its cost per task, and what the next-best such option costs; the options left out are
named with the reason (below the gate, unscored, SLO missed). Then, as without a gate, the headline pair:
the best self-hosted option against the best API (tco.risk.headline_pair, gate-passing ones first).
"""

from __future__ import annotations

from tco.results import OptionResult, ScenarioResult, recommendable
from tco.risk import headline_pair


def recommendation(result: ScenarioResult, gate: str) -> str:
    """E.g. "Recommended: glm5-h200 ($24,000/month, $0.0080 a task, meets the SLO and GPQA ≥ 85); next best
    glm5-api at $31,000/month (+29%). Not recommended: gpt-5 (below the gate), opus (unscored)."."""
    ranked = sorted(result.options, key=lambda o: o.npv_cost_usd)
    eligible = [o for o in ranked if recommendable(o)]
    left_out = [
        f"{o.id} ({'misses the SLO' if not o.slo_met else o.quality_gate + ' on the gate'})"
        for o in ranked
        if not recommendable(o)
    ]
    if not eligible:
        sentence = f"No option meets both the SLO and the quality gate ({gate})"
    else:
        best = eligible[0]
        sentence = f"Recommended: {best.id} (${best.first_month_cost_usd:,.0f}/month, {_per_task(best)}; {gate})"
        if len(eligible) > 1:
            nxt = eligible[1]
            extra = nxt.npv_cost_usd / best.npv_cost_usd - 1 if best.npv_cost_usd else 0.0
            sentence += f"; next best {nxt.id} at ${nxt.first_month_cost_usd:,.0f}/month"
            sentence += f" ({extra:+.0%} over the horizon)"
    if left_out:
        sentence += ". Not recommended: " + ", ".join(left_out)
    return sentence + "."


def _per_task(option: OptionResult) -> str:
    text = f"${option.usd_per_request:,.4f} a task"
    if option.cost_of_pass_usd is not None:
        text += f", ${option.cost_of_pass_usd:,.4f} per successful task"
    return text


def gate_text(result: ScenarioResult) -> str | None:
    gate = result.assumptions.get("quality_gate") or {}
    parts = []
    if gate.get("min_score") is not None:
        parts.append(f"{gate['benchmark']} ≥ {gate['min_score']:g}")
    if gate.get("min_success_rate") is not None:
        parts.append(f"success rate ≥ {gate['min_success_rate']:.0%}")
    return " and ".join(parts) or None


def verdict(result: ScenarioResult) -> str:
    """E.g. "Self-hosting glm-5 on 24 H200 GPUs costs $43,896/month, 32% more than glm5-api ($33,300/month)..."."""
    gate = gate_text(result)
    head = recommendation(result, gate) + " " if gate else ""
    pair = headline_pair(result)
    if pair is None:
        if gate:
            return head.strip()
        cheapest = min(result.options, key=lambda o: o.npv_cost_usd)
        return f"Cheapest option: {cheapest.id} at ${cheapest.first_month_cost_usd:,.0f} in the first month."
    hosted, api = pair
    change = hosted.first_month_cost_usd / api.first_month_cost_usd - 1
    direction = "less" if change < 0 else "more"
    sentence = (
        f"Self-hosting {hosted.model} on {hosted.gpus_billed_first_month or hosted.gpus_first_month} "
        f"{hosted.gpu or ''} GPUs costs "
        f"${hosted.first_month_cost_usd:,.0f}/month, {abs(change):.0%} {direction} than {api.id} "
        f"(${api.first_month_cost_usd:,.0f}/month)"
    )
    be = next(b for b in result.break_even if b.self_hosted == hosted.id and b.api == api.id)
    months = len(hosted.monthly_cost_usd)
    if be.payback_month is not None and be.npv_savings_usd > 0:
        sentence += f", and pays back in {be.payback_month} month{'s' if be.payback_month != 1 else ''}"
    else:
        sentence += f"; it does not pay back within {months} months"
    if not hosted.slo_met:
        sentence += " (and it misses the latency SLO)"
    if gate and not recommendable(api):
        sentence += f" ({api.id}, the API compared, is itself {api.quality_gate} on the gate)"
    return head + sentence + "."
