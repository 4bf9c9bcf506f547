"""A request class's spread of input lengths, as segments to price bucket by bucket.

A context tier reprices the whole request once its input exceeds the tier's start (Gemini 2.5 Pro: $1.25 →
$2.50 per Mtok above 200k), so a class priced at its mean length is wrong when its requests straddle a tier:
half at 50k and half at 250k tokens cost 0.5 × $0.0725 + 0.5 × $0.64 = $0.356 a request (1,000 output
tokens), the mean request of 150k only $0.198, 45 % less.

Two ways to give the spread, both turned into segments (share, low, high) of input lengths:

- `input_histogram`: point masses, share s_i at length x_i (low = high = x_i);
- `input_percentiles` {p_k: x_k}: a piecewise-linear distribution function through the points, so between
  consecutive percentiles the lengths are uniform on [x_k, x_k+1] with share p_k+1 − p_k; below the lowest
  percentile its share sits at x_lowest, above the highest at x_highest (nothing is assumed beyond the
  points given).

Within one tier a request's cost is linear in its input length, so the mean cost over a uniform piece is the
cost at its midpoint; pieces are cut at every tier start, which makes bucket pricing exact for the
distribution given.

>>> from tco.records.scenario import RequestClass
>>> cls = RequestClass(name="c", share=1, output_tokens=100, input_percentiles={"p50": 1000, "p90": 3000})
>>> [(round(s, 2), lo, hi) for s, lo, hi in segments(cls)]
[(0.5, 1000.0, 1000.0), (0.4, 1000.0, 3000.0), (0.1, 3000.0, 3000.0)]
>>> cls.input_tokens  # 0.5 × 1000 + 0.4 × 2000 + 0.1 × 3000
1600.0
"""

from __future__ import annotations

import itertools
from typing import Protocol


class RequestClass(Protocol):
    """What a spread is read from: a request class's mean and its histogram or percentiles
    (tco.records.scenario.RequestClass; a protocol here, so the scenario records may import this module)."""

    input_tokens: float | None
    input_histogram: tuple  # of SizeBucket (share, input_tokens)
    input_percentiles: dict[str, float] | None


Segment = tuple[float, float, float]
"""(share, low, high) input tokens: a point mass when low == high, else uniform on [low, high]."""

NEAR_TIER = 0.25
"""A class mean within ±25 % of a tier start gets a note: its requests likely straddle the tier."""


def segments(cls: RequestClass) -> list[Segment]:
    if cls.input_histogram:
        return [(b.share, float(b.input_tokens), float(b.input_tokens)) for b in cls.input_histogram]
    if cls.input_percentiles:
        points = sorted((float(k[1:]) / 100, float(v)) for k, v in cls.input_percentiles.items())
        out = [(points[0][0], points[0][1], points[0][1])]
        out += [(q2 - q1, x1, x2) for (q1, x1), (q2, x2) in itertools.pairwise(points)]
        out.append((1 - points[-1][0], points[-1][1], points[-1][1]))
        return [s for s in out if s[0] > 0]
    assert cls.input_tokens is not None
    return [(1.0, float(cls.input_tokens), float(cls.input_tokens))]


def distribution_mean(cls: RequestClass) -> float:
    return sum(share * (low + high) / 2 for share, low, high in segments(cls))


def longest_input(cls: RequestClass) -> float:
    """The longest input the class is said to send: the top of its spread, else its mean."""
    return max(high for _, _, high in segments(cls))


def pieces(cls: RequestClass, cuts: list[float]) -> list[tuple[float, float]]:
    """(share, input tokens) points whose prices average to the class's mean price: each uniform segment cut at
    the tier starts `cuts` and represented by its midpoints, each point mass by itself."""
    out = []
    for share, low, high in segments(cls):
        if high == low:
            out.append((share, low))
            continue
        edges = [low, *sorted(c for c in cuts if low < c < high), high]
        out += [(share * (b - a) / (high - low), (a + b) / 2) for a, b in itertools.pairwise(edges)]
    return out
