"""The cheapest mix of options (`best_mix`): which option serves each request class, how much committed and flexible
capacity each fleet holds month by month, what overflows hour by hour, and what each ingredient is worth.

The programme (tco.portfolio.milp) is solved with every ingredient the scenario allows, then with none (the best
single option, priced the same way: the engine's own NPV for it), then without each ingredient in turn, so the
saving of each is the NPV the mix would cost more without it. The verdict recommends the mix only when it saves
more than `portfolio.min_saving_share` of the best single option's NPV.

Worked example: the best single option costs an NPV of $1,000,000 and the mix $900,000: it saves $100,000 (10 %),
above the default 5 % margin, so the mix is recommended.
"""

from __future__ import annotations

import numpy as np

from tco.finance.projection import SECONDS_PER_MONTH, decline_path
from tco.portfolio.menu import Menu, build_menu, restricted
from tco.portfolio.milp import Plan, solve
from tco.records.inputs import ScenarioInputs
from tco.records.mix import MixAssignment, MixFleet, MixResult
from tco.records.results import ScenarioResult

SOLVER = "HiGHS (scipy.optimize.milp)"
SHOWN_SHARE = 0.001
"""Routes serving less than this share of a class over the horizon are left out of the assignments."""


def best_mix(inputs: ScenarioInputs, result: ScenarioResult, allow: tuple[str, ...] | None = None) -> MixResult:
    """The best mix for the scenario (module docstring); `allow` overrides `portfolio.allow`. Raises ValueError
    naming the class when a class has no option that passes its gate and SLO."""
    settings = inputs.scenario.portfolio
    allow = tuple(settings.allow if allow is None else allow)
    menu = build_menu(inputs, result)
    for cls, routes in zip(menu.classes, menu.routes, strict=True):
        if not routes:
            raise ValueError(f"class {cls.name!r}: no option meets its SLO and quality gate, so no mix can serve it")
    plan = solve(restricted(menu, allow), allow)
    single = solve(restricted(menu, ()), ())
    without = {i: solve(restricted(menu, tuple(a for a in allow if a != i)), tuple(a for a in allow if a != i))
               for i in allow}  # fmt: skip
    if not np.isfinite(plan.npv_cost_usd):
        raise ValueError(f"the mix could not be solved ({plan.status})")
    best_single = _single_option(menu, single)
    saving = single.npv_cost_usd - plan.npv_cost_usd if np.isfinite(single.npv_cost_usd) else None
    share = saving / single.npv_cost_usd if saving is not None and single.npv_cost_usd > 0 else None
    components = _components(menu, plan)
    monthly = [float(v) for v in np.sum(list(components.values()), axis=0)]
    one_time = sum(menu.implementation_usd.get(name, 0.0) for name, on in plan.used.items() if on)
    assignments = _assignments(menu, plan)
    fleet = _fleet(menu, plan)
    hours = _overflow_hours(menu, plan)
    return MixResult(
        npv_cost_usd=plan.npv_cost_usd,
        monthly_cost_usd=monthly,
        one_time_usd=one_time,
        components_usd={k: [float(x) for x in v] for k, v in components.items()},
        best_single_option=best_single,
        best_single_npv_cost_usd=single.npv_cost_usd if np.isfinite(single.npv_cost_usd) else None,
        saving_usd=saving,
        saving_share=share,
        recommended=bool(share is not None and share > settings.min_saving_share),
        min_saving_share=settings.min_saving_share,
        assignments=assignments,
        fleet=fleet,
        overflow_hours_utc=hours,
        ingredient_savings_usd={i: p.npv_cost_usd - plan.npv_cost_usd for i, p in without.items()},
        words=_words(menu, assignments, fleet, hours),
        served_req_per_s=_served(menu, plan),
        solver={"name": SOLVER, "status": plan.status, "seconds": round(plan.seconds, 4),
                "solves": 2 + len(without),
                "seconds_all": round(plan.seconds + single.seconds + sum(p.seconds for p in without.values()), 4)},
        notes=_notes(menu),
    )  # fmt: skip


def _requests(menu: Menu, k: int) -> np.ndarray:
    """(T, H) requests of class k in each month and hour slot."""
    return menu.requests[k][:, None] * menu.hour_weight[None, :]


def _single_option(menu: Menu, single: Plan) -> str | None:
    served = [(r, s.sum()) for (_, r), s in single.share.items() if s.sum() > 0.5]
    return max(served, key=lambda p: p[1])[0].option if served else None


def _components(menu: Menu, plan: Plan) -> dict[str, np.ndarray]:
    months = menu.requests.shape[1]
    names = ("api", "committed_gpus", "flexible_gpus", "per_request", "staff_platform", "recurring_projects")
    out = {k: np.zeros(months) for k in names}
    for (k, route), share in plan.share.items():
        served = (_requests(menu, k) * share).sum(axis=1)
        if route.source is None:
            out["api"] += served * menu.api_usd_per_request[route.option][k]
        else:
            out["per_request"] += served * menu.sources[route.source].model.variable_usd_per_request
        if route.escalate_to is not None:
            out["api"] += served * route.escalation_share * menu.api_usd_per_request[route.escalate_to][k]
    gpu_path = decline_path(menu.scenario.finance.gpu_price_decline_annual, months)
    for i, units in plan.units.items():
        model = menu.sources[i].model
        usd = model.usd_per_unit_month * np.where(model.price_declines, gpu_path, 1.0)
        flexible = model.autoscale and not model.commitment_months
        out["flexible_gpus" if flexible else "committed_gpus"] += units.mean(axis=1) * usd
    for name, on in plan.used.items():
        if on:
            out["staff_platform"] += menu.fixed_usd_per_month[name]
            out["recurring_projects"] += menu.recurring_usd.get(name, 0.0)
    return out


def _assignments(menu: Menu, plan: Plan) -> list[MixAssignment]:
    out = []
    for k, cls in enumerate(menu.classes):
        total = _requests(menu, k).sum()
        shares = [(r, float((_requests(menu, k) * s).sum() / total)) for (kk, r), s in plan.share.items() if kk == k]
        shares = sorted((p for p in shares if p[1] >= SHOWN_SHARE), key=lambda p: -p[1])
        for n, (route, share) in enumerate(shares):
            offer = menu.sources[route.source].term if route.source is not None else ""
            out.append(MixAssignment(cls.name, route.option, share, "primary" if n == 0 else "overflow", offer))
            if route.escalate_to is not None:
                out.append(MixAssignment(cls.name, route.escalate_to, share * route.escalation_share, "escalation"))
    return out


def _loads(menu: Menu, plan: Plan, i: int) -> np.ndarray:
    """(T, H) replicas' worth of load on source i: Σ share × rate / X*."""
    months, slots = menu.requests.shape[1], menu.load_factor.size
    load = np.zeros((months, slots))
    for (k, route), share in plan.share.items():
        if route.source == i:
            rate = menu.requests[k][:, None] / SECONDS_PER_MONTH * menu.load_factor[None, :]
            load += share * rate / menu.sources[i].req_per_s[k]
    return load


def _fleet(menu: Menu, plan: Plan) -> list[MixFleet]:
    out = []
    for i, replicas in plan.replicas.items():
        if replicas.max() < 0.5:
            continue
        source = menu.sources[i]
        load = _loads(menu, plan, i)
        with np.errstate(divide="ignore", invalid="ignore"):
            busy = np.where(replicas > 0, load / np.maximum(replicas, 1e-9), 0.0).mean(axis=1)
        gpus = plan.units[i].max(axis=1) * source.model.unit_gpus
        out.append(MixFleet(source.option, source.term, [float(v) for v in replicas.max(axis=1)],
                            [float(v) for v in gpus], [float(v) for v in busy]))  # fmt: skip
    return out


def _served(menu: Menu, plan: Plan) -> dict[str, list[list[float]]]:
    """Per option, (T, 24) requests/s it serves: each class's rate in the hour × its route's share (a cascade's
    escalated share on the escalation target too)."""
    out: dict[str, np.ndarray] = {}
    for (k, route), share in plan.share.items():
        rate = menu.requests[k][:, None] / SECONDS_PER_MONTH * menu.load_factor[None, :] * share
        if rate.shape[1] == 1:
            rate = np.repeat(rate, 24, axis=1)
        out[route.option] = out.get(route.option, 0.0) + rate
        if route.escalate_to is not None:
            out[route.escalate_to] = out.get(route.escalate_to, 0.0) + rate * route.escalation_share
    return {o: [[float(v) for v in row] for row in r] for o, r in out.items() if np.max(r) > 0}


def _overflow_hours(menu: Menu, plan: Plan) -> list[int]:
    if menu.load_factor.size != 24:
        return []
    hours: set[int] = set()
    for k in range(len(menu.classes)):
        routes = {r: s for (kk, r), s in plan.share.items() if kk == k}
        if len(routes) < 2:
            continue
        served = {r: (_requests(menu, k) * s).sum() for r, s in routes.items()}
        primary = max(served, key=lambda r: served[r])
        for route, share in routes.items():
            if route != primary:
                hours |= {h for h in range(24) if share[:, h].max() > 0.01}
    return sorted(hours)


def _hour_ranges(hours: list[int]) -> str:
    """[13, 14, 15, 20] → '13:00–16:00 and 20:00–21:00 UTC'."""
    spans: list[list[int]] = []
    for h in hours:
        if spans and spans[-1][1] == h:
            spans[-1][1] = h + 1
        else:
            spans.append([h, h + 1])
    return " and ".join(f"{a:02d}:00–{b % 24:02d}:00" for a, b in spans) + " UTC"


def _words(menu: Menu, assignments: list[MixAssignment], fleet: list[MixFleet], hours: list[int]) -> list[str]:
    """E.g. 'FAQ → qwen3-32b (reserved 12 months: 2–3 replicas) for the base, overflow to gpt-5-mini
    13:00–18:00 UTC; then 15% of the class escalated on to claude-opus-4-5 (a cascade: answered by both)'. A
    cascade's escalated share is counted on top of the class (its requests are answered twice), so the shares of a
    class with a cascade add up to more than 100 %, and the words say so."""
    fleets = {(f.option, f.term): f for f in fleet}
    out = []
    for cls in menu.classes:
        mine = [a for a in assignments if a.class_name == cls.name]
        parts = []
        for a in mine:
            where = a.option
            f = fleets.get((a.option, a.offer))
            if f is not None:
                low, high = min(f.replicas_by_month), max(f.replicas_by_month)
                count = f"{low:g}" if low == high else f"{low:g}–{high:g}"
                where += f" ({a.offer}: {count} replicas)"
            if a.role == "primary":
                parts.append(f"{where} for {'all of it' if a.share > 0.9995 else _share(a.share)}")
            elif a.role == "overflow":
                when = f" {_hour_ranges(hours)}" if hours else ""
                parts.append(f"overflow to {where} ({_share(a.share)}){when}")
            else:
                cascade = f"then {_share(a.share)} of the class escalated on to {a.option}"
                parts.append(f"{cascade} (a cascade: answered by both)")
        out.append(f"{cls.name} → " + "; ".join(parts))
    return out


def _share(share: float) -> str:
    """0.25 → '25%', 0.0031 → '0.3%', 0.9989 → '99.9%': a small share is not written 0 %, nor a large one 100 %."""
    return f"{share:.0%}" if 0.01 <= share <= 0.99 else f"{share:.1%}"


def _notes(menu: Menu) -> list[str]:
    notes = [
        "A fleet serving several request classes shares its replicas: each class takes the share of a replica its "
        "load needs at that class's own capacity per replica (measured or modelled for the class alone), and the "
        "shares add up to at most the planned utilisation of the replicas running.",
    ]
    if menu.load_factor.size == 1:
        notes.append(
            "Without a 24-hour load curve (Workload: peak, 24-hour curve) every hour is sized at the "
            "peak-to-average, as for the single options: overflow can then only split a class evenly, not send the "
            "peak hours elsewhere."
        )
    return notes


__all__ = ["best_mix"]
