"""The roofline by engine: SGLang, TensorRT-LLM and ATOM read only the routed experts a batch touches
(`tco.capacity.roofline_calibrations.serving_calibration`), vLLM every weight; a self-hosted option's `engine`
picks it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datafiles import InputError, parse_as
from models import load_catalog
from models.catalog import ModelCard
from pricing import load_gpu_sheet
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import estimated_model, hardware
from tco.capacity.roofline_calibrations import LEAN_CDNA3, LEAN_CDNA4, LEAN_NVIDIA, OFFLINE, SERVING, calibration_for
from tco.capacity.shapes import Shape
from tco.records.option_specs import SelfHostedOption
from tco.records.scenario import RequestClass, Slo


def test_deepseek_on_sglang_reads_the_dense_part_and_the_touched_experts():
    """DeepSeek-R1 at fp8 on 8 × H200: routed experts 256 × (671 − 37)/248 = 654.45 B, dense 16.55 B. At c = 4 the
    batch touches 1 − (1 − 8/256)^4 of the experts; the step is the calibrated overhead plus both reads at
    8 × 4.8 TB/s × η_m."""
    card = load_catalog().find("deepseek-r1-0528")
    h200 = load_gpu_sheet().get("H200", "test", "gpu")
    assert card is not None and card.routed_experts == 256 and card.experts_per_token == 8
    routed = 256 * (671 - 37) / 248
    assert card.routed_expert_params_b == pytest.approx(routed)
    bandwidth = 8 * hardware(h200, "fp8").bytes_s * LEAN_NVIDIA.memory
    model = estimated_model(card, h200, 8, "fp8", Shape(1000, 1000), LEAN_NVIDIA)
    assert model is not None
    touched = 1 - (1 - 8 / 256) ** 4
    expected = LEAN_NVIDIA.step_overhead_s + (671 - routed) * 1e9 / bandwidth + routed * 1e9 / bandwidth * touched
    assert model.step_s(4) == pytest.approx(expected)
    # vLLM's calibration reads all 671 GB at every step, whatever the batch
    full = estimated_model(card, h200, 8, "fp8", Shape(1000, 1000), SERVING)
    assert full is not None
    vllm_bandwidth = 8 * hardware(h200, "fp8").bytes_s * SERVING.memory
    assert full.step_s(4) == pytest.approx(SERVING.step_overhead_s + 671e9 / vllm_bandwidth)
    assert full.step_s(4) > 2.5 * model.step_s(4)


def test_a_dense_model_reads_every_weight_on_any_engine():
    card = load_catalog().find("llama-3.3-70b-instruct")
    h200 = load_gpu_sheet().get("H200", "test", "gpu")
    assert card is not None and card.routed_expert_params_b is None
    model = estimated_model(card, h200, 2, "fp8", Shape(1000, 1000), LEAN_NVIDIA)
    assert model is not None and model.expert_step_s == 0.0
    assert model.step_s(1) == pytest.approx(model.step_s(64))


def test_the_option_names_its_engine_and_a_latency_bound_class_gets_its_calibration():
    spec = {"id": "ds", "kind": "self_hosted", "model": "deepseek-r1-0528", "gpu": "MI300X", "usd_per_gpu_hour": 3.0}
    assert SelfHostedOption(**spec, engine="sglang").engine == "sglang"
    with pytest.raises(ValueError, match="engine"):
        SelfHostedOption(**spec, engine="")
    chat = RequestClass(name="chat", share=1.0, input_tokens=1000, output_tokens=500)
    bounded, unbounded = Slo(itl_p99_s=0.05), Slo()
    assert calibration_for(chat, bounded, "sglang", "MI300X") is LEAN_CDNA3
    assert calibration_for(chat, bounded, "atom", "MI355X") is LEAN_CDNA4
    assert calibration_for(chat, bounded, "TensorRT-LLM", "B200") is LEAN_NVIDIA
    assert calibration_for(chat, bounded, None, "B200") is SERVING
    assert calibration_for(chat, unbounded, "sglang", "B200") is OFFLINE


@settings(max_examples=200, deadline=None)
@given(
    experts=st.integers(2, 1024),
    share=st.floats(0.001, 0.5),
    expert_s=st.floats(0.0, 0.1),
    dense_s=st.floats(0.0, 0.05),
    c1=st.floats(1, 512),
    c2=st.floats(1, 512),
)
def test_a_step_never_reads_more_than_every_weight_and_grows_with_the_batch(experts, share, expert_s, dense_s, c1, c2):
    """Between the dense part alone (no token) and every weight (the whole batch touching every expert), and never
    less for a larger batch."""
    model = PerfModel((0.0, 0.0, 0.0, dense_s), expert_step_s=expert_s, expert_route_share=share)
    low, high = sorted((c1, c2))
    assert dense_s <= model.step_s(low) <= model.step_s(high) <= dense_s + expert_s + 1e-12


@pytest.mark.parametrize(
    ("experts", "message"),
    [({"routed_experts": 256}, "together"), ({"routed_experts": 8, "experts_per_token": 8}, "must be below")],
)
def test_a_card_s_experts_are_checked(experts, message):
    card = {"id": "m", "name": "m", "family": "x", "vendor": "x", "open_weights": True, "license": "x",
            "context_tokens": 1000, "as_of": "2025-01-01", "api": [],
            "total_params_b": 100, "active_params_b": 10}  # fmt: skip
    assert parse_as(ModelCard, card, "models.yaml").routed_expert_params_b is None
    with pytest.raises(InputError, match=message):
        parse_as(ModelCard, {**card, **experts}, "models.yaml")
