"""Capacity for a configuration nobody measured, from the nearest one somebody did (labelled *transferred*).

Before falling back to the roofline, a self-hosted option without a profile borrows the fitted model of the
nearest bundled measurement and scales it by physics: the same model on another GPU first, else a sibling
architecture (same kind, MoE or dense, within `MAX_SIZE_RATIO` in active and total parameters), interactive sweeps
before offline figures and the same GPU before another (`rank_sources`).

Each coefficient of `perf_model`'s equation (1) is multiplied by the ratio of
the roofline's coefficients (`roofline.physical_model`, efficiency cancels) for target over source:

    π, b  × (N_active,t / (n_t·F_t)) / (N_active,s / (n_s·F_s))        prefill and decode compute: FLOPs
    g     × (kv_t(L)/(n_t·B_t)) / (kv_s(L)/(n_s·B_s))                  KV reads: bytes per token over bandwidth
    a     × (W_t/(n_t·B_t) + comm_t) / (W_s/(n_s·B_s) + comm_s)        one decode step reads the weights

The TTFT fit's constant scales like `a` and its per-token terms like π; tail shapes are the source's; a target that
spans more nodes adds the inter-node cost of each step (`tco.capacity.layout`). The search
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
from tco.capacity.at_slo import Capacity, workload_shape
from tco.capacity.calibration import is_interactive
from tco.capacity.fitting import fit_profile
from tco.capacity.layout import is_moe
from tco.capacity.memory_fit import card_fit
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import PEAK, default_precision, hardware, physical_model
from tco.capacity.shapes import Shape
from tco.capacity.slo_search import search_with_error
from tco.records.inputs import ReferenceProfile
from tco.records.scenario import RequestClass, Slo

SAME_MODEL_ERROR = 0.31
"""Error 80 % of leave-one-configuration-out transfers of the same model to another GPU, GPU count or precision stay
within, as a split-conformal bound (`fitting.covering`; bench/capacity.py, 2026-12-02: NVIDIA's tables, the
bundled sweeps and MLPerf points)."""
SIBLING_ERROR = 0.68
"""The same for a sibling architecture (bench/capacity.py, 2026-12-02)."""
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


def rank_sources(
    card: ModelCard, gpu: GpuType, references: Sequence[ReferenceProfile], interactive_first: bool = True
) -> list[ReferenceProfile]:
    """Candidates nearest first: the same model before a sibling; within each, the regime asked for (interactive
    sweeps, latency under load, for a class with a latency bound; offline maximum-throughput figures for batch
    work), then the same GPU, then the same GPU family, then the nearest size and the most levels."""
    ranked = []
    for ref in references:
        same_model = ref.card.id.lower() == card.id.lower()
        distance = 0.0 if same_model else _size_distance(card, ref.card)
        if distance is None:
            continue
        key = (not same_model, is_interactive(ref) != interactive_first, ref.gpu.id != gpu.id,
               gpu_family(ref.gpu) != gpu_family(gpu), distance, -len(ref.profile.levels), ref.name)  # fmt: skip
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
    ttft = None
    if model.ttft_coefficients is not None:
        t0, t1, t2, t3 = model.ttft_coefficients
        ttft = (t0 * ratios[3], t1 * ratios[0], t2 * ratios[0], t3 * ratios[0])
    limit = model.max_concurrency
    if limit is not None and max_concurrency is not None:
        limit = min(limit, max_concurrency)
    return PerfModel(
        coefficients=(pi, b, g, a),
        ttft_coefficients=ttft,
        ttft_load_s=model.ttft_load_s * ratios[3],
        percentile_ratios=model.percentile_ratios,
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
) -> Transfer | None:
    """The nearest reference's fitted model moved to (card, gpu × gpus, precision) at `shape`; None when no
    reference is near enough or the physics is unknown for either side. `needs_latency`: only interactive sources
    (an SLO bound cannot be judged from offline figures, so the roofline answers instead)."""
    target = _physical(card, gpu, gpus, precision, shape)
    if target is None:
        return None
    for ref in rank_sources(card, gpu, references, interactive_first=needs_latency):
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
        return Transfer(scaled(fitted, source, target, max_concurrency, error), ref, relation)
    return None


def transferred_capacity(transfer: Transfer, slo: Slo, cls: RequestClass, prefix_caching: bool) -> Capacity:
    """X* for class `cls` on the transferred model (the same search as a modelled profile)."""
    shape = workload_shape(cls, prefix_caching)
    model = transfer.model
    search = search_with_error(model, shape, slo, model.max_concurrency, model.latency_error)
    stated = search.error(model.expected_error)
    note = f"transferred from {transfer.label()}: expected error ±{model.expected_error:.0%} ({model.error_basis})"
    spread = search.error_note(model.expected_error)
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
                    notes=notes, **common)  # fmt: skip
