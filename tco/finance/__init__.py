"""Money over time: discounting and returns (NPV, IRR, payback), commitments by term, the monthly projection
of an option's cost, and break-even volumes.

May import: records.
"""

from tco.finance.breakeven import (
    VOLUME_RANGE,
    Setting,
    break_even_utilization,
    cost_curves,
    costs_at_volume,
    crossings,
    horizon_crossings,
    reachable_utilization,
)
from tco.finance.commitments import committed_units, tranches
from tco.finance.discounting import (
    discount_factors,
    investment_flows,
    irr_annual,
    monthly_rate,
    npv,
    npv_reference,
    payback_month,
    roi,
)
from tco.finance.projection import (
    SECONDS_PER_MONTH,
    Drivers,
    OptionModel,
    Projection,
    decline_path,
    project,
    requests_series,
)

__all__ = [
    "SECONDS_PER_MONTH",
    "VOLUME_RANGE",
    "Drivers",
    "OptionModel",
    "Projection",
    "Setting",
    "break_even_utilization",
    "committed_units",
    "cost_curves",
    "costs_at_volume",
    "crossings",
    "decline_path",
    "discount_factors",
    "horizon_crossings",
    "investment_flows",
    "irr_annual",
    "monthly_rate",
    "npv",
    "npv_reference",
    "payback_month",
    "project",
    "reachable_utilization",
    "requests_series",
    "roi",
    "tranches",
]
