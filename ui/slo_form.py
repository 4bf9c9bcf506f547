"""The Compare page's SLO and capacity form: presets, a bounds table, planning utilisation and spares."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from tco.records.assumptions import CapacityPolicy
from tco.records.scenario import Slo
from tco.records.slo_presets import PRESETS, preset
from tco.records.units import Seconds
from ui import state
from ui.forms import NumberField, default_help, key, number_fields, table_editor

SLO_METRICS = {"TTFT": "ttft", "ITL": "itl", "E2E": "e2e"}
ITL_WORDS = (
    "ITL is each request's time per output token after the first, (E2E − TTFT) / (output tokens − 1): what AIPerf, "
    'genai-perf and guidellm call inter-token latency and vLLM calls TPOT (`p99_tpot_ms`). vLLM\'s own "ITL" '
    "(`p99_itl_ms`, the gap between streamed chunks) is another figure: profiles keep it apart, as `chunk_gap_s`."
)
"""What an ITL bound bounds, in words (docs/formats.md's definition), wherever a bound on it is shown."""
PERCENTILES = ("p50", "p90", "p99")
PERCENTILE_WORDS = {"p50": "median (50th percentile)", "p90": "90th percentile", "p99": "99th percentile"}
BOUND_RANGE_S = (
    next(m.ge for m in Seconds.__metadata__[0].metadata if hasattr(m, "ge")),
    next(m.le for m in Seconds.__metadata__[0].metadata if hasattr(m, "le")),
)
"""A bound's range in seconds, the engine's own (`tco.records.units.Seconds`): 0.1 ms to a day."""


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
        # each with its bounds: a reviewer took "Chat" for the example's own "chat SLO" (TTFT p99 ≤ 2 s), and its
        # 0.15 s changed the answer
        format_func=lambda name: name if name == "No latency bound" else f"{name}: {summary(preset(name).slo)}",
        placeholder="Keep the scenario's bounds",
        key=key("slo.preset"),
        on_change=_apply_preset,
        help=f"Presets: {PRESETS[0].source}.",
    )
    edited = table_editor(
        "slo.table",
        lambda: _slo_frame(slo),
        placeholder="no bound",
        disabled=["metric"],
        column_config={
            p: st.column_config.NumberColumn(
                f"{p} (s)",
                min_value=0.0,
                format="%g",
                help=f"The bound, in seconds, on the {PERCENTILE_WORDS[p]}: {p} ≤ bound means "
                f"{'half' if p == 'p50' else p.removeprefix('p') + ' %'} of requests are at or under it",
            )
            for p in PERCENTILES
        },
    )
    data["slo"], refused = read_bounds(edited.to_dict("records"), slo)
    if refused:
        st.error(refusal(refused, data["slo"]), icon=":material/error:")
    st.caption(
        'Seconds; an empty cell (it reads "no bound") bounds nothing. TTFT to the first token, ITL per output '
        "token, E2E per request. A level must meet every bound with no failed requests; bounds a profile cannot "
        f"show rule its levels out. {ITL_WORDS}"
    )


def read_bounds(rows: list[dict[str, Any]], previous: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """The bounds table's rows as the scenario's `slo`, and the cells refused (e.g. 'TTFT p99 = 0 s').

    A blank cell is no bound. A cell outside BOUND_RANGE_S, 0 above all, is refused rather than read: a 0-second
    latency is met by no level, so a 0 is a slip, and reading it as "no bound" (as this form once did, silently)
    would turn a bound the user meant to tighten into none. A refused cell keeps the bound the scenario had there
    (none if it had none) until the cell is blank or holds seconds in range."""
    low, high = BOUND_RANGE_S
    new: dict[str, float] = {}
    refused = []
    for row in rows:
        metric = SLO_METRICS[row["metric"]]
        for p in PERCENTILES:
            name, value = f"{metric}_{p}_s", row[p]
            if pd.isna(value):
                continue
            if low <= value <= high:
                new[name] = float(value)
                continue
            refused.append(f"{row['metric']} {p} = {value:g} s")
            kept = previous.get(name)
            if isinstance(kept, int | float) and low <= kept <= high:
                new[name] = float(kept)
    return new, refused


def refusal(refused: list[str], kept: dict[str, float]) -> str:
    """What the form says about refused cells: which, the expected form, and what the scenario holds instead."""
    low, high = BOUND_RANGE_S
    holds = []
    for cell in refused:
        label, p = cell.split(" = ")[0].split()
        bound = kept.get(f"{SLO_METRICS[label]}_{p}_s")
        holds.append(f"{label} {p} ≤ {bound:g} s" if bound is not None else f"no {label} {p} bound")
    return (
        f"SLO table: {'; '.join(refused)} not applied: a bound is seconds from {low:g} to {high:,.0f} (no level has "
        f"a latency of 0 s, so a 0 would rule out every one). Clear the cell for no bound. The scenario keeps "
        f"{' and '.join([', '.join(holds[:-1]), holds[-1]] if len(holds) > 1 else holds)} until then."
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
