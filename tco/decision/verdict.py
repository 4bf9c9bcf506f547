"""One plain answer for the app's headline, the decision report and the CLI: what to pick and why.

`decide` picks the cheapest option by NPV of cost that meets the SLO and, when one is set, the quality gate
(`results.recommendable`); the runner-up is the next such option. Beside it, the compared pair (the reader's
choice of two options, else the pick against the best option of the other kind, tco.risk.report.headline_pair)
says when self-hosting pays back and at which first-month volume the answer between the two flips (the horizon
break-even crossing nearest today's volume); two options of one kind are set side by side.
Costs quoted are monthly means over the horizon, not month 1, so growth and price declines count.

Worked example: the pick costs an NPV of $200,000, the runner-up $560,000: it saves $360,000 over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tco.cost.components import STAFF
from tco.decision.evidence import closeness_note, commitments_after, mode_note, tokens_note
from tco.finance.volume_ranges import range_at, ranges_text, volume_words
from tco.records.amounts import months_words, usd, usd_per_task, usd_saved
from tco.records.benchmarks import benchmark_name
from tco.records.mix import MixResult
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
    """Break-even of the compared pair when it is self-hosted against an API (`hosted`, `api`)."""
    flip_requests_per_month: float | None
    """First-month volume at which the compared pair's NPV of savings changes sign, nearest today's volume."""
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """(option id, why not recommended), cheapest first."""
    commitments_after_horizon: str = "count"
    compared: tuple[OptionResult, OptionResult] | None = None
    """The two options the reader compares (`decide`'s `pair`, else the pick and the best of the other kind): the
    payback and "what would change the answer" are theirs when one is self-hosted and the other an API."""


def mean_monthly_usd(option: OptionResult) -> float:
    """Mean of the monthly costs over the horizon (growth and price declines included, one-time costs not)."""
    return sum(option.monthly_cost_usd) / len(option.monthly_cost_usd)


def mean_staff_usd(option: OptionResult) -> float:
    """Of `mean_monthly_usd`: staff and platform (tco.cost.components.STAFF), the same months."""
    staff = option.monthly_components_usd.get(STAFF) or [0.0]
    return sum(staff) / len(staff)


def why_not(option: OptionResult) -> str:
    """Every reason an option is not recommended, joined: "misses the latency SLO; below the quality gate"."""
    if option.retired_before_start:
        return "shut down before the scenario starts"
    reasons = [] if option.slo_met else ["misses the latency SLO"]
    if option.quality_gate == "below":
        reasons.append("below the quality gate")
    elif option.quality_gate not in (None, "passes"):
        reasons.append("; ".join(option.quality_missing) or "no score for the quality gate")
    return "; ".join(reasons)


STATUS_WORDS = {
    "recommended": "the cheapest option (NPV of cost) that meets the SLO and the quality gate",
    "best alone": "the cheapest single option that meets both; a mix of options (the best mix) costs less",
    "next best": "the second cheapest that meets both",
    "eligible": "meets both, costs more",
    "misses the SLO": "cannot meet the latency SLO at any load measured or modelled; its GPUs and cost are for its "
    "highest throughput, latency ignored, so they can be lower than a fleet that meets the SLO",
    "below the gate": "its score is under the quality gate",
    "no gate score": "no score on the gate's benchmark, so it cannot be recommended until you give one",
    "retired": "its model is shut down before the scenario starts",
}
"""Each status in the table, the CLI and the exports, and what it means (the column's help)."""


def status(option: OptionResult, decision: Decision, mix: MixResult | None = None) -> str:
    """One of `STATUS_WORDS`: short enough for a table cell; the verdict's "Not recommended" gives `why_not`.
    Where `mix` (`tco.portfolio`) is recommended, the single pick is "best alone", not a second recommendation
    beside the verdict's "Pick: a mix"."""
    if decision.pick is not None and option.id == decision.pick.id:
        return "best alone" if mix is not None and mix.recommended else "recommended"
    if decision.runner_up is not None and option.id == decision.runner_up.id:
        return "next best"
    if recommendable(option):
        return "eligible"
    if option.retired_before_start:
        return "retired"
    if not option.slo_met:
        return "misses the SLO"
    return "below the gate" if option.quality_gate == "below" else "no gate score"


def _flip(pair: BreakEven, today: float) -> float | None:
    """The nearer edge of the horizon range that holds today's volume: the first-month volume at which the answer
    between the pair changes (None when one side is cheaper at every volume searched)."""
    here = range_at(pair.horizon_ranges, today)
    if here is None:
        return None
    edges = [v for v in (here.from_requests_per_month, here.to_requests_per_month) if v is not None]
    return min(edges, key=lambda v: abs(v / today - 1)) if edges else None


def compared_pair(
    result: ScenarioResult, pick: OptionResult | None, pair: tuple[str, str] | None = None
) -> tuple[OptionResult, OptionResult] | None:
    """The two options compared: `pair` (two option ids) when both are in the result and differ; else the pick and
    the best option of the other kind (self-hosted against API), as `headline_pair` ranks them."""
    by_id = {o.id: o for o in result.options}
    if pair is not None and pair[0] != pair[1] and pair[0] in by_id and pair[1] in by_id:
        return by_id[pair[0]], by_id[pair[1]]
    headline = headline_pair(result)
    if headline is None:
        return None
    hosted, api = headline
    return (api, hosted) if pick is not None and pick.id == api.id else (hosted, api)


def decide(result: ScenarioResult, pair: tuple[str, str] | None = None) -> Decision:
    """The pick, the runner-up and the compared pair (`pair`: two option ids the reader chose; see
    `compared_pair`)."""
    ranked = sorted(result.options, key=lambda o: o.npv_cost_usd)
    eligible = [o for o in ranked if recommendable(o)]
    pick = eligible[0] if eligible else None
    runner_up = eligible[1] if len(eligible) > 1 else None
    savings = runner_up.npv_cost_usd - pick.npv_cost_usd if pick and runner_up else None
    compared = compared_pair(result, pick, pair)
    kinds = {o.kind: o for o in compared} if compared else {}
    hosted, api = kinds.get("self_hosted"), kinds.get("api")
    breakeven = next(
        (b for b in result.break_even if hosted and api and (b.self_hosted, b.api) == (hosted.id, api.id)), None
    )
    flip = _flip(breakeven, result.assumptions["requests_per_month_first"]) if breakeven else None
    left_out = [(o.id, why_not(o)) for o in ranked if not recommendable(o)]
    after = commitments_after(result)
    return Decision(
        pick, runner_up, savings, gate_text(result), hosted, api, breakeven, flip, left_out, after, compared
    )


def gate_text(result: ScenarioResult) -> str | None:
    """'GPQA Diamond score ≥ 85', with each request class's own gate after it ('… and for escalations GPQA
    Diamond score ≥ 85')."""
    parts = [_one_gate(result.assumptions.get("quality_gate") or {})]
    for name, gate in (result.assumptions.get("class_quality_gates") or {}).items():
        text = _one_gate(gate)
        parts.append(f"for {name} {text}" if text else "")
    return " and ".join(p for p in parts if p) or None


def _one_gate(gate: dict) -> str:
    parts = []
    if gate.get("min_score") is not None:
        parts.append(f"{benchmark_name(gate['benchmark'])} score ≥ {gate['min_score']:g}")
    if gate.get("min_success_rate") is not None:
        parts.append(f"success rate ≥ {gate['min_success_rate']:.0%}")
    return " and ".join(parts)


FULL_FLEET = 0.95
"""A fleet whose peak fills at least this share of its planned capacity (`OptionResult.peak_fill_first_month`) is
said to be one step from another replica: within 5 % of it, the throughput's stated error or a month's growth
crosses it, and the Monte Carlo's median then costs a replica more than the base case."""


def fleet_text(option: OptionResult, assumptions: dict) -> str:
    """The fleet in words, e.g. "24 H200 GPUs: 3 replicas of 8 (2 for the 3× peak at 85 % planning
    utilisation + 1 spare)", and, where the peak fills FULL_FLEET of it or more, that one more replica is close;
    for an API "pay per token"."""
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
        f"{option.gpus_first_month:,} {option.gpu or ''} GPUs: {replicas:,} replica{'s' if replicas != 1 else ''} "
        f"of {per_replica} ({replicas - spare:,} for the {assumptions['peak_to_average']:.3g}× peak at "
        f"{planning:.0%} planning utilisation{f' + {spare} spare' if spare else ''})"
    )
    fill = option.peak_fill_first_month
    if fill is not None and fill >= FULL_FLEET:  # the base case sits at a step the draws often take (a reviewer:
        # batch-summariser's P50 cost a replica more than its base case, and nothing on Compare said why)
        text += (f"; its peak uses {fill:.0%} of these replicas' planned capacity: a little more traffic, or a "
                 "little less throughput than stated, adds a replica")  # fmt: skip
    if not option.slo_met:  # sized ignoring the latency bounds (`replica_capacity`): a stricter SLO can shrink it
        text += "; no load meets the SLO, so it is sized at its highest throughput, ignoring the latency bounds"
    billed = option.gpus_billed_first_month
    if billed is not None and billed != option.gpus_first_month:
        text += (
            f", {billed:,.0f} GPUs billed (whole instances or servers)"
            if float(billed).is_integer()
            else f", {billed:,.1f} GPUs billed on average (autoscaled by the hour; {option.gpus_first_month:,} at the "
            "peak)"
        )
    return text.replace("  ", " ")


def _per_task(option: OptionResult) -> str:
    text = f"{usd_per_task(option.usd_per_request)} a task in month 1"
    if option.cost_of_pass_usd is not None:
        text += f", {usd_per_task(option.cost_of_pass_usd)} per successful task"
    elif option.success_rate == 0:
        text += ", and no task of your eval passed"
    return text


def _payback(d: Decision, months: int, today: float) -> str:
    if d.hosted is None or d.api is None or d.pair is None:
        return ""
    hosted, api, pair = d.hosted, d.api, d.pair
    change = mean_monthly_usd(hosted) / mean_monthly_usd(api) - 1
    # a fleet that misses the SLO is sized ignoring it (`replica_capacity`), so a stricter SLO could quote a smaller,
    # cheaper fleet (a reviewer: "Code completion" took glm5-h200 from 40 H200 to 24): its cost is said to be that
    unmet = (
        " misses the SLO at every load; sized at its highest throughput, ignoring the latency bounds, it"
        if not hosted.slo_met
        else ""
    )
    text = (
        f" Self-hosting {hosted.model} ({hosted.id}){unmet} costs {usd(mean_monthly_usd(hosted))}/month (mean over "
        f"the horizon, one-time costs apart), {abs(change):.0%} {'less' if change < 0 else 'more'} than {api.id}"
    )
    if not recommendable(api):  # a cheaper API that is ruled out is why a dearer fleet can be the pick: say so
        text += ", itself not recommended (the reason is under Not recommended)"
    text += _payback_clause(hosted, api, pair, months)
    if hosted.committed_after_horizon_usd:
        text += (
            f" Its reserved term runs past the horizon: {usd(hosted.committed_after_horizon_usd)} of contract after "
            f"month {months} (present value {usd(hosted.committed_after_horizon_pv_usd)})"
            + (" is in its NPV." if _counts_after(d) else " is not counted (commitments_after_horizon: ignore).")
        )
    if d.flip_requests_per_month is not None and recommendable(hosted) and recommendable(api):
        here = range_at(pair.horizon_ranges, today)
        who = {"self_hosted": hosted.id, "api": api.id}.get(here.cheaper if here else "", "neither")
        text += (
            f" What would change the answer: the first-month volume. Over the {months_words(months)} "
            f"{ranges_text(pair.horizon_ranges, hosted.id, api.id)}; today's {volume_words(today)} is where "
            + (f"{who} is the cheaper." if who != "neither" else "the two alternate.")
        )
    elif pair.horizon_ranges and recommendable(hosted) and recommendable(api):  # say so, or a reader looks for it
        text += (
            f" No first-month volume changes the answer: over the {months_words(months)} "
            f"{ranges_text(pair.horizon_ranges, hosted.id, api.id)}."
        )
    return text


def _same_kind(d: Decision) -> str:
    """Two options of one kind compared (two APIs, two fleets): their costs side by side; no payback, as neither
    is an investment against the other."""
    if d.compared is None:
        return ""
    a, b = d.compared
    change = mean_monthly_usd(a) / mean_monthly_usd(b) - 1 if mean_monthly_usd(b) else 0.0
    return (
        f" Compared: {a.id} costs {usd(mean_monthly_usd(a))}/month (mean over the horizon), {abs(change):.0%} "
        f"{'less' if change < 0 else 'more'} than {b.id}; NPV of cost {usd(a.npv_cost_usd)} against "
        f"{usd(b.npv_cost_usd)}."
    )


def payback_text(pair: BreakEven) -> str:
    """'payback month 3', or for owned servers the cash payback first and the P&L payback beside it, labelled."""
    pnl = f"month {pair.payback_month}" if pair.payback_month is not None else "not within the horizon"
    if pair.terminal_value_usd is None:  # not owned
        return f"payback {pnl}"
    cash = f"month {pair.cash_payback_month}" if pair.cash_payback_month is not None else "not within the horizon"
    bought = "servers bought up front"
    if pair.cash_first_covered_month is not None:
        bought += f"; the cash {_first_covered(pair)}"
    return f"cash payback {cash} ({bought}); P&L payback {pnl} (capital charged monthly)"


def _first_covered(pair: BreakEven) -> str:
    """Owned: when the cash was first covered, where a later server purchase took it below again."""
    return f"was first covered in month {pair.cash_first_covered_month}, until more servers were bought"


def _counts_after(d: Decision) -> bool:
    return d.commitments_after_horizon == "count"


def _payback_clause(hosted: OptionResult, api: OptionResult, pair: BreakEven, months: int) -> str:
    """Owned servers: the cash payback first (they are bought up front), the P&L payback beside it, labelled."""
    savings = usd_saved(hosted.npv_cost_usd, api.npv_cost_usd)
    if pair.npv_savings_usd <= 0:
        return f"; it does not pay back within {months_words(months)} (NPV of savings {savings})."
    npv = f"NPV of savings {savings}"
    if hosted.ownership == "owned" and hosted.cash_flow_usd is not None:
        outlay = hosted.cash_flow_usd[0]
        cash = (
            f"pays back its cash in month {pair.cash_payback_month}"
            if pair.cash_payback_month is not None
            else f"does not pay back its cash within {months_words(months)}"
        )
        if pair.cash_first_covered_month is not None:
            cash += f" (it {_first_covered(pair)})"
        pnl = (
            f"pays back in month {pair.payback_month}"
            if pair.payback_month is not None
            else f"does not pay back within {months_words(months)}"
        )
        return (
            f", and {cash} ({usd(outlay)} paid up front for the servers and implementation); on the P&L, with "
            f"capital charged monthly, it {pnl} ({npv})."
        )
    if pair.payback_month is None:
        return f"; it does not pay back within {months_words(months)} ({npv})."
    return f", and pays back in month {pair.payback_month} ({npv})."


def owned_cash_text(option: OptionResult) -> str:
    """For a bought fleet, what the monthly figure does with the servers and what they cost in cash ('' otherwise):
    the $/month (P&L view) charges their capital month by month; the cash view pays for them when they are bought.

    Worked example (owned-fleet-finance, llama70b-owned): capital $21,023/month on average; month 0 pays
    $890,000, of which $50,000 is the one-time cost, so $840,000 for 2 servers ($420,000 each, the quoted price);
    1 more ($420,000) is paid in month 21 (the cash flows' months: 0 is the outlay before the first month), in
    service from month 22, where its capital, energy and colocation start (a reviewer read "from month 21" against
    running costs that rise in month 22).
    """
    if option.ownership != "owned" or not option.cash_flow_usd or not option.commitments:
        return ""
    capital = option.monthly_components_usd.get("capital") or []
    one_time = option.total_cost_usd - sum(option.monthly_cost_usd)
    first = sum(c["units"] for c in option.commitments if c["start_month"] == 0)
    later = [c for c in option.commitments if c["start_month"] > 0]
    bought = f"{usd(option.cash_flow_usd[0] - one_time)} for {first:g} server{'s' if first != 1 else ''} in month 0"
    if later:
        more = sum(c["units"] for c in later)
        start = min(c["start_month"] for c in later)  # 0-based: in service from month start + 1, paid a month ahead
        # every server is bought at the one quoted price (tco.decision.evaluate's cash view): the later ones' cash
        # is theirs too, else a reader took the month-0 figure for the whole outlay (a reviewer)
        each = (option.cash_flow_usd[0] - one_time) / first if first else None
        price = f" ({usd(more * each)})" if each else ""
        bought += (f" and {more:g} more{price} as the fleet grows, paid in month {start} and in service from month "
                   f"{start + 1}")  # fmt: skip
    charge = ""
    if capital:  # "the P&L view" alone read as accounting depreciation to a CFO; it is an annuity at the discount
        # rate (depreciation and the cost of capital): said, and straight-line depreciation beside it (a reviewer)
        straight = option.depreciation_usd or []
        beside = f"; straight-line depreciation alone {usd(sum(straight) / len(straight))}" if straight else ""
        charge = (f"charges their capital as {usd(sum(capital) / len(capital))}/month (an annuity at the discount "
                  f"rate: depreciation and the cost of capital{beside}); ")  # fmt: skip
    return f" Its servers are bought: the $/month {charge}in cash they cost {bought} (Break-even has the cash view)."


def verdict(result: ScenarioResult, decision: Decision | None = None) -> str:
    """E.g. "Recommended: glm5-api at $9,300/month (mean over 24 months; $0.0031 a task); meets the SLO and
    GPQA ≥ 85. It saves $359,201 (NPV) against the next best, gemini-3-pro. Self-hosting …"."""
    d = decision or decide(result)
    months = len(result.assumptions["months"])
    # with no latency bound there is no SLO to meet: only the gate, if any, is named
    needs = " and ".join(p for p in ("the SLO" if result.assumptions.get("slo") else "", d.gate or "") if p)
    if d.pick is None:
        text = f"No option meets {needs or 'the requirements'}."
    else:
        one_time = d.pick.total_cost_usd - sum(d.pick.monthly_cost_usd)
        text = (
            f"Recommended: {d.pick.id} at {usd(mean_monthly_usd(d.pick))}/month (mean over {months_words(months)}"
            + (f"; {usd(one_time)} one-time on top" if one_time >= 0.5 else "")
            + f"; {_per_task(d.pick)})"
            + (f"; meets {needs}." if needs else ".")
        )
        text += owned_cash_text(d.pick)
        staff = mean_staff_usd(d.pick)
        if d.pick.kind == "api" and staff:
            fte = ((result.assumptions.get("finance") or {}).get("ops_fte") or {}).get("api")
            share = f"{fte:g} of an engineer's time; " if fte else ""
            text += f" That includes {usd(staff)}/month of platform staff ({share}an option's fixed/month sets it)."
        if d.pick.distillation is not None and d.pick.one_time_cost_usd is not None:
            text += (
                f" It is a student distilled from {d.pick.distillation['teacher']}: a one-time project of "
                f"{usd(d.pick.one_time_cost_usd)} (in its NPV)"
                + ("; its success rate is unknown until it is evaluated." if d.pick.success_rate is None else ".")
            )
        if d.runner_up is not None and d.savings_npv_usd is not None:
            saved = usd_saved(d.pick.npv_cost_usd, d.runner_up.npv_cost_usd)
            text += f" It saves {saved} (NPV) against the next best, {d.runner_up.id}."
        for option in (o for o in (d.pick, d.runner_up) if o is not None and o.retires_on):
            then = f"; the provider names {option.successor}" if option.successor else ""
            text += f" {option.id}'s model retires on {option.retires_on}, inside the horizon{then}."
    gate = result.assumptions.get("quality_gate") or {}
    benchmark = gate.get("benchmark") if gate.get("min_score") is not None else None
    close = closeness_note(result, d.pick)
    text += f" {close}" if close else ""
    # self-hosting's answer (the question asked) before the caveats on the evidence
    text += _payback(d, months, result.assumptions["requests_per_month_first"]) or _same_kind(d)
    for note in (tokens_note(result.options), mode_note(result.options, benchmark)):
        text += f" {note}" if note else ""
    if d.left_out:
        text += " Not recommended: " + ", ".join(f"{i} ({why})" for i, why in d.left_out) + "."
    return text
