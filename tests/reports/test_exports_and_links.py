"""Exports open safely in a spreadsheet; scenario links and YAML round-trip and refuse tampering."""

from __future__ import annotations

import base64
import html
import re
import zipfile
import zlib
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datafiles import InputError
from reports.exports import as_xlsx
from scenario_io import codec
from tco.decision.quality import pareto_front
from tests.conftest import HOSTILE_SCENARIO, level, run_scenario, simple_profile, write_yaml
from ui.workload_form import parse_curve


def _workbook_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(data)) as book:
        return {name: book.read(name).decode() for name in book.namelist() if name.endswith(".xml")}


def test_xlsx_export_never_holds_a_formula_or_a_link(tmp_path, catalogues):
    write_yaml(tmp_path / "p.yaml", simple_profile([level(5, 1, 0.05)]))
    result = run_scenario(tmp_path, HOSTILE_SCENARIO, catalogues)
    parts = _workbook_parts(as_xlsx(result, None))
    sheets = {k: v for k, v in parts.items() if k.startswith("xl/worksheets/sheet")}
    assert len(sheets) >= 4  # options, monthly cost, break-even, assumptions
    assert not any("<f>" in xml or "<f " in xml for xml in sheets.values()), "a cell holds a formula"
    assert not any("hyperlink" in xml.lower() for xml in sheets.values())
    strings = [html.unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", parts["xl/sharedStrings.xml"])]
    assert "'=cmd|' /C calc'!A0" in strings  # the scenario's name, neutralised
    assert not [s for s in strings if s.startswith(("=", "+", "@"))]
    first_sheet = sheets["xl/worksheets/sheet1.xml"]
    option = result.option("llama-h100")
    assert f"<v>{round(option.first_month_cost_usd, 2):.16g}</v>" in first_sheet  # numbers stay numbers, to the cent


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=12),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=20,
        ),
        max_size=6,
    )
)
def test_link_token_round_trips_any_scenario_mapping(mapping):
    token = codec.to_url_token(mapping)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", token)  # safe in a URL as is
    assert codec.from_url_token(token) == mapping


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("not-a-scenario", "not a scenario link"),
        (codec.to_url_token({"name": "x"})[:-6], "not a scenario link"),
        (base64.urlsafe_b64encode(zlib.compress(b"[1, 2]")).decode(), "not a scenario link"),
        (base64.urlsafe_b64encode(zlib.compress(b" " * (2 * 1024 * 1024))).decode(), "expands beyond"),
        ("A" * 20_000, "the limit is 16,384"),
    ],
)
def test_tampered_or_hostile_links_are_refused_with_a_reason(token, expected):
    with pytest.raises(InputError, match=expected):
        codec.from_url_token(token)


def test_yaml_round_trip_keeps_order_and_refuses_non_mappings():
    mapping = {"name": "n", "workload": {"requests_per_month": 3, "input_tokens": 1}, "options": []}
    assert list(codec.from_yaml(codec.to_yaml(mapping), "s.yaml")) == ["name", "workload", "options"]
    with pytest.raises(InputError, match=r"s\.yaml: expected a mapping"):
        codec.from_yaml("- 1\n- 2\n", "s.yaml")
    with pytest.raises(InputError, match=r"s\.yaml"):
        codec.from_yaml("!!python/object/apply:os.system ['echo hi']", "s.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1, 2, 3", "got 3"),
        ("a, " * 23 + "a", "numbers"),
        (", ".join(["0"] * 24), "24 non-negative"),
        (", ".join(["-1"] + ["1"] * 23), "24 non-negative"),
    ],
)
def test_daily_curve_input_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_curve(text)


@given(st.lists(st.tuples(st.floats(0.01, 100), st.none() | st.floats(0, 100)), min_size=1, max_size=20))
def test_pareto_front_holds_exactly_the_undominated_options(points):
    costs = [c for c, _ in points]
    scores = [s for _, s in points]
    front = set(pareto_front(costs, scores))

    def dominated(i: int) -> bool:
        return any(
            scores[j] is not None
            and costs[j] <= costs[i]
            and scores[j] >= scores[i]
            and ((costs[j], -scores[j]) < (costs[i], -scores[i]) or j < i)  # ties: the first one stands for all
            for j in range(len(points))
        )

    for i, score in enumerate(scores):
        if score is None:
            assert i not in front
        elif i not in front:
            assert dominated(i)
        else:
            assert not any(
                scores[j] is not None and costs[j] <= costs[i] and scores[j] > scores[i] for j in range(len(points))
            )
