"""Exports that open safely in a spreadsheet: no cell is ever read as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
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


def to_csv(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(row.get(k)) for k in columns})
    return buffer.getvalue()


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


FORMATS = {
    "usd": "$#,##0;-$#,##0",
    "usd4": "$#,##0.0000",
    "usd2": "$#,##0.00",
    "percent": "0.0%",
    "int": "#,##0",
    "number": "#,##0.00",
    "ratio": "0.000",
    "month": "yyyy-mm",
    "text": "@",
}
"""xlsxwriter number formats by column kind: what a finance reader expects to see, the value kept a number."""


@dataclass(frozen=True)
class Column:
    """One workbook column: the row key, its header (with the unit) and how its numbers are shown."""

    key: str
    header: str
    kind: str = "text"
    width: float = 14


def to_xlsx(sheets: Mapping[str, tuple[list[Column], Iterable[Mapping[str, Any]]]]) -> bytes:
    """A workbook with one sheet per entry (name -> (columns, rows)): headers frozen and filtered, numbers as
    numbers in their column's format, "YYYY-MM" months as dates; text is never a formula or a link.

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
            sheet.write_row(0, 0, [spreadsheet_safe(c.header) for c in columns], header)
            count = 0
            for r, row in enumerate(rows, start=1):
                count = r
                for c, column in enumerate(columns):
                    _write(sheet, r, c, row.get(column.key), formats[column.kind])
            for c, column in enumerate(columns):
                sheet.set_column(c, c, column.width, formats[column.kind])
            sheet.set_row(0, 45)
            sheet.freeze_panes(1, 1 if len(columns) > 1 else 0)
            sheet.autofilter(0, 0, max(count, 1), max(len(columns) - 1, 0))
    return buffer.getvalue()


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _write(sheet: Any, r: int, c: int, raw: Any, fmt: Any) -> None:
    value = spreadsheet_safe(raw)
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, fmt)
    elif isinstance(value, str) and (month := _MONTH.match(value)):
        sheet.write_datetime(r, c, dt.datetime(int(month[1]), int(month[2]), 1), fmt)
    else:
        sheet.write_string(r, c, str(value))
