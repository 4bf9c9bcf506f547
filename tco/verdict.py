"""One plain sentence with the answer, for the app's headline and the CLI table."""

from __future__ import annotations

from tco.results import ScenarioResult
from tco.risk import headline_pair


def verdict(result: ScenarioResult) -> str:
    """E.g. "Self-hosting glm-5 on 24 H200 GPUs costs $43,896/month, 32% more than glm5-api ($33,300/month)..."."""
    pair = headline_pair(result)
    if pair is None:
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
    return sentence + "."
