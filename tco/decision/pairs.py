"""The self-hosted × API pairs an evaluation compares, and each pair's break-even and returns (`BreakEven`):
monthly savings, payback (on cash for owned servers), IRR and ROI where the flows are an investment, the
break-even crossings and ranges in month 1 and over the horizon, and the break-even utilisation."""

from __future__ import annotations

import dataclasses

import numpy as np

from tco.cost.option_models import OptionSetup
from tco.finance import breakeven, discounting
from tco.finance.projection import OptionModel
from tco.records.memo import Memo
from tco.records.results import BreakEven, Crossing, OptionResult, VolumeRange, rank_key
from tco.records.scenario import Scenario

Crossings = tuple[list[Crossing], list[VolumeRange], list[Crossing], list[VolumeRange]]


def _search(model: OptionModel, api_model: OptionModel, tokens_per_request: float, scenario: Scenario) -> Crossings:
    w = scenario.workload
    month_one, month_one_ranges = breakeven.crossings(
        model,
        api_model,
        tokens_per_request,
        w.peak_factor,
        scenario.capacity,
        np.array(w.hourly_factors),
        breakeven.choice_setting(scenario),
    )
    return (month_one, month_one_ranges, *breakeven.horizon_crossings(model, api_model, scenario))


_kept_search = Memo(_search, entries=1024)


def pair_crossings(self_setup: OptionSetup, api_setup: OptionSetup, scenario: Scenario) -> Crossings:
    """(month-one crossings, their ranges, horizon crossings, their ranges) of a pair (`tco.finance.breakeven`).

    They are searched over every first-month volume, so they do not depend on the scenario's own volume: the
    search is kept (`tco.records.memo`) with the scenario's volume set aside, and an edit of the volume alone —
    the commonest edit — does not search again.
    """
    tokens_per_request = sum(token_totals(self_setup, 1.0))
    workload = dataclasses.replace(scenario.workload, requests_per_month=1.0, tokens_per_month=None)
    volume_free = dataclasses.replace(scenario, workload=workload)
    return _kept_search(self_setup.model, api_setup.model, tokens_per_request, volume_free)


def token_totals(setup: OptionSetup, requests: float) -> tuple[float, float]:
    """(input, output) tokens of `requests` requests of the option's class mix (its own output tokens)."""
    classes = setup.classes
    return (
        requests * sum(c.share * c.input_tokens for c in classes),
        requests * sum(c.share * c.output_tokens for c in classes),
    )


def break_even(
    self_setup: OptionSetup, api_setup: OptionSetup, self_res: OptionResult, api_res: OptionResult, scenario: Scenario
) -> BreakEven:
    """The pair's break-even and returns: savings = the API's monthly cost − the self-hosted option's; upfront =
    the difference in implementation (owned: the cash view's purchases)."""
    rate = scenario.finance.discount_rate_annual
    factors = discounting.discount_factors(rate, scenario.horizon_months)
    savings = np.array(api_res.monthly_cost_usd) - np.array(self_res.monthly_cost_usd)
    upfront = self_setup.model.implementation_usd - api_setup.model.implementation_usd
    # the same tasks on both sides, counted in the self-hosted option's tokens (each option may spend its own)
    tokens_per_request = sum(token_totals(self_setup, 1.0))
    model = self_setup.model
    api_usd_per_mtok = api_setup.model.usd_per_request[0] / tokens_per_request * 1e6
    cash_payback = first_covered = None
    # a reserved term past the horizon is an obligation at the horizon: nominal for payback, IRR and ROI (the
    # undiscounted measures), its present value for the discounted payback, as in the NPV
    counted = scenario.finance.commitments_after_horizon == "count"
    owed = self_res.committed_after_horizon_usd if counted else 0.0
    owed_pv = self_res.committed_after_horizon_pv_usd if counted else 0.0
    lump = np.zeros(savings.size)
    lump[-1] = owed
    flows = discounting.investment_flows(upfront, savings, -owed)
    lump_at = -owed
    if self_res.cash_flow_usd is not None:  # the cash view: capex up front, the terminal value apart
        cash = np.array(self_res.cash_flow_usd)
        cash_upfront = cash[0] - api_setup.model.implementation_usd
        cash_savings = np.array(api_res.monthly_cost_usd) - cash[1:]
        cash_payback = discounting.payback_month(cash_upfront, cash_savings)
        first_covered = discounting.first_covered_month(cash_upfront, cash_savings)
        lump_at = self_res.terminal_value_usd or 0.0
        flows = discounting.investment_flows(cash_upfront, cash_savings, lump_at)
    note = discounting.not_an_investment(flows, lump_at)
    without_value = flows.copy()  # owned: the horizon's cash alone, the servers' terminal value left out
    without_value[-1] -= lump_at
    discounted_lump = np.zeros(savings.size)
    discounted_lump[-1] = owed_pv / factors[-1]
    discounted_payback = discounting.payback_month(upfront, savings - discounted_lump, factors)
    if self_res.cash_flow_usd is not None:  # owned: on cash, as the payback and the IRR (a P&L month 2 beside a cash
        # month 31, capital charged monthly against servers paid up front, read as a contradiction: a reviewer)
        discounted_payback = discounting.payback_month(cash_upfront, cash_savings, factors)
    month_one, month_one_ranges, horizon, horizon_ranges = pair_crossings(self_setup, api_setup, scenario)
    return BreakEven(
        self_hosted=self_res.id,
        api=api_res.id,
        crossings=month_one,
        break_even_utilization=breakeven.break_even_utilization(
            self_res.first_month_cost_usd,
            (self_res.gpus_billed_first_month or 0) / model.gpus_per_replica,
            model.replica_req_per_s,
            tokens_per_request,
            api_usd_per_mtok,
            api_setup.model.fixed_usd_per_month,
        ),
        monthly_savings_usd=[float(s) for s in savings],
        cumulative_savings_usd=[float(s) for s in np.cumsum(savings - lump) - upfront],
        payback_month=discounting.payback_month(upfront, savings - lump),
        discounted_payback_month=discounted_payback,
        npv_savings_usd=api_res.npv_cost_usd - self_res.npv_cost_usd,
        cash_payback_month=cash_payback,
        cash_first_covered_month=first_covered if first_covered != cash_payback else None,
        terminal_value_usd=self_res.terminal_value_usd,
        horizon_crossings=horizon,
        irr=None if note else discounting.irr_annual(flows),
        roi=None if note else discounting.roi(flows),
        roi_without_terminal_value=None if note or self_res.cash_flow_usd is None else discounting.roi(without_value),
        returns_note=note,
        month_one_ranges=month_one_ranges,
        horizon_ranges=horizon_ranges,
    )


MAX_ALL_PAIRS = 100
"""Up to this many self-hosted × API pairs, every pair gets its break-even; beyond (a 150 × 150 scenario has
22,500), each self-hosted option against the best API and the best self-hosted option against each API."""

Pair = tuple[tuple[OptionSetup, OptionResult], tuple[OptionSetup, OptionResult]]


def compared_pairs(options: list[tuple[OptionSetup, OptionResult]]) -> list[Pair]:
    """The (self-hosted, API) pairs that get a break-even (MAX_ALL_PAIRS), in the options' order."""
    hosted = [o for o in options if not o[0].model.is_api and o[0].feasible]
    apis = [o for o in options if o[0].model.is_api]
    if len(hosted) * len(apis) <= MAX_ALL_PAIRS or not hosted or not apis:
        return [(h, a) for h in hosted for a in apis]
    best_api = {min(apis, key=lambda o: rank_key(o[1]))[1].id, min(apis, key=lambda o: o[1].npv_cost_usd)[1].id}
    best_hosted = min(hosted, key=lambda o: rank_key(o[1]))[1].id
    return [(h, a) for h in hosted for a in apis if a[1].id in best_api or h[1].id == best_hosted]
