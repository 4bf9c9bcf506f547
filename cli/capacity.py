"""`inference-roi capacity PROFILE`: X* at a request shape and SLO, where it came from, and the curve."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from datafiles import InputError, parse_as, read_text
from datafiles.export import json_safe
from tco.capacity.throughput_view import ProfileView
from tco.records.scenario import RequestClass, Slo


def add_capacity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", help="profile YAML/CSV, or a benchmark tool's result file")
    parser.add_argument("--input-tokens", type=float, required=True, help="mean input tokens per request")
    parser.add_argument("--output-tokens", type=float, required=True, help="mean output tokens per request")
    parser.add_argument("--cached-input-share", type=float, default=0.0, help="share of input that hits the cache")
    parser.add_argument("--slo", default="", help="bounds, e.g. ttft_p99_s=2,itl_p99_s=0.05")
    parser.add_argument("--gpu", help="GPU sheet entry for the memory fit and ceiling (default: the profile's)")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def parse_slo(text: str) -> Slo:
    """'ttft_p99_s=2,itl_p99_s=0.05' → Slo; errors name the bound."""
    bounds: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep:
            raise InputError("command line", "--slo", f"expected name=seconds, got {part!r}")
        bounds[name.strip()] = value.strip()
    return parse_as(Slo, bounds, "command line --slo")


def _view(args: argparse.Namespace) -> tuple[ProfileView, RequestClass, Slo, str]:
    from profiling.importers import profile_from_text
    from scenario_io import load_catalogues
    from tco.capacity.throughput_view import profile_view

    shape = {"input_tokens": args.input_tokens, "output_tokens": args.output_tokens,
             "cached_input_share": args.cached_input_share}  # fmt: skip
    for name, value in shape.items():
        if not math.isfinite(value):
            raise InputError("command line", f"--{name.replace('_', '-')}", f"expected a finite number, got {value}")
    cls = parse_as(RequestClass, {"name": "request", "share": 1, **shape}, "command line")
    slo = parse_slo(args.slo)
    profile = profile_from_text(read_text(args.profile), args.profile)
    cat = load_catalogues()
    gpu_id = (args.gpu or profile.meta.gpu).lower()
    gpu = next((g for g in cat.gpus.gpus if g.id.lower() == gpu_id), None)
    if args.gpu and gpu is None:
        raise InputError("command line", "--gpu", f"unknown GPU {args.gpu!r}; known: {[g.id for g in cat.gpus.gpus]}")
    return profile_view(profile, slo, cls, cat.models.find(profile.meta.model), gpu), cls, slo, profile.meta.model


def capacity_doc(view: ProfileView, cls: RequestClass, slo: Slo, model: str) -> dict[str, Any]:
    cap = view.capacity
    fitted = view.model
    return {
        "model": model,
        "shape": {
            "input_tokens": cls.input_tokens,
            "output_tokens": cls.output_tokens,
            "cached_input_share": cls.cached_input_share,
        },
        "slo": {f"{m.removesuffix('_s')}_{p}_s": b for m, p, b in slo.bounds()},
        "x_star_req_per_s": cap.req_per_s,
        "method": cap.method,
        "basis": cap.basis,
        "level_index": cap.level_index,
        "concurrency": cap.concurrency,
        "expected_error": cap.expected_error,
        "latencies_at_x_star_s": {f"{m.removesuffix('_s')}_{p}": v for m, p, v in cap.latencies},
        "chosen": view.chosen,
        "notes": list(cap.notes),
        "memory_fit": view.memory_text,
        "fitted_model": None
        if fitted is None
        else {
            "prefill_s_per_token": fitted.coefficients[0],
            "decode_s_per_token": fitted.coefficients[1],
            "decode_s_per_token_per_context_token": fitted.coefficients[2],
            "step_s": fitted.coefficients[3],
            "expected_error": fitted.expected_error,
            "worst_error": fitted.worst_error,
            "error_basis": fitted.error_basis,
        },
        "predicted": [
            {
                "concurrency": p.concurrency,
                "req_per_s": p.req_per_s,
                "meets_slo": p.meets_slo,
                **{f"{k}_s": v for k, v in p.latencies_s.items()},
            }
            for p in view.curve
        ],
    }


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def as_table(doc: dict[str, Any]) -> str:
    shape = doc["shape"]
    x = doc["x_star_req_per_s"]
    lines = [
        f"{doc['model']} at {shape['input_tokens']:g} in / {shape['output_tokens']:g} out "
        f"({shape['cached_input_share']:.0%} cached), SLO {doc['slo'] or 'none'}",
        f"X* = {x:.4g} req/s per replica ({doc['method']})" if x is not None else "X*: none meets the SLO",
        doc["chosen"],
    ]
    if doc["memory_fit"]:
        lines.append(f"memory fit: {doc['memory_fit']}")
    lines += [f"  note: {n}" for n in doc["notes"]]
    if doc["predicted"]:
        lines.append(
            f"\n{'concurrency':>11} {'req/s':>8} {'TTFT p50':>9} {'TTFT p99':>9} {'ITL p50':>8} "
            f"{'ITL p99':>8} {'E2E p99':>8}  SLO"
        )
        for p in doc["predicted"]:
            lines.append(
                f"{p['concurrency']:>11g} {p['req_per_s']:>8.3g} {_seconds(p['ttft_p50_s']):>9} "
                f"{_seconds(p['ttft_p99_s']):>9} {_seconds(p['itl_p50_s']):>8} {_seconds(p['itl_p99_s']):>8} "
                f"{_seconds(p['e2e_p99_s']):>8}  {'yes' if p['meets_slo'] else 'no'}"
            )
    return "\n".join(lines)


def run_capacity(args: argparse.Namespace) -> int:
    view, cls, slo, model = _view(args)
    doc = capacity_doc(view, cls, slo, model)
    print(json.dumps(json_safe(doc), indent=2, allow_nan=False) if args.format == "json" else as_table(doc))
    return 0
