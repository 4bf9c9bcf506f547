"""The Compare page's options: the editable table, and forms to add an API model or an open model on GPUs."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui import loaders, options_table, state
from ui.forms import key, seeded, table_editor, tidy

TERMS = {
    "Rent on demand": "on_demand",
    "Rent, 1-year reserved": "reserved_1y",
    "Rent, 3-year reserved": "reserved_3y",
    "Rent spot": "spot",
    "Buy (own the servers)": "owned",
}


NO_MEASUREMENT = "No measurement: transferred from the nearest one, else a roofline estimate"


def unique_id(data: dict[str, Any], wanted: str) -> str:
    taken = {o["id"] for o in data.get("options", [])}
    base = re.sub(r"[^a-z0-9._-]+", "-", wanted.lower()).strip("-") or "option"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_api_option(data: dict[str, Any], provider: str, model: str) -> str:
    option_id = unique_id(data, model.split("/")[-1])
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
    option_id = unique_id(data, f"{model}-{gpu}-{term}")
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
        option_id = add_api_option(state.data(), provider, model)
        st.session_state[ADDED] = f"Added {option_id} ({provider} / {model}); it is in the table above and the results."


def _on_add_self_hosted() -> None:
    state.reset_form(key("options.table"))
    s = st.session_state
    profiles = s.get(key("add.profiles"), {})
    option_id = add_self_hosted_option(
        state.data(),
        s[key("add.model")],
        s[key("add.gpu")],
        TERMS[s[key("add.term")]],
        profiles.get(s[key("add.profile")]),
        s[key("add.gpus")] or None,
        s[key("add.autoscale")],
        s[key("add.implementation")],
    )
    st.session_state[ADDED] = f"Added {option_id}; it is in the table above and the results."


ADDED = "options.added"
"""The confirmation of the last option added, shown above the options table until the options change (a rerun
that follows the add, such as the address bar's update, does not wipe it before it is read)."""


def render(data: dict[str, Any]) -> None:
    ids = tuple(str(o.get("id")) for o in data.get("options") or [] if isinstance(o, dict))
    added = st.session_state.get(ADDED)
    if isinstance(added, str):  # just added: remember the options it speaks of
        added = st.session_state[ADDED] = (added, ids)
    if added and added[1] == ids:
        st.success(added[0], icon=":material/check_circle:")
    else:
        st.session_state.pop(ADDED, None)
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
            [*profiles, NO_MEASUREMENT],
            key=key("add.profile"),
            help="A measured or published profile of this model; or none: then the nearest bundled measurement "
            "(this model on another GPU, or a sibling model) scaled by the hardware ratio, else a roofline estimate "
            "from the model's shape and the GPU. The result says which, with its measured error.",
        )
        left, right = st.columns(2)
        left.number_input(
            "GPUs per replica (0 = from the profile)", min_value=0, max_value=64, step=1, key=key("add.gpus")
        )
        right.number_input("One-time implementation (USD)", min_value=0.0, step=10_000.0, key=key("add.implementation"))
        st.checkbox("Autoscale replicas over the day (on-demand or spot only)", key=key("add.autoscale"))
        st.form_submit_button("Add self-hosted option", on_click=_on_add_self_hosted)
