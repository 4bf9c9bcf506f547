"""Exports that open safely in a spreadsheet: no cell is ever read as a formula."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection advice).

    Numbers pass through unchanged; text starting with = + - @ tab or CR gets a leading quote.

    >>> spreadsheet_safe("=HYPERLINK('x')")
    "'=HYPERLINK('x')"
    >>> spreadsheet_safe(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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


def to_xlsx(sheets: Mapping[str, tuple[list[str], Iterable[Mapping[str, Any]]]]) -> bytes:
    """A workbook with one sheet per entry (name -> (columns, rows)); text is never a formula or a link.

    xlsxwriter would turn text starting with "=" into a live formula and text that looks like a URL
    into a hyperlink; both are switched off, and text is also neutralised as in the CSV.
    """
    import xlsxwriter  # imported here: only exports need it

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        bold = book.add_format({"bold": True})
        for name, (columns, rows) in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, [spreadsheet_safe(c) for c in columns], bold)
            for r, row in enumerate(rows, start=1):
                for c, key in enumerate(columns):
                    value = spreadsheet_safe(row.get(key))
                    if value is None or value == "":
                        continue
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
            sheet.set_column(0, max(len(columns) - 1, 0), 16)
    return buffer.getvalue()
