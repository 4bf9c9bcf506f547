"""The scenario's own price override rows as an editable table, validated row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from datafiles import InputError, parse_as
from pricing.overrides import PriceOverride

COLUMNS = (
    "provider",
    "model",
    "discount_pct",
    "batch_discount_pct",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "source",
    "as_of",
)
NUMERIC = COLUMNS[2:7]
PERCENT = {"discount_pct": "discount_share", "batch_discount_pct": "batch_discount"}
"""The discounts as the table shows them (percent: 20 is 20 % off) and as the scenario stores them (a share). A
typed 20 was a share clamped to 0.99 by the column, a silent 99 % discount (a reviewer)."""
COLUMN_CONFIG = {
    "discount_pct": st.column_config.NumberColumn(
        "discount %", format="%g",
        help="Your negotiated discount off the list price, in percent: 20 is 20 % off (0 to 99)"),
    "batch_discount_pct": st.column_config.NumberColumn(
        "batch %", format="%g",
        help="The discount for batch (asynchronous) requests, in percent: 50 is half price (0 to 99)"),
    "input_usd_per_mtok": st.column_config.NumberColumn(
        "input $/M", format="$%.3f", help="Your price per million prompt tokens (blank: the list price)"),
    "output_usd_per_mtok": st.column_config.NumberColumn(
        "output $/M", format="$%.3f", help="Your price per million generated tokens (blank: the list price)"),
    "cache_read_usd_per_mtok": st.column_config.NumberColumn(
        "cached $/M", format="$%.3f",
        help="Your price per million prompt tokens read from the cache (blank: the list price)"),
    "source": st.column_config.TextColumn(help="Required: where your price comes from, a contract or a quote"),
    "as_of": st.column_config.DateColumn("as of", help="The day the price was agreed or read"),
}  # fmt: skip
LABELS = {
    **{share: COLUMN_CONFIG[pct]["label"] for pct, share in PERCENT.items()},
    **{c: COLUMN_CONFIG[c]["label"] for c in ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
                                              "as_of")},
    "source": "source",
}  # fmt: skip
"""A stored field's name as the table's header says it, for the errors."""


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    shown = [{**r, **{pct: _percent(r.get(share)) for pct, share in PERCENT.items()}} for r in rows]
    frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in shown], columns=list(COLUMNS))
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column]).astype("Float64")  # nullable: a row added blank holds <NA>
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    for column in ("provider", "model", "source", "as_of"):
        frame[column] = frame[column].astype(object)
    return frame


def _percent(share: Any) -> float | None:
    return None if share is None else round(float(share) * 100, 9)


def from_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as the scenario stores them; raises InputError naming the row (from 1, as the table counts them) and the
    column, in the table's own words, of the first bad one.

    >>> from_frame(to_frame([{"provider": "zai", "model": "glm-5", "discount_share": 0.2, "source": "contract",
    ...                       "as_of": "2026-11-01"}]))
    [{'provider': 'zai', 'model': 'glm-5', 'source': 'contract', 'as_of': '2026-11-01', 'discount_share': 0.2}]
    """
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        where = f"Negotiated prices, row {i + 1}"
        row = {c: record[c] for c in COLUMNS if record.get(c) is not None and not pd.isna(record[c])}
        if not row:
            continue
        for pct, share in PERCENT.items():
            if pct in row:
                value = float(row.pop(pct))
                if not 0 <= value <= 99:
                    raise InputError(where, LABELS[share], f"a percentage from 0 to 99: 20 is 20 % off (got {value:g})")
                row[share] = round(value / 100, 9)
        row.setdefault("as_of", dt.date.today())
        if isinstance(row["as_of"], pd.Timestamp | dt.datetime):
            row["as_of"] = row["as_of"].date()
        try:
            parse_as(PriceOverride, row, where)
        except InputError as err:
            field = "" if err.field == "(top level)" else LABELS.get(err.field, err.field)  # a rule across columns
            missing_source = err.field == "source" and "missing" in err.expected
            expected = "required: where the price comes from (a contract, a quote)" if missing_source else err.expected
            for name, label in LABELS.items():
                expected = expected.replace(name, label)
            raise InputError(where, field, expected) from None
        rows.append({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()})
    return rows
