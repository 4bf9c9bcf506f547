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
