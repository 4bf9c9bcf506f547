"""What a GPU costs per month: rented by the hour, or owned (capital, power, colocation, upkeep)."""

from __future__ import annotations

from dataclasses import dataclass

HOURS_PER_YEAR = 8760.0


def crf(rate: float, years: float) -> float:
    """Capital recovery factor: the annual payment that repays 1 over `years` at `rate`.

    CRF(r, n) = r(1+r)^n / ((1+r)^n - 1), and 1/n when r = 0.

    >>> round(crf(0.08, 4), 5)
    0.30192
    """
    if rate == 0:
        return 1.0 / years
    growth = (1 + rate) ** years
    return rate * growth / (growth - 1)


@dataclass(frozen=True)
class ServerYear:
    """USD per owned server per year, by component (P&L view: capital as an annuity)."""

    capital: float
    energy: float
    colocation: float
    maintenance: float
    licences: float

    @property
    def total(self) -> float:
        return self.capital + self.energy + self.colocation + self.maintenance + self.licences

    def monthly(self) -> dict[str, float]:
        return {k: v / 12 for k, v in self.__dict__.items()}


def owned_server_year(
    *,
    server_usd: float,
    gpus_per_server: int,
    life_years: float,
    residual_share: float,
    power_kw: float,
    pue: float,
    usd_per_kwh: float,
    colo_usd_per_kw_month: float,
    maintenance_share_per_year: float,
    license_usd_per_gpu_year: float,
    discount_rate_annual: float,
) -> ServerYear:
    """One owned server's yearly cost (DESIGN.md, "Owned, always-on").

    capital = (server - R) * CRF(r, life) + R * r with R = residual_share * server.
    Worked check (research/tco.md 7.5): $370k, 4 y, 20 % residual, 8 % gives ~$95.3k/yr.

    >>> year = owned_server_year(server_usd=370_000, gpus_per_server=8, life_years=4, residual_share=0.2,
    ...     power_kw=10.2 * 0.7, pue=1.3, usd_per_kwh=0.10, colo_usd_per_kw_month=200,
    ...     maintenance_share_per_year=0.05, license_usd_per_gpu_year=0, discount_rate_annual=0.08)
    >>> round(year.capital)
    95289
    >>> round(year.energy)  # 7.14 kW * 1.3 * 8760 h * $0.10
    8131
    """
    residual = residual_share * server_usd
    return ServerYear(
        capital=(server_usd - residual) * crf(discount_rate_annual, life_years) + residual * discount_rate_annual,
        energy=power_kw * pue * HOURS_PER_YEAR * usd_per_kwh,
        colocation=power_kw * colo_usd_per_kw_month * 12,
        maintenance=maintenance_share_per_year * server_usd,
        licences=license_usd_per_gpu_year * gpus_per_server,
    )


def book_value(server_usd: float, residual_share: float, life_years: float, age_months: float) -> float:
    """Straight-line book value from the price down to the residual at end of life (cash view).

    >>> book_value(100_000, 0.2, 4, 24)
    60000.0
    """
    residual = residual_share * server_usd
    used = min(age_months / (12 * life_years), 1.0)
    return server_usd - (server_usd - residual) * used
