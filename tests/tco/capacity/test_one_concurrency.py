"""Where the levels cannot split the decode between tokens and steps, it takes the engine's calibrated roofline shape,
scaled to the levels by one factor (`tco.capacity.throughput_fit`): a sweep whose levels all ran at one concurrency
(instead of a req/s flat in concurrency), and two or three shapes at several (instead of prefill tied to decode)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import load_catalog
from pricing import load_gpu_sheet
from profiling.schema import Level, Profile, ProfileMeta
from tco.capacity.fitting import FitHints, fit_profile
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import fit_hints
from tco.capacity.roofline_calibrations import LEAN_NVIDIA
from tco.capacity.shapes import Shape
from tco.capacity.throughput_fit import Point
from tco.capacity.ttft_fit import one_load_split

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


def test_two_shapes_at_several_loads_take_the_roofline_shape_and_predict_a_long_output():
    """1k/1k and 8k/1k at c = 4, 16, 64 made with k = 1.7 and π = 2e-5 s: the fit recovers both (π from the input
    lengths, k from the decode), so 1k/8k at c = 16 comes out at 1/τ by hand. By hand:
    τ = 2e-5·1,000 + 3e-9·8,000·5,000 + 1.7·(8 + step(16)·500) = 0.02 + 0.12 + 1.7·(8 + 14.4914) = 38.3753 s.
    The rule before (π tied to b, a fitted free) fails here (checked)."""
    k = 1.7
    step_16 = 0.005 + 0.02 + 0.010 * (1 - (31 / 32) ** 16)
    assert _tau(1000, 8000, 16, k) == pytest.approx(0.02 + 0.12 + 1.7 * (8 + step_16 * 500), rel=1e-12)
    assert _tau(1000, 8000, 16, k) == pytest.approx(38.3753, abs=5e-4)
    levels = [_level(i, o, c, 1 / _tau(i, o, c, k)) for i, o in ((1000, 1000), (8000, 1000)) for c in (4, 16, 64)]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None
    assert model.coefficients == pytest.approx((PI, k * B_R, G, k * A_R), rel=1e-6)
    assert model.gpu_s_per_request(Shape(1000, 8000), 16) == pytest.approx(_tau(1000, 8000, 16, k), rel=1e-6)


def test_one_shape_at_several_loads_keeps_its_own_fit():
    """One shape, 2,000 in / 500 out at c = 2, 8, 32, made with b = 3 ms and a = 40 ms (no experts): its own
    (b, a) come back, not the roofline's shape: τ(c) = 2e-5·2,000 + 3e-9·500·2,250 + 0.003·500 + 0.04·500/c."""

    def tau(c: float) -> float:
        return PI * 2000 + G * 500 * 2250 + 0.003 * 500 + 0.04 * 500 / c

    levels = [_level(2000, 500, c, 1 / tau(c)) for c in (2, 8, 32)]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None and model.expert_step_s == 0.0
    assert model.coefficients[1:] == pytest.approx((0.003, G, 0.04), rel=1e-6)


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


@settings(max_examples=40, deadline=None)
@given(
    k=st.floats(min_value=0.2, max_value=5.0),
    pi=st.floats(min_value=1e-6, max_value=1e-4),
    shapes=st.lists(
        st.tuples(st.sampled_from([500, 1000, 4000, 8000]), st.sampled_from([200, 1000, 4000])),
        min_size=2,
        max_size=3,
        unique=True,
    ),
)
def test_few_shapes_at_several_loads_recover_the_decode_scale(k, pi, shapes):
    """Two or three shapes at c = 2, 16, 64 made in the roofline's shape with any k and π: the fit recovers k and π
    (one input length: π is the hardware's, as given), so any other shape at any load is 1/τ written out."""
    pi = pi if len({i for i, _ in shapes}) >= 2 else PI

    def tau(i: float, o: float, c: float) -> float:
        return pi * i + G * o * (i + o / 2) + k * (B_R * o + _step(c) * o / c)

    levels = [_level(i, o, c, 1 / tau(i, o, c)) for i, o in shapes for c in (2, 16, 64)]
    model = fit_profile(_profile(levels), FitHints(prefill_s_per_token=PI, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None
    assert model.coefficients[:2] == pytest.approx((pi, k * B_R), rel=1e-5)
    assert model.gpu_s_per_request(Shape(2000, 3000), 8) == pytest.approx(tau(2000, 3000, 8), rel=1e-5)


def _ttft_level(i: float, c: float, x: float, ttft: float, itl: float) -> Level:
    return Level(input_tokens=i, output_tokens=i, requests_completed=100, requests_failed=0, req_per_s=x,
                 concurrency=c, ttft_s={"p50": ttft}, itl_s={"p50": itl})  # fmt: skip


def test_ttft_at_one_concurrency_keeps_one_step_and_spreads_the_wave_over_load():
    """One level, 922/922 at c = 512 (TTFT 2.868 s, ITL 0.0543 s; DeepSeek-R1 on 8 × B300 with SGLang and MTP), wave
    share 0.65, prefill 1.58e-5 s a token. By hand: t0 = 2.868 − 1.58e-5 × 922 = 2.85343 s; the wave allows
    0.65 × 511 × 1.58e-5 × 922 = 4.839 s, so all but one step is queue: q = 2.85343 − 0.0543 = 2.79913 s, s = q / 512.
    At 7,373 in and c = 2: 0.0543 + 2s + 1.58e-5 × 7,373 = 0.1817 s (the record measured 0.333; the intercept alone
    said 2.97). At c = 512 the level itself is met."""
    hints = FitHints(prefill_s_per_token=1.58e-5, decode=dataclasses.replace(ROOFLINE, ttft_wave_share=0.65))
    model = fit_profile(_profile([_ttft_level(922, 512, 9.63, 2.868, 0.0543)]), hints)
    assert model is not None
    t0 = 2.868 - 1.58e-5 * 922
    s = (t0 - 0.0543) / 512
    assert t0 - 0.0543 < 0.65 * 511 * 1.58e-5 * 922  # the wave allows the whole queue
    assert model.ttft_load_s == pytest.approx(s, rel=1e-9)
    assert model.latency(Shape(7373, 922), 2, "ttft_s", "p50") == pytest.approx(0.0543 + 2 * s + 1.58e-5 * 7373)
    assert model.latency(Shape(7373, 922), 2, "ttft_s", "p50") == pytest.approx(0.1817, abs=1e-4)
    assert model.latency(Shape(922, 922), 512, "ttft_s", "p50") == pytest.approx(2.868, rel=1e-9)


def test_without_a_wave_the_one_concurrency_ttft_stays_an_intercept():
    """vLLM's calibration has no wave (w = 0): the wait stays in t0, so TTFT is the same at every load, as before."""
    hints = FitHints(prefill_s_per_token=1.58e-5, decode=ROOFLINE)
    model = fit_profile(_profile([_ttft_level(922, 512, 9.63, 2.868, 0.0543)]), hints)
    assert model is not None and model.ttft_load_s == 0.0
    at = [model.latency(Shape(922, 922), c, "ttft_s", "p50") for c in (2, 64, 512)]
    assert at == pytest.approx([2.868] * 3, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    t0=st.floats(min_value=0.0, max_value=10.0),
    itl=st.floats(min_value=1e-3, max_value=0.2),
    c0=st.floats(min_value=1.5, max_value=1024),
    w=st.floats(min_value=0.0, max_value=1.5),
    slope=st.floats(min_value=1e-7, max_value=1e-4),
)
def test_the_one_load_split_keeps_the_measured_ttft_and_never_queues_beyond_the_wave(t0, itl, c0, w, slope):
    """At the measured load TTFT is unchanged; the kept intercept is at least one step (or all of t0); the queue is
    never negative nor more than the wave allows; the wait never falls with load."""
    point = Point(Shape(922, 922), c0, 1.0, t0 + slope * 922, None, itl, 0)
    (kept, *_), s = one_load_split([point], (t0, slope, 0.0, 0.0), w)
    assert kept + s * c0 == pytest.approx(t0, rel=1e-9, abs=1e-12)
    assert kept >= min(t0, itl) - 1e-12 and s >= 0.0
    assert s * c0 <= w * (c0 - 1) * slope * 922 * (1 + 1e-9) + 1e-15


def test_a_ttft_slope_that_leaves_no_time_to_decode_gives_way_to_the_roofline_prefill():
    """MLPerf's gpt-oss-120b Server level (one Poisson rate, ~1,350 requests in flight by Little's law) came out at
    46.6 req/s with one request in flight: the TTFT slope times 5,011 input tokens took more than the level's whole
    time per request, so nothing was left for the decode and req/s was flat in concurrency. Where the slope and the
    context cost take more than PREFILL_SHARE_CAP (90 %) of a level's time, the roofline's π is scaled with its
    decode instead. By hand, 5,000 in / 1,000 out at c = 64 with k = 1.7 and π = k·π_r:
    step(64) = 0.025 + 0.01·(1 − (31/32)^64) = 0.025 + 0.01 × 0.868890 = 0.0336889 s;
    τ = 1.7·(0.1 + 1 + 0.0336889·1,000/64) + 3e-9·1,000·5,500 = 1.7 × 1.626389 + 0.0165 = 2.781361 s.
    A TTFT of 6 s at that load gives the slope min(1e-3, 6 / 5,000) = 1e-3 s a token: 5 s of prefill, more than
    0.9·τ."""
    k, i, o, c = 1.7, 5000.0, 1000.0, 64.0

    def tau(c: float) -> float:
        return k * (PI * i + B_R * o + _step(c) * o / c) + G * o * (i + o / 2)

    assert _step(64) == pytest.approx(0.025 + 0.01 * (1 - (31 / 32) ** 64), rel=1e-12)
    assert tau(64) == pytest.approx(2.781361, abs=1e-5)
    level = Level(input_tokens=i, output_tokens=o, requests_completed=100, requests_failed=0, req_per_s=1 / tau(64),
                  concurrency=c, ttft_s={"p50": 6.0})  # fmt: skip
    model = fit_profile(_profile([level]), FitHints(prefill_s_per_token=1e-3, context_s_per_token=G, decode=ROOFLINE))
    assert model is not None
    assert model.coefficients == pytest.approx((k * PI, k * B_R, G, k * A_R), rel=1e-9)
    assert model.gpu_s_per_request(Shape(i, o), 1) == pytest.approx(tau(1), rel=1e-9)
    one = model.req_per_s(Shape(i, o), 1)
    assert one < model.req_per_s(Shape(i, o), 8) < model.req_per_s(Shape(i, o), 64)  # no longer flat in load
    assert one * o * model.latency(Shape(i, o), 1, "itl_s", "p50") <= 1.0  # one request: its decode fits its time
