"""Flat listings of the price data (API prices, GPU offers) for the CLI and the app's Prices page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from genai_prices import types as gp_types

from pricing.catalog import PriceCatalog
from pricing.gpus import GpuSheet
from pricing.overrides import PriceOverride

ALL_HOURS = (1.0,) * 24


def api_price_rows(
    catalog: PriceCatalog, overrides: dict[tuple[str, str], PriceOverride], today: dt.date
) -> list[dict[str, Any]]:
    """One row per catalogued model (list prices in force today, USD/Mtok) and per override row, each with its
    source and the day its price started (`price_since`: the catalogue's dated start, or the override's `as_of`;
    None when the data gives that price no date).

    Cached input without a cache price is billed as input, so that is what the row shows.
    """
    rows = []
    for provider in catalog.providers:
        for model in provider.models:
            price = catalog.price(provider.id, model.id, today, ALL_HOURS, "genai-prices", model.id).standard
            rows.append(
                {
                    "provider": provider.id,
                    "model": model.id,
                    "input_usd_per_mtok": price.input.base,
                    "cached_input_usd_per_mtok": (price.cache_read or price.input).base,
                    "output_usd_per_mtok": price.output.base,
                    "tiered": bool(price.input.tiers),
                    "source": catalog.version,
                    "price_since": price_since(model, today),
                }
            )
    for (provider, model), row in overrides.items():
        rows.append(
            {
                "provider": provider,
                "model": model,
                "input_usd_per_mtok": row.input_usd_per_mtok,
                "cached_input_usd_per_mtok": row.cache_read_usd_per_mtok or row.input_usd_per_mtok,
                "output_usd_per_mtok": row.output_usd_per_mtok,
                "tiered": bool(row.tiers),
                "source": f"override: {row.source}"
                + (f"; discount {row.discount_share:.0%}" if row.discount_share else ""),
                "price_since": row.as_of,
            }
        )
    return rows


def start_dates(model: gp_types.ModelInfo) -> list[dt.date]:
    """The days this model's dated prices start (price history and scheduled changes), as the data records them."""
    prices = model.prices if isinstance(model.prices, list) else []
    return sorted(p.constraint.start_date for p in prices if isinstance(p.constraint, gp_types.StartDateConstraint))


def price_since(model: gp_types.ModelInfo, today: dt.date) -> dt.date | None:
    """The start day of the price in force on `today`; None when the data gives that price no date."""
    started = [d for d in start_dates(model) if d <= today]
    return started[-1] if started else None


def data_date_text(catalog: PriceCatalog, today: dt.date) -> str:
    """What the price data says about its own date, e.g. 'the data records no snapshot date; its latest price change
    took effect on 2026-12-01, and it schedules changes for 2027-01-01'. A fetched copy's date is its download,
    already in the catalogue's version ('genai-prices data fetched 2026-11-29T10:00Z')."""
    days = sorted({d for p in catalog.providers for m in p.models for d in start_dates(m)})
    past = [d for d in days if d <= today]
    later = [d for d in days if d > today]
    parts = [] if catalog.snapshot.from_auto_update else ["the data records no snapshot date"]
    changed = f"its latest price change took effect on {past[-1]}" if past else "no price in it is dated"
    if later:
        changed += f", and it schedules changes for {', '.join(str(d) for d in later[:3])}"
        changed += " …" if len(later) > 3 else ""
    return "; ".join([*parts, changed])


def gpu_offer_rows(sheet: GpuSheet) -> list[dict[str, Any]]:
    """Every rental offer and purchase entry with its basis (vendor, third_party, estimate), source and date."""
    rows: list[dict[str, Any]] = []
    for gpu in sheet.gpus:
        for offer in gpu.offers:
            rows.append(
                {
                    "gpu": gpu.id,
                    "provider": offer.provider,
                    "term": offer.term,
                    "usd_per_gpu_hour": offer.usd_per_gpu_hour,
                    "gpus_per_unit": offer.gpus_per_instance,
                    "basis": offer.basis,
                    "source": offer.source,
                    "as_of": offer.as_of,
                }
            )
        if gpu.purchase is not None:
            p = gpu.purchase
            rows.append(
                {
                    "gpu": gpu.id,
                    "provider": "purchase",
                    "term": "owned",
                    "usd_per_gpu_hour": None,
                    "server_usd": p.server_usd,
                    "gpus_per_unit": p.gpus_per_server,
                    "basis": p.basis,
                    "source": p.source,
                    "as_of": p.as_of,
                }
            )
    return rows
