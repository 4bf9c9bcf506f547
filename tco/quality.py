"""The good-enough gate and cost-of-pass (research/tco.md 7.9)."""

from __future__ import annotations

from models.catalog import ModelCard


def quality_score(card: ModelCard | None, metric: str, override: float | None) -> tuple[float | None, str]:
    """The option's score on `metric` and where it came from."""
    if override is not None:
        return override, "scenario (user's own eval)"
    if card is None:
        return None, "unknown: model not in the catalogue"
    score = card.score(metric)
    if score is None:
        return None, f"unknown: no {metric} score in the catalogue for {card.id}"
    return score.score, f"{score.source} ({score.as_of}, {score.mode})"


def passes_gate(score: float | None, min_score: float | None) -> bool | None:
    """True/False against the threshold; None when there is no threshold or no score."""
    if min_score is None or score is None:
        return None
    return score >= min_score


def cost_of_pass(usd_per_request: float, success_rate: float | None) -> float | None:
    """Expected cost of one successful request: cost per attempt / success rate.

    >>> cost_of_pass(0.05, 0.5)
    0.1
    """
    if success_rate is None:
        return None
    return usd_per_request / success_rate


def pareto_front(costs: list[float], scores: list[float | None]) -> list[int]:
    """Indices of the options no other option beats on both cost (lower) and score (higher), cheapest first.

    Options without a score are left out: they cannot be placed on the quality axis.

    >>> pareto_front([1.0, 2.0, 3.0, 2.5], [50.0, 70.0, 60.0, None])
    [0, 1]
    """
    scored = sorted((c, -s, i) for i, (c, s) in enumerate(zip(costs, scores, strict=True)) if s is not None)
    front, best = [], float("-inf")
    for _cost, negative_score, index in scored:
        if -negative_score > best:
            front.append(index)
            best = -negative_score
    return front
