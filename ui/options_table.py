"""The scenario's options as one editable table: pricing, GPUs, one-time and fixed costs, owned-hardware terms.

A row per option, found again by its id. Cells left blank fall back to the scenario's defaults (the
ops staff cost, the GPU sheet, the ownership defaults in tco.records.defaults); deleting a row removes the option.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import streamlit as st

from pricing.gpus import TERM_WORDS
from tco.records.defaults import DEFAULT_SOURCES
from tco.records.scenario import Ownership

PRICING = {
    **{term: f"rent {words}" for term, words in TERM_WORDS.items()},
    "owned": "buy the servers",
    "custom": "rent at your own $/GPU-h",
}
"""The scenario's pricing of a self-hosted option → the words the grid shows (its choices)."""
PRICING_CODES = {words: code for code, words in PRICING.items()}
OWNERSHIP_FIELDS = {
    "server_usd": "server price (USD)",
    "life_years": "life (years)",
    "residual_share": "resale value (share)",
    "usd_per_kwh": "$/kWh",
    "pue": "power overhead (PUE)",
    "colo_usd_per_kw_month": "colocation $/kW-month",
}
OWNERSHIP_HELP = {
    "server_usd": "Your quote for one server",
    "life_years": "Years the servers are used, over which they are depreciated",
    "residual_share": "What the servers sell for at the end of their life, as a share of the price (0 to 1)",
    "usd_per_kwh": "Electricity price",
    "pue": "Power usage effectiveness: the data centre's total power over the servers' power (cooling and the rest)",
    "colo_usd_per_kw_month": "Colocation rent for each kW of power the contract provisions, a month",
}
NUMBERS = ("usd_per_gpu_hour", "gpus_per_replica", "implementation_usd", "fixed_usd_per_month", *OWNERSHIP_FIELDS)


def _pricing(option: dict[str, Any]) -> str | None:
    if option.get("kind") == "api":
        return None
    if option.get("ownership") is not None:
        return "owned"
    return option.get("term") or "custom"


def _profile_words(profile: str | None) -> str:
    """A profile by its name, not its path: "glm-5-h200-fp8 (bundled)"; none: where the capacity comes from."""
    if not profile:
        return "none: transferred or estimated"
    name = re.split(r"[\\/]", profile)[-1]
    return f"{re.sub(r'[.](ya?ml|json)$', '', name)} (bundled)" if "profiling/reference" in profile else name


def to_frame(options: list[dict[str, Any]]) -> pd.DataFrame:
    """API and self-hosted options; distilled ones have their own section (ui.distill_form)."""
    rows = []
    for o in options:
        if o.get("kind") == "distilled":
            continue
        api = o.get("kind") == "api"
        own = o.get("ownership") or {}
        rows.append(
            {
                "id": o["id"],
                "kind": "API" if api else "self-hosted",
                "model": f"{o['provider']} / {o['model']}" if api else o["model"],
                "gpu": None if api else o.get("gpu"),
                "pricing": None if api else PRICING[_pricing(o) or "custom"],
                "usd_per_gpu_hour": o.get("usd_per_gpu_hour"),
                "gpus_per_replica": o.get("gpus_per_replica"),
                "autoscale": bool(o.get("autoscale", False)),
                "implementation_usd": o.get("implementation_usd"),
                "fixed_usd_per_month": o.get("fixed_usd_per_month"),
                "throughput": None if api else _profile_words(o.get("profile")),
                **{f: own.get(f) for f in OWNERSHIP_FIELDS},
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "kind",
            "model",
            "gpu",
            "pricing",
            *NUMBERS[:2],
            "autoscale",
            *NUMBERS[2:4],
            "throughput",
            *OWNERSHIP_FIELDS,
        ],
    )
    for column in NUMBERS:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["autoscale"] = frame["autoscale"].astype(bool)
    return frame


def column_config(gpu_ids: list[str]) -> dict[str, Any]:
    money = {"min_value": 0.0, "format": "dollar", "step": 1.0}  # whole dollars: a step of 1 drops the cents
    return {
        "id": st.column_config.TextColumn(
            "id", help="The option's name; the table scrolls sideways to more of its fields (pricing, one-time, …)"
        ),
        "kind": st.column_config.TextColumn(
            help="API: a provider serves it, paid by the token; self-hosted: your GPUs, rented or bought"
        ),
        "model": st.column_config.TextColumn(help="The model it serves: a catalogue id, or the provider's model id"),
        "gpu": st.column_config.SelectboxColumn(
            "GPU", options=gpu_ids, help="The GPU it runs on (self-hosted only): prices and capacity follow it"
        ),
        "autoscale": st.column_config.CheckboxColumn(
            help="Replicas follow each hour's load (on-demand or spot rentals only); off: sized for the busiest hour"
        ),
        "pricing": st.column_config.SelectboxColumn(
            "pricing",
            options=list(PRICING.values()),
            help="Rent by term at the GPU sheet's price, buy the servers, or rent at your own price",
        ),
        "usd_per_gpu_hour": st.column_config.NumberColumn(
            "$/GPU-h (custom)", min_value=0.01, format="$%.2f", help=f"Only with pricing = {PRICING['custom']}"
        ),
        "gpus_per_replica": st.column_config.NumberColumn(
            "GPUs/replica", min_value=1, step=1, help="Blank: from the profile"
        ),
        "implementation_usd": st.column_config.NumberColumn(
            "one-time (USD)", help="Paid once at the start: integration, migration, setup", **money
        ),
        "fixed_usd_per_month": st.column_config.NumberColumn(
            "fixed/month (USD)", help=f"Blank: the ops staff default ({DEFAULT_SOURCES['ops_fte']})", **money
        ),
        "throughput": st.column_config.TextColumn(
            "throughput profile",
            width="large",
            help="The measured profile this option's capacity comes from (set where the option is added or on the "
            "Throughput page; bundled ones by name); none: transferred from a measured configuration or estimated",
        ),
        **{
            f: st.column_config.NumberColumn(
                label,
                min_value=0.0,
                help=f"Owned servers only. {OWNERSHIP_HELP[f]}. Blank: "
                + ("the GPU sheet's server price" if f == "server_usd" else f"{getattr(Ownership(), f)}"),
                **({"format": "dollar", "step": 1.0} if f == "server_usd" else {}),
            )
            for f, label in OWNERSHIP_FIELDS.items()
        },
    }


def _number(value: Any) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _text(value: Any) -> str | None:
    """A text cell: None when blank (the editor gives None, NaN or "" for an empty cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    return str(value).strip()


def _put(mapping: dict[str, Any], name: str, value: Any) -> None:
    """Set, or drop when blank; leave an unchanged value (and its place in the file) alone."""
    if value is None:
        mapping.pop(name, None)
    elif mapping.get(name) != value:
        mapping[name] = value


def apply(options: list[dict[str, Any]], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The options as the edited table says, in its order; rows deleted in the table are gone. Distilled options
    are not in the table: they stay, after the others."""
    by_id = {o["id"]: o for o in options}
    result = []
    for row in frame.to_dict("records"):
        option = by_id.get(row["id"])
        if option is None:
            continue
        _put(option, "implementation_usd", _number(row["implementation_usd"]))
        _put(option, "fixed_usd_per_month", _number(row["fixed_usd_per_month"]))
        if option.get("kind") != "api":
            _apply_self_hosted(option, row)
        result.append(option)
    return result + [o for o in options if o.get("kind") == "distilled"]


def _apply_self_hosted(option: dict[str, Any], row: dict[str, Any]) -> None:
    _put(option, "gpu", _text(row["gpu"]))
    _put(option, "gpus_per_replica", _number(row["gpus_per_replica"]))
    _put(option, "autoscale", True if row["autoscale"] else None)
    pricing = PRICING_CODES.get(_text(row["pricing"]) or "", _text(row["pricing"])) or _pricing(option)
    if pricing == "owned":
        option.pop("term", None)
        option.pop("usd_per_gpu_hour", None)
        own = option.setdefault("ownership", {})
        for name in OWNERSHIP_FIELDS:
            _put(own, name, _number(row[name]))
    elif pricing == "custom":
        option.pop("term", None)
        option.pop("ownership", None)
        _put(option, "usd_per_gpu_hour", _number(row["usd_per_gpu_hour"]))
    else:
        option.pop("usd_per_gpu_hour", None)
        option.pop("ownership", None)
        option["term"] = pricing
