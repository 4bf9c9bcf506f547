"""Published-sweep importers: InferenceX (serving files and records), llm-d benchmark report v0.2, MLPerf.

The InferenceX files are SemiAnalysis' own result files (tests/fixtures/imports/inferencex-glm5); the llm-d
and MLPerf documents are written here from the published schemas,
with the example values those sources quote."""

from __future__ import annotations

import copy
import csv
import json
import math

import pytest
import yaml

from cli.main import main
from datafiles import InputError
from profiling.importers import ImportOptions, detect, import_file, import_files, profile_from_text
from profiling.schema import load_profile
from tests.conftest import ROOT

NO_OPTIONS = ImportOptions()

GLM5_FILES = sorted((ROOT / "tests" / "fixtures" / "imports" / "inferencex-glm5").glob("*.json"))


def test_inferencex_serving_files_are_one_level_each_with_latencies_in_seconds():
    path = next(p for p in GLM5_FILES if p.name.endswith("isl8192_osl128_conc32.json"))
    raw = json.loads(path.read_text())
    assert detect(raw) == "inferencex"
    level = import_file(path, meta={"gpu": "H200", "gpu_count": 8}).levels[0]
    assert level.req_per_s == raw["request_throughput"] and level.concurrency == 32
    assert level.input_tokens == raw["total_input_tokens"] / raw["completed"] == 8192
    assert level.ttft_s.p50 == raw["median_ttft"] and level.ttft_s.p99 == raw["p99_ttft"]
    assert level.itl_s.p99 == raw["p99_tpot"] and level.e2e_s.p50 == raw["median_e2el"]


def test_many_files_of_one_sweep_become_one_profile(tmp_path, capsys):
    out = tmp_path / "glm5.yaml"
    code = main(["import", *map(str, GLM5_FILES), "--model", "glm-5", "--gpu", "H200", "--gpu-count", "8",
                 "--source", "published", "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    profile = load_profile(out)
    assert len(profile.levels) == 12 and profile.meta.source == "published"
    assert sorted({lv.input_tokens for lv in profile.levels}) == [1024, 8192]


def test_files_of_different_deployments_are_not_merged(tmp_path):
    other = json.loads(GLM5_FILES[1].read_text())
    other["model_id"] = "zai-org/GLM-4.6-FP8"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    with pytest.raises(InputError, match=r"meta\.model.*one profile is one deployment"):
        import_files([GLM5_FILES[0], path], meta={"gpu": "H200", "gpu_count": 8})


RECORD = {"hw": "h200-nb", "framework": "sglang", "precision": "fp8", "model": "glm-5", "tp": 8, "pp": 1,
          "isl": 8192, "osl": 1024, "conc": 64, "output_tput_per_gpu": 71.0, "tput_per_gpu": 639.0,
          "median_ttft": 2.1, "p99_ttft": 6.5, "median_tpot": 0.11, "p99_tpot": 0.14, "median_e2el": 115.0}  # fmt: skip


def test_inferencex_records_use_the_mean_lengths_and_gpu_count():
    """req/s = output tok/s per GPU × 8 GPUs / (0.9 × 1,024) = 71 × 8 / 921.6 = 0.6163."""
    profile = import_file_from([RECORD, {**RECORD, "conc": 32, "output_tput_per_gpu": 60.0}], "api.json")
    level = profile.levels[0]
    assert profile.meta.gpu == "H200" and profile.meta.gpu_count == 8 and profile.meta.engine == "sglang"
    assert level.req_per_s == pytest.approx(71 * 8 / 921.6) and level.input_tokens == pytest.approx(7372.8)
    assert level.ttft_s.p99 == 6.5 and level.itl_s.p50 == 0.11


def test_inferencex_records_name_one_engine_build_only_where_every_record_names_it():
    """A record without an image (older dashboard runs) may be another build: the profile then names none."""
    one = {**RECORD, "image": "lmsysorg/sglang:v0.5.12", "date": "2026-06-11"}
    same = import_file_from([one, {**one, "conc": 32}], "api.json")
    assert same.meta.engine_version == "lmsysorg-sglang:v0.5.12"  # as profiles spell it
    older = {**RECORD, "conc": 32, "date": "2025-10-06"}  # no image
    mixed = import_file_from([one, older], "api.json")
    assert mixed.meta.engine_version is None and "WARNING" in mixed.meta.notes
    two = import_file_from([one, {**one, "conc": 32, "image": "lmsysorg/sglang:v0.5.9"}], "api.json")
    assert two.meta.engine_version is None


def test_inferencex_records_of_several_configurations_need_select(tmp_path):
    other = {**RECORD, "hw": "b200", "precision": "fp4"}
    with pytest.raises(InputError, match="--select"):
        import_file_from([RECORD, other], "api.json")
    chosen = import_file_from([RECORD, other], "api.json", ImportOptions(select="b200/sglang/fp4/8gpu"))
    assert chosen.meta.gpu == "B200" and len(chosen.levels) == 1


def test_inferencex_dashboard_csv(tmp_path):
    path = tmp_path / "dashboard.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(RECORD))
        writer.writeheader()
        writer.writerow(RECORD)
    profile = import_file(path)
    assert profile.levels[0].req_per_s == pytest.approx(71 * 8 / 921.6)


LLMD = {
    "version": "0.2",
    "run": {"uid": "r1", "description": "Qwen3-0.6B on H100"},
    "scenario": {
        "stack": [{"metadata": {"label": "vllm"}, "standardized": {
            "kind": "inference_engine", "tool": "vllm", "tool_version": "0.11.0", "role": "aggregate", "replicas": 2,
            "model": {"name": "qwen3-8b"},
            "accelerator": {"model": "H100", "count": 1, "parallelism": {"tp": 1}}}}],
        "load": {"standardized": {"tool": "inference-perf", "concurrency": 16,
                                  "input_seq_len": {"value": 1000}, "output_seq_len": {"value": 200}}},
    },
    "results": {"request_performance": {"aggregate": {
        "requests": {"total": 500, "failures": 2, "input_length": {"mean": 1003.5}, "output_length": {"mean": 198.2}},
        "throughput": {"request_rate": 12.5, "output_token_rate": 2477.5, "total_token_rate": 15021.3},
        "latency": {
            "time_to_first_token": {"units": "ms", "p50": 85.0, "p90": 140.0, "p99": 260.0},
            "time_per_output_token": {"units": "ms", "p50": 9.1, "p99": 14.2},
            "inter_token_latency": {"units": "ms", "p50": 8.7, "p99": 30.0},
            "request_latency": {"units": "s", "p50": 1.9, "p99": 3.1},
        }}}},
}  # fmt: skip


def test_llmd_report_v02(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(LLMD))
    profile = import_file(path)
    level = profile.levels[0]
    assert profile.meta.gpu == "H100" and profile.meta.gpu_count == 2 and profile.meta.engine == "vllm"
    assert level.concurrency == 16 and level.requests_completed == 498 and level.requests_failed == 2
    assert level.input_tokens == 1003.5 and level.req_per_s == 12.5
    assert level.ttft_s.p99 == pytest.approx(0.26) and level.itl_s.p50 == pytest.approx(0.0091)
    assert level.chunk_gap_s.p99 == pytest.approx(0.030) and level.e2e_s.p99 == 3.1


MLPERF = [
    {"Organization": "AMD", "SystemName": "8xMI355X", "Model": "gpt-oss-120b", "Scenario": "Offline",
     "Result": 121818.0, "Units": "Tokens/s", "accelerator_model_name": "MI355X", "total_accelerators": 8,
     "Division": "closed", "inferred": 0, "framework": "vllm", "version": "v6.1"},
    {"Organization": "AMD", "SystemName": "8xMI355X", "Model": "gpt-oss-120b", "Scenario": "Server",
     "Result": 113241.0, "Units": "Tokens/s", "accelerator_model_name": "MI355X", "total_accelerators": 8,
     "Division": "closed", "inferred": 0, "framework": "vllm", "version": "v6.1"},
]  # fmt: skip


def test_mlperf_row_is_an_anchor_point_with_a_given_shape(tmp_path):
    with pytest.raises(InputError, match="--select"):
        import_file_from(MLPERF, "summary.json")
    with pytest.raises(InputError, match="--input-tokens"):
        import_file_from(MLPERF, "summary.json", ImportOptions(select="8xMI355X|gpt-oss-120b|Offline"))
    options = ImportOptions(select="8xMI355X|gpt-oss-120b|Offline", input_tokens=1000, output_tokens=1000)
    profile = import_file_from(MLPERF, "summary.json", options)
    assert profile.meta.gpu == "MI355X" and profile.meta.gpu_count == 8
    assert profile.levels[0].req_per_s == pytest.approx(121818 / 1000)
    assert "anchor point" in profile.meta.notes


def import_file_from(doc, name: str, options: ImportOptions = NO_OPTIONS):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(json.dumps(doc))
        return import_file(
            path, meta={} if isinstance(doc, dict) or "Model" in doc[0] else {"model": "glm-5"}, options=options
        )


def test_uploads_of_an_llmd_report_and_a_dashboard_csv_are_converted():
    from profiling.importers import profile_from_text

    report = profile_from_text(yaml.safe_dump(LLMD), "report.yaml")
    assert report.levels[0].req_per_s == 12.5
    header, row = ",".join(RECORD), ",".join(str(v) for v in RECORD.values())
    dashboard = profile_from_text(f"{header}\n{row}\n", "dashboard.csv")
    assert dashboard.levels[0].req_per_s == pytest.approx(71 * 8 / 921.6)


def test_inferencex_dump_tables_are_joined_on_config_id():
    config = {"id": 7, "hardware": "h200", "hw": "h200", "framework": "vllm", "precision": "fp8", "model": "glm-5",
              "decode_tp": 8, "num_prefill_gpu": None}  # fmt: skip
    metrics = {k: RECORD[k] for k in ("output_tput_per_gpu", "tput_per_gpu", "median_ttft", "p99_ttft", "median_tpot")}
    row = {"id": 1, "config_id": 7, "isl": 8192, "osl": 1024, "conc": 64, "metrics": metrics}
    profile = import_file_from({"configs": [config], "benchmark_results": [row]}, "dump.json")
    assert profile.meta.gpu == "H200" and profile.meta.gpu_count == 8 and profile.meta.engine == "vllm"
    assert profile.levels[0].req_per_s == pytest.approx(71 * 8 / 921.6)


API_ROW = {"hardware": "mi355x", "framework": "sglang", "model": "dsr1", "precision": "fp4", "spec_method": "none",
           "disagg": False, "is_multinode": False, "prefill_tp": 4, "prefill_ep": 1, "num_prefill_gpu": 4,
           "decode_tp": 4, "decode_ep": 1, "decode_dp_attention": False, "num_decode_gpu": 4,
           "isl": 1024, "osl": 1024, "conc": 4,
           "metrics": {"median_ttft": 0.10738, "p99_ttft": 0.53535, "median_tpot": 0.010646, "p99_tpot": 0.011020,
                       "tput_per_gpu": 180.657, "output_tput_per_gpu": 89.889}}  # fmt: skip
"""An `/api/v1/benchmarks` row as InferenceX serves it (an aggregated 4-GPU SGLang deployment, DeepSeek-R1 FP4 on
MI355X at 1k/1k, c = 4): the hardware under `hardware`, TP as `decode_tp`, both sides' GPU counts the same 4 GPUs."""


def test_inferencex_api_rows_count_an_aggregated_deployments_gpus_once():
    """req/s = 89.889 tok/s per GPU × 4 GPUs / (0.9 × 1,024) = 0.39014 (not × 8: prefill and decode share them)."""
    older = {
        **API_ROW,
        "isl": 8192,
        "conc": 8,
        "metrics": {"median_ttft": 0.6069, "p99_ttft": 3.132, "median_tpot": 0.0217, "tput_per_gpu": 382.572},
    }
    profile = import_file_from({"data": [API_ROW, older]}, "api.json")  # fmt: skip
    assert profile.meta.gpu == "MI355X" and profile.meta.gpu_count == 4 and profile.meta.tensor_parallel == 4
    assert profile.meta.model == "deepseek-r1-0528"  # InferenceX's code "dsr1", as the catalogue names it
    first, second = profile.levels
    assert first.req_per_s == pytest.approx(89.889 * 4 / 921.6) and first.ttft_s.p99 == 0.53535
    # a record with only the total: its output share is osl / (isl + osl) = 1,024 / 9,216
    assert second.req_per_s == pytest.approx(382.572 * 1024 / 9216 * 4 / 921.6)


@pytest.mark.parametrize("key", ["gptoss120b", "gptoss", "llama70b", "qwen3.5", "kimik2.5", "minimaxm2.5", "glm5",
                                 "dsr1-fp8", "GLM5", "glm5.1", "glm5.2", "kimik3", "minimaxm3", "dsv4"])  # fmt: skip
def test_every_inferencex_model_key_names_a_catalogued_model(key):
    """InferenceX's database keys (and the dashboard's older prefixes) become the catalogue's ids, so an imported
    sweep of any of its models gets the card's memory fit, roofline and transfers, and matches the model's option."""
    from models import load_catalog

    profile = import_file_from({"data": [{**API_ROW, "model": key}]}, "api.json")
    card = load_catalog().find(profile.meta.model)
    assert card is not None and card.id == profile.meta.model


def test_records_of_two_models_on_one_server_layout_stay_two_deployments():
    """A records file holding gpt-oss-120b and DeepSeek-R1 on the same MI355X SGLang layout: the deployments are
    named by model too, and neither takes the other's levels."""
    gpt = {**API_ROW, "model": "gptoss120b", "conc": 8}
    with pytest.raises(InputError, match="--select") as error:
        import_file_from({"data": [API_ROW, gpt]}, "api.json")
    assert "gpt-oss-120b/mi355x/sglang/fp4/4gpu" in str(error.value)
    select = ImportOptions(select="gpt-oss-120b/mi355x/sglang/fp4/4gpu")
    chosen = import_file_from({"data": [API_ROW, gpt]}, "api.json", select)
    assert chosen.meta.model == "gpt-oss-120b" and [lv.concurrency for lv in chosen.levels] == [8]
    # one model: the names stay as they were (no model part)
    assert import_file_from({"data": [API_ROW]}, "api.json").meta.model == "deepseek-r1-0528"


def test_agentic_trace_replays_are_left_out_and_kv_offload_is_its_own_deployment():
    """InferenceX's agentic trace replays have no fixed lengths (isl and osl null): beside fixed-shape records they
    are left out with a note; alone they are refused, naming the field. A run with the KV cache offloaded is another
    deployment."""
    agentic = {**API_ROW, "benchmark_type": "agentic_traces", "isl": None, "osl": None, "conc": 8}
    profile = import_file_from({"data": [API_ROW, agentic]}, "api.json")
    assert len(profile.levels) == 1 and "1 agentic trace-replay record(s) left out" in profile.meta.notes
    with pytest.raises(InputError) as error:
        import_file_from({"data": [agentic]}, "api.json")
    assert error.value.field == "isl" and "agentic trace" in str(error.value)
    offloaded = {**API_ROW, "offload_mode": "on", "conc": 16}
    with pytest.raises(InputError, match="mi355x/sglang/fp4/kv-offload/4gpu"):
        import_file_from({"data": [API_ROW, offloaded]}, "api.json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"osl": 0}, "records[0].osl"),
        ({"isl": -1024}, "records[0].isl"),
        ({"conc": True}, "records[0].conc"),
        ({"conc": None}, "records[0].conc"),
        ({"decode_tp": "four"}, "records[0].decode_tp"),
        ({"decode_tp": 4.7}, "records[0].decode_tp"),
        ({"num_decode_gpu": -4}, "records[0].num_decode_gpu"),
        ({"metrics": {**API_ROW["metrics"], "output_tput_per_gpu": "abc"}}, "records[0].output_tput_per_gpu"),
        ({"metrics": {**API_ROW["metrics"], "output_tput_per_gpu": 0}}, "records[0].output_tput_per_gpu"),
        ({"metrics": {**API_ROW["metrics"], "output_tput_per_gpu": True}}, "records[0].output_tput_per_gpu"),
        ({"metrics": {**API_ROW["metrics"], "p99_ttft": {"value": 0.5}}}, "records[0].p99_ttft"),
        ({"metrics": {**API_ROW["metrics"], "median_ttft": False}}, "records[0].median_ttft"),
        ({"disagg": True, "num_prefill_gpu": 0}, "records[0].num_prefill_gpu"),
    ],
)
def test_a_bad_field_of_an_inferencex_record_is_named_with_its_record(change, field):
    """A boolean is not read as 1, a zero length never divides, a string is no GPU count: each is refused with the
    record's position and the field (the record is the file's first)."""
    with pytest.raises(InputError) as error:
        import_file_from({"data": [{**API_ROW, **change}]}, "api.json")
    assert error.value.field == field and error.value.expected


def test_inferencex_labels_cannot_merge_deployments_or_break_lines_and_repeats_keep_the_latest_run():
    """A slash inside a name cannot make two deployments one key; a newline in a GPU name is a space; a record
    without `disagg` is aggregated (its GPUs counted once); a point measured twice keeps the later run."""
    split_a = {**API_ROW, "hardware": "b200/trt", "framework": "fp8"}
    split_b = {**API_ROW, "hardware": "b200", "framework": "trt/fp8"}
    with pytest.raises(InputError, match="--select"):
        import_file_from({"data": [split_a, split_b]}, "api.json")
    odd = import_file_from({"data": [{**API_ROW, "hardware": "mi355x\nrm -rf"}]}, "api.json")
    assert "\n" not in odd.meta.gpu and odd.meta.gpu.startswith("MI355X")
    no_flag = {k: v for k, v in API_ROW.items() if k != "disagg"}
    assert import_file_from({"data": [no_flag]}, "api.json").meta.gpu_count == 4
    old = {**API_ROW, "date": "2026-05-01", "metrics": {**API_ROW["metrics"], "output_tput_per_gpu": 50.0}}
    new = {**API_ROW, "date": "2026-06-11"}
    for rows in ([old, new], [new, old]):
        profile = import_file_from({"data": rows}, "api.json")
        assert [lv.req_per_s for lv in profile.levels] == [pytest.approx(89.889 * 4 / 921.6)]
        assert "measured again: the latest run kept" in profile.meta.notes


@pytest.mark.parametrize(
    "doc",
    [{"configs": [], "benchmark_results": [1]}, {"configs": [{"id": [1]}], "benchmark_results": [{"config_id": 1}]}],
)
def test_a_malformed_dump_is_no_result_file_not_a_crash(doc):
    with pytest.raises(InputError, match="not a result file"):
        import_file_from(doc, "dump.json")


def test_inferencex_api_rows_of_other_parallelism_or_speculation_are_other_deployments():
    ep = {**API_ROW, "decode_ep": 4}
    mtp = {**API_ROW, "spec_method": "mtp"}
    with pytest.raises(InputError, match="--select") as error:
        import_file_from([API_ROW, ep, mtp], "api.json")
    assert "mi355x/sglang/fp4/4gpu" in str(error.value) and "mi355x/sglang/fp4/mtp/4gpu" in str(error.value)
    chosen = import_file_from([API_ROW, ep, mtp], "api.json", ImportOptions(select="mi355x/sglang/fp4/ep4/4gpu"))
    assert len(chosen.levels) == 1


def _numeric_paths(node, path=()):
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _numeric_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numeric_paths(value, (*path, i))


@pytest.mark.parametrize("spelling", [".inf", "-.inf", ".nan", "1e400"])
def test_every_number_of_an_llmd_report_as_infinity_is_named_or_read_as_missing(spelling):
    """YAML's `.inf` reads as missing, as JSON's Infinity does; whatever then lacks, one InputError names it."""
    for path in _numeric_paths(LLMD):
        doc = copy.deepcopy(LLMD)
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = "__HERE__"
        text = yaml.safe_dump(doc).replace("__HERE__", spelling)
        try:
            profile = profile_from_text(text, "report.yaml", {"model": "m", "gpu": "H100", "gpu_count": 8})
        except InputError as err:
            assert "\n" not in str(err)
        else:
            assert all(math.isfinite(lv.req_per_s) for lv in profile.levels)


@pytest.mark.parametrize(("ttft", "said"), [({"p50": 5.0, "p99": 0.01}, "p50 ≤ p99"),
                                            ({"p50": 0.2, "p90": 0.1, "p99": 0.3}, "p50 ≤ p90")])  # fmt: skip
def test_a_tail_below_its_median_is_refused_naming_the_level(ttft, said):
    """p99 of one set of requests below its p50 is a broken file, in any format: the level and metric are named."""
    level = {"input_tokens": 1000, "output_tokens": 100, "requests_completed": 10, "requests_failed": 0,
             "req_per_s": 1.0, "concurrency": 4, "ttft_s": ttft}  # fmt: skip
    text = yaml.safe_dump({"profile_version": 1, "levels": [level],
                           "meta": {"model": "glm-5", "engine": "vllm", "gpu": "H200", "gpu_count": 8,
                                    "source": "measured"}})  # fmt: skip
    with pytest.raises(InputError) as error:
        profile_from_text(text, "p.yaml")
    assert error.value.field.startswith("levels[0].ttft_s") and said in error.value.expected
