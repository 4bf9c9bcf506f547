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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tco.capacity.shapes import Shape

LATENCY_KEYS = tuple(f"{m} {p}" for m in ("ttft_s", "itl_s", "e2e_s") for p in ("p50", "p90", "p99"))
"""The latency metrics corrected, as 'metric percentile'."""


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


def _distance(a: Shape, b: Shape) -> float:
    return abs(math.log(max(a.uncached_input_tokens, 1.0) / max(b.uncached_input_tokens, 1.0))) + abs(
        math.log(a.output_tokens / b.output_tokens)
    )


@dataclass(frozen=True)
class Residuals:
    curves: tuple[tuple[str, tuple[ShapeResiduals, ...]], ...] = ()

    def factor(self, key: str, shape: Shape, concurrency: float | None) -> float:
        """exp(r) for metric `key` at (shape, concurrency); 1 when nothing was measured for that metric."""
        shapes = next((s for k, s in self.curves if k == key), ())
        if not shapes:
            return 1.0
        near = sorted(shapes, key=lambda s: _distance(shape, s.shape))
        first, d_first = near[0], _distance(shape, near[0].shape)
        if d_first < 1e-9:
            return math.exp(first.at(concurrency))
        x = shape.uncached_input_tokens
        below = [s for s in near if s.shape.uncached_input_tokens < x]
        above = [s for s in near if s.shape.uncached_input_tokens > x]
        if not below or not above:
            return math.exp(first.at(concurrency))
        low, high = below[0], above[0]
        d_low, d_high = _distance(shape, low.shape), _distance(shape, high.shape)
        weight = d_low / (d_low + d_high)
        return math.exp((1 - weight) * low.at(concurrency) + weight * high.at(concurrency))


def non_decreasing(values: Sequence[float]) -> list[float]:
    """The least-squares non-decreasing sequence closest to `values` (pool adjacent violators).

    >>> non_decreasing([0.5, 0.7, 2.0, 0.9, 5.0])
    [0.5, 0.7, 1.45, 1.45, 5.0]
    """
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m2, n2), (m1, n1) = blocks.pop(), blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    return [round(m, 12) for m, n in blocks for _ in range(int(n))]


def measured_residuals(
    levels: Sequence[tuple[Shape, float | None, Callable[[str], float | None]]],
    model_value: Callable[[str, Shape, float | None], float | None],
) -> Residuals:
    """Residual curves from `levels` (shape, concurrency, measured value by key) against `model_value`.

    A latency percentile of a closed loop does not fall as load rises, so each shape's measured latencies are first
    made non-decreasing in concurrency (in logs, `non_decreasing`): one level's stray tail (TTFT p99 2.1 s at
    concurrency 16 between 0.6 s and 0.9 s) is pooled with its neighbours instead of bending every prediction near
    it. Throughput keeps its measured shape (it may fall past saturation)."""
    homes: list[Shape] = []
    by_key: dict[str, dict[Shape, list[tuple[float, float, float]]]] = {}
    for shape, concurrency, measured in levels:
        home = next((h for h in homes if h.matches(shape)), None)
        if home is None:
            homes.append(home := shape)
        log_c = math.log(concurrency) if concurrency else math.nan
        for key in ("req_per_s", *LATENCY_KEYS):
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
                values = non_decreasing(values)
            out.append(ShapeResiduals(shape, tuple(cs), tuple(v - m for v, m in zip(values, model, strict=True))))
        curves.append((key, tuple(out)))
    return Residuals(tuple(curves))
