"""Prices: browse API prices and GPU offers with source and date, refresh the API prices, edit overrides."""

import datetime as dt

import pandas as pd
import streamlit as st

from datafiles import InputError
from pricing.gpus import BASIS_WORDS, TERM_WORDS
from pricing.listing import data_date_text
from pricing.refresh import DEFAULT_URL, RefreshError, update_prices
from scenario_io import codec
from ui import forms, loaders, options_table, overrides, state, tables

API_COLUMNS = ("provider", "model", "input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok", "tiered",
               "price_since", "override")  # fmt: skip
"""The API prices: a row's source is the catalogue's version, or an override's own source, written under the table."""
GPU_COLUMNS = ("gpu", "provider", "term", "usd_per_gpu_hour", "gpus_per_unit", "server_usd", "basis", "as_of", "source")
"""The GPU offers in this order: the date before the source, so a narrow screen scrolls only to read the source."""

data = state.data()
cat = loaders.catalogues()
st.title("Prices")
st.caption(
    f"API prices: {cat.prices.version}. GPU offers and purchase prices: pricing/data/gpus.yaml, each with where it "
    "comes from (the provider's own list price, a price tracker or reseller, or our estimate) and its date."
)

api_tab, gpu_tab, override_tab, refresh_tab = st.tabs(
    ["API prices", "GPU offers", "Negotiated prices (overrides)", "Refresh"]
)
with api_tab:
    search = st.text_input("Search models or providers", key="prices.search", placeholder="e.g. sonnet, deepseek, glm")
    rows = loaders.api_prices(cat.prices.version, dt.date.today().isoformat())
    frame = pd.DataFrame(rows)
    if search:
        needle = search.lower()
        frame = frame[
            frame["provider"].str.contains(needle, regex=False)
            | frame["model"].str.lower().str.contains(needle, regex=False)
        ]
    frame = frame.assign(override=frame["source"] != cat.prices.version)
    tables.show_table(
        frame[[c for c in API_COLUMNS if c != "override" or frame["override"].any()]],
        {
            "input_usd_per_mtok": st.column_config.NumberColumn(
                "input $/M", format="$%.3f", help="US dollars per million prompt tokens"
            ),
            "cached_input_usd_per_mtok": st.column_config.NumberColumn(
                "cached $/M",
                format="$%.3f",
                help="Per million prompt tokens read from the provider's cache. Where "
                "the provider lists no cache price, cached tokens are billed as input, so this is the input price",
            ),
            "output_usd_per_mtok": st.column_config.NumberColumn(
                "output $/M", format="$%.3f", help="Per million generated tokens"
            ),
            "tiered": st.column_config.CheckboxColumn(
                help="The price changes with the prompt's length (the rate shown is the first tier)"
            ),
            "override": st.column_config.CheckboxColumn(
                help="The price comes from an override row (pricing/data/api_overrides.yaml or this scenario's "
                "Negotiated prices), not from the catalogue; its source is written under the table"
            ),
            "price_since": st.column_config.DateColumn(
                "since",
                help="The day this price took effect, as the price data records it (–: the data gives no date)",
            ),
        },
        middle=("model",),
        min_px={"model": 280},  # most of the room the numbers leave; ids shortened to fit still read apart
    )
    overridden = frame[frame["override"]]
    st.caption(
        f"{len(frame):,} of {len(rows):,} rows; USD per million tokens, list prices in force today, from "
        f"{cat.prices.version}: {data_date_text(cat.prices, dt.date.today())}"
        + (f"; {len(overridden)} from overrides:\n" if len(overridden) else ".")
        + "\n".join(
            f"- {r.provider} {r.model}: {tables.escape_markdown(r.source.removeprefix('override: '))}"
            for r in overridden.itertuples()
        )
    )

with gpu_tab:
    offers = pd.DataFrame(loaders.gpu_offers())
    shown = offers.assign(
        term=offers["term"].map(lambda t: TERM_WORDS.get(t, "buy" if t == "owned" else t)),
        basis=offers["basis"].map(lambda b: BASIS_WORDS.get(b, b)),
    )
    tables.show_table(
        shown[[c for c in GPU_COLUMNS if c in shown.columns]],
        {
            "gpu": "GPU",
            "term": st.column_config.TextColumn(
                help="On demand: by the hour, stop any time; reserved: committed for 1 or 3 years at a lower rate; "
                "spot: cheaper but can be taken back"
            ),
            "usd_per_gpu_hour": st.column_config.NumberColumn("$/GPU-h", format="$%.2f", help="Per GPU, an hour"),
            "gpus_per_unit": st.column_config.NumberColumn(
                "GPUs", help="GPUs per unit: in the instance rented, or in the server bought"
            ),
            "server_usd": st.column_config.NumberColumn(
                "server price", format="dollar", step=1.0, help="To buy: the whole server (all its GPUs), US dollars"
            ),
            "basis": st.column_config.TextColumn(
                help="Where the figure comes from: the provider's published price, a price tracker or reseller, "
                "or our estimate from the cited sources"
            ),
            "as_of": st.column_config.DateColumn("as of", help="The day the price was read or quoted"),
            "source": st.column_config.TextColumn(help="Where the price comes from; in full below"),
        },
        wrap=True,
        in_full=False,  # every source in full below, with the offers that cite it
    )
    st.caption(
        "Your own quote: on Compare's Options tab, set an option's pricing to 'rent at your own $/GPU-h' and type "
        "it in; a scenario file takes it as `usd_per_gpu_hour`."
    )
    with st.expander("Every source in full"):
        cited: dict[str, list[str]] = {}
        for row in offers.itertuples():
            cited.setdefault(row.source, []).append(
                f"{row.gpu} {row.provider} ({options_table.PRICING.get(row.term, row.term)})"
            )
        lines = [f"- {s}: {', '.join(used)}" for s, used in cited.items()]
        st.markdown(tables.escape_markdown("\n".join(lines)))

with override_tab:
    st.caption(
        "Rows here are saved with the scenario (and in its link): a negotiated discount on a catalogued model, "
        "a batch discount, or full prices for a model the catalogue lacks. They win over "
        "pricing/data/api_overrides.yaml."
    )
    edited = forms.table_editor(
        "overrides.table",
        lambda: overrides.to_frame(data.get("overrides", [])),
        num_rows="dynamic",
        column_config=overrides.COLUMN_CONFIG,
    )
    try:
        data["overrides"] = overrides.from_frame(edited)
    except InputError as err:
        st.error(state.shown(err), icon=":material/error:")
    if not data.get("overrides"):
        data.pop("overrides", None)
    st.download_button(
        "Download as an overrides file (for the command line)",
        codec.to_yaml({"overrides_version": 1, "overrides": data.get("overrides", [])}),
        file_name="api_overrides.yaml",
        on_click="ignore",
    )

with refresh_tab:
    st.caption(
        "Fetch the latest genai-prices data. It is validated before it replaces the copy in use; on any failure "
        "the current prices stay."
    )
    url = st.text_input("Price data URL", value=DEFAULT_URL, key="prices.url")
    if st.button("Refresh API prices", icon=":material/refresh:"):
        try:
            with st.spinner("Downloading…"):
                done = update_prices(url=url)
        except RefreshError as err:
            st.error(f"Prices not updated: {state.shown(err)}")
        else:
            loaders.refresh_catalogues()
            st.success(
                f"Updated: {done.providers} providers, {done.models:,} models, {done.bytes:,} bytes "
                f"(sha256 {done.sha256[:12]}). Now using: {loaders.catalogues().prices.version}."
            )

analysis = state.analysis(show_error=False)
if analysis is not None:
    st.caption(tables.escape_markdown(f"Scenario priced with {analysis.result.assumptions['price_data']}."))
