"""The mix's programme prices a single option exactly as the engine does: every option of every bundled scenario,
served alone through the programme, costs the engine's own NPV for it (an independent computation: the engine's
projection, commitments and discounting against the programme's columns and rows)."""

from __future__ import annotations

import dataclasses

import pytest

from scenario_io.loader import load_inputs
from tco import evaluate
from tco.portfolio.menu import build_menu
from tco.portfolio.milp import solve
from tests.conftest import SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_option_alone_costs_the_engines_npv(path, catalogues):
    inputs = load_inputs(path, catalogues)
    result = evaluate(inputs)
    menu = build_menu(inputs, result)
    checked = 0
    for option in result.options:

        def alone(r, option_id=option.id):
            own_offer = r.source is None or not menu.sources[r.source].other_offer
            return r.option == option_id and r.escalate_to is None and own_offer

        routes = tuple(tuple(r for r in mine if alone(r)) for mine in menu.routes)
        if not all(routes):  # a class this option may not serve (its gate or SLO): no single-option plan
            continue
        plan = solve(dataclasses.replace(menu, routes=routes), ())
        assert plan.npv_cost_usd == pytest.approx(option.npv_cost_usd, rel=1e-6), option.id
        checked += 1
    assert checked >= 1
