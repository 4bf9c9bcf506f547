"""Break-even said as ranges: where along the volume axis each of two options is the cheaper, in words that stay
true at every volume they cover.

The exact crossings (`tco.finance.breakeven`) of a fleet's step cost with the API's line alternate: cheaper
above 25.8M, dearer above 31.9M, cheaper above 45.9M… "Above 25.8M self-hosting is cheaper" is then false at
1.3× that volume. The ranges cover the whole searched axis (VOLUME_RANGE), each with the side that is cheaper
throughout it:

    [0, c₁) api,  [c₁, c₂) self_hosted,  [c₂, c₃) api,  [c₃, ∞) self_hosted

Where three or more consecutive crossings lie within TIE_BAND of each other (each new replica or server tips the
balance back and forth), or two within SLIVER (the costs touch), they are one range, `cheaper: even`, with
`costs_within`: the largest gap between the two costs inside it over the API's cost, measured on the cost
functions. An "above X" statement is made only for the last range, which runs to the end of the search (100
billion requests a month).

Worked example: crossings at 10 (cheaper above), 20 (dearer above), 20.2 (cheaper above) and 20.4 (dearer
above) give api below 10, self-hosted 10–20, even 20–20.4 and api above 20.4; two crossings alone (20 and 20.2)
would bound a plain range, api between them:

>>> from tco.records.results import Crossing
>>> cs = [Crossing(10.0, 0.0, True), Crossing(20.0, 0.0, False), Crossing(20.2, 0.0, True)]
>>> [(r.from_requests_per_month, r.to_requests_per_month, r.cheaper) for r in volume_ranges(cs, "api", None)]
[(None, 10.0, 'api'), (10.0, 20.0, 'self_hosted'), (20.0, 20.2, 'api'), (20.2, None, 'self_hosted')]
>>> cs.append(Crossing(20.4, 0.0, False))
>>> [(r.from_requests_per_month, r.to_requests_per_month, r.cheaper) for r in volume_ranges(cs, "api", None)]
[(None, 10.0, 'api'), (10.0, 20.0, 'self_hosted'), (20.0, 20.4, 'even'), (20.4, None, 'api')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tco.records.results import Crossing, VolumeRange

TIE_BAND = 0.05
"""Crossings closer than 5 % in volume to the next one are one range where the two run even."""
SLIVER = 0.005
"""Two crossings closer than 0.5 % in volume bound no range of their own: the two costs touch there, and "cheaper
between 13.68M and 13.69M" read as a finding (a reviewer); they are one range where the two run even."""


@dataclass(frozen=True)
class _Band:
    start: float
    end: float
    crossings: int


def _bands(crossings: Sequence[Crossing]) -> list[_Band]:
    """Crossings grouped: a group grows while the next crossing is within TIE_BAND of the previous one. A group of
    two is no alternation (one side is cheaper all the way between them): it is split back into its crossings,
    unless they lie within SLIVER of each other (the costs touch: even there).

    >>> from tco.records.results import Crossing
    >>> [(b.start, b.end, b.crossings) for b in _bands([Crossing(13.68e6, 0.0, True), Crossing(13.69e6, 0.0, False)])]
    [(13680000.0, 13690000.0, 2)]
    >>> [(b.start, b.end, b.crossings) for b in _bands([Crossing(20.0, 0.0, True), Crossing(20.2, 0.0, False)])]
    [(20.0, 20.0, 1), (20.2, 20.2, 1)]
    """
    bands: list[_Band] = []
    for c in sorted(crossings, key=lambda c: c.requests_per_month):
        v = c.requests_per_month
        if bands and v <= bands[-1].end * (1 + TIE_BAND):
            bands[-1] = _Band(bands[-1].start, v, bands[-1].crossings + 1)
        else:
            bands.append(_Band(v, v, 1))
    out: list[_Band] = []
    for band in bands:
        split = band.crossings == 2 and band.end > band.start * (1 + SLIVER)
        out.extend([_Band(band.start, band.start, 1), _Band(band.end, band.end, 1)] if split else [band])
    return out


def volume_ranges(
    crossings: Sequence[Crossing],
    cheaper_without_crossings: str,
    gap: Callable[[float, float], float] | None,
) -> list[VolumeRange]:
    """The ranges (module docstring). `cheaper_without_crossings` is the side cheaper when nothing crosses (read at
    any volume); `gap(a, b)` is the largest |self-hosted − API| / API cost between volumes a and b (None: not
    measured, e.g. in the doctest)."""
    ordered = sorted(crossings, key=lambda c: c.requests_per_month)
    if not ordered:
        return [VolumeRange(None, None, cheaper_without_crossings)]
    side = "api" if ordered[0].self_hosted_cheaper_above else "self_hosted"
    out: list[VolumeRange] = []
    start: float | None = None
    index = 0
    for band in _bands(ordered):
        out.append(VolumeRange(start, band.start, side))
        last = ordered[index + band.crossings - 1]
        index += band.crossings
        side = "self_hosted" if last.self_hosted_cheaper_above else "api"
        if band.crossings > 1:
            within = gap(band.start, band.end) if gap is not None else None
            out.append(VolumeRange(band.start, band.end, "even", within))
        start = band.end
    out.append(VolumeRange(start, None, side))
    return [r for r in out if r.from_requests_per_month != r.to_requests_per_month or r.cheaper == "even"]


def largest_gap(costs: Callable[[np.ndarray], np.ndarray], low: float, high: float, points: int = 64) -> float:
    """max |self-hosted − API| / API over `points` volumes from `low` to `high` (geometric), with `costs(volumes)`
    the (2, volumes) array of (self-hosted, API) costs."""
    grid = np.geomspace(low, high, points + 2)[1:-1]  # inside the range: at an edge a step's other side is read
    hosted, api = costs(grid)
    return float(np.max(np.abs(hosted - api) / api))


def volume_words(v: float, digits: int = 1) -> str:
    """A volume a month as every page writes it: `digits` decimals on millions, one more on billions and trillions,
    trailing zeros dropped (the volume field's own caption, the verdict and the break-even chart read alike).

    >>> volume_words(12e6), volume_words(12_100_000), volume_words(1.25e9), volume_words(3e12), volume_words(950_000)
    ('12M', '12.1M', '1.25B', '3T', '950,000')
    """
    for suffix, scale, places in (("T", 1e12, digits + 1), ("B", 1e9, digits + 1), ("M", 1e6, digits)):
        if v >= scale:
            text = f"{v / scale:,.{places}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + suffix
    return f"{v:,.0f}"


def _digits(volumes: Sequence[float]) -> int:
    """Decimals (1 to 4) at which every distinct volume prints differently."""
    distinct = sorted(set(volumes))
    for digits in range(1, 5):
        if len({volume_words(v, digits) for v in distinct}) == len(distinct):
            return digits
    return 4


def ranges_text(ranges: Sequence[VolumeRange], hosted: str, api: str) -> str:
    """E.g. "llama70b-owned is cheaper above 27.4M requests/month; gpt-5-mini is cheaper below 15.4M requests/month;
    the two alternate between 15.4M and 15.9M requests/month (costs within ±0.4%)". The span "at every volume searched,
    from 100 to 100 billion" when nothing crosses in the whole search (the break-even chart shows 1,000× either side
    of the volume: "searched" says the text's span is the search's, not the chart's)."""

    words = edge_words(ranges)

    def span(r: VolumeRange) -> str:
        low, high = r.from_requests_per_month, r.to_requests_per_month
        if low is None and high is None:
            return "at every volume searched, from 100 to 100 billion"  # wider than the chart (a reviewer)
        if low is None:
            return f"below {words[high or 0]}"
        if high is None:
            return f"above {words[low]}"
        return f"between {words[low]} and {words[high]}"

    parts = []
    for side, name in (("self_hosted", hosted), ("api", api)):
        spans = [span(r) for r in ranges if r.cheaper == side]
        if spans:
            parts.append(f"{name} is cheaper {_and(spans)} requests/month")
    even = [r for r in ranges if r.cheaper == "even"]
    if even:
        texts = [
            span(r) + " requests/month" + (f" (costs within ±{_share(r.costs_within)})" if r.costs_within is not None
                                           else "")
            for r in even
        ]  # fmt: skip
        parts.append(f"the two alternate {_and(texts)}")
    return "; ".join(parts)


def edge_words(ranges: Sequence[VolumeRange]) -> dict[float, str]:
    """Each range edge (requests a month) as `ranges_text` writes it, at the decimals that tell every edge apart: the
    one way a chart names the same volumes. 15,242,571 and 15,912,000 → '15.2M', '15.9M'; 3,826,000 alone → '3.8M'.

    >>> edge_words([VolumeRange(None, 15_242_571.0, "api"), VolumeRange(15_242_571.0, None, "self_hosted")])
    {15242571.0: '15.2M'}
    """
    edges = [v for r in ranges for v in (r.from_requests_per_month, r.to_requests_per_month) if v is not None]
    digits = _digits(edges)
    return {v: volume_words(v, digits) for v in edges}


def _share(value: float) -> str:
    return "0.1%" if value < 0.001 else f"{value:.1%}"


def range_at(ranges: Sequence[VolumeRange], volume: float) -> VolumeRange | None:
    """The range holding `volume`."""
    for r in ranges:
        if (r.from_requests_per_month or 0.0) <= volume and (
            r.to_requests_per_month is None or volume < r.to_requests_per_month
        ):
            return r
    return None


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
