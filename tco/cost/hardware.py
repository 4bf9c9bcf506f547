"""What a GPU costs per month: rented by the hour, or owned (capital, power, colocation, upkeep)."""

from __future__ import annotations

from dataclasses import dataclass

from tco.finance.discounting import monthly_rate

HOURS_PER_YEAR = 8760.0


def crf(rate: float, periods: float) -> float:
    """Capital recovery factor: the payment per period that repays 1 over `periods` at `rate` per period.

    CRF(r, n) = r(1+r)^n / ((1+r)^n - 1), and 1/n when r = 0.

    >>> round(crf(0.08, 4), 5)
    0.30192
    """
    if rate == 0:
        return 1.0 / periods
    growth = (1 + rate) ** periods
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
    provisioned_kw: float,
    pue: float,
    usd_per_kwh: float,
    colo_usd_per_kw_month: float,
    maintenance_share_per_year: float,
    license_usd_per_gpu_year: float,
    discount_rate_annual: float,
) -> ServerYear:
    """One owned server's yearly cost (docs/formats.md, "Owned, always on"), on the one convention used everywhere:
    monthly compounding, end-of-month flows (tco.finance.discounting).

    energy on the average draw (power_kw × PUE × 8,760 h × $/kWh); colocation on the provisioned power
    (provisioned_kw × $/kW-month × 12), since a colocation contract bills the kW reserved, not the kW drawn.
    capital per month = (server − R) · CRF(r_m, 12 · life) + R · r_m, with R = residual_share · server and
    r_m = (1 + r)^(1/12) − 1 the monthly rate that compounds to r; a year is 12 of them. (An annual CRF divided
    by 12 would charge 3.6 % more at 8 %: it collects each year's payment a year early in a monthly view.)
    Worked check: $370k, 4 y, 20 % residual, 8 %: r_m = 0.6434 %, CRF(r_m, 48) = 0.024282, so
    296,000 × 0.024282 + 74,000 × 0.006434 = $7,664 a month, $91,963 a year (the annual-CRF figure: $95,289).

    >>> year = owned_server_year(server_usd=370_000, gpus_per_server=8, life_years=4, residual_share=0.2,
    ...     power_kw=10.2 * 0.7, provisioned_kw=10.2, pue=1.3, usd_per_kwh=0.10, colo_usd_per_kw_month=200,
    ...     maintenance_share_per_year=0.05, license_usd_per_gpu_year=0, discount_rate_annual=0.08)
    >>> round(year.capital)
    91963
    >>> round(year.energy)  # 7.14 kW * 1.3 * 8760 h * $0.10
    8131
    >>> round(year.colocation)  # 10.2 kW provisioned * $200 * 12
    24480
    """
    residual = residual_share * server_usd
    r_m = monthly_rate(discount_rate_annual)
    capital_month = (server_usd - residual) * crf(r_m, 12 * life_years) + residual * r_m
    return ServerYear(
        capital=12 * capital_month,
        energy=power_kw * pue * HOURS_PER_YEAR * usd_per_kwh,
        colocation=provisioned_kw * colo_usd_per_kw_month * 12,
        maintenance=maintenance_share_per_year * server_usd,
        licences=license_usd_per_gpu_year * gpus_per_server,
    )


def economic_value(
    server_usd: float, residual_share: float, life_years: float, age_months: float, discount_rate_annual: float
) -> float:
    """What a server is worth at `age_months` on the P&L's own terms: the present value of the capital charges
    still to come and of its residual at end of life, E = A · (1 − v^m) / r_m + R · v^m, with A the monthly
    capital charge (`owned_server_year`), m the months of life left, v = 1 / (1 + r_m). New, E is the price; at
    end of life, the residual. The cash view's terminal value, so that its NPV and the P&L's agree.

    Worked check: $100,000, 20 % residual, 4 years, 0 %: A = 80,000 / 48 = $1,666.67; halfway, 24 charges left
    are $40,000, plus the $20,000 residual: $60,000 (at 0 % the straight-line book value).

    >>> round(economic_value(100_000, 0.2, 4, 24, 0.0))
    60000
    >>> round(economic_value(370_000, 0.2, 4, 0, 0.08))
    370000
    """
    residual = residual_share * server_usd
    months = 12 * life_years
    left = max(months - age_months, 0.0)
    r_m = monthly_rate(discount_rate_annual)
    charge = (server_usd - residual) * crf(r_m, months) + residual * r_m
    v = 1 / (1 + r_m)
    annuity = left if r_m == 0 else (1 - v**left) / r_m
    return charge * annuity + residual * v**left
