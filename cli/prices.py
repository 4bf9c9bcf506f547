"""`inference-roi prices update|list`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pricing import load_overrides, load_price_catalog
from pricing.overrides import DEFAULT_OVERRIDES


def run_update(args: argparse.Namespace) -> int:
    from pricing.refresh import DEFAULT_URL, RefreshError, update_prices

    try:
        result = update_prices(url=args.url or DEFAULT_URL)
    except RefreshError as err:
        print(f"prices not updated: {err}", file=sys.stderr)
        return 1
    print(
        f"updated {result.path}: {result.providers} providers, {result.models} models, "
        f"{result.bytes:,} bytes, sha256 {result.sha256[:12]}"
    )
    return 0


def list_prices(args: argparse.Namespace) -> int:
    catalog = load_price_catalog()
    today = dt.date.today()
    print(f"# {catalog.version}; prices as of {today}; USD per million tokens (input / cached input / output)")
    for provider in catalog.providers:
        if args.provider and provider.id != args.provider.lower():
            continue
        for model in provider.models:
            if args.search and args.search.lower() not in model.id.lower():
                continue
            price = catalog.price(provider.id, model.id, today, (1.0,) * 24, "genai-prices", model.id).standard
            cached = price.cache_read.base if price.cache_read else price.input.base
            tiers = " (tiers)" if price.input.tiers else ""
            print(f"{provider.id}\t{model.id}\t{price.input.base:g} / {cached:g} / {price.output.base:g}{tiers}")
    for (provider, model), row in load_overrides().items():
        if (args.provider and provider != args.provider.lower()) or (args.search and args.search.lower() not in model):
            continue
        what = (
            f"{row.input_usd_per_mtok:g} / - / {row.output_usd_per_mtok:g}"
            if row.has_prices
            else f"discount {row.discount_share:.0%}"
        )
        print(f"{provider}\t{model}\t{what}\t[override: {DEFAULT_OVERRIDES.name}, {row.source}, {row.as_of}]")
    return 0
