"""Equation (1)'s throughput terms fitted to a profile's levels: (π, b, g, a) by weighted non-negative least squares
on 1/req_per_s, with the rules for what the shapes cannot tell apart in `tco.capacity.fitting`'s docstring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from profiling.schema import Profile
from tco.capacity.closed_loop import PREFILL_SHARE_CAP
from tco.capacity.least_squares import weighted_nnls
from tco.capacity.level_consistency import usable
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape, level_shape

DECODE_CONTEXT_TOKENS = 950.0
"""L0: context length at which KV reads cost as much as the rest of a decode step, b/g. The median of the
full four-term fit on NVIDIA's 7 × 9-shape table (550–1,225 across its configurations;
bench/capacity_prediction_error.py)."""


@dataclass(frozen=True)
class Throughput:
    """Equation (1)'s coefficients as fitted, with the roofline's step terms when its decode shape was used."""

    coefficients: tuple[float, float, float, float]
    step_overhead_s: float = 0.0
    expert_step_s: float = 0.0
    expert_route_share: float = 0.0

    def model(self, **fields: object) -> PerfModel:
        """A PerfModel with these terms and the latency `fields`."""
        return PerfModel(
            self.coefficients,
            step_overhead_s=self.step_overhead_s,
            expert_step_s=self.expert_step_s,
            expert_route_share=self.expert_route_share,
            **fields,  # type: ignore[arg-type]
        )


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


def profile_points(profile: Profile) -> list[Point]:
    """Levels with throughput, no failed requests and req/s that agrees with their latency
    (`tco.capacity.level_consistency`); a rate level's concurrency is X · E2E p50, also under a concurrency cap
    (vLLM's `--request-rate` with `--max-concurrency`), where the cap is only a ceiling."""
    points = []
    for index, level in enumerate(profile.levels):
        if not usable(level):
            continue
        concurrency = level.concurrency
        if (concurrency is None or level.request_rate is not None) and level.e2e_s.p50 is not None:
            in_flight = max(level.req_per_s * level.e2e_s.p50, 1e-3)  # Little's law; a cap is only a ceiling
            concurrency = in_flight if concurrency is None else min(concurrency, in_flight)
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


def distinct(values: Sequence[float | None]) -> int:
    """How many different values (to 6 decimals), None left out."""
    return len({round(v, 6) for v in values if v is not None})


def matrix_rank(columns: np.ndarray) -> int:
    """Rank of the distinct rows of `columns`, each column scaled to its largest value: how many terms the
    measured shapes can tell apart."""
    rows = np.unique(columns, axis=0)
    scale = np.abs(rows).max(axis=0)
    scale[scale == 0] = 1.0
    return int(np.linalg.matrix_rank(rows / scale, tol=1e-6))


def fit_throughput(
    points: Sequence[Point],
    n_shapes: int,
    prefill_s_per_token: float | None,
    g_card: float | None,
    decode: PerfModel | None = None,
) -> Throughput:
    """(π, b, g, a) by the rules in `tco.capacity.fitting`'s docstring."""
    loads_known = all(p.concurrency for p in points)
    with_step = distinct([p.concurrency for p in points]) >= 2 and loads_known
    tied = n_shapes >= 2 and not separable(points, n_shapes)  # the free fit would tie prefill to decode (π = b)
    if decode is not None and loads_known and (not with_step or tied):
        return _roofline_shaped(points, prefill_s_per_token, g_card, decode)
    return Throughput(_fit_terms(points, n_shapes, prefill_s_per_token, g_card, with_step))


def separable(points: Sequence[Point], n_shapes: int) -> bool:
    """Whether the shapes tell prefill, decode and context tokens apart: four or more shapes whose input, output
    and context columns have rank 3 (then every term of equation (1) is fitted)."""
    iu = [p.shape.uncached_input_tokens for p in points]
    out = [p.shape.output_tokens for p in points]
    ctx = [p.shape.output_tokens * p.shape.mean_context_tokens for p in points]
    return n_shapes >= 4 and matrix_rank(np.column_stack([iu, out, ctx])) >= 3


def _roofline_shaped(
    points: Sequence[Point], prefill_s_per_token: float | None, g_card: float | None, decode: PerfModel
) -> Throughput:
    """Where the levels cannot split a decode second between each token (b) and each step (a, shared by the
    batch), the decode takes the roofline's shape, scaled by one factor k to the levels,

        τ = π·I_u + g·O·L + k·(b_r·O + step_r(c)·O/c),

    π from the TTFT slope when known, else fitted beside k where input lengths vary, else the roofline's π scaled
    by k too; g from the card (else the roofline's). A TTFT slope that, with the context cost, takes more than
    PREFILL_SHARE_CAP of a level's time per request is a latency figure, not that load's cost, and gives way to the
    roofline's π (MLPerf's gpt-oss-120b Server level, ~1,350 requests in flight: 5,011 input tokens at the slope
    took twice the level's time, nothing was left to decode and req/s came out flat in load, 46.6 req/s with one
    request in flight). step_r(c) holds the experts a batch of c touches, so the
    per-request decode cost grows with load as an MoE engine's does.

    Two cases, measured by bench/capacity.py on InferenceX's DeepSeek-R1 records (held out):
    - every level at one concurrency: a free fit put every decode second into b, so req/s came out flat in
      concurrency. 34 of 97 left-out shapes left one concurrency to fit on; throughput median 14.6 % → 13.0 %
      (one engine build: 12.8 % → 9.0 %, worst 966 % → 110 %), SLO decisions right 51 % → 54 %.
    - two or more shapes that cannot separate the terms (fewer than four, or rank below 3): before, prefill and
      decode tokens were tied (π = b) and a fitted free. With a short output asked about a long one (1k/1k and
      8k/1k → 1k/8k) the tie charged decode tokens like prefill tokens and predicted up to 1.9× the measured
      req/s. Throughput median 13.1 % → 9.7 %, worst SLO error 184 % → 140 % (decisions right 54 % either way),
      latency median 20.8 % → 19.4 %; bundled sweeps: throughput worst 32.2 % → 32.0 %, cut to three shapes
      median 6.6 % → 7.0 % and latency median 12.1 % → 10.8 %. Measured and not chosen: a free (π, b, a) fit
      (13.1 % → 11.6 %, SLO 54 % → 52 %); separate factors for b_r and step_r (9.7 %, three shapes 7.2 %); the
      roofline's shape for one shape too (one build: SLO 47 % → 49 %, but leaving one concurrency out of
      single-shape sweeps, held-out median 1.7 % → 2.9 %: a user's own curve keeps its own fit).

    Worked example: b_r = 1 ms, step_r = 20 ms, one level at c = 1 of 1,000 in / 100 out (π = 0, g = 0) at
    0.2 req/s: τ = 5 s = k·(0.1 + 2.0), k = 2.381; at c = 8 the model says 1 / (2.381·(0.1 + 0.25)) = 1.2 req/s.

    >>> round(1 / (5 / 2.1 * (0.1 + 0.02 * 100 / 8)), 2)
    1.2
    """
    pi_r, b_r, g_r, _ = decode.coefficients
    y = np.array([1.0 / p.req_per_s for p in points])
    iu = np.array([p.shape.uncached_input_tokens for p in points])
    ctx = np.array([p.shape.output_tokens * p.shape.mean_context_tokens for p in points])
    shaped = np.array(
        [p.shape.output_tokens * (b_r + decode.step_s(p.concurrency or 1.0) / (p.concurrency or 1.0)) for p in points]
    )
    g = g_card if g_card is not None else g_r
    hinted = prefill_s_per_token
    if hinted is not None and np.any(hinted * iu + g * ctx > PREFILL_SHARE_CAP * y):
        hinted = None  # the TTFT slope leaves a level no time to decode: a latency figure, not this load's cost
    if hinted is not None:
        (k,) = weighted_nnls(shaped[:, None], y - hinted * iu - g * ctx, relative_to=y)
        pi = hinted
    elif distinct(list(iu)) >= 2:
        pi, k = weighted_nnls(np.column_stack([iu, shaped]), y - g * ctx, relative_to=y)
    else:
        (k,) = weighted_nnls((shaped + pi_r * iu)[:, None], y - g * ctx, relative_to=y)
        pi = k * pi_r
    k = float(k)
    return Throughput(
        (float(pi), k * b_r, g, k * decode.coefficients[3]),
        step_overhead_s=k * decode.step_overhead_s,
        expert_step_s=k * decode.expert_step_s,
        expert_route_share=decode.expert_route_share,
    )


def _fit_terms(
    points: Sequence[Point], n_shapes: int, prefill_s_per_token: float | None, g_card: float | None, with_step: bool
) -> tuple[float, float, float, float]:
    """(π, b, g, a) by the rules in the module docstring; `a` only `with_step` (two or more concurrencies)."""
    y = np.array([1.0 / p.req_per_s for p in points])
    step = np.array([p.shape.output_tokens / p.concurrency if with_step and p.concurrency else 0.0 for p in points])
    iu = np.array([p.shape.uncached_input_tokens for p in points])
    out = np.array([p.shape.output_tokens for p in points])
    ctx = np.array([p.shape.output_tokens * p.shape.mean_context_tokens for p in points])
    decode = out + ctx / DECODE_CONTEXT_TOKENS  # b·O·(1 + L/L0): the structured decode term without a card
    if prefill_s_per_token is not None:  # π from TTFT; decode terms from the rest
        rest = y - prefill_s_per_token * iu
        if g_card is not None:
            b, a = weighted_nnls(np.column_stack([out, step]), rest - g_card * ctx, relative_to=y)
            return prefill_s_per_token, float(b), g_card, float(a)
        if n_shapes >= 2 and matrix_rank(np.column_stack([out, ctx])) >= 2:
            b, g, a = weighted_nnls(np.column_stack([out, ctx, step]), rest, relative_to=y)
            return prefill_s_per_token, float(b), float(g), float(a)
        b, a = weighted_nnls(np.column_stack([decode, step]), rest, relative_to=y)
        return prefill_s_per_token, float(b), float(b) / DECODE_CONTEXT_TOKENS, float(a)
    if separable(points, n_shapes):
        pi, b, g, a = weighted_nnls(np.column_stack([iu, out, ctx, step]), y)
        return float(pi), float(b), float(g), float(a)
    # too few shapes to tell the terms apart: prefill and decode tokens cost alike (π = b), g from the card
    if g_card is not None:
        k, a = weighted_nnls(np.column_stack([iu + out, step]), y - g_card * ctx, relative_to=y)
        return float(k), float(k), g_card, float(a)
    k, a = weighted_nnls(np.column_stack([iu + decode, step]), y)
    return float(k), float(k), float(k) / DECODE_CONTEXT_TOKENS, float(a)
