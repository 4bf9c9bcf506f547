"""A performance model's latency surface before any correction toward measured levels (`PerfModel.latency` corrects
it, `tco.capacity.residuals`).

A fitted model (`tco.capacity.fitting`):

    TTFT p50 = t0 + s·c + I_u·(t1 + t2·c + t3·c²)
    E2E p50  = max(e2e_p50_per_mean · c·τ(c), TTFT p50)        τ(c) of `perf_model`'s equation (1), Little's law
    ITL p50  = itl_scale · (E2E p50 − TTFT p50) / (O − 1)

a tail is the TTFT tail's own fit where the levels gave one (at least the p50), else the p50 × (1 + c)^k
(`PerfModel.tail_exponents`), else × a constant ratio (`PerfModel.percentile_ratios`). The roofline's
(`physical_latency`) is the closed loop's (`tco.capacity.closed_loop`), its TTFT tails at their own wave shares.

Worked example: t0 = 0.1 s, t1 = 1e-4 s a token, no load terms; 1,000 in / 100 out at c = 4 with π = 0.2 ms and
b = 3 ms, so τ = 0.2 + 0.3 = 0.5 s: TTFT 0.2 s, E2E 4 × 0.5 = 2 s, ITL (2 − 0.2) / 99 = 18.2 ms.

>>> from tco.capacity.perf_model import PerfModel
>>> m = PerfModel((2e-4, 3e-3, 0.0, 0.0), ttft_coefficients=(0.1, 1e-4, 0.0, 0.0), max_concurrency=64)
>>> [round(smooth_latency(m, Shape(1000, 100), 4, k, "p50"), 4) for k in ("ttft_s", "e2e_s", "itl_s")]
[0.2, 2.0, 0.0182]
"""

from __future__ import annotations

from typing import Protocol

from tco.capacity.closed_loop import StepModel, closed_loop_p50, ttft_parts
from tco.capacity.shapes import Shape


class SurfaceModel(StepModel, Protocol):
    """What the surface reads of a performance model (`perf_model.PerfModel`'s fields of the same names)."""

    @property
    def physical_latency(self) -> bool: ...

    @property
    def ttft_coefficients(self) -> tuple[float, float, float, float] | None: ...

    @property
    def ttft_load_s(self) -> float: ...

    @property
    def ttft_tail_coefficients(self) -> tuple[tuple[str, tuple[float, float, float, float]], ...]: ...

    @property
    def ttft_tail_waves(self) -> tuple[tuple[str, float], ...]: ...

    @property
    def tail_exponents(self) -> tuple[tuple[str, str, float], ...]: ...

    @property
    def percentile_ratios(self) -> tuple[tuple[str, str, float], ...]: ...

    @property
    def e2e_p50_per_mean(self) -> float: ...

    @property
    def itl_scale(self) -> float: ...

    def e2e_mean_s(self, shape: Shape, concurrency: float) -> float: ...


def smooth_latency(model: SurfaceModel, shape: Shape, concurrency: float, metric: str, percentile: str) -> float | None:
    """`PerfModel.latency` before the correction toward the measured levels (module docstring)."""
    if model.physical_latency:
        tail_wave = dict(model.ttft_tail_waves).get(percentile) if metric == "ttft_s" else None
        if tail_wave is not None:
            return ttft_parts(model, shape, concurrency).ttft_s(tail_wave)
        p50 = closed_loop_p50(model, shape, concurrency)[metric]
        ratio = (
            1.0
            if percentile == "p50"
            else dict(((m, p), r) for m, p, r in model.percentile_ratios).get((metric, percentile))
        )
        return None if ratio is None else p50 * ratio
    ttft = None
    if model.ttft_coefficients is not None:
        t0, t1, t2, t3 = model.ttft_coefficients
        ttft = (
            t0
            + model.ttft_load_s * concurrency
            + shape.uncached_input_tokens * (t1 + t2 * concurrency + t3 * concurrency**2)
        )
    tail = dict(model.ttft_tail_coefficients).get(percentile) if metric == "ttft_s" else None
    if tail is not None and ttft is not None:
        u0, u1, u2, u3 = tail
        return max(ttft, u0 + shape.uncached_input_tokens * (u1 + u2 * concurrency + u3 * concurrency**2))
    e2e = max(model.e2e_p50_per_mean * model.e2e_mean_s(shape, concurrency), ttft or 0.0)
    p50 = {
        "ttft_s": ttft,
        "e2e_s": e2e,
        "itl_s": model.itl_scale * (e2e - (ttft or 0.0)) / max(shape.output_tokens - 1, 1),
    }[metric]
    if p50 is None:
        return None
    ratio = 1.0
    if percentile != "p50":
        growth = next((k for m, p, k in model.tail_exponents if m == metric and p == percentile), None)
        if growth is not None:
            ratio = (1.0 + concurrency) ** growth
        else:
            ratio = next((r for m, p, r in model.percentile_ratios if m == metric and p == percentile), None)
        if ratio is None:
            return None
    return p50 * ratio
