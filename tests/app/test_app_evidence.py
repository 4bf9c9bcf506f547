"""The evidence pages in the app (Throughput, Quality, Usage): uploads, measured profiles, evals and usage exports, with
Streamlit's AppTest, against the engine's own numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scenario_io import codec
from tests.app.app_helpers import (
    PAGES,
    as_read,
    assert_no_failure,
    engine,
    example,
    open_app,
    profile_uploader,
    table_row,
    table_with,
)
from tests.conftest import ROOT, level, simple_profile
from ui import loaders


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
    shown = said + " ".join(c.value for c in at.caption)
    assert shown.count("measured at 0% cached:") == 1  # once: the notes under the sentence said it again


def test_the_table_says_how_the_example_capacity_was_found(catalogues):
    at = open_app()
    expected = engine(example(), catalogues).option("glm5-h200").capacity
    assert expected["method"] == "modelled"
    assert table_row(at, "glm5-h200")["capacity"] == f"modelled ±{expected['expected_error']:.0%}"


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


def _sheet_terms(gpu_id: str) -> set[str]:
    """The pricing terms gpus.yaml itself prices `gpu_id` at (read from the file, not through the app)."""
    sheet = yaml.safe_load((ROOT / "pricing" / "data" / "gpus.yaml").read_text())
    gpu = next(g for g in sheet["gpus"] if g["id"] == gpu_id)
    return {o["term"] for o in gpu["offers"]} | ({"owned"} if gpu.get("purchase") else set())


def test_a_profile_on_a_gpu_without_an_on_demand_price_opens_on_a_term_it_has_and_refuses_one_it_lacks():
    """A reviewer used the bundled MI355X profile in an option: Pricing opened on "Rent on demand", the option was
    added, then left out of every result ("gpus.yaml has no on_demand offer for MI355X; offers: [('Neocloud…',
    'reserved_3y')]")."""
    from ui.options_form import TERMS

    assert _sheet_terms("MI355X") == {"reserved_3y"}  # the case: the sheet rents MI355X for 3 years only
    at = open_app("throughput")
    choice = next(o for o in at.selectbox(key="tp.profile").options if "mi355x" in o.lower())
    at.selectbox(key="tp.profile").set_value(choice).run()
    term_box = next(b for b in at.selectbox if str(b.key).startswith("tp.use.term:"))
    assert TERMS[term_box.value] == "reserved_3y"
    before = len(at.session_state["scenario"]["options"])
    term_box.set_value("Rent on demand")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert len(at.session_state["scenario"]["options"]) == before
    said = " ".join(e.value for e in at.error)
    assert "no on-demand price for MI355X" in said and "3-year reserved from Neocloud" in said
    assert "Nothing was added" in said and "[(" not in said
    next(b for b in at.selectbox if str(b.key).startswith("tp.use.term:")).set_value("Rent, 3-year reserved")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    added = at.session_state["scenario"]["options"][-1]
    assert len(at.session_state["scenario"]["options"]) == before + 1 and added["term"] == "reserved_3y"
    at.switch_page(PAGES["compare"]).run()
    assert_no_failure(at)
    assert table_row(at, added["id"])["$/month"] > 0  # priced, not set aside
