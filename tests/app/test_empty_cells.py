"""Issue 27, "no None anywhere": Streamlit draws a grey "None" in every empty cell of a table unless the table names
its own placeholder. Every table and editable grid on every page (and every Compare tab) names one, and the SLO grid
says what an empty bound means."""

from __future__ import annotations

import pytest

from tests.app.test_app import PAGES, open_app

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
