"""A level's latency at a percentile it did not report, from two it did: log-normal between them.

Tools report different percentiles: some p50 and p99 only. An SLO on p90 would then find "no level meets the
SLO" although the level's p90 is pinned between its p50 and p99. Latency distributions of a serving level are
right-skewed; taking log-latency as normal between two measured percentiles gives

    ln v(p) = ln v(a) + (z(p) − z(a)) / (z(b) − z(a)) × (ln v(b) − ln v(a))

with z the standard normal quantile (z50 = 0, z90 = 1.2816, z99 = 2.3263). Only interpolation: a
percentile outside the measured ones (p99 from p50 and p90) is never extrapolated — a tail is what a
model gets wrong most.

>>> from profiling.schema import Level, Percentiles
>>> level = Level(input_tokens=1000, output_tokens=100, requests_completed=10, requests_failed=0, req_per_s=1.0,
...               ttft_s=Percentiles(p50=1.0, p99=4.0))
>>> value, derived = latency_at(level, "ttft_s", "p90")
>>> round(value, 4), derived   # exp(1.2816 / 2.3263 × ln 4) = 4^0.55089
(2.1462, True)
>>> latency_at(level, "ttft_s", "p99"), latency_at(level, "itl_s", "p90")
((4.0, False), (None, False))
"""

from __future__ import annotations

import math

from profiling.schema import Level

Z_SCORES = {"p50": 0.0, "p90": 1.2815515655446004, "p99": 2.3263478740408408}
"""Standard normal quantiles of the percentiles profiles carry."""
DERIVED_NOTE = "{metric} {pct} derived from {low} and {high} (log-normal between them)"


def latency_at(level: Level, metric: str, percentile: str) -> tuple[float | None, bool]:
    """(seconds, derived): the level's own figure, else one interpolated between two it measured."""
    own = level.latency(metric, percentile)
    if own is not None:
        return own, False
    bracket = _bracket(level, metric, percentile)
    if bracket is None:
        return None, False
    (low, v_low), (high, v_high) = bracket
    if v_low <= 0 or v_high <= 0:
        return None, False
    weight = (Z_SCORES[percentile] - Z_SCORES[low]) / (Z_SCORES[high] - Z_SCORES[low])
    return math.exp(math.log(v_low) + weight * (math.log(v_high) - math.log(v_low))), True


def derivation(level: Level, metric: str, percentile: str) -> str | None:
    """How a derived figure was made, in words, or None when the level measured it (or it cannot be derived)."""
    if level.latency(metric, percentile) is not None:
        return None
    bracket = _bracket(level, metric, percentile)
    if bracket is None:
        return None
    return DERIVED_NOTE.format(
        metric=metric.removesuffix("_s").upper(), pct=percentile, low=bracket[0][0], high=bracket[1][0]
    )


def _bracket(level: Level, metric: str, percentile: str) -> tuple[tuple[str, float], tuple[str, float]] | None:
    z = Z_SCORES.get(percentile)
    if z is None:
        return None
    measured = [(p, v) for p in Z_SCORES if (v := level.latency(metric, p)) is not None]
    below = [(p, v) for p, v in measured if Z_SCORES[p] < z]
    above = [(p, v) for p, v in measured if Z_SCORES[p] > z]
    if not below or not above:
        return None
    return max(below, key=lambda pv: Z_SCORES[pv[0]]), min(above, key=lambda pv: Z_SCORES[pv[0]])
