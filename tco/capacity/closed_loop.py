"""Latency medians of a closed loop from a physical model's coefficients (the roofline's, `tco.capacity.roofline`).

With c requests in flight and GPU time τ(c) per request (`perf_model`'s equation (1)), a decode step costs

    s = a + c·(b + g·L)                          its fixed cost, plus every sequence's compute and KV reads

- ITL p50 = s. With speculative decoding a step yields E tokens a sequence (`PerfModel.tokens_per_step`): its reads
  are shared by E tokens and its compute is per token, so the gap is (a + c·g·L)/E + c·b.
- With chunked prefill (vLLM, SGLang, TensorRT-LLM) prefill chunks ride in decode steps that are
  memory-bound (the weights are read once for the whole batch), so they lengthen only the steps that carry them:
  the tail (p90/p99 are the median times the percentile ratios), not the median gap.
- The *mean* gap charges every step its share of the GPU time prefill takes, s / (1 − π·I_u/τ) (share capped at
  PREFILL_SHARE_CAP): what E2E = c·τ (Little) needs.
- TTFT = max(a + π·I_u·(1 + w·(c − 1)), c·τ − (O − 1)·mean gap): a step, the request's own prefill and a share w of
  the other c − 1 requests' (`ttft_wave_share`), or the queue when E2E exceeds the decode time. A benchmark's
  closed loop releases its c requests together, and with lengths alike they stay in step: each wave's prefills
  queue. The lean engines' sweeps (SGLang, TensorRT-LLM, ATOM) show it (w 0.65 on NVIDIA: the median request waits
  for most of its wave; 0.05–0.1 on AMD), vLLM's do not (w = 0): `tco.capacity.calibration.fit_wave_share`. A TTFT
  tail waits for a wave share of its own, p90 and p99 fitted on the same sweeps' tails (`ttft_tail_waves`: 2.1–2.8
  waves at the p99, for the last of a wave and a server still warming up); at one request in flight there is no
  wave and the tail is the median, as those sweeps measured (TTFT p99 / p50 1.07 at c = 1, 30 at c = 64).
- E2E = max(c·τ, TTFT + (O − 1)·mean gap).

Why the median is the plain step: π is calibrated on throughput (η_c a few % of peak, so it holds the engine's
serial time too); charging it to every gap made the roofline's ITL 1.5–4× too slow, and bench/capacity.py's
"no profile, X* at an SLO" median error fell from 55 % to 16 % (its ITL-bounded cases: GLM-5 96 % → 47 %,
MiniMax-M2.5 60 % → 18 %, Qwen3.5 100 % → 0 %) with the plain step.

Worked example: a = 20 ms, b = 0.1 ms, g = 0, π = 0.1 ms, 1,000 in / 100 out at c = 10: s = 20 + 10 × 0.1
= 21 ms, the median gap; τ = 0.1 + 0.01 + 0.02 × 100 / 10 = 0.31 s, prefill share 0.1 / 0.31 = 0.3226, mean gap
21 / (1 − 0.3226) = 31 ms; decode 99 × 31 ms = 3.069 s; c·τ = 3.1 s; TTFT = max(0.02 + 0.1, 3.1 − 3.069)
= 0.12 s; E2E = max(3.1, 0.12 + 3.069) = 3.189 s.

>>> from tco.capacity.perf_model import PerfModel
>>> from tco.capacity.shapes import Shape
>>> p = closed_loop_p50(PerfModel((1e-4, 1e-4, 0.0, 0.02), max_concurrency=64), Shape(1000, 100), 10)
>>> {k: round(v, 4) for k, v in p.items()}
{'ttft_s': 0.12, 'itl_s': 0.021, 'itl_mean_s': 0.031, 'e2e_s': 3.189}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tco.capacity.shapes import Shape

PREFILL_SHARE_CAP = 0.9
"""Most of a request's GPU time taken as prefill (a decode step is never stretched more than 10×)."""


class StepModel(Protocol):
    """What the closed loop needs of a performance model (`perf_model.PerfModel`)."""

    @property
    def coefficients(self) -> tuple[float, float, float, float]: ...

    @property
    def tokens_per_step(self) -> float: ...

    @property
    def ttft_wave_share(self) -> float: ...

    def step_s(self, concurrency: float) -> float: ...

    def gpu_s_per_request(self, shape: Shape, concurrency: float | None) -> float: ...


@dataclass(frozen=True)
class TtftParts:
    """The three terms of the closed loop's TTFT (module docstring), seconds."""

    own_s: float
    """A decode step and the request's own prefill: a + π·I_u."""
    wave_s: float
    """The other c − 1 requests' prefills: (c − 1)·π·I_u."""
    queue_s: float
    """What E2E = c·τ leaves beyond decoding: c·τ − (O − 1)·mean gap."""

    def ttft_s(self, wave_share: float) -> float:
        return max(self.own_s + wave_share * self.wave_s, self.queue_s)


def _gaps(model: StepModel, shape: Shape, c: float) -> tuple[float, float, float]:
    """(median gap, mean gap, τ) at concurrency c."""
    pi, b, g, _ = model.coefficients
    tau = model.gpu_s_per_request(shape, c)
    prefill_busy = min(PREFILL_SHARE_CAP, pi * shape.uncached_input_tokens / tau)
    step = (model.step_s(c) + c * g * shape.mean_context_tokens) / model.tokens_per_step + c * b
    return step, step / (1 - prefill_busy), tau


def ttft_parts(model: StepModel, shape: Shape, c: float) -> TtftParts:
    """TTFT's terms at concurrency c, before the wave share is chosen (what `fit_wave_share` fits it on)."""
    _, mean_gap, tau = _gaps(model, shape, c)
    prefill = model.coefficients[0] * shape.uncached_input_tokens
    decode = max(shape.output_tokens - 1, 0) * mean_gap
    return TtftParts(model.step_s(c) + prefill, (c - 1) * prefill, c * tau - decode)


def closed_loop_p50(model: StepModel, shape: Shape, c: float) -> dict[str, float]:
    """TTFT, ITL (median and mean gap) and E2E of a closed loop at concurrency c (module docstring), seconds."""
    step, mean_gap, tau = _gaps(model, shape, c)
    decode = max(shape.output_tokens - 1, 0) * mean_gap
    ttft = ttft_parts(model, shape, c).ttft_s(model.ttft_wave_share)
    return {"ttft_s": ttft, "itl_s": step, "itl_mean_s": mean_gap, "e2e_s": max(c * tau, ttft + decode)}
