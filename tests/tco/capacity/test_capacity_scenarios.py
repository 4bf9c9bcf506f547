"""Capacity through whole scenarios and the command line: memory fit, estimates, errors in their own row,
the result contract's `capacity` object, `inference-roi capacity`, and the $/Mtok split."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from cli.main import main
from profiling.schema import load_profile
from tco.capacity.fitting import fit_profile
from tco.capacity.shapes import Shape
from tests.conftest import ROOT, level, run_scenario, simple_profile, write_yaml

GIB = 2**30
GLM5_SWEEP = ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml"


def _scenario(*options, slo=None, cached=0.0):
    return {
        "name": "cap",
        "workload": {
            "requests_per_month": 5e6,
            "input_tokens": 2000,
            "output_tokens": 500,
            "cached_input_share": cached,
        },
        "slo": slo if slo is not None else {"itl_p99_s": 0.05},
        "options": [{"id": "api", "kind": "api", "provider": "openai", "model": "gpt-5"}, *options],
    }


def test_open_model_without_gpu_count_gets_the_memory_fit_and_an_estimate(tmp_path, catalogues):
    """Llama 3.3 70B on H100 with neither profile nor GPU count: 2 GPUs per replica (1 GPU holds 8 < 16
    sequences at 2,500 tokens; test_capacity_model has the arithmetic), X* estimated by the roofline."""
    option = {"id": "est", "kind": "self_hosted", "model": "llama-3.3-70b-instruct", "gpu": "H100",
              "usd_per_gpu_hour": 2.5}  # fmt: skip
    result = run_scenario(tmp_path, _scenario(option), catalogues)
    est = result.option("est")
    per_seq = 80 * 2 * 8 * 128 * 2 * 2500
    assert est.capacity["gpus_per_replica_source"] == "memory_fit" and est.capacity["method"] == "estimated"
    assert est.capacity["max_concurrency"] == math.floor((2 * 80 * GIB * 0.9 - 70.6e9) / per_seq)
    assert est.gpus_first_month % 2 == 0 and est.slo_met
    assert any("from the memory fit" in n for n in est.notes) and any("roofline" in n for n in est.notes)
    assert "max concurrency" in est.capacity["memory_fit"]


def test_a_model_that_fits_nowhere_is_its_own_error_row_and_the_rest_computes(tmp_path, catalogues, capsys):
    """GLM-5 (744 GB at fp8) on L4s: even 4 nodes, 32 × 24 GiB × 0.9 = 742 GB, are not enough; the error names the
    largest layout tried. On H100s it fits two nodes (16 × 80 GiB × 0.9 = 1,237 GB) with its experts split across
    them."""
    bad = {"id": "glm5-l4", "kind": "self_hosted", "model": "glm-5", "gpu": "L4", "usd_per_gpu_hour": 0.8}
    good = {"id": "llama", "kind": "self_hosted", "model": "llama-3.3-70b-instruct", "gpu": "H100",
            "gpus_per_replica": 2, "usd_per_gpu_hour": 2.5}  # fmt: skip
    two_nodes = {"id": "glm5-h100", "kind": "self_hosted", "model": "glm-5", "gpu": "H100", "usd_per_gpu_hour": 2.5}
    result = run_scenario(tmp_path, _scenario(bad, good, two_nodes), catalogues)
    assert [o.id for o in result.options] == ["api", "llama", "glm5-h100"]
    (err,) = result.option_errors
    assert (
        err.id == "glm5-l4" and "does not fit 4 nodes of 8 x L4" in err.error and "TP8 x EP32 on 4 nodes" in err.error
    )
    assert "weights 744.0 GB" in err.error
    h100 = result.option("glm5-h100").capacity
    assert (
        h100["layout"] == {"tp": 8, "pp": 1, "ep": 16, "nodes": 2} and h100["gpus_per_replica_source"] == "memory_fit"
    )
    assert any("multi-node replica: TP8 x EP16 on 2 nodes" in n for n in result.option("glm5-h100").notes)
    path = write_yaml(tmp_path / "s.yaml", {**_scenario(bad, good), "api_overrides": "overrides.yaml"})
    assert main(["compare", str(path)]) == 0
    table = capsys.readouterr().out
    assert "glm5-l4" in table and "ERROR" in table and "llama " in table
    assert main(["compare", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["option_errors"][0]["id"] == "glm5-l4"


def test_capacity_contract_in_json(tmp_path, catalogues, capsys):
    option = {"id": "glm5", "kind": "self_hosted", "model": "glm-5", "profile": str(GLM5_SWEEP), "gpu": "H200",
              "usd_per_gpu_hour": 3.5}  # fmt: skip
    path = write_yaml(tmp_path / "s.yaml", _scenario(option, slo={"ttft_p99_s": 2.0, "itl_p99_s": 0.05},
                                                     cached=0.5))  # fmt: skip
    assert main(["compare", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    glm5 = next(o for o in doc["options"] if o["id"] == "glm5")
    cap = glm5["capacity"]
    assert {"method", "basis", "expected_error", "gpus_per_replica_source", "max_concurrency"} <= set(cap)
    assert cap["method"] == "modelled" and cap["basis"] == "published" and cap["gpus_per_replica_source"] == "profile"
    assert cap["expected_error"] >= 0.25  # 500 output tokens: beyond the sweep's 128
    assert glm5["replica_req_per_s"] > 0 and cap["prefix_caching"] is True


def test_prefix_caching_off_needs_at_least_as_many_gpus(tmp_path, catalogues):
    def gpus(caching: bool) -> tuple[float, int]:
        option = {"id": "glm5", "kind": "self_hosted", "model": "glm-5", "profile": str(GLM5_SWEEP), "gpu": "H200",
                  "usd_per_gpu_hour": 3.5, "prefix_caching": caching}  # fmt: skip
        o = run_scenario(tmp_path, _scenario(option, slo={}, cached=0.5), catalogues).option("glm5")
        return o.replica_req_per_s, o.gpus_first_month

    (x_on, gpus_on), (x_off, gpus_off) = gpus(True), gpus(False)
    assert x_on > x_off and gpus_on <= gpus_off


def test_implausible_profile_is_flagged(tmp_path, catalogues):
    """400 req/s of 2,000/500 from a Qwen3-8B on one L4 is far above that GPU's compute and memory ceiling."""
    absurd = level(400.0, 0.1, 0.01, shape=(2000, 500), output_tokens_per_s=200_000)
    profile = simple_profile([absurd], gpu_count=1, model="qwen3-8b")
    profile["meta"]["gpu"] = "L4"
    write_yaml(tmp_path / "p.yaml", profile)
    scenario = {
        "name": "x",
        "workload": {"requests_per_month": 1e6, "input_tokens": 2000, "output_tokens": 500},
        "options": [
            {"id": "s", "kind": "self_hosted", "model": "qwen3-8b", "profile": "p.yaml", "usd_per_gpu_hour": 0.8}
        ],
    }
    result = run_scenario(tmp_path, scenario, catalogues)
    assert any(n.startswith("implausible") for n in result.option("s").notes)


def test_bundled_examples_carry_no_implausible_or_offline_warning(catalogues):
    from scenario_io.loader import load_inputs
    from tco import evaluate

    for path in (ROOT / "scenarios").glob("*.yaml"):
        result = evaluate(load_inputs(path, catalogues))
        assert not result.option_errors, path.name
        for option in result.options:
            assert not any(n.startswith(("implausible", "offline figures")) for n in option.notes), (path, option.id)


def test_capacity_command_picks_the_best_measured_level(capsys):
    """At a measured shape (8,192 / 128) the answer is the fastest level meeting the bounds, read here from
    the file itself."""
    doc = yaml.safe_load(GLM5_SWEEP.read_text())
    ok = [(lv["req_per_s"], i) for i, lv in enumerate(doc["levels"]) if abs(lv["input_tokens"] - 8192) < 1
          and lv["ttft_s"]["p99"] <= 10 and lv["itl_s"]["p99"] <= 0.2]  # fmt: skip
    best, index = max(ok)
    code = main(["capacity", str(GLM5_SWEEP), "--input-tokens", "8192", "--output-tokens", "128",
                 "--slo", "ttft_p99_s=10,itl_p99_s=0.2", "--format", "json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["method"] == "measured" and out["level_index"] == index
    assert out["x_star_req_per_s"] == pytest.approx(best)
    assert out["predicted"] and all("ttft_p99_s" in p for p in out["predicted"])


def test_capacity_command_models_an_unmeasured_shape_and_checks_its_slo(capsys):
    code = main(["capacity", str(GLM5_SWEEP), "--input-tokens", "3000", "--output-tokens", "128",
                 "--slo", "ttft_p99_s=2,itl_p99_s=0.05", "--gpu", "H200"])  # fmt: skip
    table = capsys.readouterr().out
    assert code == 0 and "(modelled)" in table and "memory fit:" in table and "concurrency" in table
    assert main(["capacity", str(GLM5_SWEEP), "--input-tokens", "3000", "--output-tokens", "128",
                 "--slo", "ttft_p99=2"]) == 2  # fmt: skip
    assert "--slo" in capsys.readouterr().err


def test_a_modelled_none_names_the_bound_the_lightest_load_misses(capsys):
    """GLM-5's sweep asked about 2,000 in / 500 out with a TTFT p50 bound below what one request alone takes: the
    answer says which bound and by how much, and, when the miss is inside the model's latency error, to measure
    the shape rather than rule the option out (the prediction and the error are read back from the fitted model)."""
    model = fit_profile(load_profile(GLM5_SWEEP))
    alone = model.latency(Shape(2000, 500), 1.0, "ttft_s", "p50")
    assert 0.0 < model.latency_error < 1.0
    for bound, within in ((alone / (1 + model.latency_error / 2), True), (alone / 3, False)):
        assert main(["capacity", str(GLM5_SWEEP), "--input-tokens", "2000", "--output-tokens", "500",
                     "--slo", f"ttft_p50_s={bound}"]) == 0  # fmt: skip
        out = capsys.readouterr().out
        assert "X*: none meets the SLO" in out and "No predicted load meets the SLO (modelled" in out
        assert f"at concurrency 1 TTFT p50 is {alone:.3g} s against ≤ {bound:.3g} s" in out
        assert ("measure this shape before ruling it out" in out) == within
        assert ("% below the predicted, up to" in out) == within


def test_a_bound_on_a_percentile_the_profile_never_reported_says_so(capsys):
    """GLM-5 on H200's one published point reports ITL p50 only. An ITL p99 bound is not checked against a guessed
    tail, and the answer says why instead of 'this profile cannot serve the workload': at the measured shape
    (8,192 in / 1,024 out) and at a modelled one (2,000 / 500). An ITL p50 bound above the point's own 0.1127 s is
    met at its concurrency, 64, the most measured."""
    one_point = ROOT / "profiling" / "reference" / "glm-5-h200-fp8.yaml"
    for tokens, said in ((("8192", "1024"), "No level can be checked against the SLO: it bounds a percentile this "
                          "profile does not report"),
                         (("2000", "500"), "ITL p99 cannot be predicted from this profile, whose levels do not "
                          "report it")):  # fmt: skip
        args = ["capacity", str(one_point), "--input-tokens", tokens[0], "--output-tokens", tokens[1]]
        assert main([*args, "--slo", "itl_p99_s=0.2"]) == 0
        out = capsys.readouterr().out
        assert "X*: none meets the SLO" in out and said in out and "cannot serve the workload" not in out
    args = ["capacity", str(one_point), "--input-tokens", "8192", "--output-tokens", "1024"]
    assert main([*args, "--slo", "itl_p50_s=0.2", "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["concurrency"] == 64 and answer["x_star_req_per_s"] == pytest.approx(0.5547)


def test_prefill_decode_split_from_ttft_share(tmp_path, catalogues):
    """$/Mtok is split by GPU time (TTFT p50 / E2E p50), never by the API's price ratio."""
    lv = level(6.0, 0.4, 0.04, e2e_s={"p50": 2.0, "p99": 3.0})  # TTFT p50 0.2 s of 2.0 s: 10 % prefill
    write_yaml(tmp_path / "p.yaml", simple_profile([lv]))
    scenario = {
        "name": "split",
        "workload": {"requests_per_month": 3e6, "input_tokens": 2000, "output_tokens": 500},
        "options": [
            {
                "id": "s",
                "kind": "self_hosted",
                "model": "llama-3.3-70b-instruct",
                "profile": "p.yaml",
                "usd_per_gpu_hour": 2.5,
                "fixed_usd_per_month": 0,
            }
        ],
    }
    opt = run_scenario(tmp_path, scenario, catalogues).option("s")
    cost = opt.first_month_cost_usd
    assert opt.usd_per_mtok_input == pytest.approx(0.1 * cost / (3e6 * 2000 / 1e6))
    assert opt.usd_per_mtok_output == pytest.approx(0.9 * cost / (3e6 * 500 / 1e6))
    # the two parts add back to the whole: never the full GPU-hour charged twice
    total = opt.usd_per_mtok_input * 6000 + opt.usd_per_mtok_output * 1500
    assert total == pytest.approx(cost)


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--input-tokens", "-5", "--output-tokens", "10"], "input_tokens"),
        (["--input-tokens", "inf", "--output-tokens", "10"], "--input-tokens"),
        (["--input-tokens", "10", "--output-tokens", "10", "--cached-input-share", "2"], "cached_input_share"),
        (["--input-tokens", "10", "--output-tokens", "10", "--gpu", "H900"], "--gpu"),
    ],
)
def test_capacity_command_names_a_bad_argument(flags, named, capsys):
    assert main(["capacity", str(GLM5_SWEEP), *flags]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err
