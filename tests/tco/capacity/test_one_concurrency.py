"""A sweep whose levels all ran at one concurrency: the decode takes the engine's calibrated roofline shape, scaled to
the levels by one factor (`tco.capacity.throughput_fit`), instead of a req/s flat in concurrency."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import load_catalog
from pricing import load_gpu_sheet
from profiling.schema import Level, Profile, ProfileMeta
from tco.capacity.fitting import FitHints, fit_profile
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import LEAN_NVIDIA, fit_hints
from tco.capacity.shapes import Shape

PI, B_R, G, A_R = 2e-5, 1e-3, 3e-9, 0.02
"""The roofline's π, b, g and step (seconds), with a 5 ms step overhead and 10 ms of routed experts, k/E = 1/32."""
ROOFLINE = PerfModel((PI, B_R, G, A_R), step_overhead_s=0.005, expert_step_s=0.010, expert_route_share=1 / 32)


def _step(c: float) -> float:
    """The roofline's step written out: 5 ms + 20 ms + 10 ms × (1 − (31/32)^c)."""
    return 0.005 + 0.02 + 0.010 * (1 - (31 / 32) ** c)


def _tau(i: float, o: float, c: float, k: float) -> float:
    """τ = π·I + g·O·(I + O/2) + k·(b_r·O + step(c)·O/c)."""
    return PI * i + G * o * (i + o / 2) + k * (B_R * o + _step(c) * o / c)


def _profile(levels: list[Level]) -> Profile:
    meta = ProfileMeta(model="m", engine="sglang", gpu="B300", gpu_count=8, source="measured")
    return Profile(profile_version=1, meta=meta, levels=tuple(levels))


def _level(i: float, o: float, c: float, x: float) -> Level:
    return Level(input_tokens=i, output_tokens=o, requests_completed=100, requests_failed=0, req_per_s=x,
                 concurrency=c, ttft_s={"p50": 0.3})  # fmt: skip


def test_levels_at_one_concurrency_scale_the_roofline_and_predict_another_concurrency():
    """Two shapes at c = 64 made with k = 1.7: the fit recovers k, so at c = 1 it says 1/τ(c = 1) exactly.
    By hand at 1,000 in / 1,000 out, c = 1: 0.02 + 3e-9·1,000·1,500 + 1.7·(1 + 25.3125 ms·1,000) = 44.7508 s."""
    k = 1.7
    assert _tau(1000, 1000, 1, k) == pytest.approx(0.02 + 0.0045 + 1.7 * (1.0 + 25.3125), rel=1e-12)
    levels = [_level(i, o, 64, 1 / _tau(i, o, 64, k)) for i, o in ((1000, 1000), (8000, 1000))]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None
    assert model.coefficients == pytest.approx((PI, k * B_R, G, k * A_R), rel=1e-9)
    assert (model.step_overhead_s, model.expert_step_s) == pytest.approx((k * 0.005, k * 0.010), rel=1e-9)
    assert model.gpu_s_per_request(Shape(1000, 1000), 1) == pytest.approx(_tau(1000, 1000, 1, k), rel=1e-9)
    assert model.max_concurrency == 64  # never searched beyond the load that was measured


def test_without_the_roofline_the_old_fit_stays():
    """No card or GPU: no decode shape, a = 0 (every decode second per token), as before."""
    levels = [_level(i, o, 64, 1 / _tau(i, o, 64, 1.0)) for i, o in ((1000, 1000), (8000, 1000))]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G))
    assert model is not None and model.coefficients[3] == 0.0 and model.expert_step_s == 0.0


def test_fit_hints_carry_the_engine_s_calibrated_roofline():
    """DeepSeek-R1 on 8 × B200 with SGLang: the hint is LEAN_NVIDIA's roofline, reading only touched experts."""
    card = load_catalog().find("deepseek-r1-0528")
    b200 = load_gpu_sheet().get("B200", "test", "gpu")
    decode = fit_hints(card, b200, 8, "fp8", 2000, "sglang").decode
    assert decode is not None and decode.expert_step_s > 0
    per_token = 2 * card.active_params_b * 1e9 / (8 * b200.fp8_tflop_s * 1e12 * LEAN_NVIDIA.compute)
    assert decode.coefficients[1] == pytest.approx(per_token, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(k=st.floats(min_value=0.2, max_value=5.0), c=st.sampled_from([1.0, 4.0, 16.0, 64.0]))
def test_one_concurrency_fit_never_falls_with_more_load(k, c):
    """Whatever the scale, more concurrency never lowers the modelled req/s, and the levels are met."""
    levels = [_level(i, o, c, 1 / _tau(i, o, c, k)) for i, o in ((1000, 500), (4000, 500))]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None
    shape = Shape(2000, 500)
    rates = [model.gpu_s_per_request(shape, x) for x in (1, 2, 8, 32, 64)]
    assert all(later <= earlier * (1 + 1e-12) for earlier, later in itertools.pairwise(rates))
    assert model.req_per_s(Shape(1000, 500), c) == pytest.approx(levels[0].req_per_s, rel=1e-6)
