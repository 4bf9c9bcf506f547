"""The verdict with the best mix beside it: recommended only when it saves more than the scenario's margin.

Worked example: the best single option costs $1,000,000 (NPV) and the mix $900,000; with a 5 % margin the mix is
recommended ("… $100,000 (10.0%) less than the best single option … more than the 5% margin"); at a 20 % margin
the single option stands and the sentence says the mix would save too little to be worth running.
"""

from __future__ import annotations

from tco.records.amounts import usd
from tco.records.mix import MixResult

PREFIX = "Recommended: "
NOT_RECOMMENDED = " Not recommended: "
NOT_ALONE = " Not recommended alone, for every class: "


SINGLE_MARK = " As a single option: "
"""Where a recommended mix's verdict turns to the best single option (the app opens that part on demand)."""


def with_mix(single_verdict: str, mix: MixResult | None) -> str:
    """`single_verdict` (tco.decision.verdict.verdict) led by the mix when it is recommended, else followed by why
    it is not."""
    if mix is None or mix.saving_usd is None or mix.saving_share is None or mix.best_single_option is None:
        return single_verdict
    margin = f"{mix.min_saving_share:.0%}"
    if mix.recommended:
        # the single options' "Not recommended" is about serving every class alone; the mix may use one of them
        # for the classes whose gates it passes, so the sentence says which it means
        single = single_verdict.removeprefix(PREFIX).replace(NOT_RECOMMENDED, NOT_ALONE)
        return (
            f"{PREFIX}a mix — {'; '.join(mix.words)}. It costs {usd(mix.npv_cost_usd)} (NPV), "
            f"{usd(mix.saving_usd)} ({mix.saving_share:.1%}) less than the best single option, "
            f"{mix.best_single_option}: more than the {margin} margin.{SINGLE_MARK}{single}"
        )
    if mix.saving_usd <= 0.5:
        return f"{single_verdict} No mix of the options beats {mix.best_single_option} alone."
    return (
        f"{single_verdict} The best mix would save {usd(mix.saving_usd)} ({mix.saving_share:.1%}) against "
        f"{mix.best_single_option}, under the {margin} margin: not worth running several options."
    )


def mix_classes(option: str, mix: MixResult | None) -> list[str]:
    """The classes the recommended mix serves with `option` (none when no mix is recommended)."""
    return sorted({a.class_name for a in mix.assignments if a.option == option}) if mix and mix.recommended else []


def uncounted_note(
    option: str, why: str, mix: MixResult | None, counted: str = "the savings and payback below", one: bool = False
) -> str:
    """Why a pair's savings with a not-recommended self-hosted `option` do not count (`why`: its reasons), and, when
    the recommended mix uses it for the classes whose gates it passes, that the figures are for it alone. `counted`
    names the figures (`one`: a single figure, "this payback").

    >>> print(uncounted_note("oss-1y", "below the quality gate", None))
    oss-1y is not recommended (below the quality gate): the savings and payback below do not count until it is.
    >>> from tco.records.mix import MixAssignment
    >>> mix = MixResult(1.0, [1.0], 0.0, {}, "gem", 2.0, 1.0, 0.5, True, 0.05,
    ...                 [MixAssignment("faq", "oss-1y", 0.8, "primary")], [], [], {}, [], {}, {})
    >>> print(uncounted_note("oss-1y", "below the quality gate", mix))  # doctest: +NORMALIZE_WHITESPACE
    oss-1y is not recommended alone (below the quality gate): it cannot serve every class. The recommended mix uses
    it for faq, where it passes; the savings and payback below are for it serving the whole workload alone.
    """
    classes = mix_classes(option, mix)
    if not classes:
        return f"{option} is not recommended ({why}): {counted} {'does' if one else 'do'} not count until it is."
    return (f"{option} is not recommended alone ({why}): it cannot serve every class. The recommended mix uses it for "
            f"{', '.join(classes)}, where it passes; {counted} {'is' if one else 'are'} for it serving the whole "
            "workload alone.")  # fmt: skip
