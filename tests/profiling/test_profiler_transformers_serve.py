"""The profiler against a real inference server nobody on the team wrote: transformers serve,
continuous batching, a tiny random-weight Llama and a locally trained tokenizer (no downloads).

Its quirks: no `data: [DONE]`, HTTP 422 for unknown fields such as ignore_eos, a slow first request.
"""

from __future__ import annotations

import json

import pytest

from cli.main import main
from profiling.schema import load_profile
from scenario_io.loader import load_inputs
from tco import evaluate
from tests.conftest import TODAY, write_yaml
from tests.support.real_servers.transformers_serve import CACHE, transformers_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("tf") / "server.log"
    with transformers_server(CACHE / "tiny-llama", log) as url:
        yield url


def test_profile_of_transformers_serve(server, tmp_path, capsys):
    out = tmp_path / "tf.yaml"
    code = main(
        [
            "profile",
            "--base-url",
            server,
            "--model",
            str(CACHE / "tiny-llama"),
            "--catalogue-model",
            "tiny-llama",
            "--input-tokens",
            "128",
            "--output-tokens",
            "24",
            "--concurrency",
            "1,4",
            "--requests-per-level",
            "12",
            "--gpu",
            "cpu",
            "--gpu-count",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    profile = load_profile(out)
    assert profile.meta.source == "measured"
    assert "refused ignore_eos" in profile.meta.notes  # the 422 quirk, survived
    assert "token counts from the server's usage reports" in profile.meta.notes
    one, four = profile.levels
    assert one.requests_failed == 0 and four.requests_failed == 0
    assert four.req_per_s > one.req_per_s  # continuous batching: more in flight, more served
    raw = [json.loads(line) for line in out.with_suffix(".requests.jsonl").read_text().splitlines()]
    assert all(r["tokens_from_usage"] for r in raw)
    # the level's token means are exactly the means of the server's usage reports
    for number, level in enumerate(profile.levels):
        rows = [r for r in raw if r["level"] == number]
        assert level.output_tokens == pytest.approx(sum(r["output_tokens"] for r in rows) / len(rows))
        assert level.input_tokens == pytest.approx(sum(r["input_tokens"] for r in rows) / len(rows))
        assert level.input_tokens == pytest.approx(128, rel=0.1)  # calibrated to the server's own tokenizer

    # the engine takes the measured profile unchanged
    scenario = {
        "name": "tiny",
        "workload": {"requests_per_month": 1e6, "input_tokens": 128, "output_tokens": 24},
        "options": [
            {"id": "tiny", "kind": "self_hosted", "model": "tiny-llama", "profile": "tf.yaml", "usd_per_gpu_hour": 1.0}
        ],
    }
    result = evaluate(load_inputs(write_yaml(tmp_path / "s.yaml", scenario), today=TODAY))
    assert result.option("tiny").capacity_basis == "measured" and result.option("tiny").slo_met
