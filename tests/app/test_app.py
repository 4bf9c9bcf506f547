"""The app with Streamlit's AppTest: every page, driven through its widgets, against the engine's own numbers."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import genai_prices.data
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from datafiles import parse_as
from scenario_io import codec, load_catalogues, resolve_scenario
from scenario_io.references import References
from tco import ScenarioResult, evaluate, risk_report
from tco.decision.verdict import decide, verdict
from tco.records.scenario import Scenario
from tco.records.slo_presets import preset
from tco.risk.report import headline_pair
from tests.conftest import ROOT, level, simple_profile
from ui import loaders
from ui.options_form import NO_MEASUREMENT

APP = str(ROOT / "app_session.py")
SCENARIO_DIR = ROOT / "scenarios"
PAGES = {
    "compare": "app_pages/compare.py",
    "breakeven": "app_pages/breakeven.py",
    "throughput": "app_pages/throughput.py",
    "risk": "app_pages/risk.py",
    "quality": "app_pages/quality.py",
    "prices": "app_pages/prices.py",
    "usage": "app_pages/usage.py",
}


def example(name: str = "glm5-vs-frontier") -> dict[str, Any]:
    return yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text())


def engine(mapping: dict[str, Any], catalogues, profiles=None) -> ScenarioResult:
    """What the engine says for the same scenario, resolved as the app resolves it."""
    scenario = parse_as(Scenario, mapping, "test")
    refs = References.on_disk(SCENARIO_DIR, profiles)
    inputs = resolve_scenario(scenario, "test", catalogues, refs=refs, today=dt.date.today())
    return evaluate(inputs)


def open_app(page: str = "compare", tab: str | None = None, **query: str) -> AppTest:
    """The app on `page`, with Compare's `tab` opened as a click would (its forms are drawn only while open)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(PAGES[page])
    at.run()
    if tab is not None:
        at.session_state["compare_tabs"] = tab
        at.run()
    return at


def as_read(markdown: str) -> str:
    """Markdown source as a reader sees it: `ui.tables.escape_markdown`'s backslashes and word joiners taken out."""
    return re.sub(r"\\([\\$<!\]])", r"\1", markdown).replace("\u2060", "")


def shown_verdict(at: AppTest) -> str:
    """The verdict as one sentence: Compare draws the recommendation in bold and the reasons after it."""
    headline = next(m.value for m in at.markdown if m.value.startswith(("**Recommended", "**No option")))
    return as_read(headline.replace("**", "", 2))


def table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


MONEY_COLUMNS = ("$/month", "$/task", "NPV of cost", "$/Mtok")


def money(text: str) -> float:
    """'$1,013,302' or '−$5' (the true minus sign amounts use) as a number."""
    return float(text.replace("$", "").replace(",", "").replace("\u2212", "-"))


def same_option(cell: str, option_id: str) -> bool:
    """Whether a table cell shows `option_id`: whole, or shortened in the middle with "…" to fit its column, either
    one broken over lines after its dashes in a table of tall rows (`ui.text_fit.broken_ids`)."""
    cell = cell.replace("\n", "")
    head, mark, tail = cell.partition("…")
    return cell == option_id or (bool(mark) and option_id.startswith(head) and option_id.endswith(tail))


def table_row(at: AppTest, option_id: str) -> dict[str, Any]:
    """The Compare table's row of an option (a long id is shown shortened to fit), money cells read back as
    numbers."""
    table = table_with(at, "$/month")
    row = table[table["option"].map(lambda cell: same_option(cell, option_id))].iloc[0].to_dict()
    return {k: money(v) if k in MONEY_COLUMNS and v not in ("", "–") else v for k, v in row.items()}


def gpus_cell(option) -> str:
    return f"{option.gpus_billed_first_month} {option.gpu}"


def link_token(at: AppTest) -> str:
    value = at.query_params["s"]
    return value if isinstance(value, str) else value[0]


def profile_uploader(at: AppTest):
    """The Throughput page's uploader: its key counts the profiles added, so each addition empties it."""
    return at.file_uploader(key=f"tp.upload.{at.session_state.get('tp.uploads', 0)}")


def assert_no_failure(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


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


def test_changing_the_volume_recomputes_and_updates_the_link(catalogues):
    at = open_app()
    before = shown_verdict(at)
    at.text_input(key="f.volume").set_value("30M").run()
    assert_no_failure(at)
    changed = example()
    changed["workload"]["requests_per_month"] = 30_000_000
    expected = engine(changed, catalogues)
    assert shown_verdict(at) == verdict(expected) != before
    hosted = table_row(at, "glm5-h200")
    assert hosted["GPUs"] == gpus_cell(expected.option("glm5-h200"))
    assert codec.from_url_token(link_token(at))["workload"]["requests_per_month"] == 30_000_000


def test_the_description_says_it_was_written_for_the_workload_as_opened_once_edited():
    """ "3M turns a month" stayed under a volume changed to 12M, on screen and in the report (a reviewer; the report's
    words: tests/reports/test_report_reads.py)."""
    description = example()["description"]
    at = open_app()
    assert any(c.value == description for c in at.caption)
    at.text_input(key="f.volume").set_value("12M").run()
    stale = f"{description} (Written for the workload as opened; it has been edited since.)"
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
    assert metrics["Pays back against opus-4.5"] == (f"month {payback}" if payback else "never")
    parts = table_with(at, "part")
    assert list(parts["part"]) == ["data", "training", "evaluation"]
    assert list(parts["USD"]) == pytest.approx([round(v, 2) for v in expected.project_breakdown_usd.values()])
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


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_for_every_bundled_scenario(page):
    for name in ("support-assistant", "batch-summariser", "owned-fleet-finance", "distil-a-student"):
        at = open_app(page, s=codec.to_url_token(example(name)))
        assert_no_failure(at)


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
    assert metric.value == "over 100%" and metric.proto.delta == "no volume breaks even"
    assert f"Here it would take {pair.break_even_utilization:.0%} of the fleet's capacity" in metric.help
    assert next(m for m in at.metric if m.label == "Terminal value").value == "n/a"


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


def test_quality_page_own_eval_tokens_and_gate(catalogues):
    at = open_app("quality")
    assert_no_failure(at)
    # the flagship's option 0 is glm5-h200: an eval's success rate over 40 tasks, and its own output tokens
    at.session_state["f.quality.table"] = {
        "edited_rows": {0: {"success rate (%)": 50.0, "tasks (n)": 40.0, "output tokens": 800.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.number_input(key="f.quality.min_score").set_value(90.0).run()
    assert_no_failure(at)
    options = {o["id"]: o for o in at.session_state["scenario"]["options"]}
    assert (options["glm5-h200"]["success_rate"], options["glm5-h200"]["success_n"]) == (0.5, 40)
    expected = engine(at.session_state["scenario"], catalogues)
    hosted = expected.option("glm5-h200")
    assert hosted.output_tokens_per_request == pytest.approx(800)
    table = table_with(at, "cost of pass")
    row = table[table["option"] == "glm5-h200"].iloc[0]
    assert row["score"] == 86.0 and row["gate"] == "below"  # GLM-5's card: 86.0 < the gate of 90
    assert row["cost of pass"] == pytest.approx(hosted.cost_of_pass_usd)
    assert table[table["option"] == "gpt-5.2"].iloc[0]["gate"] == "passes"  # 92.4, as reported by Z.ai
    sources = table_with(at, "who")  # provenance labels: first party, reported by another vendor, independent
    labels = set(sources["who"])
    assert any(w.startswith("first party (") for w in labels)
    assert any(", reported by " in w for w in labels)


def test_quality_page_upload_reader_imports_an_eval_file():
    """What the Quality page's uploader calls (AppTest cannot drive a file uploader)."""
    data = (ROOT / "tests" / "fixtures" / "evals" / "inspect_capitals_small-model.json").read_bytes()
    rows = loaders.evals_from_upload(data, "capitals.json")
    assert (rows[0].success_rate, rows[0].n) == (0.5, 4)
    bad = loaders_error(b'{"eval": {"model": "m"}, "results": {"scores": []}}', "bad.json")
    assert bad.startswith("bad.json: results.scores")


def loaders_error(data: bytes, name: str) -> str:
    from datafiles import InputError

    try:
        loaders.evals_from_upload(data, name)
    except InputError as err:
        return str(err)
    raise AssertionError("expected an InputError")


def _profile_yaml(model: str = "glm-5") -> bytes:
    levels = [level(r, ttft, itl, concurrency=c) for r, ttft, itl, c in ((0.5, 0.5, 0.03, 8), (1.5, 1.0, 0.3, 32))]
    data = simple_profile(levels, gpu_count=8, model=model)
    data["meta"]["gpu"] = "H200"
    data["meta"]["cached_input_share"] = 0.5  # measured at the example's shape, cache hits included
    return yaml.safe_dump(data).encode()


def test_upload_a_profile_and_use_it_in_an_option(catalogues):
    at = open_app("throughput")
    profile_uploader(at).upload("my-glm5.yaml", _profile_yaml(), "application/x-yaml")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert_no_failure(at)
    assert any("Added my-glm5.yaml" in s.value for s in at.success)
    assert at.selectbox(key="tp.profile").value.startswith("my-glm5 (uploaded, measured")
    assert any("Load level 1 of 2 (concurrency 8)" in m.value for m in at.markdown)  # ITL p50 0.12 s: level 1 misses it
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    added = at.session_state["scenario"]["options"][-1]
    assert added["profile"] == "my-glm5.yaml" and added["gpus_per_replica"] == 8
    at.switch_page(PAGES["compare"]).run()
    assert_no_failure(at)
    profiles = {"my-glm5.yaml": at.session_state["uploaded_profiles"]["my-glm5.yaml"]}
    bundled = {str(Path("..") / p.relative_to(ROOT)): None for p in (ROOT / "profiling" / "reference").glob("*.yaml")}
    assert bundled  # the example's own profile resolves from disk in `engine`
    expected = engine(at.session_state["scenario"], catalogues, profiles).option(added["id"])
    assert table_row(at, added["id"])["NPV of cost"] == pytest.approx(expected.npv_cost_usd, abs=0.5)


def test_import_a_benchmark_result_needs_the_gpu_and_says_so():
    at = open_app("throughput")
    vllm_json = (ROOT / "tests" / "fixtures" / "imports").glob("*vllm*.json")
    path = next(iter(vllm_json))
    profile_uploader(at).upload(path.name, path.read_bytes(), "application/json")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert path.name in message and ("gpu" in message or "model" in message)
    at.text_input(key="tp.meta.model").set_value("glm-5")
    at.text_input(key="tp.meta.gpu").set_value("H200")
    at.number_input(key="tp.meta.gpus").set_value(8)
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert_no_failure(at)
    assert any(f"Added {path.name}" in s.value for s in at.success)


def test_a_bad_profile_upload_names_the_field_and_keeps_everything_else():
    at = open_app("throughput")
    bad = yaml.safe_load(_profile_yaml())
    bad["levels"][0]["req_per_s"] = "fast"
    profile_uploader(at).upload("bad.yaml", yaml.safe_dump(bad).encode(), "application/x-yaml")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert not at.exception
    assert any("bad.yaml" in e.value and "levels[0].req_per_s" in e.value for e in at.error)
    assert at.session_state["uploaded_profiles"] == {}


def test_open_a_scenario_file_and_a_bad_one_keeps_the_current(catalogues):
    at = open_app()
    batch = (SCENARIO_DIR / "batch-summariser.yaml").read_bytes()
    at.sidebar.file_uploader[0].upload("batch.yaml", batch, "application/x-yaml").run()
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(example("batch-summariser"), catalogues))
    broken = batch.replace(b"requests_per_month: 20000000", b"requests_per_month: many")
    at.sidebar.file_uploader[0].upload("broken.yaml", broken, "application/x-yaml").run()
    assert any("broken.yaml" in e.value and "workload.requests_per_month" in e.value for e in at.sidebar.error)
    assert shown_verdict(at) == verdict(engine(example("batch-summariser"), catalogues))


def test_open_an_example_from_the_sidebar(catalogues):
    at = open_app()
    at.sidebar.selectbox[0].set_value("owned-fleet-finance").run()
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(example("owned-fleet-finance"), catalogues))
    assert at.text_input(key="f.volume").value == "20,000,000"


def test_a_shared_link_reproduces_the_numbers(catalogues):
    mapping = example("batch-summariser")
    mapping["workload"]["requests_per_month"] = 5_000_000
    at = open_app(s=codec.to_url_token(mapping))
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(mapping, catalogues))
    assert at.text_input(key="f.volume").value == "5,000,000"


def test_a_broken_link_says_so_and_opens_the_example(catalogues):
    at = open_app(s="not-a-scenario")
    assert not at.exception
    assert any("shared link" in e.value for e in at.sidebar.error)
    assert shown_verdict(at) == verdict(engine(example(), catalogues))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("profile", "/etc/passwd", "options[0].profile"),
        ("profile", "../../../../etc/hostname", "options[0].profile"),
        ("api_overrides", "../../etc/passwd", "api_overrides"),
    ],
)
def test_a_link_cannot_make_the_server_read_other_files(field, value, expected):
    mapping = example()
    if field == "profile":
        mapping["options"][0]["profile"] = value
    else:
        mapping["api_overrides"] = value
    at = open_app(s=codec.to_url_token(mapping))
    assert not at.exception
    if field == "profile":  # the option is set aside in its own row, by its id; the others still compute
        option_id = mapping["options"][0]["id"]
        assert any(option_id in w.value and "profile" in w.value for w in at.warning)
        row = table_with(at, "$/month").set_index("option").loc[option_id]
        assert row["status"] == "cannot compute"  # its problem is written under the table, in full
        assert any("neither a bundled profile nor one uploaded" in w.value for w in at.warning)
        assert shown_verdict(at).startswith("Recommended:")
    else:
        assert any(expected in e.value for e in at.error)


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


def test_saved_yaml_reopens_to_the_same_scenario():
    at = open_app()
    at.text_input(key="f.volume").set_value("4,000,000").run()
    saved = codec.to_yaml(at.session_state["scenario"])
    reopened = codec.from_yaml(saved, "saved.yaml")
    assert reopened == at.session_state["scenario"]
    original = example()
    assert copy.deepcopy(reopened)["workload"]["requests_per_month"] == 4_000_000
    assert list(reopened) == list(original)  # the user's layout is kept


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


@pytest.mark.parametrize("page", list(PAGES))
def test_visiting_a_page_leaves_the_scenario_as_loaded(page):
    """Untouched widgets write nothing back: a saved file keeps the user's own layout and values."""
    for name in ("support-assistant", "owned-fleet-finance"):
        at = open_app(page, s=codec.to_url_token(example(name)))
        current = at.session_state["scenario"]
        assert current == example(name)
        assert codec.to_yaml(current) == codec.to_yaml(example(name))  # same keys in the same order


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


def test_opening_another_example_on_the_break_even_page_resets_the_pair():
    at = open_app("breakeven")
    assert at.selectbox(key="f.be.pair").value == ("glm5-h200", "glm5-api")  # the verdict's pair: lower NPV of cost
    at.sidebar.selectbox[0].set_value("owned-fleet-finance").run()
    assert_no_failure(at)
    # with the example's gate (GPQA ≥ 50) the unscored Qwen3-235B fleet ranks after Llama 3.3 (50.5); gpt-5-mini is
    # shut down (2026-12-11) before the example starts (2027-01), so the cheapest API still served leads
    assert at.selectbox(key="f.be.pair").value == ("llama70b-owned", "qwen3-235b-fireworks")


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


def test_throughput_page_shows_the_fitted_model_and_the_memory_fit():
    at = open_app("throughput")
    assert_no_failure(at)
    captions = " ".join(c.value for c in at.caption)
    assert "Performance model fitted to all 52 levels (9 shapes)" in captions
    assert "Memory fit:" in captions and "weights 744.0 GB" in captions
    assert any("Predicted knee" in m.value for m in at.markdown)


def test_throughput_page_shows_measured_and_cache_adjusted_capacity_side_by_side():
    """Issue 23: a workload of measured token lengths (2,048 in / 128 out) but half its prompt cached is answered from
    those levels adjusted for the prefill the cache saves, never from a curve; the page says both figures."""
    mapping = example()
    mapping["workload"].update(input_tokens=2048, output_tokens=128, cached_input_share=0.5)
    at = open_app("throughput", s=codec.to_url_token(mapping))
    assert_no_failure(at)
    said = " ".join(m.value for m in at.markdown)
    assert "adjusted for the prefill the cache saves, side by side" in said
    assert "measured at 0% cached:" in said and "adjusted for 50% cached (prefill part only):" in said


def test_the_table_says_how_the_example_capacity_was_found(catalogues):
    at = open_app()
    expected = engine(example(), catalogues).option("glm5-h200").capacity
    assert expected["method"] == "modelled"
    assert table_row(at, "glm5-h200")["capacity"] == f"modelled ±{expected['expected_error']:.0%}"


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


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("nan.yaml", "VOLUME: .nan", "workload.requests_per_month"),
        ("inf.yaml", "VOLUME: .inf", "workload.requests_per_month"),
        ("deep.yaml", "DEEP", "nest"),
        ("bigint.yaml", "VOLUME: " + "9" * 5000, "digits"),
    ],
)
def test_hostile_scenario_uploads_are_named_and_the_current_one_kept(catalogues, name, text, where):
    good = (SCENARIO_DIR / "support-assistant.yaml").read_text()
    body = good.replace("requests_per_month: 3000000", text.replace("VOLUME", "requests_per_month"))
    if text == "DEEP":
        body = good + "\ndescription: " + "[" * 2000 + "]" * 2000 + "\n"
    at = open_app()
    before = at.session_state["scenario"]
    at.sidebar.file_uploader[0].upload(name, body.encode(), "application/x-yaml").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(name in e.value and where in e.value for e in at.sidebar.error), [e.value for e in at.sidebar.error]
    assert at.session_state["scenario"] == before
    assert shown_verdict(at) == verdict(engine(example(), catalogues))


@pytest.mark.parametrize("payload", ["[" * 100_000 + "]" * 100_000, '{"name": NaN}'])
def test_a_hostile_link_says_so_and_opens_the_example(payload):
    import base64
    import zlib

    token = base64.urlsafe_b64encode(zlib.compress(payload.encode(), 9)).decode().rstrip("=")
    at = open_app(s=token)
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["scenario"] == example()


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


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("deep.json", b"[" * 100_000 + b"]" * 100_000),
        ("big.json", b'{"completed": ' + b"9" * 5000 + b"}"),
        ("forty.json", b'{"completed": "forty", "request_throughput": 1, "total_token_throughput": 2}'),
        ("inf.json", b'{"completed": Infinity, "request_throughput": Infinity, "total_token_throughput": 2}'),
        ("cr.csv", b"concurrency,req_per_s\r1,2\r2,,,\r"),
    ],
)
def test_hostile_throughput_uploads_are_named_in_place(name, body):
    at = open_app("throughput")
    profile_uploader(at).upload(name, body, "application/octet-stream")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(name in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["uploaded_profiles"] == {}


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


def test_a_profile_measured_at_a_toy_shape_is_flagged_not_just_captioned():
    """A 290/32-token measurement used for a 2,000/500 workload: a warning says how far the shapes are apart."""
    levels = [level(r, 0.2, 0.01, shape=(290, 32), concurrency=c) for r, c in ((5.0, 8), (9.0, 32))]
    data = simple_profile(levels, gpu_count=8, model="glm-5")
    data["meta"]["gpu"] = "H200"
    at = open_app("throughput")
    profile_uploader(at).upload("toy.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert not at.exception
    (warning,) = [w.value for w in at.warning if w.value.startswith("No measured shape is near")]
    # 2,000/290 = 6.9, 500/32 = 15.6
    assert "main class (2,000 in / 500 out): the nearest, 290 in / 32 out, has 6.9× shorter input and 16× shorter " \
           "output" in warning  # fmt: skip
    shown = table_with(at, "why_not")
    assert list(shown["index"]) == [1, 2]  # load levels counted from 1 (labelled "load level" on the page)


def test_usage_fills_the_workload_and_adds_the_models_found(tmp_path, catalogues):
    """The Usage page's button writes the derived workload, start month and API options into the scenario."""
    from pricing import PriceBook, load_overrides
    from tco.records.amounts import usd
    from tests.support import usage_exports
    from usage.report import analyse, scenario_mapping

    reqs = usage_exports.requests(("gpt-4o", "claude-sonnet-4-5"))
    path = usage_exports.generic(tmp_path / "usage.csv", reqs)
    report = analyse([(path, "usage.csv")], PriceBook(catalogues.prices, load_overrides(), "api_overrides.yaml"))
    at = open_app("usage")
    assert any("No usage read yet" in i.value for i in at.info)
    at.session_state["usage_report"] = report
    at.run()
    assert any("From usage.csv (generic usage CSV, 240 rows, by request):" in m.value for m in at.markdown)
    # the spend is the whole file's, so its label counts the months (a reviewer read two months' $11 as one's)
    months = sorted({r.month for r in report.reconciliation if r.reported_cost_usd})
    spend = next(m for m in at.metric if m.label.startswith("Reported spend"))
    assert spend.label == f"Reported spend, {len(months)} months" and len(months) == 2
    assert spend.value == usd(sum(m.reported_cost_usd or 0 for m in report.summary.models))
    assert f"({months[0]} to {months[-1]})" in spend.help
    peak = next(m for m in at.metric if m.label == "Peak-to-average")  # ~4 requests a day: too thin to size on
    assert peak.proto.delta == "too few requests" and "rests on a busiest hour of" in peak.help
    # issue 27: shares and differences as percentages, tokens as whole numbers with separators, not raw floats
    formats = {c: json.loads(df.proto.columns).get(c, {}).get("type_config", {}).get("format")
               for df in at.dataframe for c in df.value.columns}  # fmt: skip
    assert formats["difference"] == formats["share"] == formats["cached share"] == "%.1f%%"  # one decimal each
    differences = next(df.value for df in at.dataframe if "difference" in df.value.columns)
    first = report.reconciliation[0]
    assert differences["difference"][0] == pytest.approx(100 * first.difference_usd / first.reported_cost_usd)
    # the dollar cells hold cents, so a copied cell reads 535.68, not 535.6800000000027
    for column in ("reported $", "our prices $", "difference $"):
        assert all(v is None or v != v or round(v, 2) == v for v in differences[column]), column
    assert differences["our prices $"][0] == round(first.priced_cost_usd, 2)
    assert formats["mean input"] == formats["p99"] == "localized"
    shapes = next(df.value for df in at.dataframe if "mean input" in df.value.columns)
    assert all(float(v).is_integer() for v in shapes["mean input"])
    # the percentiles in a table of their own (beside the means the columns ran past a 1280-px page), each the
    # class's own figure rounded to a token
    spread = next(df.value for df in at.dataframe if "p99" in df.value.columns)
    assert list(spread.columns) == ["model", "p10", "p25", "p50", "p75", "p90", "p99"]
    for row in spread.to_dict("records"):
        cls = next(c for c in report.summary.workload["classes"] if c["name"] == row["model"])
        assert {k: row[k] for k in cls["input_percentiles"]} == {
            k: round(v) for k, v in cls["input_percentiles"].items()
        }
    at.button(key="usage.fill").click().run()
    scenario = at.session_state["scenario"]
    mapping = scenario_mapping(report)
    assert scenario["workload"] == mapping["workload"]
    assert scenario["workload"]["requests_per_month"] == sum(1 for r in reqs if r.ts.month == 11)
    assert scenario["start"] == "2026-12"
    assert {"gpt-4o", "claude-sonnet-4-5"} <= {o["id"] for o in scenario["options"]}
    assert not at.exception
    at.switch_page(PAGES["compare"]).run()
    assert not at.exception and not at.error
    assert at.text_input(key="f.volume").value == f"{scenario['workload']['requests_per_month']:,}"


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


def test_a_page_that_ends_early_still_draws_the_sidebar_and_keeps_the_link():
    """Usage before any export is read ends after its note (it called `st.stop()`, which ended the whole script
    run: the sidebar went blank, its exports and 'Open an example' with it, and the address lost `?s=`). Now the page
    raises `state.PageEnd` and the session draws the sidebar and the link after it, as on every page."""
    at = open_app("usage")
    assert_no_failure(at)
    assert any("No usage read yet" in i.value for i in at.info)
    assert link_token(at)  # the shareable link is in the address bar
    assert [s.label for s in at.sidebar.selectbox] == ["Open an example"]
    assert at.sidebar.file_uploader  # "Open a scenario file (YAML)"


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
    assert metric.proto.delta == "no volume breaks even"
    assert f"at most {reachable:.0%} busy on average (planning utilisation 85% at the peak, peak-to-average 3)" in (
        metric.help)  # fmt: skip


def test_a_distillation_projects_parts_are_whole_dollars():
    """distil-a-student's parts table showed "$3,950.00": its USD column steps by whole dollars (no cents)."""
    at = open_app("compare", s=codec.to_url_token(example("distil-a-student")))
    assert not at.exception
    parts = next(df for df in at.dataframe if "part" in df.value.columns)
    assert json.loads(parts.proto.columns)["USD"]["type_config"] == {"type": "number", "format": "dollar", "step": 1.0}
    assert parts.value["USD"].max() >= 1000  # the amount that showed cents


def test_a_payback_of_an_option_that_misses_the_slo_says_so_beside_it():
    """The distillation example: both students miss the latency SLO, and the headline's payback ("month 2") is that
    pair's; beside it, the table's status, "misses the SLO", not a grey "not recommended" a reader passes over."""
    at = open_app(s=codec.to_url_token(yaml.safe_load((ROOT / "scenarios" / "distil-a-student.yaml").read_text())))
    assert_no_failure(at)
    metric = next(m for m in at.metric if m.label == "Self-hosting would pay back")  # "would": not recommended
    assert metric.proto.delta == "misses the SLO"
    assert "misses the latency SLO" in metric.help


@pytest.mark.parametrize("name", ["owned-fleet-finance", "mix-faq-and-escalations"])
def test_every_text_a_quality_table_shortens_is_written_in_full_under_it(name, catalogues):
    """A reviewer: the Quality page's notes ("GPT-5's 85.7 is in the stored copies of the launch…", "Moonshot's Kimi
    K2.5 card prints the same 25.1…"), the only word on why a score is unverified, ended in "…" and were nowhere on
    the page. Every score record's note, source and who, as the engine gives them, is whole in a cell or whole in
    the popover under its table; and a text is listed once."""
    at = open_app("quality", s=codec.to_url_token(example(name)))
    assert not at.exception
    result = engine(example(name), catalogues)
    cells = {c for d in at.dataframe for column in d.value.columns for c in d.value[column] if isinstance(c, str)}
    cells = {c.replace("\n", "") for c in cells}
    listed = [
        as_read(m.value)
        for p in at.get("popover")
        if p.proto.popover.label.startswith("Shortened texts in full")
        for m in p.children.values()
        if m.type == "markdown"
    ]
    assert listed, "the example's long notes are shortened somewhere"
    lines = [line for block in listed for line in block.split("\n")]
    assert len(lines) == len(set(lines))
    texts = [r[key] for o in result.options for r in o.quality_records for key in ("note", "source") if r[key]]
    assert texts
    for text in texts:
        assert text in cells or any(line.endswith(f": {text}") for line in lines), text
    assert any(c.endswith("…") for c in cells)  # the table did shorten some
    assert set(table_with(at, "mode")["mode"]) <= {"thinking", "non-thinking", "not stated"}  # not "non_thinking"
