"""Roofline estimates when no profile exists, the implausibility flag, and the prefill/decode split."""

from __future__ import annotations

import pytest

from models import load_catalog
from pricing import load_gpu_sheet
from tco.roofline import estimate_capacity, max_output_tokens_per_s
from tco.scenario import RequestClass, Slo
from tests.conftest import level, run_scenario, simple_profile, write_yaml

CHAT = RequestClass(name="chat", share=1, input_tokens=2000, output_tokens=500)


@pytest.fixture(scope="module")
def cards():
    return load_catalog()


@pytest.fixture(scope="module")
def sheet():
    return load_gpu_sheet()


def test_estimate_is_labelled_and_tighter_slo_lowers_it(cards, sheet):
    card, gpu = cards.find("llama-3.3-70b-instruct"), sheet.get("H100")
    loose = estimate_capacity(card, gpu, 2, Slo(itl_p99_s=0.1), CHAT)
    tight = estimate_capacity(card, gpu, 2, Slo(itl_p99_s=0.02), CHAT)
    assert loose.basis == "estimated" and "roofline" in loose.notes[0]
    assert loose.req_per_s > tight.req_per_s > 0


def test_more_bandwidth_never_lowers_the_estimate(cards, sheet):
    card = cards.find("llama-3.3-70b-instruct")
    h100 = estimate_capacity(card, sheet.get("H100"), 2, Slo(itl_p99_s=0.05), CHAT)
    h200 = estimate_capacity(card, sheet.get("H200"), 2, Slo(itl_p99_s=0.05), CHAT)
    assert h200.req_per_s >= h100.req_per_s


def test_model_that_does_not_fit_has_no_estimate(cards, sheet):
    cap = estimate_capacity(cards.find("deepseek-v3"), sheet.get("L4"), 1, Slo(), CHAT)
    assert cap.req_per_s is None and "does not fit" in cap.notes[0]


def test_unknown_architecture_has_no_estimate(cards, sheet):
    cap = estimate_capacity(cards.find("glm-5"), sheet.get("H200"), 8, Slo(), CHAT)
    assert cap.req_per_s is None and "architecture unknown" in cap.notes[0]


def test_published_reference_profiles_sit_below_their_roofline(cards, sheet):
    """gpt-oss-120b on one H200: TRT-LLM's 6,868 output tok/s is under the memory-bandwidth ceiling."""
    shape = RequestClass(name="l", share=1, input_tokens=1000, output_tokens=1000)
    ceiling = max_output_tokens_per_s(cards.find("gpt-oss-120b"), sheet.get("H200"), 1, shape)
    assert ceiling > 6868


def test_option_without_profile_uses_roofline_and_says_so(tmp_path, catalogues):
    scenario = {
        "name": "est",
        "workload": {"requests_per_month": 5e6, "input_tokens": 2000, "output_tokens": 500},
        "slo": {"itl_p99_s": 0.05},
        "options": [
            {"id": "api", "kind": "api", "provider": "openai", "model": "gpt-5"},
            {
                "id": "est",
                "kind": "self_hosted",
                "model": "llama-3.3-70b-instruct",
                "gpu": "H100",
                "gpus_per_replica": 2,
                "usd_per_gpu_hour": 2.5,
            },
        ],
    }
    result = run_scenario(tmp_path, scenario, catalogues)
    est = result.option("est")
    assert est.capacity_basis == "estimated" and est.slo_met and est.gpus_first_month >= 4
    assert any("roofline" in n for n in est.notes)


def test_implausible_profile_is_flagged(tmp_path, catalogues):
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


def test_quality_gate_and_cost_of_pass(tmp_path, catalogues):
    scenario = {
        "name": "q",
        "workload": {"requests_per_month": 1e6, "input_tokens": 1000, "output_tokens": 200},
        "quality": {"metric": "gpqa_diamond", "min_score": 80},
        "options": [
            {"id": "gpt5", "kind": "api", "provider": "openai", "model": "gpt-5", "success_rate": 0.9},
            {"id": "llama", "kind": "api", "provider": "groq", "model": "llama-3.3-70b-versatile"},
            {"id": "mine", "kind": "api", "provider": "zai", "model": "GLM-5", "quality_score": 84},
        ],
    }
    result = run_scenario(tmp_path, scenario, catalogues)
    assert result.option("gpt5").quality_ok is True and result.option("gpt5").quality_score == 85.7
    assert result.option("llama").quality_ok is False  # Llama 3.3 70B: 50.5 < 80
    assert result.option("mine").quality_source.startswith("scenario")
    assert result.option("gpt5").cost_of_pass_usd == pytest.approx(result.option("gpt5").usd_per_request / 0.9)
