"""The bundled InferenceX MiniMax-M2.5 (DEP8, TEP8) and Qwen3.5-397B-A17B (TP8) sweeps against SemiAnalysis' own files.

The raw files are copied unchanged from SemiAnalysisAI/InferenceX (Apache-2.0) @843c625 into
tests/fixtures/imports/inferencex-minimax-m25 and inferencex-qwen35. Each test recomputes one level from its raw
JSON by hand (req/s = completed / duration, mean shape = total tokens / completed, latencies already in seconds,
TPOT as ITL), so a drift of the converter or a hand edit of a bundled profile fails here."""

from __future__ import annotations

import json
import math

import pytest

from profiling.importers import import_file
from profiling.schema import load_profile
from tests.conftest import ROOT

REFERENCE = ROOT / "profiling" / "reference"
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
MINIMAX = FIXTURES / "inferencex-minimax-m25"
QWEN = FIXTURES / "inferencex-qwen35"

# profile file -> (model, layout tag in the raw file names, levels, tensor_parallel, precision, {ISL: concurrencies})
PROFILES = {
    "minimax-m2.5-h200-vllm-dep8-inferencex.yaml": (
        "minimax-m2.5", "dep8", 7, None, "fp8", {1024: [4, 8, 16, 48], 2048: [4, 8, 16]},
    ),
    "minimax-m2.5-h200-vllm-tep8-inferencex.yaml": (
        "minimax-m2.5", "tep8", 65, 8, "fp8",
        {**{isl: [4, 8, 16, 32, 48, 64] for isl in (1024, 2048, 4096, 6144, 8192)},
         **{isl: [4, 8, 16, 32] for isl in (10240, 12288, 14336, 16384)},
         **{isl: [4, 8, 16] for isl in (18432, 22528, 26624, 28672, 32768)},
         20480: [4, 8], 24576: [4, 8]},
    ),
    "qwen3.5-397b-a17b-h200-vllm-tp8-inferencex.yaml": (
        "qwen3.5-397b-a17b", "tp8", 45, 8, "bf16",
        {isl: [4, 8, 16, 32, 64] for isl in (1024, 2048, 4096, 6144, 8192, 10240, 12288, 14336, 16384)},
    ),
}  # fmt: skip

# raw file -> the bundled profile that holds its level
RAW = {
    MINIMAX / "minimax_m25_vllm_dep8_isl1024_osl128_conc48.json": "minimax-m2.5-h200-vllm-dep8-inferencex.yaml",
    MINIMAX / "minimax_m25_vllm_dep8_isl2048_osl128_conc16.json": "minimax-m2.5-h200-vllm-dep8-inferencex.yaml",
    MINIMAX / "minimax_m25_vllm_tep8_isl8192_osl128_conc64.json": "minimax-m2.5-h200-vllm-tep8-inferencex.yaml",
    MINIMAX / "minimax_m25_vllm_tep8_isl32768_osl128_conc16.json": "minimax-m2.5-h200-vllm-tep8-inferencex.yaml",
    QWEN / "qwen35_vllm_tp8_isl1024_osl128_conc4.json": "qwen3.5-397b-a17b-h200-vllm-tp8-inferencex.yaml",
    QWEN / "qwen35_vllm_tp8_isl16384_osl128_conc64.json": "qwen3.5-397b-a17b-h200-vllm-tp8-inferencex.yaml",
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_bundled_sweep_is_one_published_h200_deployment_with_its_shapes(name):
    model, tag, count, tp, precision, shapes = PROFILES[name]
    path = REFERENCE / name
    profile = load_profile(path)
    meta = profile.meta
    assert (meta.model, meta.gpu, meta.gpu_count, meta.engine) == (model, "H200", 8, "vllm")
    assert (meta.source, meta.tensor_parallel, meta.precision) == ("published", tp, precision)
    assert meta.cached_input_share == 0.0 and meta.measured_by and meta.engine_version
    assert f"_{tag}_" in meta.citation and "Apache-2.0" in meta.citation and "@843c625" in meta.citation
    assert len(profile.levels) == count
    found: dict[int, list[int]] = {}
    for level in profile.levels:
        assert level.output_tokens == 128 and level.requests_failed == 0
        assert level.requests_completed == 10 * level.concurrency  # the sweep script's 10 x concurrency prompts
        found.setdefault(int(level.input_tokens), []).append(int(level.concurrency))
    assert found == shapes  # ISL ascending, then concurrency: no duplicate and no level of the other layout
    header = path.read_text().splitlines()[:2]
    assert header[0].startswith("# Reference profile converted from published figures") and "NOT measured" in header[0]
    assert header[1].startswith("# Regenerate: inference-roi import")
    for needed in ("experimental", "random token", "h200"):
        assert needed in meta.notes.lower()


def test_the_dep8_layout_records_no_tensor_parallel_and_says_why():
    """'dep8' is data-parallel attention + expert parallel, not TP8; the repo has no dep8 serve script."""
    meta = load_profile(REFERENCE / "minimax-m2.5-h200-vllm-dep8-inferencex.yaml").meta
    assert meta.tensor_parallel is None
    assert "no dep8 serve script" in meta.notes and "data-parallel attention + expert parallel" in meta.notes


def test_qwen_notes_say_prefix_caching_was_on_with_random_prompts():
    meta = load_profile(REFERENCE / "qwen3.5-397b-a17b-h200-vllm-tp8-inferencex.yaml").meta
    assert "--enable-prefix-caching" in meta.notes and "Prefix caching was ON with random prompts" in meta.notes


@pytest.mark.parametrize("raw_path", sorted(RAW), ids=lambda p: p.name)
def test_a_bundled_level_is_the_raw_file_converted_by_hand(raw_path):
    raw = json.loads(raw_path.read_text())
    profile = load_profile(REFERENCE / RAW[raw_path])
    isl = int(raw_path.name.split("_isl")[1].split("_")[0])
    (level,) = [lv for lv in profile.levels if lv.input_tokens == isl and lv.concurrency == raw["max_concurrency"]]
    completed = raw["completed"]
    assert completed == raw["num_prompts"] == level.requests_completed
    assert math.isclose(level.req_per_s, completed / raw["duration"], rel_tol=1e-12)
    assert level.duration_s == raw["duration"]
    assert level.input_tokens == raw["total_input_tokens"] / completed == isl
    assert level.output_tokens == raw["total_output_tokens"] / completed == 128
    assert level.output_tokens_per_s == raw["output_throughput"]
    assert math.isclose(level.total_tokens_per_s, raw["input_throughput"] + raw["output_throughput"], rel_tol=1e-12)
    assert (level.ttft_s.p50, level.ttft_s.p99) == (raw["median_ttft"], raw["p99_ttft"])  # seconds, not ms
    assert (level.itl_s.p50, level.itl_s.p99) == (raw["median_tpot"], raw["p99_tpot"])  # TPOT is our ITL
    assert (level.e2e_s.p50, level.e2e_s.p99) == (raw["median_e2el"], raw["p99_e2el"])
    assert level.ttft_s.p90 is None and level.itl_s.p90 is None  # the harness writes median and p99 only
    # and the importer today gives the same level as the one bundled
    assert import_file(raw_path, meta={"gpu": "H200", "gpu_count": 8}).levels[0] == level


def test_pinned_numbers_of_the_raw_files():
    """Hand-copied from the raw files, so the fixtures themselves cannot drift either."""
    tep8 = json.loads((MINIMAX / "minimax_m25_vllm_tep8_isl8192_osl128_conc64.json").read_text())
    assert (tep8["completed"], tep8["model_id"]) == (640, "MiniMaxAI/MiniMax-M2.5")
    assert tep8["request_throughput"] == pytest.approx(1.970, abs=5e-4)
    qwen = json.loads((QWEN / "qwen35_vllm_tp8_isl16384_osl128_conc64.json").read_text())
    assert (qwen["completed"], qwen["model_id"]) == (640, "Qwen/Qwen3.5-397B-A17B")
    assert qwen["request_throughput"] == pytest.approx(0.3517, abs=5e-5)
    assert (qwen["median_ttft"], qwen["p99_ttft"]) == pytest.approx((8.3105, 170.8016), abs=5e-4)
    assert (qwen["median_tpot"], qwen["p99_tpot"]) == pytest.approx((1.3612, 1.3767), abs=5e-4)
