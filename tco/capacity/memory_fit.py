"""Does a model fit a replica's GPUs, and how many sequences fit beside it?

    weights_bytes  = total parameters × bytes per parameter (fp8 1, bf16 2, fp4/int4 0.5)
    kv_bytes(L)    = Σ over attention layers of per-layer KV bytes × tokens kept, where a full-attention
                     layer keeps all L tokens, a sliding-window layer keeps min(L, window) and a
                     linear-attention layer keeps none (its fixed state is not counted: the catalogue
                     does not give its size). Per layer and token: 2 × KV heads × head dim elements
                     (K and V), or the MLA latent rank (one compressed vector); KV_BYTES per element.
    usable_bytes   = GPUs × GPU memory × (1 − RUNTIME_MARGIN)
    fits           ⇔ weights_bytes + MIN_CONCURRENCY × kv_bytes(context) ≤ usable_bytes
    max_concurrency = ⌊(usable_bytes − weights_bytes) / kv_bytes(context)⌋

RUNTIME_MARGIN = 0.10 is vLLM's default `gpu_memory_utilization` of 0.9 (the rest holds activations,
CUDA graphs and the allocator's slack). KV_BYTES = 2 (bf16, the engines' default KV dtype).
MIN_CONCURRENCY = 16: a replica that holds fewer sequences at the workload's context is not a serving
deployment. The sizes tried, up to several nodes, are `tco.capacity.layout`'s.

Worked example: Llama 3.3 70B at fp8 on 1 × H200 (141 GB = 131.3 GiB): weights 70.6 GB; KV per token
80 layers × 2 × 8 heads × 128 × 2 B = 327,680 B; at 2,500 tokens of context 0.82 GB per sequence;
usable 0.9 × 141.0e9 = 126.9 GB, so ⌊(126.9 − 70.6) / 0.82⌋ = 68 sequences fit.

>>> fit = memory_fit(total_params_b=70.6, kv_bytes_per_token=327_680, gpu_memory_gib=131.3, gpus=1,
...                  precision="fp8", context_tokens=2500)
>>> fit.fits, fit.max_concurrency
(True, 68)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.catalog import ModelCard

RUNTIME_MARGIN = 0.10
KV_BYTES = 2.0
MIN_CONCURRENCY = 16
BYTES_PER_PARAM = {
    "fp4": 0.5,
    "nvfp4": 0.5,
    "mxfp4": 0.5,
    "int4": 0.5,
    "fp8": 1.0,
    "int8": 1.0,
    "bf16": 2.0,
    "fp16": 2.0,
}


@dataclass(frozen=True)
class MemoryFit:
    gpus: int
    precision: str
    weights_gb: float
    kv_bytes_per_sequence: float | None
    """KV bytes one sequence holds at the workload's context; None when the architecture is unknown."""
    usable_gb: float
    max_concurrency: int | None
    fits: bool

    def explain(self, context_tokens: float) -> str:
        """The arithmetic, in one line."""
        gpus = f"{self.gpus} GPU{'s' if self.gpus != 1 else ''}"
        head = (
            f"{gpus}: usable {self.usable_gb:,.1f} GB (× {1 - RUNTIME_MARGIN:.2f}), weights "
            f"{self.weights_gb:,.1f} GB ({self.precision})"
        )
        if self.kv_bytes_per_sequence is None:
            return f"{head}; KV cache per token unknown (architecture not in the catalogue)"
        per_seq = self.kv_bytes_per_sequence / 1e9
        free = self.usable_gb - self.weights_gb
        return (
            f"{head}, KV {per_seq:.4g} GB per sequence at {context_tokens:,.0f} tokens: "
            f"max concurrency ⌊{free:,.1f} / {per_seq:.4g}⌋ = {self.max_concurrency:,}"
            + ("" if self.fits else f" < {MIN_CONCURRENCY}: does not fit")
        )


def bytes_per_param(precision: str) -> float:
    return BYTES_PER_PARAM.get(precision.lower(), 2.0)


def kv_bytes_per_sequence(card: ModelCard, context_tokens: float) -> float | None:
    """KV-cache bytes of one sequence holding `context_tokens` tokens (see the module docstring)."""
    per_layer = card.kv_elements_per_layer_token
    if per_layer is None or card.layers is None:
        return None
    window = card.sliding_window_tokens
    swa = card.sliding_window_layers or 0
    linear = card.linear_attention_layers or 0
    full = card.layers - swa - linear
    tokens = full * context_tokens + swa * min(context_tokens, window or context_tokens)
    return per_layer * tokens * KV_BYTES


def memory_fit(
    *,
    total_params_b: float,
    kv_bytes_per_token: float | None,
    gpu_memory_gib: float,
    gpus: int,
    precision: str,
    context_tokens: float,
    kv_bytes_per_seq: float | None = None,
) -> MemoryFit:
    """Fit on `gpus` GPUs; give `kv_bytes_per_token` (full attention) or `kv_bytes_per_seq` directly."""
    weights = total_params_b * 1e9 * bytes_per_param(precision)
    usable = gpus * gpu_memory_gib * 2**30 * (1 - RUNTIME_MARGIN)
    per_seq = (
        kv_bytes_per_seq
        if kv_bytes_per_seq is not None
        else (kv_bytes_per_token * context_tokens if kv_bytes_per_token is not None else None)
    )
    if per_seq is None:
        return MemoryFit(gpus, precision, weights / 1e9, None, usable / 1e9, None, weights < usable)
    max_conc = max(0, math.floor((usable - weights) / per_seq)) if per_seq > 0 else None
    fits = max_conc is None or max_conc >= MIN_CONCURRENCY
    return MemoryFit(gpus, precision, weights / 1e9, per_seq, usable / 1e9, max_conc, fits)


def card_fit(card: ModelCard, gpu_memory_gib: float, gpus: int, precision: str, context_tokens: float) -> MemoryFit:
    if card.total_params_b is None:
        raise ValueError(f"{card.id}: total parameters unknown")
    return memory_fit(
        total_params_b=card.total_params_b,
        kv_bytes_per_token=None,
        gpu_memory_gib=gpu_memory_gib,
        gpus=gpus,
        precision=precision,
        context_tokens=context_tokens,
        kv_bytes_per_seq=kv_bytes_per_sequence(card, context_tokens),
    )
