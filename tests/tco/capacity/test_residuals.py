"""Issue 23: the fitted model leans on the profile's own levels (tco.capacity.residuals): at a measured level it says
what was measured, between measured shapes it interpolates their corrections, and a latency never falls with
load."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.bundled import REFERENCE_DIR
from profiling.schema import load_profile
from tco.capacity.perf_model import fit_profile
from tco.capacity.residuals import Residuals, ShapeResiduals, non_decreasing
from tco.capacity.shapes import Shape, level_shape


@pytest.fixture(scope="module")
def glm5():
    profile = load_profile(REFERENCE_DIR / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    return profile, fit_profile(profile)


def test_at_a_measured_level_the_model_says_what_was_measured(glm5):
    profile, model = glm5
    for level in profile.levels:
        shape = level_shape(level, 0.0)
        assert model.req_per_s(shape, level.concurrency) == pytest.approx(level.req_per_s, rel=1e-9)


def test_measured_tails_that_rise_with_load_are_reproduced_and_a_stray_one_is_pooled(glm5):
    profile, model = glm5
    at_1024 = sorted((lv for lv in profile.levels if lv.input_tokens == 1024), key=lambda lv: lv.concurrency)
    measured = [lv.ttft_s.p99 for lv in at_1024]  # 0.585, 0.568, 2.078, 0.946, 5.570, 7.094 s
    assert measured[2] > measured[3]  # the stray tail at concurrency 16
    pooled = [math.exp(v) for v in non_decreasing([math.log(v) for v in measured])]
    predicted = [model.latency(Shape(1024, 128), lv.concurrency, "ttft_s", "p99") for lv in at_1024]
    assert predicted == pytest.approx(pooled, rel=1e-9)
    assert pooled[2] == pytest.approx(pooled[3]) == pytest.approx(math.sqrt(measured[2] * measured[3]))
    assert predicted[4:] == pytest.approx(measured[4:], rel=1e-9)  # already rising: kept as measured


def test_between_two_shapes_the_correction_is_interpolated_by_log_distance():
    """Corrections ×1.25 at 1,000 input tokens and ×1 at 4,000: at 2,000 (1/2 of the log distance) ×1.25^(1/2);
    beyond the longest, the nearest shape's own."""
    res = Residuals((("req_per_s", (ShapeResiduals(Shape(1000, 100), (), (math.log(1.25),)),
                                    ShapeResiduals(Shape(4000, 100), (), (0.0,)))),))  # fmt: skip
    assert res.factor("req_per_s", Shape(2000, 100), None) == pytest.approx(1.25**0.5)
    assert res.factor("req_per_s", Shape(8000, 100), None) == pytest.approx(1.0)
    assert res.factor("req_per_s", Shape(500, 100), None) == pytest.approx(1.25)
    assert res.factor("ttft_s p99", Shape(2000, 100), None) == 1.0  # nothing measured for it


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=12))
def test_pooling_is_non_decreasing_keeps_the_total_and_leaves_rising_runs_alone(values):
    pooled = non_decreasing(values)
    assert len(pooled) == len(values)
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(pooled))
    assert sum(pooled) == pytest.approx(sum(values), abs=1e-6)
    rising = sorted(values)
    assert non_decreasing(rising) == pytest.approx(rising, abs=1e-9)
