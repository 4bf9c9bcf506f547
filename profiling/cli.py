"""`inference-roi profile` (also `python -m profiling profile` on a GPU host without the rest)."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from datafiles import InputError, check_output_path


def _numbers(kind: type, text: str) -> tuple:
    try:
        values = tuple(kind(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive numbers, got {text!r}")
    return values


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", required=True, help="server root, e.g. http://localhost:8000")
    parser.add_argument("--model", required=True, help="model name the server expects")
    parser.add_argument("--endpoint", choices=("chat", "completions"), default="chat")
    parser.add_argument("--input-tokens", type=int, required=True, help="prompt length per request")
    parser.add_argument("--output-tokens", type=int, required=True, help="tokens to generate per request")
    load = parser.add_mutually_exclusive_group(required=True)
    load.add_argument("--concurrency", type=lambda t: _numbers(int, t), help="closed-loop levels, e.g. 1,2,4,8")
    load.add_argument(
        "--rate", type=lambda t: _numbers(float, t), help="Poisson request rates per second, e.g. 0.5,1,2"
    )
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--requests-per-level", type=int, help="measured requests per level")
    size.add_argument("--duration-per-level", type=float, help="seconds of sending per level")
    parser.add_argument("--warmup-requests", type=int, default=2, help="uncounted requests before each level")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds of rest between levels")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a request may take, stream included")
    parser.add_argument("--prompt-file", help="JSONL of real prompts ({'prompt': ...} or {'messages': [...]})")
    parser.add_argument(
        "--cached-input-share",
        type=float,
        default=0.0,
        help="share of each synthetic prompt that is one prefix shared by all requests, e.g. 0.5 (prefix caching)",
    )
    parser.add_argument("--no-length-control", action="store_true", help="never send ignore_eos/min_tokens")
    parser.add_argument("--temperature", type=float, help="sampling temperature (default: the server's)")
    parser.add_argument("--api-key-env", default="OPENAI_API_KEY", help="environment variable holding the API key")
    parser.add_argument("--out", required=True, help="profile YAML to write (raw requests go beside it)")
    parser.add_argument("--catalogue-model", help="catalogue id for the profile's meta.model (default: --model)")
    _add_deployment_arguments(parser, "(default: from nvidia-smi / asked from the server)")
    parser.add_argument("--measured-by")


def _add_deployment_arguments(parser: argparse.ArgumentParser, default: str) -> None:
    """What was measured: flags shared by `profile` and `import`."""
    parser.add_argument("--gpu", help=f"GPU type, e.g. H100 {default}")
    parser.add_argument("--gpu-count", type=int, help=f"GPUs serving one replica {default}")
    parser.add_argument("--engine", help=f"vllm, sglang, tgi, llama.cpp… {default}")
    parser.add_argument("--engine-version")
    parser.add_argument("--tensor-parallel", type=int)
    parser.add_argument("--precision")


def _deployment_meta(args: argparse.Namespace) -> dict[str, object]:
    return {
        "gpu": args.gpu,
        "gpu_count": args.gpu_count,
        "engine": args.engine,
        "engine_version": args.engine_version,
        "tensor_parallel": args.tensor_parallel,
        "precision": args.precision,
    }


def _run_event_loop(coroutine) -> None:
    """uvloop when installed (a faster event loop keeps the client off the critical path), else asyncio."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


SECONDS_LIMIT = 86_400.0


def _check_seconds(args: argparse.Namespace) -> None:
    """Durations are finite and in range: a NaN duration never ends, a zero timeout fails every request."""
    for flag, value, low in (
        ("--duration-per-level", args.duration_per_level, 0.0),
        ("--timeout", args.timeout, 0.0),
        ("--ramp", args.ramp, None),
    ):
        if value is None:
            continue
        ok = math.isfinite(value) and (value > low if low is not None else value >= 0) and value <= SECONDS_LIMIT
        if not ok:
            kind = "above 0" if low is not None else "0 or more"
            raise InputError(
                "command line", flag, f"expected seconds {kind} and at most {SECONDS_LIMIT:,.0f}, got {value}"
            )
    for rate in args.rate or ():
        if not (math.isfinite(rate) and 0 < rate <= 1e6):
            raise InputError("command line", "--rate", f"expected requests/s above 0, got {rate}")
    for level in args.concurrency or ():
        if not 1 <= level <= 100_000:
            raise InputError("command line", "--concurrency", f"expected whole numbers from 1 to 100,000, got {level}")
    if args.temperature is not None and not (math.isfinite(args.temperature) and 0 <= args.temperature <= 10):
        raise InputError("command line", "--temperature", f"expected a number from 0 to 10, got {args.temperature}")


def check_base_url(url: str) -> None:
    """http(s)://host[:port][/path] with a port from 1 to 65535."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise InputError("command line", "--base-url", f"the port in {url!r} is not a number from 1 to 65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or (port is not None and not 1 <= port <= 65535):
        raise InputError(
            "command line", "--base-url", f"expected http://host:port, e.g. http://localhost:8000; got {url!r}"
        )


def run_profile(args: argparse.Namespace) -> int:
    from profiling.client import Target
    from profiling.prompts import load_prompt_file
    from profiling.runner import Profiler, RunConfig, summary_table

    for name in ("input_tokens", "output_tokens", "requests_per_level", "warmup_requests"):
        value = getattr(args, name)
        if value is not None and value < (0 if name == "warmup_requests" else 1):
            raise InputError("command line", f"--{name.replace('_', '-')}", "expected a positive integer")
    _check_seconds(args)
    check_base_url(args.base_url)
    out = check_output_path(args.out, "--out")  # before anything is measured
    if not 0 <= args.cached_input_share < 1:
        raise InputError("command line", "--cached-input-share", "expected a share from 0 to below 1, e.g. 0.5")
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
        help="result file(s) of one deployment: vLLM bench serve, SGLang bench_serving, guidellm, "
        "AIPerf, InferenceX, llm-d benchmark report v0.2 or MLPerf summary.json (one file per level is merged)",
    )
    parser.add_argument(
        "--from", dest="tool", choices=TOOLS, help="the tool that wrote the file (detected when absent)"
    )
    parser.add_argument(
        "--select",
        help="InferenceX configuration (hw/framework/precision/Ngpu) or MLPerf row "
        "('SystemName|Model|Scenario') when the file holds several",
    )
    parser.add_argument("--input-tokens", type=float, help="mean input tokens (MLPerf rows have no shape)")
    parser.add_argument("--output-tokens", type=float, help="mean output tokens (MLPerf rows have no shape)")
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
    from profiling.runner import write_atomic

    out = check_output_path(args.out, "--out")
    for flag, value in (("--input-tokens", args.input_tokens), ("--output-tokens", args.output_tokens)):
        if value is not None and not (math.isfinite(value) and 1 <= value <= 1e8):
            raise InputError("command line", flag, f"expected tokens from 1 to 100,000,000, got {value}")
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
