"""What the Throughput page shows about one profile: each level against the SLO, per-GPU and per-user
rates, the fitted model's curve at the workload's shape with its knee, the memory fit and the
physical ceiling beside the measurements."""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from profiling.schema import Profile, replica_words
from tco.capacity.at_slo import (
    UNREPORTED_NOTE,
    Capacity,
    beyond_measured,
    capacity_at_slo,
    estimated_capacity,
    extrapolation_floor,
    level_checks,
    modelled_error,
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
from tco.capacity.shapes import Shape, group_levels, level_shape
from tco.capacity.slo_search import SloSearch, search_limit, search_with_error
from tco.capacity.speculative import speculating, tokens_per_step
from tco.capacity.throughput_fit import distinct, profile_points
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


def error_story(model: PerfModel, shape: Shape, search: SloSearch, stated: float | None) -> str:
    """The expected error of a modelled X* told as the largest of its parts, each as an error of the answer against
    the truth, |answer / truth − 1| (`tco.capacity.slo_search`): the fitted model's own, the floor for a shape beyond
    the measured lengths (`tco.capacity.at_slo.extrapolation_floor`), and what the latency error makes of the knee
    (`search`, the search for X* at the bounds moved by the model's latency error).

    >>> shapes = (Shape(1000, 100), Shape(4000, 100))
    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), ttft_coefficients=(0.05, 1e-4, 0.0, 0.0), max_concurrency=64,
    ...               shapes=shapes, expected_error=0.05, latency_error=0.1,
    ...               error_basis="leave-one-shape-out over 2 shapes")
    >>> search = search_with_error(m, Shape(2000, 400), Slo(itl_p50_s=0.02), 64, 0.1)
    >>> print(error_story(m, Shape(2000, 400), search, 0.48))  # doctest: +NORMALIZE_WHITESPACE
    How sure: ±48%, the largest of these errors of this answer against the truth: the fitted model's own, ±5%
    (leave-one-shape-out over 2 shapes); at least ±48% because the workload's 400 output tokens lie outside the
    measured 100 (it grows with the distance); and ±11% from a latency error of ±10% (alone, it puts the capacity
    at the SLO between 0.766 and 0.922 req/s: 0.853 is 11% above the first). All together, the capacity at the SLO,
    0.853 req/s, lies between 0.575 and 1.26 req/s in 80 % of cases (the range the Monte Carlo draws): the truth
    from 33% below this answer to 48% above it, this answer 48% above the truth or 33% below it.

    The floor is 0.25 × (1 + 0.67 × ln 4) = 0.48 (output 400 tokens, 4× the measured 100). The knee is 0.853 req/s:
    0.853 / 0.766 − 1 = 11 % (the truth lower) and 1 − 0.853 / 0.922 = 7.5 % (the truth higher): ±11 %. Each side
    at least the larger of the model's and the floor, 48.2 %: 0.853 / 1.482 = 0.575, 0.853 × 1.482 = 1.26; the truth
    at 0.575 is 1 − 1 / 1.482 = 33 % below the answer, and at 1.26 the answer is 33 % below it.
    """
    if stated is None:
        return ""
    parts = []
    if model.expected_error is not None:
        parts.append(f"the fitted model's own, ±{model.expected_error:.0%} ({model.error_basis})")
    if floor := extrapolation_floor(model, shape):
        parts.append(f"at least ±{floor:.0%} because the workload's {_beyond(model, shape)} (it grows with the "
                     "distance)")  # fmt: skip
    spread, latency = search.spread(), f"a latency error of ±{search.latency_error:.0%}"
    if spread is not None and search.latency_error:
        if search.found is None and search.looser is not None:
            parts.append(f"±100% from {latency}: at latencies that much lower, up to {search.looser[0]:.3g} req/s "
                         "would meet it")  # fmt: skip
        elif search.found is not None and search.tighter is None:
            parts.append(f"±100% from {latency}: at latencies that much higher no load meets the SLO")
        elif search.found is not None and search.tighter is not None:
            x, low, high = search.found[0], search.tighter[0], search.looser[0] if search.looser else search.found[0]
            # which end makes the ±: a reader took "±62%" beside "between 9.42 and 19.1" (around 15.3) for a symmetric
            # range; the answer is 62 % above the first end (the error of an answer against a lower truth)
            side = (f"{x:.3g} is {x / low - 1:.0%} above the first" if x / low - 1 >= 1 - x / high
                    else f"{x:.3g} is {1 - x / high:.0%} below the second")  # fmt: skip
            if f"{low:.3g}" == f"{high:.3g}":  # "between 1.23 and 1.23 req/s: 1.23 is 0% above the first" (a reviewer)
                parts.append(f"±{spread:.0%} from {latency} (alone, it leaves the capacity at the SLO at "
                             f"{x:.3g} req/s)")  # fmt: skip
            else:
                parts.append(f"±{spread:.0%} from {latency} (alone, it puts the capacity at the SLO between "
                             f"{low:.3g} and {high:.3g} req/s: {side})")  # fmt: skip
    if not parts:
        return ""
    if len(parts) == 1:
        story = f"How sure: ±{stated:.0%}, the error of this answer against the truth: {parts[0]}."
    else:
        listed = "; ".join(parts[:-1]) + "; and " + parts[-1]
        story = f"How sure: ±{stated:.0%}, the largest of these errors of this answer against the truth: {listed}."
    sides = search.sides(max(model.expected_error or 0.0, floor or 0.0))
    if search.found is None or sides is None:
        return story
    x, (below, above) = search.found[0], sides
    # the ± is the answer's error against the truth, |answer / truth − 1|; the range is where the truth lies: a
    # reviewer met "±48 %" beside a range reaching 82 % above the answer, so the two are tied in words
    return (f"{story} All together, the capacity at the SLO, {x:.3g} req/s, lies between {x / (1 + below):.3g} and "
            f"{x * (1 + above):.3g} req/s in 80 % of cases (the range the Monte Carlo draws): the truth from "
            f"{below / (1 + below):.0%} below this answer to {above:.0%} above it, this answer {below:.0%} above the "
            f"truth or {above / (1 + above):.0%} below it.")  # fmt: skip


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


def _beyond(model: PerfModel, shape: Shape) -> str:
    """Which of the shape's lengths lie beyond the measured ones (`beyond_measured`), with both, in words.

    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), shapes=(Shape(1024, 128), Shape(8192, 128)))
    >>> _beyond(m, Shape(2000, 500))
    '500 output tokens lie outside the measured 128'
    >>> _beyond(m, Shape(16000, 1000))
    '16,000 input tokens lie outside the measured 1,024–8,192 and 1,000 output tokens outside the measured 128'
    """
    out = []
    for name, value, low, high in beyond_measured(model, shape):
        span = f"{low:,.0f}" + (f"–{high:,.0f}" if high != low else "")
        out.append(f"{value:,.0f} {name} {'' if out else 'lie '}outside the measured {span}")
    return " and ".join(out)


NEAR_SHAPE = 2.0
"""A measured shape is near the workload's when its input and its output are each within this factor of it."""


def far_shape_note(profile: Profile, cls: RequestClass) -> str | None:
    """A warning when no measured shape is near the workload's main class (input and output each within NEAR_SHAPE,
    the cached share aside: the model adjusts the prefill for it), naming the nearest; None when one is.

    Worked example: a profile measured at 1,024 in / 8,192 out and 8,192 in / 1,024 out, asked about 1,000 in /
    1,000 out: the nearest is 8.2× the output, so the note names it; add 1,000 in / 1,000 out and there is none.
    """
    shapes = [g.shape for g in group_levels(profile.levels, profile.meta.cached_input_share)]
    if not shapes or cls.input_tokens <= 0 or cls.output_tokens <= 0:
        return None

    def factors(s: Shape) -> tuple[float, float]:
        """(measured / workload) of the input and the output."""
        return max(s.input_tokens, 1.0) / cls.input_tokens, s.output_tokens / cls.output_tokens

    def fold(f: float) -> float:
        return max(f, 1 / f)

    # the nearest: the smallest larger factor, then the smallest sum of log distances (1,024 and 2,048 in at 128 out
    # are alike 3.9× from 500 out; 2,048 is nearer 2,000 in)
    nearest = min(shapes, key=lambda s: (max(map(fold, factors(s))), sum(abs(math.log(f)) for f in factors(s))))
    if max(map(fold, factors(nearest))) <= NEAR_SHAPE:
        return None
    ends = zip(factors(nearest), ("input", "output"), strict=True)
    parts = [f"{fold(f):.2g}× {'longer' if f > 1 else 'shorter'} {what}" for f, what in ends if fold(f) > NEAR_SHAPE]
    return (
        f"No measured shape is near the workload's main class ({cls.input_tokens:,.0f} in / {cls.output_tokens:,.0f} "
        f"out): the nearest, {nearest.label()}, has {' and '.join(parts)}, so its capacity there is predicted from "
        "other shapes. Measure at your own shape (`inference-roi profile --input-tokens … --output-tokens …`) "
        "before relying on it."
    )


def _count(value: float) -> str:
    """A concurrency as a person writes it: 3,500 (never 3.5e+03), 12, 2.5.

    >>> _count(3512.4), _count(12.0), _count(2.5)
    ('3,512', '12', '2.5')
    """
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
