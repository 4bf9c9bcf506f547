"""The best mix as a mixed-integer linear programme, solved by HiGHS through `scipy.optimize.milp`.

Variables, for classes k, routes r (`tco.portfolio.menu`), months t and hour slots h:
- σ[k,r,t,h] ∈ [0, 1]: the share of class k's requests in (t, h) that route r serves; Σ_r σ = 1.
  Without `overflow` a class takes one route throughout (σ[k,r] binary, the same every hour and month); without
  `routing` every class splits alike (σ[r,t,h] shared by the classes, over the routes open to all of them).
- per self-hosted source s: whole replicas n and whole units (instances or servers) u. A committed source
  (reserved or owned) holds n[s,t] replicas all day and u[s,t] = Σ new[s,t'] over the tranches alive at t (a
  tranche `new` runs its whole term: commitments never shrink within their term); an autoscaled on-demand
  source holds n[s,t,h] and u[s,t,h] hour by hour; gpus_per_unit · u ≥ gpus_per_replica · n.
- used binaries: an API option or a self-hosted deployment pays its fixed costs (staff, platform, implementation)
  when any route uses it; a source holds at least min + spare replicas when used. Without `terms` a deployment
  uses one source (one offer, one term) at most.

Capacity, each source and slot: Σ_k Σ_r σ[k,r,t,h] · λ[k,t,h] / X*[s,k] ≤ η (n − spare), where λ is the class's
rate in req/s in that slot (the month's mean × the slot's load factor) and η the planning utilisation.

Objective: the NPV of cost, as the single options' NPV is priced (tco.decision.evaluate): Σ_t d_t (API requests ×
price + variable cost + units × unit price + fixed costs while used) + implementation, plus a reserved term's rent
still owed after the horizon at its present value when `finance.commitments_after_horizon` is `count`.

Worked example (one class, one API at $0.01 a request, no fleet): 1,000 requests a month for one month at no
discount cost $10: σ = 1 on the API and the NPV is 1,000 × 0.01 = 10.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tco.finance.projection import SECONDS_PER_MONTH, decline_path
from tco.portfolio.menu import Menu, Route

TIME_LIMIT_S = 20.0
MIP_GAP = 1e-5
"""Stop when the best mix found is proven within 0.001 % of the optimum."""
STATUS = {0: "optimal", 1: "time limit (best found)", 2: "infeasible", 3: "unbounded"}


@dataclass(frozen=True)
class Plan:
    """A solved mix: the objective and each variable group's values."""

    status: str
    npv_cost_usd: float
    seconds: float
    share: dict[tuple[int, Route], np.ndarray]
    """(class, route) → (T, H) share of the class's requests in each month and slot."""
    replicas: dict[int, np.ndarray]
    """source → (T, H) replicas running."""
    units: dict[int, np.ndarray]
    """source → (T, H) units billed."""
    used: dict[str, bool]


class _Program:
    """Columns and rows of the programme, added group by group."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []

    def column(self, cost: float, high: float, integer: bool, low: float = 0.0) -> int:
        self.cost.append(cost)
        self.low.append(low)
        self.high.append(high)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def add_cost(self, column: int, usd: float) -> None:
        self.cost[column] += usd

    def row(self, columns: list[int], values: list[float], low: float, high: float) -> None:
        self.rows.append((columns, values, low, high))

    def solve(self) -> tuple[str, np.ndarray | None, float]:
        # imported here: scipy.optimize costs ~0.3 s to import, paid only when a mix is asked for
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_array

        cols = [c for cs, _, _, _ in self.rows for c in cs]
        vals = [v for _, vs, _, _ in self.rows for v in vs]
        rows = [i for i, (cs, _, _, _) in enumerate(self.rows) for _ in cs]
        matrix = coo_array((vals, (rows, cols)), shape=(len(self.rows), len(self.cost))).tocsr()
        constraint = LinearConstraint(matrix, [r[2] for r in self.rows], [r[3] for r in self.rows])
        start = time.perf_counter()
        found = milp(
            np.array(self.cost),
            constraints=constraint,
            integrality=np.array(self.integer),
            bounds=Bounds(np.array(self.low), np.array(self.high)),
            options={"time_limit": TIME_LIMIT_S, "mip_rel_gap": MIP_GAP},
        )
        seconds = time.perf_counter() - start
        status = {0: "optimal", 1: "time limit (best found)", 2: "infeasible", 3: "unbounded"}.get(
            found.status, "failed"
        )
        return status, (found.x if found.x is not None else None), seconds


def solve(menu: Menu, allow: tuple[str, ...]) -> Plan:
    """The cheapest mix the ingredients in `allow` permit (module docstring)."""
    scenario = menu.scenario
    months, slots = menu.requests.shape[1], menu.load_factor.size
    policy = scenario.capacity
    gpu_path = decline_path(scenario.finance.gpu_price_decline_annual, months)
    count_after = scenario.finance.commitments_after_horizon == "count"
    p = _Program()
    used = {}
    for name, usd in menu.fixed_usd_per_month.items():
        recurring = float(np.dot(menu.discount, menu.recurring_usd[name])) if name in menu.recurring_usd else 0.0
        used[name] = p.column(float(menu.discount.sum()) * usd + menu.implementation_usd.get(name, 0.0) + recurring,
                              1, True)  # fmt: skip
    source_used = [p.column(0.0, 1, True) for _ in menu.sources]
    for i, s in enumerate(menu.sources):
        p.row([used[s.deployment], source_used[i]], [1.0, -1.0], 0.0, np.inf)
    if "terms" not in allow:  # one offer per deployment: no reserved floor beside on-demand growth
        for deployment in {s.deployment for s in menu.sources}:
            mine = [source_used[i] for i, s in enumerate(menu.sources) if s.deployment == deployment]
            if len(mine) > 1:
                p.row(mine, [1.0] * len(mine), 0.0, 1.0)
    hourly = "overflow" in allow
    shared = "routing" not in allow
    classes = range(len(menu.classes))
    groups = [(None, _common(menu.routes))] if shared else [(k, menu.routes[k]) for k in classes]
    share: dict[tuple[int | None, Route], list[list[int]]] = {}
    for k, routes in groups:
        members = list(classes) if k is None else [k]
        cells = [(t, h) for t in range(months) for h in range(slots)] if hourly else [(None, None)]
        for route in routes:
            grid = [[-1] * slots for _ in range(months)]
            for t, h in cells:
                column = p.column(0.0, 1.0, not hourly)
                for tt, hh in [(t, h)] if t is not None else [(a, b) for a in range(months) for b in range(slots)]:
                    grid[tt][hh] = column
                    for m in members:
                        requests = menu.requests[m, tt] * menu.hour_weight[hh]
                        p.add_cost(column, menu.discount[tt] * requests * _usd_per_request(menu, route, m, tt))
            share[(k, route)] = grid
            for column in {c for row in grid for c in row}:
                p.row([column, used[route.option] if route.source is None else source_used[route.source]],
                      [1.0, -1.0], -np.inf, 0.0)  # fmt: skip
                if route.escalate_to is not None:
                    p.row([column, used[route.escalate_to]], [1.0, -1.0], -np.inf, 0.0)
        for t in range(months):
            for h in range(slots):
                columns = sorted({share[(k, r)][t][h] for r in routes})
                if not hourly and (t, h) != (0, 0):
                    continue
                p.row(columns, [1.0] * len(columns), 1.0, 1.0)
    replicas, units = {}, {}
    for i, source in enumerate(menu.sources):
        model = source.model
        load = {(t, h): [] for t in range(months) for h in range(slots)}
        for (k, route), grid in share.items():
            if route.source != i:
                continue
            for m in list(classes) if k is None else [k]:
                x = source.req_per_s[m]
                for t in range(months):
                    for h in range(slots):
                        rate = menu.requests[m, t] / SECONDS_PER_MONTH * menu.load_factor[h]
                        load[(t, h)].append((grid[t][h], rate / x))
        peak = max((sum(v for _, v in terms) for terms in load.values()), default=0.0)
        spare = policy.ha_spare_replicas
        top = float(np.ceil(peak / policy.planning_utilization) + policy.min_replicas + spare + 1)
        per_unit = model.gpus_per_replica / model.unit_gpus
        top_units = float(np.ceil(top * per_unit) + 1)
        unit_usd = model.usd_per_unit_month * np.where(model.price_declines, gpu_path, 1.0)
        autoscaled = model.autoscale and not model.commitment_months
        n = [[p.column(0.0, top, True) for _ in range(slots)] if autoscaled else [p.column(0.0, top, True)] * slots
             for _ in range(months)]  # fmt: skip
        if autoscaled:
            u = [[p.column(menu.discount[t] * unit_usd[t] / slots, top_units, True) for _ in range(slots)]
                 for t in range(months)]  # fmt: skip
            for t in range(months):
                for h in range(slots):
                    p.row([u[t][h], n[t][h]], [model.unit_gpus, -model.gpus_per_replica], 0.0, np.inf)
        else:
            u = _tranches(p, model, months, menu.discount, unit_usd, top_units, count_after, n)
        for t in range(months):
            for h in range(slots) if autoscaled else [0]:
                p.row([n[t][h], source_used[i]], [1.0, -float(policy.min_replicas + spare)], 0.0, np.inf)
                p.row([n[t][h], source_used[i]], [1.0, -top], -np.inf, 0.0)
            for h in range(slots):
                terms = load[(t, h)]
                columns = [c for c, _ in terms] + [n[t][h], source_used[i]]
                values = [v for _, v in terms] + [-policy.planning_utilization, policy.planning_utilization * spare]
                p.row(columns, values, -np.inf, 0.0)
        replicas[i], units[i] = n, u
    status, x, seconds = p.solve()
    if x is None:
        return Plan(status, float("nan"), seconds, {}, {}, {}, {})
    value = np.round(x, 9)
    shares = {(k if k is not None else m, r): np.array([[value[c] for c in row] for row in grid])
              for (k, r), grid in share.items() for m in ([k] if k is not None else list(classes))}  # fmt: skip
    return Plan(
        status,
        float(np.dot(p.cost, x)),
        seconds,
        shares,
        {i: np.array([[value[c] for c in row] for row in n]) for i, n in replicas.items()},
        {i: np.array([[value[c] for c in row] for row in u]) for i, u in units.items()},
        {name: bool(value[c] > 0.5) for name, c in used.items()},
    )


def _common(routes: tuple[tuple[Route, ...], ...]) -> tuple[Route, ...]:
    """Routes open to every class (routing off: the classes split alike)."""
    common = set(routes[0]).intersection(*routes[1:])
    return tuple(r for r in routes[0] if r in common)


def _usd_per_request(menu: Menu, route: Route, k: int, t: int) -> float:
    """What one request of class k costs on `route` in month t beyond the fleet: the API's price, or the fleet's
    variable cost; plus the escalated share at the escalation API's price."""
    if route.source is None:
        usd = float(menu.api_usd_per_request[route.option][k, t])
    else:
        usd = menu.sources[route.source].model.variable_usd_per_request
    if route.escalate_to is not None:
        usd += route.escalation_share * float(menu.api_usd_per_request[route.escalate_to][k, t])
    return usd


def _tranches(
    p: _Program,
    model,
    months: int,
    discount: np.ndarray,
    unit_usd: np.ndarray,
    top_units: float,
    count_after: bool,
    n: list[list[int]],
) -> list[list[int]]:
    """Committed units: a tranche started in month t' is billed through t' + term − 1 (one month on-demand), so
    units at t = Σ of the tranches alive; each tranche's columns carry its whole cost, and for a reserved rental
    the months it runs past the horizon at their present value (when counted)."""
    term = max(model.commitment_months, 1)
    monthly = discount[0] if discount.size else 1.0
    starts = []
    for start in range(months):
        alive = range(start, min(start + term, months))
        usd = float(sum(discount[t] * unit_usd[t] for t in alive))
        beyond = start + term - months
        if count_after and model.kind == "rented" and model.commitment_months and beyond > 0:
            usd += model.committed_usd_per_unit_month * float((monthly ** (months + np.arange(1, beyond + 1))).sum())
        starts.append(p.column(usd, top_units, True))
    held = []
    for t in range(months):
        alive = [starts[s] for s in range(max(0, t - term + 1), t + 1)]
        p.row([*alive, n[t][0]], [float(model.unit_gpus)] * len(alive) + [-float(model.gpus_per_replica)], 0.0, np.inf)
        held.append(alive)
    return [[_sum_marker(p, alive, top_units * term)] * len(n[t]) for t, alive in enumerate(held)]


def _sum_marker(p: _Program, columns: list[int], high: float) -> int:
    """A free column equal to the sum of `columns` (units held), for reading the plan back; it costs nothing."""
    total = p.column(0.0, high, False)
    p.row([*columns, total], [1.0] * len(columns) + [-1.0], 0.0, 0.0)
    return total
