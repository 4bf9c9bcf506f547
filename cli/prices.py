"""`inference-roi prices update|list`.

`prices list` dates the price data by what the data itself records. genai-prices' data (bundled or fetched)
carries no snapshot date: no field in its providers, models or package metadata says when it was compiled. What it
does record is the day each dated price starts (`StartDateConstraint.start_date`, price history and scheduled
changes), so each row shows the day its price in force started, and the header the latest change in force (and any
it schedules after today); a copy fetched by `prices update` is dated by its fetch (in the catalogue's version).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pricing import load_overrides, load_price_catalog
from pricing.listing import api_price_rows, data_date_text

EXIT_NOT_UPDATED = 2
"""A refresh that did not happen exits 2 like any bad input (README: one line, exit 2)."""
RATE_COLUMNS = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")


def add_prices_arguments(parser: argparse.ArgumentParser) -> None:
    """`prices update [--url]` and `prices list [--provider] [--search]`, each with its help."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="{update,list}")
    update = actions.add_parser(
        "update",
        help="download genai-prices data over HTTPS and use it from now on (the old copy is kept on any failure)",
        description="Download, validate and install genai-prices data; on any failure one line, exit 2, and the "
        "prices in use stay as they were.",
    )
    update.add_argument("--url", help="genai-prices v2 data.json URL (default: the project's published data)")
    listing = actions.add_parser(
        "list",
        help="print every API price in force today, with the date its price data records",
        description="Every catalogued and overridden API price in force today, USD per million tokens, with its "
        "source and the date the price data records.",
    )
    listing.add_argument("--provider", help="only this provider, e.g. zai or openai")
    listing.add_argument("--search", help="only models whose id contains this text, e.g. glm")


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
    """One tab-separated line per price in force today: provider, model, rates, [source and date]."""
    catalog = load_price_catalog()
    today = dt.date.today()
    print(
        f"# {catalog.version}: {data_date_text(catalog, today)}; rates in force on {today}; "
        "USD per million tokens (input / cached input / output)"
    )
    for row in api_price_rows(catalog, load_overrides(), today):
        if args.provider and row["provider"] != args.provider.lower():
            continue
        if args.search and args.search.lower() not in row["model"].lower():
            continue
        since = row["price_since"]
        source = f"{row['source']}, " + (f"price since {since}" if since else "price not dated in the data")
        if row["input_usd_per_mtok"] is None:
            print(f"{row['provider']}\t{row['model']}\t[{source}]")
            continue
        tiers = " (tiers)" if row["tiered"] else ""
        rates = " / ".join(f"{row[k]:g}" for k in RATE_COLUMNS)
        print(f"{row['provider']}\t{row['model']}\t{rates}{tiers}\t[{source}]")
    return 0
