"""Importers reproduce each tool's own headline numbers exactly, from real files those tools wrote."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from profiling.importers import detect, import_file
from profiling.schema import load_profile
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
META = {"gpu": "H100", "gpu_count": 1, "model": "qwen3-8b"}


def test_vllm_headlines():
    raw = json.loads((FIXTURES / "vllm-bench-serve.json").read_text())
    level = import_file(FIXTURES / "vllm-bench-serve.json", meta=META).levels[0]
    assert level.req_per_s == raw["request_throughput"]
    assert level.output_tokens_per_s == raw["output_throughput"]
    assert level.total_tokens_per_s == raw["total_token_throughput"]
    assert level.ttft_s.p50 == pytest.approx(raw["median_ttft_ms"] / 1000, rel=1e-12)
    assert level.ttft_s.p99 == pytest.approx(raw["p99_ttft_ms"] / 1000, rel=1e-12)
    assert level.itl_s.p50 == pytest.approx(raw["median_tpot_ms"] / 1000, rel=1e-12)  # vLLM's TPOT is our ITL
    assert level.chunk_gap_s.p99 == pytest.approx(raw["p99_itl_ms"] / 1000, rel=1e-12)  # vLLM's ITL is chunk gaps
    assert level.e2e_s.p90 == pytest.approx(raw["p90_e2el_ms"] / 1000, rel=1e-12)
    assert level.concurrency == raw["max_concurrency"] and level.request_rate is None
    assert level.requests_completed == raw["completed"]
    assert level.output_tokens == raw["total_output_tokens"] / raw["completed"]


def test_sglang_headlines():
    raw = json.loads((FIXTURES / "sglang-bench-serving.jsonl").read_text().splitlines()[0])
    level = import_file(FIXTURES / "sglang-bench-serving.jsonl", meta=META).levels[0]
    assert level.req_per_s == raw["request_throughput"]
    assert level.total_tokens_per_s == raw["total_throughput"]
    assert level.ttft_s.p50 == pytest.approx(raw["median_ttft_ms"] / 1000, rel=1e-12)
    assert level.ttft_s.p99 == pytest.approx(raw["p99_ttft_ms"] / 1000, rel=1e-12)
    assert level.itl_s.p99 == pytest.approx(raw["p99_tpot_ms"] / 1000, rel=1e-12)
    assert level.chunk_gap_s.p50 == pytest.approx(raw["median_itl_ms"] / 1000, rel=1e-12)
    assert level.e2e_s.p50 == pytest.approx(raw["median_e2e_latency_ms"] / 1000, rel=1e-12)


def test_guidellm_headlines_for_every_benchmark():
    raw = json.loads((FIXTURES / "guidellm-benchmarks.json").read_text())
    profile = import_file(FIXTURES / "guidellm-benchmarks.json", meta=META)
    assert len(profile.levels) == len(raw["benchmarks"]) == 2
    for level, bench in zip(profile.levels, raw["benchmarks"], strict=True):
        m = bench["metrics"]
        assert level.concurrency == bench["config"]["strategy"]["streams"]
        assert level.req_per_s == m["requests_per_second"]["successful"]["mean"]
        assert level.output_tokens_per_s == m["output_tokens_per_second"]["successful"]["mean"]
        assert level.ttft_s.p50 == pytest.approx(m["time_to_first_token_ms"]["successful"]["median"] / 1000, rel=1e-12)
        p99 = m["inter_token_latency_ms"]["successful"]["percentiles"]["p99"]
        assert level.itl_s.p99 == pytest.approx(p99 / 1000, rel=1e-12)
        assert level.e2e_s.p50 == m["request_latency"]["successful"]["median"]  # seconds already
        assert level.requests_completed == m["request_totals"]["successful"]


def test_aiperf_headlines():
    raw = json.loads((FIXTURES / "aiperf-profile_export_aiperf.json").read_text())
    level = import_file(FIXTURES / "aiperf-profile_export_aiperf.json", meta=META).levels[0]
    assert level.req_per_s == raw["request_throughput"]["avg"]
    assert level.output_tokens_per_s == raw["output_token_throughput"]["avg"]
    assert level.ttft_s.p90 == pytest.approx(raw["time_to_first_token"]["p90"] / 1000, rel=1e-12)
    assert level.itl_s.p50 == pytest.approx(raw["inter_token_latency"]["p50"] / 1000, rel=1e-12)
    assert level.chunk_gap_s.p99 == pytest.approx(raw["inter_chunk_latency"]["p99"] / 1000, rel=1e-12)
    assert level.e2e_s.p99 == pytest.approx(raw["request_latency"]["p99"] / 1000, rel=1e-12)
    assert level.concurrency == raw["input_config"]["phases"][0]["concurrency"]
    assert level.input_tokens == raw["input_sequence_length"]["avg"]


def test_older_aiperf_records_layout_is_accepted():
    """Pre-0.1 AIPerf and genai-perf nest statistics under `records`."""
    doc = {
        "records": {
            "request_throughput": {"avg": 3.0},
            "output_token_throughput": {"avg": 90.0},
            "ttft": {"unit": "ms", "p50": 120.0, "p90": 150.0, "p99": 200.0},
            "inter_token_latency": {"unit": "ms", "p50": 20.0, "p90": 25.0, "p99": 30.0},
            "request_count": {"avg": 30},
            "benchmark_duration": {"avg": 10.0},
            "input_sequence_length": {"avg": 500},
            "output_sequence_length": {"avg": 30},
        }
    }
    from profiling.importers import convert

    level = convert(doc, "old.json", None, META).levels[0]
    assert level.ttft_s.p50 == 0.12 and level.itl_s.p99 == 0.03 and level.req_per_s == 3.0


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("vllm-bench-serve.json", "vllm"),
        ("sglang-bench-serving.jsonl", "sglang"),
        ("guidellm-benchmarks.json", "guidellm"),
        ("aiperf-profile_export_aiperf.json", "aiperf"),
    ],
)
def test_format_is_detected_and_cli_writes_a_loadable_profile(name, tool, tmp_path, capsys):
    text = (FIXTURES / name).read_text()
    doc = [json.loads(line) for line in text.splitlines()] if name.endswith(".jsonl") else json.loads(text)
    assert detect(doc) == tool
    out = tmp_path / "p.yaml"
    assert (
        main(
            [
                "import",
                str(FIXTURES / name),
                "--out",
                str(out),
                "--gpu",
                "H100",
                "--gpu-count",
                "1",
                "--model",
                "qwen3-8b",
            ]
        )
        == 0
    )
    profile = load_profile(out)
    assert profile.meta.source == "measured" and f"({tool})" in profile.meta.notes


def test_missing_gpu_and_unknown_files_exit_2(tmp_path, capsys):
    assert main(["import", str(FIXTURES / "aiperf-profile_export_aiperf.json"), "--out", str(tmp_path / "p.yaml")]) == 2
    assert "gpu" in capsys.readouterr().err
    # every missing field in one error, not one per run (issue 25, item 9)
    assert main(["import", str(FIXTURES / "vllm-bench-serve.json"), "--out", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "gpu, gpu_count" in err and "--gpu GPU --gpu-count GPU_COUNT" in err
    junk = tmp_path / "junk.json"
    junk.write_text('{"hello": 1}')
    assert main(["import", str(junk), "--out", str(tmp_path / "p.yaml"), "--gpu", "H100", "--gpu-count", "1"]) == 2
    assert "not a result file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"request_throughput": 1, "total_token_throughput": 2}')
    assert main(["import", str(broken), "--out", str(tmp_path / "p.yaml"), "--gpu", "H100", "--gpu-count", "1"]) == 2
    assert "malformed" in capsys.readouterr().err


def test_an_import_records_the_speculative_decoding_its_server_ran(tmp_path):
    """`--speculative-decoding` is kept in the profile (a transfer from it then divides its gain out); left out,
    none is recorded."""
    out = tmp_path / "p.yaml"
    args = ["import", str(FIXTURES / "vllm-bench-serve.json"), "--out", str(out), "--gpu", "H100", "--gpu-count", "1",
            "--model", "qwen3-8b"]  # fmt: skip
    assert main([*args, "--speculative-decoding", "eagle3"]) == 0
    assert load_profile(out).meta.speculative_decoding == "eagle3"
    assert main(args) == 0
    assert load_profile(out).meta.speculative_decoding is None


def _trimmed_vllm(concurrency: int, req_per_s: float, ttft_ms: float, tpot_ms: float) -> dict:
    """A vLLM bench serve result as a reviewer wrote one: every latency field and the model id, but no
    `total_token_throughput` (a trimmed or older file)."""
    return {"date": "20261201-120000", "backend": "vllm", "model_id": "Qwen/Qwen3-32B", "num_prompts": 200,
            "request_rate": "inf", "max_concurrency": concurrency, "duration": 200 / req_per_s, "completed": 200,
            "total_input_tokens": 400000, "total_output_tokens": 100000, "request_throughput": req_per_s,
            "output_throughput": req_per_s * 500, "mean_ttft_ms": ttft_ms, "median_ttft_ms": ttft_ms,
            "p99_ttft_ms": 3 * ttft_ms, "mean_tpot_ms": tpot_ms, "median_tpot_ms": tpot_ms,
            "p99_tpot_ms": 1.5 * tpot_ms, "median_e2el_ms": ttft_ms + 499 * tpot_ms}  # fmt: skip


def test_a_vllm_result_without_total_token_throughput_is_still_vllms():
    """Refused before as "not a result file of vLLM bench serve, …": detection asked for `total_token_throughput`.
    Three such files uploaded together are one profile of three levels."""
    from profiling.importers import profile_from_texts

    runs = [_trimmed_vllm(4, 0.9, 120.0, 15.0), _trimmed_vllm(16, 2.9, 230.0, 19.0), _trimmed_vllm(64, 6.0, 900, 35)]
    assert all(detect(run) == "vllm" for run in runs)
    profile = profile_from_texts([(f"c{r['max_concurrency']}.json", json.dumps(r)) for r in runs],
                                 {"gpu": "H100", "gpu_count": 1})  # fmt: skip
    assert [lv.concurrency for lv in profile.levels] == [4, 16, 64]
    assert [lv.req_per_s for lv in profile.levels] == [0.9, 2.9, 6.0]
    assert profile.levels[1].itl_s.p50 == pytest.approx(0.019, rel=1e-12)  # vLLM's TPOT, in seconds
    assert profile.levels[0].input_tokens == 400000 / 200 and profile.meta.model == "Qwen/Qwen3-32B"
    assert detect({"request_throughput": 1.0}) is None  # one throughput figure alone is no tool's
