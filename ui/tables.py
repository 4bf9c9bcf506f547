"""Result tables and notes for display (downloads are built by cli.report)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from cli.report import ranked
from tco import ScenarioResult
from tco.defaults import DEFAULT_SOURCES
from tco.results import OptionResult

_MONEY = st.column_config.NumberColumn(format="dollar")
OPTION_COLUMNS = {
    "monthly cost (month 1)": _MONEY,
    "total cost": _MONEY,
    "NPV of cost": _MONEY,
    "$/Mtok": st.column_config.NumberColumn(format="$%.3f"),
    "$/request": st.column_config.NumberColumn(format="$%.5f"),
    "utilisation": st.column_config.NumberColumn(format="percent"),
    "quality": st.column_config.NumberColumn(format="%.1f"),
}


def throughput_basis(option: OptionResult) -> str:
    """'measured', or e.g. 'published, modelled ±25 %': where X* comes from and how far to trust it."""
    cap = option.capacity
    if cap is None or cap["method"] in ("measured", "none") or cap["method"] == option.capacity_basis:
        return option.capacity_basis
    error = f" ±{cap['expected_error']:.0%}" if cap.get("expected_error") else ""
    return f"{option.capacity_basis}, {cap['method']}{error}"


def usd(value: float) -> str:
    """Whole dollars with the sign before the symbol: -$807,094.

    >>> usd(-807094.4)
    '-$807,094'
    """
    return f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def escape_markdown(text: str) -> str:
    """ "$" would start LaTeX in Streamlit markdown."""
    return text.replace("$", r"\$")


def options_frame(result: ScenarioResult) -> pd.DataFrame:
    rows = []
    for o in ranked(result):
        rows.append(
            {
                "option": o.id,
                "kind": o.ownership or o.kind,
                "monthly cost (month 1)": o.first_month_cost_usd,
                "total cost": o.total_cost_usd,
                "NPV of cost": o.npv_cost_usd,
                "$/Mtok": o.usd_per_mtok,
                "$/request": o.usd_per_request,
                "GPUs billed": o.gpus_billed_first_month,
                "GPUs serving": o.gpus_first_month,
                "utilisation": o.utilization_first_month,
                "SLO met": o.slo_met,
                "quality": o.quality_score,
                "throughput basis": throughput_basis(o),
            }
        )
    return pd.DataFrame(rows)


def frame(records: list[Any]) -> pd.DataFrame:
    """Dataclass records as a table, one column per field."""
    return pd.DataFrame([r.__dict__ for r in records])


def notes(result: ScenarioResult) -> None:
    with st.expander("Notes: estimates, extrapolations, sources"):
        for option in ranked(result):
            st.markdown(f"**{option.id}** — {escape_markdown(option.label)}")
            for note in option.notes:
                st.markdown(f"- {escape_markdown(note)}")
            if option.quality_score is not None:
                st.caption(f"quality score: {option.quality_source}")


def assumptions(result: ScenarioResult) -> None:
    with st.expander("Defaults and their sources"):
        st.dataframe(
            pd.DataFrame({"default": list(DEFAULT_SOURCES), "value and source": list(DEFAULT_SOURCES.values())}),
            hide_index=True,
            width="stretch",
        )
        st.caption(f"Months: {result.assumptions['months'][0]} to {result.assumptions['months'][-1]}")
