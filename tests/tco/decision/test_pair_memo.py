"""The pairs' break-even search is kept between evaluations that differ only in volume (`pair_crossings`): what is
kept must equal a fresh search, and any other change must search again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

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
    pairs._memo.clear()
    fresh = _crossings(_result(catalogues, requests=7_654_321))
    assert kept == fresh
    assert any(b for *_, b in fresh)  # the scenario has horizon ranges to compare


def test_any_other_change_searches_again(catalogues):
    pairs._memo.clear()
    base = _crossings(_result(catalogues))
    grown = _crossings(_result(catalogues, growth=0.2))
    pairs._memo.clear()
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
    pairs._memo.clear()
    assert reused == api_decline_cases(inputs, pair.self_hosted, pair.api)
    assert len({c.npv_savings_usd for c in reused}) == len(reused)  # the rates do move the savings
