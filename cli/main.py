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
    mix = cases = draws = None
    if args.portfolio or inputs.scenario.portfolio.enabled:
        from reports.mix import mix_monthly_csv
        from tco.portfolio.mix import best_mix
        from tco.portfolio.robustness import mix_monte_carlo, mix_tornado

        try:
            mix = best_mix(inputs, result)
            cases = mix_tornado(inputs, result) if args.format != "csv" else None
            draws = mix_monte_carlo(inputs, result, args.mix_draws) if args.mix_draws and args.format != "csv" else None
        except ValueError as err:
            print(f"{args.scenario}: portfolio: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.format == "csv" and args.portfolio:  # asked for: the mix month by month (else the summary)
            sys.stdout.write(mix_monthly_csv(mix))
            return 0
    if args.format == "csv":
        sys.stdout.write(as_csv(result, mix))
        return 0
    risk = risk_report(inputs, result)
    extra = (mix, cases, draws)
    print(as_json(result, risk, *extra) if args.format == "json" else as_table(result, risk, *extra))
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


IMPORT_FORMAT_NAMES = {
    "vllm": "vLLM `bench serve --save-result` JSON",
    "sglang": "SGLang `bench_serving` JSONL",
    "guidellm": "guidellm benchmarks.json",
    "aiperf": "AIPerf profile_export_aiperf.json",
    "inferencex": "InferenceX serving JSON, agg_*.json, /api/v1/benchmarks JSON or dashboard CSV",
    "llmd": "llm-d benchmark report v0.2 (JSON or YAML)",
    "mlperf": "MLPerf summary.json rows or mlperf_log_summary.txt",
}
"""What each importer reads, by its `--from` name; the list itself comes from profiling.importers.CONVERTERS."""


def import_formats() -> list[tuple[str, str]]:
    """(--from name, what it reads) for every format the importer dispatches, in its own order."""
    from profiling.importers import CONVERTERS

    return [(tool, IMPORT_FORMAT_NAMES.get(tool, tool)) for tool in CONVERTERS]


def _add_import(sub: argparse._SubParsersAction) -> None:
    from profiling.cli import add_import_arguments

    formats = import_formats()
    imported = sub.add_parser(
        "import",
        help=f"convert a benchmark result file into a profile ({', '.join(tool for tool, _ in formats)})",
        description="Convert the result files of one deployment into a profile. Formats (detected; --from forces "
        "one): " + "; ".join(f"{tool}: {what}" for tool, what in formats) + ".",
    )
    add_import_arguments(imported)
    imported.set_defaults(run=_import)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and option, each with its help."""
    parser = argparse.ArgumentParser(prog="inference-roi", description="Self-host or API? Inference cost and ROI.")
    sub = parser.add_subparsers(dest="command", required=True)
    compare = sub.add_parser(
        "compare",
        help="evaluate a scenario file: ranked options with their status, break-even, verdict and risk",
        description="Evaluate a scenario: every option ranked (those meeting the SLO and the quality gate first, "
        "then by NPV of cost) with its status, the break-even against the best API, the verdict and the Monte Carlo.",
    )
    compare.add_argument("scenario", help="scenario YAML file (its relative paths are relative to it)")
    compare.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table: for reading (default); json: the full result with risk (and `portfolio` with --portfolio); "
        "csv: the summary, spreadsheet-safe (with --portfolio given here: the mix's cost by component, month by month)",
    )
    compare.add_argument(
        "--portfolio",
        action="store_true",
        help="also solve the cheapest mix of the options (route each class, cover the base, burst the peaks, mix "
        "the terms, cascade) against the best single option; on by default with `portfolio: {enabled: true}`",
    )
    compare.add_argument(
        "--mix-draws",
        type=int,
        default=0,
        help="with the best mix: also draw every input together this many times (the scenario's ranges and seed) "
        "and solve the mix and the best single option again in each draw, about 0.3 s a draw (e.g. 40)",
    )
    compare.set_defaults(run=_compare)
    from profiling.cli import add_profile_arguments

    profile = sub.add_parser("profile", help="load-test an OpenAI-compatible server and write a profile")
    add_profile_arguments(profile)
    profile.set_defaults(run=_profile)
    _add_import(sub)
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
    from cli.prices import add_prices_arguments

    prices = sub.add_parser("prices", help="refresh or list API prices")
    add_prices_arguments(prices)
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
