"""Equation (1)'s throughput terms fitted to a profile's levels: (π, b, g, a) by weighted non-negative least squares
on 1/req_per_s, with the rules for what the shapes cannot tell apart in `tco.capacity.fitting`'s docstring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from profiling.schema import Profile
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
    with_step = distinct([p.concurrency for p in points]) >= 2 and all(p.concurrency for p in points)
    if not with_step and decode is not None and all(p.concurrency for p in points):
        return _one_concurrency(points, prefill_s_per_token, g_card, decode)
    return Throughput(_fit_terms(points, n_shapes, prefill_s_per_token, g_card, with_step))


def _one_concurrency(
    points: Sequence[Point], prefill_s_per_token: float | None, g_card: float | None, decode: PerfModel
) -> Throughput:
    """Levels at one concurrency cannot tell the per-token cost b from the per-step cost a (a batch shares the
    step): the decode takes the roofline's shape, scaled by one factor k to the levels,

        τ = π·I_u + g·O·L + k·(b_r·O + step_r(c)·O/c),

    π from the TTFT slope when known, else fitted beside k where input lengths vary, else the roofline's π scaled
    by k too; g from the card (else the roofline's). Before, such a fit put every decode second into b, so req/s
    came out flat in concurrency. On InferenceX's DeepSeek-R1 records, 34 of 97 left-out shapes left one
    concurrency to fit on; bench/capacity.py's held-out throughput median went 14.6 % → 13.0 % (one engine build:
    12.8 % → 9.0 %, worst 966 % → 110 %), SLO decisions right 51 % → 54 %; the bundled tables unchanged.

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
    if prefill_s_per_token is not None:
        (k,) = weighted_nnls(shaped[:, None], y - prefill_s_per_token * iu - g * ctx, relative_to=y)
        pi = prefill_s_per_token
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
    if n_shapes >= 4 and matrix_rank(np.column_stack([iu, out, ctx])) >= 3:
        pi, b, g, a = weighted_nnls(np.column_stack([iu, out, ctx, step]), y)
        return float(pi), float(b), float(g), float(a)
    # too few shapes to tell the terms apart: prefill and decode tokens cost alike (π = b), g from the card
    if g_card is not None:
        k, a = weighted_nnls(np.column_stack([iu + out, step]), y - g_card * ctx, relative_to=y)
        return float(k), float(k), g_card, float(a)
    k, a = weighted_nnls(np.column_stack([iu + decode, step]), y)
    return float(k), float(k), float(k) / DECODE_CONTEXT_TOKENS, float(a)
