"""Per-replica capacity at the SLO, from a measured (or published) throughput profile.

X* is the highest measured req/s among the load levels that meet every SLO bound and had
no failed requests; nothing is extrapolated beyond measured levels (DESIGN.md, Contracts).
When the profile was measured at another request shape than the workload's, the nearest
shape is used and scaled by tokens processed per request, with a visible "extrapolated" note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from profiling.schema import Profile
from tco.scenario import RequestClass, Slo


@dataclass(frozen=True)
class Capacity:
    req_per_s: float | None
    """Requests/s one replica serves within the SLO; None when no level meets it."""
    level_index: int | None
    basis: str
    """measured, published or estimated: where the throughput comes from."""
    extrapolated: bool
    prefill_share: float | None
    """Share of a request's GPU time spent in prefill (TTFT p50 / E2E p50 at the chosen level)."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LevelCheck:
    """One load level against the SLO: whether it counts, and each reason it does not."""

    index: int
    meets_slo: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    """Bounded metrics the level did not measure, e.g. 'ttft p99'."""


def level_checks(profile: Profile, slo: Slo) -> list[LevelCheck]:
    checks = []
    for index, level in enumerate(profile.levels):
        reasons, missing = [], []
        if level.requests_failed > 0:
            reasons.append(f"{level.requests_failed} failed requests")
        for metric, pct, bound in slo.bounds():
            name = f"{metric.removesuffix('_s')} {pct}"
            value = level.latency(metric, pct)
            if value is None:
                missing.append(name)
                reasons.append(f"{name} not measured")
            elif value > bound:
                reasons.append(f"{name} {value:.3g} s > {bound:g} s")
        checks.append(LevelCheck(index, not reasons, tuple(reasons), tuple(missing)))
    return checks


def _shape_distance(level_in: float, level_out: float, cls: RequestClass) -> float:
    return abs(math.log(level_in / cls.input_tokens)) + abs(math.log(level_out / cls.output_tokens))


def capacity_at_slo(profile: Profile, slo: Slo, cls: RequestClass) -> Capacity:
    """Capacity of one replica for requests of class `cls`.

    A bound on a metric that the level did not measure cannot be verified, so that level
    does not count as meeting the SLO (a note says which metric was missing).
    """
    shapes = sorted({(lv.input_tokens, lv.output_tokens) for lv in profile.levels})
    shape = min(shapes, key=lambda s: _shape_distance(s[0], s[1], cls))
    notes: list[str] = []
    best: tuple[float, int] | None = None
    missing: set[str] = set()
    for check in level_checks(profile, slo):
        level = profile.levels[check.index]
        if (level.input_tokens, level.output_tokens) != shape:
            continue
        missing.update(check.missing)
        if check.meets_slo and (best is None or level.req_per_s > best[0]):
            best = (level.req_per_s, check.index)
    if missing:
        notes.append(f"profile does not report {', '.join(sorted(missing))}; levels lacking them cannot meet the SLO")
    extrapolated = shape != (cls.input_tokens, cls.output_tokens)
    if best is None:
        notes.append(f"no load level of the {profile.meta.model} profile meets the SLO for class {cls.name!r}")
        return Capacity(None, None, profile.meta.source, extrapolated, None, tuple(notes))
    req_per_s, index = best
    if extrapolated:
        factor = (shape[0] + shape[1]) / (cls.input_tokens + cls.output_tokens)
        notes.append(
            f"extrapolated: profile measured at {shape[0]:g}/{shape[1]:g} tokens, class {cls.name!r} is "
            f"{cls.input_tokens:g}/{cls.output_tokens:g}; req/s scaled by tokens per request (x{factor:.2f})"
        )
        req_per_s *= factor
    level = profile.levels[index]
    ttft, e2e = level.ttft_s.p50, level.e2e_s.p50
    prefill_share = min(1.0, ttft / e2e) if ttft is not None and e2e else None
    return Capacity(req_per_s, index, profile.meta.source, extrapolated, prefill_share, tuple(notes))


def combine_classes(capacities: list[Capacity], shares: list[float]) -> float | None:
    """Requests/s of the class mix on one replica: 1 / sum(share_c / X*_c) (replica time adds up).

    >>> fast, slow = Capacity(2.0, 0, "measured", False, None), Capacity(1.0, 0, "measured", False, None)
    >>> combine_classes([fast, slow], [0.5, 0.5])
    1.3333333333333333
    """
    if any(c.req_per_s is None for c in capacities):
        return None
    return 1.0 / sum(w / c.req_per_s for c, w in zip(capacities, shares, strict=True) if c.req_per_s)
