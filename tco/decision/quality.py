"""Is the model good enough for the task, and what does a *successful* task cost?

- The gate (`QualityGate`): a benchmark score ≥ `min_score` (the deciding record: your own eval, else a third
  party's, else the vendor's; models.quality.best_record) and/or a success rate ≥ `min_success_rate`.
  Missing either one it needs, the option is `unscored`: not recommended, and said so.
- Success rates carry a Wilson score interval (95 %, evals.stats) when the number of tasks is known.
- Cost-of-pass = cost per task / success rate: the expected spend for one task done right (a failed
  attempt is paid for too). Its interval divides by the success interval's ends.
- Tokens per task: an option's `output_tokens` replaces the workload's mean output, or
  `output_tokens_multiplier` scales every class's (tco.cost.option_models.option_classes).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from evals.stats import wilson_interval
from models.catalog import ModelCard
from models.quality import QualityRecord, best_record
from tco.records.amounts import percent
from tco.records.benchmarks import benchmark_name
from tco.records.scenario import Option, QualityGate, Scenario

GateStatus = Literal["passes", "below", "unscored"]

FIELDS = dataclasses.fields(QualityRecord)
"""A quality record's fields, in order (`QualityView.records_json`)."""


@dataclass(frozen=True)
class QualityView:
    """What an option's result says about quality."""

    records: tuple[QualityRecord, ...]
    score: float | None
    """The deciding record's score on the gate's benchmark."""
    source: str
    gate: GateStatus | None
    """None when no gate is set."""
    success_rate: float | None
    success_ci: tuple[float, float] | None
    reasons: tuple[str, ...] = ()
    mode: str | None = None
    """The deciding record's mode (thinking, non_thinking, unknown)."""
    missing: tuple[str, ...] = ()
    """Unscored: each missing score, and how to add it."""
    unverified_records: int = 0
    """With no verified score on the gate's benchmark: how many unverified records it has, listed and not used."""

    @property
    def ok(self) -> bool | None:
        """True passes, False below the gate; None with no gate or no score to judge by (`gate` says which)."""
        return {"passes": True, "below": False}.get(self.gate or "")

    def records_json(self) -> list[dict]:
        """Each record's fields as a dict (every field is a plain value: a shallow copy is the whole record, without
        `dataclasses.asdict`'s deep copy, which cost the Break-even page ~15 ms a rerun), the date as ISO text."""
        return [{f.name: getattr(r, f.name) for f in FIELDS} | {"as_of": r.as_of.isoformat()} for r in self.records]


def assess(card: ModelCard | None, option: Option, gate: QualityGate) -> QualityView:
    """The option's records (its own first, then the catalogue's), the deciding score, and the gate verdict."""
    records = (*option.quality, *(card.quality if card is not None else ()))
    record = best_record(records, gate.benchmark)
    mode = record.mode if record is not None else None
    unverified = 0 if record is not None else sum(r.benchmark == gate.benchmark and not r.verified for r in records)
    if record is not None:
        score, source = record.score, record.provenance
    elif card is None:
        score, source = None, "unknown: model not in the catalogue and no record in the scenario"
    else:
        aside = f" ({unverified} unverified, listed, not used)" if unverified else ""
        score, source = None, f"unknown: no verified {benchmark_name(gate.benchmark)} score for {card.id}{aside}"
    rate = option.success_rate
    ci = wilson_interval(rate * option.success_n, option.success_n) if rate is not None and option.success_n else None
    if not gate.active:
        return QualityView(records, score, source, None, rate, ci, mode=mode, unverified_records=unverified)
    reasons, missing = [], []
    if gate.min_score is not None:
        name = benchmark_name(gate.benchmark)  # "GPQA Diamond", not the key "gpqa_diamond"
        if score is None:
            reasons.append(f"no {name} score")
            missing.append(
                f"no verified {name} score: {'its' if unverified == 1 else 'the'} {unverified} unverified "
                f"record{'s are' if unverified != 1 else ' is'} not used; add a verified one to the option's quality "
                "records"
                if unverified
                else f"no {name} score: add one to the option's quality records"
            )  # the Quality page lists the unverified record: "add one" read as if none existed
        elif score < gate.min_score:
            reasons.append(f"{name} {score:g} < {gate.min_score:g}")
    if gate.min_success_rate is not None:
        if rate is None:
            reasons.append("no success rate from an eval")
            missing.append("no success rate (import your eval on the Quality page, or `eval:` on the option)")
        elif rate < gate.min_success_rate:
            reasons.append(f"success rate {percent(rate, 0)} < {100 * gate.min_success_rate:g}%")  # the gate as set
    below = any("<" in r for r in reasons)
    status: GateStatus = "below" if below else "unscored" if missing else "passes"
    return QualityView(records, score, source, status, rate, ci, tuple(reasons), mode, tuple(missing), unverified)


def assess_workload(card: ModelCard | None, option: Option, scenario: Scenario) -> QualityView:
    """`assess` against the scenario's gate and every request class's own gate: the option passes only when it
    passes each one (a class it fails would be served below its bar); the reasons name the class.

    The score shown stays the scenario gate's (the first class gate's when the scenario sets none)."""
    base = assess(card, option, scenario.quality)
    classes = [(c.name, assess(card, option, c.quality)) for c in scenario.workload.request_classes
               if c.quality is not None and c.quality.active]  # fmt: skip
    if not classes:
        return base
    views = ([("", base)] if scenario.quality.active else []) + classes
    statuses = {v.gate for _, v in views}
    status: GateStatus = "below" if "below" in statuses else "unscored" if "unscored" in statuses else "passes"
    shown = base if scenario.quality.active else classes[0][1]
    return dataclasses.replace(
        shown,
        gate=status,
        reasons=tuple(f"{name}: {r}" if name else r for name, v in views for r in v.reasons),
        missing=tuple(f"{name}: {m}" if name else m for name, v in views for m in v.missing),
    )


def cost_of_pass(usd_per_task: float, success_rate: float | None) -> float | None:
    """Expected cost of one successful task: cost per attempt / success rate; None without a rate, and for a rate of
    0 (no task passed: no cost buys a pass; the verdict and the Quality page say so).

    >>> cost_of_pass(0.05, 0.5), cost_of_pass(0.05, 0.0)
    (0.1, None)
    """
    if not success_rate:
        return None
    return usd_per_task / success_rate


def cost_of_pass_interval(usd_per_task: float, ci: tuple[float, float] | None) -> tuple[float, float | None] | None:
    """(low, high) cost-of-pass from the success interval's (high, low) ends; high is None when the low end is 0.

    >>> cost_of_pass_interval(0.05, (0.25, 0.5))
    (0.1, 0.2)
    """
    if ci is None:
        return None
    low, high = ci
    return usd_per_task / high, (usd_per_task / low if low > 0 else None)


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
