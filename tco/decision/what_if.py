"""Re-evaluations with one assumption changed, for side-by-side cases (API price decline scenarios)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tco.cost.option_models import OptionSetup
from tco.decision.evaluate import evaluate
from tco.records.inputs import ScenarioInputs

API_DECLINE_CASES = (0.0, 0.2, 0.4, 0.6)
"""Yearly API price declines to compare: flat, and the 20-60 % a year range of recent list-price cuts."""


@dataclass(frozen=True)
class DeclineCase:
    api_price_decline_annual: float
    npv_savings_usd: float
    payback_month: int | None
    """Owned servers: the cash payback (they are paid up front); else the payback."""
    api_npv_cost_usd: float
    self_hosted_npv_cost_usd: float
    """Each option's NPV of cost in this case: npv_savings_usd is the API's less the self-hosted one's."""


def api_decline_cases(
    inputs: ScenarioInputs,
    self_hosted: str,
    api: str,
    declines: tuple[float, ...] = API_DECLINE_CASES,
    setups: list[OptionSetup] | None = None,
) -> list[DeclineCase]:
    """The pair's savings and payback if API prices fell by each yearly rate (the rest unchanged); the
    scenario's own rate is always one of the cases. `setups`: the scenario's `setup_options` when the caller has
    them (fleets and capacity do not depend on the API's price path, so each case reuses them)."""
    declines = tuple(sorted({*declines, inputs.scenario.finance.api_price_decline_annual}))
    cases = []
    for decline in declines:
        finance = dataclasses.replace(inputs.scenario.finance, api_price_decline_annual=decline)
        changed = dataclasses.replace(inputs, scenario=dataclasses.replace(inputs.scenario, finance=finance))
        result = evaluate(changed, setups)
        pair = next(b for b in result.break_even if b.self_hosted == self_hosted and b.api == api)
        cases.append(
            DeclineCase(
                decline,
                pair.npv_savings_usd,
                pair.cash_payback_month if pair.terminal_value_usd is not None else pair.payback_month,
                result.option(api).npv_cost_usd,
                result.option(self_hosted).npv_cost_usd,
            )
        )
    return cases
