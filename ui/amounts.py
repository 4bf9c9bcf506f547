"""Large amounts typed and read as people write them: 3,000,000, 3M, 2.5 k, 1.2B, 7.5e9, 3 million, 1.2 bn."""

from __future__ import annotations

import math
import re
from decimal import Decimal

SCALES: dict[str, int] = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "mio": 10**6,
    "million": 10**6,
    "b": 10**9,
    "g": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}
"""Each suffix or word (lower case) and the whole number it multiplies by. "mm" is left out on purpose: some read
it as thousand-thousand, others as a typo."""
WORDS = ("thousand", "million", "billion", "trillion")
"""The scales also taken in the plural ("3 millions")."""
MAX_AMOUNT = 1e300
EXAMPLES = "3,000,000, 3M, 750k, 1.2B or 3 million"

_SCALE = "|".join(sorted((re.escape(s) for s in SCALES if s), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"^\s*((?:[0-9]{{1,3}}(?:[,_ ][0-9]{{3}})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:e([+-]?[0-9]{{1,3}}))?"
    rf"\s*(?:({_SCALE})|({'|'.join(WORDS)})s)?\s*$",
    re.I,
)
"""A separator (comma, underscore or space) only between groups of three digits: "12,5M" is no number here."""
_DECIMAL_COMMA = re.compile(r"^\s*[0-9]+,[0-9]{1,2}(?![0-9])|^\s*[0-9]+,[0-9]{4,}")
"""A comma that can only be a decimal one ("12,5M", "1,25"): said so, never read as a thousands separator."""


def parse_amount(text: str) -> float:
    """A positive amount with optional thousands separators and a scale: a k/M/B/T suffix or its word.

    Case does not matter; the digits and the scale are multiplied exactly, so "1.2 billion" is 1.2e9.

    >>> parse_amount("3,000,000"), parse_amount("3M"), parse_amount("2.5 k"), parse_amount("7.5e9")
    (3000000.0, 3000000.0, 2500.0, 7500000000.0)
    >>> parse_amount("3 million"), parse_amount("3,000k"), parse_amount("2.5 Thousand"), parse_amount("1.2 bn")
    (3000000.0, 3000000.0, 2500.0, 1200000000.0)
    >>> parse_amount("12,5M")
    Traceback (most recent call last):
    ...
    ValueError: a comma separates thousands (3,000,000): write a decimal with a point, e.g. 12.5M (got '12,5M')
    >>> parse_amount("three")
    Traceback (most recent call last):
    ...
    ValueError: expected a number such as 3,000,000, 3M, 750k, 1.2B or 3 million (got 'three')
    >>> parse_amount("-5")
    Traceback (most recent call last):
    ...
    ValueError: expected a positive number (got '-5')
    """
    match = _AMOUNT.match(text or "")
    if match is None and _DECIMAL_COMMA.match(text or ""):
        raise ValueError(f"a comma separates thousands (3,000,000): write a decimal with a point, e.g. 12.5M "
                         f"(got {text!r})")  # fmt: skip
    if match is None and _AMOUNT.match((text or "").strip().removeprefix("-").removeprefix("−")):
        raise ValueError(f"expected a positive number (got {text!r})")  # "-5": a number, but below zero
    if match is None:
        raise ValueError(f"expected a number such as {EXAMPLES} (got {text!r})")
    digits, exponent, scale, plural = match.groups()
    exact = Decimal(re.sub(r"[,_ ]", "", digits)).scaleb(int(exponent or 0)) * SCALES[(scale or plural or "").lower()]
    if exact >= Decimal(MAX_AMOUNT):
        raise ValueError(f"expected a number below 1e300 (got {text!r})")
    value = float(exact)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a positive number (got {text!r})")
    return value


def parse_usd(text: str) -> float:
    """A dollar amount typed into a cost box: `parse_amount`'s forms, with an optional "$" or "USD", and zero (or a
    blank box) for none.

    >>> parse_usd("18,000"), parse_usd("$18k"), parse_usd("250,000 USD"), parse_usd("0"), parse_usd(" ")
    (18000.0, 18000.0, 250000.0, 0.0, 0.0)
    >>> parse_usd("-5")
    Traceback (most recent call last):
    ...
    ValueError: expected a dollar amount such as 18,000, 18k or 1.5M (got '-5')
    """
    bare = re.sub(r"^\s*\$|\s*(?:usd|\$)\s*$", "", text or "", flags=re.I).strip()
    if bare == "" or re.fullmatch(r"0*\.?0*", bare):
        return 0.0
    try:
        return parse_amount(bare)
    except ValueError:
        raise ValueError(f"expected a dollar amount such as 18,000, 18k or 1.5M (got {text!r})") from None


def parse_count(text: str, max_value: float | None = None) -> float:
    """A whole count typed into a box: `parse_amount`'s forms ("10,000", "10k"), a whole number, at most `max_value`.

    >>> parse_count("10,000"), parse_count("50k"), parse_count("2.5k")
    (10000.0, 50000.0, 2500.0)
    >>> parse_count("10.5")
    Traceback (most recent call last):
    ...
    ValueError: expected a whole number such as 10,000 or 10k (got '10.5')
    >>> parse_count("300k", max_value=200_000)
    Traceback (most recent call last):
    ...
    ValueError: expected at most 200,000 (got '300k')
    """
    try:
        value = parse_amount(text)
    except ValueError:
        value = math.nan
    if not float(value).is_integer():
        raise ValueError(f"expected a whole number such as 10,000 or 10k (got {text!r})")
    if max_value is not None and value > max_value:
        raise ValueError(f"expected at most {with_separators(max_value)} (got {text!r})")
    return value


def with_separators(value: float) -> str:
    """Whole units with thousands separators.

    >>> with_separators(3e6)
    '3,000,000'
    """
    return f"{value:,.0f}"


def usd_text(value: float) -> str:
    """A dollar amount as a cost box shows it: thousands separators, no ".0", every digit kept (so an untouched box
    reads back as the same number, `parse_usd`).

    >>> usd_text(18000.0), usd_text(18500.25), usd_text(0)
    ('18,000', '18,500.25', '0')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
