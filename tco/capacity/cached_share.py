"""A workload whose cached-prompt share differs from the profile's, at token lengths the profile measured.

Prefix caching removes prefill work and nothing else. So the measured levels of the same input and output lengths
are adjusted level by level, never replaced by a curve: at level ℓ (concurrency c_ℓ), with τ the model's GPU
seconds per request (`perf_model` equation (1)) at the profile's cached share p and at the workload's w,

    r_ℓ   = τ_p(c_ℓ) / τ_w(c_ℓ)             only π·I_u differs between the two
    X'_ℓ  = X_ℓ · r_ℓ                       throughput
    TTFT' = TTFT_ℓ · TTFT_w(c_ℓ) / TTFT_p(c_ℓ)   the prefill part shrinks (or grows) by the model's ratio
    ITL'  = ITL_ℓ                           a decode step is the same
    E2E'  = E2E_ℓ / r_ℓ                     Little's law at the same concurrency

X* is the highest adjusted level that meets every bound: never above a measured level times its own prefill
saving, never at a concurrency the profile did not measure, and never where the measured ITL failed. At token
lengths no level measured, the fitted model follows the same rule (`PerfModel.measured_share`).

Worked example: a level at 2,000 in / 500 out measured 2.0 req/s with no cache; with π = 0.1 ms/token and the rest
of τ 0.8 s, 50 % cached saves 0.1 s of 1.0 s: r = 1.0 / 0.9, X' = 2.22 req/s.

>>> round(2.0 * 1.0 / 0.9, 2)
2.22
"""

from __future__ import annotations

from profiling.schema import Profile
from tco.capacity.capacity_record import Capacity
from tco.capacity.level_consistency import usable
from tco.capacity.percentiles import latency_at
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape, ShapeGroup
from tco.records.scenario import Slo


def _adjusted(level_value: float, metric: str, model: PerfModel, measured: Shape, workload: Shape, c: float,
              r: float) -> float | None:  # fmt: skip
    if metric == "itl_s":
        return level_value
    if metric == "e2e_s":
        return level_value / r
    p, w = model.latency(measured, c, metric, "p50"), model.latency(workload, c, metric, "p50")
    return level_value * w / p if p and w else None


def adjusted_for_caching(profile: Profile, slo: Slo, shape: Shape, model: PerfModel, group: ShapeGroup) -> Capacity:
    """X* from `group`'s measured levels (the workload's token lengths at the profile's cached share) adjusted to the
    workload's cached share (module docstring)."""
    measured_shape = Shape(shape.input_tokens, shape.output_tokens, profile.meta.cached_input_share)
    best: tuple[float, int, float, float, tuple[tuple[str, str, float], ...]] | None = None
    best_measured: tuple[float, int] | None = None
    for index in group.indices:
        level = profile.levels[index]
        if not usable(level):
            continue
        c = level.concurrency
        r = model.gpu_s_per_request(measured_shape, c) / model.gpu_s_per_request(shape, c)
        latencies, ok = [], True
        for metric, pct, bound in slo.bounds():
            value = latency_at(level, metric, pct)[0]
            adjusted = None if value is None or c is None else _adjusted(value, metric, model, measured_shape, shape,
                                                                         c, r)  # fmt: skip
            if adjusted is None or adjusted > bound:
                ok = False
            if adjusted is not None:
                latencies.append((metric, pct, adjusted))
        meets = all((v := latency_at(level, m, p)[0]) is not None and v <= b for m, p, b in slo.bounds())
        if meets and (best_measured is None or level.req_per_s > best_measured[0]):
            best_measured = (level.req_per_s, index)
        if ok and (best is None or level.req_per_s * r > best[0]):
            best = (level.req_per_s * r, index, r, c or 0.0, tuple(latencies))
    before = (
        f"measured at {profile.meta.cached_input_share:.0%} cached: {best_measured[0]:.3g} req/s (level "
        f"{best_measured[1] + 1})"
        if best_measured
        else f"measured at {profile.meta.cached_input_share:.0%} cached: no level meets the SLO"
    )
    if best is None:
        note = f"{before}; adjusted for {shape.cached_input_share:.0%} cached (prefill part only): no level meets it"
        return Capacity(None, None, profile.meta.source, "modelled", None, notes=(note,), cache_adjusted=True)
    x, index, r, c, latencies = best
    note = (f"{before}; adjusted for {shape.cached_input_share:.0%} cached (prefill part only): {x:.3g} req/s "
            f"(level {index + 1} × {r:.3f})")  # fmt: skip
    share = model.prefill_share(shape, c or None)
    return Capacity(x, None, profile.meta.source, "modelled", share, c or None, model.expected_error, latencies,
                    notes=(note,), cache_adjusted=True)  # fmt: skip
