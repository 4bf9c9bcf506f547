"""The pair compared across pages (Compare's picker, Break-even, Risk, the exports) and what Break-even and Risk say
about it, with Streamlit's AppTest, against the engine's own numbers."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pytest
import yaml

from datafiles import parse_as
from scenario_io import codec, resolve_scenario
from scenario_io.references import References
from tco import evaluate, risk_report
from tco.decision.verdict import decide
from tco.records.scenario import Scenario
from tco.risk.report import headline_pair
from tests.app.app_helpers import (
    PAGES,
    SCENARIO_DIR,
    assert_no_failure,
    engine,
    example,
    money,
    open_app,
    table_with,
)
from tests.conftest import ROOT


def test_a_break_even_utilisation_above_full_use_says_so_and_a_rented_fleet_has_no_terminal_value(catalogues):
    """The example's glm5-h200 against glm5-api breaks even at 176 % of its SLO capacity: a figure no fleet reaches,
    so the metric reads "over 100%" (a reviewer read "176%" as a use a fleet could have), says no volume breaks even,
    and gives the figure in its help; rented GPUs leave nothing at the horizon: "n/a", not a bare dash."""
    at = open_app("breakeven")
    assert_no_failure(at)
    result = engine(example(), catalogues)
    pair = decide(result).pair
    assert pair is not None and pair.break_even_utilization > 1
    metric = next(m for m in at.metric if m.label == "Break-even utilisation")
    assert metric.value == "over 100%" and metric.proto.delta == f"never: fleet at most {0.85 / 3:.0%} busy"
    assert f"Here it would take {pair.break_even_utilization:.0%} of the fleet's capacity" in metric.help
    assert next(m for m in at.metric if m.label == "Terminal value").value == "n/a"


def test_risk_states_the_base_case_beside_the_draws(catalogues):
    """The review: Risk's P50 (−$1.56M) beside Compare's NPV of savings (−$1.40M) with the base case nowhere on the
    page. It now says the base case, the same pair's figure as Break-even's."""
    at = open_app("risk")
    assert_no_failure(at)
    result = engine(example(), catalogues)
    hosted, api = headline_pair(result)
    pair = next(b for b in result.break_even if (b.self_hosted, b.api) == (hosted.id, api.id))
    saved = round(api.npv_cost_usd) - round(hosted.npv_cost_usd)  # as the table shows the two: Break-even's figure
    assert abs(saved - pair.npv_savings_usd) <= 1
    sign = "\u2212\u2060" if saved < 0 else ""  # a word joiner keeps the sign on the amount's line
    expected = f"NPV of savings **{sign}${abs(saved):,.0f}**"
    assert any(expected in m.value and "Base case" in m.value for m in at.markdown), expected


def test_risk_says_why_its_median_sits_off_the_base_without_blaming_symmetric_ranges(catalogues):
    """A reviewer (batch-summariser): base −$38,085, P50 −$127,302, and the page blamed "a range that reaches further
    one way than the other" while its footnote says every draw is symmetric; the cause was whole replicas (Compare:
    the peak uses 98 % of the replicas' planned capacity). Where the peak fills 95 % or more the page now says so;
    elsewhere it names the uneven responses in general."""
    mapping = example("batch-summariser")
    at = open_app("risk", s=codec.to_url_token(mapping))
    assert_no_failure(at)
    hosted, _ = headline_pair(engine(mapping, catalogues))
    fill = hosted.peak_fill_first_month
    assert fill is not None and fill >= 0.95
    said = " ".join(m.value for m in at.markdown)
    assert "reaches further one way" not in said and "Every range is symmetric around the input as set" in said
    assert f"here {hosted.id}'s peak uses {fill:.0%} of its replicas' planned capacity" in said
    mix = example("mix-faq-and-escalations")  # its fleet's peak fills 76 % of its replicas
    said = " ".join(m.value for m in open_app("risk", s=codec.to_url_token(mix)).markdown)
    assert headline_pair(engine(mix, catalogues))[0].peak_fill_first_month < 0.95
    assert "(whole replicas, a price that compounds over the horizon)" in said


def test_break_even_page_shows_the_engines_pair(catalogues):
    at = open_app("breakeven", s=codec.to_url_token(example("owned-fleet-finance")))
    assert_no_failure(at)
    result = engine(example("owned-fleet-finance"), catalogues)
    hosted, api = headline_pair(result)
    pair = next(b for b in result.break_even if b.self_hosted == hosted.id and b.api == api.id)
    metrics = {m.label: m.value for m in at.metric}
    saved = round(api.npv_cost_usd) - round(hosted.npv_cost_usd)  # the two NPVs as shown, then their difference
    assert abs(saved - pair.npv_savings_usd) <= 1
    sign = "\u2212" if saved < 0 else ""  # a true minus, as Plotly's axes write it
    assert metrics["NPV of savings"] == f"{sign}${abs(saved):,.0f}"
    # owned servers are paid up front: the cash payback is the payback shown, the P&L one labelled beside it
    assert metrics["Cash payback"] == (f"month {pair.cash_payback_month}" if pair.cash_payback_month else "never")
    assert metrics["P&L payback"] == (f"month {pair.payback_month}" if pair.payback_month else "never")
    assert "Payback" not in metrics
    # discounted on cash too, never before the cash payback (a P&L month 2 sat beside a cash month 31: a reviewer)
    shown = metrics["Discounted cash payback"]
    assert shown == (f"month {pair.discounted_payback_month}" if pair.discounted_payback_month else "never")
    if pair.discounted_payback_month is not None:
        assert pair.cash_payback_month is not None and pair.discounted_payback_month >= pair.cash_payback_month
    charts = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Cumulative cost and savings, undiscounted (P&L: capital charged monthly)" in charts
    assert "NPV of cost, cash" in metrics  # owned hardware: the cash view is shown
    assert metrics["NPV of cost, cash"] == metrics["NPV of cost, P&L"]  # one terminal-value assumption
    cases = table_with(at, "API price decline a year")
    own = example("owned-fleet-finance")["finance"]["api_price_decline_annual"]
    assert list(cases["API price decline a year"]) == [
        f"{r:.0%}" + (" (this scenario)" if r == own else "") for r in sorted({0.0, 0.2, 0.4, 0.6, own})
    ]  # the scenario's own rate marked in its cell, no column blank but in one row (a reviewer)
    # whole dollars with the sign first, and a payback in words: no cents, no "None"
    assert all(re.fullmatch(r"\u2212?\$[\d,]+", v) for v in cases["NPV of savings"])
    assert all(v == "never" or re.fullmatch(r"month \d+", v) for v in cases["payback (cash)"])  # as the metric says
    # the two costs the saving is the difference of: short headers (the ids are in their help), and they add up
    # to the dollar: a reviewer read −$470,207 beside $731,851 and $1,202,059 (the saving rounded after subtracting)
    for api_cost, hosted_cost, saving in zip(cases["NPV of cost, API"], cases["NPV of cost, self-hosted"],
                                             cases["NPV of savings"], strict=True):  # fmt: skip
        assert money(api_cost) - money(hosted_cost) == money(saving)
    this = cases[cases["API price decline a year"].str.endswith("(this scenario)")]
    assert list(this["NPV of savings"]) == [metrics["NPV of savings"]]  # the figure above the table
    at.number_input(key="f.finance.discount_rate_annual").set_value(20.0).run()
    assert at.session_state["scenario"]["finance"]["discount_rate_annual"] == pytest.approx(0.2)
    assert {m.label: m.value for m in at.metric}["NPV of savings"] != metrics["NPV of savings"]


def test_risk_says_when_its_api_is_one_nobody_would_pick():
    """owned-fleet-finance: Risk opened on llama70b-owned against qwen3-235b-fireworks, which has no GPQA Diamond
    score, with no word (a reviewer); Compare says it is not recommended, and so does Risk now."""
    at = open_app("risk", s=codec.to_url_token(example("owned-fleet-finance")))
    assert not at.exception
    (warning,) = [w.value for w in at.warning if "qwen3-235b-fireworks is not recommended itself" in w.value]
    assert "(no GPQA Diamond score" in warning and "compare with an option you would not pick" in warning
    at = open_app("risk")  # the example's pair: both recommended, no such word
    assert not any("is not recommended itself" in w.value for w in at.warning)


def test_risk_page_matches_the_engines_risk_report(catalogues):
    at = open_app("risk")
    assert_no_failure(at)
    scenario = parse_as(Scenario, example(), "test")
    inputs = resolve_scenario(
        scenario, "test", catalogues, refs=References.on_disk(SCENARIO_DIR), today=dt.date.today()
    )
    report = risk_report(inputs, evaluate(inputs))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["P(self-hosting cheaper)"] == f"{report.p_self_host_cheaper:.0%}"
    p50 = report.savings_npv_p10_p50_p90_usd[1]
    minus = "\u2212" if p50 < 0 else ""  # the true minus amounts use
    assert metrics["P50"] == f"{minus}${abs(p50):,.0f}"
    samples = at.text_input(key="f.uncertainty.samples")
    assert samples.value == "10,000"  # with its separator, as every count on the page is written
    samples.set_value("2k").run()
    assert_no_failure(at)
    assert at.session_state["scenario"]["uncertainty"] == {"samples": 2000}
    assert any("2,000 samples" in m.value for m in at.markdown)
    assert any(c.value == "= 2,000" for c in at.caption)  # "2k" read back as understood
    for typed, expected in (("2.5", "expected a whole number"), ("300,000", "expected at most 200,000")):
        at.text_input(key="f.uncertainty.samples").set_value(typed).run()
        assert not at.exception
        assert any(expected in e.value and "Samples" in e.value for e in at.error), typed
        assert at.session_state["scenario"]["uncertainty"] == {"samples": 2000}  # the last valid number kept


def test_opening_another_example_on_the_break_even_page_resets_the_pair():
    at = open_app("breakeven")
    assert at.selectbox(key="f.be.pair").value == ("glm5-h200", "glm5-api")  # the verdict's pair: lower NPV of cost
    at.sidebar.selectbox[0].set_value("owned-fleet-finance").run()
    assert_no_failure(at)
    # with the example's gate (GPQA ≥ 50) the unscored Qwen3-235B fleet ranks after Llama 3.3 (50.5); gpt-5-mini is
    # shut down (2026-12-11) before the example starts (2027-01), so the cheapest API still served leads
    assert at.selectbox(key="f.be.pair").value == ("llama70b-owned", "qwen3-235b-fireworks")


def test_a_payback_of_an_option_that_does_not_count_says_why(catalogues):
    """A pair whose self-hosted option fails the quality gate: its payback is still shown (it is that pair's), with
    the table's status beside it ("below the gate") and every reason in its help, as the verdict's "Not recommended"
    lists them."""
    mapping = example()
    mapping["quality"] = {**mapping["quality"], "min_score": 90}  # GLM-5's 86 is below it
    at = open_app(s=codec.to_url_token(mapping), pair="glm5-h200,gemini-3.1-pro")
    assert_no_failure(at)
    metric = next(m for m in at.metric if m.label == "Self-hosting would pay back")  # it is not recommended
    hosted = engine(mapping, catalogues).option("glm5-h200")
    assert hosted.quality_gate == "below" and hosted.slo_met
    assert metric.proto.delta == "below the gate"  # the table's status: short enough not to be cut
    assert "glm5-h200 is not recommended (below the quality gate): this payback does not count" in metric.help
    assert "glm5-h200 (below the quality gate)" in at.container(key="verdict-text").markdown[0].value


def test_break_even_and_risk_open_on_the_pair_compared_and_ignore_a_pair_of_two_apis():
    """The pair chosen on Compare (in the link) is the pair Break-even and Risk open on when it is self-hosted
    against an API; two APIs compared leave both on the verdict's pair, not half of the chosen one."""
    at = open_app("breakeven", pair="glm5-b200,gpt-5.2")
    assert at.selectbox(key="f.be.pair").value == ("glm5-b200", "gpt-5.2")
    risk = open_app("risk", pair="glm5-b200,gpt-5.2")
    assert [s.value for s in risk.selectbox if s.label in ("Self-hosted option", "Against the API")] == [
        "glm5-b200", "gpt-5.2"]  # fmt: skip
    apis = open_app("risk", pair="gemini-3.1-pro,opus-4.5")
    assert [s.value for s in apis.selectbox if s.label in ("Self-hosted option", "Against the API")] == [
        "glm5-h200", "glm5-api"]  # fmt: skip
    assert open_app("breakeven", pair="gemini-3.1-pro,opus-4.5").selectbox(key="f.be.pair").value == (
        "glm5-h200", "glm5-api")  # fmt: skip


def test_one_pair_for_every_page_and_the_exports(catalogues):
    """A pair picked on Break-even is Risk's, Compare's and the exports' (a reviewer's Break-even choice was forgotten
    on leaving, and the summary CSV compared with another API); one picked on Risk the same; Compare's boxes take
    every change in a row (every second one was dropped), and the same option in both boxes swaps them."""
    import csv
    import io

    from reports.exports import as_csv
    from tco.risk import risk_pair

    at = open_app("breakeven")
    at.selectbox(key="f.be.pair").set_value(("glm5-h200", "gemini-3.1-pro")).run()
    assert not at.exception and at.session_state["compared_pair"] == ("glm5-h200", "gemini-3.1-pro")
    at.switch_page(PAGES["risk"]).run()
    assert [at.selectbox(key=k).value for k in ("risk.hosted", "risk.api")] == ["glm5-h200", "gemini-3.1-pro"]
    at.selectbox(key="risk.api").set_value("opus-4.5").run()
    at.switch_page(PAGES["breakeven"]).run()
    assert at.selectbox(key="f.be.pair").value == ("glm5-h200", "opus-4.5")
    at.switch_page(PAGES["compare"]).run()
    assert (at.selectbox(key="pair.first").value, at.selectbox(key="pair.second").value) == ("glm5-h200", "opus-4.5")
    # the exports the sidebar offers compare with the API of that pair
    result = engine(example(), catalogues)
    pair = risk_pair(result, at.session_state["compared_pair"])
    assert pair == ("glm5-h200", "opus-4.5")
    summary = {r["option"]: r for r in csv.DictReader(io.StringIO(as_csv(result, None, pair[1])))}
    assert summary["glm5-h200"]["compared with (API)"] == "opus-4.5"
    for pick in ("glm5-b200", "gpt-5.2", "opus-4.5", "gemini-3.1-pro"):  # each change in a row is kept
        at.selectbox(key="pair.second").set_value(pick).run()
        assert at.session_state["compared_pair"] == ("glm5-h200", pick)
        assert at.selectbox(key="pair.second").value == pick
    at.selectbox(key="pair.first").set_value("gemini-3.1-pro").run()  # the option the other box holds: a swap
    assert at.session_state["compared_pair"] == ("gemini-3.1-pro", "glm5-h200")
    at.selectbox(key="pair.first").set_value("glm5-api").run()  # back on the default pair (the pick first): forgotten
    assert at.session_state["compared_pair"] is None and not at.exception


def test_two_apis_compared_leave_break_even_and_risk_on_the_headline_pair_and_they_say_so():
    """A reviewer compared gemini-3.1-pro with gpt-5.2 on Compare; Break-even and Risk then showed glm5-h200 against
    glm5-api with nothing saying why (a payback needs a self-hosted option and an API)."""
    at = open_app("compare")
    at.selectbox(key="pair.first").set_value("gemini-3.1-pro").run()
    at.selectbox(key="pair.second").set_value("gpt-5.2").run()
    assert at.session_state["compared_pair"] == ("gemini-3.1-pro", "gpt-5.2")
    said = ("Compare's pair, gemini-3.1-pro and gpt-5.2, are both APIs: a payback and its risk need a self-hosted "
            "option and an API, so this page shows glm5-h200 against glm5-api.")  # fmt: skip
    for page in ("breakeven", "risk"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception and said in [c.value for c in at.caption], page
    at.switch_page(PAGES["compare"]).run()
    at.selectbox(key="pair.second").set_value("glm5-b200").run()  # one of each: nothing to say
    at.switch_page(PAGES["breakeven"]).run()
    assert not any(c.value.startswith("Compare's pair") for c in at.caption)


def test_class_gates_are_said_on_quality_and_a_below_gate_pair_is_warned_on_break_even(catalogues):
    """The mix example gates its classes (faq GPQA Diamond ≥ 75, escalations ≥ 85) and sets no scenario gate: the
    Quality page names the class gates where the gate is set, and Break-even warns before its figures when the
    self-hosted option it opens on is below a gate (the engine's own gate status, computed here apart)."""
    scenario = example("mix-faq-and-escalations")
    token = codec.to_url_token(scenario)
    at = open_app("quality", s=token)
    assert not at.exception
    said = [c.value for c in at.caption if c.value.startswith("Request classes set their own gates")]
    assert said and "faq: GPQA Diamond ≥ 75; escalations: GPQA Diamond ≥ 85" in said[0]
    at = open_app("breakeven", s=token)
    assert not at.exception
    hosted = next(b for b in at.selectbox if b.label == "Self-hosted option vs API").value[0]
    below = engine(scenario, catalogues).option(hosted).quality_gate == "below"
    assert below  # the example opens on a pair whose self-hosted side fails the escalations gate
    warned = [w.value for w in at.warning if "not recommended" in w.value]
    assert warned and warned[0].startswith(f"{hosted} is not recommended alone (below the quality gate)")
    at = open_app("risk", s=token)  # Risk opens on the same pair, and warns the same way before its chances
    assert not at.exception
    assert next(b for b in at.selectbox if b.label == "Self-hosted option").value == hosted
    warned = [w.value for w in at.warning if "not recommended" in w.value]
    assert warned and warned[0].startswith(f"{hosted} is not recommended alone (below the quality gate)")


def test_risk_says_how_the_stated_throughput_error_becomes_the_tornados_swing(catalogues):
    """Compare says 'modelled ±48%' for glm5-h200 and the tornado swung throughput −46 % / +84 % with nothing between
    them. The caption derives one from the other: σ = ln 1.48 / 1.2816 = 0.3059, ends e^(∓2σ) = × 0.542 and × 1.84,
    and they are the tornado bar's own ends (the engine's report)."""
    at = open_app("risk")
    scenario = parse_as(Scenario, example(), "test")
    inputs = resolve_scenario(
        scenario, "test", catalogues, refs=References.on_disk(SCENARIO_DIR), today=dt.date.today()
    )
    result = evaluate(inputs)
    report = risk_report(inputs, result)
    error = result.option(report.self_hosted).capacity["expected_error"]
    sd = math.log1p(error) / 1.2815515655446004
    (bar,) = [b for b in report.tornado.bars if b.input.lower().startswith("throughput")]
    assert (bar.low, bar.high) == pytest.approx((math.exp(-2 * sd), math.exp(2 * sd)), rel=1e-9)
    (caption,) = [c.value for c in at.caption if c.value.startswith("Throughput of glm5-h200")]
    assert f"its expected error ±{error:.0%} (modelled) is drawn as the same factor either way" in caption
    assert f"÷ {1 + error:.3g} to × {1 + error:.3g}, the 80 % range of the draws;" in caption
    assert f"× {bar.low:.3g} and × {bar.high:.3g} (−{1 - bar.low:.0%} / +{bar.high - 1:.0%})" in caption


def test_owned_break_even_says_why_a_saving_never_pays_back_and_why_the_npvs_agree(catalogues):
    """The owned example's price-decline table had a row saving $41,092 (NPV) whose cash payback is "never", and the
    P&L and cash NPVs were the same figure, each with no word why. Both are true (the terminal value is in the NPV
    and never in cash payback; the capital charge is the annuity at the discount rate) and now said."""
    at = open_app("breakeven", s=codec.to_url_token(example("owned-fleet-finance")))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["NPV of cost, P&L"] == metrics["NPV of cost, cash"]
    assert any(c.value.startswith("The two NPVs agree by construction") for c in at.caption)
    table = table_with(at, "API price decline a year")
    saving_never = [r for r in table.itertuples() if money(r[2]) > 0 and r[3] == "never"]
    assert saving_never, table  # the row the caption explains
    (caption,) = [c.value for c in at.caption if c.value.startswith("A row that saves")]
    terminal = metrics["Terminal value"]
    assert f"(terminal value {terminal})" in caption


def test_a_break_even_utilisation_the_fleet_cannot_reach_is_said_to_be(catalogues):
    """glm5-h200 against gemini-3.1-pro breaks even at 59 % of its SLO capacity in use, and the page says gemini is
    cheaper at every volume: a fleet sized for a 3× peak at 85 % is at most 0.85 / 3 = 28 % busy on average, so 59 %
    is never reached. The figure now says so ('no volume breaks even'), with the bound in its help."""
    at = open_app("breakeven")
    at.selectbox(key="f.be.pair").set_value(("glm5-h200", "gemini-3.1-pro")).run()
    assert not at.exception
    pair = next(b for b in engine(example(), catalogues).break_even if (b.self_hosted, b.api) == (
        "glm5-h200", "gemini-3.1-pro"))  # fmt: skip
    reachable = 0.85 / 3
    assert reachable < pair.break_even_utilization <= 1
    metric = next(m for m in at.metric if m.label == "Break-even utilisation")
    assert metric.value == f"{pair.break_even_utilization:.0%}"
    assert metric.proto.delta == f"never: fleet at most {reachable:.0%} busy"  # the why, in sight
    assert f"at most {reachable:.0%} busy on average (planning utilisation 85% at the peak, peak-to-average 3)" in (
        metric.help)  # fmt: skip


def test_a_payback_of_an_option_that_misses_the_slo_says_so_beside_it():
    """The distillation example: both students miss the latency SLO, and the headline's payback ("month 2") is that
    pair's; beside it, the table's status, "misses the SLO", not a grey "not recommended" a reader passes over."""
    at = open_app(s=codec.to_url_token(yaml.safe_load((ROOT / "scenarios" / "distil-a-student.yaml").read_text())))
    assert_no_failure(at)
    metric = next(m for m in at.metric if m.label == "Self-hosting would pay back")  # "would": not recommended
    assert metric.proto.delta == "misses the SLO"
    assert "misses the latency SLO" in metric.help


def test_opening_another_scenario_forgets_the_pair_and_the_link_drops_it():
    """A reviewer compared gemini-3.1-pro with glm5-b200, then opened the support-assistant example (no glm5-b200):
    Break-even and Risk said "Compare's pair, gemini-3.1-pro and glm5-b200, are both APIs", the link kept
    `pair=gemini-3.1-pro,glm5-b200` and Compare's third figure stayed on a pair no box showed."""
    at = open_app("compare")
    at.selectbox(key="pair.first").set_value("gemini-3.1-pro").run()
    at.selectbox(key="pair.second").set_value("glm5-b200").run()
    assert at.session_state["compared_pair"] == ("gemini-3.1-pro", "glm5-b200")
    at.run()  # the address bar follows the run (sync_url)
    assert at.query_params["pair"] in ("gemini-3.1-pro,glm5-b200", ["gemini-3.1-pro,glm5-b200"])
    at.sidebar.selectbox[0].set_value("support-assistant").run()
    assert_no_failure(at)
    assert at.session_state["compared_pair"] is None and "pair" not in at.query_params
    for page in ("breakeven", "risk"):
        at.switch_page(PAGES[page]).run()
        assert_no_failure(at)
        assert not any(c.value.startswith("Compare's pair") for c in at.caption), page
    at.switch_page(PAGES["compare"]).run()
    fresh = open_app("compare")
    fresh.sidebar.selectbox[0].set_value("support-assistant").run()
    assert [(m.label, m.value) for m in at.metric] == [(m.label, m.value) for m in fresh.metric]  # "Saves (NPV)"


def test_a_pair_naming_a_deleted_option_is_forgotten():
    at = open_app("compare")
    at.selectbox(key="pair.first").set_value("gemini-3.1-pro").run()
    at.selectbox(key="pair.second").set_value("glm5-b200").run()
    options = at.session_state["scenario"]["options"]
    at.session_state["scenario"]["options"] = [o for o in options if o["id"] != "glm5-b200"]
    at.run()
    assert_no_failure(at)
    assert at.session_state["compared_pair"] is None


def test_a_link_with_a_pair_opens_on_it_and_a_broken_link_drops_it():
    token = codec.to_url_token(example())
    at = open_app("compare", s=token, pair="gemini-3.1-pro,glm5-b200")
    assert at.session_state["compared_pair"] == ("gemini-3.1-pro", "glm5-b200")
    broken = open_app("compare", s="not-a-token", pair="gemini-3.1-pro,glm5-b200")
    assert broken.session_state["compared_pair"] is None


def test_the_roi_says_the_terminal_value_is_in_it_and_what_it_is_without(catalogues):
    """A reviewer (owned-fleet-finance, llama70b-owned against haiku): "ROI 102%" counted the servers' terminal
    value ($681,741) as a saving, while its help said "net savings over the horizon / the month-0 outlay"; without
    it the horizon's cash returns 26 %. The help now says the value is counted and gives the figure without it:
    (102.3 % × 890,000 − 681,741) / 890,000 = 25.7 %, worked from the engine's own ROI and terminal value."""
    mapping = example("owned-fleet-finance")
    at = open_app("breakeven", s=codec.to_url_token(mapping), pair="llama70b-owned,haiku")
    assert_no_failure(at)
    pair = decide(engine(mapping, catalogues), ("llama70b-owned", "haiku")).pair
    outlay = 890_000  # the month-0 purchase (the reviewer's and the app's "month-0 outlay ($890,000)")
    without = (pair.roi * outlay - pair.terminal_value_usd) / outlay
    assert pair.roi_without_terminal_value == pytest.approx(without) and round(without, 2) == 0.26
    (roi,) = [m for m in at.metric if m.label == "ROI"]
    assert roi.value == f"{pair.roi:.0%}" == "102%"
    assert "the terminal value at the horizon counted as a saving in its last month; without it, 26%." in roi.help
