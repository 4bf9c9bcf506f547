"""Issue 27, items 7 and 8, on the Throughput page with Streamlit's AppTest: the profile shown survives other pages,
"Use this profile in an option" opens on the profile's own GPU, an unrecorded GPU type is said in words, a vLLM
JSON Lines sweep and several one-run files each become one profile (the GPU asked once), and the SLO table refuses
a 0-second bound instead of reading it as none."""

from __future__ import annotations

import json
import math
import re

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from profiling.schema import load_profile
from scenario_io import codec
from tco.records.scenario import RequestClass, Slo
from tests.app.app_helpers import PAGES, assert_no_failure, example, open_app, profile_uploader, table_with
from tests.conftest import ROOT, level, simple_profile
from ui.slo_form import read_bounds, refusal

SWEEP = ROOT / "tests" / "fixtures" / "imports" / "vllm-sweep"
RUNS = [SWEEP / f"vllm-bench-serve-c{c}.json" for c in (1, 2, 4, 8)]
BUNDLED_H100 = "../profiling/reference/gpt-oss-120b-h100-trtllm.yaml"


def profile_yaml(gpu: str, model: str = "glm-5") -> bytes:
    data = simple_profile([level(0.5, 0.5, 0.03, concurrency=8), level(1.5, 1.0, 0.3, concurrency=32)], 8, model)
    data["meta"]["gpu"] = gpu
    return yaml.safe_dump(data).encode()


def add(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    """Choose `files` together and press Add profile."""
    profile_uploader(at).set_value([(name, data, "application/octet-stream") for name, data in files])
    next(b for b in at.button if b.label == "Add profile").click().run()
    return at


def gpu_box(at: AppTest):
    return next(s for s in at.selectbox if s.label == "GPU price sheet entry")


def shown_profile(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " on " in m.value and "source:" in m.value)


def test_the_profile_shown_survives_a_visit_to_another_page():
    at = open_app("throughput")
    box = at.selectbox(key="tp.profile")
    assert "glm-5-fp8-tp8-vllm-inferencex" in box.value  # the profile the example's option uses
    chosen = next(o for o in box.options if o.startswith("gpt-oss-120b-h100-trtllm"))
    box.set_value(chosen).run()
    assert_no_failure(at)
    at.switch_page(PAGES["compare"]).run()
    assert "tp.profile" not in at.session_state  # Streamlit dropped the widget's own state on the other page…
    at.switch_page(PAGES["throughput"]).run()
    assert_no_failure(at)
    assert at.selectbox(key="tp.profile").value == chosen  # …the page's own key brought it back
    assert shown_profile(at).startswith("**gpt-oss-120b** on 4 × H100")


def test_use_this_profile_opens_on_the_profiles_own_gpu_by_its_recorded_name():
    """`inference-roi profile` records nvidia-smi's name; the sheet says H100 (the box opened on A100-80GB)."""
    at = open_app("throughput")
    assert gpu_box(at).value == "H200"  # the example's sweep
    add(at, ("h100-run.yaml", profile_yaml("NVIDIA H100 80GB HBM3")))
    assert_no_failure(at)
    assert at.selectbox(key="tp.profile").value.startswith("h100-run (uploaded")
    assert gpu_box(at).value == "H100"
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    added = at.session_state["scenario"]["options"][-1]
    assert (added["gpu"], added["profile"], added["gpus_per_replica"]) == ("H100", "h100-run.yaml", 8)
    # said after the page's rerun (the review saw nothing, clicked again and got a second option)
    assert [s.value for s in at.success if s.value.startswith("Added option")] == [
        f"Added option {added['id']} (glm-5 on H100, rent on demand); see Compare. Adding again adds another "
        "option with its own id."
    ]
    at.run()  # a later rerun (the address bar's update) keeps it while the options are the same
    assert any(s.value.startswith(f"Added option {added['id']}") for s in at.success)
    add(at, ("a100-run.yaml", profile_yaml("NVIDIA A100-SXM4-80GB")))
    assert gpu_box(at).value == "A100-80GB"
    add(at, ("mi300x-run.yaml", profile_yaml("AMD Instinct MI300X")))
    assert gpu_box(at).value == "MI300X"


def test_the_page_opens_on_the_compared_options_profile_priced_as_that_option_is():
    """owned-fleet-finance (a reviewer): the page opened on qwen3-235b-owned's profile beside a llama70b-owned pick,
    and its "Use this profile" form on "Rent on demand" in a fleet of bought servers. It opens on the profile of the
    self-hosted option Compare compares, and prices a new option as the scenario prices that profile's option."""
    at = open_app("throughput", s=codec.to_url_token(example("owned-fleet-finance")))
    assert_no_failure(at)
    assert at.selectbox(key="tp.profile").value.startswith("llama-3.3-70b-instruct-h200-trtllm")
    pricing = next(s for s in at.selectbox if s.label == "Pricing")
    assert pricing.value == "Buy (own the servers)"
    flagship = open_app("throughput")  # glm5-h200 on the example's sweep: a 1-year reservation in its file
    assert next(o for o in example()["options"] if o["id"] == "glm5-h200")["term"] == "reserved_1y"
    assert next(s for s in flagship.selectbox if s.label == "Pricing").value == "Rent, 1-year reserved"


@pytest.mark.parametrize(
    ("gpu", "words", "label", "why"),
    [
        ("not recorded", "8 GPUs (GPU type not recorded)", "8 GPUs (GPU type not recorded))", "not record its GPU"),
        ("GB300", "8 × GB300", "8 × GB300)", "GB300, is not on the GPU price sheet"),
    ],
)
def test_a_gpu_not_recorded_or_not_priced_is_said_and_never_guessed(gpu, words, label, why):
    at = open_app("throughput")
    add(at, ("mystery.yaml", profile_yaml(gpu)))
    assert_no_failure(at)
    assert f"on {words}" in at.success[0].value and "x not recorded" not in at.success[0].value
    assert shown_profile(at).startswith(f"**glm-5** on {words},")
    assert at.selectbox(key="tp.profile").value == f"mystery (uploaded, measured, {label}"
    assert gpu_box(at).value is None  # not the sheet's first entry
    options = len(at.session_state["scenario"]["options"])
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert any("Choose the GPU price sheet entry first" in e.value and why in e.value for e in at.error)
    assert len(at.session_state["scenario"]["options"]) == options  # nothing added on a guess
    gpu_box(at).set_value("H200")
    next(b for b in at.button if b.label == "Add self-hosted option").click().run()
    assert at.session_state["scenario"]["options"][-1]["gpu"] == "H200"


def test_a_json_lines_sweep_is_one_profile_with_a_level_per_line():
    at = open_app("throughput")
    assert at.number_input(key="tp.meta.gpus").value is None  # empty until set ("from the file"), never 0 GPUs
    at.text_input(key="tp.meta.gpu").set_value("H100")
    at.number_input(key="tp.meta.gpus").set_value(1)
    add(at, ("sweep.jsonl", (SWEEP / "vllm-bench-serve-sweep.jsonl").read_bytes()))
    assert_no_failure(at)
    assert "Added sweep.jsonl: test-model on 1 × H100 (engine not recorded), 4 levels, measured." in at.success[0].value
    profile = at.session_state["uploaded_profiles"]["sweep.jsonl"]
    raw = [json.loads(line) for line in (SWEEP / "vllm-bench-serve-sweep.jsonl").read_text().splitlines()]
    assert [lv.req_per_s for lv in profile.levels] == [r["request_throughput"] for r in raw]
    assert at.selectbox(key="tp.profile").value.startswith("sweep (uploaded, measured, 1 × H100)")
    levels = next(d.value for d in at.dataframe if "concurrency" in d.value.columns)
    assert list(levels["concurrency"]) == [1, 2, 4, 8]
    # the Latency tab names both lengths, as the Throughput tab does (E2E grows with the output: a reviewer)
    latency = next(d.value for d in at.dataframe if "e2e_p50_s" in d.value.columns)
    assert {"input_tokens", "output_tokens"} <= set(latency.columns)


def test_several_files_of_one_sweep_are_one_profile_and_the_gpu_is_asked_once():
    at = open_app("throughput")
    at.text_input(key="tp.meta.engine").set_value("vllm 0.11")
    add(at, *[(path.name, path.read_bytes()) for path in RUNS])
    message = " ".join(e.value for e in at.error)
    assert message.startswith("4 files were not added: vllm-bench-serve-c1.json: gpu, gpu_count:")
    assert message.endswith("fill in the GPU and GPUs boxes, then press Add profile again.")
    assert at.session_state["uploaded_profiles"] == {}
    assert len(profile_uploader(at).value) == 4  # a refusal leaves the files chosen and the boxes filled
    assert at.text_input(key="tp.meta.engine").value == "vllm 0.11"
    at.text_input(key="tp.meta.gpu").set_value("H100")
    at.number_input(key="tp.meta.gpus").set_value(1)
    next(b for b in at.button if b.label == "Add profile").click().run()  # the same files, with the boxes: once
    assert_no_failure(at)
    assert list(at.session_state["uploaded_profiles"]) == ["vllm-bench-serve (4 files)"]
    profile = at.session_state["uploaded_profiles"]["vllm-bench-serve (4 files)"]
    assert [lv.concurrency for lv in profile.levels] == [1, 2, 4, 8] and profile.meta.gpu == "H100"
    assert profile.meta.engine == "vllm 0.11"  # the box fills what the files do not record
    assert "(4 files), one profile: " in at.success[0].value
    assert not profile_uploader(at).value  # added: a new, empty uploader and empty boxes
    assert (at.text_input(key="tp.meta.gpu").value, at.number_input(key="tp.meta.gpus").value) == ("", None)


def test_the_weights_precision_is_asked_or_said_to_be_assumed():
    """A reviewer's Llama 3.3 70B files recorded no precision: the memory fit read "weights 70.6 GB (fp8)" with no
    word that fp8 was assumed and no box to change it (bf16 holds 141 GB). The fit now says the precision was
    assumed, and a Precision box sets it: 70.6e9 parameters × 2 bytes = 141.2 GB."""
    sweep = ("sweep.jsonl", (SWEEP / "vllm-bench-serve-sweep.jsonl").read_bytes())
    at = open_app("throughput")
    for box, value in (("tp.meta.model", "llama-3.3-70b-instruct"), ("tp.meta.gpu", "H100")):
        at.text_input(key=box).set_value(value)
    at.number_input(key="tp.meta.gpus").set_value(4)
    add(at, sweep)
    assert_no_failure(at)
    (fit,) = [c.value for c in at.caption if c.value.startswith("Memory fit: ")]
    assert "weights 70.6 GB (fp8)" in fit and "; weights at fp8 assumed: the profile records no precision" in fit
    for box, value in (("tp.meta.model", "llama-3.3-70b-instruct"), ("tp.meta.gpu", "H100")):
        at.text_input(key=box).set_value(value)  # an addition empties the boxes
    at.number_input(key="tp.meta.gpus").set_value(4)
    at.selectbox(key="tp.meta.precision").set_value("bf16")
    add(at, ("bf16.jsonl", sweep[1]))
    assert_no_failure(at)
    assert at.session_state["uploaded_profiles"]["bf16.jsonl"].meta.precision == "bf16"
    (fit,) = [c.value for c in at.caption if c.value.startswith("Memory fit: ")]
    assert "weights 141.2 GB (bf16)" in fit and "assumed" not in fit
    assert at.selectbox(key="tp.meta.precision").value is None  # emptied with the other boxes


def test_a_bad_line_of_an_uploaded_sweep_is_named_and_nothing_is_added():
    lines = (SWEEP / "vllm-bench-serve-sweep.jsonl").read_text().splitlines()
    bad = json.loads(lines[2])
    bad["p99_ttft_ms"] = "fast"
    text = "\n".join([*lines[:2], json.dumps(bad), lines[3]])
    at = open_app("throughput")
    at.text_input(key="tp.meta.gpu").set_value("H100")
    at.number_input(key="tp.meta.gpus").set_value(1)
    add(at, ("sweep.jsonl", text.encode()))
    assert not at.exception
    assert at.error[0].value == (
        "sweep.jsonl was not added: sweep.jsonl: line 3: p99_ttft_ms: expected a number (milliseconds), got 'fast'"
    )
    assert at.session_state["uploaded_profiles"] == {}
    assert (at.text_input(key="tp.meta.gpu").value, at.number_input(key="tp.meta.gpus").value) == ("H100", 1)


NAN = math.nan


def test_an_slo_of_zero_is_refused_and_the_bound_kept():
    rows = [
        {"metric": "TTFT", "p50": NAN, "p90": NAN, "p99": 0.0},
        {"metric": "ITL", "p50": NAN, "p90": NAN, "p99": 0.05},
        {"metric": "E2E", "p50": 0.0, "p90": NAN, "p99": 100_000.0},
    ]
    bounds, refused = read_bounds(rows, {"ttft_p99_s": 2.0, "itl_p99_s": 0.05, "e2e_p99_s": 30.0})
    assert bounds == {"ttft_p99_s": 2.0, "itl_p99_s": 0.05, "e2e_p99_s": 30.0}  # the 0s never read as "no bound"
    assert refused == ["TTFT p99 = 0 s", "E2E p50 = 0 s", "E2E p99 = 100000 s"]
    said = refusal(refused, bounds)
    assert said.startswith("SLO table: TTFT p99 = 0 s; E2E p50 = 0 s; E2E p99 = 100000 s not applied: a bound is")
    assert "seconds from 0.0001 to 86,400" in said and "Clear the cell for no bound" in said
    assert said.endswith("keeps TTFT p99 ≤ 2 s, no E2E p50 bound and E2E p99 ≤ 30 s until then.")
    blank = [{"metric": m, "p50": NAN, "p90": NAN, "p99": NAN} for m in ("TTFT", "ITL", "E2E")]
    assert read_bounds(blank, {"ttft_p99_s": 2.0}) == ({}, [])  # a blank cell is no bound: cleared on purpose
    assert read_bounds([{**blank[0], "p99": 0.0001}], {}) == ({"ttft_p99_s": 0.0001}, [])


def test_a_level_whose_throughput_disagrees_with_its_latency_says_why_it_does_not_count():
    """Three levels at 2,000/500 measured with E2E p50: at c = 8, 8 requests for 8 s each serve 1 req/s; the c = 16
    level reports 20 req/s where 16 requests for 10 s serve 1.6 (Little's law): its row says why it does not count,
    and X* is the c = 8 level's 1 req/s, not 20."""
    levels = [
        level(1.0, 0.5, 0.03, concurrency=8, e2e_s={"p50": 8.0, "p99": 9.0}),
        level(20.0, 0.6, 0.03, concurrency=16, e2e_s={"p50": 10.0, "p99": 11.0}),
        level(2.2, 5.0, 0.3, concurrency=32, e2e_s={"p50": 14.5, "p99": 16.0}),
    ]
    data = simple_profile(levels, 8, "glm-5")
    data["meta"]["gpu"] = "H200"
    at = add(open_app("throughput"), ("little.yaml", yaml.safe_dump(data).encode()))
    assert_no_failure(at)
    shown = table_with(at, "why_not")
    why = dict(zip(shown["index"], shown["why_not"], strict=True))
    assert why[2].startswith("20 req/s reported, but 16 requests in flight for 10 s")  # whole, or cut with "…"
    assert why[1] == ""
    full = next(c.value for c in at.caption if c.value.startswith("Each level's problems in full"))
    assert "- level 2: 20 req/s reported, but 16 requests in flight for 10 s each (E2E p50) serve 1.6 req/s" in full
    assert "Little's law" in full and "level 1:" not in full
    assert list(shown["in_fit"]) == [True, False, True]  # the "in the model" column
    # the workload caches half its prompt, so X* is level 1's 1 req/s adjusted for the prefill saved, never level 2's 20
    headline = next(m.value for m in at.markdown if "adjusted for 50% cached" in m.value)
    assert "measured at 0% cached: 1 req/s (level 1)" in headline
    captions = [c.value for c in at.caption]
    assert any(c.startswith("load level 2 (concurrency 16, 2,000 in / 500 out): 20 req/s reported") for c in captions)
    assert any(c.startswith("Performance model fitted to 2 of 3 levels (1 shape)") for c in captions)


def test_the_levels_tables_write_each_number_column_to_one_number_of_decimals():
    """Issue 27: a req/s or latency column reads "0.153 … 12.300", its decimal points under each other, not
    "0.153 … 12.3" (three significant figures each); the decimals give the column's smallest value three figures."""
    at = open_app("throughput")
    assert_no_failure(at)
    checked = 0
    for table in at.dataframe:
        formats = {
            name: (c.get("type_config") or {}).get("format") for name, c in json.loads(table.proto.columns).items()
        }
        frame = table.value
        for column in ("req_per_s", "model_req_per_s", "ttft_p50_s", "itl_p99_s"):
            if column not in frame or frame[column].isna().all():
                continue
            smallest = frame[column][frame[column] > 0].min()
            decimals = max(0, 2 - math.floor(math.log10(smallest)))
            assert formats[column] == f"%.{min(decimals, 4)}f", (column, formats[column], smallest)
            checked += 1
    assert checked >= 3


def test_a_modelled_knee_states_one_expected_error_and_says_what_it_is_made_of():
    """Review item 11: four error figures (±48 %, ±48 %, ±10 %, ±5 %) read as four claims. The knee states one; the
    "How sure" line names its parts. The example's workload is 2,000 in / 500 out; the GLM-5 sweep measured 128
    output tokens, so the floor beyond the measured lengths is 0.25 × (1 + 0.67 × ln(500 / 128)) = 0.478."""
    at = open_app("throughput")
    assert "glm-5-fp8-tp8-vllm-inferencex" in at.selectbox(key="tp.profile").value
    floor = 0.25 * (1 + 0.67 * math.log(500 / 128))
    assert f"{floor:.0%}" == "48%"
    headline = next(m.value for m in at.markdown if m.value.startswith("SLO:"))
    assert "Predicted knee" in headline and "expected error ±48%" in headline
    captions = [c.value for c in at.caption]
    # the example bounds ITL p99: what ITL is, beside the answer (a vLLM user reads ITL as vLLM's chunk gap)
    assert any(c.startswith("ITL is each request's time per output token after the first") and "TPOT" in c
               for c in captions)  # fmt: skip
    story = next(c for c in captions if c.startswith("How sure: "))
    assert story.startswith("How sure: ±48%, the largest of these errors of this answer against the truth:")
    assert "at least ±48% because the workload's 500 output tokens lie outside the measured 128" in story
    assert "the fitted model's own, ±5% (leave-one-shape-out over 9 shapes)" in story
    # the latency part as an error of the answer, by the formula: max(x / X*_tighter − 1, 1 − x / X*_looser)
    x = float(re.search(r"(\d+\.\d+) req/s per replica", headline).group(1))
    latency_part = (
        r"and ±(\d+)% from a latency error of ±\d+% \(alone, it puts the capacity at the SLO between "
        r"([\d.]+) and ([\d.]+) req/s: [\d.]+ is (\d+)% (?:above the first|below the second)\)"
    )
    spread, low, high, end = re.search(latency_part, story).groups()
    assert int(spread) == round(100 * max(x / float(low) - 1, 1 - x / float(high))) == int(end)  # which end, said
    assert int(spread) <= 48  # the largest of the parts is the one stated
    # and the range all of it gives, each side at least the 48 % floor: what a reader takes as "how sure"
    first, last = re.search(r"All together, the capacity at the SLO, [\d.]+ req/s, lies between ([\d.]+) and ([\d.]+) "
                            r"req/s in 80 % of cases", story).groups()  # fmt: skip
    assert float(first) == pytest.approx(x / (1 + floor), rel=0.01) and float(last) == pytest.approx(
        x * (1 + floor), rel=0.01
    )
    fitted = next(c for c in captions if c.startswith("Performance model fitted"))
    assert "±" not in fitted  # its error is in the story, not a fourth figure
    assert not any(c.startswith("modelled: ") or c.startswith("a latency error") for c in captions)  # said once
    # the nearest measured shape against the workload's: lengths, not a factor on capacity (read as one)
    levels = at.session_state["scenario"]  # the example's workload, 2,000 in / 500 out
    assert levels["workload"]["input_tokens"] == 2000 and levels["workload"]["output_tokens"] == 500
    sweep = load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    assert {round(lv.output_tokens) for lv in sweep.levels} == {128}
    assert 2048 in {lv.input_tokens for lv in sweep.levels}
    (warning,) = [w.value for w in at.warning if w.value.startswith("No measured shape is near")]
    assert "main class (2,000 in / 500 out): the nearest, 2,048 in / 128 out, has 3.9× shorter output" in warning
    assert "predicted from other shapes" in warning  # 500/128 = 3.9; the input, 2,048 against 2,000, is near


def test_an_offline_profile_says_it_has_no_chart_to_draw_and_draws_no_empty_box():
    """gpt-oss-120b's TensorRT-LLM table on 4 × H100 holds offline figures (no latency). The caption said "Lines are
    its prediction … markers are the measured levels" over a chart saying "No latency data" and an empty one; then
    two boxes each saying why it was empty (a reviewer: empty chart boxes). Now the caption says it, and no box."""
    from tco.capacity.throughput_view import profile_view
    from ui import throughput_charts

    at = open_app("throughput")
    box = at.selectbox(key="tp.profile")
    box.set_value(next(o for o in box.options if o.startswith("gpt-oss-120b-h100-trtllm"))).run()
    assert not at.exception
    fitted = next(c.value for c in at.caption if c.value.startswith("Performance model fitted"))
    assert "Lines are its prediction" not in fitted and "there is no latency chart to draw" in fitted
    assert not at.get("plotly_chart")
    profile = load_profile(ROOT / "profiling" / "reference" / "gpt-oss-120b-h100-trtllm.yaml")
    assert not any(lv.itl_s.p50 for lv in profile.levels)  # offline: nothing per user to plot
    view = profile_view(profile, Slo(), RequestClass(name="c", share=1, input_tokens=2000, output_tokens=500),
                        None, None)  # fmt: skip
    figure = throughput_charts.pareto(view, "Throughput per GPU vs speed per user")
    assert not figure.data and figure.layout.annotations[0].text == "No per-user speed (ITL) in this profile"


def test_vllm_files_naming_the_weights_repository_find_their_model_card():
    """A reviewer's three vLLM results (no `total_token_throughput`, model_id "Qwen/Qwen3-32B") were refused; then,
    with that field, the model id did not match the catalogue's qwen3-32b, so the page silently had no memory fit,
    no ceiling and no hardware estimate (and a 3× narrower stated error). Now they are one profile whose card is
    found; a model the catalogue lacks is said so in words."""
    from tests.profiling.test_importers import _trimmed_vllm

    runs = [_trimmed_vllm(4, 0.9, 120.0, 15.0), _trimmed_vllm(16, 2.9, 230.0, 19.0), _trimmed_vllm(64, 6.0, 900, 35)]
    at = open_app("throughput")
    at.text_input(key="tp.meta.gpu").set_value("H100")
    at.number_input(key="tp.meta.gpus").set_value(1)
    add(at, *[(f"qwen-c{r['max_concurrency']}.json", json.dumps(r).encode()) for r in runs])
    assert_no_failure(at)
    assert list(at.session_state["uploaded_profiles"]) == ["qwen (3 files)"]  # the files' common name
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Memory fit: ") for c in captions)
    assert not any("is not in the model catalogue" in c for c in captions)
    unknown = [{**r, "model_id": "acme/mystery-70b"} for r in runs]
    at.text_input(key="tp.meta.gpu").set_value("H100")  # an addition empties the boxes
    at.number_input(key="tp.meta.gpus").set_value(1)
    add(at, *[(f"mystery-c{r['max_concurrency']}.json", json.dumps(r).encode()) for r in unknown])
    assert_no_failure(at)
    assert any("the model 'acme/mystery-70b' is not in the model catalogue" in c.value for c in at.caption)
