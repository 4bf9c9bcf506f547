"""Answers kept between evaluations that differ only in volume (`tco.records.memo`): the pairs' break-even search
and each replica's capacity. What is kept must equal a fresh computation, and any other change must compute again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scenario_io.loader import load_scenario, resolve_scenario
from tco.decision import pairs
from tco.decision.evaluate import evaluate

SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "batch-summariser.yaml"


def _result(catalogues, requests: float | None = None, growth: float | None = None):
    scenario = load_scenario(SCENARIO)
    workload = scenario.workload
    if requests is not None:
        workload = dataclasses.replace(workload, requests_per_month=requests)
    if growth is not None:
        workload = dataclasses.replace(workload, monthly_growth=growth)
    return evaluate(resolve_scenario(dataclasses.replace(scenario, workload=workload), str(SCENARIO), catalogues))


def _crossings(result):
    return [(b.self_hosted, b.api, b.crossings, b.month_one_ranges, b.horizon_crossings, b.horizon_ranges)
            for b in result.break_even]  # fmt: skip


def test_kept_crossings_equal_a_fresh_search_at_another_volume(catalogues):
    _result(catalogues)  # fills the memo at the scenario's own volume
    kept = _crossings(_result(catalogues, requests=7_654_321))
    pairs._kept_search.clear()
    fresh = _crossings(_result(catalogues, requests=7_654_321))
    assert kept == fresh
    assert any(b for *_, b in fresh)  # the scenario has horizon ranges to compare


def test_any_other_change_searches_again(catalogues):
    pairs._kept_search.clear()
    base = _crossings(_result(catalogues))
    grown = _crossings(_result(catalogues, growth=0.2))
    pairs._kept_search.clear()
    assert grown == _crossings(_result(catalogues, growth=0.2))
    assert grown != base  # 20 % a month moves the horizon break-even: served from the memo it would not


def test_decline_cases_reuse_the_setups_and_equal_a_full_rerun(catalogues):
    """The API-price-cut table reuses the scenario's fleets: the same cases as evaluating each rate from scratch."""
    from tco.cost.option_models import setup_options
    from tco.decision.what_if import api_decline_cases

    inputs = resolve_scenario(load_scenario(SCENARIO), str(SCENARIO), catalogues)
    result = evaluate(inputs)
    pair = result.break_even[0]
    reused = api_decline_cases(inputs, pair.self_hosted, pair.api, setups=setup_options(inputs))
    pairs._kept_search.clear()
    assert reused == api_decline_cases(inputs, pair.self_hosted, pair.api)
    assert len({c.npv_savings_usd for c in reused}) == len(reused)  # the rates do move the savings
    # the table's two NPV-of-cost columns are the ones the savings subtract, and the scenario's own rate gives the
    # scenario's own NPVs (the Compare page's)
    for case in reused:
        assert case.npv_savings_usd == pytest.approx(case.api_npv_cost_usd - case.self_hosted_npv_cost_usd)
        assert case.self_hosted_npv_cost_usd == pytest.approx(result.option(pair.self_hosted).npv_cost_usd)
    own = next(c for c in reused if c.api_price_decline_annual == inputs.scenario.finance.api_price_decline_annual)
    assert own.api_npv_cost_usd == pytest.approx(result.option(pair.api).npv_cost_usd)


def test_kept_capacity_equals_a_fresh_search_and_an_slo_change_searches_again(catalogues):
    from tco.cost import option_models

    scenario = load_scenario(SCENARIO)
    inputs = resolve_scenario(scenario, str(SCENARIO), catalogues)
    kept = [s.capacity for s in option_models.setup_options(inputs) if s.capacity is not None]
    option_models._kept_capacity.clear()
    assert kept == [s.capacity for s in option_models.setup_options(inputs) if s.capacity is not None]
    assert kept  # the scenario has self-hosted options
    tighter = dataclasses.replace(scenario, slo=dataclasses.replace(scenario.slo, ttft_p99_s=0.3))
    changed = resolve_scenario(tighter, str(SCENARIO), catalogues)
    after = [s.capacity for s in option_models.setup_options(changed) if s.capacity is not None]
    option_models._kept_capacity.clear()
    assert after == [s.capacity for s in option_models.setup_options(changed) if s.capacity is not None]
    assert after != kept  # a 0.3 s TTFT bound moves the capacity: served from the memo it would not
