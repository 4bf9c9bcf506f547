"""The decision report's assumptions as a person writes them: "3,000,000 requests a month", "8 % a year",
"$2.30 per GPU-hour", "2 s" — never a raw float ("3000000.0", "0.08").

The rows are the exports' (`reports.exports.assumption_rows`: name, value, unit); each is written from its unit,
money with the one formatter (`tco.records.amounts.usd`: the sign before the dollar).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from reports.exports import assumption_rows
from tco.records.amounts import usd
from tco.records.benchmarks import benchmark_name
from tco.records.results import ScenarioResult


def number(value: float) -> str:
    """A number as written: thousands separated, whole numbers without ".0", at most four significant figures
    below 1,000.

    >>> number(3000000.0), number(2500.0), number(0.05), number(85.0), number(1.2345), number(-0.0)
    ('3,000,000', '2,500', '0.05', '85', '1.234', '0')
    """
    value = value + 0.0  # -0.0 reads 0
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.4g}"


def percent(share: float) -> str:
    """A share as a percentage: 0.08 -> "8 %", 0.035 -> "3.5 %", 0.855 -> "85.5 %".

    >>> percent(0.08), percent(0.035), percent(0.0), percent(0.8555)
    ('8 %', '3.5 %', '0 %', '85.55 %')
    """
    return f"{round(share * 100, 2):g} %"


def _with(unit: str) -> Callable[[Any], str]:
    """A count and its unit, the unit's first word singular for one: "1 replica", "2 replicas"."""

    def written(value: float) -> str:
        first, _, rest = unit.partition(" ")
        if number(value) == "1" and first.endswith("s"):
            first = first[:-1]
        return " ".join(w for w in (number(value), first, rest) if w)

    return written


_BY_UNIT: dict[str, Callable[[Any], str]] = {
    "requests/month": _with("requests a month"),
    "tokens (input + output)": _with("tokens a request (input + output)"),
    "share a month": lambda v: f"{percent(v)} a month",
    "share a year": lambda v: f"{percent(v)} a year",
    "share a year (on-demand and spot)": lambda v: f"{percent(v)} a year (on-demand and spot)",
    "share of SLO throughput": lambda v: f"{percent(v)} of the SLO throughput",
    "ratio": lambda v: f"{number(v)} × the mean",
    "hours": _with("hours"),
    "months": _with("months"),
    "replicas": _with("replicas"),
    "GPUs": _with("GPUs"),
    "FTE": _with("FTE"),
    "seconds": lambda v: f"{number(v)} s",
    "USD per FTE-month": lambda v: f"{usd(v)} per FTE-month",
    "USD per GPU-hour": lambda v: f"${v:,.2f} per GPU-hour",
    "USD per server": lambda v: f"{usd(v)} per server",
}
"""How a value of each unit of `assumption_rows` reads; text values read as they are."""
_TERMS = {"count": "counted in the NPV of cost", "ignore": "left out of the NPV of cost"}
"""`contract after the horizon`: what each setting means."""


def assumption_text(name: str, value: Any, unit: str) -> str:
    """One assumption's value with its unit, as a person writes it.

    >>> assumption_text("requests in month 1", 3000000.0, "requests/month")
    '3,000,000 requests a month'
    >>> assumption_text("discount rate", 0.08, "share a year"), assumption_text("quality gate: min rate", 0.9, "")
    ('8 % a year', '90 %')
    >>> assumption_text("option x: GPU price", 2.5, "USD per GPU-hour")
    '$2.50 per GPU-hour'
    >>> assumption_text("staff cost", 18000.0, "USD per FTE-month"), assumption_text("SLO TTFT p99", 2.0, "seconds")
    ('$18,000 per FTE-month', '2 s')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return _TERMS.get(text, text) if name == "contract after the horizon" else text
    if not math.isfinite(value):
        return "not set"
    if unit in _BY_UNIT:
        return _BY_UNIT[unit](value)
    if name.endswith("rate") or name.endswith("share"):
        return percent(value)
    return f"{number(value)} {unit}".strip()


def assumption_table(result: ScenarioResult) -> list[dict[str, str]]:
    """Every assumption of the result, one row each: what it is and its value in words (the scenario file by its name
    alone, and only where there is one: `reports.exports.assumption_rows`)."""
    rows = []
    for row in assumption_rows(result):
        name, value, unit = row["name"], row["value"], row["unit"]
        if name == "quality gate: benchmark":
            value = benchmark_name(str(value))
        rows.append({"assumption": name, "value": assumption_text(name, value, unit)})
    return rows
