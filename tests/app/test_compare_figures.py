"""Compare's four figures say one thing each (a persona review): when the best mix is recommended, nothing reads
as a second pick or a second saving ("Pick: a mix" above a table whose gemini-3.1-pro row said "recommended", and a
chosen pair's saving drawn under the mix's in the same slot); two options of one kind show their NPV once; a
payback against an API nobody would pick says so."""

from __future__ import annotations

import re

import pytest
import yaml

from scenario_io import codec
from tco.decision.verdict import STATUS_WORDS
from tests.app.app_helpers import money, open_app, shown_verdict, table_with
from tests.conftest import ROOT, SCENARIOS

MIX = ROOT / "scenarios" / "mix-faq-and-escalations.yaml"


def _token() -> str:
    return codec.to_url_token(yaml.safe_load(MIX.read_text()))


def _metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_the_single_pick_is_the_best_single_option_when_a_mix_leads():
    at = open_app("compare", s=_token())
    assert not at.exception
    assert ("Pick", "a mix") in _metrics(at)
    table = at.dataframe[0].value
    status = dict(zip(table["option"], table["status"], strict=True))
    assert status["gemini-3.1-pro"] == "best alone" and "recommended" not in status.values()
    assert "a mix of options" in STATUS_WORDS["best alone"]  # the column's help says what it means
    saves = [label for label, _ in _metrics(at) if "Saves" in label or "saves" in label]
    assert saves == ["Saves (NPV)"]  # the mix's, against the best single option


def test_a_chosen_pair_takes_the_saving_slot_and_the_mix_keeps_the_pick():
    at = open_app("compare", s=_token(), pair="oss120-h200-1y,gemini-3.1-pro")
    assert not at.exception
    metrics = _metrics(at)
    assert metrics[0] == ("Pick", "a mix")
    saves = [label for label, _ in metrics if "save" in label.lower()]
    # one saving: the pair asked for, not the mix's beside it; "would": alone it is below the quality gate
    assert saves == ["oss120-h200-1y would save (NPV)"]
    assert len(metrics) == 4  # one figure a slot


def test_two_options_of_one_kind_show_their_npv_once_and_their_monthly_difference():
    """A reviewer compared glm5-b200 with glm5-h200: the saving slot and the last slot both read −$138,925 (the NPV
    difference twice), beside a sentence saying glm5-b200 costs 23 % less a month. The last slot is now the monthly
    difference, its help saying why it can differ in sign from the NPV."""
    from scenario_io import load_inputs
    from tco import evaluate
    from tco.decision.verdict import mean_monthly_usd
    from tco.records.amounts import usd

    result = evaluate(load_inputs(ROOT / "scenarios" / "glm5-vs-frontier.yaml"))
    b200, h200 = result.option("glm5-b200"), result.option("glm5-h200")
    at = open_app("compare", pair="glm5-b200,glm5-h200")
    assert not at.exception
    metrics = dict(_metrics(at))
    assert h200.npv_cost_usd < b200.npv_cost_usd  # over the horizon; a month, glm5-b200 costs less
    assert metrics["glm5-h200 saves (NPV)"] == usd(b200.npv_cost_usd - h200.npv_cost_usd)
    assert metrics["glm5-h200 saves a month"] == usd(mean_monthly_usd(b200) - mean_monthly_usd(h200))
    assert len(set(metrics.values())) == len(metrics) == 4


def test_the_saving_names_the_cheaper_of_the_pair_whichever_was_picked_first():
    """A reviewer picked gemini-3.1-pro, then glm5-h200: the figure read "glm5-h200 saves (NPV) −$1,043,546", a
    double negative. The cheaper of the two is named, with what it saves; the monthly figure follows its order."""
    from scenario_io import load_inputs
    from tco import evaluate
    from tco.records.amounts import usd

    result = evaluate(load_inputs(ROOT / "scenarios" / "glm5-vs-frontier.yaml"))
    gemini, h200 = result.option("gemini-3.1-pro"), result.option("glm5-h200")
    assert gemini.npv_cost_usd < h200.npv_cost_usd  # the example: self-hosting on H200 costs more over the horizon
    for pair in ("gemini-3.1-pro,glm5-h200", "glm5-h200,gemini-3.1-pro"):
        at = open_app("compare", pair=pair)
        metrics = dict(_metrics(at))
        assert metrics["gemini-3.1-pro saves (NPV)"] == usd(round(h200.npv_cost_usd) - round(gemini.npv_cost_usd))
        assert not any(label.startswith("glm5-h200 saves") for label in metrics)
        # against whom, under the figure (beside "Pick glm5-api" it read as a saving against the pick: a reviewer)
        saves = next(m for m in at.metric if m.label == "gemini-3.1-pro saves (NPV)")
        assert saves.proto.delta == "vs glm5-h200"
    b200 = result.option("glm5-b200")
    cheaper = min((h200, b200), key=lambda o: o.npv_cost_usd).id  # one kind: the NPV-cheaper first, both figures
    for pair in ("glm5-h200,glm5-b200", "glm5-b200,glm5-h200"):
        metrics = dict(_metrics(open_app("compare", pair=pair)))
        assert f"{cheaper} saves (NPV)" in metrics and f"{cheaper} saves a month" in metrics, pair


def test_a_payback_against_an_api_nobody_would_pick_says_so():
    """owned-fleet-finance: the pick is the owned fleet, and no API is recommended (gpt-5-mini retired, the others
    without a verified GPQA Diamond score); "Self-hosting pays back (cash): never" against the cheapest of them stood
    beside a self-hosted pick (two reviewers), and then "–" there beside Break-even's "never" for the same pair read
    as two answers (a third). The figure stands, as on Break-even, its pill saying no API is recommended, the reason
    in its help; the saving slot, with no next best to save against, gives the pair's (not "–" above a verdict
    quoting it). A pair the reader picks keeps its payback, the API's status beside it."""
    token = codec.to_url_token(yaml.safe_load((ROOT / "scenarios" / "owned-fleet-finance.yaml").read_text()))
    at = open_app("compare", s=token)
    assert not at.exception
    from scenario_io import load_inputs
    from tco import evaluate
    from tco.records.amounts import usd

    result = evaluate(load_inputs(ROOT / "scenarios" / "owned-fleet-finance.yaml"))
    shown = next(b for b in result.break_even if (b.self_hosted, b.api) == ("llama70b-owned", "qwen3-235b-fireworks"))
    assert shown.npv_savings_usd < 0 and shown.cash_payback_month is None  # the verdict's "does not pay back"
    payback = next(m for m in at.metric if m.label == "Self-hosting pays back (cash)")
    assert payback.value == "never" and payback.delta == "its API is ruled out"  # was "no API recommended"
    cheapest = "No API meets the SLO and the quality gate: against the cheapest, qwen3-235b-fireworks (no GPQA"
    assert cheapest in payback.proto.help and "cash payback not within the horizon" in payback.proto.help
    # the cheaper side has no gate score: it "would save", and the help says why it is not recommended
    saves = next(m for m in at.metric if m.label == "qwen3-235b-fireworks would save (NPV)")
    owned, fireworks = result.option("llama70b-owned").npv_cost_usd, result.option("qwen3-235b-fireworks").npv_cost_usd
    assert abs(round(owned) - round(fireworks) + shown.npv_savings_usd) <= 1  # within a dollar of the engine's
    assert saves.value == usd(round(owned) - round(fireworks)) and saves.proto.delta == "vs llama70b-owned"
    assert "qwen3-235b-fireworks is not recommended: no GPQA Diamond score" in saves.proto.help
    at = open_app("compare", s=token, pair="llama70b-owned,haiku")
    payback = next(m for m in at.metric if m.label == "Self-hosting pays back (cash)")
    pair = next(b for b in result.break_even if (b.self_hosted, b.api) == ("llama70b-owned", "haiku"))
    assert pair.npv_savings_usd > 0 and pair.cash_payback_month is not None
    assert payback.value == f"month {pair.cash_payback_month}" and payback.delta == "API: no gate score"
    assert "haiku is not recommended itself (no verified GPQA Diamond score" in payback.proto.help


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda v: v.stem)
def test_every_saving_on_screen_is_the_difference_of_the_npvs_in_the_table(scenario):
    """A whole-dollar saving rounded after subtracting can read a dollar off the two NPVs of cost beside it (a
    reviewer checked $565,409 − $206,208 by hand). The verdict's saving, the Saves figure and the payback's NPV of
    savings are each the difference of the ranked table's two cells, in every bundled example."""
    at = open_app("compare", s=codec.to_url_token(yaml.safe_load(scenario.read_text())))
    assert not at.exception
    table = table_with(at, "NPV of cost")
    npv = {same: money(cell) for cell, same in zip(table["NPV of cost"], table["option"].str.replace("\n", ""),
                                                      strict=True)}  # fmt: skip
    verdict = shown_verdict(at)
    checked = 0
    for amount, other in re.findall(r"saves (−?\$[\d,]+) \(NPV\) against the next best, ([^ ]+?)\.(?: |$)", verdict):
        pick = next(o for o in npv if verdict.startswith(f"Recommended: {o} "))
        assert money(amount) == npv[other] - npv[pick], (scenario.stem, amount)
        checked += 1
    for hosted, api in re.findall(r"\(([^ ()]+)\) costs .*? than ([^ ;,]+)", verdict):
        found = re.search(r"NPV of savings (−?\$[\d,]+)", verdict)
        if found and hosted in npv and api in npv:
            assert money(found.group(1)) == npv[api] - npv[hosted], (scenario.stem, found.group(1))
            checked += 1
    for metric in at.metric:
        if metric.label.endswith("aves (NPV)") and metric.value != "–":
            payer = metric.label.removesuffix(" saves (NPV)").removesuffix(" would save (NPV)")
            against = metric.proto.delta.removeprefix("vs ") if metric.proto.delta else None
            if metric.label == "Saves (NPV)":  # the pick against the next best, named in its help (a mix: its own)
                named = re.search(r"the next best, (\S+), minus the pick's", metric.help)
                if named is None:
                    continue
                payer = next(o for o in npv if verdict.startswith(f"Recommended: {o} "))
                against = named.group(1)
            assert money(metric.value) == npv[against] - npv[payer], (scenario.stem, metric.label)
            checked += 1
    assert checked or verdict.startswith("Recommended: a mix"), scenario.stem  # a mix's saving is not in the table
