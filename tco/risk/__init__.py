"""How sure the answer is: the Monte Carlo over prices (GPU, energy, API), throughput, peak, growth, API price
decline, staff and one-time costs; the tornado, on the same ranges (`montecarlo.Ranges`, from the scenario's
`uncertainty`); the risk report of a self-hosted and API pair.

May import: records, workload, capacity, finance, cost.
"""

from tco.risk.montecarlo import MAX_DECLINE, MonteCarloResult, draw_drivers, run_monte_carlo, uncertainty_ranges
from tco.risk.report import RiskReport, headline_pair, risk_pair, risk_report
from tco.risk.sensitivity import Tornado, tornado
from tco.risk.throughput_spread import PUBLISHED_SD, option_throughput_sds, throughput_sd

__all__ = [
    "MAX_DECLINE",
    "PUBLISHED_SD",
    "MonteCarloResult",
    "RiskReport",
    "Tornado",
    "draw_drivers",
    "headline_pair",
    "option_throughput_sds",
    "risk_pair",
    "risk_report",
    "run_monte_carlo",
    "throughput_sd",
    "tornado",
    "uncertainty_ranges",
]
