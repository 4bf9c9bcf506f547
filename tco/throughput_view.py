"""What the Throughput page shows about one profile: each level against the SLO, per-GPU and per-user
rates, the level the SLO picks, and the roofline beside the measurements."""

from __future__ import annotations

from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from profiling.schema import Profile
from tco.capacity import Capacity, capacity_at_slo, level_checks
from tco.roofline import estimate_capacity, level_output_ceiling
from tco.scenario import RequestClass, Slo


@dataclass(frozen=True)
class LevelRow:
    index: int
    concurrency: float | None
    request_rate: float | None
    input_tokens: float
    output_tokens: float
    req_per_s: float
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
    meets_slo: bool
    why_not: str
    roofline_output_tokens_per_s_per_gpu: float | None
    implausible: bool


@dataclass(frozen=True)
class ProfileView:
    rows: list[LevelRow]
    capacity: Capacity
    """The SLO's pick for the workload's first (largest) class."""
    chosen: str
    roofline: Capacity | None
    """The roofline estimate at the SLO for the same class, when the model and GPU are catalogued."""


def profile_view(
    profile: Profile, slo: Slo, cls: RequestClass, card: ModelCard | None, gpu: GpuType | None
) -> ProfileView:
    gpus = profile.meta.gpu_count
    rows = []
    for check in level_checks(profile, slo):
        level = profile.levels[check.index]
        ceiling = level_output_ceiling(card, gpu, gpus, level) if card and gpu else None
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
                output_tokens_per_s_per_gpu=per_gpu,
                tokens_per_s_per_user=1 / itl if itl else None,
                ttft_p50_s=level.ttft_s.p50,
                ttft_p99_s=level.ttft_s.p99,
                itl_p50_s=level.itl_s.p50,
                itl_p99_s=level.itl_s.p99,
                e2e_p50_s=level.e2e_s.p50,
                e2e_p99_s=level.e2e_s.p99,
                requests_failed=level.requests_failed,
                meets_slo=check.meets_slo,
                why_not="; ".join(check.reasons),
                roofline_output_tokens_per_s_per_gpu=ceiling / gpus if ceiling is not None else None,
                implausible=ceiling is not None and per_gpu is not None and per_gpu * gpus > ceiling,
            )
        )
    capacity = capacity_at_slo(profile, slo, cls)
    if capacity.level_index is None:
        chosen = "No level meets the SLO with zero failures: this profile cannot serve the workload at this SLO."
    else:
        level = profile.levels[capacity.level_index]
        if level.concurrency is not None:
            load = f" (concurrency {level.concurrency:g})"
        elif level.request_rate is not None:
            load = f" (rate {level.request_rate:g} req/s)"
        else:
            load = ""
        chosen = (
            f"Level {capacity.level_index}{load} is the highest-throughput level that meets every bound with "
            f"no failed requests: {level.req_per_s:.3g} req/s per replica of {gpus} x {profile.meta.gpu}."
        )
    roofline = estimate_capacity(card, gpu, gpus, slo, cls) if card and gpu else None
    return ProfileView(rows, capacity, chosen, roofline)
