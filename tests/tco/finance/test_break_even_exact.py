"""Break-even volumes solved exactly, step by step, against an exhaustive enumeration written out here."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import pytest

from tco.finance import breakeven, discounting
from tco.finance.projection import OptionModel
from tco.records.assumptions import CapacityPolicy
from tests.conftest import run_scenario, write_yaml
from tests.tco.decision.test_engine_contract import base_scenario, measured_at_workload_shape
from tests.tco.finance.test_engine_properties import _api as _api_model
from tests.tco.finance.test_engine_properties import _rented

SECONDS = 730 * 3600


@pytest.fixture
def tmp(tmp_path):
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    return tmp_path


LOW, HIGH = breakeven.VOLUME_RANGE


def _fleet(x: float, gpr: int, unit: int, fixed: float, autoscale: bool = False) -> OptionModel:
    return replace(_rented(x, gpr, unit, fixed=fixed), autoscale=autoscale)


def _api(per_request: float, fixed: float = 0.0) -> OptionModel:
    return _api_model(per_request, 1, fixed)


def _enumerated(x, gpr, unit, fixed, per_request, api_fixed, peak, policy) -> list[tuple[float, bool]]:
    """Every crossing, by walking every replica count k: the fleet costs C_k on ((k−1)q, kq]."""
    q = SECONDS * policy.planning_utilization * x / peak  # requests a month one replica carries at peak
    k = np.arange(1, int(HIGH / q) + 3)
    replicas = np.maximum(policy.min_replicas, k) + policy.ha_spare_replicas
    cost = fixed + unit * 2.5 * 730 * np.ceil(replicas * gpr / unit)
    left, right = (k - 1) * q, k * q
    at = (cost - api_fixed) / per_request  # inside step k the API line meets C_k here
    inside = (np.maximum(left, LOW) < at) & (at < np.minimum(right, HIGH))
    line_at_edge = api_fixed + per_request * right[:-1]
    jump = (right[:-1] > LOW) & (right[:-1] < HIGH) & (cost[:-1] < line_at_edge) & (line_at_edge < cost[1:])
    found = [(float(v), True) for v in at[inside]] + [(float(v), False) for v in right[:-1][jump]]
    return sorted(found)


@dataclass(frozen=True)
class RandomCase:
    """A random always-on fleet against an API priced 0.8-3x its marginal cost (many, narrow crossings)."""

    x: float
    gpr: int
    unit: int
    fixed: float
    per_request: float
    api_fixed: float
    peak: float
    policy: CapacityPolicy

    @staticmethod
    def draw(rng: np.random.Generator) -> RandomCase:
        policy = CapacityPolicy(
            planning_utilization=float(rng.uniform(0.5, 0.95)),
            min_replicas=int(rng.integers(1, 4)),
            ha_spare_replicas=int(rng.integers(0, 2)),
        )
        x, gpr, unit = float(rng.uniform(0.5, 40)), int(rng.choice([1, 2, 4, 8])), int(rng.choice([1, 8]))
        fixed, api_fixed, peak = float(rng.uniform(0, 30_000)), float(rng.uniform(0, 2_000)), float(rng.uniform(1, 4))
        marginal = 2.5 * 730 * gpr / (SECONDS * policy.planning_utilization * x / peak)
        return RandomCase(x, gpr, unit, fixed, float(marginal * rng.uniform(0.8, 3.0)), api_fixed, peak, policy)

    def models(self) -> tuple[OptionModel, OptionModel]:
        return _fleet(self.x, self.gpr, self.unit, self.fixed), _api(self.per_request, self.api_fixed)

    def enumerated(self) -> list[tuple[float, bool]]:
        return _enumerated(self.x, self.gpr, self.unit, self.fixed, self.per_request, self.api_fixed, self.peak,
                           self.policy)  # fmt: skip


def test_six_hundred_random_fleets_match_the_enumeration():
    rng = np.random.default_rng(20261201)
    worst = 0.0
    for _ in range(600):
        case = RandomCase.draw(rng)
        got, _ = breakeven.crossings(*case.models(), 1.0, case.peak, case.policy, np.ones(24))
        expected = case.enumerated()
        assert len(got) == len(expected), case
        for c, (v, above) in zip(got, expected, strict=True):
            assert c.self_hosted_cheaper_above is above
            worst = max(worst, abs(c.requests_per_month / v - 1))
    assert worst < 1e-6


def test_narrow_window_between_two_steps_is_found():
    """An 8-GPU instance holds 4 two-GPU replicas: the API line dips below the fleet for a window of ~3 % only."""
    policy = CapacityPolicy(planning_utilization=1.0, min_replicas=1, ha_spare_replicas=0)
    fleet = _fleet(1.0, 2, 8, 0.0)
    q = SECONDS * 1.0  # requests a month per replica at peak factor 1
    instance = 8 * 2.5 * 730
    # the line meets one instance's cost 3 % below the 4th replica's edge, where a second instance is needed:
    # cheaper from 0.97 × 4q, dearer again from 4q
    per_request = instance / (4 * q * 0.97)
    got, _ = breakeven.crossings(fleet, _api(per_request), 1.0, 1.0, policy, np.ones(24))
    first_two = [(c.requests_per_month, c.self_hosted_cheaper_above) for c in got[:2]]
    assert first_two[0][0] == pytest.approx(instance / per_request, rel=1e-9) and first_two[0][1] is True
    assert first_two[1][0] == pytest.approx(4 * q, rel=1e-6) and first_two[1][1] is False


def test_autoscaled_fleet_crossings_change_sign_and_none_are_missed():
    """Autoscaled: the fleet is sized hour by hour; every sign change of cost − API across all hourly edges."""
    policy = CapacityPolicy()
    hourly = np.array([0.5 + 0.5 * math.sin(h / 24 * 2 * math.pi) ** 2 for h in range(24)])
    fleet, peak = _fleet(20.0, 1, 1, 500.0, autoscale=True), 2.0
    shape = hourly / hourly.max()
    q = SECONDS * policy.planning_utilization * 20.0 / peak

    def cost(v: float) -> float:  # hand formula: the mean over hours of whole GPUs
        reps = [max(policy.min_replicas, math.ceil(v * s / q - 1e-9)) + policy.ha_spare_replicas for s in shape]
        return 500 + 2.5 * 730 * sum(reps) / 24

    per_request = 2.5 * 730 * shape.mean() / q * 1.15
    limit = 399 * q  # every hour's edges are listed up to here
    edges = sorted(e for e in {k * q / s for s in shape for k in range(1, 800)} if e < limit)
    signs = []  # the sign of cost − API at both ends of every step: catches a crossing inside and at its edge
    for a, b in itertools.pairwise(edges):
        level = cost(math.sqrt(a * b))
        signs += [level > per_request * a, level > per_request * b]
    changes = sum(x != y for x, y in itertools.pairwise(signs))
    got = [
        c
        for c in breakeven.crossings(fleet, _api(per_request), 1.0, peak, policy, hourly)[0]
        if c.requests_per_month < edges[-1]
    ]
    assert len(got) == changes >= 3
    for c in got:
        v = c.requests_per_month
        assert (cost(v * (1 - 1e-7)) > per_request * v * (1 - 1e-7)) == c.self_hosted_cheaper_above


def test_horizon_break_even_without_growth_adds_the_implementation_to_the_fleet(tmp, catalogues):
    """No growth, no price decline: NPV of savings is zero where annuity × (API − fleet) = implementation."""
    scenario = base_scenario()
    scenario["options"][1]["implementation_usd"] = 100_000
    result = run_scenario(tmp, scenario, catalogues)
    pair = next(b for b in result.break_even if b.self_hosted == "rented")
    annuity = float(discounting.discount_factors(0.08, 24).sum())
    fleet = 2 * 2 * 2.5 * 730  # min 1 replica + 1 spare, 2 GPUs each at $2.5/h
    per_request = 0.0108  # 2,000 in (half cached) / 500 out on flat-3-15 (test_engine_contract)
    first = pair.horizon_crossings[0]
    assert first.requests_per_month == pytest.approx((fleet + 100_000 / annuity) / per_request, rel=1e-6)
    assert first.self_hosted_cheaper_above is True
    # the month-1 break-even ignores the implementation
    assert pair.crossings[0].requests_per_month == pytest.approx(fleet / per_request, rel=1e-6)


def test_horizon_break_even_with_growth_and_decline_is_where_the_npv_changes_sign(tmp, catalogues):
    scenario = base_scenario()
    scenario["workload"]["monthly_growth"] = 0.04
    scenario["finance"]["api_price_decline_annual"] = 0.3
    scenario["options"][1]["implementation_usd"] = 50_000
    result = run_scenario(tmp, scenario, catalogues)
    pair = next(b for b in result.break_even if b.self_hosted == "rented")
    assert pair.horizon_crossings
    for c in pair.horizon_crossings[:3]:
        npv = []
        for factor in (1 - 1e-6, 1 + 1e-6):
            scenario["workload"]["requests_per_month"] = c.requests_per_month * factor
            other = run_scenario(tmp, scenario, catalogues)
            npv.append(next(b for b in other.break_even if b.self_hosted == "rented").npv_savings_usd)
        assert (npv[0] < 0 < npv[1]) if c.self_hosted_cheaper_above else (npv[1] < 0 < npv[0])


def test_no_range_of_the_bundled_examples_is_a_sliver(catalogues):
    """A reviewer read "glm5-h200 is cheaper between 13.68M and 13.69M" (glm5-vs-frontier, glm5-h200 against
    opus-4.5) as a finding: two crossings 0.07 % apart where the costs touch. Such a pair is one range where the two
    run even (`volume_ranges.SLIVER`); no range a side is cheaper over is narrower, in any pair of any example."""
    from scenario_io import load_inputs
    from tco import evaluate
    from tco.decision.verdict import decide
    from tco.finance.volume_ranges import SLIVER
    from tests.conftest import ROOT, SCENARIOS

    checked = 0
    for path in SCENARIOS:
        result = evaluate(load_inputs(path, catalogues))
        hosted = [o.id for o in result.options if o.kind == "self_hosted"]
        apis = [o.id for o in result.options if o.kind == "api"]
        for pair in itertools.product(hosted, apis):
            be = decide(result, pair).pair
            for r in (*be.month_one_ranges, *be.horizon_ranges) if be is not None else ():
                low, high = r.from_requests_per_month, r.to_requests_per_month
                if r.cheaper != "even" and low is not None and high is not None:
                    checked += 1
                    assert high > low * (1 + SLIVER), (path.stem, pair, r)
    batch = evaluate(load_inputs(ROOT / "scenarios" / "batch-summariser.yaml", catalogues))
    touch = decide(batch, ("oss120-h200-3y", "oss120-groq-batch")).pair.horizon_ranges  # 31.896M–31.902M: a touch
    assert any(r.cheaper == "even" and r.to_requests_per_month / r.from_requests_per_month - 1 < SLIVER for r in touch)
    assert checked >= 5
