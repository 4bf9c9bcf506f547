"""Is the Monte Carlo centred? Each uncertain input alone, the others held at base, on a bundled scenario.

    python bench/risk_centring.py [scenarios/support-assistant.yaml]

Prints P10 / P50 / P90 of the NPV of savings (headline pair) with every range at zero, then with one range at
a time (throughput: the option's own spread by basis), then all together. An input whose draws have their
median at the base value gives P50 = base when the savings move one way with it; where P50 moves, the cost
is not monotone in that input (a reserved or owned fleet does not shrink with demand, so both a fall and a
rise in demand cost self-hosting against the API).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scenario_io.loader import load_catalogues, load_inputs  # noqa: E402
from tco.decision.evaluate import evaluate  # noqa: E402
from tco.risk import report as risk  # noqa: E402

RANGES = ("throughput_rel_sd", "gpu_price_rel_range", "api_price_rel_range", "peak_rel_range", "growth_sd",
          "api_decline_range", "staff_rel_range")  # fmt: skip


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "scenarios" / "support-assistant.yaml")
    inputs = load_inputs(path, load_catalogues())
    result = evaluate(inputs)
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
        print(f"{kept or 'none':>20}: P10 {p10:>9}  P50 {p50:>9}  P90 {p90:>9}")
    risk.option_throughput_sds = by_basis


if __name__ == "__main__":
    main()
