"""X*'s stated error under latency bounds (`tco.capacity.slo_search`): the range the model's typical latency error
moves the bounds across, at least the throughput error."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiling.schema import load_profile
from tco.capacity.at_slo import capacity_at_slo, modelled_error
from tco.capacity.fitting import fit_profile
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape, group_levels
from tco.capacity.slo_search import SloSearch, best_under_slo, search_with_error
from tco.records.scenario import RequestClass, Slo

ROOT = Path(__file__).resolve().parents[3]
GLM5_SWEEP = ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml"
SWEEPS = tuple(
    ROOT / "profiling" / "reference" / f"{name}-inferencex.yaml"
    for name in ("glm-5-fp8-tp8-vllm", "minimax-m2.5-h200-vllm-dep8", "minimax-m2.5-h200-vllm-tep8",
                 "qwen3.5-397b-a17b-h200-vllm-tp8")
)  # fmt: skip


def test_the_range_is_the_search_at_bounds_scaled_by_the_latency_error():
    """GLM-5's sweep at 2,000 in / 500 out under TTFT p99 ≤ 2 s and ITL p99 ≤ 50 ms: the one-pass search gives what
    three separate searches give with every bound × (1 − e), × 1 and × (1 + e), and the stated error is the formula
    written out on those three answers."""
    model = fit_profile(load_profile(GLM5_SWEEP))
    shape, e = Shape(2000, 500), model.latency_error
    assert 0.0 < e < 1.0
    search = search_with_error(model, shape, Slo(ttft_p99_s=2.0, itl_p99_s=0.05), None, e)
    for found, factor in ((search.tighter, 1 - e), (search.found, 1.0), (search.looser, 1 + e)):
        assert found == best_under_slo(model, shape, Slo(ttft_p99_s=2.0 * factor, itl_p99_s=0.05 * factor), None)
    x, low, high = search.found[0], search.tighter[0], search.looser[0]
    assert low < x < high
    assert search.error(0.01) == max(0.01, x / low - 1, 1 - x / high)
    assert search.error(0.9) == 0.9
    # each side on its own, as factors: the truth between x / (1 + below) and x · (1 + above)
    assert search.sides(0.01) == (max(0.01, x / low - 1), max(0.01, high / x - 1))
    assert search.sides(0.9) == (0.9, 0.9)


def _left_out_decisions(path: Path):
    """(error, stated error, throughput error) of each SLO decision at a left-out shape of the sweep at `path`: each
    shape left out in turn, with a bound on TTFT p99, ITL p50 or ITL p99 set between two of its measured levels
    (their geometric mean, mid-grid). X* from the rest must lie inside the req/s bracket the measured levels allow:
    at least the best passing level's, below the next failing one's (5 % slack); "none" is a 100 % error."""
    profile = load_profile(path)
    for group in group_levels(profile.levels, 0.0):
        levels = sorted((profile.levels[i] for i in group.indices), key=lambda lv: lv.concurrency)
        rest = tuple(lv for i, lv in enumerate(profile.levels) if i not in group.indices)
        train = dataclasses.replace(profile, levels=rest)
        cls = RequestClass(name="held-out", share=1.0, input_tokens=group.shape.input_tokens,
                           output_tokens=group.shape.output_tokens)  # fmt: skip
        k = len(levels) // 2 - 1
        for metric, pct in (("ttft_s", "p99"), ("itl_s", "p50"), ("itl_s", "p99")):
            low, high = levels[k].latency(metric, pct), levels[k + 1].latency(metric, pct)
            if not low or not high or low >= high:
                continue
            bound = math.sqrt(low * high)
            lower = max(lv.req_per_s for lv in levels if lv.latency(metric, pct) <= bound)
            upper = min((lv.req_per_s for lv in levels if lv.latency(metric, pct) > bound), default=lower)
            cap = capacity_at_slo(train, Slo(**{f"{metric[:-2]}_{pct}_s": bound}), cls, prefix_caching=False)
            x = cap.req_per_s
            error = 1.0 if x is None else max(0.0, 1 - x / (lower * 0.95), x / (max(upper, lower) * 1.05) - 1)
            yield error, cap.expected_error or 0.0, modelled_error(fit_profile(train), group.shape)[0] or 0.0


def test_stated_error_covers_four_in_five_left_out_slo_decisions():
    """Over the four bundled interactive sweeps, the stated error covers at least 80 % of the SLO decisions at a
    left-out shape: what `LATENCY_ERROR_QUANTILE` is measured for (bench/capacity.py)."""
    cases = [case for path in SWEEPS for case in _left_out_decisions(path)]
    assert len(cases) >= 80
    assert sum(error <= stated for error, stated, _ in cases) / len(cases) >= 0.8


def test_the_decisions_the_throughput_error_misses_are_covered_by_the_latency_range():
    """Where the latency curve is flat near the bound, a few per cent of latency error moves X* further than the
    throughput error says: on MiniMax-M2.5 TEP8's sweep such decisions exist (stated with the throughput error alone,
    3 of its 35 were missed), and the stated error covers each of them."""
    cases = list(_left_out_decisions(SWEEPS[2]))
    missed = [(error, stated) for error, stated, throughput in cases if error > throughput]
    assert missed
    assert all(error <= stated for error, stated in missed)


def _model(decode_s: float, context_s: float, step_s: float) -> PerfModel:
    return PerfModel((2e-5, decode_s, context_s, step_s), ttft_coefficients=(0.05, 2e-5, 0.0, 0.0), max_concurrency=256)


@settings(max_examples=150, deadline=None)
@given(
    decode_s=st.floats(1e-4, 5e-3),
    context_s=st.floats(0.0, 1e-7),
    step_s=st.floats(1e-3, 5e-2),
    bound_s=st.floats(0.005, 0.2),
    error=st.floats(0.0, 0.9),
    base=st.floats(0.0, 1.0),
)
def test_a_looser_bound_never_serves_less(decode_s, context_s, step_s, bound_s, error, base):
    """Tighter bounds serve no more than the bounds, looser ones no less; a load met at tighter bounds is met at the
    bounds; the stated error is never below the throughput error; with no latency error it is the throughput error."""
    model, shape = _model(decode_s, context_s, step_s), Shape(1000, 200)
    search = search_with_error(model, shape, Slo(itl_p50_s=bound_s), None, error)
    xs = [f[0] if f else None for f in (search.tighter, search.found, search.looser)]
    present = [x is not None for x in xs]
    assert present == sorted(present)  # none, …, found: never a found before a none
    found = [x for x in xs if x is not None]
    assert found == sorted(found)
    assert (search.error(base) or 0.0) >= base
    if search.found is not None:  # each side at least the throughput error, neither wider than the stated error says
        below, above = search.sides(base)
        stated = search.error(base)
        assert min(below, above) >= base and below <= stated and 1 - 1 / (1 + above) <= stated + 1e-12
    else:
        assert search.sides(base) is None
    exact = search_with_error(model, shape, Slo(itl_p50_s=bound_s), None, 0.0)
    assert exact.error(base) == base
    assert exact.found is None or exact.sides(base) == (base, base)
    assert isinstance(exact, SloSearch) and exact.tighter == exact.found == exact.looser


def test_a_transfer_states_the_range_its_latency_error_allows():
    """GLM-5 on 8 × B200 has no profile: it is transferred from the H200 sweep (same model, ±31 % throughput). Its
    latency error is at least the transfer's; under an ITL p99 bound, X* at the bounds × (1 ∓ e), searched
    separately here, gives the stated error by the formula."""
    from profiling.bundled import reference_profiles
    from scenario_io.loader import load_catalogues, reference_records
    from tco.capacity.transfer import SAME_MODEL_ERROR, transferred_capacity, transferred_model

    cats = load_catalogues()
    refs = reference_records(reference_profiles(), cats.models, cats.gpus)
    shape = Shape(2000, 500)
    moved = transferred_model(cats.models.find("glm-5"), cats.gpus.get("B200"), 8, "fp8", shape, refs, None, True)
    source = fit_profile(moved.source.profile)
    e = moved.model.latency_error
    assert e == max(SAME_MODEL_ERROR, source.latency_error)
    cls = RequestClass(name="chat", share=1.0, input_tokens=2000, output_tokens=500)
    for bound in (0.012, 0.02, 0.04):
        cap = transferred_capacity(moved, Slo(itl_p99_s=bound), cls, prefix_caching=False)
        x = [best_under_slo(moved.model, shape, Slo(itl_p99_s=bound * f), moved.model.max_concurrency)
             for f in (1 - e, 1.0, 1 + e)]  # fmt: skip
        assert cap.req_per_s == (x[1][0] if x[1] else None)
        # the base: the transfer's error and the sweep's 128 → 500 output-token stretch, in quadrature
        base = math.hypot(SAME_MODEL_ERROR, 0.25 * (1 + 0.67 * math.log(500 / 128)))
        expected = SloSearch(x[1], x[0], x[2], e).error(base)
        assert cap.expected_error == pytest.approx(expected, rel=1e-12)
        assert cap.expected_error >= base > SAME_MODEL_ERROR
