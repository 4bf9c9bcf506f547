"""Result tables for display and download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cli.report import ranked
from tco import ScenarioResult

_MONEY = st.column_config.NumberColumn(format="dollar")
OPTION_COLUMNS = {
    "monthly cost (month 1)": _MONEY,
    "total cost": _MONEY,
    "NPV of cost": _MONEY,
    "$/Mtok": st.column_config.NumberColumn(format="$%.3f"),
    "$/request": st.column_config.NumberColumn(format="$%.5f"),
    "utilisation": st.column_config.NumberColumn(format="percent"),
}


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
                "GPUs": o.gpus_first_month,
                "utilisation": o.utilization_first_month,
                "SLO met": o.slo_met,
                "quality": o.quality_score,
                "throughput basis": o.capacity_basis,
            }
        )
    return pd.DataFrame(rows)


def breakdown_frame(result: ScenarioResult) -> pd.DataFrame:
    rows = [
        {"option": o.id, "component": k, "usd": v}
        for o in ranked(result)
        for k, v in o.breakdown_first_month_usd.items()
        if v
    ]
    return pd.DataFrame(rows)
