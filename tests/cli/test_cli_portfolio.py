"""`inference-roi compare SCENARIO --portfolio`: the best mix in the JSON contract, the table and the monthly CSV,
checked against the engine's own single-option figures and against its own parts."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from cli.main import main
from scenario_io.loader import load_inputs
from tco import evaluate
from tco.finance.discounting import discount_factors
from tests.conftest import ROOT

MIX = ROOT / "scenarios" / "mix-faq-and-escalations.yaml"


@pytest.fixture(scope="module")
def doc() -> dict:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["compare", str(MIX), "--portfolio", "--format", "json"]) == 0
    return json.loads(out.getvalue())


def test_the_json_contract(doc):
    mix = doc["portfolio"]
    for key in ("npv_cost_usd", "monthly_cost_usd", "best_single_option", "best_single_npv_cost_usd", "saving_usd",
                "assignments", "fleet", "overflow_hours_utc", "solver"):  # fmt: skip
        assert key in mix, key
    assert {"class", "option", "share", "role"} <= set(mix["assignments"][0])
    assert {"option", "term", "replicas_by_month"} <= set(mix["fleet"][0])
    assert mix["solver"]["status"] == "optimal" and mix["solver"]["name"].startswith("HiGHS")
    assert doc["verdict"].startswith("Recommended: a mix")
    # the mix serves faq with oss120-h200-1y, which fails the escalations gate: "not recommended" is about it alone
    served = {a["option"] for a in mix["assignments"]}
    assert " Not recommended: " not in doc["verdict"]
    alone = doc["verdict"].split(" Not recommended alone, for every class: ")[1]
    assert any(f"{option} (below the quality gate)" in alone for option in served)


def test_the_best_single_option_is_the_engines_own_npv_and_the_saving_adds_up(doc, catalogues):
    """Priced the same way: the mix's 'best single option' is the engine's figure for that option, independently."""
    mix = doc["portfolio"]
    result = evaluate(load_inputs(MIX, catalogues))
    assert mix["best_single_npv_cost_usd"] == pytest.approx(result.option(mix["best_single_option"]).npv_cost_usd)
    assert mix["saving_usd"] == pytest.approx(mix["best_single_npv_cost_usd"] - mix["npv_cost_usd"])
    assert mix["saving_usd"] > 0.05 * mix["best_single_npv_cost_usd"]  # the bundled example: a mix worth running


def test_each_class_is_served_whole_and_the_gates_hold(doc, catalogues):
    mix = doc["portfolio"]
    for cls in ("faq", "escalations"):
        served = sum(a["share"] for a in mix["assignments"] if a["class"] == cls and a["role"] != "escalation")
        assert served == pytest.approx(1.0, abs=2e-3)  # shares under 0.1 % are left out of the list
    hard = {a["option"] for a in mix["assignments"] if a["class"] == "escalations"}
    # escalations need GPQA >= 85: gpt-oss-120b (80.1) never serves them, a cascade hands its 30 % to gemini
    assert not any(o.startswith("oss120") for o in hard)
    cascade = [a for a in mix["assignments"] if a["class"] == "escalations" and a["role"] == "escalation"]
    assert all(a["option"] == "gemini-3.1-pro" for a in cascade)
    # the words say the escalated share comes on top (served by both), not as a second share of the class
    (words,) = [w for w in mix["words"] if w.startswith("escalations → ")]
    share = sum(a["share"] for a in cascade)
    assert f"then {share:.0%} of the class escalated on to gemini-3.1-pro (a cascade: answered by both)" in words


def test_the_npv_is_the_discounted_months_plus_one_time_plus_terms_owed_after(doc, catalogues):
    mix = doc["portfolio"]
    inputs = load_inputs(MIX, catalogues)
    months = inputs.scenario.horizon_months
    discounted = float(np.dot(mix["monthly_cost_usd"], discount_factors(inputs.scenario.finance.discount_rate_annual,
                                                                        months)))  # fmt: skip
    # a reserved tranche started late still owes rent past the 24-month horizon (in the NPV), never less than none
    assert discounted + mix["one_time_usd"] <= mix["npv_cost_usd"] * (1 + 1e-9)  # a sum's rounding apart
    assert mix["npv_cost_usd"] - discounted - mix["one_time_usd"] < 0.05 * mix["npv_cost_usd"]
    for month, total in enumerate(mix["monthly_cost_usd"]):
        assert sum(v[month] for v in mix["components_usd"].values()) == pytest.approx(total)


def test_table_and_monthly_csv(capsys):
    assert main(["compare", str(MIX), "--portfolio"]) == 0
    table = capsys.readouterr().out
    assert "Best mix (NPV of cost $" in table and "faq → " in table and "What each ingredient saves" in table
    assert main(["compare", str(MIX), "--portfolio", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 24 and rows[0]["month"] == "1" and float(rows[0]["total (USD)"]) > 0


def _changed_mix(tmp_path, change) -> str:
    """The mix example with `change` applied to its mapping, written beside `tmp_path` (profiles made absolute)."""
    import yaml

    scenario = yaml.safe_load(MIX.read_text())
    change(scenario)
    for option in scenario["options"]:
        if "profile" in option:
            option["profile"] = str(ROOT / "scenarios" / option["profile"])
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(scenario))
    return str(path)


def test_a_class_no_option_can_serve_is_named(tmp_path, capsys):
    path = _changed_mix(tmp_path, lambda s: s["workload"]["classes"][1]["quality"].update(min_score=99.0))
    assert main(["compare", path, "--portfolio"]) == 2
    assert "class 'escalations': no option meets its SLO and quality gate" in capsys.readouterr().err


def test_the_mix_is_checked_across_the_risk_ranges(doc, catalogues):
    """Each input at each end of its range, solved again. By hand for the API price: the best single option is an
    API, so its NPV moves by ± the range on its requests only, its platform staff (0.05 FTE × $18,000) unmoved."""
    cases = {(c["input"], c["value"]): c for c in doc["portfolio"]["robustness"]}
    assert len(cases) == 12 and all(c["still_recommended"] for c in cases.values())
    inputs = load_inputs(MIX, catalogues)
    staff = 0.05 * 18_000 * float(discount_factors(0.08, inputs.scenario.horizon_months).sum())
    base = doc["portfolio"]["best_single_npv_cost_usd"]
    assert doc["portfolio"]["best_single_option"] == "gemini-3.1-pro"
    for value, factor in (("× 0.90", 0.9), ("× 1.10", 1.1)):
        case = cases[("API price", value)]
        assert case["best_single_npv_cost_usd"] == pytest.approx(staff + (base - staff) * factor, rel=1e-9)
    table = "\n".join(f"{c['input']} {c['value']}" for c in cases.values())
    assert "growth +0.0% a month" in table and "growth +8.0% a month" in table  # 4 % ± 2 × 2 points


def test_mix_draws_on_the_command_line(capsys):
    assert main(["compare", str(MIX), "--portfolio", "--mix-draws", "3", "--format", "json"]) == 0
    mc = json.loads(capsys.readouterr().out)["portfolio"]["monte_carlo"]
    assert mc["draws"] == 3 and 0 <= mc["share_recommended"] <= 1
    p10, p50, p90 = mc["saving_p10_p50_p90_usd"]
    assert p10 <= p50 <= p90


def test_the_workbook_carries_the_mix_and_its_months_add_up(catalogues):
    """Read back with openpyxl (not the writer): every month's components sum to its total, the totals to the
    mix's running cost plus its one-time costs, and the assignments are the mix's."""
    import openpyxl

    from reports.exports import as_xlsx
    from tco.portfolio.mix import best_mix

    inputs = load_inputs(MIX, catalogues)
    result = evaluate(inputs)
    mix = best_mix(inputs, result)
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(result, None, mix)))
    months = list(book["best mix by month"].iter_rows(values_only=True))
    header, body = months[0], months[1:]
    assert header[0] == "month" and header[-1] == "total (USD)" and len(body) == inputs.scenario.horizon_months
    for row in body:
        assert sum(row[1:-1]) == pytest.approx(row[-1], abs=0.05)
    assert sum(r[-1] for r in body) == pytest.approx(sum(mix.monthly_cost_usd) + mix.one_time_usd, abs=0.5)
    who = [r for r in book["best mix"].iter_rows(values_only=True)][1:]
    assert [(r[0], r[1], r[3]) for r in who] == [(a.class_name, a.option, a.role) for a in mix.assignments]


def test_an_escalation_to_no_option_is_named(tmp_path, capsys):
    path = _changed_mix(tmp_path, lambda s: s["options"][2]["escalation"].update(to="gemini-9"))
    assert main(["compare", path, "--portfolio"]) == 2
    err = capsys.readouterr().err
    assert "escalation.to must name another option" in err and "'gemini-9'" in err and err.count("\n") == 1
