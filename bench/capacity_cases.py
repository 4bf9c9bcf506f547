"""bench/capacity.py's cases: what one held-out answer is checked against, and the transfers between configurations.

`Case` is one prediction and its error; `slo_cases` sets bounds mid-grid between two measured levels and the req/s
bracket the levels allow (see bench/capacity.py's docstring); `transfer_cases` leaves each configuration out of the
sources and asks `tco.capacity.transfer` about its levels and, for the interactive sweeps, its SLO cases.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from capacity_prediction_error import SHAPES_A, SHAPES_B, TABLE_A, TABLE_B, table_profile

from profiling.schema import Level, Profile, load_profile
from tco.capacity.level_consistency import inconsistency
from tco.capacity.shapes import Shape, group_levels
from tco.capacity.speculative import tokens_per_step
from tco.capacity.throughput_fit import profile_points
from tco.capacity.transfer import engine_family, transferred_capacity, transferred_model
from tco.records.inputs import ReferenceProfile
from tco.records.scenario import RequestClass, Slo

ROOT = Path(__file__).resolve().parents[1]
SLACK = 0.05
BOUNDED = (("ttft_s", "p50"), ("ttft_s", "p99"), ("itl_s", "p50"), ("itl_s", "p99"))


@dataclass(frozen=True)
class Case:
    kind: str
    profile: str
    what: str
    error: float
    stated: float | None = None
    right: bool | None = None
    margin: float | None = None
    """SLO cases: how far the bound lies from the measured latencies of the two levels it splits (`slo_cases`)."""


def without(profile: Profile, indices: tuple[int, ...]) -> Profile:
    return dataclasses.replace(profile, levels=tuple(lv for i, lv in enumerate(profile.levels) if i not in indices))


def request_class(shape: Shape) -> RequestClass:
    return RequestClass(name="held-out", share=1.0, input_tokens=shape.input_tokens, output_tokens=shape.output_tokens)


def slo_cases(levels: list[Level]) -> Iterator[tuple[Slo, float, float, float]]:
    """(SLO, lower, upper, margin): bounds set mid-grid, the req/s bracket the measured levels allow, and how far the
    bound lies from the two levels' measured latencies, √(high / low) − 1 (a latency nearly flat in the load leaves a
    margin of a few per cent, which any latency error crosses)."""
    levels = sorted((lv for lv in levels if lv.concurrency), key=lambda lv: lv.concurrency or 0)
    if len(levels) < 3:
        return
    k = len(levels) // 2 - 1
    for metric, pct in BOUNDED:
        low, high = levels[k].latency(metric, pct), levels[k + 1].latency(metric, pct)
        if not low or not high or low >= high:
            continue
        bound = math.sqrt(low * high)
        passing = [lv.req_per_s for lv in levels if (v := lv.latency(metric, pct)) is not None and v <= bound]
        lower = max(passing)
        failing = [lv.req_per_s for lv in levels if (v := lv.latency(metric, pct)) is not None and v > bound]
        above = [x for x in failing if x > lower]
        upper = min(above) if above else lower * (1 + SLACK)
        yield Slo(**{f"{metric.removesuffix('_s')}_{pct}_s": bound}), lower, upper, math.sqrt(high / low) - 1


def bracket_error(x: float | None, lower: float, upper: float) -> float:
    if x is None:
        return 1.0
    if x < lower * (1 - SLACK):
        return 1 - x / lower
    if x > upper * (1 + SLACK):
        return x / upper - 1
    return 0.0


# NVIDIA's tables (bench/capacity_prediction_error.py) as configurations: (model card, GPU, GPUs, precision, table).
# Table (a) gives output tokens/s of the whole TP group, table (b) per GPU.
TABLE_CONFIGS = {
    "Llama 3.3 70B H200 TP1 FP8": ("llama-3.3-70b-instruct", "H200", 1, "fp8", "a"),
    "Llama 3.3 70B H100 TP2 FP8": ("llama-3.3-70b-instruct", "H100", 2, "fp8", "a"),
    "Llama 3.3 70B B200 TP1 FP4": ("llama-3.3-70b-instruct", "B200", 1, "fp4", "a"),
    "Llama 3.3 70B H200 TP2 FP8": ("llama-3.3-70b-instruct", "H200", 2, "fp8", "b"),
    "gpt-oss-120B B200 DEP2 FP4": ("gpt-oss-120b", "B200", 2, "fp4", "b"),
    "gpt-oss-120B H200 TP1 FP8": ("gpt-oss-120b", "H200", 1, "fp8", "b"),
    "gpt-oss-120B H100 DEP4 FP8": ("gpt-oss-120b", "H100", 4, "fp8", "b"),
    "Qwen3-235B B200 DEP4 FP4": ("qwen3-235b-a22b", "B200", 4, "fp4", "b"),
    "Qwen3-235B H200 DEP4 FP8": ("qwen3-235b-a22b", "H200", 4, "fp8", "b"),
    "DeepSeek-R1 B200 DEP4 FP4": ("deepseek-r1-0528", "B200", 4, "fp4", "b"),
}


def configurations(cards, sheet) -> list[ReferenceProfile]:
    """Every configuration a transfer can start from or be checked on: the corpus (catalogued model and GPU) and
    NVIDIA's tables."""
    gpus = {g.id: g for g in sheet.gpus}
    out = []
    for path in sorted((ROOT / "profiling" / "reference").glob("*.yaml")):
        profile = load_profile(path)
        card, gpu = cards.find(profile.meta.model), gpus.get(profile.meta.gpu)
        if card is not None and gpu is not None:
            out.append(ReferenceProfile(path.stem, profile, card, gpu))
    for name, (model, gpu_id, count, precision, table) in TABLE_CONFIGS.items():
        shapes, values = (SHAPES_A, TABLE_A[name]) if table == "a" else (SHAPES_B, TABLE_B[name])
        per_group = [None if v is None else v * (count if table == "b" else 1) for v in values]
        profile = table_profile(name, shapes, per_group)
        meta = dataclasses.replace(profile.meta, model=model, gpu=gpu_id, gpu_count=count, precision=precision)
        card = cards.find(model)
        assert card is not None, model
        out.append(ReferenceProfile(f"TRT-LLM {name}", dataclasses.replace(profile, meta=meta), card, gpus[gpu_id]))
    return out


def configuration_key(ref: ReferenceProfile) -> tuple:
    """One deployment whoever measured it: model, GPU × count, precision, engine family and speculative decoding."""
    meta = ref.profile.meta
    return (ref.card.id, ref.gpu.id, meta.gpu_count, meta.precision, engine_family(meta.engine),
            meta.speculative_decoding)  # fmt: skip


def transfer_cases(configs: list[ReferenceProfile]) -> Iterator[Case]:
    """Leave one configuration out: predict its levels from the others, as an option without a profile would (its
    engine, precision and speculative decoding as the configuration ran them)."""
    for target in configs:
        meta = target.profile.meta
        same = configuration_key(target)
        others = [  # not itself, nor the same configuration from another source, nor the GLM-5 point whose
            # agreement named the sweep's GPU (tests/profiling/test_reference_gpu_inference.py)
            c
            for c in configs
            if configuration_key(c) != same and c.name != "glm-5-h200-fp8"
        ]
        served = {"engine": meta.engine, "accepted": tokens_per_step(meta.speculative_decoding)}
        for point in profile_points(target.profile):
            shape, level = point.shape, target.profile.levels[point.level_index]
            interactive = point.concurrency is not None
            moved = transferred_model(target.card, target.gpu, meta.gpu_count, meta.precision or "fp8", shape, others,
                                      None, interactive, **served)  # fmt: skip
            if moved is None:
                continue
            c = point.concurrency if moved.model.interactive and interactive else None
            if c is not None and moved.model.max_concurrency is not None and c > moved.model.max_concurrency:
                continue
            error = abs(moved.model.req_per_s(shape, c) / level.req_per_s - 1)
            what = f"{shape.label()} c={c}: from {moved.label()}"
            yield Case("transferred, req/s", target.name, what, error, moved.model.expected_error)
        for group in group_levels(target.profile.levels, meta.cached_input_share):
            levels = [target.profile.levels[i] for i in group.indices if not inconsistency(target.profile.levels[i])]
            for slo, lower, upper, _ in slo_cases(levels):
                moved = transferred_model(target.card, target.gpu, meta.gpu_count, meta.precision or "fp8",
                                          group.shape, others, None, True, **served)  # fmt: skip
                if moved is None:
                    continue
                cap = transferred_capacity(moved, slo, request_class(group.shape), prefix_caching=False)
                err = bracket_error(cap.req_per_s, lower, upper)
                shown = "none" if cap.req_per_s is None else f"{cap.req_per_s:.3g}"
                bound = ", ".join(f"{m.removesuffix('_s')} {p} ≤ {b:.3g} s" for m, p, b in slo.bounds())
                what = f"{group.shape.label()} {bound}: bracket {lower:.3g}–{upper:.3g} req/s; from {moved.label()}"
                yield Case("transferred, X* at an SLO", target.name, f"{what}; predicted {shown}", err,
                           cap.expected_error, right=err == 0)  # fmt: skip
