"""Every documented bound holds end to end: a scenario field at its documented minimum or maximum (read from the
schema, not listed by hand) is evaluated, and its tornado and Monte Carlo run, without failing downstream —
the sensitivity swings and the draws stay inside each input's valid range."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from datafiles import InputError, parse_as
from scenario_io import resolve_scenario
from tco import evaluate, risk_report
from tco.records.assumptions import CapacityPolicy, Finance, Uncertainty
from tco.records.scenario import Scenario, Workload
from tests.conftest import ROOT, TODAY

SECTIONS = {"workload": Workload, "capacity": CapacityPolicy, "finance": Finance, "uncertainty": Uncertainty}
BASE = yaml.safe_load((ROOT / "scenarios" / "support-assistant.yaml").read_text())
SKIP = {("workload", "requests_per_month"), ("workload", "tokens_per_month"), ("uncertainty", "samples")}
"""The volume is a choice between two fields (each bound is covered by the engine's own property tests); the
sample count's maximum is a run-time budget, exercised by bench/, not an input that could fail downstream."""


def _numeric_bounds(section: str, record: type) -> list[tuple[str, str, float]]:
    schema = TypeAdapter(record).json_schema()
    cases = []
    for name, prop in schema.get("properties", {}).items():
        if (section, name) in SKIP:
            continue
        options = prop.get("anyOf", [prop])
        for option in options:
            if option.get("type") not in ("number", "integer"):
                continue
            for key, side in (("minimum", "min"), ("maximum", "max")):
                if key in option:
                    cases.append((name, side, float(option[key])))
            for key, side, nudge in (("exclusiveMinimum", "min", 1), ("exclusiveMaximum", "max", -1)):
                if key in option:
                    bound = float(option[key])
                    cases.append((name, side, bound + nudge * max(abs(bound), 1) * 1e-6))
    return cases


CASES = [(section, *case) for section, record in SECTIONS.items() for case in _numeric_bounds(section, record)]


def test_the_schema_names_bounds_to_test():
    assert len(CASES) >= 20
    assert ("workload", "peak_to_average", "max", 100.0) in CASES


@pytest.mark.parametrize(("section", "field", "side", "value"), CASES, ids=[f"{c[0]}.{c[1]}-{c[2]}" for c in CASES])
def test_a_field_at_its_documented_bound_evaluates_and_its_risk_runs(section, field, side, value, catalogues):
    mapping: dict[str, Any] = copy.deepcopy(BASE)
    target = mapping.setdefault(section, {})
    if section == "workload" and field == "peak_to_average":
        target.pop("daily_curve", None)
    integer = field in {"ha_spare_replicas", "min_replicas", "samples", "seed", "horizon_months"} or value.is_integer()
    target[field] = int(value) if integer and math.isfinite(value) and abs(value) < 1e15 else value
    mapping.setdefault("uncertainty", {})["samples"] = 200
    try:
        scenario = parse_as(Scenario, mapping, "bounds")
    except InputError as err:  # a bound that conflicts with another field of this example is named, not a crash
        assert err.field, str(err)
        return
    inputs = resolve_scenario(scenario, str(ROOT / "scenarios" / "bounds.yaml"), catalogues, today=TODAY)
    result = evaluate(inputs)
    report = risk_report(inputs, result, samples=200)
    if report is not None:
        assert all(math.isfinite(b.savings_at_low_usd + b.savings_at_high_usd) for b in report.tornado.bars)


@pytest.mark.parametrize(
    ("path", "value"),
    [(("workload", "requests_per_month"), True), (("workload", "peak_to_average"), False),
     (("finance", "discount_rate_annual"), True), (("horizon_months",), True),
     (("options", 0, "gpus_per_replica"), True), (("workload", "daily_curve"), [True] * 24)],
)  # fmt: skip
def test_booleans_are_not_numbers(path, value):
    mapping = copy.deepcopy(BASE)
    node = mapping
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value
    with pytest.raises(InputError, match="true/false are not numbers"):
        parse_as(Scenario, mapping, "bounds")


def test_a_boolean_field_still_takes_a_boolean():
    mapping = copy.deepcopy(BASE)
    option = next(o for o in mapping["options"] if o["kind"] == "self_hosted")
    option["prefix_caching"] = True
    parsed = parse_as(Scenario, mapping, "bounds")
    assert next(o for o in parsed.options if o.id == option["id"]).prefix_caching is True
