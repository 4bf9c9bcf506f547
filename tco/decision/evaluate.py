"""Evaluate a resolved scenario: the base-case projection, per-option figures and break-even."""

from __future__ import annotations

import dataclasses

import numpy as np

from tco.cost import distillation
from tco.cost.components import monthly_components
from tco.cost.hardware import economic_value
from tco.cost.option_models import OptionSetup, setup_options
from tco.decision.pairs import break_even, compared_pairs, token_totals
from tco.decision.quality import assess_workload, cost_of_pass, cost_of_pass_interval
from tco.finance import discounting
from tco.finance.commitments import after_horizon, committed_units, tranches
from tco.finance.projection import Drivers, Projection, decline_path, peak_fill, project, requests_series
from tco.records.amounts import usd
from tco.records.defaults import DEFAULT_SOURCES
from tco.records.inputs import ResolvedApi, ResolvedSelfHosted, ScenarioInputs
from tco.records.results import OptionError, OptionResult, ScenarioResult, rank_key
from tco.records.scenario import HOURS_PER_MONTH, Option, Scenario
from tco.risk.montecarlo import uncertainty_ranges
from tco.risk.throughput_spread import option_throughput_sds


def base_projection(inputs: ScenarioInputs, setups: list[OptionSetup]) -> Projection:
    scenario = inputs.scenario
    months = scenario.horizon_months
    drivers = Drivers.base(
        scenario.workload.peak_factor,
        decline_path(scenario.finance.api_price_decline_annual, months),
        decline_path(scenario.finance.gpu_price_decline_annual, months),
    )
    return project(
        [s.model for s in setups],
        requests_series(scenario)[None, :],
        drivers,
        scenario.capacity,
        np.array(scenario.workload.hourly_factors),
    )


def _cash_flow(
    setup: OptionSetup, units: np.ndarray, costs: np.ndarray, rate: float
) -> tuple[list[float], float, list[float]]:
    """Owned fleet, cash view: servers bought when needed and again at the end of their life (replacement),
    the retired ones sold at their residual value, opex monthly; and the terminal value of the servers still held
    at the horizon, reported apart (it is not cash unless they are sold): their economic value
    (tco.cost.hardware.economic_value), the value the P&L's capital charge implies, so the cash NPV and the P&L
    NPV rest on one assumption and agree.

    Flow 0 is the first purchase; flow t + 1 is month t's cost without the capital charge (everything else the
    P&L month holds: energy, colocation, maintenance, licences, staff, storage, egress, a re-distillation) plus
    what is bought for month t + 1, less the residual of what retires then. Third: the accounting view's
    straight-line depreciation each month, servers in service × (price − residual) / (12 × life); every server
    held is within its life (tranches end there)."""
    item = setup.resolved
    assert isinstance(item, ResolvedSelfHosted) and item.ownership is not None and setup.server_year is not None
    own = item.ownership
    assert own.server_usd is not None
    months = costs.size
    capital = setup.model.unit_breakdown["capital"]  # per server a month, the P&L's annuity
    life = setup.model.commitment_months
    owned, bought, retired = committed_units(units, life)
    sale = own.residual_share * own.server_usd
    flows = [float(setup.model.implementation_usd + bought[0] * own.server_usd)]
    for t in range(months):
        nxt = t + 1 < months
        purchase = bought[t + 1] * own.server_usd - retired[t + 1] * sale if nxt else 0.0
        flows.append(float(costs[t] - owned[t] * capital + purchase))
    terminal = sum(
        count * economic_value(own.server_usd, own.residual_share, own.life_years, months - t, rate)
        for t, count in enumerate(bought)
        if count > 0 and t + life > months - 1
    )
    depreciation = owned * (own.server_usd - sale) / (12 * own.life_years)
    return flows, float(terminal), [float(d) for d in depreciation]


def _option_result(
    setup: OptionSetup,
    inputs: ScenarioInputs,
    projection: Projection,
    index: int,
    requests: np.ndarray,
    paths: tuple[np.ndarray, np.ndarray],
) -> OptionResult:
    scenario = inputs.scenario
    model = setup.model
    costs = projection.cost_usd[0, index]
    first = float(costs[0])
    r0 = float(requests[0])
    tokens_in, tokens_out = token_totals(setup, r0)
    factors = discounting.discount_factors(scenario.finance.discount_rate_annual, scenario.horizon_months)
    notes = list(setup.notes)
    item = setup.resolved
    card = item.card
    quality = assess_workload(card, item.option, scenario)
    replicas = gpus = billed = utilization = fill = None
    cash = npv_cash = terminal = depreciation = accounting = None
    retired = False
    retirement = item.retirement if isinstance(item, ResolvedApi) else None
    if isinstance(item, ResolvedApi):
        if item.retirement is not None:
            start = inputs.month_starts[0]
            retired = item.retirement.retired_on <= start
            notes.append(item.retirement.message(start) + ("" if retired else ", inside the horizon"))
        per_request = setup.request_costs[0]
        variable = per_request.total * r0
        input_side = (per_request.input + per_request.cached_input + per_request.cache_write) * r0
        input_share = input_side / variable if variable else 0.5
        ownership = None
        gpu_name = None
        model_name = item.option.model
    else:
        units = projection.units[0, index]
        if setup.feasible:
            replicas = int(np.ceil(projection.replicas[0, index, 0]))
            gpus = replicas * model.gpus_per_replica
            billed_units = float(units[0]) * model.unit_gpus
            billed = int(billed_units) if billed_units.is_integer() else round(billed_units, 2)
            mean_load = r0 / (HOURS_PER_MONTH * 3600)
            # on what is billed: whole instances or servers, each GPU of them able to serve X* / gpus_per_replica
            utilization = mean_load / (billed_units / model.gpus_per_replica * model.replica_req_per_s)
            if not model.autoscale:
                peak_load = mean_load * scenario.workload.peak_factor  # the load the fleet is sized for
                fill = peak_fill(peak_load, model.replica_req_per_s, replicas, scenario.capacity)
        if model.autoscale:
            notes.append("autoscaled: replicas and GPUs are the average over the day")
        input_share = setup.prefill_share
        if input_share is None:
            notes.append("no TTFT/E2E in the profile: $/Mtok not split into input and output")
        ownership = model.kind
        gpu_name = item.gpu.id if item.gpu else (item.profile.meta.gpu if item.profile else None)
        model_name = item.option.model
        if model.kind == "owned" and setup.feasible:
            cash, terminal, depreciation = _cash_flow(setup, units, costs, scenario.finance.discount_rate_annual)
            # accounting P&L: the same month with the capital charge replaced by straight-line depreciation
            capital = units * model.unit_breakdown["capital"]
            accounting = [float(c) for c in costs - capital + np.array(depreciation)]
            npv_cash = float(cash[0] + np.dot(cash[1:], factors) - terminal * factors[-1])
    after_usd, after_pv_usd = _after_horizon(setup, projection.units[0, index], scenario)
    if after_usd:
        counted = scenario.finance.commitments_after_horizon == "count"
        notes.append(
            f"its {model.commitment_months}-month term runs past the {scenario.horizon_months}-month horizon: "
            f"{usd(after_usd)} of contract after it (present value {usd(after_pv_usd)}), "
            + ("counted in its NPV of cost" if counted else "not counted (finance.commitments_after_horizon: ignore)")
        )
    components = monthly_components(setup, projection.units[0, index], requests, *paths)
    usd_in = usd_out = None
    if input_share is not None and tokens_in and tokens_out:
        usd_in = first * input_share / (tokens_in / 1e6)
        usd_out = first * (1 - input_share) / (tokens_out / 1e6)
    per_request_usd = first / r0
    if quality.gate in ("below", "unscored"):
        notes.append(f"not recommended: {quality.gate} on the quality gate ({'; '.join(quality.reasons)})")
    return OptionResult(
        id=model.id,
        kind="api" if model.is_api else "self_hosted",
        label=setup.label,
        model=model_name,
        ownership=ownership,
        gpu=gpu_name,
        monthly_cost_usd=[float(c) for c in costs],
        first_month_cost_usd=first,
        total_cost_usd=float(costs.sum() + model.implementation_usd),
        npv_cost_usd=float(discounting.npv(scenario.finance.discount_rate_annual, model.implementation_usd, costs))
        + (after_pv_usd if scenario.finance.commitments_after_horizon == "count" else 0.0),
        retired_before_start=retired,
        retires_on=retirement.retired_on.isoformat() if retirement else None,
        successor=retirement.successor if retirement else None,
        committed_after_horizon_usd=after_usd,
        committed_after_horizon_pv_usd=after_pv_usd,
        usd_per_mtok=first / ((tokens_in + tokens_out) / 1e6),
        usd_per_mtok_input=usd_in,
        usd_per_mtok_output=usd_out,
        usd_per_request=per_request_usd,
        replicas_first_month=replicas,
        gpus_first_month=gpus,
        gpus_billed_first_month=billed,
        peak_fill_first_month=fill,
        utilization_first_month=utilization,
        slo_met=setup.slo_met,
        capacity_basis=setup.capacity_basis,
        replica_req_per_s=None if model.is_api or not setup.feasible else model.replica_req_per_s,
        quality_score=quality.score,
        quality_source=quality.source,
        quality_ok=quality.ok,
        quality_gate=quality.gate,
        quality_records=quality.records_json(),
        success_rate=quality.success_rate,
        success_rate_ci=quality.success_ci,
        cost_of_pass_usd=cost_of_pass(per_request_usd, quality.success_rate),
        cost_of_pass_ci_usd=cost_of_pass_interval(per_request_usd, quality.success_ci),
        output_tokens_per_request=tokens_out / r0,
        output_tokens_basis=_tokens_basis(item.option),
        quality_mode=quality.mode,
        quality_missing=list(quality.missing),
        quality_unverified_records=quality.unverified_records,
        breakdown_first_month_usd={k: v[0] for k, v in components.items()},
        usd_per_gpu_hour=model.unit_breakdown["gpu_rental"] / (model.unit_gpus * HOURS_PER_MONTH)
        if "gpu_rental" in model.unit_breakdown
        else None,
        server_usd=item.ownership.server_usd if isinstance(item, ResolvedSelfHosted) and item.ownership else None,
        monthly_components_usd=components,
        capacity=setup.capacity.summary() if setup.capacity is not None else None,
        commitments=[dataclasses.asdict(c) for c in tranches(units, model.commitment_months)]
        if not model.is_api and model.commitment_months and setup.feasible
        else None,
        cash_flow_usd=cash,
        terminal_value_usd=terminal,
        npv_cash_usd=npv_cash,
        depreciation_usd=depreciation,
        accounting_cost_usd=accounting,
        notes=notes,
        **_project_result(setup, inputs),
    )


def _tokens_basis(option: Option) -> str:
    """Where the option's output tokens per request come from (OptionResult.output_tokens_basis)."""
    if option.output_tokens is not None:
        return option.output_tokens_basis or "set on the option"
    if option.output_tokens_multiplier is not None:
        return f"the workload's × {option.output_tokens_multiplier:g} (set on the option)"
    return "the workload's"


def _after_horizon(setup: OptionSetup, units: np.ndarray, scenario: Scenario) -> tuple[float, float]:
    """(nominal, present value) of a reserved term's contract after the horizon (tco.finance.commitments); 0 for
    every other option (owned servers are paid for: their value at the horizon is the terminal value)."""
    model = setup.model
    if model.kind != "rented" or not model.commitment_months or not setup.feasible:
        return 0.0, 0.0
    monthly = 1 / (1 + discounting.monthly_rate(scenario.finance.discount_rate_annual))
    nominal, present = after_horizon(units, model.commitment_months, model.committed_usd_per_unit_month, monthly)
    return float(nominal), float(present)


def _project_result(setup: OptionSetup, inputs: ScenarioInputs) -> dict[str, object]:
    """A distilled student's project fields of its result; nothing for other options."""
    cost = setup.project
    item = setup.resolved
    if cost is None or not isinstance(item, ResolvedSelfHosted) or item.distillation is None:
        return {}
    teacher = inputs.scenario.options[item.distillation.teacher_index].id
    return {
        "one_time_cost_usd": cost.one_time_usd,
        "project_breakdown_usd": cost.breakdown(),
        "training_gpu_hours": cost.training.gpu_hours,
        "training_min_gpus": cost.training.min_gpus,
        "distillation": {
            **distillation.project_fields(cost, teacher),
            "student_params_b": item.distillation.total_params_b,
            "student_active_params_b": item.distillation.active_params_b,
            "training_price": item.distillation.price_label,
        },
    }


def _versus_teacher(student: OptionResult, teacher: OptionResult, upfront_usd: float, rate: float) -> OptionResult:
    """The student's payback against staying on its teacher, and the quality gap (student − teacher) beside it.

    Savings each month = teacher's cost − student's; upfront = the student's one-time costs − the teacher's."""
    assert student.distillation is not None
    savings = np.array(teacher.monthly_cost_usd) - np.array(student.monthly_cost_usd)
    factors = discounting.discount_factors(rate, len(savings))

    def gap(a: float | None, b: float | None) -> float | None:
        return a - b if a is not None and b is not None else None

    block = {
        **student.distillation,
        "payback_month_vs_teacher": discounting.payback_month(upfront_usd, savings),
        "discounted_payback_month_vs_teacher": discounting.payback_month(upfront_usd, savings, factors),
        "npv_savings_vs_teacher_usd": teacher.npv_cost_usd - student.npv_cost_usd,
        "cumulative_savings_vs_teacher_usd": [float(v) for v in np.cumsum(savings) - upfront_usd],
        "teacher_success_rate": teacher.success_rate,
        "success_rate_gap": gap(student.success_rate, teacher.success_rate),
        "teacher_quality_score": teacher.quality_score,
        "quality_score_gap": gap(student.quality_score, teacher.quality_score),
    }
    return dataclasses.replace(student, distillation=block)


def assumptions(inputs: ScenarioInputs, setups: list[OptionSetup]) -> dict[str, object]:
    s = inputs.scenario
    sds = option_throughput_sds(setups, s.uncertainty.throughput_rel_sd)
    return {
        "price_data": inputs.price_data_version,
        "scenario_file": inputs.source_file,
        "months": [m.strftime("%Y-%m") for m in inputs.month_starts],
        "hours_per_month": HOURS_PER_MONTH,
        "requests_per_month_first": s.workload.base_requests_per_month,
        "requests_per_month": [float(r) for r in requests_series(s)],
        "tokens_per_request": s.workload.tokens_per_request,
        "peak_to_average": s.workload.peak_factor,
        "monthly_growth": s.workload.monthly_growth,
        "slo": {f"{m.removesuffix('_s')}_{p}_s": b for m, p, b in s.slo.bounds()},
        "capacity": dataclasses.asdict(s.capacity),
        "finance": dataclasses.asdict(s.finance),
        "quality_gate": dataclasses.asdict(s.quality),
        "class_quality_gates": {
            c.name: dataclasses.asdict(c.quality) for c in s.workload.request_classes if c.quality is not None
        },
        "default_sources": DEFAULT_SOURCES,
        "uncertainty": uncertainty_ranges(s, sds),
    }


def evaluate(inputs: ScenarioInputs, setups: list[OptionSetup] | None = None) -> ScenarioResult:
    """Every option that can be computed is projected; each one that cannot is in `option_errors`.

    `setups` are `setup_options(inputs)` when the caller has them already (the app keeps them beside the result).
    """
    every = setup_options(inputs) if setups is None else setups
    setups = [s for s in every if s.error is None]
    errors = [OptionError(s.model.id, s.label, s.error) for s in every if s.error is not None]
    projection = base_projection(inputs, setups)
    requests = requests_series(inputs.scenario)
    months = inputs.scenario.horizon_months
    paths = (
        decline_path(inputs.scenario.finance.api_price_decline_annual, months),
        decline_path(inputs.scenario.finance.gpu_price_decline_annual, months),
    )
    results = [_option_result(s, inputs, projection, i, requests, paths) for i, s in enumerate(setups)]
    by_id = {r.id: (s, r) for s, r in zip(setups, results, strict=True)}
    rate = inputs.scenario.finance.discount_rate_annual
    for i, (setup, result) in enumerate(zip(setups, results, strict=True)):
        if result.distillation is not None and (teacher := by_id.get(result.distillation["teacher"])) is not None:
            upfront = setup.model.implementation_usd - teacher[0].model.implementation_usd
            results[i] = _versus_teacher(result, teacher[1], upfront, rate)
    pairs = [
        break_even(s_setup, a_setup, s_res, a_res, inputs.scenario)
        for (s_setup, s_res), (a_setup, a_res) in compared_pairs(list(zip(setups, results, strict=True)))
    ]
    apis = [r for r in results if r.kind == "api"]
    if apis:  # each self-hosted option's IRR and ROI against the best-ranked API: the app's headline pair's
        cheapest = min(apis, key=rank_key).id  # (SLO, gate, then NPV: not a cheaper API below the gate or retired)
        by_pair = {(p.self_hosted, p.api): p for p in pairs}
        results = [
            dataclasses.replace(r, irr=p.irr, roi=p.roi, returns_note=p.returns_note, returns_against=cheapest)
            if (p := by_pair.get((r.id, cheapest))) is not None
            else r
            for r in results
        ]
    return ScenarioResult(inputs.scenario.name, results, pairs, assumptions(inputs, setups), errors)
