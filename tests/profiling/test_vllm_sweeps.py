"""A vLLM sweep is one profile: the lines of an `--append-result` file (JSON Lines) or several one-run files, through
the one merge path the CLI and the app share. A bad line is named by file, line number and vLLM field.

The fixtures are real `benchmark_serving.py` output (tests/fixtures/imports/vllm-sweep/README.md): four runs at
concurrency 1, 2, 4 and 8, as one appended JSON Lines file and as the four files the runs wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from datafiles import InputError
from profiling.importers import detect, import_file, import_files, profile_from_text, profile_from_texts
from profiling.schema import load_profile
from tests.conftest import ROOT

SWEEP = ROOT / "tests" / "fixtures" / "imports" / "vllm-sweep"
JSONL = SWEEP / "vllm-bench-serve-sweep.jsonl"
RUNS = [SWEEP / f"vllm-bench-serve-c{c}.json" for c in (1, 2, 4, 8)]
META = {"gpu": "H100", "gpu_count": 1, "model": "qwen3-8b"}


def lines() -> list[str]:
    return JSONL.read_text().splitlines()


def test_the_fixture_is_the_four_runs_appended_as_vllm_appends_them():
    """`--append-result`: a newline before every object but the first, none after the last."""
    assert JSONL.read_text() == "\n".join(path.read_text() for path in RUNS)
    assert [json.loads(line)["max_concurrency"] for line in lines()] == [1, 2, 4, 8]


def test_an_appended_sweep_is_one_profile_with_one_level_per_line():
    profile = import_file(JSONL, meta=META)
    assert len(profile.levels) == 4
    for level, line in zip(profile.levels, lines(), strict=True):
        raw = json.loads(line)
        assert level.concurrency == raw["max_concurrency"] and level.request_rate is None  # "inf": all at once
        assert level.req_per_s == raw["request_throughput"]
        assert level.output_tokens_per_s == raw["output_throughput"]
        assert level.total_tokens_per_s == raw["total_token_throughput"]
        assert level.duration_s == raw["duration"]
        assert level.requests_completed == raw["completed"] == 40 and level.requests_failed == 0
        assert level.input_tokens == raw["total_input_tokens"] / raw["completed"]
        assert level.output_tokens == raw["total_output_tokens"] / raw["completed"]
        assert level.ttft_s.p50 == pytest.approx(raw["median_ttft_ms"] / 1000, rel=1e-12)
        assert level.ttft_s.p99 == pytest.approx(raw["p99_ttft_ms"] / 1000, rel=1e-12)
        assert level.itl_s.p90 == pytest.approx(raw["p90_tpot_ms"] / 1000, rel=1e-12)  # vLLM's TPOT is our ITL
        assert level.chunk_gap_s.p99 == pytest.approx(raw["p99_itl_ms"] / 1000, rel=1e-12)  # its ITL: chunk gaps
        assert level.e2e_s.p99 == pytest.approx(raw["p99_e2el_ms"] / 1000, rel=1e-12)
    assert [round(lv.req_per_s, 2) for lv in profile.levels] == [2.66, 5.31, 10.71, 20.8]  # the runs' own printout
    assert "4 runs appended to one file (--append-result)" in profile.meta.notes
    assert profile.meta.tool == "vllm bench serve (openai-chat backend)"


def test_the_sweep_reads_the_same_as_a_json_named_file_and_as_its_four_files(tmp_path):
    """vLLM names an appended file `.json` unless told otherwise; the four one-run files merge to the same levels."""
    as_json = tmp_path / "openai-chat-infqps-concurrency1-test-model-20261202-162023.json"
    as_json.write_text(JSONL.read_text())
    appended = import_file(as_json, meta=META).levels
    assert appended == import_file(JSONL, meta=META).levels
    assert import_files(RUNS, meta=META).levels == appended  # the CLI's merge
    texts = [(path.name, path.read_text()) for path in RUNS]
    merged = profile_from_texts(texts, META)  # the app's: the same merge from memory
    assert merged.levels == appended and merged.meta.notes.startswith("4 files merged; ")
    # in any order (uploaded c16, c32, c4, c8 numbered its levels by file name: a reviewer), by load
    assert [lv.concurrency for lv in appended] == [1, 2, 4, 8]
    assert profile_from_texts(texts[::-1], META).levels == appended
    assert import_files(RUNS[::-1], meta=META).levels == appended
    assert detect([json.loads(line) for line in lines()]) == "vllm"


def test_the_command_line_imports_an_appended_sweep(tmp_path, capsys):
    out = tmp_path / "sweep.yaml"
    args = ["import", str(JSONL), "--out", str(out), "--gpu", "H100", "--gpu-count", "1", "--model", "qwen3-8b"]
    assert main(args) == 0, capsys.readouterr().err
    assert "(4 level(s)" in capsys.readouterr().out
    assert [lv.concurrency for lv in load_profile(out).levels] == [1, 2, 4, 8]


def _error(text: str, name: str = "sweep.jsonl") -> str:
    with pytest.raises(InputError) as caught:
        profile_from_text(text, name, META)
    return str(caught.value)


def _with(number: int, **changes) -> str:
    """The sweep with line `number` (from 1) changed; a key set to ... is removed."""
    rows = [json.loads(line) for line in lines()]
    for key, value in changes.items():
        if value is ...:
            del rows[number - 1][key]
        else:
            rows[number - 1][key] = value
    return "\n".join(json.dumps(row) for row in rows)


@pytest.mark.parametrize(
    ("number", "changes", "expected"),
    [
        (3, {"p99_ttft_ms": "fast"}, "sweep.jsonl: line 3: p99_ttft_ms: expected a number (milliseconds), got 'fast'"),
        (2, {"completed": ...}, "sweep.jsonl: line 2: completed: missing or malformed in this vLLM bench serve result"),
        (4, {"completed": 0}, "sweep.jsonl: line 4: completed: expected a whole number of requests, at least 1"),
        (2, {"max_concurrency": 0}, "sweep.jsonl: line 2: max_concurrency: Input should be greater than or equal"),
        (3, {"request_throughput": -1.0}, "sweep.jsonl: line 3: request_throughput: Input should be greater than"),
        (4, {"request_rate": "fast"}, "sweep.jsonl: line 4: request_rate: expected requests/s or 'inf', got 'fast'"),
        (2, {"model_id": "other-model"}, "sweep.jsonl: line 2: model_id: 'other-model' differs from line 1's"),
    ],
)
def test_a_bad_line_names_the_file_the_line_and_the_field(number, changes, expected):
    assert _error(_with(number, **changes)).startswith(expected)


def test_a_line_that_is_not_a_run_is_named():
    first, second, *_ = lines()
    assert _error(f"{first}\n[1, 2]").startswith("sweep.jsonl: line 2: expected one JSON object of vLLM bench serve")
    broken = _error(f"{first}\n\n{second}\n{{not json")  # blank lines are skipped but still counted
    assert broken.startswith("sweep.jsonl: line 4: not valid JSON") and "one JSON object a line" in broken


def test_files_of_two_deployments_uploaded_together_are_refused_by_name(tmp_path):
    other = json.loads(RUNS[1].read_text())
    other["model_id"] = "another-model"
    texts = [(RUNS[0].name, RUNS[0].read_text()), ("other.json", json.dumps(other))]
    with pytest.raises(InputError, match=r"^other\.json: meta\.model: 'another-model' differs from 'test-model'"):
        profile_from_texts(texts, {"gpu": "H100", "gpu_count": 1})


def test_the_four_files_without_a_gpu_are_one_question(tmp_path: Path):
    """The first file names what is missing; the same boxes then serve every file."""
    texts = [(path.name, path.read_text()) for path in RUNS]
    with pytest.raises(InputError, match=r"vllm-bench-serve-c1\.json: gpu, gpu_count: the vllm file does not record"):
        profile_from_texts(texts, {})
    assert len(profile_from_texts(texts, {"gpu": "H100", "gpu_count": 1}).levels) == 4
