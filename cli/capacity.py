"""`inference-roi capacity PROFILE`: X* at a request shape and SLO, where it came from, and the curve."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from datafiles import InputError, parse_as, read_text
from datafiles.export import json_safe
from profiling.schema import recorded, replica_words
from tco.capacity.throughput_view import ProfileView
from tco.records.scenario import RequestClass, Slo


def add_capacity_arguments(parser: argparse.ArgumentParser) -> None:
    """The profile, the request shape, the SLO, the GPU and the output format."""
    parser.add_argument("profile", help="profile YAML/CSV, or a benchmark tool's result file")
    parser.add_argument("--input-tokens", type=float, required=True, help="mean input tokens per request")
    parser.add_argument("--output-tokens", type=float, required=True, help="mean output tokens per request")
    parser.add_argument("--cached-input-share", type=float, default=0.0, help="share of input that hits the cache")
    parser.add_argument("--slo", default="", help="bounds, e.g. ttft_p99_s=2,itl_p99_s=0.05")
    parser.add_argument("--gpu", help="GPU sheet entry for the memory fit and ceiling (default: the profile's)")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="table: for reading (default); json: every field"
    )


def parse_slo(text: str) -> Slo:
    """'ttft_p99_s=2,itl_p99_s=0.05' → Slo; errors name the bound."""
    bounds: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep:
            raise InputError("command line", "--slo", f"expected name=seconds, got {part!r}")
        bounds[name.strip()] = value.strip()
    return parse_as(Slo, bounds, "command line --slo")


def replica_gpu(gpu: str, sheet_id: str | None, flag: str | None) -> tuple[str | None, str | None]:
    """(the GPU one replica ran on, a note), from the profile's `meta.gpu`, its GPU-sheet entry and `--gpu`.

    The profile's own GPU wins; `--gpu` names it when the profile does not record one; neither: None.

    >>> replica_gpu("not recorded", "H200", "h200")
    ('H200', None)
    >>> print(replica_gpu("H100", "H200", "H200")[1])
    --gpu H200 is not the H100 the profile was measured on: the memory fit and ceiling are for H200, X* is H100's
    """
    if recorded(gpu):
        if flag and sheet_id and sheet_id.lower() != gpu.strip().lower():
            return gpu, (
                f"--gpu {sheet_id} is not the {gpu} the profile was measured on: the memory fit and ceiling are "
                f"for {sheet_id}, X* is {gpu}'s"
            )
        return gpu, None
    return (sheet_id if flag else None), None


@dataclass(frozen=True)
class Asked:
    """One `capacity` question and its answer: the profile's view at the shape and SLO, and whose replica it is."""

    view: ProfileView
    cls: RequestClass
    slo: Slo
    model: str
    gpu: str | None
    """The GPU one replica ran on (replica_gpu); None: not recorded."""
    gpu_count: int


def _view(args: argparse.Namespace) -> Asked:
    """Read the profile and the flags (each bad one is an InputError naming it) and compute the view."""
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
    view = profile_view(profile, slo, cls, cat.models.find(profile.meta.model), gpu)
    named, note = replica_gpu(profile.meta.gpu, gpu.id if gpu else None, args.gpu)
    count = profile.meta.gpu_count
    # tco.capacity.throughput_view writes "per replica of N x <meta.gpu>"; here the replica is named in words
    chosen = view.chosen.replace(f" of {replica_words(count, profile.meta.gpu)}", f" of {replica_words(count, named)}")
    capacity = view.capacity
    if note:
        capacity = dataclasses.replace(capacity, notes=(*capacity.notes, note))
    view = dataclasses.replace(view, chosen=chosen, capacity=capacity)
    return Asked(view, cls, slo, profile.meta.model, named, count)


def capacity_doc(asked: Asked) -> dict[str, Any]:
    """The answer as the JSON contract: X*, where it came from, the replica, the fitted model and its curve."""
    view, cls, slo = asked.view, asked.cls, asked.slo
    cap = view.capacity
    fitted = view.model
    return {
        "model": asked.model,
        "gpu": asked.gpu,
        "gpus_per_replica": asked.gpu_count,
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
        "expected_error_sides": dict(zip(("below", "above"), sides, strict=True))
        if (sides := cap.error_sides())
        else None,
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
    """Seconds to 3 significant digits; '-' when not predicted."""
    return "-" if value is None else f"{value:.3g}"


def as_table(doc: dict[str, Any]) -> str:
    """X*, the sentence on how it was chosen, the memory fit, the notes and the predicted curve."""
    shape = doc["shape"]
    x = doc["x_star_req_per_s"]
    slo = ", ".join(f"{name} ≤ {bound:g}" for name, bound in doc["slo"].items()) or "none"
    replica = replica_words(doc["gpus_per_replica"], doc["gpu"])
    lines = [
        f"{doc['model']} on {replica} at {shape['input_tokens']:g} in / {shape['output_tokens']:g} out "
        f"({shape['cached_input_share']:.0%} cached), SLO {slo}",
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
    """Print X* and its curve as a table or JSON."""
    doc = capacity_doc(_view(args))
    print(json.dumps(json_safe(doc), indent=2, allow_nan=False) if args.format == "json" else as_table(doc))
    return 0
