"""How long the best mix takes to solve, by size: classes × options × months × 24 hours (issue 28).

    python bench/portfolio.py

Synthetic menus (tco.portfolio.menu.Menu built directly): K classes, A APIs at random prices, S self-hosted sources
(reserved 12 months, on-demand monthly and on-demand autoscaled, round-robin) on a business-hours daily curve with
3 % growth a month; every route open to every class. Each size is solved with every ingredient and with none (the
best single option), three times; the table gives the median seconds of HiGHS (scipy.optimize.milp) and the
programme's size. Then the bundled mix example end to end (`best_mix`: 6 solves and the per-class evaluations).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tco.finance.projection import SECONDS_PER_MONTH, OptionModel  # noqa: E402
from tco.portfolio.menu import Menu, Route, Source, restricted  # noqa: E402
from tco.portfolio.milp import solve  # noqa: E402
from tco.records.assumptions import CapacityPolicy  # noqa: E402
from tco.records.scenario import RequestClass, Scenario, Workload  # noqa: E402

ALL = ("routing", "overflow", "terms", "cascade")
CURVE = np.array([0.3] * 7 + [1.0, 1.4, 1.7, 1.9, 1.9, 1.8, 1.8, 1.7, 1.5, 1.3, 1.1] + [0.7] * 6)


def menu(classes: int, apis: int, sources: int, months: int, seed: int = 0) -> Menu:
    rng = np.random.default_rng(seed)
    scenario = Scenario(
        name="bench",
        workload=Workload(requests_per_month=1.0, input_tokens=1000, output_tokens=200),
        options=({"id": "x", "kind": "api", "provider": "p", "model": "m"},),
        horizon_months=months,
        capacity=CapacityPolicy(),
    )
    prices = {f"api{i}": rng.uniform(2e-4, 5e-3, size=(classes, 1)) * np.ones((1, months)) for i in range(apis)}
    kinds = [(12, False), (0, False), (0, True)]
    made = []
    for i in range(sources):
        term, autoscale = kinds[i % 3]
        model = OptionModel(f"s{i}", "rented", 0.0, replica_req_per_s=float(rng.uniform(2, 8)), gpus_per_replica=8,
                            unit_gpus=8, usd_per_unit_month=float(rng.uniform(15_000, 30_000)),
                            commitment_months=term, autoscale=autoscale)  # fmt: skip
        made.append(Source(f"s{i}", "model on GPU", model, f"term {term}", (model.replica_req_per_s,) * classes))
    routes = tuple(tuple([Route(a) for a in prices] + [Route(s.option, i) for i, s in enumerate(made)])
                   for _ in range(classes))  # fmt: skip
    volume = rng.uniform(5, 50, size=classes)[:, None] * SECONDS_PER_MONTH * 1.03 ** np.arange(months)[None, :]
    return Menu(scenario, tuple(RequestClass(name=f"c{k}", share=1 / classes, input_tokens=1000, output_tokens=200)
                                for k in range(classes)), volume, CURVE, CURVE / CURVE.sum(), tuple(made), routes,
                prices, {**{a: 900.0 for a in prices}, "model on GPU": 3600.0}, {}, {}, np.ones(months))  # fmt: skip


def main() -> None:
    header = ("classes", "APIs", "fleets", "months", "hours")
    print(" ".join(f"{h:>7}" for h in header) + f"  {'mix (s)':>8} {'single (s)':>10}  status")
    for classes, apis, sources, months in [(1, 2, 1, 12), (2, 3, 2, 12), (2, 3, 2, 24), (3, 4, 3, 24), (2, 3, 2, 36),
                                           (4, 4, 3, 36)]:  # fmt: skip
        m = menu(classes, apis, sources, months)
        mixes, singles, status = [], [], ""
        for _ in range(3):
            plan = solve(m, ALL)
            mixes.append(plan.seconds)
            status = plan.status
            singles.append(solve(restricted(m, ()), ()).seconds)
        print(" ".join(f"{v:>7}" for v in (classes, apis, sources, months, 24)) + f"  {statistics.median(mixes):8.3f} "
              f"{statistics.median(singles):10.3f}  {status}")  # fmt: skip
    from scenario_io import load_catalogues, load_inputs
    from tco import evaluate
    from tco.portfolio.mix import best_mix

    catalogues = load_catalogues()
    inputs = load_inputs(ROOT / "scenarios" / "mix-faq-and-escalations.yaml", catalogues)
    result = evaluate(inputs)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        mix = best_mix(inputs, result)
        times.append(time.perf_counter() - start)
    print(f"\nbundled mix example end to end (best_mix: per-class evaluations + {mix.solver['solves']} solves): "
          f"median {statistics.median(times):.2f} s; the main solve {mix.solver['seconds']:.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
