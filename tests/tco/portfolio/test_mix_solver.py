"""The mix solver on cases whose optimum is known by hand, then the property that a mix never costs more than the
best single option (every single option is a mix with every ingredient off)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco.finance.projection import SECONDS_PER_MONTH, OptionModel
from tco.portfolio.menu import Menu, Route, Source, restricted
from tco.portfolio.milp import MIP_GAP, solve
from tco.records.assumptions import CapacityPolicy, Finance
from tco.records.scenario import RequestClass, Scenario, Workload

ALL = ("routing", "overflow", "terms", "cascade")


def _scenario(months: int) -> Scenario:
    return Scenario(
        name="hand",
        workload=Workload(requests_per_month=1.0, input_tokens=100, output_tokens=10),
        options=({"id": "x", "kind": "api", "provider": "p", "model": "m"},),
        horizon_months=months,
        capacity=CapacityPolicy(planning_utilization=1.0, ha_spare_replicas=0, min_replicas=0),
        finance=Finance(discount_rate_annual=0.0),
    )


def _menu(requests, routes, api=None, sources=(), curve=None, fixed=None) -> Menu:
    requests = np.atleast_2d(np.array(requests, dtype=float))
    k, months = requests.shape
    load = np.array(curve if curve is not None else [1.0])
    return Menu(
        scenario=_scenario(months),
        classes=tuple(RequestClass(name=f"c{i}", share=1 / k, input_tokens=100, output_tokens=10) for i in range(k)),
        requests=requests,
        load_factor=load,
        hour_weight=load / load.sum(),
        sources=tuple(sources),
        routes=tuple(tuple(r) for r in routes),
        api_usd_per_request={n: np.broadcast_to(np.array(p, dtype=float), (k, months)) for n, p in (api or {}).items()},
        fixed_usd_per_month=fixed or {**{n: 0.0 for n in (api or {})}, **{s.deployment: 0.0 for s in sources}},
        implementation_usd={},
        recurring_usd={},
        discount=np.ones(months),
    )


def _source(name: str, usd_per_month: float, req_per_s: float, classes: int = 1, term: int = 0) -> Source:
    model = OptionModel(name, "rented", 0.0, replica_req_per_s=req_per_s, usd_per_unit_month=usd_per_month,
                        commitment_months=term)  # fmt: skip
    return Source(name, "model on GPU", model, f"{term} months", (req_per_s,) * classes)


def test_two_classes_with_different_gates_go_each_to_their_cheapest_passing_option():
    """FAQ may use the $0.001 API or the $0.01 frontier; hard requests only the frontier (the gate)."""
    menu = _menu([[1000.0], [200.0]], [[Route("cheap"), Route("frontier")], [Route("frontier")]],
                 api={"cheap": 0.001, "frontier": 0.01})  # fmt: skip
    plan = solve(menu, ALL)
    assert plan.npv_cost_usd == pytest.approx(1000 * 0.001 + 200 * 0.01)
    assert plan.share[(0, Route("cheap"))].min() == pytest.approx(1.0)
    assert plan.share[(1, Route("frontier"))].min() == pytest.approx(1.0)
    single = solve(restricted(menu, ()), ())  # one option for everyone: only the frontier passes both gates
    assert single.npv_cost_usd == pytest.approx(1200 * 0.01)


def test_a_flat_base_with_a_known_peak_commits_the_base_and_sends_the_peak_to_the_api():
    """Mean 1 req/s: 12 hours at 0.5, 12 at 1.5. A replica serves 0.5 req/s for $800 a month; the API is $0.001.
    By hand: 3 replicas (the peak) $2,400; 2 replicas + a third of the peak hours' requests $1,600 + $657 = $2,257;
    1 replica (the base) + two thirds of the peak hours' requests, N/2, $800 + $1,314 = $2,114; all API $2,628."""
    n = SECONDS_PER_MONTH  # one month at 1 req/s
    curve = [0.5] * 12 + [1.5] * 12
    menu = _menu([[n]], [[Route("api"), Route("fleet", 0)]], api={"api": 0.001},
                 sources=[_source("fleet", 800.0, 0.5, term=1)], curve=curve)  # fmt: skip
    plan = solve(menu, ALL)
    assert plan.npv_cost_usd == pytest.approx(800 + 0.001 * n / 2, rel=1e-9)
    assert plan.replicas[0].max() == 1
    overflow = plan.share[(0, Route("api"))][0]
    assert np.allclose(overflow[:12], 0.0) and np.allclose(overflow[12:], 2 / 3)  # the peak's excess, only then
    single = solve(restricted(menu, ()), ())
    assert single.npv_cost_usd == pytest.approx(min(2400.0, 0.001 * n))  # the fleet at peak, or the API alone


def test_growth_is_a_reserved_floor_plus_on_demand_growth():
    """Replicas needed by month 1,1,1,1,2,2,2,2,3,3,3,3 (X = 1 req/s, utilisation 1). A 12-month reserved replica
    costs $100 a month for the whole term ($1,200, started later it still owes the rest after the horizon);
    on-demand $140 a month used. By hand: the first replica reserved ($1,200 < 12 × $140), the second on-demand for
    8 months ($1,120 < $1,200), the third on-demand for 4 ($560): $2,880."""
    need = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], dtype=float)
    sources = [_source("reserved", 100.0, 1.0, term=12), _source("on-demand", 140.0, 1.0, term=0)]
    menu = _menu([need * SECONDS_PER_MONTH], [[Route("reserved", 0), Route("on-demand", 1)]], sources=sources)
    plan = solve(menu, ALL)
    assert plan.npv_cost_usd == pytest.approx(2880.0)
    assert plan.units[0][:, 0].tolist() == [1.0] * 12
    assert plan.units[1][:, 0].tolist() == [0.0] * 4 + [1.0] * 4 + [2.0] * 4
    without_terms = solve(restricted(menu, ("routing", "overflow", "cascade")), ("routing", "overflow", "cascade"))
    assert without_terms.npv_cost_usd == pytest.approx(min(3 * 1200.0, float(need.sum()) * 140))  # one term only


def test_a_cascade_pays_the_first_option_and_the_escalated_share():
    """Hard requests: the frontier at $0.01, or a $0.001 model escalating 30 % to the frontier: 0.001 + 0.3 × 0.01."""
    cascade = Route("small", None, "frontier", 0.3)
    menu = _menu([[1000.0]], [[Route("frontier"), cascade]], api={"small": 0.001, "frontier": 0.01})
    assert solve(menu, ALL).npv_cost_usd == pytest.approx(1000 * (0.001 + 0.3 * 0.01))
    assert solve(restricted(menu, ("routing", "overflow")), ("routing", "overflow")).npv_cost_usd == pytest.approx(10)


@st.composite
def _menus(draw) -> Menu:
    classes = draw(st.integers(1, 2))
    months = draw(st.integers(1, 3))
    prices = {f"api{i}": draw(st.floats(1e-4, 0.02)) for i in range(draw(st.integers(1, 3)))}
    curve = draw(st.lists(st.floats(0.1, 3.0), min_size=24, max_size=24))
    sources = [_source(f"s{i}", draw(st.floats(50, 5000)), draw(st.floats(0.05, 5.0)), classes,
                       draw(st.sampled_from([0, 1, 12]))) for i in range(draw(st.integers(0, 2)))]  # fmt: skip
    names = [*prices]
    routes = []
    for _ in range(classes):
        mine = [Route(n) for n in names if draw(st.booleans())] or [Route(names[0])]
        mine += [Route(s.option, i) for i, s in enumerate(sources) if draw(st.booleans())]
        routes.append(mine)
    requests = [[draw(st.floats(1e3, 5e6)) * 1.05**t for t in range(months)] for _ in range(classes)]
    return _menu(requests, routes, api=prices, sources=sources, curve=curve)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_menus())
def test_a_mix_never_costs_more_than_the_best_single_option_nor_than_without_an_ingredient(menu):
    mix = solve(menu, ALL).npv_cost_usd
    single = solve(restricted(menu, ()), ())
    if np.isfinite(single.npv_cost_usd):
        assert mix <= single.npv_cost_usd * (1 + MIP_GAP) + 1e-6
    for left_out in ALL:
        allow = tuple(a for a in ALL if a != left_out)
        without = solve(restricted(menu, allow), allow).npv_cost_usd  # NaN: no route open to every class
        assert not np.isfinite(without) or mix <= without * (1 + MIP_GAP) + 1e-6
