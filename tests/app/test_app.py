"""The app with Streamlit's AppTest: Compare, options, workload and prices, driven through its widgets, against the
engine's own numbers."""

from __future__ import annotations

import datetime as dt
import json
import re

import genai_prices.data
import pandas as pd
import pytest
import yaml

from datafiles import parse_as
from scenario_io import codec, load_catalogues
from tco.decision.verdict import verdict, why_not
from tco.records.amounts import usd
from tco.records.results import recommendable
from tco.records.scenario import Scenario
from tco.records.slo_presets import preset
from tests.app.app_helpers import (
    PAGES,
    assert_no_failure,
    engine,
    example,
    gpus_cell,
    money,
    open_app,
    shown_verdict,
    table_row,
    table_with,
)
from tests.conftest import ROOT
from ui import loaders
from ui.options_form import NO_MEASUREMENT


def test_opens_on_the_example_with_the_engines_verdict_and_table(catalogues):
    at = open_app()
    assert_no_failure(at)
    expected = engine(example(), catalogues)
    assert shown_verdict(at) == verdict(expected)
    # "NPV of savings −" at a line's end, "$1,402,747" on the next (1400 px): a word joiner holds sign and dollar
    raw = next(m.value for m in at.markdown if m.value.startswith("**Recommended"))
    assert "\u2212\u2060\\$" in raw and "\u2212\\$" not in raw
    for option in expected.options:
        row = table_row(at, option.id)
        assert row["$/month"] == pytest.approx(sum(option.monthly_cost_usd) / len(option.monthly_cost_usd), abs=0.5)
        assert row["NPV of cost"] == pytest.approx(option.npv_cost_usd, abs=0.5)
        assert row["$/Mtok"] == pytest.approx(option.usd_per_mtok, abs=0.005)
        assert (row["status"] == "misses the SLO") == (not option.slo_met)  # the status says it (no SLO column)
        assert "None" not in row.values() and "nan" not in row.values()


def test_the_description_says_it_was_written_for_the_workload_as_opened_once_edited():
    """ "3M turns a month" stayed under a volume changed to 12M, on screen and in the report (a reviewer; the report's
    words: tests/reports/test_report_reads.py)."""
    description = example()["description"]
    at = open_app()
    assert any(c.value == description for c in at.caption)
    at.text_input(key="f.volume").set_value("12M").run()
    stale = f"{description} (Written for the workload as opened; it has been edited since.)"
    # the field's caption writes the volume as the verdict does (was "(12 M)" beside the verdict's "12.0M")
    assert any(c.value == "= 12,000,000 requests/month (12M)" for c in at.caption)
    assert any(c.value == stale for c in at.caption) and not any(c.value == description for c in at.caption)
    at.text_input(key="f.volume").set_value("3,000,000").run()  # back as opened: the plain description
    assert any(c.value == description for c in at.caption)
    # the same demand in tokens a month is no edit (a reviewer switched the unit alone and read "edited since")
    at.radio(key="f.volume_basis").set_value("tokens/month").run()
    assert "tokens_per_month" in at.session_state["scenario"]["workload"]
    assert any(c.value == description for c in at.caption) and not any(c.value == stale for c in at.caption)


def test_request_classes_and_daily_curve_reach_the_engine(catalogues):
    at = open_app()
    at.session_state["f.classes"] = {
        "edited_rows": {0: {"share": 0.7}},
        "added_rows": [{"name": "long", "share": 0.3, "input_tokens": 20000, "output_tokens": 1000}],
        "deleted_rows": [],
    }
    at.radio(key="f.peak_kind").set_value("24-hour curve").run()
    curve = [1] * 8 + [4] * 12 + [1] * 4
    at.text_input(key="f.daily_curve").set_value(", ".join(map(str, curve))).run()
    assert_no_failure(at)
    workload = at.session_state["scenario"]["workload"]
    assert [c["share"] for c in workload["classes"]] == [0.7, 0.3] and workload["daily_curve"] == curve
    assert "peak_to_average" not in workload and "input_tokens" not in workload
    assert shown_verdict(at) == verdict(engine(at.session_state["scenario"], catalogues))


def test_a_bad_daily_curve_is_named_and_the_last_good_scenario_kept():
    at = open_app()
    at.radio(key="f.peak_kind").set_value("24-hour curve").run()
    at.text_input(key="f.daily_curve").set_value("1, 2, three").run()
    assert any("workload.daily_curve" in e.value for e in at.error)
    assert not at.exception
    assert shown_verdict(at)  # still computed, on the last valid curve


def test_slo_preset_sets_the_bounds_the_engine_uses(catalogues):
    at = open_app(tab="SLO & capacity")
    # each preset shows its bounds: a reviewer took "Chat" for the example's own bounds (TTFT p99 ≤ 2 s)
    assert at.selectbox(key="f.slo.preset").options[0] == "Chat: TTFT p99 ≤ 0.15 s, ITL p99 ≤ 0.025 s, E2E p99 ≤ 7 s"
    at.selectbox(key="f.slo.preset").set_value("Chat").run()
    assert_no_failure(at)
    chat = {k: v for k, v in preset("Chat").slo.__dict__.items() if v is not None}
    assert at.session_state["scenario"]["slo"] == chat
    expected = engine(at.session_state["scenario"], catalogues)
    assert (table_row(at, "glm5-h200")["status"] == "misses the SLO") == (not expected.option("glm5-h200").slo_met)


def test_add_an_api_option_and_remove_one(catalogues):
    at = open_app(tab="Options")
    at.session_state["f.add.api.open"] = True  # the list is priced and drawn once its expander is open
    at.run()
    at.selectbox(key="f.add.api").set_value("deepseek / deepseek-chat")
    next(b for b in at.button if b.label == "Add API option").click().run()
    assert_no_failure(at)
    ids = [o["id"] for o in at.session_state["scenario"]["options"]]
    assert "deepseek-chat" in ids
    expected = engine(at.session_state["scenario"], catalogues).option("deepseek-chat")
    assert table_row(at, "deepseek-chat")["NPV of cost"] == pytest.approx(expected.npv_cost_usd, abs=0.5)
    rows = list(at.session_state["f.options.table.base"]["id"])
    deleted = [rows.index("gpt-5.2"), rows.index("opus-4.5")]
    at.session_state["f.options.table"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": deleted}
    at.run()
    assert_no_failure(at)
    assert {"gpt-5.2", "opus-4.5"}.isdisjoint(o["id"] for o in at.session_state["scenario"]["options"])
    assert set(table_with(at, "$/month")["option"]) == set(ids) - {"gpt-5.2", "opus-4.5"}


def test_add_a_distilled_option_and_see_its_project(catalogues):
    """The form writes a distilled option; the Compare page shows its project as the engine prices it, and the
    options table (which does not list it) keeps it through an edit; Remove takes it out."""
    at = open_app(tab="Options")
    at.selectbox(key="f.distil.student").set_value("qwen3-32b")
    at.selectbox(key="f.distil.teacher").set_value("opus-4.5")
    at.number_input(key="f.distil.examples").set_value(20_000)
    at.radio(key="f.distil.method").set_value("LoRA (≈4ND, frozen weights)")
    at.number_input(key="f.distil.redistill").set_value(12)
    next(b for b in at.button if b.label == "Add distilled option").click().run()
    assert_no_failure(at)
    added = at.session_state["scenario"]["options"][-1]
    assert added == {
        "id": "qwen3-32b-distilled",
        "kind": "distilled",
        "student": {"model": "qwen3-32b"},
        "teacher": "opus-4.5",
        "project": {"examples": 20_000, "prompt_tokens": 800, "completion_tokens": 3000, "epochs": 3,
                    "method": "lora", "gpu": "H100", "eval_tasks": 500, "redistill_every_months": 12},
        "serving": {"gpu": "H100", "term": "on_demand"},
    }  # fmt: skip
    expected = engine(at.session_state["scenario"], catalogues).option("qwen3-32b-distilled")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["One-time project"] == f"${expected.one_time_cost_usd:,.0f}"
    assert metrics["Training"] == f"{expected.training_gpu_hours:,.0f} GPU-h"
    payback = expected.distillation["payback_month_vs_teacher"]
    # "would" for a student that is not recommended itself (it misses the SLO here): a payback nobody would deploy
    label = f"{'Pays' if recommendable(expected) else 'Would pay'} back against opus-4.5"
    assert metrics[label] == (f"month {payback}" if payback else "never")
    if not recommendable(expected):
        help_text = next(m.help for m in at.metric if m.label == label)
        assert f"qwen3-32b-distilled is not recommended ({why_not(expected)})" in help_text
    parts = table_with(at, "part")
    assert list(parts["part"]) == ["data", "training", "evaluation"]  # whole dollars, each within $1 of its cost
    assert list(parts["USD"]) == pytest.approx(list(expected.project_breakdown_usd.values()), abs=1)
    assert table_row(at, "qwen3-32b-distilled")["NPV of cost"] == pytest.approx(expected.npv_cost_usd, abs=0.5)
    at.session_state["f.options.table"] = {"edited_rows": {0: {"fixed_usd_per_month": 500.0}}, "added_rows": [],
                                           "deleted_rows": []}  # fmt: skip
    at.run()
    assert_no_failure(at)
    assert at.session_state["scenario"]["options"][-1] == added
    next(b for b in at.button if b.label == "Remove").click().run()
    assert_no_failure(at)
    assert "qwen3-32b-distilled" not in [o["id"] for o in at.session_state["scenario"]["options"]]


def test_a_distilled_option_trained_by_a_fine_tuning_api_on_batch_data(catalogues):
    at = open_app(tab="Options")
    at.selectbox(key="f.distil.teacher").set_value("opus-4.5")
    at.checkbox(key="f.distil.batch").check()
    at.number_input(key="f.distil.ft_price").set_value(3.0)
    next(b for b in at.button if b.label == "Add distilled option").click().run()
    assert_no_failure(at)
    added = at.session_state["scenario"]["options"][-1]
    assert added["project"]["batch_share"] == 1 and added["project"]["fine_tune_usd_per_mtok"] == 3
    expected = engine(at.session_state["scenario"], catalogues).option(added["id"])
    tokens = 50_000 * (800 + 3000) * 3
    assert expected.project_breakdown_usd["training"] == pytest.approx(tokens / 1e6 * 3.0)
    # Opus 4.5's batch price is half its list price: $2.50 / $12.50 per Mtok
    assert expected.project_breakdown_usd["data"] == pytest.approx(50_000 * (800 * 2.5 + 3000 * 12.5) / 1e6)
    assert {m.label: m.value for m in at.metric}["Training"] == f"${tokens / 1e6 * 3.0:,.0f}"


def test_a_distilled_option_with_a_bad_teacher_stays_in_its_own_row():
    mapping = example("distil-a-student")
    mapping["options"][3]["teacher"] = "nobody"
    at = open_app(s=codec.to_url_token(mapping))
    assert not at.exception
    warning = next(w.value for w in at.warning if "qwen8-lora" in w.value)
    assert "teacher: 'nobody' is no option" in warning
    assert {"opus45", "sonnet", "qwen32-distilled"} <= set(table_with(at, "$/month")["option"])
    assert any(m.value.startswith("**Distillation project: qwen32-distilled") for m in at.markdown)


def test_add_a_self_hosted_option_by_roofline(catalogues):
    at = open_app(tab="Options")
    at.selectbox(key="f.add.model").set_value("llama-3.3-70b-instruct").run()
    at.selectbox(key="f.add.gpu").set_value("H100")
    at.selectbox(key="f.add.term").set_value("Rent on demand")
    at.selectbox(key="f.add.profile").set_value(NO_MEASUREMENT)
    at.number_input(key="f.add.gpus").set_value(4)
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert_no_failure(at)
    added = at.session_state["scenario"]["options"][-1]
    assert added == {
        "id": "llama-3.3-70b-instruct-h100-od",
        "kind": "self_hosted",
        "model": "llama-3.3-70b-instruct",
        "gpu": "H100",
        "gpus_per_replica": 4,
        "term": "on_demand",
    }
    expected = engine(at.session_state["scenario"], catalogues).option(added["id"])
    row = table_row(at, added["id"])
    assert row["capacity"] == expected.capacity_basis == "estimated"
    # every pricing term the form offers ends an id in the examples' short form ("-od", "-1y"), never "-on_demand"
    from ui.options_form import TERM_IDS, TERMS

    assert set(TERMS.values()) <= set(TERM_IDS) and all(len(v) <= 5 for v in TERM_IDS.values())


def test_dollar_boxes_read_with_separators_and_take_18k(catalogues):
    """Issue 27: a cost box shows "18,000", not "18000", and takes what a person types ("$20k", "250,000"); a
    box it cannot read says what it expected and changes nothing."""
    at = open_app("breakeven")
    staff = at.text_input(key="f.finance.staff_usd_per_fte_month")
    default = parse_as(Scenario, example(), "x").finance.staff_usd_per_fte_month
    assert staff.value == f"{default:,.0f}" and "," in staff.value
    staff.set_value("$20k").run()
    assert_no_failure(at)
    assert at.session_state["scenario"]["finance"]["staff_usd_per_fte_month"] == 20_000
    assert "= $20,000" in [c.value for c in at.caption]  # what "$20k" was read as, under the box
    staff.set_value("twenty").run()
    assert [e.value for e in at.error] == [
        "Staff cost per FTE-month (USD): expected a dollar amount such as 18,000, 18k or 1.5M (got 'twenty'); "
        "the last valid amount is kept."
    ]
    assert at.session_state["scenario"]["finance"]["staff_usd_per_fte_month"] == 20_000

    at = open_app(tab="Options")
    before = len(at.session_state["scenario"]["options"])
    at.selectbox(key="f.add.model").set_value("llama-3.3-70b-instruct").run()
    at.selectbox(key="f.add.profile").set_value(NO_MEASUREMENT)
    at.text_input(key="f.add.implementation").set_value("1.5 M")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert_no_failure(at)
    assert at.session_state["scenario"]["options"][-1]["implementation_usd"] == 1_500_000
    at.text_input(key="f.add.implementation").set_value("-5")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert len(at.session_state["scenario"]["options"]) == before + 1
    assert any(e.value.startswith("One-time implementation (USD): expected a dollar amount") for e in at.error)


def test_add_an_open_model_served_by_sglang_with_mtp(catalogues):
    """The engine and speculative decoding chosen in the form reach the option; under the example's ITL p99 bound its
    estimate serves more than the same SGLang option without speculation (each step's reads shared by 1.46 tokens:
    the bound binds at a higher load), both within the SLO."""
    at = open_app(tab="Options")
    at.selectbox(key="f.add.model").set_value("llama-3.3-70b-instruct").run()
    at.selectbox(key="f.add.gpu").set_value("H100")
    at.selectbox(key="f.add.profile").set_value(NO_MEASUREMENT)
    at.selectbox(key="f.add.engine").set_value("SGLang")
    at.selectbox(key="f.add.speculation").set_value("MTP (multi-token prediction)")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert_no_failure(at)
    added = at.session_state["scenario"]["options"][-1]
    assert added["engine"] == "sglang" and added["speculative_decoding"] == "mtp"
    plain = {k: v for k, v in added.items() if k != "speculative_decoding"} | {"id": "plain"}
    scenario = {**at.session_state["scenario"], "options": [*at.session_state["scenario"]["options"], plain]}
    result = engine(scenario, catalogues)
    mtp, without = result.option(added["id"]), result.option("plain")
    assert mtp.slo_met and without.slo_met and mtp.capacity["method"] == without.capacity["method"] == "estimated"
    assert mtp.replica_req_per_s > without.replica_req_per_s


def test_a_model_retiring_inside_the_horizon_is_said_under_the_table(catalogues):
    """The review: opus-4.5 retires in the example's second month, yet its row said "eligible" and only the collapsed
    notes said more. The ranked table's caption names it, with its date, and how the months after are priced."""
    result = engine(example(), catalogues)
    retiring = [o for o in result.options if o.retires_on and not o.retired_before_start]
    assert [o.id for o in retiring] == ["opus-4.5"]
    at = open_app()
    assert_no_failure(at)
    captions = [c.value for c in at.caption if c.value.startswith("Retires inside the horizon")]
    assert captions == [
        f"Retires inside the horizon: opus-4.5 on {retiring[0].retires_on}"
        + (f" (successor {retiring[0].successor})" if retiring[0].successor else "")
        + ". Each is priced at its list price to the end of the horizon, as if its successor cost the same."
    ]


def test_a_reserved_term_past_the_horizon_says_why_a_cheaper_month_ranks_lower(catalogues):
    """The review: glm5-b200 ($54,408/month) ranked below glm5-h200 ($70,760) with no reason on the page: its 3-year
    reserved term runs past the horizon and the NPV of cost counts what is left. The table's caption says so."""
    result = engine(example(), catalogues)
    b200 = result.option("glm5-b200")
    assert b200.committed_after_horizon_usd > 0
    at = open_app()
    assert_no_failure(at)
    sign = "\u2212" if b200.committed_after_horizon_pv_usd < 0 else ""
    expected = (
        f"Reserved terms past the horizon: glm5-b200 ${b200.committed_after_horizon_usd:,.0f} (present value "
        f"{sign}${b200.committed_after_horizon_pv_usd:,.0f}). The NPV of cost, which ranks the table, counts them; "
        "$/month does not, so such an option can rank behind one that costs more a month."
    )
    assert expected in [c.value.replace("\\$", "$") for c in at.caption]


def test_a_negotiated_discount_in_the_prices_page_reaches_the_costs(catalogues):
    at = open_app("prices")
    at.session_state["f.overrides.table"] = {
        "edited_rows": {},
        "added_rows": [
            {
                "provider": "zai",
                "model": "GLM-5",
                "discount_pct": 25,  # percent in the table: 25 % off
                "source": "our contract",
                "as_of": "2026-11-01",
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    assert_no_failure(at)
    rows = at.session_state["scenario"]["overrides"]
    assert rows == [
        {"provider": "zai", "model": "GLM-5", "discount_share": 0.25, "source": "our contract", "as_of": "2026-11-01"}
    ]
    before = engine(example(), catalogues).option("glm5-api").first_month_cost_usd
    after = engine(at.session_state["scenario"], catalogues).option("glm5-api")
    assert after.first_month_cost_usd < before
    at.switch_page(PAGES["compare"]).run()
    assert table_row(at, "glm5-api")["NPV of cost"] == pytest.approx(after.npv_cost_usd, abs=0.5)


def test_a_bad_override_row_is_named_and_not_applied():
    at = open_app("prices")
    at.session_state["f.overrides.table"] = {
        "edited_rows": {},
        "added_rows": [{"provider": "zai", "model": "GLM-5", "input_usd_per_mtok": 1.0, "source": "x"}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    said = "Negotiated prices, row 1: give both input $/M and output $/M, or neither"
    assert any(said in e.value.replace("\\$", "$") for e in at.error), [e.value for e in at.error]  # markdown: \$
    assert "overrides" not in at.session_state["scenario"]


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ({"discount_pct": 150, "source": "x"}, "Negotiated prices, row 1: discount %: a percentage from 0 to 99: "
                                               "20 is 20 % off (got 150)"),
        ({"discount_pct": 20}, "Negotiated prices, row 1: source: required: where the price comes from"),
    ],
)  # fmt: skip
def test_a_discount_is_a_percentage_and_a_bad_row_says_so_in_the_tables_words(row, said):
    """A reviewer typed 20 meaning 20 %: the column took shares and clamped it to 0.99, a silent 99 % discount
    (glm5-api at $984/month). The column is in percent; past 99 is refused, as is a row without its source."""
    at = open_app("prices")
    at.session_state["f.overrides.table"] = {
        "edited_rows": {},
        "added_rows": [{"provider": "zai", "model": "GLM-5", **row}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert any(said in e.value for e in at.error), [e.value for e in at.error]
    assert "overrides" not in at.session_state["scenario"]


def test_prices_page_searches_and_reports_a_failed_refresh():
    at = open_app("prices")
    # every model reads differently from the others of its provider (ids are shortened to fit, never alike), and
    # the override rows are ticked with their sources written under the table
    table = at.dataframe[0].value
    catalogue = pd.DataFrame(loaders.api_prices(load_catalogues().prices.version, dt.date.today().isoformat()))
    assert len(table[["provider", "model"]].drop_duplicates()) == len(
        catalogue[["provider", "model"]].drop_duplicates()
    )
    overridden = catalogue[catalogue["source"].str.startswith("override: ")]
    assert len(overridden) >= 1 and table["override"].sum() == len(overridden)
    for row in overridden.itertuples():
        assert any(row.source.removeprefix("override: ") in c.value.replace("\\", "") for c in at.caption)
    at.text_input(key="prices.search").set_value("claude-sonnet-4-6").run()
    table = at.dataframe[0].value
    assert "claude-sonnet-4-6" in set(table["model"])
    assert table["model"].str.lower().str.contains("claude-sonnet-4-6").all()
    assert not {"source", "override"} & set(table.columns)  # every row from the catalogue: said under the table
    assert any("list prices in force today, from genai-prices" in c.value for c in at.caption)
    # the day each price took effect, as the data records it, not today's date: read here from genai-prices itself
    model = next(m for p in genai_prices.data.providers if p.id == "anthropic" for m in p.models
                 if m.id == "claude-sonnet-4-6")  # fmt: skip
    started = [p.constraint.start_date for p in model.prices if getattr(p.constraint, "start_date", None)]
    expected = max(d for d in started if d <= dt.date.today())
    assert expected == dt.date(2026, 3, 13)  # the bundled data's own record
    row = table[(table["provider"] == "anthropic") & (table["model"] == "claude-sonnet-4-6")]
    assert list(row["price_since"]) == [expected]
    offers = at.dataframe[1].value
    assert {"basis", "source", "as_of"} <= set(offers.columns) and offers["source"].notna().all()
    # issue 27, no cut cell: each source wraps in its column, whole or shortened with "…" (tests/app/test_table_fit.py
    # checks the widths), and the expander below holds every one in full
    sheet = load_catalogues().gpus
    full = {o.source for g in sheet.gpus for o in g.offers} | {g.purchase.source for g in sheet.gpus if g.purchase}
    shown = set(offers["source"])
    assert all(s in full or (s.endswith("…") and any(f.startswith(s[:-1]) for f in full)) for s in shown)
    written = next(e for e in at.expander if e.label == "Every source in full").markdown[0].value
    assert all(s.replace("$", r"\$") in written for s in full)
    assert list(offers.columns).index("as_of") < list(offers.columns).index("source")
    # words, not the sheet's codes: "rent 1-year reserved", "tracker or reseller"
    codes = {"on_demand", "reserved_1y", "reserved_3y", "owned", "third_party", "vendor", "estimate"}
    assert not codes & (set(offers["term"]) | set(offers["basis"])), set(offers["term"]) | set(offers["basis"])
    assert "on demand" in set(offers["term"]) and "tracker or reseller" in set(offers["basis"])
    at.text_input(key="prices.url").set_value("http://127.0.0.1:9/prices.json")
    next(b for b in at.button if b.label == "Refresh API prices").click().run()
    assert not at.exception
    assert any("Prices not updated" in e.value and "kept the old prices" in e.value for e in at.error)


def test_switching_to_tokens_converts_the_volume_and_keeps_the_answer(catalogues):
    at = open_app()
    before = shown_verdict(at)
    at.radio(key="f.volume_basis").set_value("tokens/month").run()
    assert_no_failure(at)
    workload = at.session_state["scenario"]["workload"]
    assert workload["tokens_per_month"] == 3_000_000 * 2_500 and "requests_per_month" not in workload
    assert shown_verdict(at) == before


def test_switching_to_a_curve_starts_from_the_same_peak():
    at = open_app()
    before = shown_verdict(at)
    at.radio(key="f.peak_kind").set_value("24-hour curve").run()
    assert_no_failure(at)
    curve = at.session_state["scenario"]["workload"]["daily_curve"]
    assert max(curve) / (sum(curve) / 24) == pytest.approx(3.0)
    assert shown_verdict(at) == before  # same peak, same fleet, same prices (flat-priced APIs)


def test_capacity_policy_fields_reach_the_engine(catalogues):
    at = open_app(tab="SLO & capacity")
    at.number_input(key="f.capacity.ha_spare_replicas").set_value(0).run()
    at.number_input(key="f.capacity.planning_utilization").set_value(60.0).run()
    assert_no_failure(at)
    capacity = at.session_state["scenario"]["capacity"]
    assert capacity["ha_spare_replicas"] == 0 and capacity["planning_utilization"] == pytest.approx(0.6)
    expected = engine(at.session_state["scenario"], catalogues).option("glm5-h200")
    assert table_row(at, "glm5-h200")["GPUs"] == gpus_cell(expected)
    assert any(f"{expected.gpus_first_month} H200 GPUs: {expected.replicas_first_month} replicas" in c.value
               for c in at.caption)  # fmt: skip


def test_edit_options_in_place_pricing_costs_and_ownership(catalogues):
    at = open_app(tab="Options")
    base = at.session_state["f.options.table.base"]
    rows = list(base["id"])
    hosted = rows.index("glm5-h200")
    # issue 27: the grid speaks words, not the scenario's codes or a file path
    assert base["pricing"][hosted] == "rent 1-year reserved" and "reserved_1y" not in set(base["pricing"])
    assert base["throughput"][hosted] == "glm-5-fp8-tp8-vllm-inferencex (bundled)"
    at.session_state["f.options.table"] = {
        "edited_rows": {hosted: {"pricing": "buy the servers", "implementation_usd": 100_000.0, "usd_per_kwh": 0.2}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert_no_failure(at)
    option = next(o for o in at.session_state["scenario"]["options"] if o["id"] == "glm5-h200")
    assert "term" not in option and option["ownership"] == {"usd_per_kwh": 0.2}
    assert option["implementation_usd"] == 100_000
    expected = engine(at.session_state["scenario"], catalogues)
    assert expected.option("glm5-h200").ownership == "owned"
    assert table_row(at, "glm5-h200")["NPV of cost"] == pytest.approx(
        expected.option("glm5-h200").npv_cost_usd, abs=0.5
    )
    assert shown_verdict(at) == verdict(expected)
    at.session_state["f.options.table"] = {
        "edited_rows": {hosted: {"pricing": "rent at your own $/GPU-h", "usd_per_gpu_hour": 1.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    option = next(o for o in at.session_state["scenario"]["options"] if o["id"] == "glm5-h200")
    assert option["usd_per_gpu_hour"] == 1.5 and "ownership" not in option and "term" not in option
    assert table_row(at, "glm5-h200")["NPV of cost"] == pytest.approx(
        engine(at.session_state["scenario"], catalogues).option("glm5-h200").npv_cost_usd, abs=0.5
    )


def test_refreshed_prices_reach_the_costs(tmp_path, monkeypatch, catalogues):
    """A refresh over HTTP from a local server: the next evaluation uses the new data, not a cached result."""
    from http.server import ThreadingHTTPServer
    from threading import Thread

    from tests.pricing.test_prices_refresh import _Handler, _provider
    from ui import loaders

    openai = {
        "id": "openai",
        "name": "OpenAI",
        "api_pattern": "https://api\\.openai\\.com",
        "models": [{"id": "gpt-5", "match": {"equals": "gpt-5"}, "prices": {"input_mtok": 1.5, "output_mtok": 6}}],
    }
    _Handler.routes = {"/prices.json": (200, json.dumps([openai] + [_provider(i, 1.0) for i in range(11)]).encode())}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("INFERENCE_ROI_CACHE", str(tmp_path))
    mapping = example("support-assistant")
    mapping["options"] = [o for o in mapping["options"] if o["id"] in ("gpt-5", "glm5-h200")]
    try:
        at = open_app("prices", s=codec.to_url_token(mapping))
        before = engine(mapping, catalogues).option("gpt-5").first_month_cost_usd
        at.text_input(key="prices.url").set_value(f"http://127.0.0.1:{httpd.server_address[1]}/prices.json")
        next(b for b in at.button if b.label == "Refresh API prices").click().run()
        assert any("Updated: 12 providers" in s.value for s in at.success)
        at.switch_page(PAGES["compare"]).run()
        # 3M requests x (1000 uncached + 1000 cached input at the input price, no cache price) and 500 output
        expected = 3_000_000 * (2000 * 1.5 + 500 * 6) / 1e6 + 0.05 * 18_000
        # no growth, no price decline in this example: every month costs what the first does
        assert table_row(at, "gpt-5")["$/month"] == pytest.approx(expected, abs=0.5) != pytest.approx(before, abs=0.5)
        assert_no_failure(at)
    finally:
        httpd.shutdown()
        httpd.server_close()
        loaders.refresh_catalogues()  # later tests read the bundled prices again


def test_class_shares_that_do_not_add_up_are_named_in_place():
    at = open_app()
    at.session_state["f.classes"] = {
        "edited_rows": {},
        "added_rows": [{"name": "long", "share": 0.3, "input_tokens": 20000, "output_tokens": 1000}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    expected = "scenario: workload: class shares must add up to 1 (they add up to 1.3)"
    assert [e.value for e in at.error] == [f"**This scenario cannot be computed yet.** {expected}"]


def test_adding_an_open_model_with_the_defaults_gets_a_memory_fit(catalogues):
    """No GPU count typed: the memory fit chooses it and the option computes beside the others."""
    at = open_app(tab="Options")
    at.selectbox(key="f.add.model").set_value("llama-3.3-70b-instruct").run()
    at.selectbox(key="f.add.gpu").set_value("H100")
    at.selectbox(key="f.add.profile").set_value(NO_MEASUREMENT)
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert_no_failure(at)
    added = at.session_state["scenario"]["options"][-1]
    assert "gpus_per_replica" not in added
    expected = engine(at.session_state["scenario"], catalogues).option(added["id"])
    assert expected.capacity["gpus_per_replica_source"] == "memory_fit"
    assert table_row(at, added["id"])["NPV of cost"] == pytest.approx(expected.npv_cost_usd, abs=0.5)


def test_an_open_model_that_fits_nowhere_is_named_and_the_rest_computes(catalogues):
    at = open_app(tab="Options")
    before = set(table_with(at, "$/month")["option"])
    at.selectbox(key="f.add.model").set_value("glm-5").run()
    at.selectbox(key="f.add.gpu").set_value("L4")  # 744 GB at fp8: not even 4 nodes of 8 x 24 GB hold it
    at.selectbox(key="f.add.profile").set_value(NO_MEASUREMENT)
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert not at.exception
    added = at.session_state["scenario"]["options"][-1]["id"]
    (message,) = [w.value for w in at.warning]
    assert added in message and "does not fit 4 nodes of 8 x L4" in message
    assert table_row(at, added)["status"] == "cannot compute"
    assert set(table_with(at, "$/month")["option"]) == before | {added}  # every other option still computed


def test_a_class_with_an_input_spread_is_kept_and_priced(catalogues):
    """A class given as a histogram shows its mean in the table; the file keeps the histogram untouched."""
    scenario = example()
    scenario["workload"].pop("input_tokens", None)
    output = scenario["workload"].pop("output_tokens")
    for k in ("cached_input_share", "cache_write_tokens", "batch_share"):
        scenario["workload"].pop(k, None)
    histogram = [{"share": 0.8, "input_tokens": 1500}, {"share": 0.2, "input_tokens": 12000}]
    scenario["workload"]["classes"] = [
        {"name": "chat", "share": 1, "output_tokens": output, "input_histogram": histogram}
    ]
    at = open_app(s=codec.to_url_token(scenario))
    assert_no_failure(at)
    assert at.session_state["scenario"] == scenario
    classes = next(d.value for d in at.dataframe if "input_tokens" in d.value.columns)
    assert classes["input_tokens"].iloc[0] == pytest.approx(0.8 * 1500 + 0.2 * 12000)
    assert shown_verdict(at) == verdict(engine(scenario, catalogues))


def test_a_self_hosted_option_without_gpu_beside_one_with_it_stays_valid(catalogues):
    """The options table once wrote `gpu: NaN` for the blank cell, breaking a valid scenario."""
    scenario = example("batch-summariser")
    extra = {**scenario["options"][0], "id": "no-gpu"}
    extra.pop("gpu")
    extra.pop("term")
    extra["usd_per_gpu_hour"] = 2.5
    scenario["options"].append(extra)
    at = open_app(s=codec.to_url_token(scenario))
    assert_no_failure(at)
    assert at.session_state["scenario"] == scenario
    assert shown_verdict(at) == verdict(engine(scenario, catalogues))


def test_a_server_quote_typed_in_the_options_table_is_saved_and_priced(catalogues):
    """Finance inputs in the app: an owned option's server price from the user's quote, not the GPU sheet."""
    at = open_app(tab="Options", s=codec.to_url_token(example("owned-fleet-finance")))
    rows = list(at.session_state["f.options.table.base"]["id"])
    owned = rows.index("llama70b-owned")
    before = engine(example("owned-fleet-finance"), catalogues).option("llama70b-owned")
    at.session_state["f.options.table"] = {
        "edited_rows": {owned: {"server_usd": 300_000.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert_no_failure(at)
    option = next(o for o in at.session_state["scenario"]["options"] if o["id"] == "llama70b-owned")
    assert option["ownership"]["server_usd"] == 300_000
    expected = engine(at.session_state["scenario"], catalogues).option("llama70b-owned")
    assert expected.server_usd == 300_000 and expected.npv_cost_usd < before.npv_cost_usd
    assert table_row(at, "llama70b-owned")["NPV of cost"] == pytest.approx(expected.npv_cost_usd, abs=0.5)
    assert "server_usd: 300000" in codec.to_yaml(at.session_state["scenario"])  # saved with the scenario


def test_the_best_mix_says_nothing_saved_in_words_not_zero_dollars_and_zero_percent():
    """Issue 27: where the best mix is the best single option the tab says so ("nothing"), not "$0 ↑ 0.0%"; where
    it saves, the dollars and the share of the best single option's NPV."""
    at = open_app(tab="Best mix")
    at.toggle(key="f.portfolio.enabled").set_value(True).run()
    assert not at.exception
    saves = next(m for m in at.metric if m.label == "The mix saves")
    assert saves.value == "nothing" and not saves.proto.delta
    mapping = yaml.safe_load((ROOT / "scenarios" / "mix-faq-and-escalations.yaml").read_text())
    at = open_app(tab="Best mix", s=codec.to_url_token(mapping))
    shown = {m.label: m for m in at.metric}
    best = next(m for label, m in shown.items() if label.startswith("Best single"))

    def usd(text: str) -> float:
        return float(text.replace("$", "").replace(",", ""))

    saving = usd(best.value) - usd(shown["Mix, NPV of cost"].value)
    assert saving > 0 and abs(usd(shown["The mix saves"].value) - saving) <= 1
    assert shown["The mix saves"].proto.delta == f"{saving / usd(best.value):.1%}"


def test_the_best_mix_says_why_a_cascade_serves_a_class_its_first_option_fails():
    """A reviewer: the mix sent escalations to deepseek-v3.2 (GPQA Diamond 82.4 against the class's 85) with no word
    why, nor where its 30 % came from (only the README said). The tab now names the cascade, its share and source,
    and that the gate is taken as met by the option escalated to."""
    mapping = yaml.safe_load((ROOT / "scenarios" / "mix-faq-and-escalations.yaml").read_text())
    step = next(o["escalation"] for o in mapping["options"] if o["id"] == "deepseek-v3.2")
    at = open_app(tab="Best mix", s=codec.to_url_token(mapping))
    assert_no_failure(at)
    said = " ".join(c.value for c in at.caption)
    assert (f"Cascade: deepseek-v3.2 answers each request first and hands 30% on to gemini-3.1-pro, the share it "
            f"fails: {step['source']}. The class's quality gate is taken as met by gemini-3.1-pro") in said  # fmt: skip
    assert step["share"] == 0.3


def test_a_peak_beyond_the_old_box_limit_survives_the_workload_form():
    """A usage export measured a peak-to-average of 25.95; the box stopped at 20, and Streamlit reset it to its
    minimum, so Compare sized the fleet for a peak of 1 and said nothing. The box now holds what the engine allows
    (up to 100), and a value beyond any box's bounds widens them instead of being lost."""
    mapping = example()
    mapping["workload"]["peak_to_average"] = 25.95
    at = open_app("compare", tab="Workload", s=codec.to_url_token(mapping))
    assert_no_failure(at)
    assert at.session_state["scenario"]["workload"]["peak_to_average"] == 25.95
    assert next(n.value for n in at.number_input if n.label == "Peak-to-average ratio") == 25.95
    assert any("Peak-to-average 25.9" in c.value for c in at.caption)  # the answer's caption, 3 significant digits


def test_an_option_the_recommended_mix_uses_is_not_recommended_alone_on_every_page():
    """The mix example sends faq to oss120-h200-1y, whose GPQA Diamond (80.1) passes faq's gate (75) and not
    escalations' (85). Compare, Break-even and Risk said it "is not recommended … do not count until it is", against
    the verdict's own mix; each now says it is not recommended alone, which classes the mix uses it for, and that
    the pair's figures are for it serving the whole workload alone."""
    token = codec.to_url_token(example("mix-faq-and-escalations"))
    for page in ("breakeven", "risk"):
        at = open_app(page, s=token)
        assert not at.exception
        (warning,) = [w.value for w in at.warning if "oss120-h200-1y is not recommended" in w.value]
        assert warning.startswith("oss120-h200-1y is not recommended alone (below the quality gate)"), warning
        assert "The recommended mix uses it for faq, where it passes" in warning
        assert "do not count until it is" not in warning
    at = open_app("compare", s=token)
    assert shown_verdict(at).startswith("Recommended: a mix")
    payback = next(m for m in at.metric if m.label == "Self-hosting would pay back")  # alone: not recommended
    assert payback.proto.delta == "not recommended alone"
    assert "The recommended mix uses it for faq, where it passes; this payback is for it serving" in payback.help


def test_unit_prices_drop_their_decimals_as_they_grow():
    """After a small usage export, Compare showed "$/Mtok $82,835.46" and "$/task $274.4505": a price above $1,000 is
    whole dollars, above $1 to the cent, below $1 to its own decimals ($0.0031 a task)."""
    mapping = example()
    mapping["workload"]["requests_per_month"] = 100  # a fleet's month over 100 requests: thousands a task
    at = open_app("compare", s=codec.to_url_token(mapping))
    assert not at.exception
    table = table_with(at, "$/task")
    cells = [c for column in ("$/task", "$/Mtok") for c in table[column] if c != "–"]
    assert any(money(c) >= 1000 for c in cells) and any(1 <= money(c) < 1000 for c in cells), cells
    for cell in cells:
        assert len(cell.partition(".")[2]) == (0 if money(cell) >= 1000 else 2), cell
    at = open_app("compare")  # the example's own volume: cents of a cent a task
    assert table_with(at, "$/task")["$/task"].str.fullmatch(r"\$0\.\d{4}").all()


def test_a_pick_with_no_rival_fills_the_savings_slot_with_a_dash_and_says_why():
    """The owned example has one option that meets the SLO and the gate: the figures' third slot was empty. With an
    API beside it the slot gives the pair on screen (tests/app/test_compare_figures.py); with no option to compare
    at all (its one other self-hosted option and every API removed), a dash and why."""
    mapping = example("owned-fleet-finance")
    mapping["options"] = [o for o in mapping["options"] if o["id"] == "llama70b-owned"]
    at = open_app("compare", s=codec.to_url_token(mapping))
    assert not at.exception
    labels = [m.label for m in at.metric][:4]
    assert labels[:3] == ["Pick", "Cost a month", "Saves (NPV)"], labels
    saves = next(m for m in at.metric if m.label == "Saves (NPV)")
    assert saves.value == "–" and "no next best" in saves.help


def test_a_distillation_projects_parts_are_whole_dollars(catalogues):
    """distil-a-student's parts table showed "$3,950.00": its USD column steps by whole dollars (no cents)."""
    at = open_app("compare", s=codec.to_url_token(example("distil-a-student")))
    assert not at.exception
    parts = next(df for df in at.dataframe if "part" in df.value.columns)
    assert json.loads(parts.proto.columns)["USD"]["type_config"] == {"type": "number", "format": "dollar", "step": 1.0}
    assert parts.value["USD"].max() >= 1000  # the amount that showed cents
    # and they add up to the One-time project figure above them, each student's (a reviewer: $3,950 + $636 + $7
    # beside $4,594, the parts each rounded alone)
    result = engine(example("distil-a-student"), catalogues)
    tables = [df.value for df in at.dataframe if "part" in df.value.columns]
    projects = [m.value for m in at.metric if m.label == "One-time project"]
    students = [o for o in result.options if o.distillation]
    assert len(tables) == len(projects) == len(students) >= 2
    for table, shown, student in zip(tables, projects, students, strict=True):
        assert all(float(v).is_integer() for v in table["USD"])  # the dollars shown, no cents left to round
        assert shown == usd(student.one_time_cost_usd) == usd(sum(table["USD"]))
        exact = student.project_breakdown_usd
        assert all(abs(dollars - exact[part]) < 1 for part, dollars in zip(table["part"], table["USD"], strict=True))


def test_adding_an_open_model_at_a_term_its_gpu_has_no_price_for_is_refused_in_words():
    at = open_app(tab="Options")
    before = len(at.session_state["scenario"]["options"])
    at.selectbox(key="f.add.model").set_value("deepseek-r1-0528").run()
    at.selectbox(key="f.add.gpu").set_value("MI355X")
    at.selectbox(key="f.add.term").set_value("Buy (own the servers)")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert not at.exception
    assert len(at.session_state["scenario"]["options"]) == before
    said = " ".join(e.value for e in at.error)
    assert "The GPU sheet has no purchase price for MI355X; it has: 3-year reserved from Neocloud" in said


def test_compare_explains_the_words_its_verdict_uses_beside_the_pair_picker():
    """A reviewer (the product manager) met NPV, SLO, TTFT p99, GPQA Diamond, $/Mtok and "transferred ±66%" in the
    verdict with none explained: a popover by the pair picker says each the page uses in a sentence."""
    at = open_app()
    assert_no_failure(at)
    (glossary,) = [p for p in at.get("popover") if p.proto.popover.label == "Glossary"]
    text = "\n".join(m.value for m in glossary.children.values() if m.type == "markdown")
    listed = re.findall(r"^- \*\*(.+?)\*\*: ", text, re.M)
    verdict = shown_verdict(at) + " " + " ".join(c.value for c in at.caption)
    # the example's verdict and SLO line use these (read off the page, not from the glossary's own matcher)
    for term in ("NPV", "SLO", "TTFT", "ITL", "p99", "GPQA Diamond"):
        assert term in verdict and term in listed, term
    assert "Net present value" in text and "Time to first token" in text
    assert len(listed) == len(set(listed))
    # and the table's capacity column's words, as the column writes them ("modelled ±48%", "transferred ±66%",
    # "provider": a reviewer found none of them listed)
    column = " ".join(table_with(at, "capacity")["capacity"])
    for term in ("provider", "modelled", "transferred"):
        assert term in column and term in listed, term
