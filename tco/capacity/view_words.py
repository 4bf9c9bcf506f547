"""The sentences the Throughput page writes about a prediction: how sure an X* is (`error_story`) and how far the
workload's shape lies from what was measured (`beyond_words`, `far_shape_note`)."""

from __future__ import annotations

import math

from profiling.schema import Profile
from tco.capacity.at_slo import beyond_measured, extrapolation_floor
from tco.capacity.perf_model import PerfModel
from tco.capacity.shapes import Shape, group_levels
from tco.capacity.slo_search import SloSearch
from tco.records.scenario import RequestClass


def error_story(model: PerfModel, shape: Shape, search: SloSearch, stated: float | None) -> str:
    """The expected error of a modelled X* told as the largest of its parts, each as an error of the answer against
    the truth, |answer / truth − 1| (`tco.capacity.slo_search`): the fitted model's own, the floor for a shape beyond
    the measured lengths (`tco.capacity.at_slo.extrapolation_floor`), and what the latency error makes of the knee
    (`search`, the search for X* at the bounds moved by the model's latency error).

    >>> from tco.capacity.slo_search import search_with_error
    >>> from tco.records.scenario import Slo
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
    0.853 req/s, lies between 0.575 and 1.26 req/s in 80 % of cases (the range the Monte Carlo draws): this answer
    up to 48% above the truth or 33% below it.

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
        parts.append(f"at least ±{floor:.0%} because the workload's {beyond_words(model, shape)} (it grows with the "
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
    # reviewer met "±48 %" beside a range reaching 82 % above the answer, so the two are tied in words, in the ±'s
    # own terms (the range said again as "the truth from 32 % below this answer to 48 % above it" read twice over)
    return (f"{story} All together, the capacity at the SLO, {x:.3g} req/s, lies between {x / (1 + below):.3g} and "
            f"{x * (1 + above):.3g} req/s in 80 % of cases (the range the Monte Carlo draws): this answer up to "
            f"{below:.0%} above the truth or {above / (1 + above):.0%} below it.")  # fmt: skip


def beyond_words(model: PerfModel, shape: Shape) -> str:
    """Which of the shape's lengths lie beyond the measured ones (`beyond_measured`), with both, in words.

    >>> m = PerfModel((1e-4, 1e-3, 0.0, 0.01), shapes=(Shape(1024, 128), Shape(8192, 128)))
    >>> beyond_words(m, Shape(2000, 500))
    '500 output tokens lie outside the measured 128'
    >>> beyond_words(m, Shape(16000, 1000))
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
