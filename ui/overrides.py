"""The scenario's own price override rows as an editable table, validated row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from datafiles import parse_as
from pricing.overrides import PriceOverride

COLUMNS = (
    "provider",
    "model",
    "discount_share",
    "batch_discount",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "source",
    "as_of",
)
NUMERIC = COLUMNS[2:7]
COLUMN_CONFIG = {
    "discount_share": st.column_config.NumberColumn(
        "discount", min_value=0.0, max_value=0.99, format="%.2f",
        help="Your negotiated discount off the list price, as a share from 0 to 1: 0.2 is 20 % off"),
    "batch_discount": st.column_config.NumberColumn(
        "batch disc.", min_value=0.0, max_value=0.99, format="%.2f",
        help="The discount for batch (asynchronous) requests, as a share from 0 to 1"),
    "input_usd_per_mtok": st.column_config.NumberColumn(
        "input $/M", format="$%.3f", help="Your price per million prompt tokens (blank: the list price)"),
    "output_usd_per_mtok": st.column_config.NumberColumn(
        "output $/M", format="$%.3f", help="Your price per million generated tokens (blank: the list price)"),
    "cache_read_usd_per_mtok": st.column_config.NumberColumn(
        "cached $/M", format="$%.3f",
        help="Your price per million prompt tokens read from the cache (blank: the list price)"),
    "source": st.column_config.TextColumn(help="Where your price comes from: a contract, a quote"),
    "as_of": st.column_config.DateColumn("as of", help="The day the price was agreed or read"),
}  # fmt: skip


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column]).astype("Float64")  # nullable: a row added blank holds <NA>
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    for column in ("provider", "model", "source", "as_of"):
        frame[column] = frame[column].astype(object)
    return frame


def from_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as the scenario stores them; raises InputError naming the row and field of the first bad one."""
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        row = {c: record[c] for c in COLUMNS if record.get(c) is not None and not pd.isna(record[c])}
        if not row:
            continue
        row.setdefault("as_of", dt.date.today())
        if isinstance(row["as_of"], pd.Timestamp | dt.datetime):
            row["as_of"] = row["as_of"].date()
        parse_as(PriceOverride, row, f"overrides[{i}]")
        rows.append({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()})
    return rows
