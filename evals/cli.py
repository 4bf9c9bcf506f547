"""`inference-roi eval import FILE …` and `inference-roi eval run TASKS.jsonl --endpoint … …`.

`eval run` exit status: 0 when every endpoint answered at least one task (a warning line on stderr for each
endpoint where some calls failed: how many, of which kind, the first message); `EXIT_ALL_FAILED` (1) when
every call of some endpoint failed — one `error:` line per such endpoint naming the cause (HTTP 404 and what
the server said, connection refused, timeout); its records are written all the same. Bad input exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from pathlib import Path

from datafiles import InputError, check_output_path, clip, write_atomic
from evals.importers import FORMATS, import_eval


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="eval_action", required=True)
    imp = sub.add_parser("import", help="read lm-eval, Inspect, promptfoo, OpenAI evals or DeepEval results")
    imp.add_argument("file", help="an eval result file: lm-eval, Inspect (.eval/.json), promptfoo, OpenAI evals, "
                     "DeepEval or our own records")  # fmt: skip
    imp.add_argument("--from", dest="fmt", choices=FORMATS, help="the file's tool (detected when left out)")
    imp.add_argument("--format", choices=("table", "json"), default="table",
                     help="table: for reading (default); json: the contract's results")  # fmt: skip
    imp.set_defaults(eval_run=run_import)
    run = sub.add_parser("run", help="run a task file against OpenAI-compatible endpoints and grade the answers")
    run.add_argument("tasks", help="JSONL: {id, prompt | messages, expected, grader, …} per line")
    run.add_argument("--endpoint", action="append", required=True,
                     help="name=N,base_url=URL,model=M[,api_key_env=VAR] (repeat for each endpoint)")  # fmt: skip
    run.add_argument("--judge", help="endpoint for `judge` tasks, in the --endpoint form")
    # numbers are read as text and checked in run_tasks, so a bad one is one line naming the flag (not a usage dump)
    run.add_argument("--concurrency", default="4", help="requests in flight per endpoint (default 4)")
    run.add_argument("--retries", default="2", help="retries of a failed call (default 2)")
    run.add_argument("--timeout", default="120", help="seconds per call attempt, body included (default 120)")
    run.add_argument("--out", help="folder for the per-item records, one NAME.jsonl per endpoint")
    run.add_argument("--format", choices=("table", "json"), default="table",
                     help="table: for reading (default); json: the contract's endpoints")  # fmt: skip
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(eval_run=run_tasks)


EXIT_ALL_FAILED = 1
"""`eval run`: every call of an endpoint failed, so it has no success rate."""
MAX_CONCURRENCY = 1024
"""Requests in flight per endpoint."""
MAX_RETRIES = 10
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 0.1, 3600.0
"""Per call attempt: connect, headers and the whole body."""


def _flag_number(value: object, flag: str, low: float, high: float, kind: str, *, whole: bool = False) -> float:
    """A command-line number from `low` to `high` (`whole`: an integer), else InputError naming the flag."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if whole and math.isfinite(number) and number.is_integer():
        number = int(number)
    ok = math.isfinite(number) and low <= number <= high and (not whole or isinstance(number, int))
    if not ok:
        raise InputError("command line", flag, f"expected {kind} from {low:g} to {high:g}, got '{clip(text, 40)}'")
    return number


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def run_import(args: argparse.Namespace) -> int:
    rows = import_eval(args.file, args.fmt)
    if args.format == "json":
        print(json.dumps({"results": [r.as_json() for r in rows]}, indent=2))
        return 0
    print(f"{'model':<40} {'task':<36} {'n':>6} {'errors':>6} {'rate':>6} {'95% CI':>13} {'out tok':>8}")
    for r in rows:
        ci = f"{r.ci_low:.2f}-{r.ci_high:.2f}" if r.ci_low is not None else "-"
        print(f"{r.model[:40]:<40} {r.task[:36]:<36} {_fmt(r.n, 'd'):>6} {_fmt(r.errors, ',d'):>6} "
              f"{r.success_rate:>6.1%} {ci:>13} {_fmt(r.output_tokens_per_task, ',.0f'):>8}")  # fmt: skip
    for r in rows:
        if r.errors:
            print(f"warning: {r.model}, {r.task}: {r.errors:,} task(s) ended in an error, not counted; the rate is "
                  f"over the {r.n:,} answered", file=sys.stderr)  # fmt: skip
    return 0


def run_tasks(args: argparse.Namespace) -> int:
    from evals.runner import parse_endpoint, run_endpoint, stderr_progress, summarise
    from evals.tasks import load_tasks

    args.concurrency = _flag_number(args.concurrency, "--concurrency", 1, MAX_CONCURRENCY, "an integer", whole=True)
    args.retries = _flag_number(args.retries, "--retries", 0, MAX_RETRIES, "an integer", whole=True)
    args.timeout = _flag_number(args.timeout, "--timeout", MIN_TIMEOUT_S, MAX_TIMEOUT_S, "seconds")
    endpoints = [parse_endpoint(spec) for spec in args.endpoint]
    names = [e.name for e in endpoints]
    if len(set(names)) != len(names):
        raise InputError("command line", "--endpoint", f"endpoint names must be unique: {names}")
    judge = parse_endpoint(args.judge, "--judge") if args.judge else None
    for endpoint in [*endpoints, *([judge] if judge else [])]:
        endpoint.headers()  # a missing key fails before anything runs
    targets = {e.name: check_output_path(Path(args.out) / f"{e.name}.jsonl", "--out") for e in endpoints} if args.out \
        else {}  # fmt: skip
    tasks = load_tasks(args.tasks)
    summaries = []
    for endpoint in endpoints:
        records = asyncio.run(run_endpoint(endpoint, tasks, concurrency=args.concurrency, retries=args.retries,
                                           timeout_s=args.timeout, judge=judge,
                                           progress=None if args.quiet else stderr_progress))  # fmt: skip
        target = targets.get(endpoint.name)
        if target is not None:
            write_atomic(target, "".join(json.dumps(r) + "\n" for r in records))
        summaries.append(summarise(endpoint, records))
    if args.format == "json":
        print(json.dumps({"endpoints": summaries}, indent=2))
    else:
        print(f"{'endpoint':<16} {'model':<28} {'tasks':>5} {'pass':>5} {'fail':>5} {'errors':>6} {'rate':>6} "
              f"{'95% CI':>11} {'in tok':>7} {'out tok':>8}")  # fmt: skip
        for s in summaries:
            ci = f"{s['ci_low']:.2f}-{s['ci_high']:.2f}" if s["n"] else "-"
            rate = f"{s['success_rate']:.1%}" if s["n"] else "-"
            print(f"{s['name'][:16]:<16} {s['model'][:28]:<28} {s['tasks']:>5} {s['successes']:>5} "
                  f"{s['n'] - s['successes']:>5} {s['errors']:>6} {rate:>6} {ci:>11} "
                  f"{_fmt(s['mean_input_tokens'], ',.0f'):>7} {_fmt(s['mean_output_tokens'], ',.0f'):>8}")  # fmt: skip
    dead = [s for s in summaries if s["errors"] and not s["n"]]
    for s in summaries:
        if s["warning"]:
            print(f"{'error' if s in dead else 'warning'}: endpoint {s['warning']}", file=sys.stderr)
    return EXIT_ALL_FAILED if dead else 0
