"""The mix across the risk ranges: with every range set to zero each draw and each tornado end is the base case
(so the machinery moves only what the ranges move), and the draws are the scenario seed's."""

from __future__ import annotations

import dataclasses

import pytest

from scenario_io.loader import load_inputs
from tco import evaluate
from tco.portfolio import robustness
from tco.portfolio.mix import best_mix
from tco.portfolio.robustness import MIX_CASES, mix_monte_carlo, mix_tornado
from tco.records.assumptions import Uncertainty
from tests.conftest import ROOT

MIX = ROOT / "scenarios" / "mix-faq-and-escalations.yaml"


@pytest.fixture(scope="module")
def inputs(catalogues):
    return load_inputs(MIX, catalogues)


def test_with_no_uncertainty_every_draw_and_every_end_is_the_base_case(inputs):
    still = Uncertainty(throughput_rel_sd=0.0, gpu_price_rel_range=0.0, api_price_rel_range=0.0,
                        peak_rel_range=0.0, growth_sd=0.0, staff_rel_range=0.0)  # fmt: skip
    calm = dataclasses.replace(inputs, scenario=dataclasses.replace(inputs.scenario, uncertainty=still))
    result = evaluate(calm)
    base = best_mix(calm, result)
    draws = mix_monte_carlo(calm, result, draws=3)
    assert draws.saving_p10_p50_p90_usd == pytest.approx((base.saving_usd,) * 3, rel=1e-6)
    assert draws.share_recommended == 1.0
    cases = mix_tornado(calm, result)
    assert len(cases) == MIX_CASES  # the count the Best mix tab states
    for case in cases:
        assert case.saving_usd == pytest.approx(base.saving_usd, rel=1e-6), case


def test_the_draws_are_the_seeds_however_many_threads_solve_them(inputs, monkeypatch):
    result = evaluate(inputs)
    first = mix_monte_carlo(inputs, result, draws=3)
    monkeypatch.setattr(robustness, "SOLVER_THREADS", 1)
    assert mix_monte_carlo(inputs, result, draws=3) == first
    p10, p50, p90 = first.saving_p10_p50_p90_usd
    assert p10 <= p50 <= p90 and p10 != p90  # the ranges do move the saving
