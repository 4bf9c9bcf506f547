"""E2E for a class of fixed length is at most TTFT + (O − 1) · ITL at a tail (`tco.capacity.e2e_cap`).

The distil example's Throughput page drew DeepSeek-R1's MLPerf profile (one level, outputs of 3,886 tokens on
average, E2E p99 / p50 ≈ 10 from the spread of its lengths) at the workload's 1,500 in / 300 out: E2E p99 61 s for
300 tokens at 11 ms a gap, and E2E p50 6.4 s where TTFT + 299 gaps at the ITL p99 make 3.6 s."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.schema import load_profile
from tco.capacity.fitting import fit_profile
from tco.capacity.roofline import fit_hints
from tco.capacity.shapes import Shape
from tests.conftest import ROOT

MLPERF = ROOT / "profiling" / "reference" / "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml"
SWEEP = ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml"


def _model(path, catalogues):
    profile = load_profile(path)
    card, gpu = catalogues.models.find(profile.meta.model), catalogues.gpus.get(profile.meta.gpu)
    return profile, fit_profile(profile, fit_hints(card, gpu, profile.meta.gpu_count, profile.meta.precision, 1800.0,
                                                   profile.meta.engine))  # fmt: skip


def test_a_profile_of_varying_lengths_lends_no_spread_to_a_fixed_length_class(catalogues):
    profile, model = _model(MLPERF, catalogues)
    level = profile.levels[0]
    assert level.e2e_s.p99 / level.e2e_s.p50 > 5  # the measured spread: lengths that vary
    shape = Shape(1500, 300)
    for c in (1.0, 16.0, 256.0):
        ttft, itl = model.latency(shape, c, "ttft_s", "p99"), model.latency(shape, c, "itl_s", "p99")
        e2e_p99 = model.latency(shape, c, "e2e_s", "p99")
        assert e2e_p99 <= ttft + 299 * itl + 1e-12  # the hand formula: TTFT p99 + (300 − 1) × ITL p99
        assert model.latency(shape, c, "e2e_s", "p50") <= e2e_p99
    at_one = model.latency(shape, 1.0, "e2e_s", "p99")
    assert at_one < 5.0  # was 61 s: the profile's p99 / p50 of ~10 times a p50 of 6.4 s


@settings(max_examples=60, deadline=None)
@given(
    input_tokens=st.floats(128, 32_768),
    output_tokens=st.floats(2, 8_192),
    concurrency=st.floats(1, 256),
    which=st.sampled_from([MLPERF, SWEEP]),
)
def test_e2e_percentiles_keep_their_order_and_stay_under_every_tail_cap(
    catalogues, input_tokens, output_tokens, concurrency, which
):
    _, model = _model(which, catalogues)
    shape = Shape(input_tokens, output_tokens)
    e2e = [model.latency(shape, concurrency, "e2e_s", p) for p in ("p50", "p90", "p99")]
    known = [v for v in e2e if v is not None]
    assert known == sorted(known)
    for p in ("p90", "p99"):
        ttft, itl = model.latency(shape, concurrency, "ttft_s", p), model.latency(shape, concurrency, "itl_s", p)
        if ttft is not None and itl is not None and e2e[0] is not None:
            cap = ttft + (output_tokens - 1) * itl
            assert e2e[0] <= max(cap, model.latency(shape, concurrency, "ttft_s", "p50")) * (1 + 1e-9)
