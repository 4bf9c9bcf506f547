"""A level whose throughput disagrees with its own concurrency and latency (Little's law) is left out of the fit and
of the SLO check, and named (`tco.capacity.level_consistency`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cli.main import main
from profiling.schema import Level, Percentiles, load_profile
from tco.capacity.at_slo import capacity_at_slo, level_checks
from tco.capacity.fitting import fit_profile
from tco.capacity.level_consistency import LITTLE_TOLERANCE, inconsistency, little_ratio
from tco.capacity.shapes import Shape
from tco.capacity.throughput_fit import profile_points
from tco.records.scenario import RequestClass, Slo

GLM = Path(__file__).parents[3] / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml"
CORRUPTED = 3
"""GLM-5's level at 1,024 in / 128 out, c = 32: 5.06 req/s measured, E2E p50 6.22 s."""


def _level(req_per_s: float, concurrency: float | None, e2e_p50_s: float | None) -> Level:
    return Level(input_tokens=1000, output_tokens=100, requests_completed=100, requests_failed=0,
                 req_per_s=req_per_s, concurrency=concurrency, e2e_s=Percentiles(p50=e2e_p50_s))  # fmt: skip


def _corrupted(req_per_s: float):
    profile = load_profile(GLM)
    levels = list(profile.levels)
    levels[CORRUPTED] = dataclasses.replace(levels[CORRUPTED], req_per_s=req_per_s)
    return dataclasses.replace(profile, levels=tuple(levels)), profile


def test_the_ratio_by_hand():
    """32 requests in flight for 6.4 s serve 5 req/s; 50 reported is 10× that."""
    assert little_ratio(_level(5.0, 32, 6.4)) == pytest.approx(1.0)
    assert little_ratio(_level(50.0, 32, 6.4)) == pytest.approx(10.0)
    assert inconsistency(_level(5.0, 32, 6.4)) is None
    assert "serve 5 req/s" in (inconsistency(_level(50.0, 32, 6.4)) or "")
    assert little_ratio(_level(5.0, None, 6.4)) is None  # a rate level: nothing to check
    assert little_ratio(_level(5.0, 32, None)) is None


def test_a_rate_under_a_concurrency_cap_may_hold_fewer_than_its_cap_in_flight():
    """vLLM's --request-rate 2 --max-concurrency 64: 2 req/s of 8 s each keep 16 in flight, a quarter of the cap;
    honest. Reporting 20 req/s under the same cap and latency (160 in flight for a cap of 64) is not."""
    paced = dataclasses.replace(_level(2.0, 64, 8.0), request_rate=2.0)
    assert little_ratio(paced) == pytest.approx(0.25) and inconsistency(paced) is None
    assert inconsistency(dataclasses.replace(paced, req_per_s=20.0)) is not None
    profile = load_profile(GLM)
    (point,) = profile_points(dataclasses.replace(profile, levels=(paced,)))
    assert point.concurrency == pytest.approx(16.0)  # what the fit sees: 16 in flight, not the cap of 64


@given(st.floats(0.01, 1e4), st.floats(1, 4096), st.floats(0.05, 20))
def test_inconsistent_exactly_outside_the_tolerance(x_little: float, c: float, ratio: float):
    """X·E2E/c = ratio: flagged exactly when ratio lies outside [1/2, 2]."""
    e2e = c / x_little
    level = _level(x_little * ratio, c, e2e)
    inside = 1 / LITTLE_TOLERANCE <= little_ratio(level) <= LITTLE_TOLERANCE  # type: ignore[operator]
    assert (inconsistency(level) is None) == inside
    if abs(ratio - LITTLE_TOLERANCE) > 1e-6 and abs(ratio - 1 / LITTLE_TOLERANCE) > 1e-6:
        assert inside == (1 / LITTLE_TOLERANCE < ratio < LITTLE_TOLERANCE)


def test_every_bundled_level_is_consistent():
    """The check flags no level of the bundled profiles (their ratios: 0.65–1.1)."""
    root = Path(__file__).parents[3] / "profiling" / "reference"
    profiles = {path.name: load_profile(path) for path in root.glob("*.yaml")}
    flagged = [(name, i) for name, p in profiles.items() for i, lv in enumerate(p.levels) if inconsistency(lv)]
    assert flagged == []


def test_a_level_reporting_ten_times_what_its_latency_allows_is_left_out_of_the_fit_and_of_x_star():
    """Before, the corrupted level's 50 req/s became X* (measured) at 1,024/128 under TTFT p99 ≤ 2 s. Now the fit is
    the fit without it, coefficient for coefficient, and X* is the best honest level that passes: c = 8, 2.30 req/s
    (c = 16 measured TTFT p99 2.08 s > 2 s)."""
    corrupted, original = _corrupted(50.0)
    without = dataclasses.replace(original, levels=tuple(lv for i, lv in enumerate(original.levels) if i != CORRUPTED))
    fitted, reference = fit_profile(corrupted), fit_profile(without)
    assert fitted is not None and reference is not None
    assert fitted.coefficients == pytest.approx(reference.coefficients, rel=1e-12)
    assert fitted.req_per_s(Shape(2048, 128), 32) == pytest.approx(reference.req_per_s(Shape(2048, 128), 32))
    slo, cls = Slo(ttft_p99_s=2.0), RequestClass(name="chat", share=1.0, input_tokens=1024, output_tokens=128)
    check = level_checks(corrupted, slo)[CORRUPTED]
    assert not check.meets_slo and "Little's law" in check.reasons[0]
    cap = capacity_at_slo(corrupted, slo, cls)
    assert cap.req_per_s == pytest.approx(original.levels[1].req_per_s)  # c = 8
    assert original.levels[1].concurrency == 8
    assert any(n.startswith("load level 4 (concurrency 32, 1,024 in / 128 out): 50 req/s reported") for n in cap.notes)
    assert capacity_at_slo(original, slo, cls).req_per_s == pytest.approx(original.levels[CORRUPTED].req_per_s)


def test_the_cli_names_the_level_it_left_out(tmp_path: Path, capsys):
    doc = yaml.safe_load(GLM.read_text())
    doc["levels"][CORRUPTED]["req_per_s"] = 50.0
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    args = ["capacity", str(path), "--input-tokens", "1024", "--output-tokens", "128", "--slo", "ttft_p99_s=2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "X* = 2.298 req/s per replica (measured)" in out
    assert "load level 4 (concurrency 32, 1,024 in / 128 out): 50 req/s reported, but 32 requests" in out
    assert "serve 5.15 req/s (Little's law)" in out
