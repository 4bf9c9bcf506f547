"""TTFT's growth with load where one input length was measured (`tco.capacity.ttft_fit.one_input_split`): for a lean
engine half of it is a wait per request in flight that does not grow with the input, half grows with it; other
engines keep it all per token. At the measured input the prediction is the levels' own either way."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.schema import Level, Profile, ProfileMeta
from tco.capacity.fitting import FitHints, fit_profile
from tco.capacity.prefill_efficiency import LEAN_WAIT_SHARE, one_input_wait_share
from tco.capacity.roofline import fit_hints

T0, SLOPE, WAIT = 0.1, 1e-5, 1e-6
"""TTFT p50 = T0 + SLOPE·I + WAIT·I·c, seconds: the levels are made exactly on it, at I = 1,000."""


def _profile(engine: str) -> Profile:
    levels = tuple(
        Level(input_tokens=1000, output_tokens=500, requests_completed=100, requests_failed=0, req_per_s=0.2 * c,
              concurrency=c, ttft_s={"p50": T0 + SLOPE * 1000 + WAIT * 1000 * c})
        for c in (1.0, 4.0, 16.0)
    )  # fmt: skip
    meta = ProfileMeta(model="m", engine=engine, gpu="B300", gpu_count=8, source="measured")
    return Profile(profile_version=1, meta=meta, levels=levels)


def _ttft_terms(share: float) -> tuple[float, float, float, float, float]:
    model = fit_profile(_profile("sglang"), FitHints(prefill_s_per_token=SLOPE, one_input_wait_share=share))
    assert model is not None and model.ttft_coefficients is not None
    return (*model.ttft_coefficients, model.ttft_load_s)


def test_half_the_wait_is_per_request_for_a_lean_engine():
    """By hand at c = 16: at 1,000 input 0.1 + 0.01 + 16 × 1e-6 × 1,000 = 0.126 s whatever the split; at 8,000 all
    per token says 0.1 + 0.08 + 16 × 1e-6 × 8,000 = 0.308 s, half per request 0.1 + 0.08 + 16 × (0.5e-6 × 1,000 +
    0.5e-6 × 8,000) = 0.252 s."""
    for share, at_8000 in ((0.0, 0.308), (0.5, 0.252)):
        t0, t1, t2, t3, s = _ttft_terms(share)
        assert (t0, t1, t3) == pytest.approx((T0, SLOPE, 0.0), abs=1e-9)
        assert t0 + s * 16 + 1000 * (t1 + t2 * 16) == pytest.approx(0.126, rel=1e-6)
        assert t0 + s * 16 + 8000 * (t1 + t2 * 16) == pytest.approx(at_8000, rel=1e-6)


def test_the_engine_sets_the_share():
    assert LEAN_WAIT_SHARE == 0.5
    assert [one_input_wait_share(e) for e in ("sglang", "TensorRT-LLM", "atom", "vllm", None)] == [0.5] * 3 + [0.0] * 2
    assert fit_hints(None, None, 8, None, 2000.0, "sglang").one_input_wait_share == 0.5
    assert fit_hints(None, None, 8, None, 2000.0, "vllm").one_input_wait_share == 0.0


@settings(max_examples=60, deadline=None)
@given(share=st.floats(0.0, 1.0), c=st.floats(1.0, 64.0), longer=st.floats(1.0, 32.0))
def test_the_split_keeps_the_measured_input_and_never_waits_longer_at_a_longer_one(share, c, longer):
    """At the measured input the TTFT is the same for every share; at a longer input a larger share never waits
    longer (less of the wait grows with the input)."""
    t0, t1, t2, t3, s = _ttft_terms(share)
    b0, b1, b2, b3, bs = _ttft_terms(0.0)

    def ttft(terms, i):
        u0, u1, u2, u3, us = terms
        return u0 + us * c + i * (u1 + u2 * c + u3 * c * c)

    assert ttft((t0, t1, t2, t3, s), 1000) == pytest.approx(ttft((b0, b1, b2, b3, bs), 1000), rel=1e-9)
    assert ttft((t0, t1, t2, t3, s), 1000 * longer) <= ttft((b0, b1, b2, b3, bs), 1000 * longer) * (1 + 1e-9)
