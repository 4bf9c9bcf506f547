"""The fitted model corrected toward the profile's own levels: what was measured near a shape says more than any
global curve.

Equation (1) and the latency terms (`perf_model`) are one smooth surface over every level; real sweeps are not
smooth (a knee at one concurrency, a tail that grows at one input length). For each metric m (req/s, TTFT/ITL/E2E
at p50, p90, p99) and each measured shape s, the log residual at the shape's levels,

    r_s(c) = ln(measured_m(s, c) / model_m(s, c)),

is kept as a curve in ln c (linear between measured concurrencies, flat beyond them). A prediction at shape x and
concurrency c is the model times exp(r), with r interpolated between the nearest measured shape below and above
x in input length (weights by distance d = |ln(I_x/I_s)| + |ln(O_x/O_s)|), or the nearest shape's r when x lies
outside the measured lengths. At a measured shape and concurrency the prediction is the measured value; between
shapes it leans toward both neighbours' measured values.

Worked example: measured 10 and 8 req/s where the model says 8 at two input lengths (r = ln 1.25 and 0) → halfway
between them (in log length) the correction is exp(ln 1.25 / 2) = 1.118.

>>> s1, s2 = Shape(1000, 100), Shape(4000, 100)
>>> res = Residuals((("req_per_s", (ShapeResiduals(s1, (), (math.log(1.25),)), ShapeResiduals(s2, (), (0.0,)))),))
>>> round(res.factor("req_per_s", Shape(2000, 100), None), 3)
1.118
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tco.capacity.shapes import Shape

LATENCY_KEYS = tuple(f"{m} {p}" for m in ("ttft_s", "itl_s", "e2e_s") for p in ("p50", "p90", "p99"))
"""The latency metrics corrected, as 'metric percentile'."""
ALL_KEYS = ("req_per_s", *LATENCY_KEYS)
MEMO_ENTRIES = 10_000
"""Answers one memo keeps (`kept`: a `Residuals`' neighbours by shape, a `PerfModel`'s edges); beyond, it starts
again."""
NOT_KEPT = object()
"""A memo's answer for a key it does not hold (None is a kept answer)."""


def kept(memo: dict[Any, Any], key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()` kept in `memo` under `key`; at most `MEMO_ENTRIES` entries, then the memo starts again. What a
    fitted model finds from a shape alone is found once, not at every load a search for X* asks about
    (`tco.capacity.slo_search`): a scenario of 10 options × 20 classes took 10.4 s without, 4.3 s with."""
    value = memo.get(key, NOT_KEPT)
    if value is NOT_KEPT:
        value = compute()
        if len(memo) > MEMO_ENTRIES:
            memo.clear()
        memo[key] = value
    return value


"""Every metric corrected: throughput and the latencies."""


@dataclass(frozen=True)
class ShapeResiduals:
    shape: Shape
    log_concurrency: tuple[float, ...]
    """ln c of the measured levels, ascending; empty for offline figures (one value per shape)."""
    log_ratio: tuple[float, ...]

    def at(self, concurrency: float | None) -> float:
        if not self.log_concurrency or concurrency is None:
            return sum(self.log_ratio) / len(self.log_ratio)
        return float(np.interp(math.log(concurrency), self.log_concurrency, self.log_ratio))


def shape_distance(a: Shape, b: Shape) -> float:
    """d = |ln(I_a/I_b)| + |ln(O_a/O_b)| on uncached input and output tokens."""
    return abs(math.log(max(a.uncached_input_tokens, 1.0) / max(b.uncached_input_tokens, 1.0))) + abs(
        math.log(a.output_tokens / b.output_tokens)
    )


@dataclass(frozen=True)
class Residuals:
    curves: tuple[tuple[str, tuple[ShapeResiduals, ...]], ...] = ()

    def factor(self, key: str, shape: Shape, concurrency: float | None) -> float:
        """exp(r) for metric `key` at (shape, concurrency); 1 when nothing was measured for that metric."""
        neighbours = self._neighbours(key, shape)
        if neighbours is None:
            return 1.0
        low, high, weight = neighbours
        if high is None:
            return math.exp(low.at(concurrency))
        return math.exp((1 - weight) * low.at(concurrency) + weight * high.at(concurrency))

    def _neighbours(self, key: str, shape: Shape) -> tuple[ShapeResiduals, ShapeResiduals | None, float] | None:
        """(low, high, weight) whose curves `factor` blends at `shape`; (nearest, None, 0) where one curve serves;
        None when nothing was measured for `key`. They depend on the shape alone, so they are `kept` per shape."""

        def find() -> tuple[ShapeResiduals, ShapeResiduals | None, float] | None:
            shapes = next((s for k, s in self.curves if k == key), ())
            if not shapes:
                return None
            near = sorted(shapes, key=lambda s: shape_distance(shape, s.shape))
            x = shape.uncached_input_tokens
            below = [s for s in near if s.shape.uncached_input_tokens < x]
            above = [s for s in near if s.shape.uncached_input_tokens > x]
            if shape_distance(shape, near[0].shape) < 1e-9 or not below or not above:
                return near[0], None, 0.0
            low, high = below[0], above[0]
            d_low, d_high = shape_distance(shape, low.shape), shape_distance(shape, high.shape)
            return low, high, d_low / (d_low + d_high)

        return kept(self._memo, (key, shape), find)  # type: ignore[no-any-return]

    @functools.cached_property
    def _memo(self) -> dict[tuple[str, Shape], tuple[ShapeResiduals, ShapeResiduals | None, float] | None]:
        return {}

    def __getstate__(self) -> dict[str, object]:
        """The curves, never the memo (see `PerfModel.__getstate__`)."""
        return {"curves": self.curves}


def lowest_at_or_above(values: Sequence[float]) -> list[float]:
    """Each value replaced by the lowest at its position or any later one: the highest non-decreasing sequence that
    no later measurement contradicts.

    A closed loop's latency at concurrency c is at most its latency at any c' > c (more load never makes a request
    faster), so a level that measured more than a busier one holds a stray tail (warm-up, one request's first
    wave), and the busier level's figure bounds it. This keeps every SLO decision the measured levels make:
    a bound B is met at some c' ≥ c exactly when it is met by the envelope at c, so the highest passing level is
    the same before and after.

    >>> lowest_at_or_above([0.5, 0.7, 2.0, 0.9, 5.0])
    [0.5, 0.7, 0.9, 0.9, 5.0]
    """
    return [min(values[i:]) for i in range(len(values))]


def measured_residuals(
    levels: Sequence[tuple[Shape, float | None, Callable[[str], float | None]]],
    model_value: Callable[[str, Shape, float | None], float | None],
    keys: Sequence[str] = ALL_KEYS,
) -> Residuals:
    """Residual curves from `levels` (shape, concurrency, measured value by key) against `model_value`, for `keys`.

    A latency percentile of a closed loop does not fall as load rises, so each shape's measured latencies are first
    replaced by their lowest value at that load or above (`lowest_at_or_above`): one level's stray tail (TTFT p99
    2.1 s at concurrency 16 between 0.6 s and 0.9 s at 8 and 32) is bounded by the busier level instead of bending
    every prediction near it, and a sweep whose lightest level is slow (Qwen3.5's TTFT at concurrency 4) keeps the
    faster figure of the next. Throughput keeps its measured shape (it may fall past saturation)."""
    homes: list[Shape] = []
    by_key: dict[str, dict[Shape, list[tuple[float, float, float]]]] = {}
    for shape, concurrency, measured in levels:
        home = next((h for h in homes if h.matches(shape)), None)
        if home is None:
            homes.append(home := shape)
        log_c = math.log(concurrency) if concurrency else math.nan
        for key in keys:
            value, predicted = measured(key), model_value(key, shape, concurrency)
            if value and predicted and value > 0 and predicted > 0:
                by_key.setdefault(key, {}).setdefault(home, []).append((log_c, math.log(value), math.log(predicted)))
    curves = []
    for key, shapes in by_key.items():
        out = []
        for shape, points in shapes.items():
            if any(math.isnan(c) for c, _, _ in points):
                out.append(ShapeResiduals(shape, (), tuple(v - m for _, v, m in points)))
                continue
            merged: dict[float, list[tuple[float, float]]] = {}
            for c, v, m in points:
                merged.setdefault(round(c, 9), []).append((v, m))
            cs = sorted(merged)
            values = [sum(v for v, _ in merged[c]) / len(merged[c]) for c in cs]
            model = [sum(m for _, m in merged[c]) / len(merged[c]) for c in cs]
            if key != "req_per_s":
                values = lowest_at_or_above(values)
            out.append(ShapeResiduals(shape, tuple(cs), tuple(v - m for v, m in zip(values, model, strict=True))))
        curves.append((key, tuple(out)))
    return Residuals(tuple(curves))
