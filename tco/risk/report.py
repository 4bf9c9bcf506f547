"""Risk summary for a scenario: the headline pair, its tornado and the Monte Carlo bands, on one set of ranges
(the scenario's `uncertainty`; the tornado's throughput bar at the self-hosted option's own σ, as drawn)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tco.cost.option_models import OptionSetup, setup_options
from tco.records.inputs import ScenarioInputs
from tco.records.results import OptionResult, ScenarioResult, rank_key
from tco.risk.montecarlo import MonteCarloResult, run_monte_carlo
from tco.risk.sensitivity import Tornado, tornado
from tco.risk.throughput_spread import option_throughput_sds


@dataclass(frozen=True)
class RiskReport:
    self_hosted: str
    api: str
    p_self_host_cheaper: float
    savings_npv_p10_p50_p90_usd: tuple[float, float, float]
    total_cost_p10_p50_p90_usd: dict[str, dict[str, float]]
    samples: int
    seed: int
    tornado: Tornado
    monte_carlo: MonteCarloResult


def headline_pair(result: ScenarioResult) -> tuple[OptionResult, OptionResult] | None:
    """The cheapest self-hosted option against the cheapest API (both meeting SLO and quality gate first)."""
    hosted = [o for o in result.options if o.kind == "self_hosted" and o.replicas_first_month is not None]
    apis = [o for o in result.options if o.kind == "api"]
    if not hosted or not apis:
        return None
    return min(hosted, key=rank_key), min(apis, key=rank_key)


def risk_pair(result: ScenarioResult, compared: tuple[str, str] | None) -> tuple[str, str] | None:
    """(self-hosted id, API id) whose risk the app shows and exports: `compared` (the pair the reader compares on
    Compare, self-hosted first) when it is a self-hosted option that can be sized against an API; else the headline
    pair. One rule for the Risk page's default and the workbook's risk sheets, so the file says what the page does."""
    hosted = {o.id for o in result.options if o.kind == "self_hosted" and o.replicas_first_month is not None}
    apis = {o.id for o in result.options if o.kind == "api"}
    if compared is not None and compared[0] in hosted and compared[1] in apis:
        return compared
    headline = headline_pair(result)
    return (headline[0].id, headline[1].id) if headline else None


def risk_report(
    inputs: ScenarioInputs,
    result: ScenarioResult,
    samples: int | None = None,
    pair: tuple[str, str] | None = None,
    setups: list[OptionSetup] | None = None,
) -> RiskReport | None:
    """Tornado and Monte Carlo for one (self-hosted id, API id) pair: the one given, else the headline pair.
    `setups`: the scenario's `setup_options` when the caller has them (the app keeps them beside the result)."""
    chosen = (result.option(pair[0]), result.option(pair[1])) if pair else headline_pair(result)
    if chosen is None:
        return None
    hosted, api = chosen
    setups = [s for s in (setup_options(inputs) if setups is None else setups) if s.feasible]
    models = [s.model for s in setups]
    by_id = {m.id: m for m in models}
    sds = option_throughput_sds(setups, inputs.scenario.uncertainty.throughput_rel_sd)
    mc = run_monte_carlo(
        inputs.scenario, models, samples, sds, monthly_ids=(hosted.id, api.id), file=inputs.source_file
    )
    savings = np.percentile(mc.savings_npv(hosted.id, api.id), [10, 50, 90])
    return RiskReport(
        self_hosted=hosted.id,
        api=api.id,
        p_self_host_cheaper=mc.p_self_host_cheaper(hosted.id, api.id),
        savings_npv_p10_p50_p90_usd=(float(savings[0]), float(savings[1]), float(savings[2])),
        total_cost_p10_p50_p90_usd={i: mc.percentiles(i) for i in mc.option_ids},
        samples=mc.samples,
        seed=mc.seed,
        tornado=tornado(inputs.scenario, by_id[hosted.id], by_id[api.id], sds.get(hosted.id)),
        monte_carlo=mc,
    )
