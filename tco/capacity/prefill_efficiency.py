"""How fast an engine prefills on a GPU family, as a share of peak FLOP/s: the slope a profile with one input length
cannot give its fit (`tco.capacity.roofline.fit_hints`).

Measured as the TTFT p50 slope between two input lengths at the same concurrency (4 or 8, little queueing):

    η_c = 2·N_active·ΔI / (n·F·ΔTTFT)

on published InferenceX sweeps (runs of 2025-10 to 2026-06), one figure per deployment and concurrency where a
short (< 2,000 tokens) and a long (> 5,000) input ran at the same output length; `python bench/capacity.py --extra
FILE` prints each deployment's (`bench/prefill_slopes.py`):

- vLLM on 8 × H200 (GLM-5, MiniMax-M2.5 TEP8, Qwen3.5; the bundled sweeps): 5 figures, 0.013–0.046, median 0.021,
  beside `tco.capacity.roofline.SERVING`'s compute efficiency (0.028) fitted on the same sweeps' throughput;
- SGLang and TensorRT-LLM on NVIDIA (DeepSeek-R1-0528 on H200 and B200, 7 deployments, 8 figures): 0.030–0.265,
  median 0.133;
- SGLang and ATOM on AMD (DeepSeek-R1-0528 on MI300X, MI325X and MI355X, 8 deployments, 10 figures): 0.031–0.083,
  median 0.048.

Aggregated deployments only (one server, prefill and decode together); disaggregated stacks were not measured.

Any other engine (and an unrecorded one) takes SERVING's figure.

>>> prefill_efficiency("sglang", "H200"), prefill_efficiency("atom", "MI355X"), prefill_efficiency("vllm", "H200")
(0.13, 0.049, None)
"""

from __future__ import annotations

LEAN_ENGINES = ("sglang", "trt", "tensorrt", "atom")
"""Engine names (as profiles record them, lower case, by prefix) whose prefill ran at the figures below."""
NVIDIA_LEAN = 0.13
AMD_LEAN = 0.049


OTHER_ENGINES = ("vllm", "tgi", "text-generation-inference", "llama.cpp", "ollama", "lmdeploy")
"""Engines measured at SERVING's figures, or not measured: a profile that names one of these beside a lean engine
("sglang or vllm") is not counted as lean."""


def lean_engine(engine: str | None) -> bool:
    """Whether `engine` is one of LEAN_ENGINES and names none of OTHER_ENGINES beside it.

    >>> lean_engine("TensorRT-LLM"), lean_engine("sglang or vllm (InferenceX best config)"), lean_engine(None)
    (True, False, False)
    """
    name = (engine or "").lower()
    return name.startswith(LEAN_ENGINES) and not any(other in name for other in OTHER_ENGINES)


def amd_gpu(gpu_id: str | None) -> bool:
    """An AMD Instinct GPU (MI300X, MI325X, MI355X…), as the GPU sheet names them."""
    return (gpu_id or "").upper().startswith("MI")


def prefill_efficiency(engine: str | None, gpu_id: str | None) -> float | None:
    """η_c for prefill of `engine` on `gpu_id` (module docstring), None: SERVING's.

    >>> prefill_efficiency("sglang or vllm (InferenceX best config)", "H200") is None
    True
    """
    if not gpu_id or not lean_engine(engine):
        return None
    return AMD_LEAN if amd_gpu(gpu_id) else NVIDIA_LEAN
