"""Flat listings of the price data (API prices, GPU offers) for the CLI and the app's Prices page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pricing.catalog import PriceCatalog
from pricing.gpus import GpuSheet
from pricing.overrides import PriceOverride

ALL_HOURS = (1.0,) * 24


def api_price_rows(
    catalog: PriceCatalog, overrides: dict[tuple[str, str], PriceOverride], today: dt.date
) -> list[dict[str, Any]]:
    """One row per catalogued model (list prices in force today, USD/Mtok) and per override row.

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
                    "source": f"{catalog.version}, as of {today.isoformat()}",
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
                "source": f"override: {row.source} ({row.as_of})"
                + (f"; discount {row.discount_share:.0%}" if row.discount_share else ""),
            }
        )
    return rows


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
