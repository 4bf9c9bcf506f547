"""Capacity for a configuration nobody measured, from the nearest one somebody did (labelled *transferred*).

Before falling back to the roofline, a self-hosted option without a profile borrows the fitted model of the nearest
bundled measurement and scales it by physics: the same model on another GPU first, else, for batch work only, a
sibling architecture (same kind, MoE or dense, within `MAX_SIZE_RATIO` in active and total parameters); then by
loads measured, engine, GPU and precision (`rank_sources`). Under a latency bound a sibling's transfer measured
further from the truth than the calibrated roofline (`tco.capacity.replica_capacity`).

Each coefficient of `perf_model`'s equation (1) is multiplied by the ratio of
the roofline's coefficients (`roofline.physical_model`, efficiency cancels) for target over source:

    π, b  × (N_active,t / (n_t·F_t)) / (N_active,s / (n_s·F_s))        prefill and decode compute: FLOPs
    g     × (kv_t(L)/(n_t·B_t)) / (kv_s(L)/(n_s·B_s))                  KV reads: bytes per token over bandwidth
    a     × (W_t/(n_t·B_t) + comm_t) / (W_s/(n_s·B_s) + comm_s)        one decode step reads the weights

The TTFT fit's constant scales like `a` and its per-token terms like π, and so do the TTFT tails' fits (p90/p99 in
the p50's form, growing with load as the source's did; dropped before 2026-12-04, which left a tail at the source's
mean p99/p50 ratio even at one request in flight: on InferenceX's DeepSeek-R1 records transferred among themselves,
X* at an SLO median error 100 % → 58 %, 28 % → 31 % right; bench/capacity.py); other tail shapes are the source's
ratios; a target that spans more nodes adds the inter-node cost of each step (`tco.capacity.layout`). The search
stays within the source's measured concurrencies and the target's memory fit. The measured error of the method
is `SAME_MODEL_ERROR` or `SIBLING_ERROR` (bench/capacity.py, leave-one-configuration-out).

Worked example: gpt-oss-120b measured on 1 × H200 (4.8 TB/s, 1,979 fp8 TFLOP/s) moved to 1 × B200 (8 TB/s,
4,500 fp8 TFLOP/s): compute terms × 1,979/4,500 = 0.44, weight and KV reads × 4.8/8 = 0.6.

>>> round(1979 / 4500, 2), 4.8 / 8
(0.44, 0.6)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from tco.capacity.at_slo import Capacity, extrapolation_floor, outside_measured, workload_shape
from tco.capacity.calibration import is_interactive
from tco.capacity.fitting import fit_profile
from tco.capacity.layout import is_moe
from tco.capacity.memory_fit import card_fit
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import default_precision, hardware, physical_model
from tco.capacity.roofline_calibrations import PEAK
from tco.capacity.shapes import Shape
from tco.capacity.slo_search import search_with_error
from tco.capacity.speculative import speculating, tokens_per_step
from tco.records.inputs import ReferenceProfile
from tco.records.scenario import RequestClass, Slo

SAME_MODEL_ERROR = 0.46
"""Error 80 % of leave-one-configuration-out transfers of the same model to another GPU, GPU count, precision or
engine stay within, as a split-conformal bound (`fitting.covering`; bench/capacity.py, 2026-12-04): 27 % on the
65 bundled cases (NVIDIA's tables, the bundled sweeps and MLPerf points, nearly all one engine), 53 % on 174 cases of
InferenceX's DeepSeek-R1 records (SGLang, TensorRT-LLM and ATOM on five GPUs), 46 % on both. Set from both: the
bundled cases alone would state 27 % where a user's engine differs from the source's, and cover 59 % there."""
SIBLING_ERROR = 0.40
"""The same for a sibling architecture: 40 % on 172 bundled cases (bench/capacity.py, 2026-12-04)."""
ENGINE_FAMILIES = {
    "tensorrt-llm": r"\btrt|tensorrt",
    "sglang": r"sglang",
    "vllm": r"vllm",
    "atom": r"\batom\b",
    "tgi": r"\btgi\b|text-generation-inference",
    "llama.cpp": r"llama[.]cpp",
    "lmdeploy": r"lmdeploy",
}
"""Engine families by the pattern a profile's `engine` text names them with."""
MIN_CONCURRENCIES = 3
"""Loads (distinct concurrencies) a source needs to rank before one measured at fewer: two points cannot separate
a decode step's cost from its tokens' and fix the tails."""
MAX_SIZE_RATIO = 4.0
"""A sibling architecture is at most this many times larger or smaller in active and in total parameters."""


@dataclass(frozen=True)
class Transfer:
    model: PerfModel
    source: ReferenceProfile
    relation: str
    """'same model', 'sibling architecture' (words shown to the user)."""

    def label(self) -> str:
        meta = self.source.profile.meta
        name = re.sub(r"[.](ya?ml|json)$", "", re.split(r"[\\/]", self.source.name)[-1])
        return f"the profile {name} ({meta.model} on {meta.gpu_count} x {self.source.gpu.id}, {self.relation})"


def _size_distance(a: ModelCard, b: ModelCard) -> float | None:
    sizes_known = a.total_params_b and a.active_params_b and b.total_params_b and b.active_params_b
    if not sizes_known or is_moe(a) != is_moe(b):
        return None
    distance = abs(math.log(a.active_params_b / b.active_params_b)) + abs(math.log(a.total_params_b / b.total_params_b))
    return distance if distance <= 2 * math.log(MAX_SIZE_RATIO) else None


def gpu_family(gpu: GpuType) -> str:
    """'amd' (Instinct MI…) or 'nvidia': a transfer within a family shares the software stack's habits."""
    return "amd" if gpu.id.upper().startswith("MI") else "nvidia"


def engine_family(engine: str | None) -> str | None:
    """The serving engine a profile's free-text engine names, lower case ("trt" and "TensorRT-LLM" are one), None
    when it names none or more than one.

    >>> engine_family("TensorRT-LLM 1.2"), engine_family("trt"), engine_family("sglang or vllm"), engine_family(None)
    ('tensorrt-llm', 'tensorrt-llm', None, None)
    """
    name = (engine or "").lower()
    found = {family for family, pattern in ENGINE_FAMILIES.items() if re.search(pattern, name)}
    return found.pop() if len(found) == 1 else None


def rank_sources(
    card: ModelCard,
    gpu: GpuType,
    references: Sequence[ReferenceProfile],
    interactive_first: bool = True,
    engine: str | None = None,
    precision: str | None = None,
) -> list[ReferenceProfile]:
    """Candidates nearest first: the same model before a sibling; within each, the regime asked for (interactive
    sweeps, latency under load, for a class with a latency bound; offline maximum-throughput figures for batch
    work); then a source measured at `MIN_CONCURRENCIES` loads or more before one that cannot tell the per-token
    cost from the per-step cost; then the same engine family (its scheduler and kernels shape the curve more than
    the GPU's datasheet; an option naming none runs vLLM, the default), the same GPU, the same precision, the same
    GPU family, the nearest size, the most levels.

    Measured (bench/capacity.py, leave-one-configuration-out, 2026-12-04), req/s median / 80th percentile: by GPU
    first, bundled 36 % / 59 %, InferenceX's DeepSeek-R1 records 26 % / 56 %; by engine first, 25 % / 37 % and
    33 % / 90 % (sources of one or two loads); with sources of three loads or more first, 25 % / 37 % and
    23 % / 53 %."""
    ranked = []
    family = engine_family(engine or "vllm")
    for ref in references:
        same_model = ref.card.id.lower() == card.id.lower()
        distance = 0.0 if same_model else _size_distance(card, ref.card)
        if distance is None:
            continue
        meta = ref.profile.meta
        other_engine = family is None or engine_family(meta.engine) != family
        other_precision = (meta.precision or default_precision(ref.gpu)) != (precision or default_precision(gpu))
        few_loads = len({level.concurrency for level in ref.profile.levels}) < MIN_CONCURRENCIES
        key = (not same_model, is_interactive(ref) != interactive_first, few_loads, other_engine,
               ref.gpu.id != gpu.id, other_precision, gpu_family(ref.gpu) != gpu_family(gpu), distance,
               -len(ref.profile.levels), ref.name)  # fmt: skip
        ranked.append((key, ref))
    return [ref for _, ref in sorted(ranked, key=lambda kr: kr[0])]


def _physical(card: ModelCard, gpu: GpuType, gpus: int, precision: str, shape: Shape) -> PerfModel | None:
    return physical_model(card, hardware(gpu, precision), gpus, precision, shape, None, PEAK)


def scaled(
    model: PerfModel, source: PerfModel, target: PerfModel, max_concurrency: float | None, error: float
) -> PerfModel:
    """`model` (fitted on the source) with each coefficient × target/source physical coefficient."""
    ratios = [t / s if s > 0 else 1.0 for t, s in zip(target.coefficients, source.coefficients, strict=True)]
    pi, b, g, a = (c * r for c, r in zip(model.coefficients, ratios, strict=True))

    def ttft_scaled(t0: float, t1: float, t2: float, t3: float) -> tuple[float, float, float, float]:
        return t0 * ratios[3], t1 * ratios[0], t2 * ratios[0], t3 * ratios[0]

    ttft = None if model.ttft_coefficients is None else ttft_scaled(*model.ttft_coefficients)
    tails = tuple((pct, ttft_scaled(*tail)) for pct, tail in model.ttft_tail_coefficients)
    limit = model.max_concurrency
    if limit is not None and max_concurrency is not None:
        limit = min(limit, max_concurrency)
    return PerfModel(
        coefficients=(pi, b, g, a),
        ttft_coefficients=ttft,
        ttft_load_s=model.ttft_load_s * ratios[3],
        percentile_ratios=model.percentile_ratios,
        tail_exponents=model.tail_exponents,
        ttft_tail_coefficients=tails,
        e2e_p50_per_mean=model.e2e_p50_per_mean,
        itl_scale=model.itl_scale,
        max_concurrency=limit,
        shapes=model.shapes,
        step_overhead_s=model.step_overhead_s + max(0.0, target.step_overhead_s - source.step_overhead_s),
        expected_error=max(error, model.expected_error or 0.0),
        latency_error=max(error, model.latency_error) if model.latency_error is not None else None,
        error_basis="transferred from a measured configuration by hardware and architecture ratios "
        "(leave-one-configuration-out error)",
    )


def transferred_model(
    card: ModelCard,
    gpu: GpuType,
    gpus: int,
    precision: str,
    shape: Shape,
    references: Sequence[ReferenceProfile],
    max_concurrency: float | None,
    needs_latency: bool = False,
    engine: str | None = None,
    accepted: float | None = None,
) -> Transfer | None:
    """The nearest reference's fitted model moved to (card, gpu × gpus, precision, engine) at `shape`; None when no
    reference is near enough or the physics is unknown for either side. `needs_latency`: only interactive sources
    (an SLO bound cannot be judged from offline figures, so the roofline answers instead). `accepted`: tokens a
    decode step yields on the target (speculative decoding; None: none); the source's own speculation
    (`tokens_per_step`) is divided out, so the model yields E_target / E_source times the source's tokens a step."""
    target = _physical(card, gpu, gpus, precision, shape)
    if target is None:
        return None
    for ref in rank_sources(card, gpu, references, needs_latency, engine, precision):
        meta = ref.profile.meta
        source_precision = meta.precision or default_precision(ref.gpu)
        source = _physical(ref.card, ref.gpu, meta.gpu_count, source_precision, shape)
        fitted = fit_profile(ref.profile)
        if source is None or fitted is None or (needs_latency and not fitted.interactive):
            continue
        if ref.card.total_params_b is not None:
            fit = card_fit(ref.card, ref.gpu.memory_gib, meta.gpu_count, source_precision, shape.mean_context_tokens)
            if not fit.fits:
                continue
        same = ref.card.id.lower() == card.id.lower()
        relation = "same model" if same else f"sibling architecture {ref.card.id}"
        error = SAME_MODEL_ERROR if same else SIBLING_ERROR
        moved = scaled(fitted, source, target, max_concurrency, error)
        measured = tokens_per_step(meta.speculative_decoding) or 1.0
        return Transfer(speculating(moved, (accepted or 1.0) / measured), ref, relation)  # type: ignore[arg-type]
    return None


def transferred_error(model: PerfModel, shape: Shape) -> tuple[float, str]:
    """(expected error, basis) of a transferred answer at `shape`: the transfer's own (`scaled`), and where `shape`
    lies beyond the source's measured lengths, that and the source's extrapolation floor
    (`tco.capacity.at_slo.extrapolation_floor`) together, as independent errors add: √(e_t² + e_x²). A B200 figure
    moved from an H200 sweep that measured 128 output tokens, asked about 500, is no surer than the H200 figure.

    Worked example: transfer ±46 %, floor 0.25 × (1 + 0.67 × ln(500/128)) = 0.4782: √(0.46² + 0.4782²) = 0.664.

    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), shapes=(Shape(1024, 128), Shape(8192, 128)), expected_error=0.46,
    ...               error_basis="transferred")
    >>> round(transferred_error(m, Shape(2000, 500))[0], 3), transferred_error(m, Shape(2000, 128))[0]
    (0.664, 0.46)
    """
    own = model.expected_error or 0.0
    floor = extrapolation_floor(model, shape)
    if not floor:
        return own, model.error_basis
    return math.hypot(own, floor), (f"{model.error_basis}, with {outside_measured(model, shape)} beyond the source's "
                                    f"measured lengths (±{floor:.0%}, added in quadrature)")  # fmt: skip


def transferred_capacity(transfer: Transfer, slo: Slo, cls: RequestClass, prefix_caching: bool) -> Capacity:
    """X* for class `cls` on the transferred model (the same search as a modelled profile)."""
    shape = workload_shape(cls, prefix_caching)
    model = transfer.model
    base, basis = transferred_error(model, shape)
    search = search_with_error(model, shape, slo, model.max_concurrency, model.latency_error)
    stated = search.error(base)
    note = f"transferred from {transfer.label()}: expected error ±{base:.0%} ({basis})"
    spread = search.error_note(base)
    notes = (note, spread) if spread else (note,)
    common = {
        "basis": transfer.source.profile.meta.source,
        "method": "transferred",
        "expected_error": stated,
        "transferred_from": transfer.label(),
        "offline": not model.interactive,
    }
    if search.found is None:
        why = "no predicted load meets the SLO" if model.interactive else "the source has no latency metrics"
        return Capacity(None, None, prefill_share=None, notes=(*notes, f"{why} for class {cls.name!r}"), **common)
    x, c, latencies = search.found
    return Capacity(x, None, prefill_share=model.prefill_share(shape, c), concurrency=c, latencies=latencies,
                    notes=notes, expected_error_sides=search.sides(base), **common)  # fmt: skip
