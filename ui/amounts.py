"""Large amounts typed and read as people write them: 3,000,000, 3M, 2.5 k, 1.2B, 7.5e9."""

from __future__ import annotations

import math
import re

SUFFIXES = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_AMOUNT = re.compile(r"^\s*([0-9][0-9,_ ]*(?:\.[0-9]*)?|\.[0-9]+)(?:e([+-]?[0-9]{1,3}))?\s*([kmbgt]?)\s*$", re.I)


def parse_amount(text: str) -> float:
    """A positive amount with optional thousands separators and a k/M/B/T suffix.

    >>> parse_amount("3,000,000"), parse_amount("3M"), parse_amount("2.5 k"), parse_amount("7.5e9")
    (3000000.0, 3000000.0, 2500.0, 7500000000.0)
    >>> parse_amount("three")
    Traceback (most recent call last):
    ...
    ValueError: expected a number such as 3,000,000, 3M, 750k or 1.2B (got 'three')
    """
    match = _AMOUNT.match(text or "")
    if match is None:
        raise ValueError(f"expected a number such as 3,000,000, 3M, 750k or 1.2B (got {text!r})")
    digits, exponent, suffix = match.groups()
    try:
        value = float(re.sub(r"[,_ ]", "", digits)) * 10 ** int(exponent or 0) * SUFFIXES[suffix.lower()]
    except OverflowError:
        raise ValueError(f"expected a number below 1e300 (got {text!r})") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a positive number (got {text!r})")
    return value


def with_separators(value: float) -> str:
    """Whole units with thousands separators.

    >>> with_separators(3e6)
    '3,000,000'
    """
    return f"{value:,.0f}"


def short(value: float) -> str:
    """Three significant figures and a k/M/B/T suffix.

    >>> short(3_000_000), short(7.5e9), short(26_671_579), short(950)
    ('3 M', '7.5 B', '26.7 M', '950')
    """
    for suffix, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value:.3g}"
