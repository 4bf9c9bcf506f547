"""Fitting `perf_model`'s equation (1) and its latency terms to every level of a profile.

Weighted non-negative least squares (relative error) on 1/req_per_s of every level with no
failed requests (`tco.capacity.throughput_fit`); `a` is fitted when the profile has two or more concurrencies.
When the card and GPU are known, the decode takes the engine's calibrated roofline shape (per-token and per-step
cost, touched experts included), scaled to the levels by one factor, where the levels cannot split it: every level at
one concurrency, or two or more shapes too few to separate prefill, decode and context tokens (fewer than four, or
of rank below 3; `throughput_fit._roofline_shaped` has the figures). One shape keeps its own (b, a). What the
shapes cannot tell apart otherwise is tied by structure rather than guessed:
- with input lengths varied at two or more concurrencies, π comes from throughput itself (a TTFT slope holds
  queueing and would over-charge prefill);
- with one input length and TTFT, π = the hardware's prefill seconds per token at the engine's measured prefill
  efficiency (`tco.capacity.prefill_efficiency`) when known, never more than the fastest level's TTFT per token;
  else, with one shape, the lowest-load TTFT p50 / I_u (at most 90 % of the request's time). (Before: with two or
  more shapes of one input length π = b; on InferenceX's DeepSeek-R1 sweeps, 1k/1k + 1k/8k asked about 8k/1k,
  the hint took bench/capacity.py's throughput median from 23.9 % to 19.6 %);
- with four or more shapes spanning input and output lengths (no TTFT needed), all terms are fitted;
- otherwise (offline figures at 1–3 shapes) prefill and decode tokens cost alike, π = b.
Wherever the full fit is not possible, the context cost g comes from physics when the card and GPU are known:
g = kv_bytes_per_token / (n·B·η_m), reading each cached token's K and V once a step at the calibrated bandwidth
(`FitHints.context_s_per_token`, from `tco.capacity.roofline.fit_hints`: MLA, sliding windows and linear-attention
layers are counted by the memory fit's KV arithmetic). b then holds every other per-token cost, MoE expert reads
included. (Before: g = b / L0 with L0 = 2·N_active·B / (kv_bytes_per_token·F), compute against KV bytes. For an MoE
model b is mostly expert weight reads, not compute, so that tie charged long contexts 7–70× the KV traffic: on
InferenceX's DeepSeek-R1 sweeps, asked about 8k/1k from 1k/1k, throughput came out at 0.4–0.6× of measured.
bench/capacity.py's held-out table: throughput median 19.6 % → 16.0 %, SLO decisions right 44 % → 52 %; on the
deployments whose shapes ran on one build, 31.2 % → 13.5 %; the bundled tables unchanged.) Two shapes of one input
length keep the card's g too: their b/g split rests on two numbers and takes in any build-to-build drift.
Without the card, g = b / DECODE_CONTEXT_TOKENS (950, the median b/g of the full fit on NVIDIA's 7 × 9-shape
table, dense Llama), where π/b came out 0.84–1.1 (which is why π = b is the tie).
The expected error is the 80 % split-conformal bound (`covering`) of the leave-one-shape-out errors on the profile's own
levels (one shape: the concurrency leave-one-out error, at least `ONE_SHAPE_ERROR`); a shape beyond the
measured lengths gets at least `ONE_SHAPE_ERROR` too. The same left-out fits predict each left-out level's measured
latencies: their median is the latency error (`LATENCY_ERROR_QUANTILE`), by which the search for X* under latency
bounds moves its bounds to state X*'s own error (`tco.capacity.slo_search`).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from profiling.schema import Profile
from tco.capacity.closed_loop import PREFILL_SHARE_CAP
from tco.capacity.least_squares import weighted_nnls
from tco.capacity.percentiles import latency_at
from tco.capacity.perf_model import PerfModel
from tco.capacity.residuals import ALL_KEYS, Residuals, measured_residuals
from tco.capacity.shapes import Shape, group_levels
from tco.capacity.throughput_fit import Point, distinct, fit_throughput, profile_points

ONE_SHAPE_ERROR = 0.25
"""Expected error when a profile has one shape: the median error of scaling by tokens per request
on NVIDIA's multi-shape tables (bench/capacity_prediction_error.py measures it: 23 % on the v1.0 table)."""
COVERAGE = 0.8
"""Share of held-out cases a stated expected error must cover: it is the 80th percentile of the leave-out errors."""


@dataclass(frozen=True)
class FitHints:
    """What the hardware and the model card say where a profile's shapes cannot (`tco.capacity.roofline.fit_hints`)."""

    prefill_s_per_token: float | None = None
    """The TTFT slope when one input length was measured."""
    context_s_per_token: float | None = None
    """g from the card: KV bytes per cached token / (n·B·η_m), seconds per output token per context token; used
    when the shapes cannot tell b from g. None (card or GPU unknown): g = b / DECODE_CONTEXT_TOKENS."""
    one_input_wait_share: float = 0.0
    """Of TTFT's growth with load at one measured input length, the share that is a wait per request in flight
    whatever the input (`_one_input_split`; the engine's, `tco.capacity.prefill_efficiency.one_input_wait_share`)."""
    decode: PerfModel | None = None
    """The engine's calibrated roofline (`tco.capacity.roofline.physical_model`): how a decode step's cost splits
    between each token and the step, used when every level ran at one concurrency and the levels cannot tell."""


def _one_shape_prefill(points: Sequence[Point], n_shapes: int) -> float | None:
    """π for a one-shape sweep with TTFT: the lowest-load TTFT p50 over the uncached input tokens."""
    ttfts = [(p.concurrency or 0, p.ttft_p50_s) for p in points if p.ttft_p50_s]
    shape = points[0].shape
    if n_shapes != 1 or not ttfts or shape.uncached_input_tokens <= 0:
        return None
    k = min(1.0 / p.req_per_s for p in points)
    return min(min(ttfts)[1], PREFILL_SHARE_CAP * k) / shape.uncached_input_tokens


def _fit_ttft(
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


def _one_load_split(
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

    >>> p = Point(Shape(922, 922), 512.0, 9.63, 2.868, None, 0.0543, 0)
    >>> (t0, *_), s = _one_load_split([p], (2.854, 1.58e-5, 0.0, 0.0), 0.65)
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


def _one_input_split(
    points: Sequence[Point], ttft: tuple[float, float, float, float] | None, load_s: float, share: float
) -> tuple[tuple[float, float, float, float] | None, float]:
    """(TTFT terms, s) where every TTFT level ran at one input length I0 and several loads: of the wait t2·c·I0,
    `share` (the engine's, `tco.capacity.prefill_efficiency.one_input_wait_share`) becomes s·c, a wait per request
    in flight that does not grow with the input; TTFT at I0 is unchanged, and at another input length I the wait is
    t2·c·(h·I0 + (1 − h)·I), h the share.

    Worked example: t2 = 1e-6 s per token per request in flight at I0 = 1,000: the wait at c = 16 is 16 ms at 1,000
    input, and at 8,000 it is 16 × (0.5 + 0.5 × 8) = 72 ms with a share of 0.5 (all per token: 128 ms).

    >>> p = Point(Shape(1000, 500), 16.0, 2.0, 0.2, None, 0.02, 0)
    >>> (t0, t1, t2, t3), s = _one_input_split([p], (0.1, 1e-5, 1e-6, 0.0), 0.0, 0.5)
    >>> round(t2 * 1e6, 2), round(s * 1e3, 2), round((s + t2 * 8000) * 16 * 1e3, 1)
    (0.5, 0.5, 72.0)
    """
    inputs = [p.shape.uncached_input_tokens for p in points if p.ttft_p50_s and p.concurrency]
    if ttft is None or load_s or not share or not inputs or distinct(inputs) >= 2:
        return ttft, load_s
    t0, t1, t2, t3 = ttft
    i0 = max(statistics.median(inputs), 1.0)
    return (t0, t1, t2 * (1 - share), t3), t2 * share * i0


def _ttft_tails(
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
        fitted = _fit_ttft(points, n_shapes, prefill_s_per_token, tail)
        if fitted is not None:
            out.append((pct, fitted))
    return tuple(out)


def _tail_exponents(profile: Profile, points: Sequence[Point]) -> tuple[tuple[str, str, float], ...]:
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


def _fit(profile: Profile, points: Sequence[Point], hints: FitHints, keys: tuple[str, ...] = ALL_KEYS) -> PerfModel:
    """The model fitted to `points`, corrected toward them for the metrics `keys` (a leave-out fit, which is asked
    only for req/s, corrects only that)."""
    shapes = tuple(
        g.shape for g in group_levels([profile.levels[p.level_index] for p in points], profile.meta.cached_input_share)
    )
    wave = hints.decode.ttft_wave_share if hints.decode is not None else 0.0
    ttft, ttft_load = _one_input_split(
        points,
        *_one_load_split(points, _fit_ttft(points, len(shapes), hints.prefill_s_per_token), wave),
        hints.one_input_wait_share,
    )
    varied_input = ttft is not None and distinct([p.shape.uncached_input_tokens for p in points]) >= 2
    prefill = None
    if not varied_input:  # one input length: the hardware's slope when known (TTFT also holds a fixed overhead)
        hinted = ttft[1] if ttft is not None and hints.prefill_s_per_token is not None else None
        prefill = hinted if hinted is not None else _one_shape_prefill(points, len(shapes))
    throughput = fit_throughput(points, len(shapes), prefill, hints.context_s_per_token, hints.decode)
    concurrencies = [p.concurrency for p in points if p.concurrency]
    max_concurrency = max(concurrencies) if concurrencies and len(concurrencies) == len(points) else None
    e2e_ratios = [p.e2e_p50_s * p.req_per_s / p.concurrency for p in points if p.e2e_p50_s and p.concurrency]
    e2e_ratio = statistics.median(e2e_ratios) if e2e_ratios else 1.0
    draft = throughput.model(
        ttft_coefficients=ttft, ttft_load_s=ttft_load, e2e_p50_per_mean=e2e_ratio, max_concurrency=max_concurrency
    )
    itl_ratios = []
    for p in points:
        predicted = draft.latency(p.shape, p.concurrency, "itl_s", "p50") if p.concurrency else None
        if p.itl_p50_s and predicted:
            itl_ratios.append(p.itl_p50_s / predicted)
    smooth = throughput.model(
        ttft_coefficients=ttft,
        ttft_load_s=ttft_load,
        ttft_tail_coefficients=_ttft_tails(profile, points, len(shapes), hints.prefill_s_per_token),
        tail_exponents=_tail_exponents(profile, points),
        e2e_p50_per_mean=e2e_ratio,
        itl_scale=statistics.median(itl_ratios) if itl_ratios else 1.0,
        max_concurrency=max_concurrency,
        shapes=shapes,
    )
    return dataclasses.replace(smooth, residuals=_residuals(profile, points, smooth, keys))


def _residuals(profile: Profile, points: Sequence[Point], smooth: PerfModel, keys: tuple[str, ...]) -> Residuals:
    def measured(point: Point) -> Callable[[str], float | None]:
        level = profile.levels[point.level_index]

        def value(key: str) -> float | None:
            if key == "req_per_s":
                return point.req_per_s
            metric, pct = key.split(" ")
            return latency_at(level, metric, pct)[0] if point.concurrency else None

        return value

    def predicted(key: str, shape: Shape, concurrency: float | None) -> float | None:
        if key == "req_per_s":
            return smooth.req_per_s(shape, concurrency)
        metric, pct = key.split(" ")
        return smooth.latency(shape, concurrency, metric, pct) if concurrency else None

    return measured_residuals([(p.shape, p.concurrency, measured(p)) for p in points], predicted, keys)


LATENCY_KEYS = tuple((f"{m}_s", p) for m in ("ttft", "itl", "e2e") for p in ("p50", "p90", "p99"))
"""The latencies whose leave-out errors make `PerfModel.latency_error`: each one a level measured."""
LATENCY_ERROR_QUANTILE = 0.5
"""`PerfModel.latency_error` is this quantile of the leave-out latency errors: the typical error, by which the search
for X* moves its bounds (`tco.capacity.slo_search`); the 80 % bound of X* itself is the larger of that range and the
throughput error, which carries the 80 % bound and the growth beyond the measured lengths. Measured by
bench/capacity.py (share of SLO decisions whose error the stated error covers, and the stated error's median):
at 0.5, bundled 96 % (±15 %), held-out InferenceX records 86 % (±60 %); at 0.8, 99 % (±36 %) and 90 % (±100 %);
the throughput error alone, 91 % (±12 %) and 69 % (±60 %)."""


def _errors(
    profile: Profile, points: Sequence[Point], held_out: Sequence[Sequence[Point]], hints: FitHints
) -> tuple[list[float], list[float], dict[int, float]]:
    """(req/s errors, latency errors, req/s predicted by level) of each held-out set predicted by the model fitted on
    the rest: |predicted / measured − 1|, the latencies at each level's own concurrency for each percentile it
    measured."""
    errors, latency_errors, by_level = [], [], {}
    for test in held_out:
        ids = {p.level_index for p in test}
        train = [p for p in points if p.level_index not in ids]
        model = _fit(profile, train, hints, keys=("req_per_s",))
        for p in test:
            by_level[p.level_index] = model.req_per_s(p.shape, p.concurrency)
            errors.append(abs(by_level[p.level_index] / p.req_per_s - 1))
            if not p.concurrency:
                continue
            level = profile.levels[p.level_index]
            for metric, pct in LATENCY_KEYS:
                measured, predicted = level.latency(metric, pct), model.latency(p.shape, p.concurrency, metric, pct)
                if measured and predicted:
                    latency_errors.append(abs(predicted / measured - 1))
    return errors, latency_errors, by_level


_FITS: dict[tuple[int, FitHints], tuple[weakref.ref[Profile], PerfModel | None]] = {}
"""Fits by profile object: a scenario whose 150 options share one profile fits it once (a profile is frozen,
so its fit never changes; entries hold only a weak reference, checked on every hit)."""


def fit_profile(profile: Profile, hints: FitHints | None = None) -> PerfModel | None:
    """Fit equation (1) and the latency terms to `profile`; None when no level has throughput. `hints`: what the
    hardware and the card say where the shapes cannot (`FitHints`); without them, the tabled constants."""
    hints = hints or FitHints()
    key = (id(profile), hints)
    hit = _FITS.get(key)
    if hit is not None and hit[0]() is profile:
        return hit[1]
    model = _fit_profile(profile, hints)
    if len(_FITS) > 256:
        _FITS.clear()
    _FITS[key] = (weakref.ref(profile), model)
    return model


MAX_FOLDS = 20
"""At most this many leave-out fits per profile: beyond it, the held-out groups (shapes, or levels) are dealt round
into this many folds. Every bundled and published sweep has fewer, so their errors are leave-one-out as before; a
10,000-level upload took about an hour of one-level refits (each O(levels))."""


def folds(groups: list[list[Point]]) -> list[list[Point]]:
    """`groups` as they are when there are at most `MAX_FOLDS`, else dealt round into `MAX_FOLDS` folds.

    >>> [len(f) for f in folds([[i] for i in range(3)])], [len(f) for f in folds([[i] for i in range(45)])][:3]
    ([1, 1, 1], [3, 3, 3])
    """
    if len(groups) <= MAX_FOLDS:
        return groups
    return [[p for group in groups[i::MAX_FOLDS] for p in group] for i in range(MAX_FOLDS)]


def covering(errors: Sequence[float]) -> float:
    """The error a new case stays within with probability `COVERAGE`, from n held-out errors: the split-conformal
    bound, the ⌈(n + 1)·0.8⌉-th smallest (the largest when that rank passes n). A plain 80th percentile of few
    errors is too small for a case not among them: stated that way, 79 % of bench/capacity.py's held-out cases
    were covered; as the conformal rank, 88 %.

    Worked example: 5 errors, rank ⌈6 × 0.8⌉ = 5: the largest.

    >>> covering([0.01, 0.02, 0.03, 0.04, 0.10])
    0.1
    >>> covering([0.01 * k for k in range(1, 20)])  # 19 errors: rank 16
    0.16
    """
    ordered = np.sort(np.asarray(errors, dtype=float))
    rank = min(math.ceil((ordered.size + 1) * COVERAGE), ordered.size)
    return float(ordered[rank - 1])


def _fit_profile(profile: Profile, hints: FitHints) -> PerfModel | None:
    points = profile_points(profile)
    if not points:
        return None
    model = _fit(profile, points, hints)
    if len(model.shapes) >= 2:
        held = folds([[p for p in points if s.matches(p.shape)] for s in model.shapes])
        errors, latency_errors, held_out = _errors(profile, points, held, hints)
        basis = f"leave-one-shape-out over {len(model.shapes)} shapes"
        expected, floor = covering(errors), 0.0
    else:
        singles = folds([[p] for p in points])
        errors, latency_errors, held_out = (
            _errors(profile, points, singles, hints) if len(points) >= 3 else ([], [], {})
        )
        basis = (
            "one shape measured: concurrency leave-one-out, at least the token-scaling error"
            if errors
            else f"one shape measured at {len(points)} load{'s' if len(points) != 1 else ''}: too few to leave one "
            "out, so the token-scaling error"
        )  # a reviewer read "leave-one-out" beside "fitted to its one level"
        expected = max(covering(errors) if errors else 0.0, ONE_SHAPE_ERROR)
        floor = ONE_SHAPE_ERROR
    if latency_errors:
        latency: float | None = max(float(np.quantile(latency_errors, LATENCY_ERROR_QUANTILE)), floor)
    else:  # too few levels to leave one out: the throughput error stands for the latency's
        latency = expected if model.interactive else None
    return dataclasses.replace(
        model,
        expected_error=expected,
        latency_error=latency,
        worst_error=max(errors) if errors else None,
        error_basis=basis,
        held_out_req_per_s=tuple(sorted(held_out.items())),
    )
