"""TTFT and the latency tails fitted to a profile's levels (`tco.capacity.fitting` calls these; their rules are in
its docstring and in each function's).

TTFT p50 = t0 + I_u·(t1 + t2·c + t3·c²) + s·c: an overhead t0, a prefill slope t1 per uncached input token, a wait
that grows with the requests in flight (t2, t3) and one that does not (s, `one_load_split`, `one_input_split`); the
tails take the p50's form on their own levels (`ttft_tails`) or a ratio to the p50 that grows with load
(`tail_exponents`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence

import numpy as np

from profiling.schema import Profile
from tco.capacity.closed_loop import PREFILL_SHARE_CAP
from tco.capacity.least_squares import weighted_nnls
from tco.capacity.percentiles import latency_at
from tco.capacity.throughput_fit import Point, distinct


def one_shape_prefill(points: Sequence[Point], n_shapes: int) -> float | None:
    """π for a one-shape sweep with TTFT: the lowest-load TTFT p50 over the uncached input tokens."""
    ttfts = [(p.concurrency or 0, p.ttft_p50_s) for p in points if p.ttft_p50_s]
    shape = points[0].shape
    if n_shapes != 1 or not ttfts or shape.uncached_input_tokens <= 0:
        return None
    k = min(1.0 / p.req_per_s for p in points)
    return min(min(ttfts)[1], PREFILL_SHARE_CAP * k) / shape.uncached_input_tokens


def fit_ttft(
    points: Sequence[Point],
    n_shapes: int,
    prefill_s_per_token: float | None,
    measured: Callable[[Point], float | None] = lambda p: p.ttft_p50_s,
) -> tuple[float, float, float, float] | None:
    """(t0, t1, t2, t3) of TTFT p50 = t0 + I_u·(t1 + t2·c + t3·c²), or of the tail `measured` gives. With one
    input length the slope t1 cannot be told from the overhead t0: it is `prefill_s_per_token` from the hardware
    when known (t0 then takes the rest), else the line goes through zero."""
    data = [p for p in points if (v := measured(p)) is not None and v > 0 and p.concurrency]
    if not data:
        return None
    y = np.array([measured(p) for p in data])
    iu = np.array([max(p.shape.uncached_input_tokens, 1.0) for p in data])
    c = np.array([p.concurrency for p in data])
    varied_input = distinct([p.shape.uncached_input_tokens for p in data]) >= 2 and n_shapes >= 2
    quad = iu * c**2 if distinct(list(c)) >= 3 else np.zeros_like(y)
    if not varied_input and prefill_s_per_token is not None:
        slope = min(prefill_s_per_token, float(np.min(y / iu)))  # never more than the fastest level's TTFT
        t0, t2, t3 = weighted_nnls(np.column_stack([np.ones_like(y), iu * c, quad]), y - slope * iu, relative_to=y)
        return float(t0), slope, float(t2), float(t3)
    ones = np.ones_like(y) if varied_input else np.zeros_like(y)
    beta = weighted_nnls(np.column_stack([ones, iu, iu * c, quad]), y)
    return float(beta[0]), float(beta[1]), float(beta[2]), float(beta[3])


def one_load_split(
    points: Sequence[Point], ttft: tuple[float, float, float, float] | None, wave_share: float
) -> tuple[tuple[float, float, float, float] | None, float]:
    """(TTFT terms, s) where every TTFT level ran at one concurrency c0 > 1: the fitted intercept t0 then holds the
    whole wait at that load and would carry it to every other load. Part of it is the queue of the other requests'
    prefills, as much as the engine's calibrated wave allows (`tco.capacity.closed_loop`: w·(c0 − 1)·t1·I_u, w =
    `Calibration.ttft_wave_share` of the engine's roofline, 0 for vLLM); a new request always waits for the decode
    step running when it arrives (the levels' ITL p50, median), and that stays in t0. The queue becomes a wait per
    request in flight, s:

        q = min(t0 − min(t0, ITL p50), w·(c0 − 1)·t1·I_u),   t0' = t0 − q,   s = q / c0,
        TTFT(c) = t0' + s·c + I_u·(t1 + …)

    so TTFT is unchanged at c0 and grows with load. s does not grow with the input: a queue scaled by c·I_u put
    TensorRT-LLM's TTFT at 7,373 input 4× too high from 922 at the same c = 16. Otherwise (several concurrencies,
    one request at a time, no ITL, no wave) unchanged, s = 0.

    Worked example (DeepSeek-R1 with SGLang and MTP on 8 × B300, only 922/922 at c = 512 left to fit; w = 0.65):
    t0 = 2.854 s, ITL 0.0543 s, t1 = 1.58e-5 s a token: the wave allows 0.65 × 511 × 1.58e-5 × 922 = 4.84 s, so
    q = 2.7997 s, s = 5.47 ms; at c = 2 the wait is 0.065 s, not 2.85 (7,373 in: 0.182 s predicted, 0.333 measured;
    the intercept alone said 2.97).

    >>> from tco.capacity.shapes import Shape
    >>> p = Point(Shape(922, 922), 512.0, 9.63, 2.868, None, 0.0543, 0)
    >>> (t0, *_), s = one_load_split([p], (2.854, 1.58e-5, 0.0, 0.0), 0.65)
    >>> round(t0, 4), round(s * 1e3, 2)
    (0.0543, 5.47)
    """
    data = [p for p in points if p.ttft_p50_s and p.concurrency]
    loads = {p.concurrency for p in data}
    steps = [p.itl_p50_s for p in data if p.itl_p50_s]
    if ttft is None or len(loads) != 1 or (c0 := float(next(iter(loads)) or 0.0)) <= 1 or not steps:
        return ttft, 0.0
    t0, t1, t2, t3 = ttft
    uncached = statistics.median(max(p.shape.uncached_input_tokens, 1.0) for p in data)
    queue = min(t0 - min(t0, statistics.median(steps)), wave_share * (c0 - 1) * t1 * uncached)
    return (t0 - queue, t1, t2, t3), queue / c0


def one_input_split(
    points: Sequence[Point], ttft: tuple[float, float, float, float] | None, load_s: float, share: float
) -> tuple[tuple[float, float, float, float] | None, float]:
    """(TTFT terms, s) where every TTFT level ran at one input length I0 and several loads: of the wait t2·c·I0,
    `share` (the engine's, `tco.capacity.prefill_efficiency.one_input_wait_share`) becomes s·c, a wait per request
    in flight that does not grow with the input; TTFT at I0 is unchanged, and at another input length I the wait is
    t2·c·(h·I0 + (1 − h)·I), h the share.

    Worked example: t2 = 1e-6 s per token per request in flight at I0 = 1,000: the wait at c = 16 is 16 ms at 1,000
    input, and at 8,000 it is 16 × (0.5 + 0.5 × 8) = 72 ms with a share of 0.5 (all per token: 128 ms).

    >>> from tco.capacity.shapes import Shape
    >>> p = Point(Shape(1000, 500), 16.0, 2.0, 0.2, None, 0.02, 0)
    >>> (t0, t1, t2, t3), s = one_input_split([p], (0.1, 1e-5, 1e-6, 0.0), 0.0, 0.5)
    >>> round(t2 * 1e6, 2), round(s * 1e3, 2), round((s + t2 * 8000) * 16 * 1e3, 1)
    (0.5, 0.5, 72.0)
    """
    inputs = [p.shape.uncached_input_tokens for p in points if p.ttft_p50_s and p.concurrency]
    if ttft is None or load_s or not share or not inputs or distinct(inputs) >= 2:
        return ttft, load_s
    t0, t1, t2, t3 = ttft
    i0 = max(statistics.median(inputs), 1.0)
    return (t0, t1, t2 * (1 - share), t3), t2 * share * i0


def ttft_tails(
    profile: Profile, points: Sequence[Point], n_shapes: int, prefill_s_per_token: float | None
) -> tuple[tuple[str, tuple[float, float, float, float]], ...]:
    """TTFT p90 and p99 fitted in the p50's form, t0 + I_u·(t1 + t2·c + t3·c²), on the levels' own tails, where
    at least three levels at two or more concurrencies give them: a closed-loop benchmark releases a level's c
    requests together, so the last of the first wave waits behind the others' prefills, c·I_u tokens, and the tail
    grows with load and input length where a ratio to the p50 would not."""
    out = []
    for pct in ("p90", "p99"):

        def tail(p: Point, pct: str = pct) -> float | None:
            return latency_at(profile.levels[p.level_index], "ttft_s", pct)[0] if p.concurrency else None

        given = [p for p in points if tail(p)]
        if len(given) < 3 or distinct([p.concurrency for p in given]) < 2:
            continue
        fitted = fit_ttft(points, n_shapes, prefill_s_per_token, tail)
        if fitted is not None:
            out.append((pct, fitted))
    return tuple(out)


def tail_exponents(profile: Profile, points: Sequence[Point]) -> tuple[tuple[str, str, float], ...]:
    """(metric, percentile, k) of each tail the levels give, ratio to the p50 = (1 + c)^k (`PerfModel.tail_exponents`):
    least squares through the origin of ρ = ln(tail / p50) (at least 0) on x = ln(1 + c) over the levels,

        k = Σ ρ·x / Σ x²

    A constant ratio (the median over the levels, before) carried a tail measured at one load to every other: on
    InferenceX's DeepSeek-R1 with ATOM on 4 × MI355X, fitted on one level at c = 128 (TTFT p99 29.6 × p50) and asked
    about 7,373 in at c = 4, it said p99 9.19 s where 1.05 s was measured; (1 + c)^k with k = ln 29.6 / ln 129 = 0.70
    says 0.95 s. bench/capacity.py's held-out sweeps: SLO decisions right 59 % → 60 %, E2E median 10.6 % → 10.1 %,
    latency at c = 16 median 16.9 % → 17.3 %; the bundled tables unchanged.

    Worked example: p99 = 2 × p50 at c = 1 and 4 × p50 at c = 15: k = (ln 2·ln 2 + ln 4·ln 16) / (ln²2 + ln²16) = 0.53
    (the ratio is 1 at no load, 2^0.53 = 1.44 at c = 1, 16^0.53 = 4.34 at c = 15).

    >>> x, rho = [math.log(2), math.log(16)], [math.log(2), math.log(4)]
    >>> round(sum(r * v for r, v in zip(rho, x)) / sum(v * v for v in x), 4)
    0.5294
    """
    out = []
    for metric in ("ttft_s", "itl_s", "e2e_s"):
        for pct in ("p90", "p99"):
            rho, x = [], []
            for p in points:
                level = profile.levels[p.level_index]
                p50, value = level.latency(metric, "p50"), latency_at(level, metric, pct)[0]
                if p50 and value is not None and p.concurrency:
                    rho.append(math.log(max(value / p50, 1.0)))
                    x.append(math.log1p(p.concurrency))
            if x:
                out.append((metric, pct, sum(r * v for r, v in zip(rho, x, strict=True)) / sum(v * v for v in x)))
    return tuple(out)
