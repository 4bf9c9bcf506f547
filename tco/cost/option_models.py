"""Reduce each resolved option to an `OptionModel`: capacity at the SLO, unit prices, fixed costs."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from models.catalog import ModelCard
from tco.capacity.replica_capacity import ReplicaCapacity, replica_capacity
from tco.cost import distillation
from tco.cost.api_cost import RequestCost, mean_request_cost
from tco.cost.hardware import ServerYear, owned_server_year
from tco.finance.projection import Drivers, OptionModel, decline_path, project, requests_series
from tco.records.inputs import ResolvedApi, ResolvedOption, ResolvedSelfHosted, ScenarioInputs
from tco.records.memo import Memo
from tco.records.scenario import HOURS_PER_MONTH, Option, RequestClass, Scenario, SelfHostedOption
from tco.records.size_distribution import longest_input


@dataclass(frozen=True)
class OptionSetup:
    """An option's model plus what the report needs to explain it."""

    model: OptionModel
    resolved: ResolvedOption
    label: str
    slo_met: bool
    capacity_basis: str
    request_costs: tuple[RequestCost, ...] = ()
    capacity: ReplicaCapacity | None = None
    """Self-hosted: how X* and the GPUs per replica were found."""
    prefill_share: float | None = None
    server_year: ServerYear | None = None
    notes: tuple[str, ...] = ()
    problem: str | None = None
    """Why the option cannot serve the workload before any capacity question (a class beyond its context)."""
    classes: tuple[RequestClass, ...] = ()
    """The workload's classes as this option serves them (its own output tokens per request)."""
    project: distillation.ProjectCost | None = None
    """A distilled student's project: its one-time cost is in `model.implementation_usd` (and recurring)."""

    @property
    def feasible(self) -> bool:
        return self.model.is_api or not math.isnan(self.model.replica_req_per_s)

    @property
    def error(self) -> str | None:
        """Why this option cannot be computed (it is left out of the projection), or None."""
        if self.problem is not None:
            return self.problem
        return self.capacity.error if self.capacity is not None else None


def staff_usd_per_month(scenario: Scenario, kind: str) -> float:
    fte = getattr(scenario.finance.ops_fte, kind)
    return fte * scenario.finance.staff_usd_per_fte_month


def output_multiplier(scenario: Scenario, option: Option) -> float:
    """How many times the workload's output tokens this option spends: `output_tokens` / the workload's mean
    output, or `output_tokens_multiplier`, or 1. Worked: workload 500 out, option output_tokens 1,500 → 3."""
    if option.output_tokens is not None:
        mean = sum(c.share * c.output_tokens for c in scenario.workload.request_classes)
        return option.output_tokens / mean
    return option.output_tokens_multiplier if option.output_tokens_multiplier is not None else 1.0


def option_classes(scenario: Scenario, option: Option) -> tuple[RequestClass, ...]:
    """The workload's classes with this option's output tokens per request (every class scaled alike)."""
    factor = output_multiplier(scenario, option)
    classes = scenario.workload.request_classes
    if factor == 1.0:
        return tuple(classes)
    return tuple(dataclasses.replace(c, output_tokens=min(c.output_tokens * factor, 1e8)) for c in classes)


def context_problem(card: ModelCard | None, classes: tuple[RequestClass, ...]) -> str | None:
    """The first class whose longest request (top of its input spread + output) exceeds the model's context."""
    if card is None or card.max_context_tokens is None:
        return None
    for cls in classes:
        tokens = longest_input(cls) + cls.output_tokens
        if tokens > card.max_context_tokens:
            return (
                f"class {cls.name!r} needs up to {tokens:,.0f} tokens ({longest_input(cls):,.0f} in + "
                f"{cls.output_tokens:,.0f} out), beyond {card.id}'s context of {card.max_context_tokens:,} tokens"
            )
    return None


def _setup_api(item: ResolvedApi, inputs: ScenarioInputs) -> OptionSetup:
    scenario = inputs.scenario
    classes = option_classes(scenario, item.option)
    costs, notes = [], []
    for price in item.prices:
        cost, month_notes = mean_request_cost(price, classes)
        costs.append(cost)
        notes.extend(n for n in (*month_notes, *price.notes) if n not in notes)
    option = item.option
    fixed = option.fixed_usd_per_month
    if fixed is None:
        fixed = staff_usd_per_month(scenario, "api")
    first = item.prices[0]
    model = OptionModel(
        id=option.id,
        kind="api",
        fixed_usd_per_month=fixed,
        implementation_usd=option.implementation_usd,
        usd_per_request=tuple(c.total for c in costs),
    )
    return OptionSetup(
        model=model,
        resolved=item,
        label=f"{first.provider}/{first.model} (API)",
        slo_met=True,
        capacity_basis="provider",
        request_costs=tuple(costs),
        notes=(f"prices: {first.source}", *notes, *_context_note(item.card)),
        problem=context_problem(item.card, classes),
        classes=classes,
    )


def _context_note(card: ModelCard | None) -> tuple[str, ...]:
    if card is not None and card.max_context_tokens is None:
        return (f"{card.id}'s context window is not verified in the catalogue: requests are not checked against it",)
    return ()


def _scaling_staff(scenario: Scenario, unit_gpus: int) -> dict[str, float]:
    """Staff that grows with the fleet, per billed unit: unit GPUs / GPUs per FTE × loaded cost per FTE-month."""
    per_fte = scenario.finance.gpus_per_ops_fte
    if per_fte is None:
        return {}
    return {"staff_scaling": unit_gpus / per_fte * scenario.finance.staff_usd_per_fte_month}


def egress_usd_per_request(classes: tuple[RequestClass, ...], option: SelfHostedOption) -> float:
    """Bytes out per request × $/GB: mean output tokens × bytes per streamed token / 1e9 × egress_usd_per_gb.
    Worked: 500 output tokens × 200 B = 100 kB = 1e-4 GB; at $0.09/GB, $0.000009 a request."""
    running = option.running_costs
    tokens = sum(c.share * c.output_tokens for c in classes)
    return tokens * running.egress_bytes_per_output_token / 1e9 * running.egress_usd_per_gb


TERM_MONTHS = {"reserved_1y": 12, "reserved_3y": 36}


def commitment_months(item: ResolvedSelfHosted) -> int:
    """12 or 36 for reserved rentals, the servers' life for owned ones, 0 for on-demand and spot."""
    if item.ownership is not None:
        return round(12 * item.ownership.life_years)
    return TERM_MONTHS.get(item.option.term or "", 0)


def _horizon_total(model: OptionModel, scenario: Scenario) -> float:
    """The base case's cost over the horizon of one option alone (whole instances, commitments included)."""
    months = scenario.horizon_months
    drivers = Drivers.base(
        scenario.workload.peak_factor,
        decline_path(scenario.finance.api_price_decline_annual, months),
        decline_path(scenario.finance.gpu_price_decline_annual, months),
    )
    cost = project([model], requests_series(scenario)[None, :], drivers, scenario.capacity,
                   np.array(scenario.workload.hourly_factors), detail=False).cost_usd  # fmt: skip
    return float(cost.sum())


def rental_breakdown(
    unit_gpus: int, usd_per_gpu_hour: float, option: SelfHostedOption, scenario: Scenario
) -> dict[str, float]:
    """One rented instance a month by component: the GPU rental (spot: plus its preemption overhead in GPU time),
    licences per GPU, and staff that grows with the fleet. The one place an offer is priced, whichever offer."""
    overhead = 1 + option.spot_preemption_overhead if option.term == "spot" else 1.0
    parts = {"gpu_rental": unit_gpus * usd_per_gpu_hour * HOURS_PER_MONTH * overhead}
    if option.running_costs.license_usd_per_gpu_year:
        parts["licences"] = unit_gpus * option.running_costs.license_usd_per_gpu_year / 12
    return parts | _scaling_staff(scenario, unit_gpus)


def _cheapest_offer(model: OptionModel, item: ResolvedSelfHosted, scenario: Scenario) -> tuple[OptionModel, str, str]:
    """Of the sheet's offers for the term, the one with the lowest total for this fleet over the horizon: the
    cheapest per GPU-hour loses when it forces whole 8-GPU instances on a fleet that needs fewer."""
    option = item.option
    priced = []
    for offer in item.offers:
        parts = rental_breakdown(offer.gpus_per_instance, offer.usd_per_gpu_hour, option, scenario)
        candidate = dataclasses.replace(model, unit_gpus=offer.gpus_per_instance,
                                        usd_per_unit_month=sum(parts.values()), unit_breakdown=parts)  # fmt: skip
        priced.append((_horizon_total(candidate, scenario), offer.usd_per_gpu_hour, candidate, offer))
    total, _, chosen, offer = min(priced, key=lambda p: (p[0], p[1]))
    per_hour = min(priced, key=lambda p: (p[1], p[0]))
    why = f"offer {offer.provider} chosen: ${total:,.0f} over {scenario.horizon_months} months for this fleet" + (
        f", against ${per_hour[0]:,.0f} for {per_hour[3].provider}, the cheapest per GPU-hour "
        f"(${per_hour[1]:.2f}) but sold in {per_hour[3].gpus_per_instance}-GPU instances"
        if per_hour[3] is not offer
        else f", the cheapest of {len(priced)} {option.term} offers"
    )
    others = tuple(p[2] for p in priced if p[2] is not chosen)
    return dataclasses.replace(chosen, alternatives=others), offer.label(), why


_kept_capacity = Memo(replica_capacity, entries=256)
"""A replica's capacity depends on the option, the SLO and the request classes, not on the volume: kept across
the app's re-evaluations (`tco.records.memo`), it is searched again only when one of those changes."""


def _setup_self_hosted(item: ResolvedSelfHosted, inputs: ScenarioInputs) -> OptionSetup:
    scenario = inputs.scenario
    option = item.option
    classes = option_classes(scenario, option)
    capacity = _kept_capacity(item, scenario.slo, classes)
    notes = list(capacity.notes)
    kind = option.ownership_kind
    fixed = option.fixed_usd_per_month
    if fixed is None:
        fixed = staff_usd_per_month(scenario, kind)
    running = option.running_costs
    fixed += running.storage_usd_per_month
    if any(c.input_histogram or c.input_percentiles for c in classes):
        notes.append(
            "capacity at each class's mean input length (GPU time per request is linear in it); the SLO is "
            "checked there, so the longest requests of a spread wait longer for their first token"
        )
    server_year = None
    if item.ownership is not None:
        own = item.ownership
        assert own.server_usd is not None and own.gpus_per_server is not None
        assert own.power_kw is not None and own.provisioned_kw is not None
        server_year = owned_server_year(
            server_usd=own.server_usd,
            gpus_per_server=own.gpus_per_server,
            life_years=own.life_years,
            residual_share=own.residual_share,
            power_kw=own.power_kw,
            provisioned_kw=own.provisioned_kw,
            pue=own.pue,
            usd_per_kwh=own.usd_per_kwh,
            colo_usd_per_kw_month=own.colo_usd_per_kw_month,
            maintenance_share_per_year=own.maintenance_share_per_year,
            license_usd_per_gpu_year=running.license_usd_per_gpu_year,
            discount_rate_annual=scenario.finance.discount_rate_annual,
        )
        breakdown = server_year.monthly()
        breakdown |= _scaling_staff(scenario, item.unit_gpus)
    else:
        assert item.usd_per_gpu_hour is not None
        breakdown = rental_breakdown(item.unit_gpus, item.usd_per_gpu_hour, option, scenario)
        if option.term == "spot" and option.spot_preemption_overhead:
            notes.append(f"spot: +{option.spot_preemption_overhead:.0%} GPU time for preemptions")
    model = OptionModel(
        id=option.id,
        kind=kind,
        fixed_usd_per_month=fixed,
        storage_usd_per_month=running.storage_usd_per_month,
        implementation_usd=option.implementation_usd,
        replica_req_per_s=capacity.req_per_s if capacity.req_per_s is not None else float("nan"),
        gpus_per_replica=capacity.gpus_per_replica or 1,
        unit_gpus=item.unit_gpus,
        usd_per_unit_month=sum(breakdown.values()),
        unit_breakdown=breakdown,
        price_declines=kind == "rented" and option.term not in ("reserved_1y", "reserved_3y"),
        autoscale=option.autoscale,
        commitment_months=commitment_months(item),
        variable_usd_per_request=egress_usd_per_request(classes, option),
    )
    price_label = item.price_label
    if len(item.offers) > 1 and capacity.req_per_s is not None:
        model, price_label, note = _cheapest_offer(model, item, scenario)
        notes.append(note)
    gpu_name = item.gpu.id if item.gpu else (item.profile.meta.gpu if item.profile else "?")
    label = f"{option.model} on {capacity.gpus_per_replica or '?'} x {gpu_name}"
    return OptionSetup(
        model=model,
        resolved=item,
        label=f"{label} ({price_label})",
        slo_met=capacity.slo_met,
        capacity_basis=capacity.basis,
        capacity=capacity,
        prefill_share=capacity.prefill_share,
        server_year=server_year,
        notes=(*notes, *_context_note(item.card)),
        problem=context_problem(item.card, classes),
        classes=classes,
    )


def _teacher_costs(
    teacher: OptionSetup, prompt: float, completion: float, batch_share: float
) -> tuple[float, float, str]:
    """(USD per distillation example, USD per workload request, basis) at the teacher's first-month cost: its API
    price card, or its own fleet's cost per token running flat out (tco.cost.distillation.self_hosted_usd_per_mtok)."""
    model = teacher.model
    if model.is_api:
        assert isinstance(teacher.resolved, ResolvedApi)
        example = RequestClass(name="distillation data", share=1.0, input_tokens=prompt, output_tokens=completion,
                               batch_share=batch_share)  # fmt: skip
        cost, _ = mean_request_cost(teacher.resolved.prices[0], (example,))
        return cost.total, model.usd_per_request[0], f"{teacher.label} price card"
    tokens = sum(c.share * (c.input_tokens + c.output_tokens) for c in teacher.classes)
    per_mtok = distillation.self_hosted_usd_per_mtok(
        model.usd_per_unit_month, model.unit_gpus, model.gpus_per_replica, model.replica_req_per_s, tokens
    )
    basis = f"{teacher.label} at ${per_mtok:.3f}/Mtok (its fleet's cost running flat out, at the workload's mix)"
    return per_mtok * (prompt + completion) / 1e6, per_mtok * tokens / 1e6, basis


def with_project(setup: OptionSetup, teacher: OptionSetup) -> OptionSetup:
    """A distilled student's setup with its project priced: data and evaluation at the teacher's cost, training
    on GPUs (or a fine-tuning API); the one-time cost added to the implementation, and again every N months."""
    item = setup.resolved
    assert isinstance(item, ResolvedSelfHosted) and item.distillation is not None
    dist = item.distillation
    project = dist.option.project
    if teacher.error is not None or not teacher.feasible:
        why = teacher.error or "it has no capacity at the SLO"
        return dataclasses.replace(setup, problem=f"teacher {teacher.model.id!r} cannot be priced: {why}")
    per_example, per_task, basis = _teacher_costs(
        teacher, project.prompt_tokens, project.completion_tokens, project.batch_share
    )
    tokens = project.examples * (project.prompt_tokens + project.completion_tokens) * project.epochs
    if project.fine_tune_usd_per_mtok is not None:
        plan = distillation.api_training(project.method, tokens, project.fine_tune_usd_per_mtok)
    else:
        assert dist.usd_per_gpu_hour is not None
        moe = dist.active_params_b < dist.total_params_b
        plan = distillation.gpu_training(
            method=project.method,
            active_params_b=dist.active_params_b,
            total_params_b=dist.total_params_b,
            tokens=tokens,
            peak_tflop_s=dist.train_gpu.bf16_tflop_s,
            mfu=project.mfu or distillation.default_mfu(project.method, moe),
            gpu_memory_gib=dist.train_gpu.memory_gib,
            gpus_per_instance=dist.gpus_per_instance,
            usd_per_gpu_hour=dist.usd_per_gpu_hour,
            gpus=project.gpus,
        )
    cost = distillation.ProjectCost(
        data_usd=project.examples * per_example,
        training=plan,
        evaluation_usd=project.eval_usd + project.eval_tasks * per_task,
        teacher_usd_per_example=per_example,
        teacher_basis=basis,
        redistill_every_months=project.redistill_every_months,
    )
    model = dataclasses.replace(
        setup.model,
        implementation_usd=setup.model.implementation_usd + cost.one_time_usd,
        recurring_usd=cost.one_time_usd if project.redistill_every_months else 0.0,
        recurring_every_months=project.redistill_every_months or 0,
    )
    label = f"{setup.label}, distilled from {teacher.model.id}"
    notes = setup.notes
    if dist.option.success_rate is None:
        notes = (*notes, "the distilled student's success rate is unknown until it is evaluated: give success_rate "
                 "or eval (catalogue scores, if any, are its base model's)")  # fmt: skip
    return dataclasses.replace(setup, model=model, project=cost, label=label, notes=notes)


def setup_options(inputs: ScenarioInputs) -> list[OptionSetup]:
    """Every option's setup; a distilled student's after its teacher's, whose cost prices its project."""
    setups = [
        _setup_api(item, inputs) if isinstance(item, ResolvedApi) else _setup_self_hosted(item, inputs)
        for item in inputs.options
    ]
    for i, item in enumerate(inputs.options):
        if isinstance(item, ResolvedSelfHosted) and item.distillation is not None:
            setups[i] = with_project(setups[i], setups[item.distillation.teacher_index])
    return setups
