"""A p90 bound on a profile that reports p50 and p99 only (issue 23, item 1): the level's p90 is read between its
own p50 and p99 (log-normal), said in a note — never "no level meets the SLO" for want of a column."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datafiles import parse_as
from profiling.schema import Level, Percentiles, Profile, ProfileMeta
from tco.capacity.at_slo import capacity_at_slo, level_checks
from tco.capacity.fitting import fit_profile
from tco.capacity.latency_surface import smooth_latency
from tco.capacity.percentiles import latency_at
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape
from tco.records.scenario import RequestClass, Slo
from tests.conftest import level, simple_profile

Z90, Z99 = 1.2815515655446004, 2.3263478740408408


def p90_between(p50: float, p99: float) -> float:
    """The same rule written out: ln p90 = ln p50 + (z90 / z99) (ln p99 − ln p50)."""
    return math.exp(math.log(p50) + Z90 / Z99 * (math.log(p99) - math.log(p50)))


PROFILE = parse_as(
    Profile,
    simple_profile(
        [
            level(1.0, 1.0, 0.04, concurrency=4),
            level(2.0, 3.0, 0.06, concurrency=8),
            level(3.0, 8.0, 0.09, concurrency=16),
        ]
    ),
    "p.yaml",
)  # ttft p50 / p99: 0.5 / 1.0, 1.5 / 3.0, 4.0 / 8.0 (conftest.level halves p99 for p50)
CLS = RequestClass(name="chat", share=1, input_tokens=2000, output_tokens=500)


def test_a_p90_bound_is_met_by_a_level_whose_p90_lies_between_its_p50_and_p99():
    derived = p90_between(1.5, 3.0)  # level 2: 1.5 × 2^(1.2816 / 2.3263) = 1.5 × 1.46498 = 2.1975 s
    assert derived == pytest.approx(2.1975, abs=1e-4)
    slo = Slo(ttft_p90_s=2.5)
    cap = capacity_at_slo(PROFILE, slo, CLS)
    assert cap.method == "measured" and cap.req_per_s == 2.0  # level 2 passes at 2.20 s; level 3 (5.86 s) does not
    assert ("ttft_s", "p90", pytest.approx(derived)) in cap.latencies
    assert any("TTFT p90 derived from p50 and p99" in n for n in cap.notes)
    assert level_checks(PROFILE, Slo(ttft_p90_s=2.0))[1].reasons == (f"TTFT p90 {derived:.3g} s > 2 s",)


def test_a_measured_p90_is_used_as_it_is():
    own = Level(input_tokens=2000, output_tokens=500, requests_completed=1, requests_failed=0, req_per_s=1.0,
                ttft_s=Percentiles(p50=1.0, p90=1.1, p99=9.0))  # fmt: skip
    assert latency_at(own, "ttft_s", "p90") == (1.1, False)


def test_a_tail_is_never_extrapolated():
    only_low = Level(input_tokens=2000, output_tokens=500, requests_completed=1, requests_failed=0, req_per_s=1.0,
                     ttft_s=Percentiles(p50=1.0, p90=2.0))  # fmt: skip
    assert latency_at(only_low, "ttft_s", "p99") == (None, False)
    cap = capacity_at_slo(PROFILE, Slo(itl_p90_s=0.05), CLS)
    assert cap.req_per_s is not None  # itl p90 of level 1: between 0.02 and 0.04


def test_the_modelled_p90_growth_comes_from_the_derived_levels():
    """Every level's p99 is 2 × its p50, so its p90 / p50 = 2^(z90/z99); the tail is p50 × (1 + c)^k with k the
    least squares through the origin of ln(p90 / p50) on ln(1 + c) over c = 4, 8, 16."""
    model = fit_profile(PROFILE)
    assert model is not None
    exponents = {(m, p): k for m, p, k in model.tail_exponents}
    rho = math.log(p90_between(1.0, 2.0))  # the same at every level
    x = [math.log(5), math.log(9), math.log(17)]
    expected = sum(rho * v for v in x) / sum(v * v for v in x)
    assert exponents[("ttft_s", "p90")] == pytest.approx(expected)
    assert model.percentile_ratios == ()


def test_a_tail_measured_at_one_load_shrinks_toward_the_median_at_lower_loads():
    """Issue 23, item 1: a tail fitted on one level at c = 128 (p99 = 29.6 × p50) is not carried whole to c = 4:
    (1 + c)^k with k = ln 29.6 / ln 129 gives 5^k = 3.07 there (InferenceX's DeepSeek-R1 with ATOM on 4 × MI355X
    measured 1.05 s / 0.339 s = 3.1 at 7,373 in, c = 4)."""
    model = PerfModel(
        coefficients=(1e-4, 2e-3, 0.0, 0.02),
        ttft_coefficients=(0.2, 0.0, 0.0, 0.0),
        tail_exponents=(("ttft_s", "p99", math.log(29.6) / math.log(129)),),
        max_concurrency=128,
        shapes=(Shape(1000, 200),),
    )
    shape = Shape(1000, 200)
    assert model.latency(shape, 128, "ttft_s", "p99") == pytest.approx(0.2 * 29.6)
    assert model.latency(shape, 4, "ttft_s", "p99") == pytest.approx(0.2 * 5 ** (math.log(29.6) / math.log(129)))
    assert round(5 ** (math.log(29.6) / math.log(129)), 2) == 3.07


@settings(max_examples=50, deadline=None)
@given(k=st.floats(0.0, 2.0), low=st.floats(1.0, 64.0), factor=st.floats(1.0, 16.0))
def test_a_modelled_tail_never_shrinks_with_load_nor_falls_below_its_median(k, low, factor):
    model = PerfModel(
        coefficients=(1e-4, 2e-3, 0.0, 0.02),
        ttft_coefficients=(0.2, 0.0, 0.0, 0.0),
        tail_exponents=(("ttft_s", "p99", k),),
        max_concurrency=1024,
        shapes=(Shape(1000, 200),),
    )
    shape = Shape(1000, 200)
    at_low, at_high = (model.latency(shape, c, "ttft_s", "p99") for c in (low, low * factor))
    assert 0.2 <= at_low <= at_high * (1 + 1e-12)


@settings(max_examples=50, deadline=None)
@given(p50=st.floats(1e-3, 100.0), spread=st.floats(1.0, 50.0))
def test_the_derived_p90_lies_between_p50_and_p99(p50, spread):
    one = Level(input_tokens=2000, output_tokens=500, requests_completed=1, requests_failed=0, req_per_s=1.0,
                ttft_s=Percentiles(p50=p50, p99=p50 * spread))  # fmt: skip
    value, derived = latency_at(one, "ttft_s", "p90")
    assert derived and p50 * (1 - 1e-12) <= value <= p50 * spread * (1 + 1e-12)
    assert value == pytest.approx(p90_between(p50, p50 * spread))


def test_no_predicted_knee_right_of_a_measured_level_that_fails():
    """Issue 23: a workload of the measured token lengths but more prefix cache is modelled, yet a measured level
    that misses the ITL bound (prefix caching shortens prefill, not decode) caps the concurrency searched."""
    from tco.capacity.at_slo import workload_shape
    from tco.capacity.slo_search import best_under_slo

    measured = parse_as(
        Profile,
        simple_profile(
            [
                level(1.0, 0.8, 0.03, concurrency=4),
                level(1.8, 1.0, 0.04, concurrency=8),
                level(2.6, 1.6, 0.07, concurrency=16),  # misses ITL p99 ≤ 0.05 s
                level(3.0, 3.0, 0.12, concurrency=32),
            ]
        ),
        "mine.yaml",
    )
    cached = RequestClass(name="chat", share=1, input_tokens=2000, output_tokens=500, cached_input_share=0.5)
    slo = Slo(itl_p99_s=0.05, ttft_p99_s=2.0)
    model = fit_profile(measured)
    assert model is not None
    unguarded = best_under_slo(model, workload_shape(cached, True), slo, model.max_concurrency)
    assert unguarded is not None and unguarded[1] > 8  # the fitted model alone puts the knee past the passing c = 8
    cap = capacity_at_slo(measured, slo, cached)
    assert cap.method == "modelled" and cap.concurrency is not None and cap.concurrency < 16
    assert cap.req_per_s is not None and cap.concurrency == 8  # the c = 8 level, adjusted for the cache
    # the adjustment is the level's own throughput × its prefill saving, never above what caching can remove
    measured_shape, workload = Shape(2000, 500, 0.0), workload_shape(cached, True)
    saving = model.gpu_s_per_request(measured_shape, 8) / model.gpu_s_per_request(workload, 8)
    assert cap.req_per_s == pytest.approx(1.8 * saving) and 1.0 <= saving < 1 / (1 - 0.5)
    assert any("measured at 0% cached: 1.8 req/s (level 2)" in n and "adjusted for 50% cached" in n for n in cap.notes)
    # a TTFT bound every measured level misses can pass with more cache: its prefill is shorter
    ttft_only = capacity_at_slo(measured, Slo(ttft_p99_s=0.7), cached)
    assert any("measured at 0% cached: no level meets the SLO" in n for n in ttft_only.notes)
    assert ttft_only.req_per_s is not None and ttft_only.req_per_s >= 1.0  # at least the c = 4 level, adjusted


def test_ttft_tail_grows_with_the_first_wave_not_by_a_constant_ratio():
    """Levels at 1,000 and 4,000 input (100 out) whose TTFT p99 is 0.05 + c·I_u·2e-5 (the last of c requests released
    together waits for the others' prefills) and p50 0.05 + I_u·1e-5: the tail is fitted in the p50's form, so at
    2,000 input and c = 24, a load between the measured ones, p99 = 0.05 + 24 × 2,000 × 2e-5 = 1.01 s, where the p50
    times one ratio (the ratios run from 2.17 to 29 across the levels) cannot say it."""

    def lv(i: float, c: float) -> Level:
        p50, p99 = 0.05 + i * 1e-5, 0.05 + c * i * 2e-5
        return Level(input_tokens=i, output_tokens=100, requests_completed=100, requests_failed=0, req_per_s=c / 5,
                     concurrency=c, ttft_s=Percentiles(p50=p50, p99=p99))  # fmt: skip

    levels = tuple(lv(i, c) for i in (1000, 4000) for c in (4, 16, 32))
    meta = ProfileMeta(model="m", engine="vllm", gpu="H100", gpu_count=1, source="measured")
    profile = Profile(profile_version=1, meta=meta, levels=levels)
    model = fit_profile(profile)
    assert model is not None
    fitted = dict(model.ttft_tail_coefficients)["p99"]
    assert fitted[0] == pytest.approx(0.05, rel=1e-4) and fitted[2] == pytest.approx(2e-5, rel=1e-4)
    assert smooth_latency(model, Shape(2000, 100), 24, "ttft_s", "p99") == pytest.approx(1.01, rel=1e-3)
    ratios = [lv.ttft_s.p99 / lv.ttft_s.p50 for lv in levels]
    assert round(min(ratios), 2) == 2.17 and max(ratios) == pytest.approx(29.0)


def crossing_model(ratios: dict[tuple[str, str], float]):
    """A model whose TTFT p50 is 0.2 s + 1e-4 s per input token at any load, with the given tail ratios."""
    return PerfModel(
        coefficients=(1e-4, 2e-3, 0.0, 0.02),
        ttft_coefficients=(0.2, 1e-4, 0.0, 0.0),
        percentile_ratios=tuple((m, p, r) for (m, p), r in ratios.items()),
        max_concurrency=64,
        shapes=(Shape(1000, 200),),
    )


def test_a_tail_below_its_median_is_stated_at_the_median() -> None:
    """Ratios that cross (p99 0.98 × p50) give p99 = p50 = 0.2 + 0.1 = 0.3 s, p90 likewise; a real tail stands."""
    model = crossing_model({("ttft_s", "p90"): 0.99, ("ttft_s", "p99"): 0.98})
    shape = Shape(1000, 200)
    assert model.latency(shape, 8, "ttft_s", "p50") == pytest.approx(0.3)
    assert model.latency(shape, 8, "ttft_s", "p90") == pytest.approx(0.3)
    assert model.latency(shape, 8, "ttft_s", "p99") == pytest.approx(0.3)
    tall = crossing_model({("ttft_s", "p90"): 1.5, ("ttft_s", "p99"): 1.2})  # p99 below p90: p99 = p90 = 0.45 s
    assert tall.latency(shape, 8, "ttft_s", "p99") == pytest.approx(0.45)
    assert tall.latency(shape, 8, "ttft_s", "p90") == pytest.approx(0.45)


@settings(max_examples=100, deadline=None)
@given(
    p90=st.floats(0.3, 5.0),
    p99=st.floats(0.3, 10.0),
    concurrency=st.floats(1, 64),
    input_tokens=st.integers(10, 30000),
    metric=st.sampled_from(["ttft_s", "itl_s", "e2e_s"]),
)
def test_predicted_percentiles_are_ordered(
    p90: float, p99: float, concurrency: float, input_tokens: int, metric: str
) -> None:
    model = crossing_model({(metric, "p90"): p90, (metric, "p99"): p99})
    values = [model.latency(Shape(input_tokens, 200), concurrency, metric, p) for p in ("p50", "p90", "p99")]
    assert values[0] <= values[1] <= values[2]
    assert values[2] == pytest.approx(max(values[0], values[0] * p90, values[0] * p99))


def test_the_measured_answer_says_it_is_the_best_level_of_the_workloads_shape_not_of_the_profile():
    """batch-summariser on gpt-oss-120b's H100 table: level 1 (1,000/1,000) serves 18.74 req/s, level 2 (8,192/1,024,
    the workload's shape) 4.57. "Load level 2 of 3 is the highest-throughput level" read false beside level 1; the
    sentence now names the shape it is the best of."""
    from profiling.schema import load_profile
    from scenario_io import load_catalogues, load_inputs
    from tco.capacity.throughput_view import profile_view

    root = Path(__file__).resolve().parents[3]
    cats = load_catalogues()
    inputs = load_inputs(root / "scenarios" / "batch-summariser.yaml", cats)
    profile = load_profile(root / "profiling" / "reference" / "gpt-oss-120b-h100-trtllm.yaml")
    cls = inputs.scenario.workload.request_classes[0]
    view = profile_view(profile, inputs.scenario.slo, cls, cats.models.find("gpt-oss-120b"), cats.gpus.get("H100"))
    assert view.capacity.level_index == 1
    assert max(r.req_per_s for r in view.rows) == profile.levels[0].req_per_s > view.capacity.req_per_s
    assert view.chosen.startswith("Load level 2 of 3 is the highest-throughput level measured at the workload's shape "
                                  "(8,192 in / 1,024 out) that meets every bound")  # fmt: skip


def test_a_rate_levels_model_figure_is_at_the_load_it_ran_at():
    """MLPerf's DeepSeek-R1 Server level on 8 × B200 ran at a Poisson rate (no concurrency): the table's 'req/s, model'
    took the model at no load given, its saturation (20.8 against the measured 13.8). At the load Little's law gives
    (req/s × E2E p50), as the fit reads it, the model corrected toward its one level is that level."""
    from profiling.schema import load_profile
    from scenario_io import load_catalogues
    from tco.capacity.throughput_view import profile_view

    root = Path(__file__).resolve().parents[3]
    cats = load_catalogues()
    profile = load_profile(root / "profiling" / "reference" / "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml")
    (level,) = profile.levels
    assert level.concurrency is None and level.request_rate is not None
    cls = RequestClass(name="chat", share=1.0, input_tokens=2000, output_tokens=500)
    view = profile_view(profile, Slo(), cls, cats.models.find(profile.meta.model), cats.gpus.get("B200"))
    (row,) = view.rows
    assert row.model_req_per_s == pytest.approx(level.req_per_s, rel=1e-9)
