"""Fuzzing every edge that reads user input: the only exception that may escape is the project's own
`InputError` (a named file, field and expected form); what is accepted computes to finite numbers.

Bounded: a few hundred examples in all, each small, so the suite stays fast; `bench/attack_hostile_inputs.py`
is the wide attack (3,249 hostile inputs, counted by outcome)."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import math
import zlib

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datafiles import InputError, parse_as, parse_json_text, parse_yaml_text
from profiling.importers import convert, profile_from_text
from scenario_io import codec, resolve_scenario
from scenario_io.references import References
from tco import evaluate
from tco.records.scenario import Scenario
from tests.conftest import ROOT, TODAY

SUPPORT = yaml.safe_load((ROOT / "scenarios" / "support-assistant.yaml").read_text())
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
META = {"model": "llama-3.3-70b-instruct", "gpu": "H100", "gpu_count": 1}

hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 5e-324, 1e308, -0.0, "", "forty", "1e999", "2026-13", "9999-12"]),
    st.text(max_size=20),
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _replaced(doc: object, path: tuple, value: object) -> object:
    doc = copy.deepcopy(doc)
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def _all_finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_all_finite(v) for v in value)
    return True


SCENARIO_PATHS = _paths(SUPPORT)


@FUZZ
@given(path=st.sampled_from(SCENARIO_PATHS), value=hostile_values)
def test_any_scenario_field_set_to_anything_is_named_or_computes(catalogues, path, value):
    data = _replaced(SUPPORT, path, value)
    try:
        scenario = parse_as(Scenario, data, "s.yaml")
        inputs = resolve_scenario(
            scenario, "s.yaml", catalogues, refs=References.on_disk(ROOT / "scenarios"), today=TODAY
        )
        result = evaluate(inputs)
    except InputError as err:
        assert str(err).startswith("s.yaml")
        return
    for option in result.options:
        assert math.isfinite(option.first_month_cost_usd) and math.isfinite(option.npv_cost_usd)
        assert all(math.isfinite(c) for c in option.monthly_cost_usd)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_yaml_and_json_text_parse_or_say_why(text):
    for parse in (parse_yaml_text, parse_json_text):
        with contextlib.suppress(InputError):
            parse(text, "f")


@settings(max_examples=150, deadline=None)
@given(token=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: base64.urlsafe_b64encode(b).decode()))
def test_share_links_decode_or_say_why(token):
    try:
        data = codec.from_url_token(token)
    except InputError:
        return
    assert isinstance(data, dict) and _all_finite(data)


@FUZZ
@given(doc=hostile_values)
def test_any_json_packed_as_a_link_decodes_or_says_why(doc):
    try:
        text = json.dumps(doc, allow_nan=True)
    except ValueError:
        return
    token = base64.urlsafe_b64encode(zlib.compress(text.encode())).decode()
    try:
        data = codec.from_url_token(token)
    except InputError:
        return
    assert _all_finite(data)


IMPORT_DOCS = {
    name: json.loads((FIXTURES / name).read_text())
    for name in ("vllm-bench-serve.json", "guidellm-benchmarks.json", "aiperf-profile_export_aiperf.json")
}
IMPORT_PATHS = [(name, path) for name, doc in IMPORT_DOCS.items() for path in _paths(doc)[:200]]


@FUZZ
@given(where=st.sampled_from(IMPORT_PATHS), value=hostile_values)
def test_any_importer_field_set_to_anything_is_named_or_gives_a_finite_profile(where, value):
    name, path = where
    doc = _replaced(IMPORT_DOCS[name], path, value)
    try:
        profile = convert(doc, name, None, META)
    except InputError as err:
        assert err.file == name
        return
    for level in profile.levels:
        assert _all_finite([level.req_per_s, level.input_tokens, level.output_tokens])


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('abc,.0123456789\r\n"-e_ '), max_size=300))
def test_csv_profiles_of_any_text_are_named(text):
    with pytest.raises(InputError):
        profile_from_text("concurrency,req_per_s\r" + text, "p.csv")
