"""Reduce each resolved option to an `OptionModel`: capacity at the SLO, unit prices, fixed costs."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tco.api_cost import RequestCost, mean_request_cost
from tco.capacity import Capacity, capacity_at_slo, combine_classes
from tco.hardware import ServerYear, owned_server_year
from tco.inputs import ResolvedApi, ResolvedOption, ResolvedSelfHosted, ScenarioInputs
from tco.projection import OptionModel
from tco.roofline import estimate_capacity, level_output_ceiling
from tco.scenario import HOURS_PER_MONTH, RequestClass, Scenario, Slo


@dataclass(frozen=True)
class OptionSetup:
    """An option's model plus what the report needs to explain it."""

    model: OptionModel
    resolved: ResolvedOption
    label: str
    slo_met: bool
    capacity_basis: str
    request_costs: tuple[RequestCost, ...] = ()
    prefill_share: float | None = None
    server_year: ServerYear | None = None
    notes: tuple[str, ...] = ()

    @property
    def feasible(self) -> bool:
        return self.model.is_api or not math.isnan(self.model.replica_req_per_s)


def staff_usd_per_month(scenario: Scenario, kind: str) -> float:
    fte = getattr(scenario.finance.ops_fte, kind)
    return fte * scenario.finance.staff_usd_per_fte_month


def _setup_api(item: ResolvedApi, inputs: ScenarioInputs) -> OptionSetup:
    scenario = inputs.scenario
    classes = scenario.workload.request_classes
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
        notes=(f"prices: {first.source}", *notes),
    )


def _class_capacities(item: ResolvedSelfHosted, slo: Slo, classes: tuple[RequestClass, ...]) -> list[Capacity]:
    if item.profile is not None:
        return [capacity_at_slo(item.profile, slo, c) for c in classes]
    assert item.gpu is not None
    if item.card is None:
        return [Capacity(None, None, "estimated", False, None, ("no profile and model not in catalogue: no estimate",))]
    return [estimate_capacity(item.card, item.gpu, item.gpus_per_replica, slo, c) for c in classes]


def _plausibility_notes(item: ResolvedSelfHosted) -> list[str]:
    if item.profile is None or item.card is None or item.gpu is None:
        return []
    notes = []
    for i, level in enumerate(item.profile.levels):
        ceiling = level_output_ceiling(item.card, item.gpu, item.profile.meta.gpu_count, level)
        if ceiling is not None and level.output_tokens_per_s is not None and level.output_tokens_per_s > ceiling:
            notes.append(
                f"implausible: profile level {i} reports {level.output_tokens_per_s:,.0f} output tok/s, above the "
                f"memory-bandwidth roofline of {ceiling:,.0f} for {item.card.id} "
                f"on {item.profile.meta.gpu_count} x {item.gpu.id}"
            )
    return notes


def _setup_self_hosted(item: ResolvedSelfHosted, inputs: ScenarioInputs) -> OptionSetup:
    scenario = inputs.scenario
    option = item.option
    classes = scenario.workload.request_classes
    shares = [c.share for c in classes]
    notes: list[str] = []
    capacities = _class_capacities(item, scenario.slo, classes)
    capacity = combine_classes(capacities, shares)
    slo_met = capacity is not None
    if capacity is None and item.profile is not None:
        # report the cost anyway (never hide it), sized at the best level regardless of latency
        capacities = [capacity_at_slo(item.profile, Slo(), c) for c in classes]
        capacity = combine_classes(capacities, shares)
        notes.append("SLO NOT MET: sized at the highest measured throughput, ignoring latency bounds")
    for cap in capacities:
        notes.extend(n for n in cap.notes if n not in notes)
    notes.extend(_plausibility_notes(item))
    shares_known = [c.prefill_share for c in capacities]
    prefill_share = (
        sum(s * w for s, w in zip(shares_known, shares, strict=True))
        if all(s is not None for s in shares_known)
        else None  # type: ignore[misc]
    )
    kind = option.ownership_kind
    fixed = option.fixed_usd_per_month
    if fixed is None:
        fixed = staff_usd_per_month(scenario, kind)
    server_year = None
    if item.ownership is not None:
        own = item.ownership
        assert own.server_usd is not None and own.gpus_per_server is not None and own.power_kw is not None
        server_year = owned_server_year(
            server_usd=own.server_usd,
            gpus_per_server=own.gpus_per_server,
            life_years=own.life_years,
            residual_share=own.residual_share,
            power_kw=own.power_kw,
            pue=own.pue,
            usd_per_kwh=own.usd_per_kwh,
            colo_usd_per_kw_month=own.colo_usd_per_kw_month,
            maintenance_share_per_year=own.maintenance_share_per_year,
            license_usd_per_gpu_year=own.license_usd_per_gpu_year,
            discount_rate_annual=scenario.finance.discount_rate_annual,
        )
        breakdown = server_year.monthly()
    else:
        assert item.usd_per_gpu_hour is not None
        overhead = 1 + option.spot_preemption_overhead if option.term == "spot" else 1.0
        breakdown = {"gpu_rental": item.unit_gpus * item.usd_per_gpu_hour * HOURS_PER_MONTH * overhead}
        if overhead > 1:
            notes.append(f"spot: +{option.spot_preemption_overhead:.0%} GPU time for preemptions")
    model = OptionModel(
        id=option.id,
        kind=kind,
        fixed_usd_per_month=fixed,
        implementation_usd=option.implementation_usd,
        replica_req_per_s=capacity if capacity is not None else float("nan"),
        gpus_per_replica=item.gpus_per_replica,
        unit_gpus=item.unit_gpus,
        usd_per_unit_month=sum(breakdown.values()),
        unit_breakdown=breakdown,
        price_declines=kind == "rented" and option.term not in ("reserved_1y", "reserved_3y"),
        autoscale=option.autoscale,
    )
    basis = capacities[0].basis if capacities else "none"
    gpu_name = item.gpu.id if item.gpu else (item.profile.meta.gpu if item.profile else "?")
    label = f"{option.model} on {item.gpus_per_replica} x {gpu_name}"
    return OptionSetup(
        model=model,
        resolved=item,
        label=f"{label} ({item.price_label})",
        slo_met=slo_met,
        capacity_basis=basis,
        prefill_share=prefill_share,
        server_year=server_year,
        notes=tuple(notes),
    )


def setup_options(inputs: ScenarioInputs) -> list[OptionSetup]:
    return [
        _setup_api(item, inputs) if isinstance(item, ResolvedApi) else _setup_self_hosted(item, inputs)
        for item in inputs.options
    ]
