"""The Compare page's workload form: volume, request classes, peak or 24-hour curve, growth, horizon."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from datafiles import InputError, parse_as
from tco.finance.volume_ranges import volume_words
from tco.records.scenario import MAX_PEAK_TO_AVERAGE, RequestClass, Workload
from ui import charts, state
from ui.amounts import parse_amount, with_separators
from ui.forms import default_help, key, number, replace_choice, seeded, table_editor, tidy

CLASS_COLUMNS = (
    "name",
    "share",
    "input_tokens",
    "output_tokens",
    "cached_input_share",
    "cache_write_tokens",
    "batch_share",
)


SPREAD_KEYS = ("input_histogram", "input_percentiles")
"""A class's input-length spread: kept as the file gave it (edited in the file); the table shows its mean."""
KEPT_KEYS = (*SPREAD_KEYS, "slo")
"""Kept from the class of the same name when the table is written back (edited in the file)."""
GATE = "min_score"
"""The table's column for a class's own quality gate: its minimum score on the gate's benchmark (blank: the
scenario's gate). Written as the class's `quality: {benchmark, min_score}`."""


def _mean_input(cls: dict[str, Any]) -> float | None:
    if cls.get("input_tokens") is not None:
        return cls["input_tokens"]
    try:
        return parse_as(RequestClass, cls, "class").input_tokens
    except InputError:
        return None


def _classes_frame(workload: dict[str, Any]) -> pd.DataFrame:
    if workload.get("classes"):
        rows = [{c: cls.get(c) for c in CLASS_COLUMNS} | {"input_tokens": _mean_input(cls), GATE: _min_score(cls)}
                for cls in workload["classes"] if isinstance(cls, dict)]  # fmt: skip
    else:
        rows = [{"name": "all", "share": 1.0, **{c: workload.get(c) for c in CLASS_COLUMNS[2:]}}]
    frame = pd.DataFrame(rows, columns=[*CLASS_COLUMNS, GATE])
    for column in [*CLASS_COLUMNS[1:], GATE]:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    defaults = {"cached_input_share": 0.0, "cache_write_tokens": 0.0, "batch_share": 0.0}
    return frame.fillna(defaults)


def _min_score(cls: dict[str, Any]) -> float | None:
    quality = cls.get("quality")
    return quality.get("min_score") if isinstance(quality, dict) else None


def _write_classes(workload: dict[str, Any], frame: pd.DataFrame, benchmark: str = "gpqa_diamond") -> None:
    """One row: flat fields on the workload; several (or a class gate): `classes`. Untouched when nothing changed.
    A class's gate column becomes its `quality` on `benchmark` (the scenario gate's), or the class's own."""
    class_keys = ("classes", *CLASS_COLUMNS[2:])
    optional = {"cached_input_share", "cache_write_tokens", "batch_share"}
    records = [r for r in frame.to_dict("records") if not pd.isna(r.get("input_tokens"))]
    clean = [
        {c: tidy(r[c]) for c in CLASS_COLUMNS if not pd.isna(r.get(c)) and not (c in optional and r[c] == 0)}
        for r in records
    ]
    spreads = {c.get("name"): c for c in workload.get("classes") or () if isinstance(c, dict)}
    for row, record in zip(clean, records, strict=True):
        old_class = spreads.get(row.get("name"), {})
        for k in KEPT_KEYS:
            if k in old_class:
                row[k] = old_class[k]
        quality = dict(old_class.get("quality") or {})
        if not pd.isna(record.get(GATE)):
            gate = tidy(record[GATE])
            row["quality"] = {"benchmark": quality.get("benchmark", benchmark), **quality, "min_score": gate}
        elif quality.get("min_success_rate") is not None:
            row["quality"] = {k: v for k, v in quality.items() if k != "min_score"}
        derived = any(k in old_class for k in SPREAD_KEYS) and "input_tokens" not in old_class
        if derived and row.get("input_tokens") == tidy(_mean_input(old_class)):
            row.pop("input_tokens")  # the mean shown, untouched: the file keeps deriving it
    single = len(clean) == 1 and not any(k in clean[0] for k in (*KEPT_KEYS, "quality"))
    new = {c: v for c, v in clean[0].items() if c not in ("name", "share")} if single else {"classes": clean}
    old = {k: workload[k] for k in class_keys if k in workload}
    old_flat = {k: v for k, v in old.items() if not (k in optional and v == 0)}
    if new == old_flat:
        return
    for k in class_keys:
        workload.pop(k, None)
    workload.update(new)


def _tokens_per_request(workload: dict[str, Any]) -> float | None:
    try:
        return parse_as(Workload, workload, "workload").tokens_per_request
    except InputError:
        return None


def _convert_volume() -> None:
    """Switching requests <-> tokens keeps the same demand: the amount is converted, not reinterpreted."""
    per_request = _tokens_per_request(state.data().get("workload", {}))
    if per_request is None:
        return
    to_tokens = st.session_state[key("volume_basis")] == "tokens/month"
    try:
        amount = parse_amount(st.session_state[key("volume")])
    except ValueError:
        return
    st.session_state[key("volume")] = with_separators(
        round(amount * per_request if to_tokens else amount / per_request)
    )


MAX_VOLUME = 1e15


def render_key_inputs(data: dict[str, Any]) -> None:
    """The numbers a decision turns on, in one row above the answer: volume, growth, horizon."""
    workload = data.setdefault("workload", {})
    basis_col, volume_col, growth_col, horizon_col = st.columns([1.3, 1.6, 1, 1])
    basis = basis_col.radio(
        "Volume in",
        ["requests/month", "tokens/month"],
        key=seeded(
            "volume_basis",
            "tokens/month" if "tokens_per_month" in workload else "requests/month",
            ("requests/month", "tokens/month"),
        ),
        on_change=_convert_volume,
    )
    amount_now = workload.get("tokens_per_month") or workload.get("requests_per_month") or 1_000_000
    text = volume_col.text_input(
        f"First-month volume ({basis})",
        key=seeded("volume", with_separators(float(amount_now))),
        help="Type 3,000,000 or 3M, 750k, 1.2B. Tokens count input + output; whole requests are what the fleet "
        "and the APIs serve.",
    )
    try:
        amount = parse_amount(text)
        if amount > MAX_VOLUME:
            raise ValueError(f"at most {MAX_VOLUME:,.0f} a month")
    except ValueError as err:
        volume_col.error(f"Volume: {err}; the last valid volume is kept.")
    else:
        volume_col.caption(f"= {with_separators(amount)} {basis} ({volume_words(amount)})")
        chosen = "requests_per_month" if basis == "requests/month" else "tokens_per_month"
        replace_choice(workload, ("requests_per_month", "tokens_per_month"), chosen, float(round(amount)))
    number(
        "Growth a month (%)",
        data,
        ("workload", "monthly_growth"),
        0.0,
        scale=100,
        container=growth_col,
        min_value=-50.0,
        max_value=100.0,
        step=1.0,
    )
    number(
        "Horizon (months)",
        data,
        ("horizon_months",),
        36,
        container=horizon_col,
        min_value=1.0,
        max_value=120.0,
        step=1.0,
        format="%.0f",
        help=default_help("horizon_months"),
    )


def curve_with_peak(peak_to_average: float) -> list[float]:
    """A business-hours day (peak from 09:00 UTC) whose peak-to-average ratio is the one given.

    >>> curve = curve_with_peak(3.0)
    >>> max(curve) / (sum(curve) / 24)
    3.0
    """
    hours = max(1, min(8, int(24 // peak_to_average)))
    base = (24 - hours * peak_to_average) / (24 - hours)
    return [round(peak_to_average if 9 <= h < 9 + hours else base, 4) for h in range(24)]


def _seed_curve() -> None:
    workload = state.data().get("workload", {})
    if st.session_state[key("peak_kind")] == "24-hour curve" and not workload.get("daily_curve"):
        curve = curve_with_peak(float(workload.get("peak_to_average") or 2.0))
        st.session_state[key("daily_curve")] = ", ".join(f"{v:g}" for v in curve)


def render(data: dict[str, Any]) -> None:
    """Request classes and the peak: the workload's shape (volume, growth and horizon are above the answer)."""
    workload = data.setdefault("workload", {})
    shape = st.radio(
        "Peak load",
        ["peak-to-average ratio", "24-hour curve"],
        key=seeded(
            "peak_kind",
            "24-hour curve" if workload.get("daily_curve") else "peak-to-average ratio",
            ("peak-to-average ratio", "24-hour curve"),
        ),
        horizontal=True,
        on_change=_seed_curve,
    )
    if shape == "peak-to-average ratio":
        workload.pop("daily_curve", None)
        number(
            "Peak-to-average ratio",
            data,
            ("workload", "peak_to_average"),
            2.0,
            min_value=1.0,
            max_value=MAX_PEAK_TO_AVERAGE,
            step=0.1,
            help="The busiest hour's load over the mean; the fleet is sized for the peak. "
            + default_help("peak_to_average"),
        )
    else:
        _curve_input(workload, st)
    st.caption(
        "Request classes: mean tokens per request; input includes cached tokens, output includes reasoning. "
        "Add rows for a mix (shares add up to 1)."
    )
    edited = table_editor(
        "classes",
        lambda: _classes_frame(workload),
        num_rows="dynamic",
        column_config={
            "name": st.column_config.TextColumn(
                "name", help="The request class's name (e.g. faq, escalations): it names the class in the results"
            ),
            "share": st.column_config.NumberColumn(
                "share", min_value=0.0, max_value=1.0, format="%.2f", help="Its share of the requests (all add to 1)"
            ),
            "input_tokens": st.column_config.NumberColumn(
                "input", min_value=1.0, format="localized", help="Mean input tokens per request, cached ones included"
            ),
            "output_tokens": st.column_config.NumberColumn(
                "output", min_value=1.0, format="localized", help="Mean output tokens per request, reasoning included"
            ),
            "cached_input_share": st.column_config.NumberColumn(
                "cached share",
                min_value=0.0,
                max_value=1.0,
                format="%.2f",
                help="Share of input tokens read from cache",
            ),
            "cache_write_tokens": st.column_config.NumberColumn(
                "cache writes", min_value=0.0, format="localized", help="Input tokens written to the cache per request"
            ),
            "batch_share": st.column_config.NumberColumn(
                "batch share", min_value=0.0, max_value=1.0, format="%.2f", help="Share sent through batch APIs"
            ),
            GATE: st.column_config.NumberColumn(
                "own gate",
                min_value=0.0,
                max_value=100.0,
                format="%g",
                help="This class's own quality gate: the lowest score on the gate's benchmark an option may have to "
                "serve it (blank: the scenario's gate). The Best mix tab sends each class only to options that pass",
            ),
        },
    )
    _write_classes(workload, edited, (data.get("quality") or {}).get("benchmark", "gpqa_diamond"))


def parse_curve(text: str) -> tuple[float, ...]:
    """24 hourly loads, separated by commas or spaces.

    >>> len(parse_curve(", ".join(["1"] * 24)))
    24
    """
    parts = [p for p in re.split(r"[,\s;]+", text.strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError("use numbers separated by commas") from None
    if len(values) != 24 or min(values) < 0 or max(values) <= 0:
        raise ValueError(f"expected 24 non-negative numbers, one per UTC hour (got {len(values)})")
    return values


def _curve_input(workload: dict[str, Any], container: Any) -> None:
    current = workload.get("daily_curve") or [1.0] * 24
    text = container.text_input(
        "Load per UTC hour 0–23 (24 numbers, any scale)",
        key=seeded("daily_curve", ", ".join(f"{v:g}" for v in current)),
        help="The peak-to-average ratio comes from the curve; API time-of-day prices are weighted by it.",
    )
    try:
        curve = parse_curve(text)
    except ValueError as err:
        container.error(f"24-hour curve (workload.daily_curve): {err}")
        return
    replace_choice(workload, ("peak_to_average", "daily_curve"), "daily_curve", [tidy(v) for v in curve])
    charts.show(charts.daily_curve(curve), "daily-curve")
