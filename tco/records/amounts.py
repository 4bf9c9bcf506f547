"""Amounts as the product writes them: whole dollars with the sign before the symbol and a true minus sign."""

from __future__ import annotations

import math

MINUS = "\u2212"
"""The minus sign of every amount shown (U+2212, as Plotly's axes draw it), never the hyphen."""


def usd(value: float, digits: int = 0) -> str:
    """Dollars to `digits` decimals with the sign before the symbol: −$807,094; an amount that rounds to zero has no
    sign. The one way amounts are written in words, tables and metrics (the CLI too).

    >>> usd(-807094.4), usd(-0.3), usd(0.00123, 4)
    ('−$807,094', '$0', '$0.0012')
    """
    rounded = round(value, digits)
    return f"{MINUS if rounded < 0 else ''}${abs(rounded):,.{digits}f}"


def usd_saved(cost_usd: float, other_cost_usd: float) -> str:
    """What `cost_usd` saves against `other_cost_usd` in whole dollars, as the two are shown: each rounded first, so
    the saving is the difference of the figures beside it ($565,409 − $206,208 = $359,201, whatever their cents).
    Rounded after subtracting, it could read a dollar off them.

    >>> usd_saved(100.6, 200.3), usd(200.3 - 100.6), usd_saved(200.0, 150.0)
    ('$99', '$100', '−$50')
    """
    return usd(round(other_cost_usd) - round(cost_usd))


TASK_DIGITS = 4
"""Decimals of a dollar amount per task (a request): $0.0031. The same on every page, table and sentence."""


def usd_scaled(value: float, digits: int) -> str:
    """A small unit price (per task, per million tokens) to `digits` decimals below $1, to the cent below $1,000 and
    in whole dollars above: the decimals a price needs shrink as it grows ("$274.4505" and "$82,835.46" were shown).

    >>> usd_scaled(0.003125, 4), usd_scaled(274.4505, 4), usd_scaled(82835.46, 2), usd_scaled(-1.234, 4)
    ('$0.0031', '$274.45', '$82,835', '−$1.23')
    """
    size = abs(value)
    return usd(value, 0 if size >= 1000 else min(digits, 2) if size >= 1 else digits)


def usd_per_task(value: float) -> str:
    """Dollars per task to `TASK_DIGITS` decimals (fewer as it grows, `usd_scaled`).

    >>> usd_per_task(0.003125), usd_per_task(337.5856)
    ('$0.0031', '$337.59')
    """
    return usd_scaled(value, TASK_DIGITS)


def usd_cents(value: float) -> str:
    """Dollars and cents (a bill's lines, where cents count): `usd` to two decimals.

    >>> usd_cents(-1234.5), usd_cents(-0.001)
    ('−$1,234.50', '$0.00')
    """
    return usd(value, 2)


def signed(text: str) -> str:
    """A leading hyphen written as the minus sign amounts use: '-40%' → '−40%'."""
    return MINUS + text[1:] if text.startswith("-") else text


def chance(share: float) -> str:
    """A probability as a whole percentage that never rounds to a certainty it is not: 0.9962 is ">99%", not
    "100%" (the distillation example's draws had a few losing ones); 0.003 is "<1%".

    >>> chance(0.9962), chance(1.0), chance(0.003), chance(0.0), chance(0.634)
    ('>99%', '100%', '<1%', '0%', '63%')
    """
    if 0.99 < share < 1.0:
        return ">99%"
    if 0.0 < share < 0.01:
        return "<1%"
    return f"{share:.0%}"


def percent(share: float, decimals: int = 1) -> str:
    """A share as a percentage to `decimals` decimals, more where it needs them to keep two significant figures: a
    success rate of 2 in 5,000 is "0.040%", not "0.0%" beside a rate of 0 (a reviewer could not tell them apart).

    >>> percent(0.86), percent(0.0004), percent(0.0), percent(0.00146, 0), percent(0.78, 0)
    ('86.0%', '0.040%', '0%', '0.15%', '78%')
    """
    pct = 100 * share
    if pct == 0:
        return "0%"
    return f"{pct:.{max(decimals, 1 - math.floor(math.log10(abs(pct))))}f}%"


def months_words(months: int) -> str:
    """A number of months in words, singular for one: a one-month horizon read "mean over 1 months" (a reviewer).

    >>> months_words(1), months_words(24)
    ('1 month', '24 months')
    """
    return f"{months} month{'' if months == 1 else 's'}"
