"""Fitting the roofline's two efficiencies to published sweeps, and the error that fit leaves on sweeps it never saw.

At peak (η = 1) the physical model splits a request's GPU time at a level's shape and concurrency into a compute
part C = π·I_u + b·O, a memory part M = g·O·L + a·O/c (a the step's weight reads) and the
steps themselves, S = O/c (`tco.capacity.roofline`). With efficiencies η_c, η_m and a fixed step overhead s₀,

    τ = C / η_c + M / η_m + s₀·S,   X = 1 / τ.

(η_c, η_m, s₀) is the grid point (η geometric, 1 % to 100 % and 2 % to 200 %; s₀ 0 to 40 ms) minimising the
median over configurations of each configuration's median |ln(X / measured)|, so every configuration weighs alike
however many levels it has.
With it goes the highest concurrency the fitted sweeps measured (`Calibration.max_concurrency`): the roofline's
search for X* at an SLO stops there (`tco.capacity.roofline`).
The error stated with it is the 80th percentile of |X / measured − 1| when each configuration is left out of the
fit in turn (leave-one-configuration-out), every configuration weighing alike (`configuration_quantile`).

Worked example: one level measured at 1 req/s whose peak parts are C = 0.05 s and M = 0.2 s is fitted exactly
by any (η_c, η_m) with 0.05/η_c + 0.2/η_m = 1, e.g. η_c = 0.1, η_m = 0.4:

>>> 0.05 / 0.1 + 0.2 / 0.4
1.0
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tco.capacity.closed_loop import ttft_parts
from tco.capacity.level_consistency import usable
from tco.capacity.memory_fit import card_fit
from tco.capacity.roofline import default_precision, estimated_model, hardware, physical_model
from tco.capacity.roofline_calibrations import PEAK, Calibration
from tco.capacity.shapes import level_shape
from tco.capacity.throughput_fit import profile_points
from tco.records.inputs import ReferenceProfile

COMPUTE_GRID = np.geomspace(0.01, 1.0, 41)
MEMORY_GRID = np.geomspace(0.02, 2.0, 41)
STEP_OVERHEAD_GRID_S = np.array([0.0, 0.002, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.03, 0.04])
WAVE_SHARE_GRID = np.round(np.arange(0.0, 5.0001, 0.05), 2)
"""Wave shares searched, up to 5 waves: a TTFT p99 waits for more than its own wave (`fit_ttft_tail_waves`)."""


@dataclass(frozen=True)
class PeakParts:
    """One configuration's levels: measured req/s and the compute and memory seconds at peak."""

    name: str
    measured: np.ndarray
    compute_s: np.ndarray
    memory_s: np.ndarray
    steps: np.ndarray
    """O/c: decode steps each request shares (0 for offline levels: the batch is thousands)."""


def is_interactive(ref: ReferenceProfile) -> bool:
    """Latency under a known load: the levels give concurrency (or a rate and E2E) and TTFT. What SERVING is fitted
    on, and what a transfer for a class with a latency bound must start from."""
    points = profile_points(ref.profile)  # what a fit would see, without fitting (`PerfModel.interactive`)
    return bool(points) and all(p.concurrency for p in points) and any(lv.ttft_s.p50 for lv in ref.profile.levels)


def peak_parts(ref: ReferenceProfile, reads_touched_experts: bool = False) -> PeakParts | None:
    """C and M at each level (offline levels at the memory-limited batch); None when the physics is unknown."""
    meta = ref.profile.meta
    precision = meta.precision or default_precision(ref.gpu)
    measured, compute, memory, steps = [], [], [], []
    peak = dataclasses.replace(PEAK, reads_touched_experts=reads_touched_experts)
    for level in ref.profile.levels:
        shape = level_shape(level, meta.cached_input_share)
        fit = card_fit(ref.card, ref.gpu.memory_gib, meta.gpu_count, precision, shape.mean_context_tokens)
        model = physical_model(ref.card, hardware(ref.gpu, precision), meta.gpu_count, precision, shape, None, peak)
        if model is None or not fit.max_concurrency or not usable(level):
            continue
        pi, b, g, _ = model.coefficients
        c = min(level.concurrency or fit.max_concurrency, fit.max_concurrency)
        measured.append(level.req_per_s)
        compute.append(pi * shape.uncached_input_tokens + b * shape.output_tokens)
        memory.append(
            g * shape.output_tokens * shape.mean_context_tokens
            + (model.step_s(c) - model.step_overhead_s) * shape.output_tokens / c
        )
        steps.append(shape.output_tokens / c if level.concurrency else 0.0)
    if not measured:
        return None
    return PeakParts(ref.name, np.array(measured), np.array(compute), np.array(memory), np.array(steps))


def predicted_req_per_s(parts: PeakParts, compute: float, memory: float, step_s: float) -> np.ndarray:
    """X = 1 / (C/η_c + M/η_m + s₀·S) at each of `parts`' levels (module docstring)."""
    return 1.0 / (parts.compute_s / compute + parts.memory_s / memory + step_s * parts.steps)


def _best(configs: Sequence[PeakParts], compute: float | None = None) -> tuple[float, float, float]:
    """The grid point of least median-of-medians |ln(X / measured)|, the whole grid at once per configuration; with
    `compute` given, η_c is held there and only η_m and s₀ are searched."""
    compute_grid = COMPUTE_GRID if compute is None else np.array([compute])
    c, m, s = np.meshgrid(compute_grid, MEMORY_GRID, STEP_OVERHEAD_GRID_S, indexing="ij")
    per_config = []
    for p in configs:
        tau = p.compute_s / c[..., None] + p.memory_s / m[..., None] + s[..., None] * p.steps
        per_config.append(np.median(np.abs(np.log(1.0 / (tau * p.measured))), axis=-1))
    score = np.median(np.stack(per_config), axis=0)
    i = np.unravel_index(int(np.argmin(score)), score.shape)
    return float(c[i]), float(m[i]), float(s[i])


def _configurations(references: Sequence[ReferenceProfile], reads_touched_experts: bool) -> list[PeakParts]:
    return [p for ref in references if (p := peak_parts(ref, reads_touched_experts)) is not None]


def fit_efficiencies(
    references: Sequence[ReferenceProfile], reads_touched_experts: bool = False, compute: float | None = None
) -> tuple[float, float, float]:
    """(η_c, η_m, s₀) fitted on `references` (one is enough), η_c held at `compute` when given, without the held-out
    error `calibrate` states."""
    configs = _configurations(references, reads_touched_experts)
    if not configs:
        raise ValueError("fitting efficiencies needs a configuration with known physics")
    return _best(configs, compute)


def calibrate(
    references: Sequence[ReferenceProfile],
    basis: str,
    validation: Sequence[ReferenceProfile] = (),
    reads_touched_experts: bool = False,
    compute: float | None = None,
) -> tuple[Calibration, list[float]]:
    """The Calibration fitted on `references` and every held-out error |X / measured − 1|: each reference left out
    of the fit in turn, and each `validation` configuration (measured, but too thin to fit on: one level) predicted
    by the full fit. The stated error is their 80th percentile, every configuration weighing alike; the calibration's
    `max_concurrency` is the highest concurrency any of `references` measured. `reads_touched_experts`: the
    engines' decode steps read only the routed experts a batch touches (`Calibration.reads_touched_experts`).
    `compute`: η_c held there, only η_m and s₀ fitted (a GPU family keeps its vendor's η_c, fitted on more sweeps:
    `tco.capacity.roofline_calibrations.serving_calibration`)."""
    configs = _configurations(references, reads_touched_experts)
    if len(configs) < 2:
        raise ValueError("calibration needs at least two configurations with known physics")
    fitted_compute, memory, step = _best(configs, compute)
    held_out: list[np.ndarray] = []
    for i, config in enumerate(configs):
        c, m, st = _best(configs[:i] + configs[i + 1 :], compute)
        held_out.append(np.abs(predicted_req_per_s(config, c, m, st) / config.measured - 1))
    for ref in validation:
        parts = peak_parts(ref, reads_touched_experts)
        if parts is not None:
            held_out.append(np.abs(predicted_req_per_s(parts, fitted_compute, memory, step) / parts.measured - 1))
    error = configuration_quantile(held_out, 0.8)
    highest = max((lv.concurrency or 0.0 for ref in references for lv in ref.profile.levels), default=0.0)
    calibration = Calibration(round(fitted_compute, 3), round(memory, 3), round(error, 2), basis, step,
                              reads_touched_experts, highest or None)  # fmt: skip
    return calibration, [float(e) for errors in held_out for e in errors]


def fit_wave_share(
    references: Sequence[ReferenceProfile], calibration: Calibration, percentile: str = "p50", at_least: float = 0.0
) -> float:
    """The w of `WAVE_SHARE_GRID` (`Calibration.ttft_wave_share`; no less than `at_least`) of least median-of-medians
    |ln(TTFT / measured)| of the roofline at `calibration` over the references' levels with a TTFT at `percentile`,
    at or below the calibration's `max_concurrency` (where its answers are searched), every configuration weighing
    alike as in `calibrate`.

    TTFT = max(own + w·wave, queue) (`tco.capacity.closed_loop.ttft_parts`). Worked example: one level of 0.5 s
    whose own prefill is 0.1 s and whose wave is 0.8 s needs w = 0.5 (0.1 + 0.5 × 0.8 = 0.5).
    """
    per_config = []
    for ref in references:
        parts = _ttft_parts(ref, calibration, percentile)
        if parts:
            per_config.append(np.array(parts).T)
    if not per_config:
        raise ValueError(f"fitting a wave share needs levels with a TTFT {percentile} and known physics")
    grid = WAVE_SHARE_GRID[min(at_least, WAVE_SHARE_GRID[-1]) - 1e-9 <= WAVE_SHARE_GRID]
    scores = [
        np.median([np.median(np.abs(np.log(np.maximum(own + w * wave, queue) / measured)))
                   for measured, own, wave, queue in per_config])
        for w in grid
    ]  # fmt: skip
    return float(grid[int(np.argmin(scores))])


def fit_ttft_tail_waves(
    references: Sequence[ReferenceProfile], calibration: Calibration
) -> tuple[tuple[str, float], ...]:
    """(percentile, w) for TTFT p90 and p99 (`Calibration.ttft_tail_waves`): `fit_wave_share` on the levels' own
    tails, each at least the wave share of the percentile below it (p50's is `calibration.ttft_wave_share`), so a
    tail never waits less than the median. A closed loop releases its c requests together: the median request waits
    for part of its wave's prefills, the last ones for all of them and, on a server still warming up, for more; a
    tail as the p50 times one ratio grows as the p50 does, this grows with the wave. A percentile no level gives is
    left out."""
    out, floor = [], calibration.ttft_wave_share
    for pct in ("p90", "p99"):
        given = [ref for ref in references if any(lv.latency("ttft_s", pct) for lv in ref.profile.levels)]
        if not any(_ttft_parts(ref, calibration, pct) for ref in given):
            continue
        floor = fit_wave_share(given, calibration, pct, at_least=floor)
        out.append((pct, floor))
    return tuple(out)


def fit_itl_tails(
    references: Sequence[ReferenceProfile], max_concurrency: float | None
) -> tuple[tuple[str, float], ...]:
    """(percentile, ITL p90 or p99 over ITL p50) of `references` (`Calibration.itl_tail_ratios`): each configuration's
    median over its usable levels at or below `max_concurrency`, then the median over configurations, so every
    configuration weighs alike; a percentile no level gives is left out.

    Worked example: two configurations whose levels' ITL p99 / p50 are (1.02, 1.10, 1.30) and (1.05,): their medians
    1.10 and 1.05, so 1.075, rounded to 1.08.
    """
    out = []
    for pct in ("p90", "p99"):
        medians = []
        for ref in references:
            ratios = [
                max(1.0, tail / p50)
                for level in ref.profile.levels
                if usable(level)
                and (max_concurrency is None or (level.concurrency or 0.0) <= max_concurrency)
                and (p50 := level.itl_s.p50)
                and (tail := level.latency("itl_s", pct))
            ]
            if ratios:
                medians.append(float(np.median(ratios)))
        if medians:
            out.append((pct, round(float(np.median(medians)), 2)))
    return tuple(out)


def _ttft_parts(
    ref: ReferenceProfile, calibration: Calibration, percentile: str = "p50"
) -> list[tuple[float, float, float, float]]:
    """(measured TTFT at `percentile`, own, wave, queue) at each usable level of `ref` the roofline can answer."""
    meta = ref.profile.meta
    precision = meta.precision or default_precision(ref.gpu)
    out = []
    for level in ref.profile.levels:
        c = level.concurrency
        measured = level.latency("ttft_s", percentile)
        if not c or not measured or not usable(level):
            continue
        shape = level_shape(level, meta.cached_input_share)
        model = estimated_model(ref.card, ref.gpu, meta.gpu_count, precision, shape, calibration)
        if model is None or model.max_concurrency is None or c > model.max_concurrency:
            continue
        parts = ttft_parts(model, shape, c)
        out.append((measured, parts.own_s, parts.wave_s, parts.queue_s))
    return out


def configuration_quantile(errors_by_configuration: Sequence[np.ndarray], q: float) -> float:
    """The q-quantile of held-out errors with every configuration weighing alike (each level 1/its configuration's
    level count), as in the fit: a 65-level sweep does not outvote a 7-level one. For a configuration not among
    the k, the level is raised to the split-conformal ⌈(k + 1)·q⌉ / k (`fitting.covering`): with 2
    configurations, q = 0.5 becomes 1.

    >>> configuration_quantile([np.array([0.1, 0.1, 0.1, 0.1]), np.array([0.9])], 0.5)  # 2 configurations: 1.0
    0.9
    >>> parts = [np.array([0.1] * 4), np.array([0.2]), np.array([0.3]), np.array([0.4])]
    >>> configuration_quantile(parts, 0.5)  # 4 configurations: ⌈5 × 0.5⌉ / 4 = 0.75
    0.3
    """
    q = min(1.0, math.ceil((len(errors_by_configuration) + 1) * q) / len(errors_by_configuration))
    errors = np.concatenate(list(errors_by_configuration))
    weights = np.concatenate([np.full(len(e), 1.0 / len(e)) for e in errors_by_configuration])
    order = np.argsort(errors)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(errors[order][np.searchsorted(cumulative, q - 1e-12)])


def serving_sets(
    references: Sequence[ReferenceProfile],
) -> tuple[list[ReferenceProfile], list[ReferenceProfile]]:
    """(fit on, validate on): interactive sweeps with two or more levels fit SERVING; one-level interactive points
    (MLPerf Server results) only check it."""
    interactive = [r for r in references if is_interactive(r)]
    return [r for r in interactive if len(r.profile.levels) >= 2], [r for r in interactive if len(r.profile.levels) < 2]
