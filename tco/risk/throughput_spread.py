"""How sure each option's throughput is, as the Monte Carlo draws it and the tornado swings it: a log-normal
σ of ln X* by where X* comes from (`throughput_sd`), one each side where the stated error differs by side
(`throughput_sds`), and the same in words for the Risk page (`throughput_range_words`).

Measured figures are drawn at the scenario's `throughput_rel_sd` (12 %), published ones at least PUBLISHED_SD
(measured by someone else, on their stack), modelled, transferred and estimated ones at least what the capacity
model's stated error implies: that error is the bound 80 % of held-out cases stay within, so it is the log-normal's
central 80 % interval.

>>> throughput_sd("modelled", 0.25, 0.12), throughput_sd("measured", 0.0, 0.12)  # ln 1.25 / 1.2816 < 0.20
(0.2, 0.12)
"""

from __future__ import annotations

import math

from tco.cost.option_models import OptionSetup

Z_90 = 1.2815515655446004
"""The standard normal's 90th percentile: ±Z_90 holds the central 80 % of draws."""
PUBLISHED_SD = 0.20
"""Throughput spread for published figures: measured by someone else, on their stack (an estimate)."""


def throughput_sd(method: str, expected_error: float | None, measured_sd: float) -> float:
    """σ of ln X* for an option: widens from measured to published, modelled and estimated.

    A stated expected error e is the bound 80 % of held-out cases stay within (|X / X̂ − 1| ≤ e, `tco.capacity`), so
    it is the log-normal's central 80 % interval, X̂ / (1 + e) … X̂ · (1 + e):

        σ = ln(1 + e) / z₀.₉,   z₀.₉ = 1.2816

    (Before, σ = e: for e = 64 % the draws' 80 % interval ran to × 2.27 where the error said × 1.64.)

    >>> round(throughput_sd("estimated", 0.64, 0.12), 4)  # ln 1.64 / 1.2816
    0.386
    """
    floor = {"measured": measured_sd, "published": max(measured_sd, PUBLISHED_SD)}.get(
        method, max(measured_sd, PUBLISHED_SD)
    )
    return max(floor, math.log1p(expected_error) / Z_90 if expected_error else 0.0)


def throughput_sds(method: str, sides: tuple[float, float] | None, measured_sd: float) -> tuple[float, float]:
    """(σ below X*, σ above X*): each side's stated error (`Capacity.error_sides`: the truth between X* / (1 + below)
    and X* · (1 + above)) as `throughput_sd` makes one σ of it.

    Worked example: an SLO search that puts X* between ÷ 2.28 and × 1.08 (modelled): σ below = ln 2.28 / 1.2816 =
    0.643; above, ln 1.08 / 1.2816 = 0.060 is under the published floor, 0.20.

    >>> [round(sd, 3) for sd in throughput_sds("modelled", (1.28, 0.08), 0.12)]
    [0.643, 0.2]
    """
    below, above = sides or (None, None)
    return throughput_sd(method, below, measured_sd), throughput_sd(method, above, measured_sd)


def throughput_range_words(option: str, method: str, sides: tuple[float, float] | None, measured_sd: float) -> str:
    """How an option's stated throughput error becomes the draws' spread and the tornado's swing, in words: each
    side's error is the log-normal's 80 % bound on that side (`throughput_sds`, never below its method's floor), the
    tornado's ends 2 σ out on each side.

    Worked example: modelled ±48 %: σ = ln 1.48 / 1.2816 = 0.3059; ±2 σ: e^−0.6118 = 0.542, e^0.6118 = 1.844.

    >>> print(throughput_range_words("glm5-h200", "modelled", (0.48, 0.48), 0.12))  # doctest: +NORMALIZE_WHITESPACE
    Throughput of glm5-h200: its expected error ±48% (modelled) is drawn as the same factor either way, ÷ 1.48 to
    × 1.48, the 80 % range of the draws; the tornado's ends, 2 standard deviations out, are × 0.542 and × 1.84
    (−46% / +84%).
    >>> print(throughput_range_words("own", "measured", (0.05, 0.05), 0.12))  # doctest: +NORMALIZE_WHITESPACE
    Throughput of own: the draws' 80 % range is × 0.857 to × 1.17, the floor for measured figures (wider than its
    stated ±5%); the tornado's ends, 2 standard deviations out, are × 0.787 and × 1.27 (−21% / +27%).
    >>> print(throughput_range_words("b200", "modelled", (1.28, 0.08), 0.12))  # doctest: +NORMALIZE_WHITESPACE
    Throughput of b200: its expected error differs by side (modelled; the SLO search's range), ÷ 2.28 below and
    × 1.08 above, each side drawn at least as wide as the floor for modelled figures: the 80 % range of the draws
    (× 0.439 to × 1.29); the tornado's ends, 2 standard deviations out, are × 0.276 and × 1.49 (−72% / +49%).
    """
    sd_below, sd_above = throughput_sds(method, sides, measured_sd)
    low, high = math.exp(-2 * sd_below), math.exp(2 * sd_above)
    span = f"× {math.exp(-Z_90 * sd_below):.3g} to × {math.exp(Z_90 * sd_above):.3g}"
    below, above = sides or (None, None)
    if below is not None and above is not None and not math.isclose(below, above):
        drawn = (f"its expected error differs by side ({method}; the SLO search's range), ÷ {1 + below:.3g} below "
                 f"and × {1 + above:.3g} above, each side drawn at least as wide as the floor for {method} figures: "
                 f"the 80 % range of the draws ({span})")  # fmt: skip
    elif below and math.isclose(sd_below, math.log1p(below) / Z_90):
        factor = f"{1 + below:.3g}"
        # the range is the factor itself: "÷ 1.6 to × 1.6 (× 0.623 to × 1.6)" read as two ranges (a reviewer)
        drawn = (f"its expected error ±{below:.0%} ({method}) is drawn as the same factor either way, "
                 f"÷ {factor} to × {factor}, the 80 % range of the draws")  # fmt: skip
    else:
        wider = f" (wider than its stated ±{below:.0%})" if below else ""
        drawn = f"the draws' 80 % range is {span}, the floor for {method} figures{wider}"
    return (f"Throughput of {option}: {drawn}; the tornado's ends, 2 standard deviations out, are × {low:.3g} and "
            f"× {high:.3g} (−{1 - low:.0%} / +{high - 1:.0%}).")  # fmt: skip


def spread_method(method: str, basis: str) -> str:
    """What sets a capacity's spread (`throughput_sd`): a measured answer's basis (measured by you, or published),
    else its method (modelled, transferred, estimated).

    >>> spread_method("measured", "published"), spread_method("modelled", "measured")
    ('published', 'modelled')
    """
    return basis if method == "measured" else method


def option_throughput_sds(setups: list[OptionSetup], measured_sd: float) -> dict[str, tuple[float, float]]:
    """(σ below, σ above) of X* for every self-hosted option, from how its capacity was found (`throughput_sds`)."""
    out = {}
    for setup in setups:
        cap = setup.capacity
        if cap is None or cap.req_per_s is None:
            continue
        out[setup.model.id] = throughput_sds(spread_method(cap.method, cap.basis), cap.expected_error_sides,
                                             measured_sd)  # fmt: skip
    return out
