"""A scenario built to mislead or to hold the server (an attack on the product, 2026-12-03): each gets exit status 2
and one line naming the field and the expected form; none computes on a silently changed input."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.main import main
from datafiles import InputError, parse_json_text, parse_yaml_text
from tco.records.units import LABEL_PATTERN

API = {"id": "a", "kind": "api", "provider": "openai", "model": "gpt-5"}
GOOD = {
    "name": "t",
    "workload": {"requests_per_month": 1000, "input_tokens": 100, "output_tokens": 10},
    "options": [API],
}


def _compare(tmp_path, capsys, text: str) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    code = main(["compare", str(path)])
    return code, capsys.readouterr().err.strip()


def _with(**changes) -> str:
    return yaml.safe_dump({**GOOD, **changes})


LABEL_FORM = "letters, digits, spaces and . _ - : / + ( ) @, starting with a letter or digit"
CASES = [
    ("newline in an id forges a table row", _with(options=[{**API, "id": "x\nglm5-h200  rented  $1"}]),
     "options[0].api.id", LABEL_FORM),
    ("an id that is a markdown image", _with(options=[{**API, "id": "![p](http://e.example/p.png)"}]),
     "options[0].api.id", LABEL_FORM),
    ("an id that is a spreadsheet formula", _with(options=[{**API, "id": '=HYPERLINK("http://e.example")'}]),
     "options[0].api.id", LABEL_FORM),
    ("an id that starts with @", _with(options=[{**API, "id": "@SUM(1+1)"}]), "options[0].api.id", LABEL_FORM),
    ("an id with HTML", _with(options=[{**API, "id": 'a<a href="http://e.example">x</a>'}]),
     "options[0].api.id", LABEL_FORM),
    ("an empty id", _with(options=[{**API, "id": ""}]), "options[0].api.id", LABEL_FORM),
    ("an id of 81 characters", _with(options=[{**API, "id": "a" * 81}]), "options[0].api.id", LABEL_FORM),
    ("101 options", _with(options=[{**API, "id": f"a{i}"} for i in range(101)]), "options", "at most 100"),
    (
        "100 options × 11 classes",
        _with(options=[{**API, "id": f"a{i}"} for i in range(100)], workload={"requests_per_month": 1000, "classes": [
            {"name": f"c{i}", "share": 1 / 11, "input_tokens": 100, "output_tokens": 10} for i in range(11)]}),
        "(top level)", "100 options × 11 request classes is more than 1,000 pairs",
    ),
    ("a name of two lines", _with(name="t\nRecommended: x"), "name", "one line of at most 200 characters"),
    (
        "two classes of one name",
        _with(workload={"requests_per_month": 1000, "classes": [
            {"name": "chat", "share": 0.5, "input_tokens": 100, "output_tokens": 10},
            {"name": "chat", "share": 0.5, "input_tokens": 9000, "output_tokens": 900}]}),
        "workload", "class names must be unique",
    ),
    (
        "p50 and p50.0",
        _with(workload={"requests_per_month": 1000, "classes": [
            {"name": "chat", "share": 1, "output_tokens": 10, "input_percentiles": {"p50": 100, "p50.0": 9000}}]}),
        "workload.classes[0]", "50th percentile is given twice",
    ),
    (
        "a daily curve of subnormal hours",
        _with(workload={**GOOD["workload"], "daily_curve": [5e-324] + [0] * 23}),
        "workload", "mean must be above 0",
    ),
    (
        "growth that overflows",
        _with(horizon_months=120, workload={**GOOD["workload"], "requests_per_month": 1e15, "monthly_growth": 10}),
        "(top level)", "workload.monthly_growth: 10 a month for 120 months",
    ),
    ("a key given twice", yaml.safe_dump(GOOD) + "options: []\n", f"line {len(yaml.safe_dump(GOOD).splitlines()) + 1}",
     "'options' is given twice"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "text", "field", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_scenario_is_refused_naming_its_field(tmp_path, capsys, what, text, field, expected):
    code, err = _compare(tmp_path, capsys, text)
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 0, err
    assert f"s.yaml: {field}" in err and expected in err, err


def test_growth_up_to_the_volume_bound_computes(tmp_path, capsys):
    """1e3 requests growing 30 % a month for 120 months reaches 1e3 × 1.3^119 = 3.8e16 > 1e15: refused; at 25 %
    it reaches 1e3 × 1.25^119 = 3.4e14: computed."""
    assert 1e3 * 1.3**119 > 1e15 > 1e3 * 1.25**119
    refused = _with(horizon_months=120, workload={**GOOD["workload"], "monthly_growth": 0.3})
    assert _compare(tmp_path, capsys, refused)[0] == 2
    computed = _with(horizon_months=120, workload={**GOOD["workload"], "monthly_growth": 0.25})
    code, err = _compare(tmp_path, capsys, computed)
    assert code == 0, err


@pytest.mark.parametrize("label", ["glm5-h200", "GLM-5 on H200 (rented)", "claude@bedrock", "模型-api", "a_b.c:d/e+f"])
def test_ordinary_ids_in_any_script_are_kept(tmp_path, capsys, label):
    code, err = _compare(tmp_path, capsys, _with(options=[{**API, "id": label}]))
    assert code == 0, err


def test_a_key_given_twice_is_refused_in_yaml_and_json():
    with pytest.raises(InputError, match="line 3: the key 'a' is given twice"):
        parse_yaml_text("a: 1\nb: 2\na: 3\n", "s.yaml")
    with pytest.raises(InputError, match="the key 'k' is given twice"):
        parse_yaml_text("x:\n  - {k: 1, k: 2}\n", "s.yaml")
    with pytest.raises(InputError, match="the key 'a' is given twice in one object"):
        parse_json_text('{"a": 1, "b": {"a": 2}, "a": 3}', "s.json")
    assert parse_json_text('{"a": 1, "b": {"a": 2}}', "s.json") == {"a": 1, "b": {"a": 2}}


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=90))
def test_a_label_is_one_line_of_plain_text_or_refused(text):
    """Whatever passes is one line of at most 80 characters that no surface reads as markup or a formula."""
    if LABEL_PATTERN.fullmatch(text):
        assert len(text) <= 80 and "\n" not in text and "\r" not in text
        assert text[0] not in "=+-@" and not set(text) & set("<>[]!*`$#|\\{}\"'=")


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.integers(), max_size=5))
def test_json_without_repeated_keys_reads_as_json_module_does(mapping):
    text = json.dumps(mapping)
    assert parse_json_text(text, "s.json") == json.loads(text)
