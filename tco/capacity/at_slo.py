"""Per-replica capacity X* at the SLO, at the workload's own request shape.

- **measured**: the workload's shape was measured (levels grouped by nominal shape, `tco.capacity.shapes`):
  X* is the highest measured req/s among that shape's levels that meet every SLO bound with no failed
  requests (docs/formats.md, definitions). Measured levels rule.
- **modelled, measured tokens**: the workload's input and output lengths were measured at another cached-prompt
  share: those levels adjusted for the prefill saved (`tco.capacity.cached_share`), never replaced by a curve.
- **modelled**: any other shape. The profile's performance model (`tco.capacity.perf_model`, fitted to every
  level) predicts throughput and latency percentiles at the workload's shape for each concurrency up to
  the highest measured one (and the memory fit's maximum); X* is the highest predicted throughput whose
  predicted latencies meet every bound. Labelled with the model's expected error.
- **transferred**: no profile; the same search on the nearest measured configuration's model scaled by hardware
  and architecture ratios (`tco.capacity.transfer`).
- **estimated**: no profile and nothing near enough to transfer from; the same search on the calibrated physical
  model (`tco.capacity.roofline`).

A bound on a metric that a profile did not measure cannot be verified, so it is not met. A profile
without any latency metric holds offline (max-throughput) figures: serving an interactive class from
it carries a warning, since the latency at that load is unknown and, on NVIDIA's own trtllm-bench runs,
tens of seconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from profiling.schema import Profile
from tco.capacity.cached_share import adjusted_for_caching
from tco.capacity.capacity_record import Capacity
from tco.capacity.fitting import ONE_SHAPE_ERROR, fit_profile
from tco.capacity.level_consistency import inconsistency
from tco.capacity.percentiles import derivation, latency_at
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import SHAPE_TOLERANCE, Shape, group_levels, level_shape, matching_group
from tco.capacity.slo_search import best_under_slo, search_limit, search_with_error
from tco.records.scenario import RequestClass, Slo

OFFLINE_WARNING = (
    "offline figures: the {model} profile has no latency metrics (max-throughput data), so the latency of "
    "class {cls!r} at this load is unknown; trtllm-bench's own runs at such loads show TTFT near 50 s. "
    "Set an SLO and measure with `inference-roi profile` before sizing interactive work on it"
)


@dataclass(frozen=True)
class LevelCheck:
    """One load level against the SLO: whether it counts, and each reason it does not."""

    index: int
    meets_slo: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    """Bounded metrics the level did not measure, e.g. 'TTFT p99'."""
    derived: tuple[str, ...] = ()
    """Bounded percentiles read between two the level measured (tco.capacity.percentiles), said in words."""


def level_checks(profile: Profile, slo: Slo) -> list[LevelCheck]:
    checks = []
    for index, level in enumerate(profile.levels):
        reasons, missing = [], []
        if level.requests_failed > 0:
            reasons.append(f"{level.requests_failed} failed requests")
        if problem := inconsistency(level):
            reasons.append(problem)
        derived = []
        for metric, pct, bound in slo.bounds():
            name = f"{metric.removesuffix('_s').upper()} {pct}"
            value, was_derived = latency_at(level, metric, pct)
            if was_derived:
                derived.append(derivation(level, metric, pct) or name)
            if value is None:
                missing.append(name)
                reasons.append(f"{name} not measured")
            elif value > bound:
                reasons.append(f"{name} {value:.3g} s > {bound:g} s")
        checks.append(LevelCheck(index, not reasons, tuple(reasons), tuple(missing), tuple(derived)))
    return checks


def workload_shape(cls: RequestClass, prefix_caching: bool) -> Shape:
    """The class's shape as the engine sees it: cached input is prefilled only without prefix caching."""
    return Shape(cls.input_tokens, cls.output_tokens, cls.cached_input_share if prefix_caching else 0.0)


def has_latency(profile: Profile) -> bool:
    return any(lv.ttft_s.p50 or lv.itl_s.p50 or lv.e2e_s.p50 for lv in profile.levels)


UNREPORTED_NOTE = "profile does not report"
"""How a measured answer's note begins when the SLO bounds a percentile the levels lack (`tco.capacity.throughput_view`
turns it into the headline)."""


def _measured_capacity(profile: Profile, slo: Slo, cls: RequestClass, indices: tuple[int, ...]) -> Capacity:
    notes: list[str] = []
    best: tuple[float, int] | None = None
    missing: set[str] = set()
    derived: set[str] = set()
    for check in level_checks(profile, slo):
        if check.index not in indices:
            continue
        missing.update(check.missing)
        derived.update(check.derived)
        level = profile.levels[check.index]
        if check.meets_slo and (best is None or level.req_per_s > best[0]):
            best = (level.req_per_s, check.index)
    if missing:
        notes.append(f"{UNREPORTED_NOTE} {', '.join(sorted(missing))}; levels lacking them cannot meet the SLO")
    notes.extend(sorted(derived))
    source = profile.meta.source
    if best is None:
        notes.append(f"no load level of the {profile.meta.model} profile meets the SLO for class {cls.name!r}")
        return Capacity(None, None, source, "measured", None, notes=tuple(notes))
    req_per_s, index = best
    level = profile.levels[index]
    ttft, e2e = level.ttft_s.p50, level.e2e_s.p50
    share = min(1.0, ttft / e2e) if ttft is not None and e2e else None
    shown = tuple((m, p, v) for m, p, _ in slo.bounds() if (v := latency_at(level, m, p)[0]) is not None)
    return Capacity(req_per_s, index, source, "measured", share, level.concurrency, 0.0, shown, notes=tuple(notes))


def beyond_measured(model: PerfModel, shape: Shape) -> list[tuple[str, float, float, float]]:
    """(length, the shape's value, lowest measured, highest measured) for each of input and output tokens where
    `shape` lies beyond the measured shapes by more than the tolerance.

    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), shapes=(Shape(1024, 128), Shape(8192, 128)))
    >>> beyond_measured(m, Shape(2000, 500))
    [('output tokens', 500, 128, 128)]
    """
    out = []
    for name, value, measured in (
        ("input tokens", shape.input_tokens, [s.input_tokens for s in model.shapes]),
        ("output tokens", shape.output_tokens, [s.output_tokens for s in model.shapes]),
    ):
        if measured and not min(measured) / (1 + SHAPE_TOLERANCE) <= value <= max(measured) * (1 + SHAPE_TOLERANCE):
            out.append((name, value, min(measured), max(measured)))
    return out


def outside_measured(model: PerfModel, shape: Shape) -> str:
    """'input tokens' / 'output tokens' when `shape` lies beyond the measured shapes (by the tolerance), else ''."""
    return " and ".join(name for name, *_ in beyond_measured(model, shape))


EXTRAPOLATION_ERROR_GROWTH = 0.67
"""How the error floor of a shape beyond the measured lengths grows with the distance: ONE_SHAPE_ERROR ×
(1 + 0.67·ln f), f the factor beyond the nearest measured length (input or output, the larger). Set so 80 % of
held-out cases fall inside: on 48 InferenceX DeepSeek-R1 deployments (bench/capacity.py --extra), a shape 8×
beyond the measured ones (1k/1k + 1k/8k asked about 8k/1k) missed by up to 55 % at the 80th percentile, where the
flat 25 % floor covered 64 % of them."""


def extrapolation_factor(model: PerfModel, shape: Shape) -> float:
    """How far `shape` lies beyond the measured lengths: the largest of value / max measured and min measured /
    value over input and output tokens, at least 1.

    >>> m = PerfModel(coefficients=(1e-4, 2e-3, 0.0, 0.02), shapes=(Shape(1000, 1000), Shape(1000, 8000)))
    >>> extrapolation_factor(m, Shape(8000, 1000)), extrapolation_factor(m, Shape(1000, 4000))
    (8.0, 1.0)
    """
    factors = [1.0]
    for value, measured in (
        (shape.input_tokens, [s.input_tokens for s in model.shapes]),
        (shape.output_tokens, [s.output_tokens for s in model.shapes]),
    ):
        if measured and value > 0:
            factors += [value / max(measured), min(measured) / value]
    return max(factors)


def extrapolation_floor(model: PerfModel, shape: Shape) -> float:
    """The least error of an answer at `shape` from `model`: ONE_SHAPE_ERROR × (1 + EXTRAPOLATION_ERROR_GROWTH ·
    ln f) beyond the measured lengths, 0 within them.

    >>> m = PerfModel(coefficients=(1e-4, 2e-3, 0.0, 0.02), shapes=(Shape(1000, 1000), Shape(1000, 8000)))
    >>> round(extrapolation_floor(m, Shape(8000, 1000)), 3), extrapolation_floor(m, Shape(1000, 4000))
    (0.598, 0.0)
    """
    if not outside_measured(model, shape):
        return 0.0
    return ONE_SHAPE_ERROR * (1 + EXTRAPOLATION_ERROR_GROWTH * float(np.log(extrapolation_factor(model, shape))))


def modelled_error(model: PerfModel, shape: Shape) -> tuple[float | None, str]:
    """(expected error, basis) the engine states for a modelled answer at `shape`: the model's own, and beyond the
    measured lengths at least `extrapolation_floor`.

    >>> m = PerfModel(coefficients=(1e-4, 2e-3, 0.0, 0.02), shapes=(Shape(1000, 1000), Shape(1000, 8000)))
    >>> round(modelled_error(m, Shape(8000, 1000))[0], 3)  # 0.25 × (1 + 0.67 × ln 8)
    0.598
    """
    outside = outside_measured(model, shape)
    if outside:
        floor = extrapolation_floor(model, shape)
        return max(model.expected_error or 0.0, floor), (
            f"{outside} outside the measured range: at least the token-scaling error, growing with the distance"
        )
    return model.expected_error, model.error_basis


def lightest_load_miss(model: PerfModel, shape: Shape, slo: Slo, latency_error: float | None) -> str:
    """Which bound the lightest load (one request at a time) already misses, and whether by less than the model's
    latency error, in which case the shape is worth measuring before the option is ruled out.

    >>> from tco.capacity.perf_model import PerfModel
    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), ttft_coefficients=(0.05, 1e-4, 0.0, 0.0), max_concurrency=64)
    >>> print(lightest_load_miss(m, Shape(1000, 100), Slo(ttft_p50_s=0.12), 0.48))  # doctest: +ELLIPSIS
    : at concurrency 1 TTFT p50 is 0.15 s against ≤ 0.12 s, within the ±48% latency error: measure this shape ...
    >>> print(lightest_load_miss(m, Shape(1000, 100), Slo(ttft_p50_s=0.05), 0.48))  # 3× the bound: no hint
    : at concurrency 1 TTFT p50 is 0.15 s against ≤ 0.05 s
    >>> print(lightest_load_miss(m, Shape(1000, 100), Slo(itl_p99_s=0.05), 0.48))  # doctest: +ELLIPSIS
    : ITL p99 cannot be predicted from this profile, whose levels do not report it (a tail is never extrapolated ...
    """
    misses = []
    for metric, pct, bound in slo.bounds():
        value = model.latency(shape, 1.0, metric, pct)
        if value is None:
            return (f": {metric.removesuffix('_s').upper()} {pct} cannot be predicted from this profile, whose levels "
                    "do not report it (a tail is never extrapolated from the median): bound a percentile the profile "
                    "measured, or measure this one")  # fmt: skip
        if value > bound:
            misses.append((value / bound, metric, pct, value, bound))
    if not misses:
        return ""
    ratio, metric, pct, value, bound = max(misses)
    text = f": at concurrency 1 {metric.removesuffix('_s').upper()} {pct} is {value:.3g} s against ≤ {bound:.3g} s"
    if latency_error and ratio - 1 <= latency_error:
        text += f", within the ±{latency_error:.0%} latency error: measure this shape before ruling it out"
    return text


def capacity_at_slo(
    profile: Profile,
    slo: Slo,
    cls: RequestClass,
    prefix_caching: bool = True,
    max_concurrency: int | None = None,
    model: PerfModel | None = None,
) -> Capacity:
    """Capacity of one replica for requests of class `cls` (see the module docstring).

    `max_concurrency` (from the memory fit) caps the modelled search; `model` is the profile's fitted
    model when the caller already has it. A level whose throughput disagrees with its latency
    (`tco.capacity.level_consistency`) is named in a note: it counts neither as measured capacity nor in the fit.
    """
    cap = _capacity_at_slo(profile, slo, cls, prefix_caching, max_concurrency, model)
    left_out = tuple(
        f"load level {index + 1} (concurrency {level.concurrency:g}, {level_shape(level, 0.0).label()}): {problem}"
        for index, level in enumerate(profile.levels)
        if (problem := inconsistency(level))
    )
    return dataclasses.replace(cap, notes=(*cap.notes, *left_out)) if left_out else cap


def _capacity_at_slo(
    profile: Profile,
    slo: Slo,
    cls: RequestClass,
    prefix_caching: bool,
    max_concurrency: int | None,
    model: PerfModel | None,
) -> Capacity:
    shape = workload_shape(cls, prefix_caching)
    offline = not has_latency(profile)
    warn = (OFFLINE_WARNING.format(model=profile.meta.model, cls=cls.name),) if offline and cls.batch_share < 1 else ()
    group = matching_group(group_levels(profile.levels, profile.meta.cached_input_share), shape)
    if group is not None:
        cap = _measured_capacity(profile, slo, cls, group.indices)
        return dataclasses.replace(cap, offline=offline, notes=(*cap.notes, *warn))
    model = model or fit_profile(profile)
    if model is None:
        why = "no level can be used: each is left out (the notes below say why)" if profile.levels else \
            "no level has throughput"  # fmt: skip
        return Capacity(None, None, profile.meta.source, "modelled", None, notes=(why,))
    same_tokens = Shape(shape.input_tokens, shape.output_tokens, profile.meta.cached_input_share)
    measured_tokens = matching_group(group_levels(profile.levels, profile.meta.cached_input_share), same_tokens)
    if measured_tokens is not None and model.interactive:
        cap = adjusted_for_caching(profile, slo, shape, model, measured_tokens)
        return dataclasses.replace(cap, offline=offline, notes=(*cap.notes, *warn))
    expected, basis = modelled_error(model, shape)
    search = search_with_error(model, shape, slo, search_limit(model, max_concurrency), model.latency_error)
    stated = search.error(expected)
    labels = [s.label() for s in model.shapes]
    measured = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
    error = f"expected error ±{expected:.0%} ({basis})" if expected else ""
    note = f"modelled: {shape.label()} was not measured (profile: {measured}); fitted performance model, {error}"
    spread = search.error_note(expected)
    notes = (note, spread) if spread else (note,)
    if search.found is None:
        why = "no predicted load meets the SLO" if model.interactive else "the profile has no latency metrics"
        hint = lightest_load_miss(model, shape, slo, model.latency_error) if model.interactive else ""
        return Capacity(
            None,
            None,
            profile.meta.source,
            "modelled",
            None,
            None,
            stated,
            (),
            offline,
            (*notes, f"{why} for class {cls.name!r}{hint}", *warn),
        )
    x, c, latencies = search.found
    return Capacity(
        x,
        None,
        profile.meta.source,
        "modelled",
        model.prefill_share(shape, c),
        c,
        stated,
        latencies,
        offline,
        (*notes, *warn),
        expected_error_sides=search.sides(expected),
    )


def missed_at_one_request(model: PerfModel, shape: Shape, slo: Slo) -> str:
    """The bounds a model's prediction breaks with one request in flight, the lightest load there is, in words:
    why no load meets the SLO ("" when none is broken there: the SLO is missed only under load).

    >>> from tco.capacity.perf_model import PerfModel
    >>> shape = Shape(2000.0, 500.0)
    >>> model = PerfModel((0.05, 0.01, 0.0, 0.0), (3.0, 0.0, 0.0, 0.0), max_concurrency=64.0, shapes=(shape,))
    >>> missed_at_one_request(model, shape, Slo(ttft_p50_s=2.0))
    'at one request in flight it predicts TTFT p50 3 s, over the 2 s bound'
    """
    broken = []
    for metric, pct, bound in slo.bounds():
        value = model.latency(shape, 1.0, metric, pct)
        if value is not None and value > bound:
            broken.append(f"{metric.removesuffix('_s').upper()} {pct} {value:.3g} s, over the {bound:g} s bound")
    return f"at one request in flight it predicts {'; '.join(broken)}" if broken else ""


def estimated_capacity(
    model: PerfModel | None, slo: Slo, cls: RequestClass, prefix_caching: bool, why: str
) -> Capacity:
    """X* from the calibrated physical model (no profile)."""
    if model is None:
        return Capacity(None, None, "estimated", "estimated", None, notes=(why,))
    shape = workload_shape(cls, prefix_caching)
    found = best_under_slo(model, shape, slo, model.max_concurrency)
    note = f"estimated by the calibrated roofline ({model.error_basis}); measure it with `inference-roi profile`"
    error = model.expected_error
    if slo.bounds() and model.expected_slo_error is not None:
        error = model.expected_slo_error
    if found is None:
        missed = missed_at_one_request(model, shape, slo)
        return Capacity(
            None,
            None,
            "estimated",
            "estimated",
            None,
            None,
            error,
            notes=(note, f"roofline: no load meets the SLO for class {cls.name!r}" + (f": {missed}" if missed else "")),
        )
    x, c, latencies = found
    return Capacity(
        x,
        None,
        "estimated",
        "estimated",
        model.prefill_share(shape, c),
        c,
        error,
        latencies,
        notes=(note,),
    )


def combine_classes(capacities: list[Capacity], shares: list[float]) -> float | None:
    """Requests/s of the class mix on one replica: 1 / sum(share_c / X*_c) (replica time adds up).

    >>> fast, slow = Capacity(2.0, 0, "measured", "measured", None), Capacity(1.0, 0, "measured", "measured", None)
    >>> combine_classes([fast, slow], [0.5, 0.5])
    1.3333333333333333
    """
    if any(c.req_per_s is None for c in capacities):
        return None
    return 1.0 / sum(w / c.req_per_s for c, w in zip(capacities, shares, strict=True) if c.req_per_s)
