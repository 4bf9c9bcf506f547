"""The context cost g where a profile's shapes cannot give it: KV bytes per cached token over the calibrated
bandwidth (`tco.capacity.roofline.fit_hints`), so a profile measured at 1k context is asked about 8k by physics,
not by a tie to b (`tco.capacity.fitting`)."""

from __future__ import annotations

import numpy as np
import pytest

from models import load_catalog
from pricing import load_gpu_sheet
from profiling.schema import Level, Profile, ProfileMeta
from tco.capacity.fitting import FitHints, fit_profile
from tco.capacity.roofline import fit_hints
from tco.capacity.roofline_calibrations import SERVING
from tco.capacity.shapes import Shape
from tco.capacity.throughput_fit import DECODE_CONTEXT_TOKENS


def test_the_card_s_kv_bytes_set_g():
    """DeepSeek-R1's MLA cache: 61 layers × (512 + 64) values × 2 bytes = 70,272 bytes a token; 8 × H200 at
    4.8 TB/s and SERVING's η_m: g = 70,272 / (8 × 4.8e12 × η_m)."""
    card = load_catalog().find("deepseek-r1-0528")
    h200 = load_gpu_sheet().get("H200", "test", "gpu")
    hints = fit_hints(card, h200, 8, "fp8", 4000, "sglang")
    assert hints.context_s_per_token == pytest.approx(61 * 576 * 2 / (8 * 4.8e12 * SERVING.memory))
    assert fit_hints(None, h200, 8, "fp8", 4000).context_s_per_token is None


def _level(i: float, o: float, c: float, x: float) -> Level:
    return Level(input_tokens=i, output_tokens=o, requests_completed=100, requests_failed=0, req_per_s=x,
                 concurrency=c, ttft_s={"p50": 0.2})  # fmt: skip


def test_one_shape_fit_keeps_g_and_fits_b_and_a_on_the_rest():
    """One shape, 1,000 in / 1,000 out (L = 1,500) at c = 4 and 16, with π = 2e-5 and g = 3e-9 given. The levels
    were made from b = 1e-4 and a = 0.02: τ(c) = 2e-5·1,000 + 1e-4·1,000 + 3e-9·1,000·1,500 + 0.02·1,000/c, so
    the fit must return b and a exactly and g as given, and at 8,000 in the context term is 3e-9·1,000·8,500."""
    pi, b, g, a = 2e-5, 1e-4, 3e-9, 0.02

    def tau(i: float, o: float, c: float) -> float:
        return pi * i + b * o + g * o * (i + o / 2) + a * o / c

    levels = [_level(1000, 1000, c, 1 / tau(1000, 1000, c)) for c in (4, 8, 16)]
    meta = ProfileMeta(model="m", engine="sglang", gpu="H200", gpu_count=8, source="measured")
    profile = Profile(profile_version=1, meta=meta, levels=tuple(levels))
    model = fit_profile(profile, FitHints(pi, context_s_per_token=g))
    assert model is not None
    assert np.allclose(model.coefficients, (pi, b, g, a), rtol=1e-6)
    assert model.gpu_s_per_request(Shape(8000, 1000), 16) == pytest.approx(tau(8000, 1000, 16), rel=1e-6)
    # without the card's g, the tie g = b'/950 with b'·(1 + 1,500/950) = b + g·1,500: 4.27e-8, 14× the KV reads
    tied = fit_profile(profile, FitHints(pi))
    expected = (b + g * 1500) / (1 + 1500 / DECODE_CONTEXT_TOKENS) / DECODE_CONTEXT_TOKENS
    assert tied is not None and tied.coefficients[2] == pytest.approx(expected, rel=1e-6)
    assert round(expected / g) == 14
