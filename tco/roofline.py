"""A roofline estimate of replica capacity when no profile exists, and a plausibility check.

Decode is bound by memory bandwidth: each step reads the active weights plus every running
sequence's KV cache. Prefill is bound by compute: 2 x active parameters FLOPs per token.
Efficiencies are estimates (MBU 0.7, MFU 0.4; research/profiling.md 5.1 quotes MBU 0.6-0.8
for vLLM/TRT-LLM on HBM GPUs). Results are labelled *estimated*.
"""

from __future__ import annotations

from models.catalog import ModelCard
from pricing.gpus import GpuType
from profiling.schema import Level
from tco.capacity import Capacity
from tco.scenario import RequestClass, Slo

MBU = 0.7
MFU = 0.4
KV_MEMORY_SHARE = 0.9
"""Share of GPU memory usable for weights + KV cache (the rest: activations, runtime)."""


def _bytes_per_param(gpu: GpuType) -> float:
    return 1.0 if gpu.fp8_tflop_s else 2.0


def _decode_step_s(card: ModelCard, gpu: GpuType, gpus: int, batch: int, kv_bytes_per_seq: float) -> float:
    assert card.active_params_b is not None and card.total_params_b is not None
    bpp = _bytes_per_param(gpu)
    weights_read = min(card.total_params_b, card.active_params_b * batch) * 1e9 * bpp
    return (weights_read + batch * kv_bytes_per_seq) / (gpus * gpu.memory_bandwidth_tb_s * 1e12 * MBU)


def estimate_capacity(card: ModelCard, gpu: GpuType, gpus: int, slo: Slo, cls: RequestClass) -> Capacity:
    """Requests/s one replica of `gpus` GPUs can serve at the SLO, by roofline (estimated)."""
    kv_elems = card.kv_elements_per_token
    if card.active_params_b is None or card.total_params_b is None or kv_elems is None:
        return Capacity(None, None, "estimated", False, None, (f"no roofline for {card.id}: architecture unknown",))
    bpp = _bytes_per_param(gpu)
    kv_bytes_per_seq = kv_elems * bpp * (cls.input_tokens + cls.output_tokens / 2)
    free = gpus * gpu.memory_gib * 2**30 * KV_MEMORY_SHARE - card.total_params_b * 1e9 * bpp
    if free <= kv_bytes_per_seq:
        return Capacity(None, None, "estimated", False, None, (f"{card.id} does not fit on {gpus} x {gpu.id}",))
    max_batch = int(free // kv_bytes_per_seq)
    itl_bounds = [b for m, _, b in slo.bounds() if m == "itl_s"]
    batch = max_batch
    if itl_bounds:
        bound = min(itl_bounds)
        lo, hi = 0, max_batch
        while lo < hi:  # largest batch whose decode step meets the ITL bound
            mid = (lo + hi + 1) // 2
            if _decode_step_s(card, gpu, gpus, mid, kv_bytes_per_seq) <= bound:
                lo = mid
            else:
                hi = mid - 1
        batch = lo
    flops = (gpu.fp8_tflop_s or gpu.bf16_tflop_s) * 1e12 * gpus * MFU
    prefill_s = 2 * card.active_params_b * 1e9 * cls.input_tokens / flops
    ttft_bounds = [b for m, _, b in slo.bounds() if m == "ttft_s"]
    if batch < 1 or (ttft_bounds and prefill_s > min(ttft_bounds)):
        return Capacity(
            None, None, "estimated", False, None, (f"roofline: {card.id} on {gpus} x {gpu.id} cannot meet the SLO",)
        )
    step = _decode_step_s(card, gpu, gpus, batch, kv_bytes_per_seq)
    gpu_s_per_request = prefill_s + cls.output_tokens * step / batch
    share = prefill_s / gpu_s_per_request
    note = f"estimated by roofline (MBU {MBU}, MFU {MFU}, batch {batch}); measure it with `inference-roi profile`"
    return Capacity(1.0 / gpu_s_per_request, None, "estimated", False, share, (note,))


def max_output_tokens_per_s(card: ModelCard, gpu: GpuType, gpus: int, cls: RequestClass) -> float | None:
    """Upper bound on decode throughput (no latency limit, full efficiency) for plausibility checks."""
    kv_elems = card.kv_elements_per_token
    if card.active_params_b is None or card.total_params_b is None or kv_elems is None:
        return None
    bpp = _bytes_per_param(gpu)
    kv_bytes_per_seq = kv_elems * bpp * (cls.input_tokens + cls.output_tokens / 2)
    free = gpus * gpu.memory_gib * 2**30 - card.total_params_b * 1e9 * bpp
    if free <= kv_bytes_per_seq:
        return None
    batch = int(free // kv_bytes_per_seq)
    weights_read = min(card.total_params_b, card.active_params_b * batch) * 1e9 * bpp
    step = (weights_read + batch * kv_bytes_per_seq) / (gpus * gpu.memory_bandwidth_tb_s * 1e12)
    return batch / step


def level_output_ceiling(card: ModelCard, gpu: GpuType, gpus: int, level: Level) -> float | None:
    """The roofline's output tokens/s for a profile level's own request shape (plausibility checks)."""
    shape = RequestClass(name="level", share=1, input_tokens=level.input_tokens, output_tokens=level.output_tokens)
    return max_output_tokens_per_s(card, gpu, gpus, shape)
