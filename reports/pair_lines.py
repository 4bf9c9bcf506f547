"""A (self-hosted, API) pair's finance in words, as the CLI table and the decision report write it: NPV of
savings, payback, IRR and ROI, and where along the volume axis each side is the cheaper."""

from __future__ import annotations

from tco.decision.verdict import payback_text
from tco.finance.volume_ranges import ranges_text
from tco.records.amounts import usd_saved
from tco.records.results import BreakEven, ScenarioResult


def pair_lines(pair: BreakEven, result: ScenarioResult) -> list[str]:
    """The pair's headline, then its month-1 and horizon ranges, then its returns. E.g.
    "glm5-h200 vs gemini-3.1-pro: NPV of savings $1,043,546, payback month 3.", "In month 1 (first-month prices):
    glm5-h200 is cheaper above 2.1M requests/month; …", "Over the horizon (NPV, by first-month volume): …",
    "IRR 48% a year, ROI 112%." (or why there is none)."""
    hosted, api = pair.self_hosted, pair.api
    savings = usd_saved(result.option(hosted).npv_cost_usd, result.option(api).npv_cost_usd)  # ties to the table's
    lines = [
        f"{hosted} vs {api}: NPV of savings {savings}, {payback_text(pair)}.",
        f"In month 1 (first-month prices): {ranges_text(pair.month_one_ranges, hosted, api)}.",
        f"Over the horizon (NPV, by first-month volume): {ranges_text(pair.horizon_ranges, hosted, api)}.",
    ]
    if pair.returns_note:
        lines.append(f"IRR and ROI: none, {pair.returns_note}.")
    elif pair.irr is not None and pair.roi is not None:
        without = pair.roi_without_terminal_value
        kept = f" (the servers' terminal value counted; without it, {without:.0%})" if without is not None else ""
        lines.append(f"IRR {pair.irr:.0%} a year, ROI {pair.roi:.0%}{kept}.")
    return lines
