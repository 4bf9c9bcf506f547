"""Each month's cost of one option split into its components, for charts and finance exports.

The split follows the projection's own formulas, so the components of a month add up to its cost:

- API: for each price component c (input, cached_input, cache_write, output, request_fees)
  `requests[t] × usd_per_request_c[t] × api_price_path[t]`, plus the fixed staff and platform cost.
- Self-hosted: for each unit component k (gpu_rental, or capital / energy / colocation / maintenance /
  licences when owned) `units[t] × usd_per_unit_month_k × gpu_price_path[t]` (the path only for rentals
  whose price declines), plus egress `requests[t] × usd_per_request`, storage, and staff and platform; a
  distilled student's re-distillation project in the months it is redone.

Worked example: 2 rented instances at $2,000 a month of GPU rental, no decline, $1,000 of staff and
platform: each month is {gpu_rental: 4,000, staff_and_platform: 1,000}, 5,000 in all.
"""

from __future__ import annotations

import numpy as np

from tco.cost.api_cost import COMPONENTS
from tco.cost.option_models import OptionSetup
from tco.records.inputs import ResolvedApi

STAFF = "staff_and_platform"


def monthly_components(
    setup: OptionSetup,
    units: np.ndarray,
    requests: np.ndarray,
    api_price_path: np.ndarray,
    gpu_price_path: np.ndarray,
) -> dict[str, list[float]]:
    """Component → USD per month (T values); components that are zero in every month are left out.

    `units` are the billed units (instances or servers) per month, ignored for an API option.
    """
    model = setup.model
    months = len(requests)
    parts: dict[str, np.ndarray] = {}
    storage = 0.0
    if isinstance(setup.resolved, ResolvedApi):
        for c in COMPONENTS:
            per_request = np.array([getattr(cost, c) for cost in setup.request_costs])
            parts[c] = requests * per_request * api_price_path
    else:
        path = gpu_price_path if model.price_declines else np.ones(months)
        for k, usd_per_unit_month in model.unit_breakdown.items():
            parts[k] = units * usd_per_unit_month * path
        if model.variable_usd_per_request:
            parts["egress"] = requests * model.variable_usd_per_request
        storage = model.storage_usd_per_month
    if model.recurring_every_months:
        parts["redistillation"] = model.recurring_by_month(months)
    parts[STAFF] = np.full(months, model.fixed_usd_per_month - storage)
    if storage:
        parts["storage"] = np.full(months, storage)
    return {k: [float(x) for x in v] for k, v in parts.items() if np.any(v != 0)}
