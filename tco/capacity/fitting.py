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
from tco.capacity.percentiles import latency_at
from tco.capacity.perf_model import PerfModel
from tco.capacity.residuals import ALL_KEYS, Residuals, measured_residuals
from tco.capacity.shapes import Shape, group_levels
from tco.capacity.throughput_fit import Point, distinct, fit_throughput, profile_points
from tco.capacity.ttft_fit import (
    fit_ttft,
    one_input_split,
    one_load_split,
    one_shape_prefill,
    tail_exponents,
    ttft_tails,
)

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
    whatever the input (`tco.capacity.ttft_fit.one_input_split`; the engine's,
    `tco.capacity.prefill_efficiency.one_input_wait_share`)."""
    decode: PerfModel | None = None
    """The engine's calibrated roofline (`tco.capacity.roofline.physical_model`): how a decode step's cost splits
    between each token and the step, used when every level ran at one concurrency and the levels cannot tell."""


def _fit(profile: Profile, points: Sequence[Point], hints: FitHints, keys: tuple[str, ...] = ALL_KEYS) -> PerfModel:
    """The model fitted to `points`, corrected toward them for the metrics `keys` (a leave-out fit, which is asked
    only for req/s, corrects only that)."""
    shapes = tuple(
        g.shape for g in group_levels([profile.levels[p.level_index] for p in points], profile.meta.cached_input_share)
    )
    wave = hints.decode.ttft_wave_share if hints.decode is not None else 0.0
    ttft, ttft_load = one_input_split(
        points,
        *one_load_split(points, fit_ttft(points, len(shapes), hints.prefill_s_per_token), wave),
        hints.one_input_wait_share,
    )
    varied_input = ttft is not None and distinct([p.shape.uncached_input_tokens for p in points]) >= 2
    prefill = None
    if not varied_input:  # one input length: the hardware's slope when known (TTFT also holds a fixed overhead)
        hinted = ttft[1] if ttft is not None and hints.prefill_s_per_token is not None else None
        prefill = hinted if hinted is not None else one_shape_prefill(points, len(shapes))
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
        ttft_tail_coefficients=ttft_tails(profile, points, len(shapes), hints.prefill_s_per_token),
        tail_exponents=tail_exponents(profile, points),
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
