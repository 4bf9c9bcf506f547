"""Issue 27, "no None anywhere": Streamlit draws a grey "None" in every empty cell of a table unless the table names
its own placeholder. Every table and editable grid on every page (and every Compare tab) names one, and the SLO grid
says what an empty bound means."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scenario_io import codec
from tests.app.app_helpers import PAGES, engine, example, open_app
from tests.conftest import SCENARIOS
from ui.tables import escape_markdown

COMPARE_TABS = ("Workload", "SLO & capacity", "Options", "Cost breakdown", "Best mix")


def _tables(at) -> list[tuple[list[str], str | None]]:
    return [
        (list(d.value.columns), d.proto.placeholder if d.proto.HasField("placeholder") else None) for d in at.dataframe
    ]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "compare"])
def test_every_table_on_a_page_names_its_empty_cell(page):
    at = open_app(page)
    assert not at.exception
    unnamed = [columns for columns, placeholder in _tables(at) if placeholder is None]
    assert unnamed == [], f"{page}: tables that would draw 'None' in empty cells: {unnamed}"


@pytest.mark.parametrize("tab", COMPARE_TABS)
def test_every_table_on_each_compare_tab_names_its_empty_cell(tab):
    at = open_app(tab=tab)
    assert not at.exception
    tables = _tables(at)
    assert tables, tab
    unnamed = [columns for columns, placeholder in tables if placeholder is None]
    assert unnamed == [], f"{tab}: tables that would draw 'None' in empty cells: {unnamed}"
    if tab == "SLO & capacity":
        slo = next(placeholder for columns, placeholder in tables if columns[:2] == ["metric", "p50"])
        assert slo == "no bound"  # a blank bound is no bound: the grid says so in the cell


def test_the_quality_sources_a_cell_would_cut_are_written_out_in_full(catalogues):
    """Issue 27, "no cut cell": the quality table names who measured each score in a short column; each option's
    source in full ("first party (Z.ai); GLM-5 model card benchmark table, 2026-02-11, thinking") is listed under it."""
    at = open_app("quality")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "measured by" in d.value.columns)
    listed = next(c.value for c in at.caption if c.value.startswith("Where each score comes from:"))
    result = engine(example(), catalogues)
    for option in result.options:
        if option.quality_source:
            who = option.quality_source.partition("; ")[0]
            assert table.loc[table["option"] == option.id, "measured by"].item() == who
            assert escape_markdown(option.quality_source) in listed, option.id


@pytest.mark.parametrize(
    ("where", "scenario"),
    [(w, s) for s in SCENARIOS for w in (*[p for p in PAGES if p != "compare"], *COMPARE_TABS)],
    ids=lambda v: v.stem if isinstance(v, Path) else v,
)
def test_every_bundled_example_names_its_empty_cells(where, scenario):
    """The same on every bundled example: each has tables of its own (a distillation project, owned servers, a
    mix of classes), whose empty cells would otherwise read "None"."""
    token = codec.to_url_token(yaml.safe_load(scenario.read_text()))
    at = open_app(tab=where, s=token) if where in COMPARE_TABS else open_app(where, s=token)
    assert not at.exception
    unnamed = [columns for columns, placeholder in _tables(at) if placeholder is None]
    assert unnamed == [], f"{scenario.stem} {where}: tables that would draw 'None' in empty cells: {unnamed}"
