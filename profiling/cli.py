"""`inference-roi profile` (also `python -m profiling profile` on a GPU host without the rest)."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
from pathlib import Path

from datafiles import InputError, check_output_path, clip, url_problem, write_atomic
from profiling.records import MAX_INPUT_TOKENS, MAX_OUTPUT_TOKENS

MAX_REQUESTS_PER_LEVEL = 1_000_000
MAX_WARMUP_REQUESTS = 10_000
MAX_LEVELS = 1_000
"""Load levels in one sweep (comma-separated values of --concurrency or --rate)."""
MAX_CONCURRENCY = 100_000
MAX_RATE_PER_S = 1e6
MAX_GPUS = 100_000
MAX_SEED = 2**63 - 1
SECONDS_LIMIT = 86_400.0


def _show(bound: float) -> str:
    """10000000 -> '10,000,000'; 0.001 -> '0.001'."""
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


def _number(value: object, flag: str, low: float, high: float, *, whole: bool, what: str) -> int | float | None:
    """A command-line number from `low` to `high` (`whole`: an integer, 1e3 spelled either way), or None when
    the flag was not given; anything else is one InputError naming the flag and the expected form."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        number = value
    else:
        text = str(value).strip()
        try:
            number = int(text) if whole and text.lstrip("+-").isdigit() and len(text) < 30 else float(text)
        except ValueError:
            number = math.nan
    if number is None:
        return None
    if whole and isinstance(number, float) and math.isfinite(number) and number.is_integer():
        number = int(number)
    ok = (isinstance(number, int) or (not whole and math.isfinite(number))) and low <= number <= high
    if not ok:
        shown = clip(value, 40)
        raise InputError("command line", flag, f"expected {what} from {_show(low)} to {_show(high)}, got {shown}")
    return number


def _levels(text: str | None, flag: str, whole: bool, high: float, what: str) -> tuple:
    """Comma-separated load levels, e.g. 1,2,4,8; at most MAX_LEVELS."""
    if text is None:
        return ()
    parts = [p for p in str(text).split(",") if p.strip()]
    if not parts or len(parts) > MAX_LEVELS:
        raise InputError(
            "command line", flag, f"expected 1 to {MAX_LEVELS:,} comma-separated {what}, e.g. 1,2,4; got {len(parts):,}"
        )
    low = 1 if whole else 1e-6
    return tuple(_number(p, flag, low, high, whole=whole, what=f"comma-separated {what}") for p in parts)


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", required=True, help="server root, e.g. http://localhost:8000")
    parser.add_argument("--model", required=True, help="model name the server expects")
    parser.add_argument("--endpoint", choices=("chat", "completions"), default="chat",
                        help="/v1/chat/completions (default) or /v1/completions")  # fmt: skip
    # numbers are read as text and checked by _read_numbers: a bad value is one line naming the flag, not a usage dump
    parser.add_argument("--input-tokens", required=True, help="prompt length per request (tokens)")
    parser.add_argument("--output-tokens", required=True, help="tokens to generate per request")
    load = parser.add_mutually_exclusive_group(required=True)
    load.add_argument("--concurrency", help="closed-loop levels, e.g. 1,2,4,8")
    load.add_argument("--rate", help="Poisson request rates per second, e.g. 0.5,1,2")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--requests-per-level", help="measured requests per level")
    size.add_argument("--duration-per-level", help="seconds of sending per level")
    parser.add_argument("--warmup-requests", default=2, help="uncounted requests before each level")
    parser.add_argument("--ramp", default=0.0, help="seconds of rest between levels")
    parser.add_argument("--seed", default=0, help="seed of the random prompts and arrivals (default 0)")
    parser.add_argument("--timeout", default=600.0, help="seconds a request may take, stream included")
    parser.add_argument("--prompt-file", help="JSONL of real prompts ({'prompt': ...} or {'messages': [...]})")
    parser.add_argument(
        "--cached-input-share",
        default=0.0,
        help="share of each synthetic prompt that is one prefix shared by all requests, e.g. 0.5 (prefix caching)",
    )
    parser.add_argument("--no-length-control", action="store_true", help="never send ignore_eos/min_tokens")
    parser.add_argument("--temperature", help="sampling temperature (default: the server's)")
    parser.add_argument("--api-key-env", default="OPENAI_API_KEY", help="environment variable holding the API key")
    parser.add_argument("--out", required=True, help="profile YAML to write (raw requests go beside it)")
    parser.add_argument("--catalogue-model", help="catalogue id for the profile's meta.model (default: --model)")
    _add_deployment_arguments(parser, "(default: from nvidia-smi / asked from the server)")
    parser.add_argument("--measured-by", help="who ran the measurement (you, your team), kept in the profile")


def _add_deployment_arguments(parser: argparse.ArgumentParser, default: str) -> None:
    """What was measured: flags shared by `profile` and `import`."""
    parser.add_argument("--gpu", help=f"GPU type, e.g. H100 {default}")
    parser.add_argument("--gpu-count", help=f"GPUs serving one replica {default}")
    parser.add_argument("--engine", help=f"vllm, sglang, tgi, llama.cpp… {default}")
    parser.add_argument("--engine-version", help=f"the serving engine's version, e.g. 0.14.1 {default}")
    parser.add_argument("--tensor-parallel", help=f"tensor-parallel size of one replica {default}")
    parser.add_argument("--precision", help=f"weights' precision: fp8, bf16, mxfp4, int4… {default}")
    parser.add_argument(
        "--speculative-decoding",
        help="the speculative decoding the server ran (mtp, eagle3, ngram…), kept in the profile: the levels hold its "
        "effect, and a transfer or roofline drawn from them counts it (default: none; InferenceX records say it)",
    )


def _deployment_meta(args: argparse.Namespace) -> dict[str, object]:
    return {
        "gpu": args.gpu,
        "gpu_count": args.gpu_count,
        "engine": args.engine,
        "engine_version": args.engine_version,
        "tensor_parallel": args.tensor_parallel,
        "precision": args.precision,
        "speculative_decoding": args.speculative_decoding,
    }


def _run_event_loop(coroutine) -> None:
    """uvloop when installed (a faster event loop keeps the client off the critical path), else asyncio."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


def _read_deployment_numbers(args: argparse.Namespace) -> None:
    args.gpu_count = _number(args.gpu_count, "--gpu-count", 1, MAX_GPUS, whole=True, what="a whole number")
    args.tensor_parallel = _number(
        args.tensor_parallel, "--tensor-parallel", 1, MAX_GPUS, whole=True, what="a whole number"
    )


def _read_numbers(args: argparse.Namespace) -> None:
    """Every number of `profile` checked against its bound before any work: sizes (a prompt past
    MAX_INPUT_TOKENS would take minutes to build), counts, levels, and seconds that are finite and in range
    (a NaN duration never ends, a zero timeout fails every request)."""
    args.input_tokens = _number(args.input_tokens, "--input-tokens", 1, MAX_INPUT_TOKENS, whole=True, what="tokens")
    args.output_tokens = _number(args.output_tokens, "--output-tokens", 1, MAX_OUTPUT_TOKENS, whole=True, what="tokens")
    args.concurrency = _levels(args.concurrency, "--concurrency", True, MAX_CONCURRENCY, "whole numbers")
    args.rate = _levels(args.rate, "--rate", False, MAX_RATE_PER_S, "requests per second")
    args.requests_per_level = _number(
        args.requests_per_level, "--requests-per-level", 1, MAX_REQUESTS_PER_LEVEL, whole=True, what="requests"
    )
    args.warmup_requests = _number(
        args.warmup_requests, "--warmup-requests", 0, MAX_WARMUP_REQUESTS, whole=True, what="requests"
    )
    args.seed = _number(args.seed, "--seed", 0, MAX_SEED, whole=True, what="a whole number")
    args.duration_per_level = _number(
        args.duration_per_level, "--duration-per-level", 0.001, SECONDS_LIMIT, whole=False, what="seconds"
    )
    args.timeout = _number(args.timeout, "--timeout", 0.001, SECONDS_LIMIT, whole=False, what="seconds")
    args.ramp = _number(args.ramp, "--ramp", 0, SECONDS_LIMIT, whole=False, what="seconds")
    args.temperature = _number(args.temperature, "--temperature", 0, 10, whole=False, what="a temperature")
    share = _number(args.cached_input_share, "--cached-input-share", 0, 1, whole=False, what="a share")
    if share == 1:
        raise InputError("command line", "--cached-input-share", "expected a share from 0 to below 1, e.g. 0.5")
    args.cached_input_share = share
    _read_deployment_numbers(args)


def check_base_url(url: str) -> None:
    """http(s)://host[:port][/path], a port from 1 to 65535, at most 2,048 characters, no control characters."""
    problem = url_problem(url)
    if problem is not None:
        raise InputError(
            "command line",
            "--base-url",
            f"expected http://host:port, e.g. http://localhost:8000; '{clip(url)}' {problem}",
        )


def run_profile(args: argparse.Namespace) -> int:
    from profiling.client import Target
    from profiling.prompts import load_prompt_file
    from profiling.runner import Profiler, RunConfig, summary_table

    _read_numbers(args)
    check_base_url(args.base_url)
    out = check_output_path(args.out, "--out")  # before anything is measured
    if args.cached_input_share and args.prompt_file:
        raise InputError("command line", "--cached-input-share", "applies to synthetic prompts, not --prompt-file")
    target = Target(
        base_url=args.base_url,
        model=args.model,
        endpoint=args.endpoint,
        api_key=os.environ.get(args.api_key_env) or None,
        force_length=not args.no_length_control,
        temperature=args.temperature,
    )
    config = RunConfig(
        target=target,
        input_tokens=args.input_tokens,
        output_tokens=args.output_tokens,
        out=out,
        concurrency=args.concurrency or (),
        rates=args.rate or (),
        requests_per_level=args.requests_per_level,
        duration_per_level_s=args.duration_per_level,
        warmup_requests=args.warmup_requests,
        ramp_s=args.ramp,
        seed=args.seed,
        timeout_s=args.timeout,
        prompt_file=load_prompt_file(args.prompt_file) if args.prompt_file else None,
        cached_input_share=args.cached_input_share,
        meta={"model_id": args.catalogue_model, "measured_by": args.measured_by, **_deployment_meta(args)},
    )
    check_output_path(config.raw_path, "--out")  # the raw requests beside the profile: never a pipe or a device
    profiler = Profiler(config)
    try:
        _run_event_loop(profiler.run())
    except KeyboardInterrupt:
        kept = (
            f"{len(profiler.levels)} finished level(s) kept in {config.out}" if profiler.levels else "nothing written"
        )
        print(f"\ninterrupted: {kept}", file=sys.stderr)
        return 130
    if not profiler.levels:
        print("no level finished; nothing written", file=sys.stderr)
        return 1
    print(summary_table(profiler.levels))
    print(f"profile: {config.out}\nraw requests: {config.raw_path}")
    return 0


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    from profiling.importers import TOOLS

    parser.add_argument(
        "file",
        nargs="+",
        help=f"result file(s) of one deployment, written by {', '.join(TOOLS)} (several files, one per level, or a "
        "JSON Lines sweep become one profile)",
    )
    parser.add_argument(
        "--from", dest="tool", choices=TOOLS, help="the tool that wrote the file (detected when absent)"
    )
    parser.add_argument(
        "--select",
        help="InferenceX configuration (hw/framework/precision/Ngpu) or MLPerf row "
        "('SystemName|Model|Scenario') when the file holds several",
    )
    parser.add_argument("--input-tokens", help="mean input tokens (MLPerf rows have no shape)")
    parser.add_argument("--output-tokens", help="mean output tokens (MLPerf rows have no shape)")
    parser.add_argument(
        "--source",
        choices=("measured", "published"),
        default="measured",
        help="published: figures someone else measured (default: measured)",
    )
    parser.add_argument("--out", required=True, help="profile YAML to write")
    parser.add_argument("--model", help="catalogue model id (default: the model the file names)")
    _add_deployment_arguments(parser, "(required when the file does not say)")


def run_import(args: argparse.Namespace) -> int:
    import dataclasses

    import yaml

    from profiling.importers import ImportOptions, import_files

    out = check_output_path(args.out, "--out")
    args.input_tokens = _number(args.input_tokens, "--input-tokens", 1, 1e8, whole=False, what="tokens")
    args.output_tokens = _number(args.output_tokens, "--output-tokens", 1, 1e8, whole=False, what="tokens")
    _read_deployment_numbers(args)
    options = ImportOptions(args.select, args.input_tokens, args.output_tokens)
    meta = {"model": args.model, "source": args.source, **_deployment_meta(args)}
    profile = import_files(args.file, args.tool, meta, options)
    doc = dataclasses.asdict(profile)
    doc["meta"] = {k: v for k, v in doc["meta"].items() if v is not None}
    names = ", ".join(Path(f).name for f in args.file[:3]) + (
        f" and {len(args.file) - 3} more" if len(args.file) > 3 else ""
    )
    header = f"# Imported by inference-roi from {names}; headline numbers copied from the tool's file(s).\n"
    write_atomic(out, header + yaml.safe_dump(doc, sort_keys=False, width=120))
    print(f"profile: {args.out} ({len(profile.levels)} level(s), {profile.meta.tool})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m profiling")
    sub = parser.add_subparsers(dest="command", required=True)
    add_profile_arguments(sub.add_parser("profile", help="load-test an OpenAI-compatible server"))
    add_import_arguments(sub.add_parser("import", help="convert another tool's result file"))
    args = parser.parse_args(argv)
    try:
        return run_profile(args) if args.command == "profile" else run_import(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
