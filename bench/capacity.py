"""How true the capacity figures are where nobody tuned them: leave-one-shape-out on every bundled interactive sweep.

    python bench/capacity.py            # the table
    python bench/capacity.py --cases    # and every case
    python bench/capacity.py --extra benchmarks.json   # and the sweeps of an InferenceX records file you fetched

The corpus is every profile in `profiling/reference/` with two or more shapes and latency percentiles
(published interactive sweeps: GLM-5, MiniMax-M2.5 and Qwen3.5 from InferenceX's Apache-2.0 experimental
folder). For each profile and each of its shapes, the shape's levels are removed, the model is refitted on
the rest and asked about the removed shape, as `inference-roi capacity` would be:

- **throughput**: req/s at each removed level's own concurrency; error |predicted / measured − 1|.
- **SLO decision**: for each bound on TTFT p50/p99 and ITL p50/p99 set between two of the removed shape's
  measured levels (the geometric mean of the metric at the levels either side of the middle of the grid),
  X* from `capacity_at_slo` must fall inside the bracket the grid allows: at least the best passing level's
  req/s and below the next failing level's (5 % slack for measurement noise). The error is the distance to
  the bracket relative to its nearest edge; "no load meets the SLO" where a level passes is an error of 100 %.
  The row also says how often the expected error `capacity_at_slo` states for that answer covers it, and that
  stated error's median (an error stated wide enough covers everything: the width is the price).
- **latency at concurrency 16**: TTFT and ITL p50 and p99 predicted at the removed shape's c = 16 level.
- **no profile**: the roofline (`tco.capacity.roofline`) calibrated on the *other* interactive sweeps (leave one
  configuration out: `tco.capacity.calibration`) at each level's shape and concurrency, for profiles whose model
  and GPU are catalogued; and its X* for the SLO cases above (error: the factor predicted / bracket edge − 1).
- **transferred**: each configuration (the corpus and NVIDIA's tables) predicted from the others by
  `tco.capacity.transfer`, as an option without a profile would be; and, for the interactive sweeps, its X* under
  the SLO cases above, with how often the stated error covers it.
- **expected error covers**: the share of throughput cases (profile and no-profile) whose error is within
  the `expected_error` the engine states for that answer; the X* row says the same of its own cases.
- **three shapes only** (a second table): the same leave-one-shape-out on a subset of each sweep, its shortest,
  middle and longest input, as sparse as the published sweeps that measure three shapes (InferenceX's main
  sweeps: 1k/1k, 1k/8k, 8k/1k). The left-out shape is far from the two left, so this is the harder case.

- **--extra FILE** (a third table): every aggregated deployment in an InferenceX records file you fetched (the
  dashboard's `/api/v1/benchmarks` JSON), left out shape by shape the same way; never used to fit or calibrate
  (the prefill efficiencies in `tco.capacity.prefill_efficiency` were read from such sweeps' TTFT slopes, so for
  that one constant they are not held out; the run prints each deployment's figure, `bench/prefill_slopes.py`). A
  deployment run with speculative decoding (`meta.speculative_decoding`) gets its roofline at E tokens a step
  (`tco.capacity.speculative`) fitted on the other such deployments. Not
  bundled: the records are not ours to redistribute. Such records
  keep each shape's latest run, so one deployment's shapes can come from different engine builds (the importer
  warns), which sets a floor under these errors; a fourth table keeps the deployments whose shapes all ran on one
  build (the importer then records it as the profile's engine version).

A level whose req/s disagrees with its own concurrency and E2E (Little's law, `tco.capacity.level_consistency`)
is no case: the fit leaves it out, and its own numbers are not a measurement to hold a prediction to. The run
prints each one.

The right-hand column is issue 23's target.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import load_catalog  # noqa: E402
from pricing import load_gpu_sheet  # noqa: E402
from profiling.importers import ImportOptions, import_file  # noqa: E402
from profiling.inferencex_import import inferencex_configurations  # noqa: E402
from profiling.schema import Level, Profile, load_profile  # noqa: E402
from tco.capacity.at_slo import capacity_at_slo, estimated_capacity, modelled_error  # noqa: E402
from tco.capacity.calibration import (  # noqa: E402
    calibrate,
    fit_wave_share,
    peak_parts,
    predicted_req_per_s,
    serving_sets,
)
from tco.capacity.fitting import covering, fit_profile  # noqa: E402
from tco.capacity.level_consistency import inconsistency  # noqa: E402
from tco.capacity.roofline import (  # noqa: E402
    LEAN_AMD,
    LEAN_NVIDIA,
    OFFLINE,
    SERVING,
    Calibration,
    default_precision,
    estimated_model,
    fit_hints,
    serving_calibration,
)
from tco.capacity.shapes import Shape, group_levels, level_shape  # noqa: E402
from tco.capacity.speculative import TOKENS_PER_STEP, fit_tokens_per_step, speculating  # noqa: E402
from tco.capacity.throughput_fit import profile_points  # noqa: E402
from tco.capacity.transfer import (  # noqa: E402
    SAME_MODEL_ERROR,
    SIBLING_ERROR,
    transferred_capacity,
    transferred_model,
)
from tco.records.inputs import ReferenceProfile  # noqa: E402
from tco.records.scenario import RequestClass, Slo  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from capacity_prediction_error import SHAPES_A, SHAPES_B, TABLE_A, TABLE_B, table_profile  # noqa: E402
from prefill_slopes import print_prefill_efficiencies  # noqa: E402

SLACK = 0.05
BOUNDED = (("ttft_s", "p50"), ("ttft_s", "p99"), ("itl_s", "p50"), ("itl_s", "p99"))
TARGETS = {
    "throughput at a left-out shape": ("median ≤ 7 %, worst ≤ 35 %", 0.07, 0.35),
    "SLO decision inside the bracket": ("≥ 90 % right, worst ≤ 50 %", None, 0.50),
    "latency p50/p99 at c = 16": ("median ≤ 15 %, worst ≤ 60 %", 0.15, 0.60),
    "no profile, req/s": ("median ≤ 25 %, worst ≤ 100 %", 0.25, 1.00),
    "no profile, X* at an SLO": ("median ≤ 30 %, never above 2×", 0.30, 1.00),
    "transferred, req/s": ("within its stated error", None, None),
    "transferred, X* at an SLO": ("inside the bracket; within its stated error", None, None),
}
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


@dataclass(frozen=True)
class Case:
    kind: str
    profile: str
    what: str
    error: float
    stated: float | None = None
    right: bool | None = None


def _sweep(profile: Profile) -> bool:
    """Two or more shapes, with latency percentiles at set concurrencies: an interactive sweep."""
    shapes = group_levels(profile.levels, profile.meta.cached_input_share)
    return len(shapes) >= 2 and any(lv.ttft_s.p50 and lv.concurrency for lv in profile.levels)


REFERENCE = sorted((ROOT / "profiling" / "reference").glob("*.yaml"))


def corpus() -> list[tuple[str, Profile]]:
    profiles = [(path.stem, load_profile(path)) for path in REFERENCE]
    return [(name, p) for name, p in [*profiles, *extra_corpus()] if _sweep(p)]


@functools.cache  # read once: corpus() and main() both ask for it
def extra_corpus() -> tuple[tuple[str, Profile], ...]:
    """Each aggregated deployment in the InferenceX records files named after `--extra` (fetched by the user, not
    bundled: e.g. `/api/v1/benchmarks` JSON), imported as `inference-roi import --select` would. Disaggregated
    multi-node deployments are left out: one replica of `capacity` is one aggregated server."""
    paths = sys.argv[sys.argv.index("--extra") + 1 :] if "--extra" in sys.argv else []
    out = []
    for path in (Path(p) for p in paths if not p.startswith("--")):
        doc = json.loads(path.read_text())
        for key in inferencex_configurations(doc):
            if "/disagg/" in key:
                continue
            profile = import_file(path, options=ImportOptions(select=key))
            out.append((f"{profile.meta.model} {key}", profile))
    return tuple(out)


def without(profile: Profile, indices: tuple[int, ...]) -> Profile:
    return dataclasses.replace(profile, levels=tuple(lv for i, lv in enumerate(profile.levels) if i not in indices))


def request_class(shape: Shape) -> RequestClass:
    return RequestClass(name="held-out", share=1.0, input_tokens=shape.input_tokens, output_tokens=shape.output_tokens)


def slo_cases(levels: list[Level]) -> Iterator[tuple[Slo, float, float]]:
    """(SLO, lower, upper): bounds set mid-grid, and the req/s bracket the measured levels allow."""
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
        yield Slo(**{f"{metric.removesuffix('_s')}_{pct}_s": bound}), lower, upper


def three_shapes(profile: Profile) -> Profile | None:
    """The sweep cut to its shortest, middle and longest input shapes (None when it has fewer than three)."""
    groups = sorted(group_levels(profile.levels, profile.meta.cached_input_share), key=lambda g: g.shape.input_tokens)
    if len(groups) < 3:
        return None
    keep = {i for g in (groups[0], groups[len(groups) // 2], groups[-1]) for i in g.indices}
    return dataclasses.replace(profile, levels=tuple(lv for i, lv in enumerate(profile.levels) if i in keep))


def bracket_error(x: float | None, lower: float, upper: float) -> float:
    if x is None:
        return 1.0
    if x < lower * (1 - SLACK):
        return 1 - x / lower
    if x > upper * (1 + SLACK):
        return x / upper - 1
    return 0.0


def profile_cases(
    name: str, profile: Profile, cards, sheet, calibration: Calibration | None, tokens_per_step: float | None = None
) -> Iterator[Case]:
    share = profile.meta.cached_input_share
    card = cards.find(profile.meta.model)
    gpu = next((g for g in sheet.gpus if g.id.lower() == profile.meta.gpu.lower()), None)
    precision = profile.meta.precision or (default_precision(gpu) if gpu else None)
    for group in group_levels(profile.levels, share):
        train = without(profile, group.indices)
        hints = fit_hints(card, gpu, profile.meta.gpu_count, precision, group.shape.mean_context_tokens,
                          profile.meta.engine)  # fmt: skip
        model = fit_profile(train, hints)
        if model is None:
            continue
        levels = [profile.levels[i] for i in group.indices if not inconsistency(profile.levels[i])]
        stated = modelled_error(model, group.shape)[0]
        roof = speculating(
            estimated_model(card, gpu, profile.meta.gpu_count, precision, group.shape, calibration)
            if card is not None and gpu is not None and precision and calibration is not None
            else None,
            tokens_per_step,
        )
        for level in levels:
            shape, c = level_shape(level, share), level.concurrency
            what = f"{shape.label()} c={c:g}"
            error = abs(model.req_per_s(shape, c) / level.req_per_s - 1)
            yield Case("throughput at a left-out shape", name, what, error, stated)
            if roof is not None and roof.max_concurrency:
                x = roof.req_per_s(shape, min(c, roof.max_concurrency))
                yield Case("no profile, req/s", name, what, abs(x / level.req_per_s - 1), roof.expected_error)
            if c == 16:
                for metric, pct in BOUNDED:
                    measured, predicted = level.latency(metric, pct), model.latency(shape, c, metric, pct)
                    if measured and predicted:
                        yield Case("latency p50/p99 at c = 16", name, f"{what} {metric} {pct}",
                                   abs(predicted / measured - 1))  # fmt: skip
        for slo, lower, upper in slo_cases(levels):
            cls = request_class(group.shape)
            bound = ", ".join(f"{m.removesuffix('_s')} {p} ≤ {b:.3g} s" for m, p, b in slo.bounds())
            what = f"{group.shape.label()} {bound}: bracket {lower:.3g}–{upper:.3g} req/s"
            cap = capacity_at_slo(train, slo, cls, prefix_caching=False, model=model)
            err = bracket_error(cap.req_per_s, lower, upper)
            shown = "none" if cap.req_per_s is None else f"{cap.req_per_s:.3g}"
            yield Case("SLO decision inside the bracket", name, f"{what}; predicted {shown}", err, cap.expected_error,
                       right=err == 0)  # fmt: skip
            if roof is not None:
                est = estimated_capacity(roof, slo, cls, False, "no roofline")
                err = bracket_error(est.req_per_s, lower, upper)
                if est.req_per_s is not None:
                    err = max(est.req_per_s / upper, lower / est.req_per_s) - 1 if err else 0.0
                shown = "none" if est.req_per_s is None else f"{est.req_per_s:.3g}"
                yield Case("no profile, X* at an SLO", name, f"{what}; estimated {shown}", err, est.expected_error)


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


def transfer_cases(configs: list[ReferenceProfile]) -> Iterator[Case]:
    """Leave one configuration out: predict its levels from the others, as an option without a profile would."""
    for target in configs:
        meta = target.profile.meta
        same = (target.card.id, target.gpu.id, meta.gpu_count, meta.precision)
        others = [  # not itself, nor the same configuration from another source, nor the GLM-5 point whose
            # agreement named the sweep's GPU (tests/profiling/test_reference_gpu_inference.py)
            c
            for c in configs
            if (c.card.id, c.gpu.id, c.profile.meta.gpu_count, c.profile.meta.precision) != same
            and c.name != "glm-5-h200-fp8"
        ]
        meta = target.profile.meta
        for point in profile_points(target.profile):
            shape, level = point.shape, target.profile.levels[point.level_index]
            interactive = point.concurrency is not None
            moved = transferred_model(target.card, target.gpu, meta.gpu_count, meta.precision or "fp8", shape, others,
                                      None, needs_latency=interactive)  # fmt: skip
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
            for slo, lower, upper in slo_cases(levels):
                moved = transferred_model(target.card, target.gpu, meta.gpu_count, meta.precision or "fp8",
                                          group.shape, others, None, needs_latency=True)  # fmt: skip
                if moved is None:
                    continue
                cap = transferred_capacity(moved, slo, request_class(group.shape), prefix_caching=False)
                err = bracket_error(cap.req_per_s, lower, upper)
                shown = "none" if cap.req_per_s is None else f"{cap.req_per_s:.3g}"
                bound = ", ".join(f"{m.removesuffix('_s')} {p} ≤ {b:.3g} s" for m, p, b in slo.bounds())
                what = f"{group.shape.label()} {bound}: bracket {lower:.3g}–{upper:.3g} req/s; from {moved.label()}"
                yield Case("transferred, X* at an SLO", target.name, f"{what}; predicted {shown}", err,
                           cap.expected_error, right=err == 0)  # fmt: skip


def summarise(cases: list[Case], title: str = "") -> None:
    print(f"\n{title}{'what':<34} {'cases':>5}  {'median':>7}  {'worst':>8}  {'right':>6}  target")
    for kind, (target, _, _) in TARGETS.items():
        if kind == "transferred, req/s":
            same = [c.error for c in cases if c.kind == kind and "same model" in c.what]
            sibling = [c.error for c in cases if c.kind == kind and "same model" not in c.what]
            target = (f"80 % bound: same model {covering(same or [0]):.0%} (stated "
                      f"{SAME_MODEL_ERROR:.0%}), sibling {covering(sibling or [0]):.0%} (stated "
                      f"{SIBLING_ERROR:.0%})")  # fmt: skip
        group = [c for c in cases if c.kind == kind]
        if kind in ("SLO decision inside the bracket", "transferred, X* at an SLO") and group:
            covered = sum(c.stated is not None and c.error <= c.stated for c in group) / len(group)
            widths = [c.stated for c in group if c.stated is not None]
            width = f", stated median ±{statistics.median(widths):.0%}" if widths else ""
            target += f"; stated error covers {covered:.0%}{width}"
        if kind == "no profile, X* at an SLO" and group:
            covered = sum(c.stated is not None and c.error <= c.stated for c in group) / len(group)
            bound = covering([c.error for c in group])
            target += (f"; stated error covers {covered:.0%} (80 % bound of these errors {bound:.0%}; Calibration."
                       f"slo_error: SERVING {SERVING.slo_error:.0%}, LEAN_NVIDIA {LEAN_NVIDIA.slo_error:.0%}, "
                       f"LEAN_AMD {LEAN_AMD.slo_error:.0%})")  # fmt: skip
        if not group:
            if not title:
                print(f"{kind:<34} {0:>5}  (no case in the corpus)")
            continue
        errors = [c.error for c in group]
        right = [c.right for c in group if c.right is not None]
        share = f"{sum(right) / len(right):6.0%}" if right else "      "
        print(f"{kind:<34} {len(group):>5}  {statistics.median(errors):7.1%}  {max(errors):8.1%}  {share}  {target}")
    own_row = ("no profile, X* at an SLO", "SLO decision inside the bracket", "transferred, X* at an SLO")  # own rows
    stated = [c for c in cases if c.stated is not None and c.kind not in own_row]
    if stated:
        covered = sum(c.error <= c.stated for c in stated)
        print(f"{'expected_error covers the error':<34} {len(stated):>5}  {covered / len(stated):7.0%} of cases"
              f"{'':>17}target ≥ 80 %")  # fmt: skip


def calibrations(configs: list[ReferenceProfile]) -> dict[str, Calibration]:
    """Print both calibrations against the constants in tco.capacity.roofline; return, for each interactive sweep,
    the SERVING calibration fitted without it."""
    interactive, points = serving_sets(configs)
    offline = [c for c in configs if c.name.startswith("TRT-LLM")]
    for label, group, checks, constant in (
        ("SERVING", interactive, points, SERVING),
        ("OFFLINE", offline, [], OFFLINE),
    ):
        fitted, held_out = calibrate(group, constant.basis, checks)
        print(f"  {label}: fitted η_c {fitted.compute:g}, η_m {fitted.memory:g}, step {fitted.step_overhead_s:g} s; "
              f"held-out error (configurations left out, {len(checks)} points checked) median "
              f"{statistics.median(held_out):.0%}, 80th percentile {fitted.error:.0%}, worst {max(held_out):.0%} "
              f"({len(group)} configurations); in tco.capacity.roofline: {constant.compute:g}, {constant.memory:g}, "
              f"{constant.step_overhead_s:g} s, {constant.error:.0%}")  # fmt: skip
    print(f"  SERVING: TTFT wave share fitted {fit_wave_share(interactive, SERVING):g}; in tco.capacity.roofline "
          f"{SERVING.ttft_wave_share:g}")  # fmt: skip
    left_out = {}
    for config in interactive:
        others = [o for o in interactive if o is not config]
        fitted = calibrate(others, "")[0]
        left_out[config.name] = dataclasses.replace(fitted, slo_error=SERVING.slo_error)
    return left_out


def engine_check(configs: list[ReferenceProfile]) -> None:
    """The engine's calibration (`serving_calibration`) on the bundled configurations of the lean engines, none of
    them among the sweeps it was fitted on (other models, MLPerf and NVIDIA's tables): the median of predicted /
    measured req/s at their own levels, beside SERVING's."""
    for ref in configs:
        chosen = serving_calibration(ref.profile.meta.engine, ref.gpu.id)
        if chosen is SERVING or ref.name.startswith("TRT-LLM"):
            continue
        ratios = []
        for calibration in (SERVING, chosen):
            parts = peak_parts(ref, calibration.reads_touched_experts)
            if parts is None:
                break
            x = predicted_req_per_s(parts, calibration.compute, calibration.memory, calibration.step_overhead_s)
            ratios.append(statistics.median(x / parts.measured))
        if len(ratios) == 2:
            print(f"  {ref.name} ({ref.profile.meta.engine}, {len(ref.profile.levels)} levels): predicted / measured "
                  f"req/s, median: SERVING {ratios[0]:.2f}, its engine's calibration {ratios[1]:.2f}")  # fmt: skip


def lean_left_out(cards, sheet) -> dict[str, Calibration]:
    """For each --extra deployment, the calibration its engine gets (`serving_calibration`), refitted without it when
    it is one of those the bundled lean-engine calibrations were read from (SGLang, TensorRT-LLM and ATOM without
    speculative decoding, by GPU family), so the no-profile rows stay held out."""
    gpus = {g.id.lower(): g for g in sheet.gpus}
    refs = [
        (ReferenceProfile(name, profile, card, gpu), serving_calibration(profile.meta.engine, gpu.id))
        for name, profile in extra_corpus()
        if (card := cards.find(profile.meta.model)) is not None and (gpu := gpus.get(profile.meta.gpu.lower()))
    ]
    fitted_on = [(r, cal) for r, cal in refs if cal.reads_touched_experts and not r.profile.meta.speculative_decoding]
    out = {}
    for ref, cal in refs:
        if not cal.reads_touched_experts:
            out[ref.name] = cal
            continue
        others = [o for o, c in fitted_on if c is cal and o.name != ref.name]
        fitted = dataclasses.replace(calibrate(others, cal.basis, reads_touched_experts=True)[0],
                                     max_concurrency=cal.max_concurrency, slo_error=cal.slo_error)  # fmt: skip
        out[ref.name] = dataclasses.replace(fitted, ttft_wave_share=fit_wave_share(others, fitted))
    for cal in (LEAN_NVIDIA, LEAN_AMD):
        mine = [o for o, c in fitted_on if c is cal]
        if not mine:  # no --extra file: nothing to fit the lean engines' wave on
            continue
        print(f"  {cal.basis.split(' (')[0][:60]}…: TTFT wave share fitted {fit_wave_share(mine, cal):g} on "
              f"{len(mine)} deployments; in tco.capacity.roofline {cal.ttft_wave_share:g}")  # fmt: skip
    return out


def tokens_left_out(cards, sheet, calibrations: dict[str, Calibration]) -> dict[str, float]:
    """For each --extra deployment run with speculative decoding, E (`tco.capacity.speculative`) fitted on the
    others, each at its engine's calibration without speculation; prints the fit on all of them beside the constant."""
    gpus = {g.id.lower(): g for g in sheet.gpus}
    parts = {}
    for name, profile in extra_corpus():
        card, gpu = cards.find(profile.meta.model), gpus.get(profile.meta.gpu.lower())
        if profile.meta.speculative_decoding and card is not None and gpu is not None and name in calibrations:
            cal = calibrations[name]
            found = peak_parts(ReferenceProfile(name, profile, card, gpu), cal.reads_touched_experts)
            if found is not None:
                parts[name] = (found, cal)
    if len(parts) < 2:
        return {}
    left_out = {name: fit_tokens_per_step([p for other, p in parts.items() if other != name]) for name in parts}
    print(f"  speculative decoding: E fitted on {len(parts)} deployments {fit_tokens_per_step(list(parts.values())):g}"
          f", left out {min(left_out.values()):g}–{max(left_out.values()):g}; in tco.capacity.speculative "
          f"{TOKENS_PER_STEP:g}")  # fmt: skip
    return left_out


def main() -> None:
    cards, sheet = load_catalog(), load_gpu_sheet()
    cases: list[Case] = []
    configs = configurations(cards, sheet)
    left_out = calibrations(configs)
    engine_check(configs)
    left_out.update(lean_left_out(cards, sheet))
    tokens = tokens_left_out(cards, sheet, left_out)
    print_prefill_efficiencies([*((p.stem, load_profile(p)) for p in REFERENCE), *extra_corpus()], cards, sheet)
    extra: list[Case] = []
    extras = {name for name, _ in extra_corpus()}
    for name, profile in corpus():
        for level in profile.levels:
            if problem := inconsistency(level):
                print(f"  {name}: c={level.concurrency:g} at {level_shape(level, 0.0).label()} is no case: {problem}")
        found = list(profile_cases(name, profile, cards, sheet, left_out.get(name), tokens.get(name)))
        print(f"  {name}: {len(profile.levels)} levels, {len(found)} cases")
        (extra if name in extras else cases).extend(found)
    cases.extend(transfer_cases(configs))
    sparse = [
        case
        for name, profile in corpus()
        if (cut := three_shapes(profile)) is not None
        if name not in extras
        for case in profile_cases(name, cut, cards, sheet, left_out.get(name))
    ]
    if "--cases" in sys.argv:
        for c in sorted(cases, key=lambda c: (c.kind, -c.error)):
            print(f"{c.kind:<34} {c.error:7.1%}  {c.profile}: {c.what}")
        for c in sorted(sparse, key=lambda c: (c.kind, -c.error)):
            print(f"3 shapes: {c.kind:<34} {c.error:7.1%}  {c.profile}: {c.what}")
        for c in sorted(extra, key=lambda c: (c.kind, -c.error)):
            print(f"extra: {c.kind:<34} {c.error:7.1%}  {c.profile}: {c.what}")
    summarise(cases)
    summarise(sparse, "Three shapes per sweep (shortest, middle, longest input), the harder case:\n")
    if extra:
        summarise(extra, f"Sweeps from --extra ({len(extras)} deployments, never used to fit or calibrate):\n")
        by_calibration: dict[str, list[float]] = {}
        engines = {name: serving_calibration(p.meta.engine, p.meta.gpu) for name, p in extra_corpus()}
        for case in extra:
            if case.kind == "no profile, X* at an SLO":
                label = "LEAN_AMD" if engines[case.profile] is LEAN_AMD else "LEAN_NVIDIA"
                by_calibration.setdefault(label, []).append(case.error)
        print("  no profile, X* at an SLO, 80 % bound of the errors by calibration (its slo_error): " + ", ".join(
            f"{label} {covering(errors):.0%} ({len(errors)} cases; {globals()[label].slo_error:.0%})"
            for label, errors in sorted(by_calibration.items())))  # fmt: skip
        one_build = {name for name, profile in extra_corpus() if profile.meta.engine_version}
        summarise([c for c in extra if c.profile in one_build],
                  f"Of those, the {len(one_build)} whose shapes all ran on one engine build:\n")  # fmt: skip


if __name__ == "__main__":
    main()
