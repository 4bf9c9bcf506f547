"""Prefill efficiency read from published sweeps' TTFT slopes: the figures behind `tco.capacity.prefill_efficiency`.

For each deployment, at each concurrency in SLOPE_CONCURRENCIES (little queueing) where a short input (< 2,000
tokens) and a long one (> 5,000) ran with the same output length:

    η_c = 2·N_active·ΔI / (n·F·ΔTTFT p50)

with F the GPU's peak dense FLOP/s at the deployment's precision (`tco.capacity.roofline.hardware`). A pair whose
TTFT does not rise with the input gives no figure. Printed by `python bench/capacity.py --extra FILE`, each
deployment's figures and the median by engine family beside the constants the engine uses.

Worked example: DeepSeek-R1 (37 B active) on 8 × H200 at fp8 (1,979 TFLOP/s each), TTFT p50 0.085 s at 922 input
and 0.312 s at 7,373: 2 × 37e9 × 6,451 / (8 × 1.979e15 × 0.227) = 0.133.

>>> round(efficiency(37, 8 * 1.979e15, 922, 0.085, 7373, 0.312), 3)
0.133
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable

from profiling.schema import Profile
from tco.capacity.prefill_efficiency import AMD_LEAN, LEAN_WAIT_SHARE, NVIDIA_LEAN, amd_gpu, lean_engine
from tco.capacity.roofline import hardware
from tco.capacity.roofline_calibrations import SERVING
from tco.capacity.shapes import level_shape

SLOPE_CONCURRENCIES = (4.0, 8.0)
SHORT_INPUT, LONG_INPUT = 2_000, 5_000


def efficiency(
    active_params_b: float, flop_s: float, short_tokens: float, short_ttft_s: float, long_tokens: float,
    long_ttft_s: float,
) -> float:  # fmt: skip
    """η_c of the module docstring from two (input tokens, TTFT p50) points of one deployment."""
    return 2 * active_params_b * 1e9 * (long_tokens - short_tokens) / (flop_s * (long_ttft_s - short_ttft_s))


def deployment_figures(profile: Profile, active_params_b: float, flop_s: float) -> list[tuple[float, float]]:
    """(concurrency, η_c) for each concurrency and output length where a short and a long input both ran."""
    by_load: dict[tuple[float, int], dict[int, float]] = {}
    for level in profile.levels:
        if level.concurrency in SLOPE_CONCURRENCIES and level.ttft_s.p50:
            shape = level_shape(level, 0.0)
            key = (level.concurrency, round(shape.output_tokens))
            by_load.setdefault(key, {})[round(shape.input_tokens)] = level.ttft_s.p50
    out = []
    for (concurrency, _), ttfts in sorted(by_load.items()):
        short = [(i, t) for i, t in ttfts.items() if i < SHORT_INPUT]
        long = [(i, t) for i, t in ttfts.items() if i > LONG_INPUT]
        if short and long and long[0][1] > short[0][1]:
            out.append((concurrency, efficiency(active_params_b, flop_s, *short[0], *long[0])))
    return out


def print_prefill_efficiencies(profiles: Iterable[tuple[str, Profile]], cards, sheet) -> None:
    """Each deployment's η_c and the median by family (lean engines on NVIDIA, on AMD; the rest) beside the constant."""
    gpus = {g.id.lower(): g for g in sheet.gpus}
    families: dict[str, list[float]] = {}
    for name, profile in profiles:
        card, gpu = cards.find(profile.meta.model), gpus.get(profile.meta.gpu.lower())
        if card is None or gpu is None or card.active_params_b is None:
            continue
        precision = profile.meta.precision or "fp8"
        flop_s = hardware(gpu, precision).flop_s * profile.meta.gpu_count
        figures = deployment_figures(profile, card.active_params_b, flop_s)
        if not figures:
            continue
        lean = lean_engine(profile.meta.engine)
        family = ("lean, AMD" if amd_gpu(gpu.id) else "lean, NVIDIA") if lean else "other engines"
        families.setdefault(family, []).extend(eta for _, eta in figures)
        shown = ", ".join(f"c={c:g} {eta:.3f}" for c, eta in figures)
        print(f"  prefill efficiency, {name}: {shown}")
    constants = {"lean, NVIDIA": NVIDIA_LEAN, "lean, AMD": AMD_LEAN, "other engines": SERVING.compute}
    for family, etas in sorted(families.items()):
        print(f"  prefill efficiency, {family}: median {statistics.median(etas):.3f} of {len(etas)} figures "
              f"({min(etas):.3f}–{max(etas):.3f}); in the engine {constants[family]:g}")  # fmt: skip


WAIT_LOADS = 32.0
"""The loads, up to this concurrency, whose TTFT p50 gives the wait per request in flight (a least-squares slope)."""


def wait_slope(levels: list[tuple[float, float]]) -> float | None:
    """The least-squares slope of TTFT p50 against concurrency, (c, TTFT) pairs: seconds per request in flight.

    >>> wait_slope([(1, 0.08), (4, 0.11), (16, 0.23)])
    0.01
    """
    if len({c for c, _ in levels}) < 2:
        return None
    return round(statistics.linear_regression([c for c, _ in levels], [t for _, t in levels]).slope, 12)


def wait_exponents(profiles: Iterable[tuple[str, Profile]]) -> list[tuple[str, float]]:
    """(deployment, e): how the wait per request in flight grows with the input, wait ∝ I^e, from the shortest and
    the longest input run at the same output length (each at two or more loads up to WAIT_LOADS): 0 is a wait that
    does not depend on the input, 1 one proportional to it. The figures behind
    `tco.capacity.prefill_efficiency.LEAN_WAIT_SHARE`."""
    out = []
    for name, profile in profiles:
        by_output: dict[int, dict[int, list[tuple[float, float]]]] = {}
        for level in profile.levels:
            if level.concurrency and level.concurrency <= WAIT_LOADS and level.ttft_s.p50:
                shape = level_shape(level, profile.meta.cached_input_share)
                inputs = by_output.setdefault(round(shape.output_tokens, -1), {})
                inputs.setdefault(round(shape.uncached_input_tokens), []).append((level.concurrency, level.ttft_s.p50))
        for inputs in by_output.values():
            slopes = sorted((i, s) for i, levels in inputs.items() if (s := wait_slope(levels)) and s > 0)
            if len(slopes) >= 2 and slopes[-1][0] > slopes[0][0]:
                (short, s0), (long, s1) = slopes[0], slopes[-1]
                out.append((name, math.log(s1 / s0) / math.log(long / short)))
    return out


def print_wait_exponents(profiles: Iterable[tuple[str, Profile]]) -> None:
    found = wait_exponents(profiles)
    for name, exponent in found:
        print(f"  TTFT wait per request in flight, {name}: grows as input^{exponent:.2f}")
    if found:
        exponents = [e for _, e in found]
        print(f"  TTFT wait per request in flight: exponent median {statistics.median(exponents):.2f} of "
              f"{len(exponents)} ({min(exponents):.2f} to {max(exponents):.2f}); where one input length was "
              f"measured, lean engines split it {LEAN_WAIT_SHARE:g} per request, the rest per token")  # fmt: skip
