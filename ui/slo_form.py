"""The Compare page's SLO and capacity form: presets, a bounds table, planning utilisation and spares."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from tco.records.scenario import CapacityPolicy, Slo
from tco.records.slo_presets import PRESETS, preset
from ui import state
from ui.forms import NumberField, default_help, key, number_fields, table_editor

SLO_METRICS = {"TTFT": "ttft", "ITL": "itl", "E2E": "e2e"}
PERCENTILES = ("p50", "p90", "p99")


def _slo_frame(slo: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {"metric": label, **{p: slo.get(f"{metric}_{p}_s") for p in PERCENTILES}}
        for label, metric in SLO_METRICS.items()
    ]
    frame = pd.DataFrame(rows)
    for p in PERCENTILES:
        frame[p] = pd.to_numeric(frame[p]).astype(float)
    return frame


def _apply_preset() -> None:
    choice = st.session_state[key("slo.preset")]
    data = state.data()
    data["slo"] = (
        {} if choice == "No latency bound" else {k: v for k, v in preset(choice).slo.__dict__.items() if v is not None}
    )
    state.reset_form(key("slo.table"))


def render(data: dict[str, Any]) -> None:
    slo = data.setdefault("slo", {})
    st.selectbox(
        "Start from a preset",
        [p.name for p in PRESETS] + ["No latency bound"],
        index=None,
        placeholder="Keep the scenario's bounds",
        key=key("slo.preset"),
        on_change=_apply_preset,
        help=f"Presets: {PRESETS[0].source}.",
    )
    edited = table_editor(
        "slo.table",
        lambda: _slo_frame(slo),
        disabled=["metric"],
        column_config={p: st.column_config.NumberColumn(f"{p} (s)", min_value=0.0, format="%.3f") for p in PERCENTILES},
    )
    new = {}
    for row in edited.to_dict("records"):
        metric = SLO_METRICS[row["metric"]]
        for p in PERCENTILES:
            if not pd.isna(row[p]) and row[p] > 0:
                new[f"{metric}_{p}_s"] = float(row[p])
    data["slo"] = new
    st.caption(
        "Seconds; blank = no bound. TTFT to the first token, ITL per output token, E2E per request. "
        "A level must meet every bound with no failed requests; bounds a profile cannot show rule its levels out."
    )


def render_capacity(data: dict[str, Any]) -> None:
    st.markdown("**Capacity policy**")
    number_fields(
        data,
        "capacity",
        CapacityPolicy(),
        [
            NumberField(
                "Planning utilisation (% of SLO throughput)",
                "planning_utilization",
                percent=True,
                max_value=100,
                help=default_help("planning_utilization"),
            ),
            NumberField(
                "Spare replicas (HA)", "ha_spare_replicas", max_value=64, help=default_help("ha_spare_replicas")
            ),
            NumberField("Minimum replicas", "min_replicas", max_value=1024),
        ],
        columns=3,
    )


def summary(slo: Slo) -> str:
    bounds = [f"{m.removesuffix('_s').upper()} {p} ≤ {b:g} s" for m, p, b in slo.bounds()]
    return ", ".join(bounds) or "no latency bound"
