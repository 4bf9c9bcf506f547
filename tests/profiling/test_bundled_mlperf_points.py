"""The bundled MLPerf Inference v6.0 Server points against the published LoadGen logs they were converted from.

The logs and system descriptions are copied unchanged from mlcommons/inference_results_v6.0 (Apache-2.0) @4d3916a
into tests/fixtures/imports/mlperf-v6.0 (README there). Each bundled profile is one load level: the Poisson rate
LoadGen scheduled, the completed samples/s the system sustained within MLPerf's TTFT/TPOT p99 bounds, and the log's
latency percentiles (ns -> s, TPOT as ITL). The DeepSeek-R1 point is recomputed here by hand from the raw text, so a
drift of the converter or a hand edit of a bundled profile fails."""

from __future__ import annotations

import json
import re

import pytest

from datafiles import InputError
from models.catalog import load_catalog
from pricing.gpus import load_gpu_sheet
from profiling.importers import ImportOptions, import_file
from profiling.schema import load_profile
from tests.conftest import ROOT

REFERENCE = ROOT / "profiling" / "reference"
FIXTURES = ROOT / "tests" / "fixtures" / "imports" / "mlperf-v6.0"

# profile -> (fixture folder, result ID, catalogue model, catalogue GPU, mean input tokens, mean output tokens)
DEEPSEEK_SHAPE = (803.79, 3886.2274)  # dataset csv mean input; reference README mean output at the 20K cap
GPT_OSS_SHAPE = (5011.0, 1278.2)  # PR #2419 ISL figure; compliance/TEST09 reference mean output
PROFILES = {
    "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml": (
        "6.0-0083-Nebius-deepseek-r1-Server", "6.0-0083", "deepseek-r1", "B200", *DEEPSEEK_SHAPE),
    "gpt-oss-120b-b200-trtllm-mlperf-v6.0-server.yaml": (
        "6.0-0083-Nebius-gpt-oss-120b-Server", "6.0-0083", "gpt-oss-120b", "B200", *GPT_OSS_SHAPE),
    "gpt-oss-120b-mi355x-vllm-mlperf-v6.0-server.yaml": (
        "6.0-0002-AMD-gpt-oss-120b-Server", "6.0-0002", "gpt-oss-120b", "MI355X", *GPT_OSS_SHAPE),
    "gpt-oss-120b-b200-vllm-llmd-mlperf-v6.0-server.yaml": (
        "6.0-0091-RedHat-gpt-oss-120b-Server", "6.0-0091", "gpt-oss-120b", "B200", *GPT_OSS_SHAPE),
    "gpt-oss-120b-h200-vllm-llmd-mlperf-v6.0-server.yaml": (
        "6.0-0092-RedHat-gpt-oss-120b-Server", "6.0-0092", "gpt-oss-120b", "H200", *GPT_OSS_SHAPE),
}  # fmt: skip


def _raw(text: str, key: str) -> float:
    """The number after `key :` in a LoadGen summary, read without the converter."""
    match = re.search(rf"^{re.escape(key)}\s*:\s*([0-9.]+)\s*$", text, re.MULTILINE)
    assert match, key
    return float(match.group(1))


def test_every_bundled_mlperf_profile_is_listed_here():
    assert sorted(p.name for p in REFERENCE.glob("*mlperf*.yaml")) == sorted(PROFILES)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_names_a_catalogue_model_and_gpu_and_the_submitted_system(name):
    folder, result_id, model, gpu, input_tokens, output_tokens = PROFILES[name]
    profile = load_profile(REFERENCE / name)
    meta, (level,) = profile.meta, profile.levels
    assert meta.model == model and load_catalog().find(meta.model) is not None
    assert meta.gpu == gpu and load_gpu_sheet().get(meta.gpu).id == gpu
    system = json.loads((FIXTURES / folder / "system.json").read_text())
    assert gpu in system["accelerator_model_name"] and system["division"] == "closed"
    assert system["status"] == "available"
    assert meta.gpu_count == int(system["accelerators_per_node"]) * int(system["number_of_nodes"]) == 8
    assert meta.source == "published" and meta.measured_at and meta.measured_by
    assert f"result {result_id}, Closed division, Available category" in meta.citation
    assert "registered trademark of MLCommons" in meta.notes and "not verified by MLCommons" in meta.notes
    assert (level.input_tokens, level.output_tokens) == (input_tokens, output_tokens)
    assert level.concurrency is None and level.request_rate >= level.req_per_s > 0


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_is_a_fresh_import_of_its_log_within_the_logs_bounds(name):
    folder, _, _, _, input_tokens, output_tokens = PROFILES[name]
    bundled = load_profile(REFERENCE / name)
    path = FIXTURES / folder / "mlperf_log_summary.txt"
    meta = {"model": bundled.meta.model, "gpu": bundled.meta.gpu, "gpu_count": bundled.meta.gpu_count}
    fresh = import_file(path, "mlperf", meta, ImportOptions(input_tokens=input_tokens, output_tokens=output_tokens))
    assert fresh.levels == bundled.levels
    text = path.read_text()
    (level,) = bundled.levels
    assert "Result is : VALID" in text and "Scenario : Server" in text
    assert level.ttft_s.p99 <= _raw(text, "ttft_latency (ns)") / 1e9
    assert level.itl_s.p99 <= _raw(text, "tpot_latency (ns)") / 1e9


def test_deepseek_r1_b200_point_is_the_log_by_hand():
    """6.0-0083: 13.81 completed samples/s at 14.03 scheduled; TTFT p99 1,194,964,500 ns; TPOT p99 76,617,109 ns."""
    text = (FIXTURES / "6.0-0083-Nebius-deepseek-r1-Server" / "mlperf_log_summary.txt").read_text()
    (level,) = load_profile(REFERENCE / "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml").levels
    assert _raw(text, "Completed samples per second") == 13.81 == level.req_per_s
    assert _raw(text, "Scheduled samples per second") == 14.03 == level.request_rate
    assert _raw(text, "Completed tokens per second") == 51692.89 == level.output_tokens_per_s
    assert _raw(text, "99.00 percentile first token latency (ns)") == 1194964500
    assert level.ttft_s.p99 == pytest.approx(1.1949645, rel=1e-12)
    assert _raw(text, "99.00 percentile time to output token (ns)") == 76617109
    assert level.itl_s.p99 == pytest.approx(0.076617109, rel=1e-12)
    assert level.ttft_s.p50 == pytest.approx(0.617180597, rel=1e-12)
    assert level.e2e_s.p50 == pytest.approx(152.242370634, rel=1e-12)
    # MLPerf's DeepSeek-R1 Server bounds: TTFT p99 <= 2 s, TPOT p99 <= 80 ms
    assert _raw(text, "ttft_latency (ns)") == 2e9 and _raw(text, "tpot_latency (ns)") == 8e7
    # the run's own output per sample (3,743 tokens) is within 4 % of the dataset's reference mean
    assert level.output_tokens_per_s / level.req_per_s == pytest.approx(level.output_tokens, rel=0.04)


def test_mlperf_r1_is_the_january_weights_with_the_0528_shape():
    catalog = load_catalog()
    r1, r1_0528 = catalog.find("deepseek-r1"), catalog.find("deepseek-r1-0528")
    assert r1 is not None and r1 is not r1_0528 and "56d4cbbb" in r1.architecture_source
    shape = ("total_params_b", "active_params_b", "layers", "hidden_size", "mla_kv_dim", "context_tokens")
    assert [getattr(r1, f) for f in shape] == [getattr(r1_0528, f) for f in shape]


def test_the_log_importer_takes_only_a_valid_server_run_with_a_given_shape(tmp_path):
    text = (FIXTURES / "6.0-0002-AMD-gpt-oss-120b-Server" / "mlperf_log_summary.txt").read_text()
    meta = {"model": "gpt-oss-120b", "gpu": "MI355X", "gpu_count": 8}
    shape = ImportOptions(input_tokens=5011, output_tokens=1278.2)
    path = tmp_path / "mlperf_log_summary.txt"
    path.write_text(text)
    with pytest.raises(InputError, match="--input-tokens"):
        import_file(path, None, meta)
    profile = import_file(path, None, meta, shape)  # detected without --from
    assert profile.meta.tool == "MLPerf Inference LoadGen (Server)" and profile.levels[0].req_per_s == 59.86
    path.write_text(text.replace("Scenario : Server", "Scenario : Offline"))
    with pytest.raises(InputError, match="Server run"):
        import_file(path, None, meta, shape)
    path.write_text(text.replace("Result is : VALID", "Result is : INVALID"))
    with pytest.raises(InputError, match="VALID"):
        import_file(path, None, meta, shape)
