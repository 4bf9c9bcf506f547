"""`inference-roi prices update|list`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pricing import load_overrides, load_price_catalog
from pricing.listing import api_price_rows

EXIT_NOT_UPDATED = 2
"""A refresh that did not happen exits 2 like any bad input (README: one line, exit 2)."""
RATE_COLUMNS = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")


def run_update(args: argparse.Namespace) -> int:
    """Fetch, validate and install price data; on any failure one line on stderr, exit 2, old prices kept."""
    from pricing.refresh import DEFAULT_URL, RefreshError, update_prices

    try:
        result = update_prices(url=DEFAULT_URL if args.url is None else args.url)
    except RefreshError as err:  # one line naming the URL and the cause; the copy in use is untouched
        print(f"error: prices not updated: {err}", file=sys.stderr)
        return EXIT_NOT_UPDATED
    print(
        f"updated {result.path}: {result.providers} providers, {result.models} models, "
        f"{result.bytes:,} bytes, sha256 {result.sha256[:12]}"
    )
    return 0


def list_prices(args: argparse.Namespace) -> int:
    catalog = load_price_catalog()
    today = dt.date.today()
    print(f"# {catalog.version}; prices as of {today}; USD per million tokens (input / cached input / output)")
    for row in api_price_rows(catalog, load_overrides(), today):
        if args.provider and row["provider"] != args.provider.lower():
            continue
        if args.search and args.search.lower() not in row["model"].lower():
            continue
        if row["input_usd_per_mtok"] is None:
            print(f"{row['provider']}\t{row['model']}\t[{row['source']}]")
            continue
        tiers = " (tiers)" if row["tiered"] else ""
        rates = " / ".join(f"{row[k]:g}" for k in RATE_COLUMNS)
        print(f"{row['provider']}\t{row['model']}\t{rates}{tiers}\t[{row['source']}]")
    return 0
