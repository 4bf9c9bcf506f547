"""Is the Monte Carlo centred? Each uncertain input alone, the others held at base, on a bundled scenario.

    python bench/risk_centring.py [scenarios/glm5-vs-frontier.yaml] [--samples N]

First, every option's total cost over the horizon: the base case, the Monte Carlo P50 (every range on, the
scenario's seed) and the distribution-free 99.7 % interval of that median (order statistics n/2 ± 1.5·√n): an
API option's base cost lies inside it when the draws are centred (issue 24: gpt-5.2's P50 was 2.8 % below base
when the API price decline was clipped at 0). Self-hosted costs need not: whole replicas and commitments make a
fleet's cost a step function that never shrinks before its term ends.

Then P10 / P50 / P90 of the NPV of savings (headline pair) with every range at zero, then with one range at a
time (throughput: the option's own spread by basis), then all together. An input whose draws have their median
at the base value gives P50 = base when the savings move one way with it; where P50 moves, the cost is not
monotone in that input (a reserved or owned fleet does not shrink with demand, so both a fall and a rise in
demand cost self-hosting against the API).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scenario_io.loader import load_catalogues, load_inputs  # noqa: E402
from tco.cost.option_models import setup_options  # noqa: E402
from tco.decision.evaluate import evaluate  # noqa: E402
from tco.risk import report as risk  # noqa: E402
from tco.risk.montecarlo import run_monte_carlo  # noqa: E402

RANGES = ("throughput_rel_sd", "gpu_price_rel_range", "energy_price_rel_range", "api_price_rel_range",
          "peak_rel_range", "growth_sd", "api_decline_range", "staff_rel_range", "one_time_rel_range")  # fmt: skip


def cost_centring(inputs, result, samples: int | None) -> None:
    setups = [s for s in setup_options(inputs) if s.feasible]
    sds = risk.option_throughput_sds(setups, inputs.scenario.uncertainty.throughput_rel_sd)
    mc = run_monte_carlo(inputs.scenario, [s.model for s in setups], samples, sds)
    n = mc.samples
    k = math.ceil(1.5 * math.sqrt(n))
    print(f"total cost over the horizon, {n:,} samples, seed {mc.seed}:")
    for i, option_id in enumerate(mc.option_ids):
        option = result.option(option_id)
        ordered = np.sort(mc.total_cost_usd[:, i])
        p50, low, high = float(np.median(ordered)), float(ordered[n // 2 - k]), float(ordered[n // 2 + k])
        base = option.total_cost_usd
        inside = "inside" if low <= base <= high else "outside"
        if option.kind != "api" and inside == "outside":
            inside += " (a fleet's cost is a step function)"
        print(f"  {option_id:>22} ({option.kind:>11}): base ${base:>11,.0f} P50 ${p50:>11,.0f} ({p50 / base - 1:+.2%});"
              f" 99.7 % interval of the median ${low:,.0f}-${high:,.0f}: base {inside}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "glm5-vs-frontier.yaml"))
    parser.add_argument("--samples", type=int, default=None, help="default: the scenario's own")
    args = parser.parse_args()
    inputs = load_inputs(args.scenario, load_catalogues())
    result = evaluate(inputs)
    cost_centring(inputs, result, args.samples)
    print("NPV of savings of the headline pair, one range at a time:")
    by_basis = risk.option_throughput_sds
    for kept in (None, *RANGES, "all"):
        zeroed = {k: 0.0 for k in RANGES if kept not in (k, "all")}
        scenario = dataclasses.replace(
            inputs.scenario, uncertainty=dataclasses.replace(inputs.scenario.uncertainty, **zeroed)
        )
        flat = kept not in ("throughput_rel_sd", "all")
        risk.option_throughput_sds = (lambda s, _: {x.model.id: 0.0 for x in s}) if flat else by_basis
        report = risk.risk_report(dataclasses.replace(inputs, scenario=scenario), result, samples=4000)
        assert report is not None
        p10, p50, p90 = (f"${v / 1e3:,.0f}k" for v in report.savings_npv_p10_p50_p90_usd)
        print(f"{kept or 'none':>22}: P10 {p10:>9}  P50 {p50:>9}  P90 {p90:>9}")
    risk.option_throughput_sds = by_basis


if __name__ == "__main__":
    main()
