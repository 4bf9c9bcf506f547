"""Issue 23: the roofline's closed loop (tco.capacity.closed_loop). Its median inter-token gap is the plain decode step
(prefill chunks ride in memory-bound decode steps and lengthen only the tail), its mean gap is stretched by prefill's
share of GPU time for Little's law, so an ITL bound without a profile is judged on the step."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.schema import Level, Percentiles, Profile, ProfileMeta
from tco.capacity.calibration import fit_itl_tails, fit_ttft_tail_waves, fit_wave_share
from tco.capacity.closed_loop import closed_loop_p50, ttft_parts
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import estimated_model
from tco.capacity.roofline_calibrations import (
    ESTIMATE_PERCENTILE_RATIOS,
    LEAN_CALIBRATIONS,
    LEAN_NVIDIA,
    SERVING,
    serving_calibration,
)
from tco.capacity.shapes import Shape
from tco.capacity.slo_search import best_under_slo
from tco.records.inputs import ReferenceProfile
from tco.records.scenario import Slo

ROOF = PerfModel(
    (1e-4, 1e-4, 0.0, 0.02), percentile_ratios=ESTIMATE_PERCENTILE_RATIOS, max_concurrency=64.0, physical_latency=True
)


def test_the_median_gap_is_the_plain_step_and_the_mean_gap_carries_prefill():
    # π = b = 0.1 ms, a = 20 ms, 1,000 in / 100 out, c = 10: step 20 + 10 × 0.1 = 21 ms;
    # τ = 0.1 + 0.01 + 0.02 × 100 / 10 = 0.31 s, prefill share 0.1 / 0.31, mean gap 21 ms / (1 − 0.1 / 0.31)
    p = closed_loop_p50(ROOF, Shape(1000, 100), 10)
    assert p["itl_s"] == pytest.approx(0.021)
    assert p["itl_mean_s"] == pytest.approx(0.021 / (1 - 0.1 / 0.31))
    assert p["ttft_s"] == pytest.approx(max(0.02 + 0.1, 3.1 - 99 * p["itl_mean_s"]))  # prefill, no queue: 0.12 s
    assert p["e2e_s"] == pytest.approx(0.12 + 99 * p["itl_mean_s"])  # 3.189 s ≥ c·τ = 3.1 s
    # the tail is the median times the stated ratio (ITL p99 1.5)
    assert ROOF.latency(Shape(1000, 100), 10, "itl_s", "p50") == pytest.approx(0.021)
    assert ROOF.latency(Shape(1000, 100), 10, "itl_s", "p99") == pytest.approx(0.0315)


def test_an_itl_bound_without_a_profile_allows_the_concurrency_whose_step_meets_it():
    # bound 20 ms + 32 × 0.1 ms = 23.2 ms: the step meets it up to c = 32, where τ = 0.1 + 0.01 + 2 / 32 = 0.1725 s
    found = best_under_slo(ROOF, Shape(1000, 100), Slo(itl_p50_s=0.0232), ROOF.max_concurrency)
    assert found is not None
    x, c, _ = found
    assert c == pytest.approx(32, rel=0.03) and c <= 32
    assert x == pytest.approx(1 / 0.1725, rel=0.02)


@settings(max_examples=200, deadline=None)
@given(
    coefficients=st.tuples(st.floats(1e-6, 1e-3), st.floats(1e-6, 1e-3), st.floats(0.0, 1e-6), st.floats(1e-3, 0.05)),
    input_tokens=st.floats(1, 32_000),
    output_tokens=st.floats(2, 4_000),
    c=st.floats(1, 256),
    more=st.floats(1.0, 4.0),
)
def test_the_median_gap_never_exceeds_the_mean_and_never_falls_with_load_or_prompt(
    coefficients, input_tokens, output_tokens, c, more
):
    model = PerfModel(coefficients, max_concurrency=1024.0, physical_latency=True)
    shape = Shape(input_tokens, output_tokens)
    p = closed_loop_p50(model, shape, c)
    assert p["itl_s"] <= p["itl_mean_s"] * (1 + 1e-12)
    assert p["e2e_s"] >= p["ttft_s"] + (output_tokens - 1) * p["itl_s"] * (1 - 1e-12)
    assert closed_loop_p50(model, shape, c * more)["itl_s"] >= p["itl_s"] * (1 - 1e-12)
    longer = Shape(input_tokens * more, output_tokens)
    assert closed_loop_p50(model, longer, c)["itl_s"] >= p["itl_s"] * (1 - 1e-12)


def test_a_new_request_waits_behind_a_share_of_its_wave_s_prefills():
    """w = 0.5 (`ttft_wave_share`): at c = 10 a request waits for a step, its own prefill and half of the other 9:
    0.02 + 0.1 × (1 + 0.5 × 9) = 0.57 s, where w = 0 gives 0.12 s; the queue term (3.1 − 99 × mean gap) stays below."""
    waves = dataclasses.replace(ROOF, ttft_wave_share=0.5)
    assert closed_loop_p50(waves, Shape(1000, 100), 10)["ttft_s"] == pytest.approx(0.02 + 0.1 * (1 + 0.5 * 9))
    parts = ttft_parts(ROOF, Shape(1000, 100), 10)
    assert (parts.own_s, parts.wave_s) == (pytest.approx(0.12), pytest.approx(0.9))
    assert parts.ttft_s(0.0) == pytest.approx(0.12) and parts.ttft_s(0.5) == pytest.approx(0.57)
    # ITL and the request's GPU time are the same: the wave delays the first token, not the decode
    assert closed_loop_p50(waves, Shape(1000, 100), 10)["itl_s"] == closed_loop_p50(ROOF, Shape(1000, 100), 10)["itl_s"]


@settings(max_examples=200, deadline=None)
@given(w1=st.floats(0.0, 1.5), w2=st.floats(0.0, 1.5), c=st.floats(1, 64), tokens=st.floats(10, 30000))
def test_a_larger_wave_share_never_shortens_ttft_nor_lengthens_it_at_one_request(w1, w2, c, tokens):
    low, high = sorted((w1, w2))
    shape = Shape(tokens, 200)
    slow = closed_loop_p50(dataclasses.replace(ROOF, ttft_wave_share=high), shape, c)["ttft_s"]
    fast = closed_loop_p50(dataclasses.replace(ROOF, ttft_wave_share=low), shape, c)["ttft_s"]
    assert slow >= fast * (1 - 1e-12)
    alone = [closed_loop_p50(dataclasses.replace(ROOF, ttft_wave_share=w), shape, 1)["ttft_s"] for w in (low, high)]
    assert alone[0] == pytest.approx(alone[1])  # a wave of one: nobody to wait behind


def test_the_wave_share_fit_recovers_the_share_its_levels_were_made_with(catalogues):
    """Levels of DeepSeek-R1 on 8 × H200 whose TTFT p50 the lean roofline computed at w = 0.35 (and whose req/s and
    E2E it computed too, so Little's law holds): `fit_wave_share` finds 0.35 on its 0.05 grid, and the lean
    calibrations' constants say what their sweeps fitted."""
    card, gpu = catalogues.models.find("deepseek-r1-0528"), catalogues.gpus.get("H200", "test", "gpu")
    truth = dataclasses.replace(LEAN_NVIDIA, ttft_wave_share=0.35)
    levels = []
    for tokens, c in ((1000, 4), (1000, 16), (8000, 8), (8000, 32)):
        shape = Shape(tokens, 1000)
        model = estimated_model(card, gpu, 8, "fp8", shape, truth)
        p = closed_loop_p50(model, shape, c)
        levels.append(Level(input_tokens=tokens, output_tokens=1000, requests_completed=100, requests_failed=0,
                            req_per_s=model.req_per_s(shape, c), concurrency=c,
                            ttft_s=Percentiles(p50=p["ttft_s"]), e2e_s=Percentiles(p50=p["e2e_s"])))  # fmt: skip
    meta = ProfileMeta(model="deepseek-r1-0528", engine="sglang", gpu="H200", gpu_count=8, source="published",
                       precision="fp8")  # fmt: skip
    ref = ReferenceProfile("synthetic", Profile(profile_version=1, meta=meta, levels=tuple(levels)), card, gpu)
    assert fit_wave_share([ref], LEAN_NVIDIA) == pytest.approx(0.35)
    waves = {name: cal.ttft_wave_share for name, cal in LEAN_CALIBRATIONS.items()}
    assert SERVING.ttft_wave_share == 0.0 and waves == {"LEAN_NVIDIA": 0.65, "LEAN_CDNA3": 0.05, "LEAN_CDNA4": 0.1}


def test_itl_tails_are_each_calibration_s_own(catalogues):
    """`fit_itl_tails`: each configuration's median ITL p99 / p50 over its levels at or below the calibration's loads,
    then the median over configurations (a 3-level sweep does not outvote a 1-level one): levels of 1.02, 1.10 and
    1.30 (and one at c = 128, beyond 64, left out) and a sweep of one level at 1.05 give (1.10 + 1.05) / 2 = 1.075,
    1.08 rounded. The roofline then states ITL p99 at its p50 times that ratio, and the constants hold what their
    sweeps fitted (bench/capacity.py prints both)."""
    card, gpu = catalogues.models.find("deepseek-r1-0528"), catalogues.gpus.get("H200", "test", "gpu")

    def sweep(name: str, ratios: list[tuple[float, float]]) -> ReferenceProfile:
        levels = tuple(
            Level(input_tokens=1000, output_tokens=1000, requests_completed=100, requests_failed=0, req_per_s=c / 20,
                  concurrency=c, e2e_s=Percentiles(p50=20.0), itl_s=Percentiles(p50=0.02, p99=0.02 * r))
            for c, r in ratios
        )  # fmt: skip
        meta = ProfileMeta(model="deepseek-r1-0528", engine="sglang", gpu="H200", gpu_count=8, source="published")
        return ReferenceProfile(name, Profile(profile_version=1, meta=meta, levels=levels), card, gpu)

    refs = [sweep("a", [(4, 1.02), (16, 1.10), (32, 1.30), (128, 9.0)]), sweep("b", [(8, 1.05)])]
    assert fit_itl_tails(refs, 64.0) == (("p99", 1.08),)
    lean = dataclasses.replace(LEAN_NVIDIA, itl_tail_ratios=(("p99", 1.08),))
    shape = Shape(1000, 1000)
    model = estimated_model(card, gpu, 8, "fp8", shape, lean)
    p50, p99 = (model.latency(shape, 16, "itl_s", p) for p in ("p50", "p99"))
    assert p99 == pytest.approx(1.08 * p50, rel=1e-12)
    tails = {name: dict(cal.itl_tail_ratios) for name, cal in LEAN_CALIBRATIONS.items()}
    assert tails == {"LEAN_NVIDIA": {"p90": 1.02, "p99": 1.04}, "LEAN_CDNA3": {"p90": 1.1, "p99": 1.1},
                     "LEAN_CDNA4": {"p90": 1.02, "p99": 1.02}}  # fmt: skip
    assert dict(SERVING.itl_tail_ratios) == {"p99": 1.67}


def test_ttft_tails_wait_for_waves_of_their_own(catalogues):
    """Levels of DeepSeek-R1 on 8 × H200 whose TTFT p50 the lean roofline computed at w = 0.65 and whose p99 at
    w = 2.5 (the last of a wave waiting for more than its wave): `fit_ttft_tail_waves` gives back 2.5 for the p99
    and leaves out the p90 no level gives; a tail fitted below the median's wave is raised to it. The roofline then
    states TTFT p99 as the closed loop's TTFT at that share, own + 2.5 × wave (or the queue), growing with the load
    where p50 × one ratio would grow only as the p50 does; the constants hold what their sweeps fitted."""
    card, gpu = catalogues.models.find("deepseek-r1-0528"), catalogues.gpus.get("H200", "test", "gpu")
    truth = dataclasses.replace(LEAN_NVIDIA, ttft_tail_waves=())
    levels = []
    for tokens, c in ((1000, 4), (1000, 16), (8000, 8), (8000, 32)):
        shape = Shape(tokens, 1000)
        model = estimated_model(card, gpu, 8, "fp8", shape, truth)
        parts, p = ttft_parts(model, shape, c), closed_loop_p50(model, shape, c)
        levels.append(Level(input_tokens=tokens, output_tokens=1000, requests_completed=100, requests_failed=0,
                            req_per_s=model.req_per_s(shape, c), concurrency=c, e2e_s=Percentiles(p50=p["e2e_s"]),
                            ttft_s=Percentiles(p50=parts.ttft_s(0.65), p99=parts.ttft_s(2.5))))  # fmt: skip
    meta = ProfileMeta(model="deepseek-r1-0528", engine="sglang", gpu="H200", gpu_count=8, source="published",
                       precision="fp8")  # fmt: skip
    ref = ReferenceProfile("synthetic", Profile(profile_version=1, meta=meta, levels=tuple(levels)), card, gpu)
    assert fit_ttft_tail_waves([ref], truth) == (("p99", pytest.approx(2.5)),)
    assert fit_ttft_tail_waves([ref], dataclasses.replace(truth, ttft_wave_share=3.0)) == (("p99", 3.0),)
    lean = dataclasses.replace(truth, ttft_tail_waves=(("p99", 2.5),))
    shape = Shape(8000, 1000)
    model = estimated_model(card, gpu, 8, "fp8", shape, lean)
    parts = ttft_parts(model, shape, 32)
    assert model.latency(shape, 32, "ttft_s", "p99") == pytest.approx(
        max(parts.own_s + 2.5 * parts.wave_s, parts.queue_s), rel=1e-12
    )
    waves = {name: dict(cal.ttft_tail_waves) for name, cal in LEAN_CALIBRATIONS.items()}
    assert waves == {"LEAN_NVIDIA": {"p90": 1.5, "p99": 2.8}, "LEAN_CDNA3": {"p90": 0.65, "p99": 2.1},
                     "LEAN_CDNA4": {"p90": 0.35, "p99": 2.35}}  # fmt: skip
    assert SERVING.ttft_tail_waves == ()  # vLLM has no wave (README: its prefill is the throughput fit's)


@settings(max_examples=60, deadline=None)
@given(
    gpu_id=st.sampled_from(["H200", "B200", "MI300X", "MI355X"]),
    input_tokens=st.sampled_from([500, 8000, 32000]),
    output_tokens=st.sampled_from([2, 200, 1000]),
    concurrency=st.sampled_from([1, 8, 64]),
    percentile=st.sampled_from(["p50", "p90", "p99"]),
)
def test_an_estimated_e2e_is_never_below_its_ttft(catalogues, gpu_id, input_tokens, output_tokens, concurrency,
                                                  percentile):  # fmt: skip
    """Each request's E2E holds its TTFT, so every quantile of E2E is at least the same quantile of TTFT: the lean
    roofline's TTFT tails grow with their wave (`ttft_tail_waves`) while its E2E tail is the p50 times a ratio, and
    at 8,000 in / 200 out on 8 × MI355X at c = 64 said E2E p99 30.1 s under a TTFT p99 of 34.8 s."""
    card, gpu = catalogues.models.find("deepseek-r1-0528"), catalogues.gpus.get(gpu_id, "test", "gpu")
    shape = Shape(input_tokens, output_tokens)
    model = estimated_model(card, gpu, 8, "fp8", shape, serving_calibration("sglang", gpu_id))
    ttft, e2e = (model.latency(shape, concurrency, m, percentile) for m in ("ttft_s", "e2e_s"))
    assert e2e >= ttft > 0
