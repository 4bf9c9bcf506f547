"""The best mix of options (tco.portfolio), as the CLI's JSON, the app and the exports read it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MixAssignment:
    """Who serves a class: `share` of its requests over the horizon; role primary (the largest share), overflow
    (the rest of the class's load, hour by hour) or escalation (the share a cascade hands on)."""

    class_name: str
    option: str
    share: float
    role: str
    offer: str = ""
    """For a self-hosted option, the offer: 'reserved 12 months', 'on-demand, autoscaled', …"""


@dataclass(frozen=True)
class MixFleet:
    """A self-hosted offer the mix uses: replicas and GPUs month by month (the hourly peak when autoscaled) and how
    busy its GPUs are (mean load over the day ÷ the capacity of the replicas held)."""

    option: str
    term: str
    replicas_by_month: list[float]
    gpus_by_month: list[float]
    utilization_by_month: list[float]


@dataclass(frozen=True)
class MixResult:
    npv_cost_usd: float
    monthly_cost_usd: list[float]
    """Running cost each month (one-time costs apart, in `one_time_usd`)."""
    one_time_usd: float
    components_usd: dict[str, list[float]]
    """Monthly cost by component: api, committed GPUs, flexible GPUs, per-request (egress), staff and platform."""
    best_single_option: str | None
    best_single_npv_cost_usd: float | None
    """The cheapest single option that every class may use, priced the same way (the mix with every ingredient
    off); equal to the engine's own NPV for that option."""
    saving_usd: float | None
    saving_share: float | None
    recommended: bool
    """The mix saves more than `portfolio.min_saving_share` of the best single option's NPV."""
    min_saving_share: float
    assignments: list[MixAssignment]
    fleet: list[MixFleet]
    overflow_hours_utc: list[int]
    """UTC hours in which some class's requests go beyond its primary route (the committed fleet's overflow)."""
    ingredient_savings_usd: dict[str, float]
    """Per ingredient allowed: the NPV the mix would cost more without it (the others kept)."""
    words: list[str]
    """The mix class by class, in words."""
    served_req_per_s: dict[str, list[list[float]]]
    """Per option, month by month, the requests/s it serves in each UTC hour (24 values; without a daily curve every
    hour at the peak-to-average): the 24-hour load by who serves it."""
    solver: dict[str, object]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MixCase:
    """One end of one input's range (tco.portfolio.robustness): the mix and the best single option solved again."""

    input: str
    value: str
    mix_npv_cost_usd: float
    best_single_npv_cost_usd: float
    best_single_option: str | None
    saving_usd: float
    still_recommended: bool


@dataclass(frozen=True)
class MixDraws:
    """The mix under the Monte Carlo (tco.portfolio.robustness.mix_monte_carlo): every input drawn together."""

    draws: int
    seed: int
    share_recommended: float
    """Share of draws in which the mix saves more than the margin against that draw's best single option."""
    saving_p10_p50_p90_usd: tuple[float, float, float]
    median_saving_share: float
