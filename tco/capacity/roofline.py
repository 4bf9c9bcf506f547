"""Capacity with no profile: a physical model of one replica, and the ceiling no measurement can beat.

Estimate (labelled *estimated*): the coefficients of `perf_model`'s equation (1) from the hardware,
for `n` GPUs with peak F FLOP/s (fp8 where the GPU and the precision have it) and bandwidth B bytes/s each:

    π = 2·N_active / (n·F·η_c)          prefill: two FLOPs per active parameter per token
    b = 2·N_active / (n·F·η_c)          decode compute per token
    g = kv_bytes(L) / L / (n·B·η_m)     decode reads every cached token's K and V (sliding windows counted)
    a = W / (n·B·η_m) + t_comm          one decode step reads the weights W; with tensor parallelism each
                                        step also pays 2 all-reduces per layer of ALLREDUCE_S each, and
                                        across nodes 2 hops per layer (`tco.capacity.layout`)

η_c and η_m (compute and memory efficiency) come from a `Calibration` fitted on published sweeps
(`tco.capacity.calibration`, printed by bench/capacity.py): SERVING on the bundled interactive sweeps (latency
under a known load, what an SLO allows; vLLM at concurrency 4–64 runs prefill at ~3 % of peak FLOPs there) and
checked on one-level MLPerf Server points from other engines and GPUs, OFFLINE on NVIDIA's max-throughput tables
(TensorRT-LLM at thousands of sequences). Each states the 80th percentile of its held-out errors. A class
with a latency bound uses SERVING, a batch class OFFLINE. Latency follows the closed loop the benchmarks run:
with X = 1/τ(c),

    ITL p50 = a + c·(b + g·L)                          a decode step (prefill chunks ride in the tail)
    ITL mean = ITL p50 / (1 − X·π·I_u)                 stretched by the prefills between steps
    TTFT = max(a + π·I_u, c·τ(c) − (O − 1)·ITL mean)   prefill, or the queue when E2E (Little) exceeds decode

so a TTFT bound binds once the queue forms (`tco.capacity.closed_loop`). The batch is capped by `memory_fit` and,
for SERVING, by the highest concurrency its sweeps measured (`Calibration.max_concurrency`, 64): the roofline's TTFT
has no engine overhead and its ITL no prefill interference, so beyond the loads it was checked at a latency bound
never binds and X* would run on to the memory limit (MiniMax-M2.5 DEP8 held out: c ≈ 2,000, 18 req/s against a
measured 2.3–4.0). Capped, bench/capacity.py's "no profile, X* at an SLO" went from median 15.6 %, worst 355 % to
12.4 %, 261 %. Percentile ratios are ESTIMATE_PERCENTILE_RATIOS (estimates, stated) but for the ITL's, which each
calibration fits on its own sweeps (`Calibration.itl_tail_ratios`), and the lean engines' TTFT tails, the closed
loop's TTFT at wave shares of their own (`Calibration.ttft_tail_waves`).

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

import dataclasses
from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from tco.capacity.fitting import FitHints
from tco.capacity.layout import internode_step_s, layout_for
from tco.capacity.memory_fit import bytes_per_param, card_fit, kv_bytes_per_sequence
from tco.capacity.perf_model import PerfModel
from tco.capacity.prefill_efficiency import one_input_wait_share, prefill_efficiency
from tco.capacity.roofline_calibrations import SERVING, Calibration, percentile_ratios, serving_calibration
from tco.capacity.shapes import Shape

ALLREDUCE_S = 10e-6
"""Latency of one small all-reduce over NVLink (NCCL, 8 GPUs; an estimate)."""


@dataclass(frozen=True)
class Hardware:
    flop_s: float
    """Peak dense FLOP/s of one GPU at the precision used."""
    bytes_s: float
    memory_gib: float


FP4_FORMATS = ("fp4", "nvfp4", "mxfp4")
"""Weight formats whose matrix products run on FP4 tensor cores (int4 weight-only runs at 16 bits)."""


def hardware(gpu: GpuType, precision: str) -> Hardware:
    width = bytes_per_param(precision)
    tflops = gpu.bf16_tflop_s
    if width <= 1.0 and gpu.fp8_tflop_s is not None:
        tflops = gpu.fp8_tflop_s
    if precision.lower() in FP4_FORMATS and gpu.fp4_tflop_s is not None:  # on FP4 units where the GPU has them
        tflops = gpu.fp4_tflop_s
    return Hardware(tflops * 1e12, gpu.memory_bandwidth_tb_s * 1e12, gpu.memory_gib)


def prefill_s_per_token(
    card: ModelCard | None, gpu: GpuType | None, gpus: int, precision: str | None, calibration: Calibration = SERVING
) -> float | None:
    """π = 2·N_active / (n·F·η_c): the calibrated prefill seconds per uncached input token; None when unknown.

    >>> import datetime as dt
    >>> from models.catalog import ModelCard
    >>> from pricing.gpus import GpuType
    >>> card = ModelCard(id="m", name="m", family="x", vendor="x", open_weights=True, license="x", context_tokens=None,
    ...     as_of=dt.date(2025, 1, 1), quality=(), api=(), total_params_b=40, active_params_b=40)
    >>> h200 = GpuType(id="H200", name="H200", memory_gib=141, memory_bandwidth_tb_s=4.8, bf16_tflop_s=989,
    ...     fp8_tflop_s=1979, tdp_w=700, spec_source="x", spec_as_of=dt.date(2026, 1, 1), offers=(), purchase=None)
    >>> round(prefill_s_per_token(card, h200, 8, "fp8") * 1e6, 1)  # 8e10 / (8 × 1.979e15 × 0.028) s
    180.5
    """
    if card is None or gpu is None or precision is None or card.active_params_b is None:
        return None
    return 2 * card.active_params_b * 1e9 / (gpus * hardware(gpu, precision).flop_s * calibration.compute)


def fit_hints(
    card: ModelCard | None,
    gpu: GpuType | None,
    gpus: int,
    precision: str | None,
    context_tokens: float,
    engine: str | None = None,
) -> FitHints:
    """What the hardware and the card tell a profile's fit (`fitting.FitHints`): the calibrated prefill seconds
    per token (at the engine's prefill efficiency where measured: `tco.capacity.prefill_efficiency`), and the
    context cost g = kv_bytes_per_token(L) / (n·B·η_m) at `context_tokens`, SERVING's memory efficiency. Without
    the card's KV shape, no g (the fit then ties g to b). With them, also the engine's calibrated roofline
    (`serving_calibration`), whose decode shape a sweep is fitted in where its levels cannot split the decode
    (`tco.capacity.throughput_fit._roofline_shaped`: one concurrency, or two or three shapes).

    DeepSeek-R1 (MLA, 61 layers × 576 values × 2 bytes = 70,272 KV bytes a token) on 8 × H200 (4.8 TB/s):
    70,272 / (8 × 4.8e12 × 0.564) = 3.24 ns per output token per context token, so at 8k context KV reads add
    about 27 µs to each output token.

    >>> round(70_272 / (8 * 4.8e12 * SERVING.memory) * 1e9, 2)
    3.24
    """
    measured = prefill_efficiency(engine, gpu.id if gpu else None)
    calibration = SERVING if measured is None else dataclasses.replace(SERVING, compute=measured)
    prefill = prefill_s_per_token(card, gpu, gpus, precision, calibration)
    wait_share = one_input_wait_share(engine)
    if card is None or gpu is None or precision is None or card.active_params_b is None or context_tokens <= 0:
        return FitHints(prefill, one_input_wait_share=wait_share)
    kv = kv_bytes_per_sequence(card, context_tokens)
    if not kv:
        return FitHints(prefill, one_input_wait_share=wait_share)
    hw = hardware(gpu, precision)
    decode = physical_model(
        card, hw, gpus, precision, Shape(context_tokens, 0.0), None, serving_calibration(engine, gpu.id)
    )
    return FitHints(
        prefill,
        context_s_per_token=kv / context_tokens / (gpus * hw.bytes_s * SERVING.memory),
        one_input_wait_share=wait_share,
        decode=decode,
    )


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
    calibration: Calibration = SERVING,
) -> PerfModel | None:
    """Equation (1)'s coefficients from the hardware for requests of `shape`; None if the architecture is unknown. The
    batch is at most `max_concurrency` (the memory fit) and the calibration's own `max_concurrency`, the smaller;
    with no memory fit there is no batch, and no latency.

    >>> import datetime as dt
    >>> card = ModelCard(id="dense-8b", name="8B", family="x", vendor="x", open_weights=True, license="x",
    ...     context_tokens=131072, as_of=dt.date(2025, 1, 1), quality=(), api=(), total_params_b=8, active_params_b=8,
    ...     layers=32, kv_heads=8, head_dim=128)
    >>> h200 = Hardware(1979e12, 4.8e12, 141)
    >>> physical_model(card, h200, 1, "fp8", Shape(1000, 1000), 729).max_concurrency  # SERVING: min(729, 64)
    64.0
    >>> from tco.capacity.roofline_calibrations import OFFLINE
    >>> physical_model(card, h200, 1, "fp8", Shape(1000, 1000), 729, OFFLINE).max_concurrency  # no cap
    729.0
    """
    kv_seq = kv_bytes_per_sequence(card, shape.mean_context_tokens)
    if not _known(card) or kv_seq is None:
        return None
    assert card.active_params_b is not None and card.total_params_b is not None
    flops = gpus * hw.flop_s * calibration.compute
    bandwidth = gpus * hw.bytes_s * calibration.memory
    per_token = 2 * card.active_params_b * 1e9 / flops
    weights = card.total_params_b * 1e9 * bytes_per_param(precision)
    comm = (2 * (card.layers or 0) * ALLREDUCE_S if gpus > 1 else 0.0) + internode_step_s(
        card.layers, layout_for(card, gpus).nodes
    )
    routed = card.routed_expert_params_b if calibration.reads_touched_experts else None
    experts = routed * 1e9 * bytes_per_param(precision) if routed else 0.0
    step = (weights - experts) / bandwidth
    overhead = max(comm, calibration.step_overhead_s)
    limit = None  # no memory fit (the model does not fit, or its size is unknown): no batch, no latency
    if max_concurrency:
        limit = min(float(max_concurrency), calibration.max_concurrency or float("inf"))
    return PerfModel(
        coefficients=(per_token, per_token, kv_seq / shape.mean_context_tokens / bandwidth, step),
        percentile_ratios=percentile_ratios(calibration),
        max_concurrency=limit,
        shapes=(shape,),
        expected_error=calibration.error,
        expected_slo_error=max(calibration.error, calibration.slo_error),
        error_basis=f"roofline at compute efficiency {calibration.compute:g} and memory efficiency "
        f"{calibration.memory:g}, calibrated on {calibration.basis}"
        + (
            f"; loads searched up to concurrency {calibration.max_concurrency:g}, the most its sweeps measured"
            if calibration.max_concurrency
            else ""
        ),
        physical_latency=True,
        ttft_wave_share=calibration.ttft_wave_share,
        ttft_tail_waves=calibration.ttft_tail_waves,
        step_overhead_s=overhead,
        expert_step_s=experts / bandwidth,
        expert_route_share=(card.experts_per_token or 0) / (card.routed_experts or 1) if experts else 0.0,
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


def estimated_model(
    card: ModelCard, gpu: GpuType, gpus: int, precision: str, shape: Shape, calibration: Calibration = SERVING
) -> PerfModel | None:
    """The calibrated physical model with its batch capped by the memory fit."""
    if not _known(card):
        return None
    fit = card_fit(card, gpu.memory_gib, gpus, precision, shape.mean_context_tokens)
    return physical_model(card, hardware(gpu, precision), gpus, precision, shape, fit.max_concurrency, calibration)
