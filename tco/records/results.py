"""What an evaluation returns: per option, per comparison pair, and the assumptions used."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OptionResult:
    id: str
    kind: str
    """api, or self_hosted; `ownership` says rented or owned."""
    label: str
    model: str
    ownership: str | None
    gpu: str | None
    """Self-hosted: the GPU type (from the option or its profile)."""
    monthly_cost_usd: list[float]
    first_month_cost_usd: float
    total_cost_usd: float
    """Sum of monthly costs plus one-time implementation."""
    npv_cost_usd: float
    """Present value of every cost over the horizon, implementation included, and of a reserved term's contract
    after it when `finance.commitments_after_horizon` is count (the default)."""
    usd_per_mtok: float
    usd_per_mtok_input: float | None
    usd_per_mtok_output: float | None
    usd_per_request: float
    replicas_first_month: int | None
    gpus_first_month: int | None
    """GPUs serving (replicas × GPUs per replica)."""
    utilization_first_month: float | None
    """Mean load / the capacity of the billed GPUs (whole instances or servers)."""
    slo_met: bool
    capacity_basis: str
    replica_req_per_s: float | None
    quality_score: float | None
    quality_source: str
    quality_ok: bool | None
    cost_of_pass_usd: float | None
    breakdown_first_month_usd: dict[str, float]
    monthly_components_usd: dict[str, list[float]] = field(default_factory=dict)
    """Each month's cost by component (tco.cost.components); a month's components add up to monthly_cost_usd."""
    gpus_billed_first_month: float | None = None
    """GPUs paid for: whole instances or servers (an hourly mean when autoscaled)."""
    peak_fill_first_month: float | None = None
    """The share of its planned capacity the first month's peak fills (`tco.finance.projection.peak_fill`); None
    for APIs and autoscaled fleets."""
    commitments: list[dict[str, float]] | None = None
    """Reserved or owned: tranches {start_month, end_month, units} (0-based months; units = instances or
    servers), renewed or replaced while still needed."""
    capacity: dict[str, Any] | None = None
    """Self-hosted: {method: measured|modelled|estimated, basis, expected_error, gpus_per_replica_source:
    given|profile|memory_fit, max_concurrency, prefix_caching, memory_fit}."""
    cash_flow_usd: list[float] | None = None
    """Owned only: month 0 (capex) then each month's cash out; the terminal value is not in it."""
    terminal_value_usd: float | None = None
    """Owned only: the servers' economic value at the horizon (the present value of their remaining capital charges
    and residual, tco.cost.hardware.economic_value): the assumption the P&L NPV makes too."""
    npv_cash_usd: float | None = None
    """Owned only: NPV of the cash flows less the discounted terminal value."""
    depreciation_usd: list[float] | None = None
    """Owned: straight-line depreciation each month (accounting view), beside the P&L annuity and the cash flows."""
    accounting_cost_usd: list[float] | None = None
    """Owned: each month's cost with straight-line depreciation in place of the capital charge (no cost of capital)."""
    quality_gate: str | None = None
    """passes, below or unscored against the scenario's gate; None when no gate is set."""
    quality_records: list[dict[str, Any]] = field(default_factory=list)
    """Every quality record of the option (its own, then the catalogue's): benchmark, score, party, source…"""
    success_rate: float | None = None
    success_rate_ci: tuple[float, float] | None = None
    """95 % Wilson interval of the success rate, when the number of eval tasks is known."""
    cost_of_pass_ci_usd: tuple[float, float | None] | None = None
    output_tokens_per_request: float | None = None
    """Mean output tokens (reasoning included) this option spends per request: its own or the workload's."""
    output_tokens_basis: str = "the workload's"
    """Where `output_tokens_per_request` comes from: "the workload's", "measured by your eval (file)", "set on
    the option: <basis>", or "the workload's × k (set on the option)"."""
    quality_mode: str | None = None
    """The deciding quality record's mode (thinking, non_thinking, unknown); None without a record."""
    quality_missing: list[str] = field(default_factory=list)
    """Unscored on the gate: each missing score and how to add it."""
    quality_unverified_records: int = 0
    """No verified score on the gate's benchmark, but this many unverified records (listed, not used)."""
    usd_per_gpu_hour: float | None = None
    """Rented: the GPU-hour price billed (the chosen offer's or the option's own, spot overhead included)."""
    server_usd: float | None = None
    """Owned: the price of one server (the option's quote or the GPU sheet's)."""
    irr: float | None = None
    """Self-hosted: IRR of the savings against `returns_against` (cash view when owned), a yearly rate."""
    roi: float | None = None
    """Self-hosted: undiscounted net savings over the horizon / the month-0 outlay, against `returns_against`."""
    returns_note: str | None = None
    """Why `irr` and `roi` are None (tco.finance.discounting.not_an_investment)."""
    returns_against: str | None = None
    """The API option (cheapest by NPV) that `irr` and `roi` are measured against."""
    one_time_cost_usd: float | None = None
    """Distilled: the project's one-time cost (data + training + evaluation), in `total_cost_usd` and NPV."""
    project_breakdown_usd: dict[str, float] | None = None
    """Distilled: {data, training, evaluation}."""
    training_gpu_hours: float | None = None
    """Distilled: compute-bound training GPU-hours (None when a fine-tuning API trains it)."""
    training_min_gpus: int | None = None
    """Distilled: the memory floor's GPU count on the training GPU."""
    distillation: dict[str, Any] | None = None
    """Distilled: the teacher, the training plan (tokens, FLOPs, MFU, cluster, wall time, price), the teacher's
    data price, re-distillation, payback against the teacher and the quality gap (student − teacher)."""
    retires_on: str | None = None
    """API: the announced shutdown of its model or endpoint (ISO date) when it falls before the horizon ends."""
    successor: str | None = None
    """The provider's named successor for a retiring model."""
    retired_before_start: bool = False
    """An API whose model or endpoint is shut down before the scenario starts: not recommended (notes say when and
    the successor)."""
    committed_after_horizon_usd: float = 0.0
    """Reserved terms: what is left of the contract after the horizon, nominal (0 when none runs past it)."""
    committed_after_horizon_pv_usd: float = 0.0
    """Its present value at month 0: what the NPV of cost counts unless commitments_after_horizon is ignore."""
    notes: list[str] = field(default_factory=list)


def rank_key(option: OptionResult) -> tuple[bool, bool, float]:
    """Best first: meets the SLO (and is not shut down), passes the quality gate (below it or unscored ranks
    after), lowest NPV of cost."""
    return (
        not option.slo_met or option.retired_before_start,
        option.quality_gate in ("below", "unscored"),
        option.npv_cost_usd,
    )


def recommendable(option: OptionResult) -> bool:
    """Meets the SLO, passes the gate when one is set, and is not shut down before the scenario starts."""
    return option.slo_met and option.quality_gate in (None, "passes") and not option.retired_before_start


@dataclass(frozen=True)
class Crossing:
    requests_per_month: float
    tokens_per_month: float
    self_hosted_cheaper_above: bool
    """True: self-hosting becomes cheaper as volume rises through this point."""


@dataclass(frozen=True)
class VolumeRange:
    """Volumes (requests a month, at first-month volume) where one side is the cheaper throughout
    (`tco.finance.volume_ranges`); None: from zero, or to the end of the search."""

    from_requests_per_month: float | None
    to_requests_per_month: float | None
    cheaper: str
    """self_hosted, api, or even: crossings alternate within a few percent of volume (see `costs_within`)."""
    costs_within: float | None = None
    """even: the largest gap between the two costs inside the range, over the API's cost."""


@dataclass(frozen=True)
class BreakEven:
    self_hosted: str
    api: str
    crossings: list[Crossing]
    """First-month break-even: volumes at which month 1 costs the same, at first-month prices."""
    break_even_utilization: float | None
    """Fleet utilisation at which self-hosted $/Mtok equals the API's first-month $/Mtok."""
    monthly_savings_usd: list[float]
    cumulative_savings_usd: list[float]
    payback_month: int | None
    discounted_payback_month: int | None
    """The first month the discounted savings repay the upfront difference; owned servers: on cash (servers paid when
    bought), as `cash_payback_month`, so it never comes before it."""
    npv_savings_usd: float
    cash_payback_month: int | None = None
    """Cash view (owned): payback on cash alone, never counting the terminal value."""
    cash_first_covered_month: int | None = None
    """Cash view (owned): the first month the cash was covered, where a later purchase took it below again (so it
    comes before `cash_payback_month`); else None (a reviewer: "cash payback month 31" hid month 20)."""
    terminal_value_usd: float | None = None
    """Owned: the servers' economic value at the horizon, reported apart from payback."""
    horizon_crossings: list[Crossing] = field(default_factory=list)
    """Horizon break-even: first-month volumes at which the NPV of savings over the horizon is zero (growth,
    price declines, commitments and implementation included)."""
    irr: float | None = None
    """IRR of [−upfront, savings…] (+ terminal value in the cash view), compounded to a year; None when the flows
    are not an investment (`returns_note` says why)."""
    roi: float | None = None
    """(Σ flows of `irr`) / the month-0 outlay, undiscounted: the terminal value in the cash view included."""
    roi_without_terminal_value: float | None = None
    """Owned: `roi` with the servers' terminal value left out, the savings the horizon's cash alone returns (a
    reviewer: "ROI 102%" was 26 % without it, and its help did not say it was counted)."""
    returns_note: str | None = None
    """Why `irr` and `roi` are None (no material outlay, or the outlay never comes back), else None."""
    month_one_ranges: list[VolumeRange] = field(default_factory=list)
    """Month 1 at first-month prices: where each side is the cheaper, covering 100 to 100 billion requests/month."""
    horizon_ranges: list[VolumeRange] = field(default_factory=list)
    """Over the horizon (NPV of savings), by first-month volume."""


@dataclass(frozen=True)
class OptionError:
    """An option that cannot be computed (e.g. its model fits no GPU count): shown in its own row."""

    id: str
    label: str
    error: str


@dataclass(frozen=True)
class ScenarioResult:
    scenario: str
    options: list[OptionResult]
    break_even: list[BreakEven]
    assumptions: dict[str, Any]
    option_errors: list[OptionError] = field(default_factory=list)

    def option(self, option_id: str) -> OptionResult:
        return next(o for o in self.options if o.id == option_id)
