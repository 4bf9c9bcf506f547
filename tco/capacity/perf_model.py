"""A performance model of one replica, fitted to every level of a profile.

Continuous-batching engines (vLLM, SGLang, TensorRT-LLM) spend GPU time on a request in two
phases: prefill of its uncached input tokens, and one decode step per output token, shared with
every other running sequence. With `c` requests in flight, the replica's GPU-seconds per request are

    τ(c) = π·I_u + b·O + g·O·L + a·O/c                                   (1)

- `I_u` uncached input tokens (input × (1 − cached share): prefix-cache hits are not prefilled),
- `O` output tokens, `L = I + O/2` the mean context a decode step reads from the KV cache,
- `π` prefill seconds per token, `b` decode seconds per token, `g` decode seconds per token per
  context token (KV reads and attention grow with context), `a` the fixed cost of one decode step
  (reading the weights), shared by the `c` sequences of the batch.

Throughput is X(c) = 1/τ(c) requests/s (GPU time adds up: the replica finishes one request every
τ seconds), and by Little's law the mean request latency is E2E(c) = c·τ(c). Offline figures
(trtllm-bench, no concurrency) are the c → c_max limit, where a·O/c is absorbed into g because the
memory-limited batch shrinks as the context grows. TTFT p50 is fitted as
t0 + t1·I_u + t2·c·I_u + t3·c²·I_u (prefill plus queueing behind others' prefills; with one input length the
slope t1 comes from the hardware when the caller knows it, and t0 holds the rest); ITL p50 is
(E2E p50 − TTFT p50)/(O − 1), DESIGN's definition; p90/p99 are the p50 times the profile's own
median percentile ratios. That smooth surface is then corrected toward the profile's own levels
(`tco.capacity.residuals`), so tails grow with load where the levels say they do.

Fitting: weighted non-negative least squares (relative error) on 1/req_per_s of every level with no
failed requests; `a` is fitted when the profile has two or more concurrencies. What the shapes cannot
tell apart is tied by structure rather than guessed:
- with input lengths varied at two or more concurrencies, π comes from throughput itself (a TTFT slope holds
  queueing and would over-charge prefill);
- with one shape and TTFT, π = the hardware's prefill seconds per token when known (never more than the
  fastest level's TTFT per token), else the lowest-load TTFT p50 / I_u (at most 90 % of the request's time);
- with four or more shapes spanning input and output lengths (no TTFT needed), all terms are fitted;
- otherwise (offline figures at 1–3 shapes) prefill and decode tokens cost alike, π = b, and g = b / L0.
L0 is the card's: 2·N_active·B / (kv_bytes_per_token·F) — compute per token against KV bytes per token
(`FitHints`, from `tco.capacity.roofline.fit_hints`: MLA and sliding windows make it larger), else
DECODE_CONTEXT_TOKENS = 950, the median b/g of the full fit on NVIDIA's 7 × 9-shape table (dense Llama, for
which the card's arithmetic gives 1,045), where π/b came out 0.84–1.1 (which is why π = b is the tie).
The expected error is the 80 % split-conformal bound (`covering`) of the leave-one-shape-out errors on the profile's own
levels (one shape: the concurrency leave-one-out error, at least `ONE_SHAPE_ERROR`); a shape beyond the
measured lengths gets at least `ONE_SHAPE_ERROR` too.

Worked example: a replica with π = 0.1 ms, b = 2 ms, g = 0, a = 20 ms serves 1,000 in / 200 out at
concurrency 10 in τ = 0.1 + 0.4 + 0.4 = 0.9 s, i.e. 1.11 req/s, with E2E = 9 s:

>>> m = PerfModel(coefficients=(1e-4, 2e-3, 0.0, 0.02))
>>> shape = Shape(1000, 200)
>>> round(m.gpu_s_per_request(shape, 10), 6), round(m.req_per_s(shape, 10), 4)
(0.9, 1.1111)
>>> round(m.e2e_mean_s(shape, 10), 6)
9.0
"""

from __future__ import annotations

import dataclasses
import functools
import math
import statistics
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from profiling.schema import Profile
from tco.capacity.closed_loop import PREFILL_SHARE_CAP, closed_loop_p50
from tco.capacity.least_squares import weighted_nnls
from tco.capacity.percentiles import latency_at
from tco.capacity.residuals import ALL_KEYS, Residuals, measured_residuals, shape_distance
from tco.capacity.shapes import Shape, group_levels, level_shape

DECODE_CONTEXT_TOKENS = 950.0
"""L0: context length at which KV reads cost as much as the rest of a decode step, b/g. The median of the
full four-term fit on NVIDIA's 7 × 9-shape table (550–1,225 across its configurations;
bench/capacity_prediction_error.py)."""
ONE_SHAPE_ERROR = 0.25
"""Expected error when a profile has one shape: the median error of scaling by tokens per request
on NVIDIA's multi-shape tables (bench/capacity_prediction_error.py measures it: 23 % on the v1.0 table)."""
EXTRAPOLATION_WEIGHT = 0.5
"""Beyond the measured input or output lengths of a concurrency sweep, how much of the smooth model's *gain* over the
nearest measured shape is believed (in log): prediction = model(x)^w · model(edge)^(1−w) · the edge's correction
toward its levels, where the model promises more req/s (or less latency) than at the edge; a predicted loss is kept
whole. No level constrains the model's form there, and real sweeps flatten at short requests where it does not
(per-request costs of scheduling and serving: MiniMax-M2.5 on 8 × H200 serves 10.4 req/s at 1,024 input and 11.0 at
2,048, both at concurrency 64; fitted on 2,048–28,672 the model says 16.7). Planning-wise the asymmetry is the
cautious side: capacity nobody measured is half counted, a slowdown in full. Offline (max-throughput) tables keep
the model whole: at a full batch, tokens are the cost (bench/capacity_prediction_error.py, unchanged).
Measured by bench/capacity.py, worst throughput error at a left-out shape: w = 1 (the model alone) 61 %, 0.5 32 %,
0.3 38 %, 0 (the edge's value) 45 %; median 2.8–3.0 %; SLO decisions right 78 %, 81 %, 81 %, 78 %.

Worked example: the model says 16.7 req/s at the new shape and 15.0 at the edge, whose level measured 11.0
(correction 11.0/15.0): √(16.7 · 15.0) · 11.0/15.0 = 11.6 req/s."""
NO_RESIDUALS = Residuals(())
COVERAGE = 0.8
"""Share of held-out cases a stated expected error must cover: it is the 80th percentile of the leave-out errors."""
TERMS = ("prefill", "decode", "decode_context", "step")


@dataclass(frozen=True)
class FitHints:
    """What the hardware and the model card say where a profile's shapes cannot (`tco.capacity.roofline.fit_hints`)."""

    prefill_s_per_token: float | None = None
    """The TTFT slope when one input length was measured."""
    decode_context_tokens: float = DECODE_CONTEXT_TOKENS
    """L0 = b/g: the context at which KV reads cost as much as a token's decode compute, from the card's KV bytes
    per token; used when the shapes cannot tell b from g."""


@dataclass(frozen=True)
class Point:
    """One level as the model sees it."""

    shape: Shape
    concurrency: float | None
    req_per_s: float
    ttft_p50_s: float | None
    e2e_p50_s: float | None
    itl_p50_s: float | None
    level_index: int


@dataclass(frozen=True)
class PerfModel:
    coefficients: tuple[float, float, float, float]
    """(π, b, g, a) of equation (1), seconds."""
    ttft_coefficients: tuple[float, float, float, float] | None = None
    """(t0, t1, t2, t3) of the TTFT p50 fit; None when the profile has no TTFT."""
    percentile_ratios: tuple[tuple[str, str, float], ...] = ()
    """(metric, percentile, ratio to p50), from the profile's own levels."""
    e2e_p50_per_mean: float = 1.0
    itl_scale: float = 1.0
    """Measured ITL p50 over the ITL p50 equation (1) implies, median over levels."""
    max_concurrency: float | None = None
    """Highest concurrency measured; predictions stop there."""
    shapes: tuple[Shape, ...] = ()
    expected_error: float | None = None
    worst_error: float | None = None
    error_basis: str = ""
    residuals: Residuals = NO_RESIDUALS
    """The profile's own levels against the smooth fit (`tco.capacity.residuals`): predictions lean toward them."""
    physical_latency: bool = False
    """Latency from the coefficients alone, queueing included (the roofline's, `tco.capacity.roofline`)."""
    step_overhead_s: float = 0.0
    """Fixed seconds of every decode step beside its weight reads (launches, collectives, scheduling; the roofline's
    calibrated floor; 0 for a fitted model, whose `a` holds it)."""

    @property
    def interactive(self) -> bool:
        """Whether latencies can be predicted: the load (concurrency) is known at every level."""
        return self.max_concurrency is not None

    @property
    def step_s(self) -> float:
        """Seconds of one decode step's fixed cost: the overhead plus a, the weight reads."""
        return self.step_overhead_s + self.coefficients[3]

    def gpu_s_per_request(self, shape: Shape, concurrency: float | None) -> float:
        pi, b, g, _ = self.coefficients
        step = self.step_s * shape.output_tokens / concurrency if concurrency else 0.0
        return (
            pi * shape.uncached_input_tokens
            + b * shape.output_tokens
            + g * shape.output_tokens * shape.mean_context_tokens
            + step
        )

    def nearest_edge(self, shape: Shape) -> Shape | None:
        """The nearest measured shape when `shape` lies beyond the measured input or output lengths (and the model
        leans on measured levels); None inside them."""
        if not self.interactive or not self.shapes or not self.residuals.curves:
            return None
        (low_in, high_in), (low_out, high_out) = self._measured_lengths
        i, o = shape.uncached_input_tokens, shape.output_tokens
        if low_in * 0.999 <= i <= high_in * 1.001 and low_out * 0.999 <= o <= high_out * 1.001:
            return None
        return min(self.shapes, key=lambda s: shape_distance(shape, s))

    @functools.cached_property
    def _measured_lengths(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((shortest, longest) uncached input, (shortest, longest) output) of the measured shapes."""
        inputs = [s.uncached_input_tokens for s in self.shapes]
        outputs = [s.output_tokens for s in self.shapes]
        return (min(inputs), max(inputs)), (min(outputs), max(outputs))

    def _toward_measured(
        self, shape: Shape, smooth: Callable[[Shape], float | None], better: Callable[[float, float], bool]
    ) -> float | None:
        """`smooth` at `shape`; beyond the measured lengths, a gain over the nearest measured shape (`better`)
        is taken at `EXTRAPOLATION_WEIGHT` in log, a loss in full (see the constant)."""
        value = smooth(shape)
        edge = self.nearest_edge(shape)
        if edge is None or not value:
            return value
        at_edge = smooth(edge)
        if not at_edge or not better(value, at_edge):
            return value
        return value**EXTRAPOLATION_WEIGHT * at_edge ** (1 - EXTRAPOLATION_WEIGHT)

    def req_per_s(self, shape: Shape, concurrency: float | None) -> float:
        smooth = self._toward_measured(
            shape, lambda s: 1.0 / self.gpu_s_per_request(s, concurrency), lambda new, edge: new > edge
        )
        return self.residuals.factor("req_per_s", shape, concurrency) * (smooth or 0.0)

    def prefill_share(self, shape: Shape, concurrency: float | None) -> float:
        return self.coefficients[0] * shape.uncached_input_tokens / self.gpu_s_per_request(shape, concurrency)

    def e2e_mean_s(self, shape: Shape, concurrency: float) -> float:
        return concurrency * self.gpu_s_per_request(shape, concurrency)

    def latency(self, shape: Shape, concurrency: float, metric: str, percentile: str) -> float | None:
        """Predicted `metric` ('ttft_s', 'itl_s', 'e2e_s') at `percentile`; None when not modelled.

        Without a TTFT fit, TTFT is unknown and ITL is taken as E2E / (O − 1), calibrated by `itl_scale`.
        """
        if not self.interactive:
            return None
        value = self._toward_measured(
            shape, lambda s: self._smooth_latency(s, concurrency, metric, percentile), lambda new, edge: new < edge
        )
        return None if value is None else value * self.residuals.factor(f"{metric} {percentile}", shape, concurrency)

    def _smooth_latency(self, shape: Shape, concurrency: float, metric: str, percentile: str) -> float | None:
        """`latency` before the correction toward measured levels."""
        if self.physical_latency:
            p50 = closed_loop_p50(self, shape, concurrency)[metric]
            ratio = (
                1.0
                if percentile == "p50"
                else dict(((m, p), r) for m, p, r in self.percentile_ratios).get((metric, percentile))
            )
            return None if ratio is None else p50 * ratio
        ttft = None
        if self.ttft_coefficients is not None:
            t0, t1, t2, t3 = self.ttft_coefficients
            ttft = t0 + shape.uncached_input_tokens * (t1 + t2 * concurrency + t3 * concurrency**2)
        e2e = max(self.e2e_p50_per_mean * self.e2e_mean_s(shape, concurrency), ttft or 0.0)
        p50 = {
            "ttft_s": ttft,
            "e2e_s": e2e,
            "itl_s": self.itl_scale * (e2e - (ttft or 0.0)) / max(shape.output_tokens - 1, 1),
        }[metric]
        if p50 is None:
            return None
        ratio = 1.0
        if percentile != "p50":
            ratio = next((r for m, p, r in self.percentile_ratios if m == metric and p == percentile), None)
            if ratio is None:
                return None
        return p50 * ratio


def profile_points(profile: Profile) -> list[Point]:
    """Levels with throughput and no failed requests; a rate level's concurrency is X · E2E p50."""
    points = []
    for index, level in enumerate(profile.levels):
        if level.req_per_s <= 0 or level.requests_failed > 0:
            continue
        concurrency = level.concurrency
        if concurrency is None and level.e2e_s.p50 is not None:
            concurrency = max(level.req_per_s * level.e2e_s.p50, 1e-3)
        points.append(
            Point(
                shape=level_shape(level, profile.meta.cached_input_share),
                concurrency=concurrency,
                req_per_s=level.req_per_s,
                ttft_p50_s=level.ttft_s.p50,
                e2e_p50_s=level.e2e_s.p50,
                itl_p50_s=level.itl_s.p50,
                level_index=index,
            )
        )
    return points


def _distinct(values: Sequence[float | None]) -> int:
    return len({round(v, 6) for v in values if v is not None})


def _rank(columns: np.ndarray) -> int:
    rows = np.unique(columns, axis=0)
    scale = np.abs(rows).max(axis=0)
    scale[scale == 0] = 1.0
    return int(np.linalg.matrix_rank(rows / scale, tol=1e-6))


def _fit_throughput(
    points: Sequence[Point], n_shapes: int, prefill_s_per_token: float | None, l0: float
) -> tuple[float, float, float, float]:
    """(π, b, g, a) by the rules in the module docstring."""
    with_step = _distinct([p.concurrency for p in points]) >= 2 and all(p.concurrency for p in points)
    y = np.array([1.0 / p.req_per_s for p in points])
    step = np.array([p.shape.output_tokens / p.concurrency if with_step and p.concurrency else 0.0 for p in points])
    iu = np.array([p.shape.uncached_input_tokens for p in points])
    out = np.array([p.shape.output_tokens for p in points])
    ctx = np.array([p.shape.output_tokens * p.shape.mean_context_tokens for p in points])
    decode = out + ctx / l0  # b·O·(1 + L/L0): the structured decode term
    if prefill_s_per_token is not None:  # π from TTFT; decode terms from the rest
        rest = y - prefill_s_per_token * iu
        if n_shapes >= 2 and _rank(np.column_stack([out, ctx])) >= 2:
            b, g, a = weighted_nnls(np.column_stack([out, ctx, step]), rest, relative_to=y)
            return prefill_s_per_token, float(b), float(g), float(a)
        b, a = weighted_nnls(np.column_stack([decode, step]), rest, relative_to=y)
        return prefill_s_per_token, float(b), float(b) / l0, float(a)
    if n_shapes >= 4 and _rank(np.column_stack([iu, out, ctx])) >= 3:
        pi, b, g, a = weighted_nnls(np.column_stack([iu, out, ctx, step]), y)
        return float(pi), float(b), float(g), float(a)
    # too few shapes to tell the terms apart: prefill and decode tokens cost alike (π = b), g = b / L0
    k, a = weighted_nnls(np.column_stack([iu + decode, step]), y)
    return float(k), float(k), float(k) / l0, float(a)


def _one_shape_prefill(points: Sequence[Point], n_shapes: int) -> float | None:
    """π for a one-shape sweep with TTFT: the lowest-load TTFT p50 over the uncached input tokens."""
    ttfts = [(p.concurrency or 0, p.ttft_p50_s) for p in points if p.ttft_p50_s]
    shape = points[0].shape
    if n_shapes != 1 or not ttfts or shape.uncached_input_tokens <= 0:
        return None
    k = min(1.0 / p.req_per_s for p in points)
    return min(min(ttfts)[1], PREFILL_SHARE_CAP * k) / shape.uncached_input_tokens


def _fit_ttft(
    points: Sequence[Point], n_shapes: int, prefill_s_per_token: float | None
) -> tuple[float, float, float, float] | None:
    """(t0, t1, t2, t3) of TTFT p50 = t0 + I_u·(t1 + t2·c + t3·c²). With one input length the slope t1 cannot be
    told from the overhead t0: it is `prefill_s_per_token` from the hardware when known (t0 then takes the rest),
    else the line goes through zero."""
    data = [p for p in points if p.ttft_p50_s is not None and p.ttft_p50_s > 0 and p.concurrency]
    if not data:
        return None
    y = np.array([p.ttft_p50_s for p in data])
    iu = np.array([max(p.shape.uncached_input_tokens, 1.0) for p in data])
    c = np.array([p.concurrency for p in data])
    varied_input = _distinct([p.shape.uncached_input_tokens for p in data]) >= 2 and n_shapes >= 2
    quad = iu * c**2 if _distinct(list(c)) >= 3 else np.zeros_like(y)
    if not varied_input and prefill_s_per_token is not None:
        slope = min(prefill_s_per_token, float(np.min(y / iu)))  # never more than the fastest level's TTFT
        t0, t2, t3 = weighted_nnls(np.column_stack([np.ones_like(y), iu * c, quad]), y - slope * iu, relative_to=y)
        return float(t0), slope, float(t2), float(t3)
    ones = np.ones_like(y) if varied_input else np.zeros_like(y)
    beta = weighted_nnls(np.column_stack([ones, iu, iu * c, quad]), y)
    return float(beta[0]), float(beta[1]), float(beta[2]), float(beta[3])


def _ratios(profile: Profile, indices: set[int]) -> tuple[tuple[str, str, float], ...]:
    out = []
    for metric in ("ttft_s", "itl_s", "e2e_s"):
        for pct in ("p90", "p99"):
            ratios = []
            for i in indices:
                level = profile.levels[i]
                p50, value = level.latency(metric, "p50"), latency_at(level, metric, pct)[0]
                if p50 and value is not None:
                    ratios.append(value / p50)
            if ratios:
                out.append((metric, pct, statistics.median(ratios)))
    return tuple(out)


def _fit(profile: Profile, points: Sequence[Point], hints: FitHints, keys: tuple[str, ...] = ALL_KEYS) -> PerfModel:
    """The model fitted to `points`, corrected toward them for the metrics `keys` (a leave-out fit, which is asked
    only for req/s, corrects only that)."""
    shapes = tuple(
        g.shape for g in group_levels([profile.levels[p.level_index] for p in points], profile.meta.cached_input_share)
    )
    ttft = _fit_ttft(points, len(shapes), hints.prefill_s_per_token)
    varied_input = ttft is not None and _distinct([p.shape.uncached_input_tokens for p in points]) >= 2
    prefill = None
    if not varied_input:  # one input length: the hardware's slope when known (TTFT also holds a fixed overhead)
        hinted = ttft[1] if ttft is not None and hints.prefill_s_per_token is not None else None
        prefill = hinted if hinted is not None and len(shapes) == 1 else _one_shape_prefill(points, len(shapes))
    coefficients = _fit_throughput(points, len(shapes), prefill, hints.decode_context_tokens)
    concurrencies = [p.concurrency for p in points if p.concurrency]
    max_concurrency = max(concurrencies) if concurrencies and len(concurrencies) == len(points) else None
    draft = PerfModel(coefficients, ttft, max_concurrency=max_concurrency)
    e2e_ratios = [p.e2e_p50_s * p.req_per_s / p.concurrency for p in points if p.e2e_p50_s and p.concurrency]
    e2e_ratio = statistics.median(e2e_ratios) if e2e_ratios else 1.0
    draft = PerfModel(
        coefficients, draft.ttft_coefficients, e2e_p50_per_mean=e2e_ratio, max_concurrency=max_concurrency
    )
    itl_ratios = []
    for p in points:
        predicted = draft.latency(p.shape, p.concurrency, "itl_s", "p50") if p.concurrency else None
        if p.itl_p50_s and predicted:
            itl_ratios.append(p.itl_p50_s / predicted)
    smooth = PerfModel(
        coefficients=coefficients,
        ttft_coefficients=draft.ttft_coefficients,
        percentile_ratios=_ratios(profile, {p.level_index for p in points}),
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


def _errors(
    profile: Profile, points: Sequence[Point], held_out: Sequence[Sequence[Point]], hints: FitHints
) -> list[float]:
    errors = []
    for test in held_out:
        ids = {p.level_index for p in test}
        train = [p for p in points if p.level_index not in ids]
        model = _fit(profile, train, hints, keys=("req_per_s",))
        for p in test:
            errors.append(abs(model.req_per_s(p.shape, p.concurrency) / p.req_per_s - 1))
    return errors


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
        held = [[p for p in points if s.matches(p.shape)] for s in model.shapes]
        errors = _errors(profile, points, held, hints)
        basis = f"leave-one-shape-out over {len(model.shapes)} shapes"
        expected = covering(errors)
    else:
        errors = _errors(profile, points, [[p] for p in points], hints) if len(points) >= 3 else []
        basis = "one shape measured: concurrency leave-one-out, at least the token-scaling error"
        expected = max(covering(errors) if errors else 0.0, ONE_SHAPE_ERROR)
    return dataclasses.replace(
        model, expected_error=expected, worst_error=max(errors) if errors else None, error_basis=basis
    )
