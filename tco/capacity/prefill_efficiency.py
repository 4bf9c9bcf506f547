"""How fast an engine prefills on a GPU family, as a share of peak FLOP/s: the slope a profile with one input length
cannot give its fit (`tco.capacity.roofline.fit_hints`).

Measured as the TTFT p50 slope between two input lengths at the same concurrency (4 or 8, little queueing):

    η_c = 2·N_active·ΔI / (n·F·ΔTTFT)

on published InferenceX sweeps (runs of 2025-10 to 2026-06), one figure per deployment and concurrency where a
short (< 2,000 tokens) and a long (> 5,000) input ran at the same output length; `python bench/capacity.py --extra
FILE` prints each deployment's (`bench/prefill_slopes.py`):

- vLLM on 8 × H200 (GLM-5, MiniMax-M2.5 TEP8, Qwen3.5; the bundled sweeps): 5 figures, 0.013–0.046, median 0.021,
  beside `tco.capacity.roofline_calibrations.SERVING`'s compute efficiency (0.028) fitted on the same sweeps'
  throughput;
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

import re

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


CDNA4_SERIES = 350
"""AMD Instinct numbers from here on are CDNA 4 (MI350X, MI355X) or later; below it CDNA 3 (MI300X, MI325X) or
earlier."""


def amd_cdna4(gpu_id: str | None) -> bool:
    """An AMD Instinct GPU of the CDNA 4 generation or later, read from the number in its name (a name without one
    counts as the newest).

    >>> amd_cdna4("MI355X"), amd_cdna4("MI325X"), amd_cdna4("mi300x"), amd_cdna4("MI-325X"), amd_cdna4("H200")
    (True, False, False, False, False)
    """
    if not amd_gpu(gpu_id):
        return False
    digits = re.search(r"\d+", gpu_id or "")
    return digits is None or int(digits.group()) >= CDNA4_SERIES


def prefill_efficiency(engine: str | None, gpu_id: str | None) -> float | None:
    """η_c for prefill of `engine` on `gpu_id` (module docstring), None: SERVING's.

    >>> prefill_efficiency("sglang or vllm (InferenceX best config)", "H200") is None
    True
    """
    if not gpu_id or not lean_engine(engine):
        return None
    return AMD_LEAN if amd_gpu(gpu_id) else NVIDIA_LEAN


LEAN_WAIT_SHARE = 0.5
"""With one input length measured, the share of TTFT's growth with load that lean engines spend as a wait per request
in flight whatever the input (decode steps, scheduling), the rest growing with the input (the others' prefills): a
sweep's levels cannot tell the two apart. On the sweeps with two input lengths at several loads (`python
bench/capacity.py --extra FILE` prints each, `bench/prefill_slopes.py`'s `wait_exponents`), the wait per request in
flight grew as the input to the power e:

- SGLang (DeepSeek-R1-0528 on B300, H200, MI325X, MI355X; 922 and 7,373 input): e = −0.13, −0.02, 0.65, 0.68, 0.68;
  half and half grows as the power 0.5–0.7 across that 8× change;
- vLLM (GLM-5, MiniMax-M2.5 ×2, Qwen3.5 on 8 × H200, 1k to 16k–32k input): e = 0.59, 1.0, 1.75, 1.97: at least
  proportional to the input, so other engines keep the whole wait per token (share 0).

Measured by bench/capacity.py on the InferenceX records (held out; the bundled sweeps vary their input and are
unchanged): SLO decisions right 54 % → 55 %, latency at c = 16 median 19.4 % → 18.0 %; a share of 0.75 measured the
same, 1 (the whole wait per request) 55 % and 19.0 %: half is the least that gets there."""


def one_input_wait_share(engine: str | None) -> float:
    """LEAN_WAIT_SHARE for a lean engine, else 0.

    >>> one_input_wait_share("sglang"), one_input_wait_share("vllm")
    (0.5, 0.0)
    """
    return LEAN_WAIT_SHARE if lean_engine(engine) else 0.0
