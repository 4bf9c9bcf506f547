"""`inference-roi usage FILE…`: what your usage exports say, the workload they imply, and your bill checked."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from datafiles import check_path
from datafiles.errors import one_line
from datafiles.export import json_safe
from datafiles.output import check_output_path, write_atomic
from usage.sources import SOURCE_NAMES


def add_usage_arguments(parser: argparse.ArgumentParser) -> None:
    """The exports, their source, the scenario to write and the output format."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="usage exports: CSV, JSON, JSONL, Parquet, .gz")
    parser.add_argument("--from", dest="source", choices=SOURCE_NAMES, help="the export's source (default: detected)")
    parser.add_argument("--out", help="write a scenario YAML that `inference-roi compare` runs as it is")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="table: for reading (default); json: the contract"
    )


def _money(value: float | None) -> str:
    """Dollars and cents, the sign before the symbol (−$12.50: tco.records.amounts.usd_cents); '-' for none."""
    from tco.records.amounts import usd_cents

    return "-" if value is None else usd_cents(value)


def _count(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _covers(coverage: dict | None) -> str:
    if coverage is None:
        return ""
    full = ", ".join(coverage["full_months"]) or "none"
    return f"; {coverage['first']} to {coverage['last']}, full months {full}"


def as_table(doc: dict) -> str:
    covers = {c["file"]: c for c in doc.get("coverage", [])}
    lines = [
        f"{f['file']}: {f['format']}, {f['source_rows']:,} rows, by {f['granularity']}" + _covers(covers.get(f["file"]))
        for f in doc["files"]
    ]
    common = doc.get("common_period")
    if len(doc["files"]) > 1:
        lines.append(
            "every file covers: none (the files share no day)"
            if common is None
            else f"every file covers: {common['days'][0]} to {common['days'][1]}, full months "
            + (", ".join(common["full_months"]) or "none")
        )
    header = (
        f"{'model':<40} {'requests':>12} {'input':>15} {'cached':>14} {'output':>14} {'reported':>12} {'priced':>12}"
    )
    lines += ["", header, "-" * len(header)]
    for m in doc["models"]:
        lines.append(
            f"{m['model'][:40]:<40} {_count(m['requests']):>12} {_count(m['input_tokens']):>15} "
            f"{_count(m['cached_input_tokens']):>14} {_count(m['output_tokens']):>14} "
            f"{_money(m['reported_cost_usd']):>12} {_money(m['priced_cost_usd']):>12}"
        )
    lines += ["", f"{'month':<8} {'requests':>14} {'input':>16} {'output':>16}"]
    for m in doc["months"]:
        full = "" if m["full"] else f"  (partial: {m['covered_days']:.1f} days)"
        if m["full"] and not m.get("in_every_file", True) and common is not None:
            full = "  (not in every file: left out of growth and peak)"
        lines.append(f"{m['month']:<8} {_count(m['requests']):>14} {_count(m['input_tokens']):>16} "
                     f"{_count(m['output_tokens']):>16}{full}")  # fmt: skip
    peak = doc["peak_to_average"]
    lines += [
        "",
        f"granularity: {doc['granularity']}; peak-to-average: {'n/a (daily data)' if peak is None else f'{peak:.2f}'}; "
        "monthly growth: " + ("not estimated" if doc["monthly_growth"] is None else f"{doc['monthly_growth']:.1%}"),
        "reconciliation (priced with " + doc["prices"] + "):",
    ]
    for r in doc["reconciliation"]:
        diff = r["difference_usd"]
        share = "" if diff is None or not r["reported_cost_usd"] else f" ({diff / r['reported_cost_usd']:+.1%})"
        lines.append(f"  {r['month']} {r['model'][:40]:<40} reported {_money(r['reported_cost_usd']):>12}  "
                     f"priced {_money(r['priced_cost_usd']):>12}  difference {_money(diff)}{share}")  # fmt: skip
    lines += ["", "workload:", yaml.safe_dump(doc["workload"], sort_keys=False).rstrip()]
    lines += [f"note: {n}" for n in doc["notes"]]
    return "\n".join(lines)


def run_usage(args: argparse.Namespace) -> int:
    from pricing import PriceBook, load_overrides, load_price_catalog
    from usage.report import analyse, as_dict, scenario_mapping

    files = []
    for name in args.files:
        check_path(name)
        files.append((Path(name), name))  # usage.staging hands DuckDB exactly this file
    out = check_output_path(args.out, "--out") if args.out else None
    book = PriceBook(load_price_catalog(), load_overrides(), "api_overrides.yaml")
    report = analyse(files, book, args.source)
    doc = as_dict(report)
    if out is not None:
        scenario = scenario_mapping(report)
        header = "# Derived by `inference-roi usage` from " + one_line(", ".join(args.files)) + "\n"
        write_atomic(out, header + yaml.safe_dump(json_safe(scenario), sort_keys=False))
    if args.format == "json":
        print(json.dumps(json_safe(doc), indent=2, allow_nan=False))
    else:
        print(as_table(doc))
        if out is not None:
            print(f"\nscenario written to {out}", file=sys.stderr)
    return 0
