"""Widgets bound to the scenario mapping: each reads its first value from the scenario and writes back.

Keys start with `state.FORM_PREFIX`, so loading another scenario resets every widget. Values are
written only when they differ from what the scenario holds (or its default), so a saved file keeps
the user's own layout instead of every default spelled out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from datafiles import InputError, parse_as
from tco.scenario import DEFAULT_SOURCES, CapacityPolicy, Slo, Workload
from tco.slo_presets import PRESETS, preset
from ui import loaders, options_table, state

CLASS_COLUMNS = (
    "name",
    "share",
    "input_tokens",
    "output_tokens",
    "cached_input_share",
    "cache_write_tokens",
    "batch_share",
)
SLO_METRICS = {"TTFT": "ttft", "ITL": "itl", "E2E": "e2e"}
PERCENTILES = ("p50", "p90", "p99")
TERMS = {
    "Rent on demand": "on_demand",
    "Rent, 1-year reserved": "reserved_1y",
    "Rent, 3-year reserved": "reserved_3y",
    "Rent spot": "spot",
    "Buy (own the servers)": "owned",
}


def key(name: str) -> str:
    return state.FORM_PREFIX + name


def seeded(name: str, initial: Any) -> str:
    """The widget key for `name`, seeded with `initial` the first time the widget is drawn."""
    full = key(name)
    if full not in st.session_state:
        st.session_state[full] = initial
    return full


def tidy(value: Any) -> Any:
    """Whole floats as ints, so a saved YAML reads `3000000`, not `3000000.0`."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _get(mapping: dict[str, Any], path: tuple[str, ...], default: Any) -> Any:
    for part in path[:-1]:
        mapping = mapping.get(part) or {}
    return mapping.get(path[-1], default)


def _set(mapping: dict[str, Any], path: tuple[str, ...], value: Any, default: Any) -> None:
    """Write only a change: an untouched widget leaves the scenario exactly as it was loaded."""
    if _get(mapping, path, default) == value:
        return
    parent = mapping
    for part in path[:-1]:
        parent = parent.setdefault(part, {})
    parent[path[-1]] = tidy(value)


def replace_choice(mapping: dict[str, Any], choices: tuple[str, ...], chosen: str, value: Any) -> None:
    """Set one of mutually exclusive keys (e.g. requests_per_month / tokens_per_month), keeping its place."""
    if mapping.get(chosen) == value:
        return
    items = list(mapping.items())
    at = next((i for i, (k, _) in enumerate(items) if k in choices), len(items))
    items = [(k, v) for k, v in items if k not in choices]
    items.insert(min(at, len(items)), (chosen, tidy(value)))
    mapping.clear()
    mapping.update(items)


def number(
    label: str,
    data: dict[str, Any],
    path: tuple[str, ...],
    default: float,
    *,
    scale: float = 1.0,
    container: Any = st,
    **kwargs: Any,
) -> float:
    """A number input bound to data[path]; `scale` shows shares as percent (100). Returns the scenario value."""
    current = _get(data, path, default)
    shown = container.number_input(label, key=seeded(".".join(path), float(current) * scale), **kwargs)
    value = shown / scale
    _set(data, path, value, default)
    return value


def table_editor(name: str, build: Callable[[], pd.DataFrame], **kwargs: Any) -> pd.DataFrame:
    """An `st.data_editor` whose edits survive reruns and page changes.

    The editor's input table is built from the scenario once and kept (`<name>.base`): handing it a
    table rebuilt from its own output would apply the edits twice. When the editor was not drawn on
    the last run (another page, a new scenario), the table is rebuilt from the scenario, which holds
    every edit made so far.
    """
    editor, base = key(name), key(f"{name}.base")
    if editor not in st.session_state or base not in st.session_state:
        st.session_state[base] = build()
    return st.data_editor(st.session_state[base], key=editor, hide_index=True, width="stretch", **kwargs)


@dataclass(frozen=True)
class NumberField:
    """A number input for one field of a scenario section; shares shown as percent when `percent`."""

    label: str
    field: str
    percent: bool = False
    max_value: float | None = None
    help: str | None = None


def number_fields(
    data: dict[str, Any], section: str, defaults: object, fields: list[NumberField], columns: int
) -> None:
    """Inputs for `data[section][field]`, defaults read from the section's record, laid out in columns."""
    cols = st.columns(columns)
    for i, f in enumerate(fields):
        default = getattr(defaults, f.field)
        whole = isinstance(default, int)
        number(
            f.label,
            data,
            (section, f.field),
            default,
            scale=100 if f.percent else 1,
            container=cols[i % columns],
            min_value=0.0,
            max_value=None if f.max_value is None else float(f.max_value),
            step=1.0 if whole or f.percent else None,
            format="%.0f" if whole else None,
            help=f.help,
        )


def default_help(name: str) -> str:
    return f"Default: {DEFAULT_SOURCES[name]}"


# --- workload ------------------------------------------------------------------------------------


def _classes_frame(workload: dict[str, Any]) -> pd.DataFrame:
    if workload.get("classes"):
        rows = [{c: cls.get(c) for c in CLASS_COLUMNS} for cls in workload["classes"]]
    else:
        rows = [{"name": "all", "share": 1.0, **{c: workload.get(c) for c in CLASS_COLUMNS[2:]}}]
    frame = pd.DataFrame(rows, columns=list(CLASS_COLUMNS))
    for column in CLASS_COLUMNS[1:]:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    defaults = {"cached_input_share": 0.0, "cache_write_tokens": 0.0, "batch_share": 0.0}
    return frame.fillna(defaults)


def _write_classes(workload: dict[str, Any], frame: pd.DataFrame) -> None:
    """One row: flat fields on the workload; several: `classes`. Untouched when nothing changed."""
    class_keys = ("classes", *CLASS_COLUMNS[2:])
    optional = {"cached_input_share", "cache_write_tokens", "batch_share"}
    clean = [
        {c: tidy(r[c]) for c in CLASS_COLUMNS if not pd.isna(r.get(c)) and not (c in optional and r[c] == 0)}
        for r in frame.to_dict("records")
        if not pd.isna(r.get("input_tokens"))
    ]
    single = len(clean) == 1
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
    amount = st.session_state[key("volume")]
    st.session_state[key("volume")] = float(round(amount * per_request if to_tokens else amount / per_request))


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


def workload_form(data: dict[str, Any]) -> None:
    workload = data.setdefault("workload", {})
    left, middle, right = st.columns(3)
    basis = left.radio(
        "Volume in",
        ["requests/month", "tokens/month"],
        key=seeded("volume_basis", "tokens/month" if "tokens_per_month" in workload else "requests/month"),
        horizontal=True,
        on_change=_convert_volume,
    )
    amount_now = workload.get("tokens_per_month") or workload.get("requests_per_month") or 1_000_000
    amount = left.number_input(
        f"Volume ({basis}, first month)",
        min_value=1.0,
        step=100_000.0,
        format="%.0f",
        key=seeded("volume", float(amount_now)),
        help="Tokens count input + output. Whole requests are what the fleet and the APIs serve.",
    )
    chosen = "requests_per_month" if basis == "requests/month" else "tokens_per_month"
    replace_choice(workload, ("requests_per_month", "tokens_per_month"), chosen, amount)

    shape = middle.radio(
        "Peak load",
        ["peak-to-average ratio", "24-hour curve"],
        key=seeded("peak_kind", "24-hour curve" if workload.get("daily_curve") else "peak-to-average ratio"),
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
            container=middle,
            min_value=1.0,
            max_value=20.0,
            step=0.1,
            help=default_help("peak_to_average"),
        )
    else:
        _curve_input(workload, middle)
    number(
        "Monthly growth (%)",
        data,
        ("workload", "monthly_growth"),
        0.0,
        scale=100,
        container=right,
        min_value=-50.0,
        max_value=100.0,
        step=1.0,
    )
    number(
        "Horizon (months)",
        data,
        ("horizon_months",),
        36,
        container=right,
        min_value=1.0,
        max_value=120.0,
        step=1.0,
        format="%.0f",
        help=default_help("horizon_months"),
    )
    st.caption(
        "Request classes: mean tokens per request; input includes cached tokens, output includes reasoning. "
        "Add rows for a mix (shares add up to 1)."
    )
    edited = table_editor(
        "classes",
        lambda: _classes_frame(workload),
        num_rows="dynamic",
        column_config={
            "share": st.column_config.NumberColumn("share", min_value=0.0, max_value=1.0, format="%.2f"),
            "input_tokens": st.column_config.NumberColumn("input tokens", min_value=1.0, format="%.0f"),
            "output_tokens": st.column_config.NumberColumn("output tokens", min_value=1.0, format="%.0f"),
            "cached_input_share": st.column_config.NumberColumn(
                "cached share",
                min_value=0.0,
                max_value=1.0,
                format="%.2f",
                help="Share of input tokens read from cache",
            ),
            "cache_write_tokens": st.column_config.NumberColumn(
                "cache-write tokens", min_value=0.0, format="%.0f", help="Input tokens written to the cache per request"
            ),
            "batch_share": st.column_config.NumberColumn(
                "batch share", min_value=0.0, max_value=1.0, format="%.2f", help="Share sent through batch APIs"
            ),
        },
    )
    _write_classes(workload, edited)


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
        container.error(f"workload.daily_curve: {err}")
        return
    replace_choice(workload, ("peak_to_average", "daily_curve"), "daily_curve", [tidy(v) for v in curve])


# --- SLO -----------------------------------------------------------------------------------------


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


def slo_form(data: dict[str, Any]) -> None:
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


def capacity_form(data: dict[str, Any]) -> None:
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


def slo_summary(slo: Slo) -> str:
    bounds = [f"{m.removesuffix('_s').upper()} {p} ≤ {b:g} s" for m, p, b in slo.bounds()]
    return ", ".join(bounds) or "no latency bound"


# --- options -------------------------------------------------------------------------------------


def _unique_id(data: dict[str, Any], wanted: str) -> str:
    taken = {o["id"] for o in data.get("options", [])}
    base = re.sub(r"[^a-z0-9._-]+", "-", wanted.lower()).strip("-") or "option"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_api_option(data: dict[str, Any], provider: str, model: str) -> str:
    option_id = _unique_id(data, model.split("/")[-1])
    data.setdefault("options", []).append({"id": option_id, "kind": "api", "provider": provider, "model": model})
    return option_id


def add_self_hosted_option(
    data: dict[str, Any],
    model: str,
    gpu: str,
    term: str,
    profile: str | None,
    gpus_per_replica: int | None,
    autoscale: bool,
    implementation_usd: float,
) -> str:
    option_id = _unique_id(data, f"{model}-{gpu}-{term}")
    option: dict[str, Any] = {"id": option_id, "kind": "self_hosted", "model": model, "gpu": gpu}
    if profile:
        option["profile"] = profile
    if gpus_per_replica:
        option["gpus_per_replica"] = int(gpus_per_replica)
    if term == "owned":
        option["ownership"] = {}
    else:
        option["term"] = term
    if autoscale:
        option["autoscale"] = True
    if implementation_usd:
        option["implementation_usd"] = tidy(float(implementation_usd))
    data.setdefault("options", []).append(option)
    return option_id


def _on_add_api() -> None:
    choice = st.session_state.get(key("add.api"))
    state.reset_form(key("options.table"))
    if choice:
        provider, model = choice.split(" / ", 1)
        add_api_option(state.data(), provider, model)


def _on_add_self_hosted() -> None:
    state.reset_form(key("options.table"))
    s = st.session_state
    profiles = s.get(key("add.profiles"), {})
    add_self_hosted_option(
        state.data(),
        s[key("add.model")],
        s[key("add.gpu")],
        TERMS[s[key("add.term")]],
        profiles.get(s[key("add.profile")]),
        s[key("add.gpus")] or None,
        s[key("add.autoscale")],
        s[key("add.implementation")],
    )


def options_form(data: dict[str, Any]) -> None:
    st.caption(
        "Edit pricing, GPUs and costs in place; select rows and press Delete to remove options. "
        "Blank cells take the defaults (GPU sheet, profile, ops staff cost, ownership defaults)."
    )
    options = data.setdefault("options", [])
    edited = table_editor(
        "options.table",
        lambda: options_table.to_frame(options),
        num_rows="delete",
        disabled=["id", "kind", "model", "throughput"],
        column_config=options_table.column_config([g.id for g in loaders.catalogues().gpus.gpus]),
    )
    data["options"] = options_table.apply(options, edited)
    with st.expander("Add an API model", icon=":material/cloud:"), st.form(key("form.api"), border=False):
        st.selectbox(
            "Provider / model (type to search)",
            loaders.api_choices(loaders.catalogues().prices.version),
            index=None,
            placeholder="e.g. anthropic / claude-sonnet-4-6",
            key=key("add.api"),
        )
        st.form_submit_button("Add API option", on_click=_on_add_api)
    with st.expander("Add an open model on GPUs", icon=":material/memory:"):
        _self_hosted_form()


def _self_hosted_form() -> None:
    cat = loaders.catalogues()
    open_models = [m.id for m in cat.models.models if m.open_weights]
    model = st.selectbox("Open model to self-host", open_models, key=seeded("add.model", open_models[0]))
    profiles = {
        state.profile_label(ref, p): ref
        for ref, p in state.all_profiles().items()
        if p.meta.model.lower() == model.lower()
    }
    st.session_state[key("add.profiles")] = profiles
    with st.form(key("form.hosted"), border=False):
        left, right = st.columns(2)
        left.selectbox("GPU", [g.id for g in cat.gpus.gpus], key=key("add.gpu"))
        right.selectbox("Pricing", list(TERMS), key=key("add.term"))
        st.selectbox(
            "Throughput",
            [*profiles, "Roofline estimate (no measurement)"],
            key=key("add.profile"),
            help="A measured or published profile, or an upper-bound estimate from the model's shape and the GPU.",
        )
        left, right = st.columns(2)
        left.number_input(
            "GPUs per replica (0 = from the profile)", min_value=0, max_value=64, step=1, key=key("add.gpus")
        )
        right.number_input("One-time implementation (USD)", min_value=0.0, step=10_000.0, key=key("add.implementation"))
        st.checkbox("Autoscale replicas over the day (on-demand or spot only)", key=key("add.autoscale"))
        st.form_submit_button("Add self-hosted option", on_click=_on_add_self_hosted)
