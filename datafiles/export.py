"""Exports that open safely in a spreadsheet: no cell is ever read as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SIGNED_NUMBER = re.compile(r"^[-+][0-9][0-9.,]*\s?%?$")
"""Text such as "-20%" or "+5": a signed number, never a formula; left as it reads."""


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection advice).

    Numbers pass through unchanged; text starting with = + - @ tab or CR gets a leading quote.

    >>> spreadsheet_safe("=HYPERLINK('x')")
    "'=HYPERLINK('x')"
    >>> spreadsheet_safe(-3.5), spreadsheet_safe("-20%")
    (-3.5, '-20%')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _SIGNED_NUMBER.match(value):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: list[str], kinds: Mapping[str, str] | None = None) -> str:
    """CSV with a header row; text made spreadsheet-safe. `kinds` (column -> kind) rounds numbers as in the
    workbook (`rounded`); amounts (`usd`) are written with two decimals, "9300.00"."""
    kinds = kinds or {}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row.get(k), kinds.get(k)) for k in columns})
    return buffer.getvalue()


def _csv_cell(raw: Any, kind: str | None) -> Any:
    value = spreadsheet_safe(rounded(raw, kind) if kind else raw)
    if kind in AMOUNTS and isinstance(value, float):
        return f"{value:.2f}"
    return value


def json_safe(value: Any) -> Any:
    """NaN and infinities become null, so the JSON is standard (`allow_nan=False` holds)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return json_safe(value.item())
    return value


AMOUNTS = ("usd", "usd_cents")
"""The kinds of an amount of money: held to the cent in every file (`rounded`), shown in whole dollars (`usd`:
totals, NPVs, monthly means) or to the cent (`usd_cents`: the monthly ledger, whose cents add up to the summary)."""

FORMATS = {
    "usd": "$#,##0",
    "usd_cents": "$#,##0.00",
    "usd4": "$#,##0.0000",
    "usd2": "$#,##0.00##",
    "percent": "0.0%",
    "signed_percent": "+0.0%;-0.0%;0.0%",
    "int": "#,##0",
    "count": "#,##0",
    "count_fraction": "#,##0.0#",
    "number": "#,##0.00",
    "score": "General",
    "ratio": "0.0000",
    "ratio2": "0.00",
    "seconds": "0.000",
    "month": "yyyy-mm",
    "text": "@",
}
"""xlsxwriter number formats by column kind: what a finance reader expects to see, the value kept a number.
Amounts (`usd`) in whole dollars (a reviewer read 1,608,955.21 beside the screen's $1,608,955; the cell holds the
cents), the monthly ledger's (`usd_cents`) to the cent; unit prices per task (`usd4`) and per GPU-hour or million
tokens (`usd2`, two to four decimals); shares as percentages; benchmark scores as the screen writes them (86, 94.3:
`score`); counts as whole numbers (`count` falls back to
`count_fraction` for an hourly mean such as 13.5 GPUs); months as real dates."""

DECIMALS = {
    "usd": 2,
    "usd_cents": 2,
    "usd4": 6,
    "usd2": 4,
    "percent": 6,
    "signed_percent": 6,
    "count": 2,
    "count_fraction": 2,
    "number": 2,
    "score": 2,
    "ratio": 6,
    "ratio2": 4,
    "seconds": 4,
}
"""Decimal places a number of each kind is rounded to before it is written (CSV and workbook): money to the
cent, finer kinds a little beyond what their format shows, so no float noise (9300.000000000002) is written."""


def to_cents(value: float) -> int:
    """An amount in whole cents, rounded half away from zero as money is.

    >>> to_cents(9300.000000000002), to_cents(0.125), to_cents(-0.125), to_cents(1.005)
    (930000, 13, -13, 101)
    """
    cents = round(value * 100, 6)  # 1.005 * 100 = 100.49999999999999: noise below a millionth of a cent goes
    return int(math.copysign(math.floor(abs(cents) + 0.5), cents))


def allocate_cents(values: Sequence[float], total_cents: int, unit: float = 0.01) -> list[int]:
    """Whole cents (whole `unit`s of a dollar) for each value that add up to `total_cents` exactly (largest
    remainder): each value is floored to the unit, and the units still missing go to the values with the largest
    remainders (the first of equals first). Each result is within one unit of its value when the values add up to
    the total. `unit=1.0`: whole dollars, a table of parts that reads its total ($3,950 + $636.52 + $7.50 shows
    $3,950 + $637 + $7 = $4,594, where each rounded alone showed $8 beside a total of $4,594: a reviewer).

    >>> allocate_cents([0.334, 0.333, 0.333], 100)
    [34, 33, 33]
    >>> allocate_cents([9300.000000000002, 0.0], 930000)
    [930000, 0]
    >>> allocate_cents([3950.0, 636.52, 7.50], 4594, unit=1.0)
    [3950, 637, 7]
    """
    if not values:
        return []
    exact = [round(v / unit, 6) for v in values]
    floors = [math.floor(c) for c in exact]
    missing = total_cents - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(exact[i] - floors[i]), i))
    step = 1 if missing >= 0 else -1
    if step < 0:
        order.reverse()
    out = list(floors)
    for k in range(abs(missing)):
        out[order[k % len(order)]] += step
    return out


def rounded(value: Any, kind: str) -> Any:
    """`value` rounded as its kind is written: money to the cent, counts to whole numbers where they are whole,
    `int` to an integer; text, booleans, None and non-finite numbers unchanged.

    >>> rounded(9300.000000000002, "usd"), rounded(16.0, "count"), rounded(13.456, "count"), rounded(-1e-9, "usd")
    (9300.0, 16, 13.46, 0.0)
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return value
    if kind == "int":
        return round(value)
    if kind in AMOUNTS:
        return to_cents(value) / 100 + 0.0
    if kind in ("count", "count_fraction") and abs(value - round(value)) < 1e-9:
        return round(value)
    if kind in DECIMALS:
        return round(float(value), DECIMALS[kind]) + 0.0  # + 0.0: no "-0.0"
    return value


@dataclass(frozen=True)
class Column:
    """One workbook column: the row key, its header (with the unit) and how its numbers are shown.

    `kind_key`: where a column holds values of several kinds (an assumptions sheet), the row's entry under this
    key names the kind of that row's cell; the column's `kind` is the fallback."""

    key: str
    header: str
    kind: str = "text"
    width: float = 14
    kind_key: str | None = None

    def kind_of(self, row: Mapping[str, Any]) -> str:
        """The kind of this column's cell in `row`."""
        return str(row.get(self.kind_key) or self.kind) if self.kind_key else self.kind


def to_xlsx(sheets: Mapping[str, tuple[list[Column], Iterable[Mapping[str, Any]]]]) -> bytes:
    """A workbook with one sheet per entry (name -> (columns, rows)): headers frozen and filtered, numbers as
    numbers rounded and formatted as their kind (the column's, or the row's for a column with `kind_key`),
    "YYYY-MM" months in a month column as dates; text is never a formula or a link.

    xlsxwriter would turn text starting with "=" into a live formula and text that looks like a URL
    into a hyperlink; both are switched off, and text is also neutralised as in the CSV.
    """
    import xlsxwriter  # imported here: only exports need it

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        formats = {kind: book.add_format({"num_format": f}) for kind, f in FORMATS.items()}
        for name, (columns, rows) in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, [spreadsheet_safe(xlsx_header(c)) for c in columns], header)
            count = 0
            for r, row in enumerate(rows, start=1):
                count = r
                for c, column in enumerate(columns):
                    _write(sheet, r, c, row.get(column.key), column.kind_of(row), formats)
            for c, column in enumerate(columns):
                sheet.set_column(c, c, column.width, formats[column.kind])
            sheet.set_row(0, 45)
            sheet.freeze_panes(1, 1 if len(columns) > 1 else 0)
            sheet.autofilter(0, 0, max(count, 1), max(len(columns) - 1, 0))
    return buffer.getvalue()


def xlsx_header(column: Column) -> str:
    """The column's header in a workbook: a share's "(%)" dropped, since the cell holds the share (0.493) shown as a
    percentage (49.3 %); the CSV writes percent numbers (49.3) under the "(%)". A value pasted from the workbook read
    100× too small under a header saying "%" (a reviewer).

    >>> xlsx_header(Column("irr", "IRR vs that API (% a year)", "percent"))
    'IRR vs that API (a year)'
    >>> xlsx_header(Column("u", "utilisation of billed GPUs, month 1 (%)", "percent"))
    'utilisation of billed GPUs, month 1'
    """
    if column.kind != "percent":
        return column.header
    return column.header.replace(" (%)", "").replace("(% ", "(")


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _write(sheet: Any, r: int, c: int, raw: Any, kind: str, formats: Mapping[str, Any]) -> None:
    """One cell, typed: a number rounded as its kind and in its format, a "YYYY-MM" month or a date as a real
    date in a month or date column, a boolean, or text."""
    value = spreadsheet_safe(rounded(raw, kind))
    if value is None or value == "":
        return
    if kind == "count" and isinstance(value, float):
        kind = "count_fraction"  # an hourly mean: 13.5 GPUs, not "14"
    fmt = formats[kind]
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, fmt)
    elif kind == "month" and isinstance(value, str) and (month := _MONTH.match(value)):
        sheet.write_datetime(r, c, dt.datetime(int(month[1]), int(month[2]), 1), fmt)
    elif kind == "month" and isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        sheet.write_string(r, c, str(value), formats["text"])
