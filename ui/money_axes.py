"""Axis and hover formats for money and counts in every chart.

Money reads as a person writes it: the sign before the currency ("−$500k", not Plotly's "$−500k" from a
`tickprefix`), "$1.5M", "$2B". The way chosen is Plotly's own d3 formatter with the currency symbol in the format
(`"$~s"`): d3 puts the locale's currency symbol after the sign, the ticks are still Plotly's (they recompute on
zoom and on resize, no tick list to keep in step with the data), and hover uses the same formatter (`"$,.0f"`).
Explicit `tickvals`/`ticktext` would freeze the ticks and need their own nice-number code.

d3's SI prefixes name a billion "G" and a thousandth "m"; `labelalias` (Plotly's map from a tick's text to the
text shown) renames them: on log axes the ticks are the powers of ten, so the whole table is known; on a linear
axis reaching a billion, the table holds the ticks Plotly can pick for the data's range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from tco.records.amounts import MINUS

MONEY_TICKS = "$~s"
"""d3-format: `$` is the locale's currency symbol, written after the sign; `~s` SI prefixes, no trailing zeros."""
SMALL_MONEY_TICKS = "$,~r"
"""Below $1,000 SI would write 0.5 as "500m": decimals instead ("$0.5", "$2.5")."""
MONEY_HOVER = "$,.0f"
SMALL_MONEY_HOVER = "$,.4~r"
LOG_AXIS: dict[str, Any] = {"type": "log", "dtick": 1, "exponentformat": "none"}
"""Log axes labelled at each power of ten only (no unlabelled 2 3 4 … 9 ticks read as values)."""
_SI = {-24: "y", -21: "z", -18: "a", -15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G",
       12: "T", 15: "P", 18: "E", 21: "Z", 24: "Y"}  # fmt: skip
_NAMED = {9: "B"}
"""SI prefixes read otherwise in money and volumes: G is a billion."""
LOG_DECADES = range(-6, 16)
"""Powers of ten a log axis of money or volume may show: a millionth to a thousand trillion."""


def _parts(value: float, money: bool) -> tuple[str, str, float, int]:
    """(sign, currency, magnitude to 6 digits, its engineering exponent: a multiple of 3 in −24…24)."""
    magnitude = float(f"{abs(value):.6g}")
    exponent = max(-24, min(24, 3 * math.floor(math.log10(magnitude) / 3 + 1e-12))) if magnitude else 0
    return (MINUS if value < 0 else ""), ("$" if money else ""), magnitude, exponent


def si_label(value: float, money: bool = False) -> str:
    """The text Plotly draws for a tick at `value` with `"~s"` (or `"$~s"` when `money`).

    >>> si_label(2e9), si_label(-5e5, money=True), si_label(0.5), si_label(1.25e9, money=True), si_label(0)
    ('2G', '−$500k', '500m', '$1.25G', '0')
    """
    sign, currency, magnitude, exponent = _parts(value, money)
    if magnitude == 0:
        return f"{currency}0"
    return f"{sign}{currency}{magnitude / 10**exponent:.6g}{_SI[exponent]}"


def read_label(value: float, money: bool = False) -> str:
    """How the tick at `value` should read: billions as B, under one as decimals.

    >>> read_label(2e9), read_label(-5e5, money=True), read_label(0.001, money=True), read_label(1.5e12)
    ('2B', '−$500k', '$0.001', '1.5T')
    """
    sign, currency, magnitude, exponent = _parts(value, money)
    if magnitude == 0:
        return f"{currency}0"
    if exponent < 0:
        return f"{sign}{currency}{magnitude:.6f}".rstrip("0").rstrip(".")
    return f"{sign}{currency}{magnitude / 10**exponent:.6g}{_NAMED.get(exponent, _SI[exponent])}"


def _aliases(values: Iterable[float], money: bool) -> dict[str, str]:
    """`labelalias` for ticks at `values`: Plotly's text -> the text people read, where the two differ."""
    return {si: shown for v in values if (si := si_label(v, money)) != (shown := read_label(v, money))}


def log_axis(title: str, money: bool = False, values: Iterable[float] = (), **extra: Any) -> dict[str, Any]:
    """A log axis reading $1k, $1M, $1B (or 1k, 1M, 1B), $0.01: ticked at the powers of ten, or at 1, 2 and 5 of
    each where `values` (what the axis shows) span under 1.5 decades, so that more than one tick shows. Its title
    says "log scale": evenly spaced $0.005, $0.01, $0.02 otherwise read as a linear axis.

    >>> log_axis("USD per month", money=True)["title"]
    'USD per month (log scale)'
    """
    shown = [float(v) for v in values if v is not None and math.isfinite(v) and v > 0]
    narrow = bool(shown) and math.log10(max(shown) / min(shown)) < 1.5
    ticks = [m * 10.0**k for k in LOG_DECADES for m in (1, 2, 5)]
    fmt = {"tickformat": MONEY_TICKS if money else "~s", "labelalias": _aliases(ticks, money)}
    hover = {"hoverformat": MONEY_HOVER if money else ",.0f"}
    spread = {"dtick": "D2", "range": one_decade_at_least(shown)} if narrow else {}
    return {**LOG_AXIS, **spread, "title": f"{title} (log scale)", **fmt, **hover, **extra}


def one_decade_at_least(values: list[float]) -> list[float]:
    """A log axis range (log10 units) holding `values` and at least one decade around their middle, so that the 1, 2
    and 5 ticks show at least three: one point, or several within a factor of 2 ($0.00052 and $0.00061 a task), gave
    Plotly's autorange a sliver with no tick or one.

    >>> [round(v, 3) for v in one_decade_at_least([5.2e-4, 6.1e-4])]
    [-3.749, -2.749]
    >>> [round(v, 3) for v in one_decade_at_least([1e-3, 1e-2])]  # already a decade: the points padded 5 %
    [-3.05, -1.95]
    """
    low, high = math.log10(min(values)), math.log10(max(values))
    pad = 0.05 * max(high - low, 1.0)
    middle = (low + high) / 2
    return [min(low - pad, middle - 0.5), max(high + pad, middle + 0.5)]


def money_axis(title: str, values: Iterable[float] = (), **extra: Any) -> dict[str, Any]:
    """A linear money axis: "−$500k", "$1.5M", "$2B"; hover to the dollar. `values` (what the axis shows, used
    to pick decimals under $1,000 and the billions' names) may be left out for amounts in the thousands."""
    shown = [float(v) for v in values if v is not None and math.isfinite(v)]
    low, high = (min(shown), max(shown)) if shown else (0.0, 0.0)
    if shown and max(abs(low), abs(high)) < 1000:
        return {"title": title, "tickformat": SMALL_MONEY_TICKS, "hoverformat": SMALL_MONEY_HOVER, **extra}
    axis = {"title": title, "tickformat": MONEY_TICKS, "hoverformat": MONEY_HOVER, **extra}
    if max(abs(low), abs(high)) >= 1e9:
        axis["labelalias"] = _aliases(possible_ticks(low, high), money=True)
    return axis


def possible_ticks(low: float, high: float) -> list[float]:
    """Every tick Plotly may draw on a linear axis showing low..high: multiples of 1, 2 or 5 × 10^k, from 1 to
    40 steps across the range (autorange's padding included).

    >>> ticks = possible_ticks(0, 2e9)
    >>> 1.3e9 in ticks, 2.5e9 in ticks, 1.25e9 in ticks, len(ticks)
    (True, True, False, 31)
    """
    span = high - low or abs(high) or 1.0
    low, high = low - span / 10, high + span / 10
    ticks: set[float] = set()
    for exponent in range(math.floor(math.log10(span / 40)) - 1, math.ceil(math.log10(span)) + 1):
        for mantissa in (1, 2, 5):
            step = mantissa * 10.0**exponent
            if not 1 <= (high - low) / step <= 42:
                continue
            ticks.update(float(f"{k * step:.12g}") for k in range(math.floor(low / step), math.ceil(high / step) + 1))
    return sorted(ticks)


def money_values(*series: Iterable[float] | None) -> list[float]:
    """The finite numbers of several series, for `money_axis`."""
    return [float(v) for s in series if s is not None for v in s if v is not None and math.isfinite(float(v))]
