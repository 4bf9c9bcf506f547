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
from tco.capacity.prefill_efficiency import amd_cdna4, amd_gpu, lean_engine, one_input_wait_share, prefill_efficiency
from tco.capacity.shapes import Shape
from tco.records.scenario import RequestClass, Slo


@dataclass(frozen=True)
class Calibration:
    """Efficiencies of the physical model, fitted on published sweeps (`tco.capacity.calibration`)."""

    compute: float
    """η_c: achieved / peak FLOP/s of prefill and decode compute."""
    memory: float
    """η_m: achieved / peak bandwidth of weight and KV reads."""
    error: float
    """The error 80 % of leave-one-configuration-out levels stay within."""
    basis: str
    step_overhead_s: float = 0.0
    """Seconds every decode step costs beside its reads (kernel launches, collectives, the scheduler)."""
    reads_touched_experts: bool = False
    """A decode step reads only the routed experts its batch touches (SGLang, TensorRT-LLM, ATOM), not every weight
    (vLLM as InferenceX's sweeps measured it): `PerfModel.step_s`."""
    max_concurrency: float | None = None
    """The highest concurrency the fitted sweeps measured (None: no cap, offline figures): the roofline's batch, and so
    the search for X* at an SLO, stops there, since its latency was never checked beyond it."""
    ttft_wave_share: float = 0.0
    """w: the share of the other in-flight requests' prefills a new request's TTFT waits behind
    (`tco.capacity.closed_loop`), fitted on the same sweeps' TTFT p50 (`tco.capacity.calibration.fit_wave_share`)."""
    ttft_tail_waves: tuple[tuple[str, float], ...] = ()
    """(percentile, w): TTFT p90 and p99 as the closed loop's TTFT with a wave share of their own, fitted on the
    calibration's sweeps' tails (`tco.capacity.calibration.fit_ttft_tail_waves`); a percentile not here is the p50
    times ESTIMATE_PERCENTILE_RATIOS'."""
    itl_tail_ratios: tuple[tuple[str, float], ...] = ()
    """(percentile, ITL p90 or p99 over p50) on the calibration's own sweeps (`tco.capacity.calibration.fit_itl_tails`);
    a percentile not here takes ESTIMATE_PERCENTILE_RATIOS'. A decode step's tail is the engine's: vLLM's chunked
    prefills stretch some steps (p99 1.67× the p50 on the bundled sweeps), the lean engines' steps hardly vary
    (1.02–1.10×)."""
    slo_error: float = 0.0
    """The error stated for the roofline's X* under latency bounds, at least `error`: the 80 % split-conformal bound of
    bench/capacity.py's "no profile, X* at an SLO" cases for the sweeps this calibration was fitted on (the factor
    to the bracket the measured levels allow). An SLO adds the latency model's error to the throughput's."""


SERVING = Calibration(
    compute=0.028,
    memory=0.564,
    error=0.64,
    step_overhead_s=0.0075,
    max_concurrency=64.0,
    itl_tail_ratios=(("p99", 1.67),),
    slo_error=0.63,
    basis="InferenceX's interactive vLLM sweeps on 8 x H200 (GLM-5, MiniMax-M2.5 x 2, Qwen3.5), checked on MLPerf "
    "v6.0 Server results (DeepSeek-R1, gpt-oss-120b; TensorRT-LLM and vLLM on B200, H200, MI355X)",
)
LEAN_NVIDIA = Calibration(
    compute=0.141,
    memory=0.502,
    error=0.27,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.65,
    ttft_tail_waves=(("p90", 1.5), ("p99", 2.8)),
    itl_tail_ratios=(("p90", 1.02), ("p99", 1.04)),
    slo_error=1.0,
    basis="InferenceX's interactive SGLang and TensorRT-LLM sweeps of DeepSeek-R1-0528 on H200, B200 and B300 (23 "
    "deployments without speculative decoding, runs of 2025-10 to 2026-06; figures read from the published records, "
    "bench/capacity.py --extra)",
)
LEAN_CDNA3 = Calibration(
    compute=0.063,
    memory=0.356,
    error=0.93,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.05,
    ttft_tail_waves=(("p90", 0.65), ("p99", 2.1)),
    itl_tail_ratios=(("p90", 1.1), ("p99", 1.1)),
    slo_error=1.0,
    basis="InferenceX's interactive SGLang sweeps of DeepSeek-R1-0528 on MI300X and MI325X (AMD CDNA 3, 2 "
    "deployments without speculative decoding; η_c from all 8 AMD deployments; figures read from the published "
    "records, bench/capacity.py --extra)",
)
LEAN_CDNA4 = Calibration(
    compute=0.063,
    memory=0.632,
    error=0.93,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.1,
    ttft_tail_waves=(("p90", 0.35), ("p99", 2.35)),
    itl_tail_ratios=(("p90", 1.02), ("p99", 1.02)),
    slo_error=0.69,
    basis="InferenceX's interactive SGLang and ATOM sweeps of DeepSeek-R1-0528 on MI355X (AMD CDNA 4, 6 deployments "
    "without speculative decoding; η_c from all 8 AMD deployments; figures read from the published records, "
    "bench/capacity.py --extra)",
)
LEAN_CALIBRATIONS = {"LEAN_NVIDIA": LEAN_NVIDIA, "LEAN_CDNA3": LEAN_CDNA3, "LEAN_CDNA4": LEAN_CDNA4}
"""The lean engines' calibrations by name, as bench/capacity.py prints their fits."""
PEAK = Calibration(compute=1.0, memory=1.0, error=0.0, basis="peak figures")
"""No derating: ratios between two configurations (tco.capacity.transfer) and the plausibility ceiling."""
OFFLINE = Calibration(
    compute=0.1,
    memory=1.125,
    error=2.40,
    basis="NVIDIA TensorRT-LLM max-throughput tables (Llama 3.3 70B, gpt-oss-120b, Qwen3-235B, DeepSeek-R1)",
)
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


def percentile_ratios(calibration: Calibration) -> tuple[tuple[str, str, float], ...]:
    """ESTIMATE_PERCENTILE_RATIOS with the calibration's own ITL tails where it has them, in order: an estimated p90
    above the calibration's own p99 is lowered to it, an estimated p99 below its own p90 raised to it (a tail is never
    below a lower percentile: `PerfModel.latency`).

    >>> lean = Calibration(0.1, 0.5, 0.2, "x", itl_tail_ratios=(("p99", 1.08),))
    >>> [(p, r) for m, p, r in percentile_ratios(lean) if m == "itl_s"]
    [('p90', 1.08), ('p99', 1.08)]
    >>> [(p, r) for m, p, r in percentile_ratios(Calibration(0.1, 0.5, 0.2, "x", itl_tail_ratios=(("p90", 1.7),)))
    ...  if m == "itl_s"]
    [('p90', 1.7), ('p99', 1.7)]
    """
    estimated = {p: r for m, p, r in ESTIMATE_PERCENTILE_RATIOS if m == "itl_s"}
    own = dict(calibration.itl_tail_ratios)
    p90, p99 = own.get("p90", estimated["p90"]), own.get("p99", estimated["p99"])
    if "p99" in own:
        p90 = min(p90, p99)
    itl = {"p90": p90, "p99": max(p90, p99)}
    return tuple((m, p, itl[p] if m == "itl_s" else r) for m, p, r in ESTIMATE_PERCENTILE_RATIOS)


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


def serving_calibration(engine: str | None, gpu_id: str | None) -> Calibration:
    """The interactive calibration for `engine` on `gpu_id`: SGLang, TensorRT-LLM and ATOM read only the routed
    experts a batch touches (LEAN_NVIDIA; on AMD by generation, LEAN_CDNA3 for MI300X and MI325X, LEAN_CDNA4 for
    MI350X, MI355X and later); vLLM, and an engine not named, SERVING.

    Held out configuration by configuration (bench/capacity.py), each calibration's fit against the other: SGLang and
    TensorRT-LLM on NVIDIA, 19 deployments on H200 and B200: touched experts 23 % at the 80th percentile (η_c 0.16,
    η_m 0.63), every weight read 62 % (η_m 1.78, beyond the bandwidth); with B300 on the GPU sheet, 23
    deployments: touched experts 27 % (η_c 0.141, η_m 0.502, the figures LEAN_NVIDIA holds). vLLM's four sweeps
    the other way: every weight 64 %, touched 70 %. On AMD (8 deployments, SGLang and ATOM) both stay wide with one
    calibration (80th percentile of the held-out errors 116 % and 145 %); CDNA 3 decodes at a lower share of its
    bandwidth than CDNA 4 (η_m 0.356 against 0.632, each generation fitted on its own sweeps at the vendor's η_c
    0.063): split so, each generation's 80th percentile is 93 %, and the worst no-profile req/s error on InferenceX's
    records fell from 116 % to 100.5 % (README, "How true it is"). NVIDIA split into Hopper and Blackwell
    the same way did not move (80th percentile 24 % → 23–29 %), so it keeps one.

    >>> serving_calibration("sglang", "H200") is LEAN_NVIDIA, serving_calibration("atom", "MI355X") is LEAN_CDNA4
    (True, True)
    >>> serving_calibration("sglang", "MI300X") is LEAN_CDNA3
    True
    >>> serving_calibration("vllm", "H200") is SERVING, serving_calibration(None, "B200") is SERVING
    (True, True)
    """
    if not gpu_id or not lean_engine(engine):
        return SERVING
    if not amd_gpu(gpu_id):
        return LEAN_NVIDIA
    return LEAN_CDNA4 if amd_cdna4(gpu_id) else LEAN_CDNA3


def calibration_for(cls: RequestClass, slo: Slo, engine: str | None = None, gpu_id: str | None = None) -> Calibration:
    """The engine's serving calibration (`serving_calibration`) for a class held to a latency bound (the concurrency
    it allows is low), OFFLINE for batch work."""
    return serving_calibration(engine, gpu_id) if slo.bounds() and cls.batch_share < 1 else OFFLINE


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
