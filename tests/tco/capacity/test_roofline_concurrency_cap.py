"""Issue 23: the roofline's search for X* at an SLO stops at the highest concurrency its calibration sweeps measured.
Its TTFT has no engine overhead and its ITL no prefill interference, so past the loads it was checked at a latency
bound never binds: held out, MiniMax-M2.5 DEP8's X* ran to c ≈ 2,000 (18 req/s against a measured 2.3–4.0)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.catalog import ModelCard
from tco.capacity.at_slo import estimated_capacity
from tco.capacity.roofline import Hardware, physical_model
from tco.capacity.roofline_calibrations import OFFLINE, SERVING
from tco.capacity.shapes import Shape
from tco.records.scenario import RequestClass, Slo

CARD = ModelCard(id="dense-8b", name="8B", family="x", vendor="x", open_weights=True, license="x",
                 context_tokens=131072, as_of=dt.date(2025, 1, 1), quality=(), api=(), total_params_b=8,
                 active_params_b=8, layers=32, kv_heads=8, head_dim=128)  # fmt: skip
H200 = Hardware(1979e12, 4.8e12, 141)
SHAPE = Shape(1000, 1000)
CLS = RequestClass(name="chat", share=1.0, input_tokens=1000, output_tokens=1000)


def test_a_loose_slo_is_met_at_the_calibrated_concurrency_not_the_memory_limit():
    # 729 sequences fit in memory (roofline docstring); SERVING was checked up to c = 64
    model = physical_model(CARD, H200, 1, "fp8", SHAPE, 729, SERVING)
    assert model.max_concurrency == 64.0
    cap = estimated_capacity(model, Slo(ttft_p50_s=3600), CLS, False, "")
    assert cap.concurrency == pytest.approx(64.0)
    # τ(64) by hand: π·1,000 + b·1,000 + g·1,000·1,500 + (step overhead + a)·1,000 / 64
    pi, b, g, a = model.coefficients
    tau = pi * 1000 + b * 1000 + g * 1000 * 1500 + (SERVING.step_overhead_s + a) * 1000 / 64
    assert cap.req_per_s == pytest.approx(1 / tau)
    assert "up to concurrency 64" in model.error_basis


def test_offline_figures_and_a_smaller_memory_fit_keep_their_own_limit():
    assert physical_model(CARD, H200, 1, "fp8", SHAPE, 729, OFFLINE).max_concurrency == 729.0  # batch: no cap
    assert physical_model(CARD, H200, 1, "fp8", SHAPE, 20, SERVING).max_concurrency == 20.0  # memory binds first
    uncapped = dataclasses.replace(SERVING, max_concurrency=None)
    assert physical_model(CARD, H200, 1, "fp8", SHAPE, 729, uncapped).max_concurrency == 729.0
    assert not physical_model(CARD, H200, 1, "fp8", SHAPE, None, SERVING).interactive  # no memory fit: no latency


@settings(max_examples=60, deadline=None)
@given(
    limit=st.floats(2.0, 512.0),
    ttft_bound=st.floats(0.01, 100.0),
    input_tokens=st.floats(100, 20_000),
    output_tokens=st.floats(10, 2_000),
)
def test_a_cap_never_raises_x_star_and_the_answer_never_passes_it(limit, ttft_bound, input_tokens, output_tokens):
    cls = RequestClass(name="c", share=1.0, input_tokens=input_tokens, output_tokens=output_tokens)
    shape = Shape(input_tokens, output_tokens)
    slo = Slo(ttft_p50_s=ttft_bound)
    capped = physical_model(CARD, H200, 1, "fp8", shape, 729, dataclasses.replace(SERVING, max_concurrency=limit))
    free = physical_model(CARD, H200, 1, "fp8", shape, 729, dataclasses.replace(SERVING, max_concurrency=None))
    if capped is None or free is None:
        return
    with_cap = estimated_capacity(capped, slo, cls, False, "")
    without = estimated_capacity(free, slo, cls, False, "")
    if with_cap.req_per_s is None:
        return
    assert with_cap.concurrency <= min(limit, 729) * (1 + 1e-9)
    # up to the search grid: 200 geometric steps to 729 are 729^(1/199) = 1.034 apart, and X grows slower than c
    assert without.req_per_s is not None and with_cap.req_per_s <= without.req_per_s * 729 ** (1 / 199)
