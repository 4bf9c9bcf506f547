"""What the best mix may choose from, class by class: the routes each request class may take and what each costs.

Each request class is evaluated alone, as if it were the whole workload (share 1), under its own quality gate and
SLO (the scenario's when it has none): the engine's own `evaluate` says which options it may go to
(`recommendable`: meets the class's SLO and passes its gate), what one of its requests costs on each API month by
month, and the requests/s one replica of each self-hosted option serves at that class's shape and SLO (X*).

A route is how a class's request is served:
- an API option (pay per request);
- a self-hosted *source*: one offer of a self-hosted option (its chosen offer, and with `terms` its other offers),
  sharing the option's deployment (model on GPU) and its fixed costs with the other options of the same deployment;
- a cascade: an option answers first and `escalation.share` of its requests go on to `escalation.to` (an API),
  allowed for a class when the escalation target passes the class's gate.

Volumes: the scenario's monthly requests R_t = R_0 (1 + g)^t, a class's share of them, spread over the 24 UTC hours
by the daily curve (or, without one, one slot sized at the peak-to-average all day, as the single options are).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tco.cost.option_models import OptionSetup, setup_options
from tco.decision.evaluate import evaluate
from tco.finance.discounting import discount_factors
from tco.finance.projection import OptionModel, decline_path, requests_series
from tco.records.assumptions import Portfolio
from tco.records.inputs import ResolvedSelfHosted, ScenarioInputs
from tco.records.results import ScenarioResult, recommendable
from tco.records.scenario import RequestClass, Scenario


@dataclass(frozen=True)
class Source:
    """One offer of a self-hosted option: what a block of GPUs costs and serves."""

    option: str
    deployment: str
    """Model on GPU, e.g. 'gpt-oss-120b on H100': options of one deployment share its fixed costs."""
    model: OptionModel
    term: str
    """'reserved 12 months', 'owned 48 months', 'on-demand', 'on-demand, autoscaled', … (from the model)."""
    req_per_s: tuple[float, ...]
    """X* of one replica for each class (NaN where the class may not use it)."""
    other_offer: bool = False
    """One of the option's other offers (`terms`), not the one the engine chose for it alone."""


@dataclass(frozen=True)
class Route:
    """How class requests are served: `option` (an API, or `source` of a self-hosted option), optionally
    escalating `share` of them to the API `escalate_to`."""

    option: str
    source: int | None = None
    escalate_to: str | None = None
    escalation_share: float = 0.0

    @property
    def name(self) -> str:
        return self.option + (f" → {self.escalate_to} ({self.escalation_share:.0%})" if self.escalate_to else "")


@dataclass(frozen=True)
class Menu:
    scenario: Scenario
    classes: tuple[RequestClass, ...]
    requests: np.ndarray
    """(K, T) requests of each class a month."""
    load_factor: np.ndarray
    """(H,) load in each hour slot relative to the month's mean rate: the daily curve (H = 24), or the
    peak-to-average in one slot (H = 1) when there is no curve."""
    hour_weight: np.ndarray
    """(H,) share of a day's requests in each slot (sums to 1)."""
    sources: tuple[Source, ...]
    routes: tuple[tuple[Route, ...], ...]
    """Per class, the routes it may take."""
    api_usd_per_request: dict[str, np.ndarray]
    """Per API option, (K, T) USD per request of each class each month (price path included)."""
    fixed_usd_per_month: dict[str, float]
    """Per API option or self-hosted deployment: staff and platform a month while used."""
    implementation_usd: dict[str, float]
    recurring_usd: dict[str, np.ndarray]
    """Per API option or deployment: (T,) projects paid again while used (a distilled student's re-distillation)."""
    discount: np.ndarray
    """(T,) the discount factor of each month."""
    notes: tuple[str, ...] = ()


def class_scenario(scenario: Scenario, cls: RequestClass) -> Scenario:
    """The scenario with `cls` as its whole workload, under the class's gate and SLO (the scenario's when absent)."""
    workload = scenario.workload
    if workload.classes:
        workload = dataclasses.replace(workload, classes=(dataclasses.replace(cls, share=1.0, quality=None, slo=None),))
    return dataclasses.replace(
        scenario,
        workload=workload,
        quality=cls.quality or scenario.quality,
        slo=cls.slo or scenario.slo,
        portfolio=Portfolio(),
    )


def term_text(model: OptionModel) -> str:
    if model.kind == "owned":
        return f"owned {model.commitment_months} months"
    if model.commitment_months:
        return f"reserved {model.commitment_months} months"
    return "on-demand, autoscaled" if model.autoscale else "on-demand"


def _deployment(setup: OptionSetup) -> str:
    item = setup.resolved
    if isinstance(item, ResolvedSelfHosted):
        model = item.card.id if item.card is not None else item.option.model
        return f"{model} on {item.gpu.id if item.gpu is not None else 'GPU'}"
    return setup.model.id


def build_menu(inputs: ScenarioInputs, result: ScenarioResult) -> Menu:
    """Every route each class may take, from one evaluation of each class alone (module docstring); `restricted`
    takes out what an ingredient left out would not allow."""
    scenario = inputs.scenario
    classes = scenario.workload.request_classes
    months = scenario.horizon_months
    usable = {o.id for o in result.options}
    per_class: list[tuple[ScenarioResult, dict[str, OptionSetup]]] = []
    for cls in classes:
        alone = dataclasses.replace(inputs, scenario=class_scenario(scenario, cls))
        setups = setup_options(alone)
        per_class.append((evaluate(alone, setups), {s.model.id: s for s in setups if s.error is None}))
    full = {s.model.id: s for s in setup_options(inputs) if s.error is None and s.model.id in usable}
    eligible = [{o.id for o in res.options if o.id in usable and recommendable(o)} for res, _ in per_class]
    # may serve the class's requests at all (a cascade's first option needs no gate): meets its SLO, not retired
    slo_met = [
        {o.id for o in res.options if o.id in usable and o.slo_met and not o.retired_before_start}
        for res, _ in per_class
    ]
    api_path = decline_path(scenario.finance.api_price_decline_annual, months)
    api_usd = {
        oid: np.array([[_per_request(setups[oid].model, t) for t in range(months)] for _, setups in per_class])
        * api_path[None, :]
        for oid, setup in full.items()
        if setup.model.is_api
    }
    sources: list[Source] = []
    fixed: dict[str, float] = {}
    implementation: dict[str, float] = {}
    recurring: dict[str, np.ndarray] = {}
    for oid, setup in full.items():
        name = oid if setup.model.is_api else _deployment(setup)
        fixed[name] = max(fixed.get(name, 0.0), setup.model.fixed_usd_per_month)
        implementation[name] = max(implementation.get(name, 0.0), setup.model.implementation_usd)
        recurring[name] = np.maximum(recurring.get(name, np.zeros(months)), setup.model.recurring_by_month(months))
        if setup.model.is_api:
            continue
        deployment = name
        x = tuple(
            setups[oid].model.replica_req_per_s if oid in setups and oid in slo_met[k] else float("nan")
            for k, (_, setups) in enumerate(per_class)
        )
        for n, offer in enumerate((setup.model, *setup.model.alternatives)):
            model = dataclasses.replace(offer, alternatives=())
            sources.append(Source(oid, deployment, model, term_text(offer), x, other_offer=n > 0))
    routes = []
    for k in range(len(classes)):
        mine: list[Route] = [Route(oid) for oid in api_usd if oid in eligible[k]]
        mine += [Route(s.option, i) for i, s in enumerate(sources) if s.option in eligible[k]]
        mine += _cascades(scenario, k, eligible[k], slo_met[k], api_usd, sources)
        routes.append(tuple(mine))
    requests = requests_series(scenario)[None, :] * np.array([c.share for c in classes])[:, None]
    hourly = np.array(scenario.workload.hourly_factors)
    flat = scenario.workload.daily_curve is None
    load = np.array([scenario.workload.peak_factor]) if flat else hourly
    weight = np.ones(1) if flat else hourly / hourly.sum()
    discount = discount_factors(scenario.finance.discount_rate_annual, months)
    return Menu(scenario, classes, requests, load, weight, tuple(sources), tuple(routes), api_usd, fixed,
                implementation, recurring, discount)  # fmt: skip


def _per_request(model: OptionModel, month: int) -> float:
    prices = model.usd_per_request
    return prices[min(month, len(prices) - 1)]


def _cascades(
    scenario: Scenario,
    k: int,
    eligible: set[str],
    slo_met: set[str],
    api_usd: dict[str, np.ndarray],
    sources: list[Source],
) -> list[Route]:
    """Cascades open to class k: the first option meets the class's SLO, the escalation target (an API) passes
    its gate; a self-hosted first option takes one route per source."""
    out = []
    for option in scenario.options:
        escalation = getattr(option, "escalation", None)
        if escalation is None or option.id not in slo_met or escalation.to not in eligible:
            continue
        if escalation.to not in api_usd:
            continue  # escalating to a self-hosted option is not modelled: the mix leaves that cascade out
        if option.id in api_usd:
            out.append(Route(option.id, None, escalation.to, escalation.share))
        out += [
            Route(option.id, i, escalation.to, escalation.share) for i, s in enumerate(sources) if s.option == option.id
        ]
    return out


def restricted(menu: Menu, allow: tuple[str, ...]) -> Menu:
    """The menu without the routes of ingredients not in `allow`: other offers (`terms`) and cascades."""

    def kept(route: Route) -> bool:
        if route.escalate_to is not None and "cascade" not in allow:
            return False
        return route.source is None or "terms" in allow or not menu.sources[route.source].other_offer

    return dataclasses.replace(menu, routes=tuple(tuple(r for r in routes if kept(r)) for routes in menu.routes))
