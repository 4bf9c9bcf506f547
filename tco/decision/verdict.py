"""One plain answer for the app's headline, the decision report and the CLI: what to pick and why.

`decide` picks the cheapest option by NPV of cost that meets the SLO and, when one is set, the quality gate
(`results.recommendable`); the runner-up is the next such option. Beside it, the headline pair (the best
self-hosted option against the best API, tco.risk.report.headline_pair) says when self-hosting pays back and at
which first-month volume the answer between the two flips (the horizon break-even crossing nearest today's
volume). Costs quoted are monthly means over the horizon, not month 1, so growth and price declines count.

Worked example: the pick costs an NPV of $200,000, the runner-up $560,000: it saves $360,000 over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tco.records.results import BreakEven, OptionResult, ScenarioResult, recommendable
from tco.risk.report import headline_pair


@dataclass(frozen=True)
class Decision:
    pick: OptionResult | None
    """Cheapest recommendable option (None: nothing meets the SLO and the gate)."""
    runner_up: OptionResult | None
    savings_npv_usd: float | None
    """NPV of cost of the runner-up minus the pick's: what picking it saves over the horizon."""
    gate: str | None
    hosted: OptionResult | None
    api: OptionResult | None
    pair: BreakEven | None
    """Break-even of the headline pair (hosted vs api)."""
    flip_requests_per_month: float | None
    """First-month volume at which the headline pair's NPV of savings changes sign, nearest today's volume."""
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """(option id, why not recommended), cheapest first."""


def mean_monthly_usd(option: OptionResult) -> float:
    """Mean of the monthly costs over the horizon (growth and price declines included, one-time costs not)."""
    return sum(option.monthly_cost_usd) / len(option.monthly_cost_usd)


def why_not(option: OptionResult) -> str:
    if not option.slo_met:
        return "misses the latency SLO"
    return "below the quality gate" if option.quality_gate == "below" else "no score for the quality gate"


def status(option: OptionResult, decision: Decision) -> str:
    """recommended, next best, eligible, or why not (the table's and the exports' status column)."""
    if decision.pick is not None and option.id == decision.pick.id:
        return "recommended"
    if decision.runner_up is not None and option.id == decision.runner_up.id:
        return "next best"
    return "eligible" if recommendable(option) else why_not(option)


def _flip(pair: BreakEven, today: float) -> float | None:
    crossings = [c.requests_per_month for c in pair.horizon_crossings]
    return min(crossings, key=lambda v: abs(v / today - 1)) if crossings else None


def decide(result: ScenarioResult) -> Decision:
    ranked = sorted(result.options, key=lambda o: o.npv_cost_usd)
    eligible = [o for o in ranked if recommendable(o)]
    pick = eligible[0] if eligible else None
    runner_up = eligible[1] if len(eligible) > 1 else None
    savings = runner_up.npv_cost_usd - pick.npv_cost_usd if pick and runner_up else None
    headline = headline_pair(result)
    hosted, api = headline if headline else (None, None)
    pair = next(
        (b for b in result.break_even if hosted and api and (b.self_hosted, b.api) == (hosted.id, api.id)), None
    )
    flip = _flip(pair, result.assumptions["requests_per_month_first"]) if pair else None
    left_out = [(o.id, why_not(o)) for o in ranked if not recommendable(o)]
    return Decision(pick, runner_up, savings, gate_text(result), hosted, api, pair, flip, left_out)


def gate_text(result: ScenarioResult) -> str | None:
    gate = result.assumptions.get("quality_gate") or {}
    parts = []
    if gate.get("min_score") is not None:
        parts.append(f"{gate['benchmark']} ≥ {gate['min_score']:g}")
    if gate.get("min_success_rate") is not None:
        parts.append(f"success rate ≥ {gate['min_success_rate']:.0%}")
    return " and ".join(parts) or None


def fleet_text(option: OptionResult, assumptions: dict) -> str:
    """The fleet in words, e.g. "24 H200 GPUs: 3 replicas of 8 (2 for the 3× peak at 85 % planning
    utilisation + 1 spare)"; for an API "pay per token"."""
    if option.kind == "api":
        return "API, pay per token"
    if option.replicas_first_month is None or not option.gpus_first_month:
        return f"{option.gpu or 'GPUs'}: cannot meet the SLO"
    capacity = assumptions.get("capacity") or {}
    spare = int(capacity.get("ha_spare_replicas", 0))
    replicas = option.replicas_first_month
    per_replica = option.gpus_first_month // replicas
    planning = capacity.get("planning_utilization", 1.0)
    text = (
        f"{option.gpus_first_month} {option.gpu or ''} GPUs: {replicas} replica{'s' if replicas != 1 else ''} "
        f"of {per_replica} ({replicas - spare} for the {assumptions['peak_to_average']:g}× peak at "
        f"{planning:.0%} planning utilisation{f' + {spare} spare' if spare else ''})"
    )
    billed = option.gpus_billed_first_month
    if billed is not None and billed != option.gpus_first_month:
        text += f", {billed:g} GPUs billed (whole instances or servers)"
    return text.replace("  ", " ")


def _per_task(option: OptionResult) -> str:
    text = f"${option.usd_per_request:,.4f} a task"
    if option.cost_of_pass_usd is not None:
        text += f", ${option.cost_of_pass_usd:,.4f} per successful task"
    return text


def _payback(d: Decision, months: int) -> str:
    if d.hosted is None or d.api is None or d.pair is None:
        return ""
    hosted, api, pair = d.hosted, d.api, d.pair
    change = mean_monthly_usd(hosted) / mean_monthly_usd(api) - 1
    text = (
        f" Self-hosting {hosted.model} ({hosted.id}) costs ${mean_monthly_usd(hosted):,.0f}/month, "
        f"{abs(change):.0%} {'less' if change < 0 else 'more'} than {api.id}"
    )
    if pair.payback_month is not None and pair.npv_savings_usd > 0:
        text += f", and pays back in month {pair.payback_month} (NPV of savings ${pair.npv_savings_usd:,.0f})."
    else:
        text += f"; it does not pay back within {months} months."
    if d.flip_requests_per_month is not None:
        cheaper = pair.npv_savings_usd > 0
        text += (
            f" What would change the answer: a first-month volume "
            f"{'below' if cheaper else 'above'} {d.flip_requests_per_month:,.0f} requests/month "
            f"makes {api.id if cheaper else hosted.id} the cheaper of the two."
        )
    return text


def verdict(result: ScenarioResult, decision: Decision | None = None) -> str:
    """E.g. "Recommended: glm5-api at $9,300/month over 24 months ($0.0031 a task); meets the SLO and
    GPQA ≥ 85. It saves $359,201 (NPV) against the next best, gemini-3-pro. Self-hosting …"."""
    d = decision or decide(result)
    months = len(result.assumptions["months"])
    needs = "the SLO" + (f" and {d.gate}" if d.gate else "")
    if d.pick is None:
        text = f"No option meets {needs}."
    else:
        text = (
            f"Recommended: {d.pick.id} at ${mean_monthly_usd(d.pick):,.0f}/month over {months} months "
            f"({_per_task(d.pick)}); meets {needs}."
        )
        if d.pick.distillation is not None and d.pick.one_time_cost_usd is not None:
            text += (
                f" It is a student distilled from {d.pick.distillation['teacher']}: a one-time project of "
                f"${d.pick.one_time_cost_usd:,.0f} (in its NPV)"
                + ("; its success rate is unknown until it is evaluated." if d.pick.success_rate is None else ".")
            )
        if d.runner_up is not None and d.savings_npv_usd is not None:
            text += f" It saves ${d.savings_npv_usd:,.0f} (NPV) against the next best, {d.runner_up.id}."
    text += _payback(d, months)
    if d.left_out:
        text += " Not recommended: " + ", ".join(f"{i} ({why})" for i, why in d.left_out) + "."
    return text
