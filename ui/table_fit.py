"""Tables that fit the page: every column wide enough for its header and its cells, all of them within the width a
laptop gives the main column, and a text too long for its share shortened with "…" (the page writes it in full
elsewhere: a caption, the notes, the source list).

Streamlit's grid draws cells on a canvas and cuts what does not fit without a mark; a table wider than the page
scrolls sideways and cuts its last column at the edge. So each table is laid out here, in pixels, before it is drawn:

    natural width of a column = max(header, widest cell) in the grid's font + CELL_PADDING_PX
    if Σ natural ≤ budget: every column at its natural width;
    else: widths = max(floor, min(natural, W)), with the cap W the largest that makes Σ widths ≤ budget,
          where a column's floor is its natural width up to SHORT_COLUMN_PX (120 px; at least its header's width;
          numbers, dates, links and ticks: their natural width, they are never cut), and each text wider than its
          column is shortened to fit.

Worked example, budget 200 px: a text column whose cells need 240 px (header 60) beside a number column of 70 px
gets W = 130, so widths 130 and 70; the long texts are cut to 130 − 19 = 111 px of text. With a budget of 180 px
the text column stops at its floor, 120 px, and the table is 190 px wide: it scrolls (the tests keep every table
of the app within its budget).

Text widths, shortening and wrapping are `ui.text_fit`'s. tests/app/test_browser_tables.py checks in Chromium that
those widths are never narrower than the real text and that no table on any page scrolls sideways.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ui.text_fit import WIDEST_CHAR_PX, broken_ids, distinct, line_count, text_px, wrap_px, wrapped

TABLE_PX = 876
"""The widest table: the main column at 1280 × 720 with the sidebar open is 882 px inside the table's border (the
grid's scroll bars are drawn over it, tests/app/test_browser_tables.py), less 6 px to spare."""
EXPANDER_PX = TABLE_PX - 34
"""The widest table inside an expander or a bordered container (16 px of padding and a border each side)."""
ROUNDING_SLACK_PX = 2
"""How far below its floor a shortenable column may go when whole pixels, rounded up, overrun the budget."""
CELL_PADDING_PX = 19
"""The grid's padding, 8 px each side, and 3 px so that rounding never cuts a pixel of text."""
HEADER_WEIGHT = 1.04
"""Headers are drawn semi-bold: about 4 % wider than the same text in the regular weight."""
EDITABLE_ICON_PX = 22
"""An editable column's header starts with a pencil icon."""
ROW_MARKERS_PX = 34
"""An editor that adds and deletes rows (`num_rows="dynamic"`) draws a column of row markers before the first."""
WRAP_LINES = 3
WRAP_ROW_PX = 66
"""A table of long texts (sources, reasons) wraps them on up to three lines: Streamlit's grid wraps text in rows
taller than 64 px."""
EDITOR_MOST_LINES = 5
"""An editor wider than the page may wrap its texts on up to this many lines (rows `row_px` tall) before it scrolls:
a class name of 80 characters (the longest a name may be) takes four beside the classes editor's seven numbers."""
LINE_PX = 20
"""Each further wrapped line adds this much to a tall row (three lines: 3 × 20 + 6 = WRAP_ROW_PX)."""


def row_px(lines: int) -> int:
    """The height of a row holding `lines` wrapped lines: WRAP_ROW_PX up to three, 20 px a line beyond.

    >>> row_px(2), row_px(3), row_px(4)
    (66, 66, 86)
    """
    return max(WRAP_ROW_PX, LINE_PX * lines + WRAP_ROW_PX - LINE_PX * WRAP_LINES)


WRAP_ROWS_SHOWN = 8
"""A table of tall rows shows this many of them before it scrolls."""
HEADER_ROW_PX = 35
"""The grid's header row, and a one-line row."""
MIN_COLUMN_PX = 48
SHORT_COLUMN_PX = 120
"""A text column is never cut below this (or below its own width when it is narrower): short words, dates and ids
stay whole, and the long texts give up the room."""
FIXED_TYPES = ("number", "checkbox", "link", "date", "datetime", "time", "progress")
"""Column types whose cells are never shortened: their floor is their natural width."""


def _format_number(value: float, fmt: str | None) -> str:
    """A number as the grid writes it with `fmt` (printf-style, "dollar", "localized", "percent"; None: its
    default, up to four decimals)."""
    if fmt == "dollar":
        return f"{'-' if value < 0 else ''}${abs(value):,.2f}"
    if fmt == "localized":
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if fmt == "percent":
        return f"{value * 100:,.2f}%"
    if fmt and "%" in fmt:
        try:
            return fmt % value
        except (TypeError, ValueError):
            pass
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def shown(value: Any, config: Mapping[str, Any], placeholder: str = "–") -> str:
    """What the grid shows for `value` in a column configured by `config` (an `st.column_config` mapping).

    >>> shown(0.0236, {"type_config": {"type": "number", "format": "$%.5f"}}), shown(None, {})
    ('$0.02360', '–')
    """
    type_config = config.get("type_config") or {}
    kind = type_config.get("type")
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return placeholder
    if kind == "checkbox" or isinstance(value, bool):
        return "✓✓"  # a tick box, two characters wide
    if kind == "link" and type_config.get("display_text") and "(" not in type_config["display_text"]:
        return type_config["display_text"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _format_number(float(value), type_config.get("format"))
    return str(value)


def _config(entry: Any, column: str) -> dict[str, Any]:
    if entry is None:
        return {"label": column, "type_config": {}}
    if isinstance(entry, str):
        return {"label": entry, "type_config": {}}
    return dict(entry)


def natural_widths(
    frame: pd.DataFrame, config: Mapping[str, Any], editable: bool = False, placeholder: str = "–", lines: int = 1
) -> dict[str, tuple[float, float, bool]]:
    """Per column: (natural width, floor, whether its cells may be shortened), in px. With `lines` > 1 a text
    column's natural width is the narrowest in which its longest text wraps on that many lines (`wrap_px`); a column
    of short texts (none wider than SHORT_COLUMN_PX) stays on one line."""
    out = {}
    for column in frame.columns:
        entry = _config(config.get(column, None), str(column))
        if column in config and config[column] is None:
            continue  # hidden
        kind = (entry.get("type_config") or {}).get("type")
        options = (entry.get("type_config") or {}).get("options") or []
        header = text_px(str(entry.get("label") or column)) * HEADER_WEIGHT + (EDITABLE_ICON_PX if editable else 0)
        texts = [shown(v, entry, placeholder) for v in frame[column].tolist()] + [str(o) for o in options]
        fixed = kind in FIXED_TYPES or kind == "selectbox" or editable or pd.api.types.is_numeric_dtype(frame[column])
        if lines > 1 and not fixed and max(map(text_px, texts), default=0.0) + CELL_PADDING_PX > SHORT_COLUMN_PX:
            cells = [wrap_px(t, lines) for t in texts]
        else:
            cells = [text_px(t) for t in texts]
        natural = max(max([header, *cells]) + CELL_PADDING_PX, MIN_COLUMN_PX)
        floor = natural if fixed else max(header + CELL_PADDING_PX, min(natural, SHORT_COLUMN_PX))
        out[str(column)] = (natural, floor, not fixed)
    return out


def fitted_widths(
    naturals: Mapping[str, tuple[float, float, bool]], budget_px: float, firm: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Column widths within `budget_px` (module docstring): the cap W found by bisection. A `firm` column (one
    `fit` was given a `min_px` for: ids) never goes below its floor, not even by the rounding slack.

    >>> fitted_widths({"source": (240, 79, True), "score": (70, 70, False)}, 200)
    {'source': 130, 'score': 70}
    """
    if sum(math.ceil(n) for n, _, _ in naturals.values()) <= budget_px:
        return {c: math.ceil(n) for c, (n, _, _) in naturals.items()}

    def total(cap: float) -> float:
        return sum(max(floor, min(natural, cap)) for natural, floor, _ in naturals.values())

    low, high = 0.0, max(n for n, _, _ in naturals.values())
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if total(middle) <= budget_px else (low, middle)
    widths = {c: max(floor, min(natural, low)) for c, (natural, floor, _) in naturals.items()}
    # a column at its natural width or its floor is rounded up (its text must fit whole), a capped one down; the
    # pixels the rounding up added come off the capped columns, widest first, none below its floor
    capped = [c for c, w in widths.items() if w not in naturals[c][:2]]
    out = {
        c: math.ceil(w) if c not in capped else max(math.ceil(naturals[c][1]), math.floor(w + 1e-6))
        for c, w in widths.items()
    }
    excess = sum(out.values()) - math.floor(budget_px)
    shortenable = [c for c in out if naturals[c][2]]
    # first down to each column's floor; then, where only the rounding up of floors and natural widths overran the
    # budget, up to ROUNDING_SLACK_PX below a floor (the padding's 3 spare px keep a header whole)
    rounding_only = sum(widths.values()) <= budget_px + 1e-6  # the floors themselves fit: only rounding overran
    for slack in (0, ROUNDING_SLACK_PX) if rounding_only else (0,):
        for column in sorted(shortenable, key=out.__getitem__, reverse=True):  # widest first
            give = max(0, min(excess, out[column] - (math.ceil(naturals[column][1]) - slack * (column not in firm))))
            out[column] -= give
            excess -= give
    return out


def fit(
    frame: pd.DataFrame,
    config: Mapping[str, Any] | None = None,
    budget_px: float = TABLE_PX,
    middle: tuple[str, ...] = ("option", "id"),
    placeholder: str = "–",
    min_px: Mapping[str, float] | None = None,
    lines: int = 1,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`frame` and its column configuration laid out within `budget_px`: each column's width set, and each text
    too wide for its column shortened (in the middle for the columns in `middle`, ids; else at the end). A column
    named in `min_px` keeps at least that width (or its natural one, where narrower): a price table's model names.
    `lines` (WRAP_LINES): texts wrap on that many lines (the caller draws rows WRAP_ROW_PX tall) before any is cut,
    an id broken after its dashes (`ui.text_fit.broken_ids`).

    >>> frame, config = fit(pd.DataFrame({"source": ["AWS EC2 Capacity Blocks pricing page"], "score": [86.0]}), {},
    ...                     budget_px=180)
    >>> frame["source"][0], config["source"]["width"], config["score"]["width"]
    ('AWS EC2 Capaci…', 128, 52)

    ("score": 31.6 px of header × 1.04 + 19 = 51.9 px, rounded up and never cut; "source" has the other 128 px.)
    """
    config = dict(config or {})
    base = natural_widths(frame, config, placeholder=placeholder, lines=lines)
    naturals = {
        c: (natural, max(floor, min(natural, (min_px or {}).get(c, 0.0))), shortenable)
        for c, (natural, floor, shortenable) in base.items()
    }
    # the floors `min_px` raised give back what the floors together overrun the budget by, where they overrun it
    # (never below their own floor): a long option id beside ten columns took the ranked table past a 1280-px page
    # at 160 px
    if sum(floor for _, floor, _ in naturals.values()) > budget_px:  # not just their rounding up (the slack's)
        over = sum(math.ceil(floor) for _, floor, _ in naturals.values()) - math.floor(budget_px)
        for c in (c for c in min_px or {} if c in naturals):
            natural, floor, shortenable = naturals[c]
            given = max(0.0, min(over, floor - base[c][1]))
            naturals[c], over = (natural, floor - given, shortenable), over - given
    widths = fitted_widths(naturals, budget_px, frozenset(min_px or ()))
    frame = frame.copy()
    out: dict[str, Any] = {}
    for column in frame.columns:
        name = str(column)
        if name not in naturals:
            out[name] = None
            continue
        entry = _config(config.get(column), name)
        entry["width"] = widths[name]
        out[name] = entry
        natural, _, shortenable = naturals[name]
        if shortenable and widths[name] < natural:
            room = widths[name] - CELL_PADDING_PX
            values = frame[column].tolist()
            texts = [v for v in values if isinstance(v, str)]
            if lines > 1 and name not in middle:
                cut = iter([wrapped(v, room, lines) for v in texts])
            elif lines > 1:  # an id broken after its dashes: whole on up to `lines` lines, else cut in the middle
                cut = iter(broken_ids(texts, room, lines))
            else:
                cut = iter(distinct(texts, room, name in middle))
            frame[column] = [next(cut) if isinstance(v, str) else v for v in values]
    return frame, out


def lines_used(frame: pd.DataFrame, config: Mapping[str, Any], placeholder: str = "–") -> int:
    """The most lines any text cell of `frame` takes in its column's width (`config`'s, as `fit` sets them).

    >>> lines_used(pd.DataFrame({"note": ["GLM-5 model card benchmark table"]}), {"note": {"width": 119}})
    3
    """
    most = 1
    for column in frame.columns:
        entry = config.get(str(column))
        if not entry or not entry.get("width"):
            continue
        room = entry["width"] - CELL_PADDING_PX
        for value in frame[column].tolist():
            if isinstance(value, str):
                most = max(most, line_count(shown(value, entry, placeholder), room))
    return most


def wrapped_height_px(rows: int) -> int:
    """The height of a table of `rows` tall rows (WRAP_ROW_PX) showing up to WRAP_ROWS_SHOWN of them, header and
    border included: 6 rows take 35 + 6 × 66 + 3 = 434 px.

    >>> wrapped_height_px(6), wrapped_height_px(50)
    (434, 566)
    """
    return HEADER_ROW_PX + min(max(rows, 1), WRAP_ROWS_SHOWN) * WRAP_ROW_PX + 3


def editor_widths(
    frame: pd.DataFrame,
    config: Mapping[str, Any],
    editable: bool = True,
    placeholder: str = "",
    budget_px: float = TABLE_PX,
) -> dict[str, Any]:
    """An editable table's configuration with every column at its natural width: a value being edited is never
    shortened. Where the columns add up to more than `budget_px` (TABLE_PX, less ROW_MARKERS_PX for an editor that adds
    and deletes rows), its text columns narrow, their texts wrapping on the fewest lines from WRAP_LINES to
    EDITOR_MOST_LINES that fit (the caller draws rows `row_px(lines_used(…))` tall: a long request class's name took
    the classes editor past a 1280-px page); where even that cannot fit, the table scrolls sideways, its first column
    (the row's name) pinned so every row stays named: the Options grid is one (a row per option, every field of it).

    >>> config = editor_widths(pd.DataFrame({"id": ["glm5-h200"], "pricing": ["rent on demand"]}), {})
    >>> config["id"]["width"], config["pricing"]["width"], config["id"].get("pinned")  # 62 px of "glm5-h200" + 19
    (82, 113, None)
    """
    naturals = natural_widths(frame, config, editable=editable, placeholder=placeholder)
    widths = {c: math.ceil(n) for c, (n, _, _) in naturals.items()}
    scrolls = sum(widths.values()) > budget_px
    for lines in range(WRAP_LINES, EDITOR_MOST_LINES + 1) if scrolls else ():
        wrapping = fitted_widths(_wrapping_floors(frame, config, naturals, placeholder, lines), budget_px)
        if sum(wrapping.values()) <= budget_px:
            widths, scrolls = wrapping, False
            break
    out: dict[str, Any] = {}
    for i, column in enumerate(frame.columns):
        name = str(column)
        if name not in naturals:
            out[name] = None
            continue
        entry = _config(config.get(column), name)
        entry["width"] = widths[name]
        if scrolls and i == 0:
            entry["pinned"] = True
        out[name] = entry
    return out


def _wrapping_floors(
    frame: pd.DataFrame,
    config: Mapping[str, Any],
    naturals: dict[str, tuple[float, float, bool]],
    placeholder: str,
    lines: int,
) -> dict[str, tuple[float, float, bool]]:
    """`naturals` with each free-text column (no choices, not numbers) allowed to narrow to where its texts wrap on
    `lines` lines — broken between characters where a word is longer than a line, as the grid does, so a line may
    end a character short (WIDEST_CHAR_PX); at spaces a line may end a word short, so its widest word counts too —
    and never below its header or SHORT_COLUMN_PX."""
    out = dict(naturals)
    for name, (natural, _, _) in naturals.items():
        entry = _config(config.get(name), name)
        kind = (entry.get("type_config") or {}).get("type")
        if kind not in (None, "text") or pd.api.types.is_numeric_dtype(frame[name]):
            continue
        texts = [shown(v, entry, placeholder) for v in frame[name].tolist()]
        wrapped_px = max((wrapped_width(t, lines) for t in texts), default=0.0) + CELL_PADDING_PX
        header_px = text_px(str(entry.get("label") or name)) * HEADER_WEIGHT + EDITABLE_ICON_PX + CELL_PADDING_PX
        out[name] = (natural, min(natural, max(header_px, SHORT_COLUMN_PX, wrapped_px)), True)
    return out


def wrapped_width(text: str, lines: int) -> float:
    """The narrowest width in which the grid draws `text` on `lines` lines: wrapped at spaces, every word whole
    (`wrap_px`), or with its words broken between characters too, where each line may end up to a character short.

    >>> round(wrapped_width("GLM-5 model card benchmark table", 3), 1), round(wrapped_width("escalations", 2), 1)
    (95.7, 46.4)

    ("escalations", 66.2 px, on two lines broken inside it: 66.2 / 2 + 13.3 px of the widest character.)
    """
    broken = text_px(text) / lines + WIDEST_CHAR_PX
    while line_count(text, broken) > lines:
        broken += WIDEST_CHAR_PX
    return min(wrap_px(text, lines), broken)
