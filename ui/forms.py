"""Widgets bound to the scenario mapping: each reads its first value from the scenario and writes back.

Keys start with `state.FORM_PREFIX`, so loading another scenario resets every widget. Values are
written only when they differ from what the scenario holds (or its default), so a saved file keeps
the user's own layout instead of every default spelled out. The forms themselves live in
`workload_form`, `slo_form` and `options_form`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from tco.records.amounts import usd
from tco.records.defaults import DEFAULT_SOURCES
from ui import state, table_fit
from ui.amounts import parse_count, parse_usd, usd_text


def key(name: str) -> str:
    return state.FORM_PREFIX + name


def seeded(name: str, initial: Any, options: Sequence[Any] | None = None) -> str:
    """The widget key for `name`, seeded with `initial` the first time the widget is drawn (or when its kept value is
    no longer one of its `options`), and set again from its own value at every run before the widget is drawn.

    Why again: a page link clicked while a typed value was being committed (the box still focused) left the page
    drawn with the browser's widget states lost — Streamlit's page navigation racing the rerun, reproduced with two
    bare pages — and the boxes showed their minimum (growth −50 %, horizon 1) or nothing; the next click sent those
    back and the scenario took them (a reviewer). A value set through Session State is sent with the page, so the
    boxes show the server's values whatever the browser lost, and a value typed before the run is already in it."""
    full = key(name)
    kept = st.session_state.get(full, initial)
    st.session_state[full] = initial if options is not None and kept not in options else kept
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
    """A number input bound to data[path]; `scale` shows shares as percent (100). Returns the scenario value.

    A value from a file or a link beyond the box's `min_value`/`max_value` widens them to hold it: Streamlit would
    otherwise reset the box to its minimum and the scenario would silently lose the value (a usage export's
    peak-to-average of 25.95 became 1). The engine's own validation says what is wrong with it, if anything."""
    current = _get(data, path, default)
    here = float(current) * scale
    if kwargs.get("max_value") is not None and here > kwargs["max_value"]:
        kwargs["max_value"] = here
    if kwargs.get("min_value") is not None and here < kwargs["min_value"]:
        kwargs["min_value"] = here
    shown = container.number_input(label, key=seeded(".".join(path), here), **kwargs)
    value = shown / scale
    _set(data, path, value, default)
    return value


def amount_box(container: Any, label: str, widget_key: str, help: str | None = None, *, count_max: float | None = None,
        count: bool = False) -> float | None:  # fmt: skip
    """A text box for a dollar amount, or a whole count when `count` (`widget_key` seeded with its value written with
    separators, `usd_text`): "18,000", "$18k", "1.5M" or 0 for dollars (`parse_usd`), "10,000" or "10k" up to
    `count_max` for a count (`parse_count`). Typed in another form, the amount understood is read back under the
    box ("= $20,000"). Returns the amount, or None after saying under the box what it expected (the caller keeps
    the last valid amount). Streamlit's number box cannot show thousands separators; an amount reads better with
    them."""
    text = container.text_input(label, key=widget_key, help=help)
    try:
        value = parse_count(text, count_max) if count else parse_usd(text)
    except ValueError as err:
        container.error(f"{label}: {err}; the last valid {'number' if count else 'amount'} is kept.")
        return None
    if text.strip() != usd_text(value):  # "20k", "1.5M": what was understood, read back as the volume box does
        container.caption(f"= {usd_text(value) if count else usd(value)}")
    return value


def text_amount(label: str, data: dict[str, Any], path: tuple[str, ...], default: float, *, container: Any = st,
        help: str | None = None, count: bool = False, count_max: float | None = None) -> float:  # fmt: skip
    """`amount_box` bound to data[path], as `number` is for numbers. Returns the scenario value."""
    current = _get(data, path, default)
    widget_key = seeded(".".join(path), usd_text(float(current)))
    value = amount_box(container, label, widget_key, help, count=count, count_max=count_max)
    if value is None:
        return float(current)
    _set(data, path, value, default)
    return value


def table_editor(name: str, build: Callable[[], pd.DataFrame], *, placeholder: str = "", **kwargs: Any) -> pd.DataFrame:
    """An `st.data_editor` whose edits survive reruns and page changes. An empty cell shows `placeholder` (blank by
    default: Streamlit would draw a grey "None" there); each column as wide as its header, cells and choices
    (`ui.table_fit.editor_widths`).

    The editor's input table is built from the scenario once and kept (`<name>.base`): handing it a
    table rebuilt from its own output would apply the edits twice. When the editor was not drawn on
    the last run (another page, a new scenario), the table is rebuilt from the scenario, which holds
    every edit made so far.
    """
    editor, base = key(name), key(f"{name}.base")
    if editor not in st.session_state or base not in st.session_state:
        st.session_state[base] = build()
    frame = st.session_state[base]
    markers = table_fit.ROW_MARKERS_PX if kwargs.get("num_rows") == "dynamic" else 0
    kwargs["column_config"] = table_fit.editor_widths(frame, kwargs.get("column_config") or {}, placeholder=placeholder,
                                                      budget_px=table_fit.TABLE_PX - markers)  # fmt: skip
    lines = table_fit.lines_used(frame, kwargs["column_config"], placeholder)
    if lines > 1:  # a long name wraps in a narrowed column
        kwargs["row_height"] = table_fit.row_px(lines)
    return st.data_editor(frame, key=editor, hide_index=True, width="stretch", placeholder=placeholder, **kwargs)


@dataclass(frozen=True)
class NumberField:
    """A number input for one field of a scenario section; shares shown as percent when `percent`."""

    label: str
    field: str
    percent: bool = False
    max_value: float | None = None
    help: str | None = None
    usd: bool = False
    """A dollar amount: a text box with thousands separators (`text_amount`)."""
    count: bool = False
    """A whole count, such as samples: a text box with thousands separators (`text_amount`)."""


def number_fields(
    data: dict[str, Any], section: str, defaults: object, fields: list[NumberField], columns: int
) -> None:
    """Inputs for `data[section][field]`, defaults read from the section's record, laid out in columns."""
    cols = st.columns(columns)
    for i, f in enumerate(fields):
        default = getattr(defaults, f.field)
        whole = isinstance(default, int)
        if f.usd or f.count:
            text_amount(f.label, data, (section, f.field), default, container=cols[i % columns], help=f.help,
                        count=f.count, count_max=f.max_value)  # fmt: skip
            continue
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


@dataclass(frozen=True)
class Download:
    """A download button built only when clicked (`data` is called then): label, bytes or text, file, type."""

    label: str
    data: Callable[[], Any]
    file_name: str
    mime: str
    icon: str
    help: str


def download(item: Download, container: Any = st) -> None:
    container.download_button(
        item.label,
        item.data,
        file_name=item.file_name,
        mime=item.mime,
        icon=item.icon,
        on_click="ignore",
        width="stretch",
        help=item.help,
    )
