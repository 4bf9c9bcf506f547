"""Capacity with no profile: a physical model of one replica, and the ceiling no measurement can beat.

Estimate (labelled *estimated*): the coefficients of `perf_model`'s equation (1) from the hardware,
for `n` GPUs with peak F FLOP/s (fp8 where the GPU and the precision have it) and bandwidth B bytes/s each:

    π = 2·N_active / (n·F·η)            prefill: two FLOPs per active parameter per token, compute-bound
    b = 2·N_active / (n·F·η)            decode compute per token
    g = kv_bytes(L) / L / (n·B·η)       decode reads every cached token's K and V (sliding windows counted)
    a = W / (n·B·η) + t_comm            one decode step reads the weights W; with tensor parallelism each
                                        step also pays 2 all-reduces per layer of ALLREDUCE_S each

η = EFFICIENCY is one factor calibrated on the bundled published profiles (NVIDIA's trtllm-bench
tables for gpt-oss-120b on H100 and H200, Llama 3.3 70B and Qwen3-235B on H200): the median of measured /
physical throughput at each level's shape and memory-limited batch. `bench/capacity_prediction_error.py` prints the
calibration: 15 levels, η = 0.67 (measured/physical ranges 0.19–1.16; the sum of compute and memory
time overstates a step that overlaps them, hence ratios above 1), median error ESTIMATE_ERROR.
The batch is capped by `memory_fit`; TTFT is one step plus the prefill; percentile ratios are
ESTIMATE_PERCENTILE_RATIOS (estimates, stated).

Ceiling (plausibility): the GPU time of one request can be no less than its compute or its memory
traffic at full peak, τ_min = max(2·N_active·(I_u + O)/(n·F), O·(min(W, W_active·c)/c + kv_bytes(L))/(n·B)),
with c the most sequences that fit in all of the GPUs' memory. A level measured above 1/τ_min is
implausible (wrong GPU count, wrong model, or a cached benchmark).

Worked example: a dense 8B model at fp8 on one H200 (1,979 TFLOP/s, 4.8 TB/s, 141 GiB), 1,000 in /
1,000 out: weights 8 GB; KV 32 layers × 2 × 8 × 128 × 2 B = 131,072 B per token, × 1,500 tokens = 0.197 GB
per sequence; (151.4 − 8) / 0.197 = 729 sequences fit. Compute 2 × 8e9 × 2,000 / 1.979e15 = 0.0162 s;
memory 1,000 × (8e9 / 729 + 0.197e9) / 4.8e12 = 0.0432 s; ceiling 1 / 0.0432 = 23.1 req/s.

>>> from models.catalog import ModelCard
>>> import datetime as dt
>>> card = ModelCard(id="dense-8b", name="8B", family="x", vendor="x", open_weights=True, license="x",
...     context_tokens=131072, as_of=dt.date(2025, 1, 1), quality=(), api=(), total_params_b=8, active_params_b=8,
...     layers=32, kv_heads=8, head_dim=128)
>>> round(ceiling_req_per_s(card, 1979e12, 4.8e12, 141, 1, "fp8", Shape(1000, 1000), None), 2)
23.12
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.catalog import ModelCard, ModelCatalog
from pricing.gpus import GpuSheet, GpuType
from profiling.schema import Profile
from tco.capacity.memory_fit import bytes_per_param, card_fit, kv_bytes_per_sequence
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape

EFFICIENCY = 0.67
ESTIMATE_ERROR = 0.36
"""Median |measured / estimated − 1| over the calibration levels (bench/capacity_prediction_error.py)."""
ALLREDUCE_S = 10e-6
"""Latency of one small all-reduce over NVLink (NCCL, 8 GPUs; an estimate)."""
ESTIMATE_PERCENTILE_RATIOS = (
    ("ttft_s", "p90", 1.6),
    ("ttft_s", "p99", 2.5),
    ("itl_s", "p90", 1.2),
    ("itl_s", "p99", 1.5),
    ("e2e_s", "p90", 1.2),
    ("e2e_s", "p99", 1.4),
)


@dataclass(frozen=True)
class Hardware:
    flop_s: float
    """Peak dense FLOP/s of one GPU at the precision used."""
    bytes_s: float
    memory_gib: float


def hardware(gpu: GpuType, precision: str) -> Hardware:
    use_fp8 = bytes_per_param(precision) <= 1.0 and gpu.fp8_tflop_s is not None
    tflops = gpu.fp8_tflop_s if use_fp8 and gpu.fp8_tflop_s else gpu.bf16_tflop_s
    return Hardware(tflops * 1e12, gpu.memory_bandwidth_tb_s * 1e12, gpu.memory_gib)


def default_precision(gpu: GpuType) -> str:
    return "fp8" if gpu.fp8_tflop_s else "bf16"


def _known(card: ModelCard) -> bool:
    return card.total_params_b is not None and card.active_params_b is not None


def physical_model(
    card: ModelCard,
    hw: Hardware,
    gpus: int,
    precision: str,
    shape: Shape,
    max_concurrency: int | None,
    efficiency: float = EFFICIENCY,
) -> PerfModel | None:
    """Equation (1)'s coefficients from the hardware for requests of `shape`; None if the architecture is unknown."""
    kv_seq = kv_bytes_per_sequence(card, shape.mean_context_tokens)
    if not _known(card) or kv_seq is None:
        return None
    assert card.active_params_b is not None and card.total_params_b is not None
    flops = gpus * hw.flop_s * efficiency
    bandwidth = gpus * hw.bytes_s * efficiency
    per_token = 2 * card.active_params_b * 1e9 / flops
    weights = card.total_params_b * 1e9 * bytes_per_param(precision)
    comm = 2 * (card.layers or 0) * ALLREDUCE_S if gpus > 1 else 0.0
    step = weights / bandwidth + comm
    return PerfModel(
        coefficients=(per_token, per_token, kv_seq / shape.mean_context_tokens / bandwidth, step),
        ttft_coefficients=(step, per_token, 0.0, 0.0),
        percentile_ratios=ESTIMATE_PERCENTILE_RATIOS,
        max_concurrency=float(max_concurrency) if max_concurrency else None,
        shapes=(shape,),
        expected_error=ESTIMATE_ERROR,
        error_basis=f"roofline with efficiency {efficiency} calibrated on published profiles",
    )


def ceiling_req_per_s(
    card: ModelCard,
    flop_s: float,
    bytes_s: float,
    memory_gib: float,
    gpus: int,
    precision: str,
    shape: Shape,
    concurrency: float | None,
) -> float | None:
    """Physical upper bound on requests/s at `shape` (module docstring); None if the architecture is unknown."""
    kv_seq = kv_bytes_per_sequence(card, shape.mean_context_tokens)
    if not _known(card) or kv_seq is None:
        return None
    assert card.active_params_b is not None and card.total_params_b is not None
    bpp = bytes_per_param(precision)
    weights = card.total_params_b * 1e9 * bpp
    free = gpus * memory_gib * 2**30 - weights
    if free <= kv_seq:
        return None
    batch = free / kv_seq if concurrency is None else min(concurrency, free / kv_seq)
    weights_read = min(weights, card.active_params_b * 1e9 * bpp * batch)
    compute_s = 2 * card.active_params_b * 1e9 * (shape.uncached_input_tokens + shape.output_tokens) / (gpus * flop_s)
    memory_s = shape.output_tokens * (weights_read / batch + kv_seq) / (gpus * bytes_s)
    return 1.0 / max(compute_s, memory_s)


def gpu_ceiling(
    card: ModelCard, gpu: GpuType, gpus: int, precision: str, shape: Shape, concurrency: float | None
) -> float | None:
    hw = hardware(gpu, precision)
    return ceiling_req_per_s(card, hw.flop_s, hw.bytes_s, hw.memory_gib, gpus, precision, shape, concurrency)


def estimated_model(card: ModelCard, gpu: GpuType, gpus: int, precision: str, shape: Shape) -> PerfModel | None:
    """The calibrated physical model with its batch capped by the memory fit."""
    if not _known(card):
        return None
    fit = card_fit(card, gpu.memory_gib, gpus, precision, shape.mean_context_tokens)
    return physical_model(card, hardware(gpu, precision), gpus, precision, shape, fit.max_concurrency)


def calibration_ratios(profiles: Sequence[Profile], cards: ModelCatalog, sheet: GpuSheet) -> list[float]:
    """Measured / physical (η = 1) req/s for every level of `profiles` whose model and GPU are catalogued,
    at the level's shape and load (offline levels: the memory-limited batch). EFFICIENCY is their median."""
    ratios = []
    for profile in profiles:
        card = cards.find(profile.meta.model)
        gpu = next((g for g in sheet.gpus if g.id.lower() == profile.meta.gpu.lower()), None)
        if card is None or gpu is None or not _known(card):
            continue
        gpus = profile.meta.gpu_count
        precision = profile.meta.precision or default_precision(gpu)
        for level in profile.levels:
            shape = Shape(level.input_tokens, level.output_tokens, profile.meta.cached_input_share)
            fit = card_fit(card, gpu.memory_gib, gpus, precision, shape.mean_context_tokens)
            model = physical_model(card, hardware(gpu, precision), gpus, precision, shape, fit.max_concurrency, 1.0)
            if model is None or not fit.max_concurrency:
                continue
            load = min(level.concurrency or fit.max_concurrency, fit.max_concurrency)
            ratios.append(level.req_per_s / model.req_per_s(shape, load))
    return ratios
