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
    modelled_error,
    workload_shape,
)
from tco.capacity.fitting import fit_profile
from tco.capacity.level_consistency import usable
from tco.capacity.memory_fit import MemoryFit, card_fit
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline import default_precision, estimated_model, fit_hints, gpu_ceiling
from tco.capacity.roofline_calibrations import calibration_for
from tco.capacity.shapes import group_levels, level_shape
from tco.capacity.slo_search import search_limit, search_with_error
from tco.capacity.speculative import speculating, tokens_per_step
from tco.capacity.throughput_fit import distinct, profile_points
from tco.capacity.view_words import error_story
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
    """The model's req/s at this level's own shape and load, fitted without the level (or its shape) where the fit
    leaves levels out for its error (`PerfModel.held_out_req_per_s`): the fit on every level is corrected toward them
    and agreed with each to the digit (a reviewer: "a copy of the measurement"); else the fit on every level."""
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
    error_story: str = ""
    """Why a modelled answer's expected error is what it is, in one paragraph (`error_story`); '' otherwise."""
    notes: tuple[str, ...] = ()
    """The capacity's notes less those the error story says in its place (the page shows these; the CLI's JSON
    keeps every note in `capacity.notes`)."""
    search_end: bool = False
    """X* is where the searched loads end, every bound still met (`at_search_end`): no knee, the lines end there."""


ONE_LOAD_NOTE = (
    "No model lines: the levels ran at one load, and without the model's card and GPU nothing says how throughput "
    "and latency change with load. Measure two or more concurrencies, or name the model by its catalogue id and "
    "the GPU by its price-sheet id."
)
"""The Throughput page's note where `profile_view` draws no curve: one measured load and no hardware prior."""


def at_search_end(capacity: Capacity, limit: float | None) -> bool:
    """X* is the search's last load with every bound still met: no bound stops it, the load range does.

    >>> at_search_end(Capacity(45.6, None, "published", "modelled", 0.5, concurrency=1350.0), 1350.0)
    True
    >>> at_search_end(Capacity(12.0, None, "published", "modelled", 0.5, concurrency=300.0), 1350.0)
    False
    """
    return (capacity.level_index is None and capacity.req_per_s is not None and capacity.concurrency is not None
            and limit is not None and capacity.concurrency >= limit * (1 - 1e-9))  # fmt: skip


def _curve(model: PerfModel | None, profile: Profile, slo: Slo, cls: RequestClass, limit: float | None
           ) -> list[CurvePoint]:  # fmt: skip
    """The model at the workload's shape over the loads the search looks at (to `limit`, its last point), and
    the measured loads: a knee at the search's end sits at the lines' end, not right of them."""
    if model is None or limit is None:
        return []
    shape = workload_shape(cls, True)
    points = []
    measured = {lv.concurrency for lv in profile.levels if lv.concurrency}
    grid = sorted(measured | {2.0**k for k in range(12) if 2.0**k < limit} | {limit})
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


def _chosen(
    profile: Profile, capacity: Capacity, limit: float | None = None, c_cap: float | None = None, bounded: bool = True
) -> str:
    gpus = profile.meta.gpu_count
    if profile.levels and not any(usable(level) for level in profile.levels):
        n = len(profile.levels)
        return (f"No level of this profile can be used: {f'all {n} are' if n > 1 else 'its one level is'} left out "
                "(the notes say why), so nothing is measured or predicted from it.")  # fmt: skip
    if capacity.cache_adjusted:
        return (
            "The workload's input and output lengths were measured at another cached share; those levels are "
            f"adjusted for the prefill the cache saves, side by side: {capacity.notes[0]}."
        )
    if capacity.req_per_s is None and capacity.method == "modelled":
        error = f", expected error ±{capacity.expected_error:.0%}" if capacity.expected_error is not None else ""
        return (f"No predicted load meets the SLO (modelled{error}); the notes say which bound the lightest load "
                "misses or cannot be predicted.")  # fmt: skip
    if capacity.req_per_s is None and any(n.startswith(UNREPORTED_NOTE) for n in capacity.notes):
        return ("No level can be checked against the SLO: it bounds a percentile this profile does not report (see "
                "the notes). Bound a percentile the profile measured, or measure this one.")  # fmt: skip
    if capacity.req_per_s is None:
        return "No level meets the SLO with zero failures: this profile cannot serve the workload at this SLO."
    if capacity.level_index is None:
        error = f", expected error ±{capacity.expected_error:.0%}" if capacity.expected_error is not None else ""
        per_replica = f"{capacity.req_per_s:.3g} req/s per replica of {replica_words(gpus, profile.meta.gpu)}"
        if capacity.concurrency is None:  # max-throughput figures: no load to name, no latency to bound
            return f"Predicted throughput at full load (the profile's figures are max-throughput): {per_replica} " \
                   f"(modelled{error})."  # fmt: skip
        if at_search_end(capacity, limit):  # no bound binds: the range searched ends first
            end = "the most the memory fit allows" if c_cap is not None and limit == c_cap else (
                "the highest load measured; the model predicts no further")  # fmt: skip
            lead = "The SLO is still met" if bounded else "With no latency bound, the capacity is taken"
            return (
                f"{lead} at the highest load the model looks at, concurrency "
                f"{_count(capacity.concurrency)} ({end}): {per_replica} (modelled{error}). No bound is reached "
                "there: this is where the prediction stops, not a knee."
            )
        return (
            f"Predicted knee (the most load that still meets the SLO) at concurrency "
            f"{_count(capacity.concurrency)}: {per_replica} (modelled{error})."
        )
    level = profile.levels[capacity.level_index]
    if level.concurrency is not None:
        load = f" (concurrency {level.concurrency:g})"
    elif level.request_rate is not None:
        load = f" (rate {level.request_rate:g} req/s)"
    else:
        load = ""
    shapes = group_levels(profile.levels, profile.meta.cached_input_share)
    among = (
        f" measured at the workload's shape ({level_shape(level, profile.meta.cached_input_share).label()})"
        if len(shapes) > 1
        else ""
    )  # other shapes' levels may serve more req/s, of other requests
    return (
        f"Load level {capacity.level_index + 1} of {len(profile.levels)}{load} is the highest-throughput level"
        f"{among} that meets every bound with no failed requests: {level.req_per_s:.3g} req/s per replica of "
        f"{replica_words(gpus, profile.meta.gpu)}."
    )


def profile_view(
    profile: Profile,
    slo: Slo,
    cls: RequestClass,
    card: ModelCard | None,
    gpu: GpuType | None,
    replica_context_tokens: float | None = None,
) -> ProfileView:
    """`profile` against `slo` at `cls`'s shape. `replica_context_tokens`: the longest request (input + output) the
    replica holds, which sets the memory fit and the card's hints to the fit; Compare sizes a replica for the
    scenario's longest class (`tco.capacity.replica_capacity`), so the Throughput page passes it and states the same
    X* and memory fit (a reviewer read 14,513 sequences here and 5,678 on Compare for one option); default: the
    class's own."""
    gpus = profile.meta.gpu_count
    precision = profile.meta.precision or (default_precision(gpu) if gpu else "bf16")
    context = replica_context_tokens or cls.input_tokens + cls.output_tokens
    hints = fit_hints(card, gpu, gpus, precision, context, profile.meta.engine)
    model = fit_profile(profile, hints)
    # the load each level ran at as the fit reads it: a rate level's by Little's law (req/s × E2E p50)
    loads = {p.level_index: p.concurrency for p in profile_points(profile)}
    flat = hints.decode is None and distinct(list(loads.values())) < 2
    held = dict(model.held_out_req_per_s) if model else {}  # each level as the model fitted without it predicts it
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
                model_req_per_s=held[check.index]
                if check.index in held
                else (model.req_per_s(shape, loads.get(check.index, level.concurrency)) if model else None),
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
    if card is not None and gpu is not None and card.total_params_b is not None:
        memory = card_fit(card, gpu.memory_gib, gpus, precision, context)
        memory_text = memory.explain(context)
        if profile.meta.precision is None:  # said: a bf16 checkpoint holds twice the fp8 weights
            memory_text += (f"; weights at {precision} assumed: the profile records no precision (the Precision box "
                            "when adding a result file, or the profile's meta.precision)")  # fmt: skip
    c_cap = memory.max_concurrency if memory else None
    capacity = capacity_at_slo(profile, slo, cls, True, c_cap, model)
    limit = search_limit(model, c_cap)
    story, notes = "", capacity.notes
    modelled = capacity.method == "modelled" and capacity.level_index is None and not capacity.cache_adjusted
    if modelled and model is not None and model.interactive:
        shape = workload_shape(cls, True)
        search = search_with_error(model, shape, slo, limit, model.latency_error)  # as capacity_at_slo's
        story = error_story(model, shape, search, capacity.expected_error)
        told = {search.error_note(modelled_error(model, shape)[0])}  # the range, now in the story
        notes = tuple(n for n in capacity.notes if n not in told and not n.startswith("modelled: "))
    elif capacity.cache_adjusted:  # the sentence above the notes says the first (it was shown twice: a reviewer)
        notes = capacity.notes[1:]
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
        _chosen(profile, capacity, limit, c_cap, bool(slo.bounds())),
        roofline,
        model,
        [] if flat else _curve(model, profile, slo, cls, limit),
        memory,
        memory_text,
        story,
        (*notes, ONE_LOAD_NOTE) if flat and model is not None else notes,
        at_search_end(capacity, limit),
    )


def _count(value: float) -> str:
    """A concurrency as a person writes it: 3,500 (never 3.5e+03), 12, 2.5.

    >>> _count(3512.4), _count(12.0), _count(2.5)
    ('3,512', '12', '2.5')
    """
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
