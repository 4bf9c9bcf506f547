"""The prefill slope a profile with one input length cannot give: the engine's measured prefill efficiency
(`tco.capacity.prefill_efficiency`), and the fit uses it for throughput as well as TTFT when the profile's shapes
share one input length (InferenceX's 1k/1k + 1k/8k, asked about 8k/1k)."""

from __future__ import annotations

import pytest

from models import load_catalog
from pricing import load_gpu_sheet
from profiling.schema import Level, Profile, ProfileMeta
from tco.capacity.fitting import FitHints, fit_profile
from tco.capacity.prefill_efficiency import AMD_LEAN, NVIDIA_LEAN
from tco.capacity.roofline import fit_hints
from tco.capacity.roofline_calibrations import SERVING


def test_sglang_and_tensorrt_llm_prefill_at_their_measured_efficiency_vllm_at_servings():
    """DeepSeek-R1 (37B active) on 8 × H200 at fp8 (1,979 TFLOP/s a GPU): π = 2 × 37e9 / (8 × 1.979e15 × η_c)."""
    card = load_catalog().find("deepseek-r1-0528")
    sheet = load_gpu_sheet()
    h200, mi300x = sheet.get("H200", "test", "gpu"), sheet.get("MI300X", "test", "gpu")
    assert card is not None and card.active_params_b == 37
    for engine, efficiency in (("sglang", NVIDIA_LEAN), ("trt", NVIDIA_LEAN), ("vllm", SERVING.compute),
                               (None, SERVING.compute)):  # fmt: skip
        hints = fit_hints(card, h200, 8, "fp8", 2000, engine)
        assert hints.prefill_s_per_token == pytest.approx(2 * 37e9 / (8 * 1.979e15 * efficiency)), engine
    amd = fit_hints(card, mi300x, 8, "fp8", 2000, "sglang")
    assert amd.prefill_s_per_token == pytest.approx(2 * 37e9 / (8 * mi300x.fp8_tflop_s * 1e12 * AMD_LEAN))


def _level(i: float, o: float, c: float, x: float, ttft: float) -> Level:
    return Level(input_tokens=i, output_tokens=o, requests_completed=100, requests_failed=0, req_per_s=x,
                 concurrency=c, ttft_s={"p50": ttft})  # fmt: skip


def test_two_shapes_of_one_input_length_take_the_hinted_prefill_slope():
    """1,000 in with 200 and 2,000 out at c = 4 and 16: the inputs do not vary, so π is the hint (5e-5 s a token,
    below every level's TTFT per token), not π = b."""
    levels = [_level(1000, o, c, x, ttft) for o, c, x, ttft in
              ((200, 4, 2.0, 0.10), (200, 16, 5.0, 0.14), (2000, 4, 0.25, 0.10), (2000, 16, 0.7, 0.15))]  # fmt: skip
    meta = ProfileMeta(model="m", engine="sglang", gpu="H200", gpu_count=8, source="measured")
    model = fit_profile(Profile(profile_version=1, meta=meta, levels=tuple(levels)), FitHints(5e-5))
    assert model is not None and model.coefficients[0] == pytest.approx(5e-5)
