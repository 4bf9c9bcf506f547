"""A workload whose cached share differs from the profile's, at token lengths no level measured: only its prefill
changes (`PerfModel.measured_share`), so more cache never costs capacity.

A reviewer: on the flagship's GLM-5 sweep (measured with no cache) at 2,000/500 under TTFT p99 ≤ 2 s and ITL p99 ≤
0.05 s, X* was 1.174 req/s with no cache, 1.081 with half the prompt cached and 1.286 with 90 %; ITL p99 at
concurrency 16 rose from 0.0536 s to 0.0596 s with half cached. Half cached, 2,000 in was read as 1,000 uncached
tokens, whose nearest measured shape (1,024/128) corrected every metric toward its own levels, a decode step's too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profiling.schema import load_profile
from tco.capacity.fitting import fit_profile
from tco.capacity.shapes import Shape
from tco.capacity.slo_search import best_under_slo
from tco.records.scenario import Slo
from tests.conftest import ROOT

REFERENCE = ROOT / "profiling" / "reference"
GLM5 = REFERENCE / "glm-5-fp8-tp8-vllm-inferencex.yaml"
FLAGSHIP_SLO = Slo(ttft_p99_s=2.0, itl_p99_s=0.05)


def _x_star(model, shape: Shape, slo: Slo) -> float:
    found = best_under_slo(model, shape, slo, model.max_concurrency)
    return found[0] if found else 0.0


def test_half_the_prompt_cached_changes_only_the_prefill_of_the_measured_prediction():
    """At 2,000/500 half cached: τ falls by π × 1,000 tokens (π the fitted prefill seconds a token), so req/s is the
    no-cache prediction × τ_0 / (τ_0 − 1,000 π) (both corrected toward the same levels: the 500 output tokens lie
    beyond the sweep's 128, a loss against them, kept whole), E2E × the inverse, ITL unchanged; τ_0 written out
    from equation (1) with the fitted coefficients."""
    model = fit_profile(load_profile(GLM5))
    pi, b, g, _ = model.coefficients
    none, half = Shape(2000, 500), Shape(2000, 500, 0.5)
    for c in (1.0, 4.0, 16.0, 48.0):
        tau_0 = pi * 2000 + b * 500 + g * 500 * (2000 + 250) + model.step_s(c) * 500 / c
        ratio = tau_0 / (tau_0 - pi * 1000)
        assert model.req_per_s(half, c) == pytest.approx(model.req_per_s(none, c) * ratio, rel=1e-9)
        for pct in ("p50", "p90", "p99"):
            assert model.latency(half, c, "itl_s", pct) == model.latency(none, c, "itl_s", pct)
            assert model.latency(half, c, "ttft_s", pct) <= model.latency(none, c, "ttft_s", pct)
        e2e_none, e2e_half = model.latency(none, c, "e2e_s", "p50"), model.latency(half, c, "e2e_s", "p50")
        assert e2e_half == pytest.approx(max(e2e_none / ratio, model.latency(half, c, "ttft_s", "p50")), rel=1e-9)
    xs = [_x_star(model, Shape(2000, 500, share), FLAGSHIP_SLO) for share in (0.0, 0.5, 0.9)]
    assert xs == sorted(xs) and xs[1] > xs[0]  # was 1.174, 1.081, 1.286


SWEEPS = sorted(p for p in REFERENCE.glob("*.yaml") if "inferencex" in p.stem or "mlperf" in p.stem)
SLOS = (FLAGSHIP_SLO, Slo(ttft_p50_s=0.5), Slo(ttft_p99_s=1.0), Slo(itl_p50_s=0.03), Slo(e2e_p99_s=20.0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SWEEPS),
    st.floats(min_value=300, max_value=30_000),
    st.floats(min_value=50, max_value=2_000),
    st.sampled_from(SLOS),
    st.floats(min_value=0.0, max_value=0.45),
)
def test_more_of_the_prompt_cached_never_lowers_capacity_at_an_slo(path: Path, i, o, slo, share):
    """On every bundled interactive sweep, any shape, any SLO: X*, and req/s at each load, do not fall as the cached
    share rises (a cache removes prefill work and nothing else); ITL does not move."""
    model = fit_profile(load_profile(path))
    low, high = Shape(i, o, share), Shape(i, o, share + 0.5)
    assert _x_star(model, high, slo) >= _x_star(model, low, slo) * (1 - 1e-9)
    for c in (1.0, 8.0, 32.0):
        assert model.req_per_s(high, c) >= model.req_per_s(low, c) * (1 - 1e-9)
        assert model.latency(high, c, "itl_s", "p99") == model.latency(low, c, "itl_s", "p99")
