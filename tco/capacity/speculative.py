"""Speculative decoding (MTP, EAGLE, a draft model) in the roofline: a decode step yields several tokens a sequence.

A draft proposes tokens and one decode step of the full model verifies them; the sequence keeps the accepted ones
plus the model's own next token, E tokens a step on average (SGLang logs it as "accept len", vLLM as "mean
acceptance length"). The step still reads the weights and the KV cache once, so those costs are shared by E tokens;
the compute is charged per kept token. In equation (1) (`tco.capacity.perf_model`):

    τ = π·I_u + b·O + (g·O·L + a·O/c) / E

and in the calibration's peak parts (`tco.capacity.calibration`), τ = C/η_c + (M/η_m + s₀·S) / E. Compute spent on
rejected drafts is not charged (at the low batches an SLO allows, decode is memory-bound).

E depends on the draft, the model and the text; with no figure of the user's own, `TOKENS_PER_STEP` is the one E
that best fits published sweeps run with speculative decoding, given the engine's calibration without it
(`fit_tokens_per_step`, refitted leaving each deployment out by bench/capacity.py).

Worked example: a step's reads cost 30 ms at c = 10 and the request's compute 0.5 s; 1,000 output tokens at
E = 1.6 take 0.5 + 1,000 × 0.030 / 10 / 1.6 = 2.375 s of GPU time, against 3.5 s without speculation.

>>> round(0.5 + 1000 * 0.030 / 10 / 1.6, 3), round(0.5 + 1000 * 0.030 / 10, 3)
(2.375, 3.5)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from tco.capacity.calibration import PeakParts
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline_calibrations import Calibration

TOKENS_PER_STEP = 1.46
"""E with no figure of the user's: fitted (`fit_tokens_per_step`) on InferenceX's interactive sweeps of
DeepSeek-R1-0528 with multi-token prediction (MTP), 17 deployments (SGLang, TensorRT-LLM and ATOM on H200, B200,
B300, MI325X and MI355X), each at its engine's calibration without speculation (`LEAN_NVIDIA`, `LEAN_CDNA3`,
`LEAN_CDNA4`); refitted leaving each deployment out, 1.46–1.65 (bench/capacity.py --extra prints it; 1.6 at the
single AMD calibration that preceded the two)."""
TOKENS_PER_STEP_GRID = np.round(np.arange(1.0, 4.0001, 0.01), 2)


def tokens_per_step(method: str | None, accepted: float | None = None) -> float | None:
    """E for a server running `method` (None or "none": no speculation, None): the user's own `accepted` figure, else
    `TOKENS_PER_STEP`.

    >>> tokens_per_step(None), tokens_per_step("mtp"), tokens_per_step("eagle3", 2.4)
    (None, 1.46, 2.4)
    """
    if not method or method.lower() == "none":
        return None
    return accepted or TOKENS_PER_STEP


def speculating(model: PerfModel | None, accepted: float | None) -> PerfModel | None:
    """`model` whose decode steps yield `accepted` times the tokens they did (None or 1: unchanged), its basis saying
    so: E for a roofline, E_target / E_source for a model fitted on a measured configuration (a transfer)."""
    if model is None or accepted is None or accepted == 1.0:
        return model
    basis = f"{model.error_basis}; speculative decoding: {accepted:g}× the tokens a decode step"
    return dataclasses.replace(model, tokens_per_step=model.tokens_per_step * accepted, error_basis=basis)


def fit_tokens_per_step(configurations: Sequence[tuple[PeakParts, Calibration]]) -> float:
    """The E of `TOKENS_PER_STEP_GRID` of least median-of-medians |ln(X / measured)| over `configurations` (each
    one's peak parts at its engine's calibration without speculation, `tco.capacity.calibration`), so every
    configuration weighs alike, as the calibration itself is fitted.

    Two one-level configurations that need E = 1.5 and 2.0 exactly (C = 0.5 s, M = 0.75 s and 1.0 s at η = 1,
    measured 1 req/s): the median of medians is least anywhere between them.

    >>> one = Calibration(compute=1.0, memory=1.0, error=0.0, basis="x")
    >>> def parts(m): return PeakParts("x", np.array([1.0]), np.array([0.5]), np.array([m]), np.array([0.0]))
    >>> 1.5 <= fit_tokens_per_step([(parts(0.75), one), (parts(1.0), one)]) <= 2.0
    True
    """
    scores = []
    for e in TOKENS_PER_STEP_GRID:
        per_config = [
            np.median(
                np.abs(
                    np.log(
                        p.measured
                        * (p.compute_s / cal.compute + (p.memory_s / cal.memory + cal.step_overhead_s * p.steps) / e)
                    )
                )
            )
            for p, cal in configurations
        ]
        scores.append(np.median(per_config))
    return float(TOKENS_PER_STEP_GRID[int(np.argmin(scores))])
