"""Issue 23: the fitted model leans on the profile's own levels (tco.capacity.residuals): at a measured level it says
what was measured, between measured shapes it interpolates their corrections, and a latency never falls with
load."""

from __future__ import annotations

import dataclasses
import itertools
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.bundled import REFERENCE_DIR
from profiling.schema import load_profile
from tco.capacity.fitting import fit_profile
from tco.capacity.residuals import Residuals, ShapeResiduals, lowest_at_or_above
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


def test_measured_tails_that_rise_with_load_are_reproduced_and_a_stray_one_is_bounded_by_a_busier_level(glm5):
    profile, model = glm5
    at_1024 = sorted((lv for lv in profile.levels if lv.input_tokens == 1024), key=lambda lv: lv.concurrency)
    measured = [lv.ttft_s.p99 for lv in at_1024]  # 0.585, 0.568, 2.078, 0.946, 5.570, 7.094 s
    assert measured[2] > measured[3]  # the stray tail at concurrency 16
    predicted = [model.latency(Shape(1024, 128), lv.concurrency, "ttft_s", "p99") for lv in at_1024]
    # by hand: 0.585 > 0.568 at c = 8, so c = 4 reads 0.568; 2.078 at c = 16 reads c = 32's 0.946; the rest rise
    expected = [measured[1], measured[1], measured[3], measured[3], measured[4], measured[5]]
    assert predicted == pytest.approx(expected, rel=1e-9)


def test_the_envelope_keeps_every_slo_decision_the_measured_levels_make(glm5):
    """For any bound, the busiest passing level is the same on the raw levels and on the envelope."""
    profile, _ = glm5
    at_1024 = sorted((lv for lv in profile.levels if lv.input_tokens == 1024), key=lambda lv: lv.concurrency)
    raw = [lv.ttft_s.p99 for lv in at_1024]
    envelope = lowest_at_or_above(raw)
    for bound in (0.57, 0.6, 1.0, 2.0, 6.0):
        assert max((i for i, v in enumerate(raw) if v <= bound), default=None) == max(
            (i for i, v in enumerate(envelope) if v <= bound), default=None
        )


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
def test_the_envelope_is_non_decreasing_never_above_the_data_and_leaves_rising_runs_alone(values):
    envelope = lowest_at_or_above(values)
    assert len(envelope) == len(values)
    assert all(a <= b for a, b in itertools.pairwise(envelope))
    assert all(e <= v for e, v in zip(envelope, values, strict=True))
    assert envelope[-1] == values[-1]
    rising = sorted(values)
    assert lowest_at_or_above(rising) == rising


QUESTION = st.tuples(
    st.sampled_from([512, 1024, 3000, 8192, 40000]),  # input tokens, inside and beyond the sweep's
    st.sampled_from([64, 128, 500, 4000]),  # output tokens
    st.sampled_from([1.0, 3.0, 16.0, 64.0]),  # concurrency
    st.sampled_from(["ttft_s", "itl_s", "e2e_s"]),
    st.sampled_from(["p50", "p90", "p99"]),
)


@settings(max_examples=30, deadline=None)
@given(earlier=st.lists(QUESTION, max_size=12), asked=QUESTION)
def test_what_a_model_kept_from_earlier_questions_never_changes_an_answer(glm5, earlier, asked):
    """The neighbours and edges a model keeps per shape (`PerfModel._per_shape`, `Residuals._neighbours`) are the
    ones it would find afresh: after any earlier questions, an answer equals a fresh copy's, and so does a pickle."""
    _, model = glm5
    for i, o, c, metric, pct in earlier:
        model.latency(Shape(i, o), c, metric, pct)
        model.req_per_s(Shape(i, o), c)
    i, o, c, metric, pct = asked
    fresh = dataclasses.replace(model, residuals=Residuals(model.residuals.curves))
    assert model.latency(Shape(i, o), c, metric, pct) == fresh.latency(Shape(i, o), c, metric, pct)
    assert model.req_per_s(Shape(i, o), c) == fresh.req_per_s(Shape(i, o), c)
    assert pickle.dumps(model) == pickle.dumps(fresh)
