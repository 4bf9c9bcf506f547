"""What the Throughput page shows about one profile: each level against the SLO, per-GPU and per-user
rates, the fitted model's curve at the workload's shape with its knee, the memory fit and the
physical ceiling beside the measurements."""

from __future__ import annotations

from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from profiling.schema import Profile, replica_words
from tco.capacity.at_slo import (
    UNREPORTED_NOTE,
    Capacity,
    capacity_at_slo,
    estimated_capacity,
    level_checks,
    workload_shape,
)
from tco.capacity.fitting import fit_profile
from tco.capacity.level_consistency import usable
from tco.capacity.memory_fit import MemoryFit, card_fit
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import (
    calibration_for,
    default_precision,
    estimated_model,
    fit_hints,
    gpu_ceiling,
)
from tco.capacity.shapes import level_shape
from tco.capacity.speculative import speculating, tokens_per_step
from tco.records.scenario import RequestClass, Slo


@dataclass(frozen=True)
class LevelRow:
    index: int
    concurrency: float | None
    request_rate: float | None
    input_tokens: float
    output_tokens: float
    req_per_s: float
    model_req_per_s: float | None
    """The fitted model's req/s at this level's own shape and load."""
    output_tokens_per_s_per_gpu: float | None
    tokens_per_s_per_user: float | None
    """1 / ITL p50: the decode speed one user sees."""
    ttft_p50_s: float | None
    ttft_p99_s: float | None
    itl_p50_s: float | None
    itl_p99_s: float | None
    e2e_p50_s: float | None
    e2e_p99_s: float | None
    requests_failed: int
    in_fit: bool
    """Whether the fitted model uses it (`tco.capacity.level_consistency.usable`)."""
    meets_slo: bool
    why_not: str
    roofline_output_tokens_per_s_per_gpu: float | None
    """The physical ceiling at this level's shape (tco.capacity.roofline), per GPU."""
    implausible: bool


@dataclass(frozen=True)
class CurvePoint:
    """The fitted model at the workload's shape, at one concurrency."""

    concurrency: float
    req_per_s: float
    latencies_s: dict[str, float | None]
    """'ttft_p50', 'ttft_p99', 'itl_p50', … as predicted."""
    meets_slo: bool


@dataclass(frozen=True)
class ProfileView:
    rows: list[LevelRow]
    capacity: Capacity
    """The SLO's pick for the workload's first (largest) class."""
    chosen: str
    roofline: Capacity | None
    """The calibrated roofline estimate at the SLO for the same class, when the model and GPU are catalogued."""
    model: PerfModel | None
    curve: list[CurvePoint]
    memory: MemoryFit | None
    memory_text: str | None


def _curve(model: PerfModel | None, profile: Profile, slo: Slo, cls: RequestClass) -> list[CurvePoint]:
    if model is None or model.max_concurrency is None:
        return []
    shape = workload_shape(cls, True)
    points = []
    measured = {lv.concurrency for lv in profile.levels if lv.concurrency}
    grid = sorted(measured | {2.0**k for k in range(12) if 2.0**k <= model.max_concurrency})
    highest: dict[str, float] = {}
    for c in grid:
        lat: dict[str, float | None] = {}
        for m in ("ttft_s", "itl_s", "e2e_s"):
            for p in ("p50", "p90", "p99"):
                value = model.latency(shape, c, m, p)
                name = f"{m.removesuffix('_s')}_{p}"
                if value is not None:  # as the SLO search reads it: never falling as load rises
                    value = highest[name] = max(value, highest.get(name, value))
                lat[name] = value
        ok = all((v := lat[f"{m.removesuffix('_s')}_{p}"]) is not None and v <= b for m, p, b in slo.bounds())
        points.append(CurvePoint(c, model.req_per_s(shape, c), lat, ok))
    return points


def _chosen(profile: Profile, capacity: Capacity) -> str:
    gpus = profile.meta.gpu_count
    if capacity.cache_adjusted:
        return (
            "The workload's input and output lengths were measured at another cached share; those levels are "
            f"adjusted for the prefill the cache saves, side by side: {capacity.notes[0]}."
        )
    if capacity.req_per_s is None and capacity.method == "modelled":
        return (f"No predicted load meets the SLO (modelled, expected error ±{capacity.expected_error or 0:.0%}); "
                "the notes say which bound the lightest load misses or cannot be predicted.")  # fmt: skip
    if capacity.req_per_s is None and any(n.startswith(UNREPORTED_NOTE) for n in capacity.notes):
        return ("No level can be checked against the SLO: it bounds a percentile this profile does not report (see "
                "the notes). Bound a percentile the profile measured, or measure this one.")  # fmt: skip
    if capacity.req_per_s is None:
        return "No level meets the SLO with zero failures: this profile cannot serve the workload at this SLO."
    if capacity.level_index is None:
        return (
            f"Predicted knee (the most load that still meets the SLO) at concurrency "
            f"{_count(capacity.concurrency or 0)}: {capacity.req_per_s:.3g} req/s per "
            f"replica of {replica_words(gpus, profile.meta.gpu)} (modelled, expected error "
            f"±{capacity.expected_error or 0:.0%})."
        )
    level = profile.levels[capacity.level_index]
    if level.concurrency is not None:
        load = f" (concurrency {level.concurrency:g})"
    elif level.request_rate is not None:
        load = f" (rate {level.request_rate:g} req/s)"
    else:
        load = ""
    return (
        f"Load level {capacity.level_index + 1} of {len(profile.levels)}{load} is the highest-throughput level "
        "that meets every bound with "
        f"no failed requests: {level.req_per_s:.3g} req/s per replica of {replica_words(gpus, profile.meta.gpu)}."
    )


def profile_view(
    profile: Profile, slo: Slo, cls: RequestClass, card: ModelCard | None, gpu: GpuType | None
) -> ProfileView:
    gpus = profile.meta.gpu_count
    precision = profile.meta.precision or (default_precision(gpu) if gpu else "bf16")
    context = cls.input_tokens + cls.output_tokens
    model = fit_profile(profile, fit_hints(card, gpu, gpus, precision, context, profile.meta.engine))
    rows = []
    for check in level_checks(profile, slo):
        level = profile.levels[check.index]
        shape = level_shape(level, profile.meta.cached_input_share)
        ceiling = gpu_ceiling(card, gpu, gpus, precision, shape, level.concurrency) if card and gpu else None
        per_gpu = level.output_tokens_per_s / gpus if level.output_tokens_per_s is not None else None
        itl = level.itl_s.p50
        rows.append(
            LevelRow(
                index=check.index,
                concurrency=level.concurrency,
                request_rate=level.request_rate,
                input_tokens=level.input_tokens,
                output_tokens=level.output_tokens,
                req_per_s=level.req_per_s,
                model_req_per_s=model.req_per_s(shape, level.concurrency) if model else None,
                output_tokens_per_s_per_gpu=per_gpu,
                tokens_per_s_per_user=1 / itl if itl else None,
                ttft_p50_s=level.ttft_s.p50,
                ttft_p99_s=level.ttft_s.p99,
                itl_p50_s=level.itl_s.p50,
                itl_p99_s=level.itl_s.p99,
                e2e_p50_s=level.e2e_s.p50,
                e2e_p99_s=level.e2e_s.p99,
                requests_failed=level.requests_failed,
                in_fit=usable(level),
                meets_slo=check.meets_slo,
                why_not="; ".join(check.reasons),
                roofline_output_tokens_per_s_per_gpu=ceiling * level.output_tokens / gpus if ceiling else None,
                implausible=ceiling is not None and level.req_per_s > ceiling,
            )
        )
    memory = memory_text = None
    context = cls.input_tokens + cls.output_tokens
    if card is not None and gpu is not None and card.total_params_b is not None:
        memory = card_fit(card, gpu.memory_gib, gpus, precision, context)
        memory_text = memory.explain(context)
    capacity = capacity_at_slo(profile, slo, cls, True, memory.max_concurrency if memory else None, model)
    roofline = None
    if card is not None and gpu is not None:
        calibration = calibration_for(cls, slo, profile.meta.engine, gpu.id)
        estimate = speculating(
            estimated_model(card, gpu, gpus, precision, workload_shape(cls, True), calibration),
            tokens_per_step(profile.meta.speculative_decoding),
        )
        roofline = estimated_capacity(estimate, slo, cls, True, f"no roofline for {card.id}: architecture unknown")
    return ProfileView(
        rows,
        capacity,
        _chosen(profile, capacity),
        roofline,
        model,
        _curve(model, profile, slo, cls),
        memory,
        memory_text,
    )


def _count(value: float) -> str:
    """A concurrency as a person writes it: 3,500 (never 3.5e+03), 12, 2.5.

    >>> _count(3512.4), _count(12.0), _count(2.5)
    ('3,512', '12', '2.5')
    """
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
