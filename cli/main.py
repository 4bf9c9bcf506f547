"""`inference-roi`: compare scenarios and manage price data. Bad input exits 2 with one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from datafiles import InputError

EXIT_BAD_INPUT = 2


def _compare(args: argparse.Namespace) -> int:
    from cli.report import as_json, as_table
    from reports.exports import as_csv
    from scenario_io import load_inputs
    from tco import evaluate, risk_report

    inputs = load_inputs(args.scenario)
    result = evaluate(inputs)
    if args.format == "csv":
        sys.stdout.write(as_csv(result))
        return 0
    risk = risk_report(inputs, result)
    print(as_json(result, risk) if args.format == "json" else as_table(result, risk))
    return 0


def _prices(args: argparse.Namespace) -> int:
    from cli.prices import list_prices, run_update

    return run_update(args) if args.action == "update" else list_prices(args)


def _profile(args: argparse.Namespace) -> int:
    from profiling.cli import run_profile

    return run_profile(args)


def _import(args: argparse.Namespace) -> int:
    from profiling.cli import run_import

    return run_import(args)


def _capacity(args: argparse.Namespace) -> int:
    from cli.capacity import run_capacity

    return run_capacity(args)


def _usage(args: argparse.Namespace) -> int:
    from cli.usage import run_usage

    return run_usage(args)


def _eval(args: argparse.Namespace) -> int:
    return args.eval_run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inference-roi", description="Self-host or API? Inference cost and ROI.")
    sub = parser.add_subparsers(dest="command", required=True)
    compare = sub.add_parser("compare", help="evaluate a scenario file")
    compare.add_argument("scenario", help="scenario YAML file")
    compare.add_argument("--format", choices=("table", "json", "csv"), default="table")
    compare.set_defaults(run=_compare)
    from profiling.cli import add_import_arguments, add_profile_arguments

    profile = sub.add_parser("profile", help="load-test an OpenAI-compatible server and write a profile")
    add_profile_arguments(profile)
    profile.set_defaults(run=_profile)
    imported = sub.add_parser("import", help="convert a vLLM, SGLang, guidellm or AIPerf result file into a profile")
    add_import_arguments(imported)
    imported.set_defaults(run=_import)
    from cli.capacity import add_capacity_arguments

    capacity = sub.add_parser("capacity", help="X* of one replica at a request shape and SLO, from a profile")
    add_capacity_arguments(capacity)
    capacity.set_defaults(run=_capacity)
    from evals.cli import add_eval_arguments

    evals = sub.add_parser("eval", help="import eval results, or run a task file against endpoints")
    add_eval_arguments(evals)
    evals.set_defaults(run=_eval)
    from cli.usage import add_usage_arguments

    usage = sub.add_parser("usage", help="derive the workload from API usage and billing exports; check the bill")
    add_usage_arguments(usage)
    usage.set_defaults(run=_usage)
    prices = sub.add_parser("prices", help="refresh or list API prices")
    prices.add_argument("action", choices=("update", "list"))
    prices.add_argument("--url", help="genai-prices v2 data.json URL (update)")
    prices.add_argument("--provider", help="only this provider (list)")
    prices.add_argument("--search", help="only models whose id contains this text (list)")
    prices.set_defaults(run=_prices)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
