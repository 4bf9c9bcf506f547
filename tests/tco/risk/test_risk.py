"""Monte Carlo and tornado: reproducible, consistent with the base case, and sensible in direction."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import yaml

from scenario_io.loader import load_inputs
from tco import evaluate, risk_report
from tco.cost.option_models import setup_options
from tco.records.assumptions import Uncertainty
from tco.risk import headline_pair, risk_pair
from tco.risk.montecarlo import run_monte_carlo
from tco.risk.sensitivity import tornado
from tests.conftest import ROOT, TODAY, write_yaml

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
        energy_price_rel_range=0,
        api_price_rel_range=0,
        peak_rel_range=0,
        growth_sd=0,
        api_decline_range=0,
        staff_rel_range=0,
        one_time_rel_range=0,
    )
    scenario = dataclasses.replace(support.scenario, uncertainty=still)
    inputs = dataclasses.replace(support, scenario=scenario)
    base = evaluate(inputs)
    mc = run_monte_carlo(scenario, [s.model for s in setup_options(inputs)])
    for i, option_id in enumerate(mc.option_ids):
        option = base.option(option_id)
        assert mc.total_cost_usd[:, i] == pytest.approx(option.total_cost_usd, rel=1e-12)
        assert mc.npv_cost_usd[:, i] == pytest.approx(option.npv_cost_usd, rel=1e-12)


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


def test_every_draw_has_its_median_at_the_base_case(support):
    """A base API price decline of 0 %/yr must not average 16.7 %/yr (the old one-sided draw did); every draw is
    symmetric around its base: as many rises as cuts, and its P10 and P90 mirror each other."""
    from tco.risk.montecarlo import draw_drivers

    n = 40_000
    for base in (0.0, 0.3):
        finance = dataclasses.replace(support.scenario.finance, api_price_decline_annual=base)
        scenario = dataclasses.replace(support.scenario, finance=finance)
        # one option at σ 0.12 either way, one at 0.36 below its X* and 0.12 above (an SLO search's range)
        draws = draw_drivers(scenario, n, np.random.default_rng(1), np.array([[0.12, 0.12], [0.36, 0.12]]))
        drivers, requests = draws.drivers, draws.requests_per_month
        months = scenario.horizon_months
        # the decline is read back from the price path: (1 - d)^((T - 1) / 12) at the last month
        decline = 1 - (drivers.api_price[:, -1] / drivers.api_price[:, 0]) ** (12 / (months - 1))
        assert np.median(decline) == pytest.approx(base, abs=0.005)
        assert np.mean(decline) == pytest.approx(base, abs=0.002)  # the clipped draw at base 0 averaged +3.3 %/yr
        assert decline.min() == pytest.approx(base - 0.2, abs=0.005)  # prices rise by up to 20 %/yr
        assert np.median(drivers.throughput, axis=0) == pytest.approx([1.0, 1.0], abs=0.01)
        logs = np.log(drivers.throughput)
        assert np.std(logs[:, 0]) == pytest.approx(0.12, rel=0.03)
        # each side its own σ: the 10th percentile at exp(−1.2816 × 0.36), the 90th at exp(1.2816 × 0.12)
        p10, p90 = np.percentile(logs[:, 1], [10, 90])
        assert (p10, p90) == pytest.approx((-1.2816 * 0.36, 1.2816 * 0.12), abs=0.01)
        peak = drivers.peak_factor / scenario.workload.peak_factor
        multipliers = (drivers.gpu_price, drivers.energy_price, drivers.api_price[:, 0], peak, drivers.fixed_cost,
                       draws.one_time)  # fmt: skip
        for x in multipliers:
            p10, p50, p90 = np.percentile(x, [10, 50, 90])
            assert p50 == pytest.approx(1.0, abs=0.01)
            assert (p90 - 1) == pytest.approx(1 - p10, abs=0.01)
        assert np.median(requests[:, -1]) == pytest.approx(scenario.workload.base_requests_per_month, rel=0.02)


def test_throughput_spread_widens_with_the_basis(support):
    from tco.risk.throughput_spread import PUBLISHED_SD, option_throughput_sds, throughput_sd

    assert throughput_sd("measured", 0.0, 0.12) < throughput_sd("published", 0.0, 0.12) == PUBLISHED_SD
    # an expected error e is the 80 % interval of the draws: σ = ln(1 + e) / 1.2816 (at least the published floor)
    assert throughput_sd("modelled", 0.25, 0.12) == PUBLISHED_SD  # ln 1.25 / 1.2816 = 0.174 < 0.20
    assert throughput_sd("estimated", 0.64, 0.12) == pytest.approx(math.log(1.64) / 1.2815515655446004)
    sds = option_throughput_sds(setup_options(support), 0.12)
    # the example's X*: 500 output tokens, 3.9× the sweep's longest (128): e = 0.25 × (1 + 0.67 ln 3.9), either way
    # (its SLO search's range, 1.01–1.14 req/s, lies within it)
    error = 0.25 * (1 + 0.67 * math.log(500 / 128))
    sd = math.log1p(error) / 1.2815515655446004
    assert sds == {"glm5-h200": (pytest.approx(sd), pytest.approx(sd))}
    ranges = evaluate(support).assumptions["uncertainty"]
    assert ranges["throughput_multiplier"]["sd_by_option"] == {
        "glm5-h200": {"below": sds["glm5-h200"][0], "above": sds["glm5-h200"][1]}
    }
    assert ranges["api_price_decline_annual"]["mode"] == support.scenario.finance.api_price_decline_annual


@pytest.mark.parametrize("near", ["lowest", "highest"])
def test_extreme_valid_growth_gives_a_tornado_not_a_traceback(support, near):
    """±2 points of growth would leave the valid range: the bar is clamped at the bound. The lowest is −99 %; the
    highest takes the volume V to 1e15 a month by the last of n months, (1e15 / V)^(1 / (n − 1)) − 1."""
    volume, months = support.scenario.workload.requests_per_month, support.scenario.horizon_months
    highest = (1e15 / volume) ** (1 / (months - 1)) - 1
    assert support.scenario.max_monthly_growth == pytest.approx(highest, rel=1e-12)
    growth = -0.985 if near == "lowest" else highest - 0.01
    workload = dataclasses.replace(support.scenario.workload, monthly_growth=growth)
    scenario = dataclasses.replace(support.scenario, workload=workload)
    inputs = dataclasses.replace(support, scenario=scenario)
    report = risk_report(inputs, evaluate(inputs), samples=200)
    bar = next(b for b in report.tornado.bars if b.input == "Monthly growth")
    half = min(2 * 0.02, growth + 0.99, highest - growth)  # ±2 sd, narrowed on both sides to stay valid
    assert (bar.low, bar.high) == pytest.approx((growth - half, growth + half))
    assert -0.99 <= bar.low <= bar.high <= highest + 1e-12
    assert (bar.low_label, bar.high_label) == tuple(f"{v:+.1%}".replace("-", "\u2212") for v in (bar.low, bar.high))


def test_the_risk_pair_is_the_pair_compared_when_it_is_self_hosted_against_an_api(catalogues):
    """glm5-vs-frontier: the reader's (glm5-b200, gemini-3.1-pro) stands; a pair of two APIs, an unknown id or no
    pair falls back to the headline pair (the cheapest self-hosted option that can be sized and the cheapest API)."""
    inputs = load_inputs(ROOT / "scenarios" / "glm5-vs-frontier.yaml", catalogues, today=TODAY)
    result = evaluate(inputs)
    hosted, api = headline_pair(result)
    headline = (hosted.id, api.id)
    assert risk_pair(result, ("glm5-b200", "gemini-3.1-pro")) == ("glm5-b200", "gemini-3.1-pro")
    assert headline != ("glm5-b200", "gemini-3.1-pro")
    for other in (("glm5-api", "gemini-3.1-pro"), ("nope", "gemini-3.1-pro"), None):
        assert risk_pair(result, other) == headline


def test_a_bar_whose_ends_both_cost_reaches_from_the_base_to_the_further_end(catalogues):
    """owned-fleet-finance: monthly growth at −1 % and at +7 % both cut the savings from the base's −$470k to about
    −$620k. The bar reaches the base to the further end (~$154k), not the ~$7k between its ends, and ranks by that:
    above energy price (a ~$21k swing) and staff, where |high − low| had sorted it last."""
    inputs = load_inputs(ROOT / "scenarios" / "owned-fleet-finance.yaml", catalogues, today=TODAY)
    bars = risk_report(inputs, evaluate(inputs), samples=200).tornado
    growth = next(b for b in bars.bars if b.input == "Monthly growth")
    base, low, high = bars.base_savings_usd, growth.savings_at_low_usd, growth.savings_at_high_usd
    assert low < base and high < base and abs(high - low) < 0.1 * (base - min(low, high))  # one way, ends close
    assert growth.swing_usd == pytest.approx(base - min(low, high))
    order = [b.input for b in bars.bars]
    assert order.index("Monthly growth") < order.index("Energy price")
    assert order.index("Monthly growth") < order.index("Staff and platform cost")
    assert [b.swing_usd for b in bars.bars] == sorted((b.swing_usd for b in bars.bars), reverse=True)


def test_an_slo_range_wider_below_x_than_above_is_drawn_so(catalogues, tmp_path):
    """GPT-OSS-120B on H200 in the FAQ-and-escalations mix with TTFT p99 ≤ 1.5 s: at latencies 25 % tighter the
    search finds a load far below X* (more than 100 % below), at 25 % looser one within the throughput error above
    it. The draws take each side's σ = ln(1 + e) / z₀.₉, the published floor 0.20 at least; the tornado's ends are
    2 σ out on each side; the result records both (the draws, one σ a side:
    test_every_draw_has_its_median_at_the_base_case)."""
    data = yaml.safe_load((ROOT / "scenarios" / "mix-faq-and-escalations.yaml").read_text())
    data["slo"] = {"ttft_p99_s": 1.5, "itl_p99_s": 0.08}
    for option in data["options"]:
        if "profile" in option:
            option["profile"] = str((ROOT / "scenarios" / option["profile"]).resolve())
    inputs = load_inputs(write_yaml(tmp_path / "tight.yaml", data), catalogues, today=TODAY)
    result = evaluate(inputs)
    capacity = result.option("oss120-h200-1y").capacity
    sides = capacity["expected_error_sides"]
    assert sides["below"] > 1.0 and capacity["expected_error"] == sides["below"]
    assert 0.2 < sides["above"] < sides["below"]
    z = 1.2815515655446004
    sd = result.assumptions["uncertainty"]["throughput_multiplier"]["sd_by_option"]["oss120-h200-1y"]
    sides_sd = {side: pytest.approx(math.log1p(error) / z) for side, error in sides.items()}
    assert sd == sides_sd
    models = {s.model.id: s.model for s in setup_options(inputs)}
    chart = tornado(inputs.scenario, models["oss120-h200-1y"], models["deepseek-v3.2"], (sd["below"], sd["above"]))
    bar = next(b for b in chart.bars if b.input == "Throughput per replica")
    assert (bar.low, bar.high) == pytest.approx((math.exp(-2 * sd["below"]), math.exp(2 * sd["above"])))
