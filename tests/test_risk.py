"""Monte Carlo and tornado: reproducible, consistent with the base case, and sensible in direction."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scenario_io.loader import load_inputs
from tco import evaluate, risk_report
from tco.montecarlo import run_monte_carlo
from tco.option_models import setup_options
from tco.scenario import Uncertainty
from tco.sensitivity import tornado
from tests.conftest import ROOT, TODAY

SUPPORT = ROOT / "scenarios" / "support-assistant.yaml"
BATCH = ROOT / "scenarios" / "batch-summariser.yaml"


@pytest.fixture(scope="module")
def support(catalogues):
    return load_inputs(SUPPORT, catalogues, today=TODAY)


def test_monte_carlo_is_reproducible_from_the_seed(support):
    models = [s.model for s in setup_options(support)]
    a = run_monte_carlo(support.scenario, models, samples=500)
    b = run_monte_carlo(support.scenario, models, samples=500)
    assert np.array_equal(a.npv_cost_usd, b.npv_cost_usd)


def test_zero_spread_collapses_to_the_base_case(support):
    still = Uncertainty(
        samples=100,
        throughput_rel_sd=0,
        gpu_price_rel_range=0,
        api_price_rel_range=0,
        peak_rel_range=0,
        growth_sd=0,
        api_decline_max=0,
    )
    scenario = dataclasses.replace(support.scenario, uncertainty=still)
    inputs = dataclasses.replace(support, scenario=scenario)
    base = evaluate(inputs)
    mc = run_monte_carlo(scenario, [s.model for s in setup_options(inputs)])
    for i, option_id in enumerate(mc.option_ids):
        assert mc.npv_cost_usd[:, i] == pytest.approx(base.option(option_id).npv_cost_usd)


def test_risk_report_bands_are_ordered(support):
    report = risk_report(support, evaluate(support), samples=2000)
    p10, p50, p90 = report.savings_npv_p10_p50_p90_usd
    assert p10 <= p50 <= p90
    assert 0.0 <= report.p_self_host_cheaper <= 1.0
    for bands in report.total_cost_p10_p50_p90_usd.values():
        assert bands["p10"] <= bands["p50"] <= bands["p90"]


def test_tornado_base_matches_evaluation_and_directions(catalogues):
    inputs = load_inputs(BATCH, catalogues, today=TODAY)
    result = evaluate(inputs)
    models = {s.model.id: s.model for s in setup_options(inputs)}
    t = tornado(inputs.scenario, models["oss120-h100-1y"], models["gpt-5-mini-batch"])
    pair = next(b for b in result.break_even if b.self_hosted == "oss120-h100-1y" and b.api == "gpt-5-mini-batch")
    assert t.base_savings_usd == pytest.approx(pair.npv_savings_usd)
    bars = {b.input: b for b in t.bars}
    assert bars["GPU price"].savings_at_high_usd < bars["GPU price"].savings_at_low_usd
    assert bars["API price"].savings_at_high_usd > bars["API price"].savings_at_low_usd
    assert bars["Throughput per replica"].savings_at_high_usd >= bars["Throughput per replica"].savings_at_low_usd
    swings = [b.swing_usd for b in t.bars]
    assert swings == sorted(swings, reverse=True)
