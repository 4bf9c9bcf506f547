"""What the evidence behind a verdict leaves open, said in the verdict (issue 25): options compared on tokens of
different bases, thinking-mode scores priced at tokens that may leave out the thinking, and a pick that a few
points of the quality gate would change.

Worked example of the closeness rule: the gate is GPQA ≥ 85 and the pick is the cheapest option scoring ≥ 85;
at ≥ 88 (the gate + CLOSE_POINTS) an option at 86 drops out, and the pick becomes the cheapest still above.
"""

from __future__ import annotations

from tco.records.amounts import usd
from tco.records.benchmarks import benchmark_name
from tco.records.results import OptionResult, ScenarioResult

CLOSE_POINTS = 3.0
"""A gate within this many points (score) or percentage points (success rate) of changing the pick is close."""
DEFAULT_BASIS = "the workload's"


def tokens_note(options: list[OptionResult]) -> str:
    """'' when every option's output tokens share a basis; else which differ, e.g. "Output tokens per task are not
    on one basis: glm5-h200 measured by your eval (run.jsonl) (22); the others the workload's (500).\""""
    bases = {o.output_tokens_basis for o in options}
    if len(bases) < 2:
        return ""
    own = [o for o in options if o.output_tokens_basis != DEFAULT_BASIS]
    rest = [o for o in options if o.output_tokens_basis == DEFAULT_BASIS]
    parts = [f"{o.id} {o.output_tokens_basis} ({o.output_tokens_per_request or 0:,.0f})" for o in own]
    text = "Output tokens per task are not on one basis: " + "; ".join(parts)
    if rest:
        tokens = sorted({round(o.output_tokens_per_request or 0) for o in rest})
        text += f"; the others the workload's ({', '.join(f'{t:,}' for t in tokens)})"
    return text + ": their costs per task compare different things until every option is measured alike."


def mode_note(options: list[OptionResult], benchmark: str | None) -> str:
    """'' unless a thinking-mode score decides the gate for options priced at the workload's output tokens."""
    if benchmark is None:
        return ""
    thinking = [o for o in options if o.quality_mode == "thinking" and o.output_tokens_basis == DEFAULT_BASIS]
    if not thinking:
        return ""
    tokens = sorted({round(o.output_tokens_per_request or 0) for o in thinking})
    scored = [o for o in options if o.quality_mode is not None]
    names = "every option's" if len(thinking) == len(scored) >= 3 else "the " + ", ".join(o.id for o in thinking)
    return (
        f"Caveat: {names} {benchmark_name(benchmark)} scores are thinking-mode results, priced at "
        f"{', '.join(f'{t:,}' for t in tokens)} output tokens a task, which may leave out the thinking (give each "
        "option its own output tokens a task, or your own eval)."
    )


def _pick(options: list[OptionResult], passes) -> OptionResult | None:
    eligible = [o for o in options if o.slo_met and passes(o)]
    return min(eligible, key=lambda o: o.npv_cost_usd) if eligible else None


def closeness_note(result: ScenarioResult, pick: OptionResult | None) -> str:
    """'' unless moving the gate by CLOSE_POINTS either way changes the pick: "The call is close: at GPQA Diamond
    score ≥ 88 the pick would be gemini-3-pro."."""
    gate = result.assumptions.get("quality_gate") or {}
    min_score, min_rate = gate.get("min_score"), gate.get("min_success_rate")
    if min_score is None and min_rate is None:
        return ""
    said = []
    for shift in (CLOSE_POINTS, -CLOSE_POINTS):
        score = None if min_score is None else min_score + shift
        rate = None if min_rate is None else min_rate + shift / 100

        def passes(o: OptionResult, score: float | None = score, rate: float | None = rate) -> bool:
            return (score is None or (o.quality_score is not None and o.quality_score >= score)) and (
                rate is None or (o.success_rate is not None and o.success_rate >= rate)
            )

        other = _pick(result.options, passes)
        if (other.id if other else None) != (pick.id if pick else None):
            where = " and ".join(
                part
                for part in (
                    f"{benchmark_name(gate['benchmark'])} score ≥ {score:g}" if score is not None else "",
                    f"success rate ≥ {rate:.0%}" if rate is not None else "",
                )
                if part
            )
            said.append(f"at {where} the pick would be {other.id}" if other else f"at {where} no option would pass")
    return f"The call is close: {' and '.join(said)}." if said else ""


def retiring_note(options: list[OptionResult]) -> str:
    """The options whose model shuts down inside the horizon, said under the ranked table: their status alone
    ("eligible") read as a model that stays, while each is priced at today's list price to the horizon's end.

    >>> from types import SimpleNamespace as Option  # the four fields it reads
    >>> opus = Option(id="opus-4.5", retires_on="2027-01-22", successor=None, retired_before_start=False)
    >>> glm = Option(id="glm5-api", retires_on=None, successor=None, retired_before_start=False)
    >>> print(retiring_note([opus, glm]))  # doctest: +NORMALIZE_WHITESPACE
    Retires inside the horizon: opus-4.5 on 2027-01-22. Each is priced at its list price to the end of the
    horizon, as if its successor cost the same.
    """
    retiring = [o for o in options if o.retires_on and not o.retired_before_start]
    if not retiring:
        return ""
    named = ", ".join(
        f"{o.id} on {o.retires_on}" + (f" (successor {o.successor})" if o.successor else "") for o in retiring
    )
    return (
        f"Retires inside the horizon: {named}. Each is priced at its list price to the end of the horizon, as if "
        "its successor cost the same."
    )


def commitments_after(result: ScenarioResult) -> str:
    """The scenario's `commitments_after_horizon`: "count" (the default: what reserved terms leave after the horizon
    is in the NPV of cost) or "ignore"."""
    return (result.assumptions.get("finance") or {}).get("commitments_after_horizon", "count")


def contract_note(result: ScenarioResult) -> str:
    """The reserved contracts that run past the horizon, said under the ranked table: the table ranks by NPV of
    cost, which counts them (unless the scenario's `commitments_after_horizon: ignore`), while $/month is the
    horizon's own mean, so an option cheaper a month can rank behind a dearer one with no reason shown.

    >>> from types import SimpleNamespace as Record  # the fields it reads
    >>> b200 = Record(id="glm5-b200", committed_after_horizon_usd=609_696.0, committed_after_horizon_pv_usd=480_000.0)
    >>> result = Record(options=[b200, Record(id="api", committed_after_horizon_usd=0.0)], assumptions={})
    >>> print(contract_note(result))
    ... # doctest: +NORMALIZE_WHITESPACE
    Reserved terms past the horizon: glm5-b200 $609,696 (present value $480,000). The NPV of cost, which ranks the
    table, counts them; $/month does not, so such an option can rank behind one that costs more a month.
    """
    running = [o for o in result.options if o.committed_after_horizon_usd]
    if not running:
        return ""
    counted = commitments_after(result) == "count"
    named = ", ".join(
        f"{o.id} {usd(o.committed_after_horizon_usd)} (present value {usd(o.committed_after_horizon_pv_usd)})"
        for o in running
    )
    if counted:
        return (
            f"Reserved terms past the horizon: {named}. The NPV of cost, which ranks the table, counts them; $/month "
            "does not, so such an option can rank behind one that costs more a month."
        )
    return f"Reserved terms past the horizon: {named}; not counted (commitments_after_horizon: ignore)."
