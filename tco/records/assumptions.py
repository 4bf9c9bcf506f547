"""A scenario's assumptions beside its workload and options: the capacity policy (planning utilisation, spare
replicas), finance (discount rate, price declines, staff), the uncertainty ranges the tornado and the Monte Carlo
share, and what the best mix may use (docs/formats.md, "Scenario file").

Validated once, strictly, when built, like every scenario record (`tco.records.scenario`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT
from tco.records.units import Count


@dataclass(config=STRICT)
class CapacityPolicy:
    planning_utilization: Annotated[float, Field(ge=0.01, le=1)] = 0.85
    ha_spare_replicas: Count = 1
    min_replicas: Count = 1


@dataclass(config=STRICT)
class OpsFte:
    api: Annotated[float, Field(ge=0, le=10_000)] = 0.05
    rented: Annotated[float, Field(ge=0, le=10_000)] = 0.2
    owned: Annotated[float, Field(ge=0, le=10_000)] = 0.25


@dataclass(config=STRICT)
class Finance:
    discount_rate_annual: Annotated[float, Field(ge=0, le=1)] = 0.08
    api_price_decline_annual: Annotated[float, Field(ge=0, lt=1)] = 0.0
    gpu_price_decline_annual: Annotated[float, Field(ge=0, lt=1)] = 0.0
    staff_usd_per_fte_month: Annotated[float, Field(ge=0, le=1e7)] = 18000.0
    ops_fte: OpsFte = OpsFte()
    gpus_per_ops_fte: Annotated[float, Field(ge=1, le=1e6)] | None = None
    """Staff that grows with the fleet: one more FTE per this many billed GPUs, above `ops_fte`."""
    commitments_after_horizon: Literal["count", "ignore"] = "count"
    """count: a reserved term still running at the horizon is an obligation, and the present value of what is left
    of it is in the option's NPV of cost; ignore: only the months inside the horizon count."""


@dataclass(config=STRICT)
class Uncertainty:
    """The one set of ranges the tornado and the Monte Carlo share (tco.risk); recorded in every result's
    `assumptions.uncertainty`.

    Monte Carlo: every draw has its median at the base value and is symmetric around it. Throughput: log-normal,
    sd `throughput_rel_sd` for measured profiles, wider for other bases (tco.risk.throughput_spread.throughput_sd).
    Prices, peak, staff and one-time costs: triangular, base × (1 ± range). Growth: normal, sd `growth_sd`. API
    price decline: the base rate ± `api_decline_range` (triangular); a negative decline is a price rise. Where a
    valid bound (peak ≥ 1, decline ≤ 95 %/yr, growth > −99 %/month) is nearer than the range, the range narrows
    on both sides, so no tail is clipped on one side only.
    Tornado: each input alone at the ends of the same range (±2 sd for throughput and growth); planning
    utilisation, a choice rather than a chance, is a tornado bar only (base ± `planning_utilization_range`).
    """

    samples: Annotated[int, Field(ge=100, le=200_000)] = 10_000
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 20261129
    throughput_rel_sd: Annotated[float, Field(ge=0, le=1)] = 0.12
    gpu_price_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.15
    """On the GPU price alone: the rent of a rented GPU, the server price of an owned one (its capital and its
    maintenance, a share of the price); not energy, colocation, licences or staff."""
    energy_price_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.20
    """On the price of electricity (owned servers' energy only). ±20 %, a judgement: the US average retail price to
    industrial customers went from about 7.2 ¢/kWh in 2021 to 8.3 ¢/kWh in 2022 (EIA), some 16 % in one year, and
    a multi-year horizon can see more. Colocation, billed per provisioned kW, is its own contract: not moved."""
    api_price_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.10
    peak_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.20
    growth_sd: Annotated[float, Field(ge=0, le=1)] = 0.02
    api_decline_range: Annotated[float, Field(ge=0, lt=1)] = 0.20
    staff_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.20
    """On staff and platform cost, the fleet-scaled staff included."""
    one_time_rel_range: Annotated[float, Field(ge=0, lt=1)] = 0.50
    """On one-time costs (implementation, a distillation project and each re-distillation): ±50 %, a judgement
    (implementation estimates are the least certain figures in the scenario)."""
    planning_utilization_range: Annotated[float, Field(ge=0, lt=1)] = 0.10
    """Tornado only, in points of utilisation: base ± this, narrowed on both sides to stay within 0.01–1."""


MIX_INGREDIENTS = ("routing", "overflow", "terms", "cascade")
"""What the best mix may use: routing (each class to its own option), overflow (hour by hour, load beyond the
committed fleet to an API or on-demand GPUs), terms (each fleet's other offers: reserved floor, on-demand growth),
cascade (an option's `escalation` to another for a share of requests)."""


@dataclass(config=STRICT)
class Portfolio:
    """The best mix of options (tco.portfolio): solved when `enabled` (or `compare --portfolio`)."""

    enabled: bool = False
    min_saving_share: Annotated[float, Field(ge=0, le=1)] = 0.05
    """The mix is recommended over the best single option only when it saves more than this share of its NPV."""
    allow: tuple[Literal["routing", "overflow", "terms", "cascade"], ...] = MIX_INGREDIENTS
