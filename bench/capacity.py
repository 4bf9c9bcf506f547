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
  stated error's median (an error stated wide enough covers everything: the width is the price). A line under it
  splits the decisions by margin, how far the bound lies from the two levels' measured latencies (√(high / low) − 1):
  where a latency barely moves with the load (a TTFT p50 of 0.108 s at c = 8 and 0.115 s at c = 16, a 3 % margin),
  any latency error of a few per cent crosses the bound, and those decisions are near a coin toss.
- **latency at concurrency 16**: TTFT and ITL p50 and p99 predicted at the removed shape's c = 16 level.
- **no profile**: the roofline (`tco.capacity.roofline`) calibrated on the *other* interactive sweeps (leave one
  configuration out: `tco.capacity.calibration`; its efficiencies, TTFT wave shares and latency tails all refitted
  without the sweep asked about) at each level's shape and concurrency, for profiles whose model and GPU are
  catalogued; and its X* for the SLO cases above (error: the factor predicted / bracket edge − 1).
- **transferred**: each configuration (the corpus and NVIDIA's tables) predicted from the others by
  `tco.capacity.transfer`, as an option without a profile would be (its engine, precision and speculative decoding
  as the configuration ran them); and, for the interactive sweeps, its X* under the SLO cases above, with how often
  the stated error covers it. The app answers an SLO from a sibling's transfer with the roofline instead (the
  no-profile rows), which measured nearer (`tco.capacity.replica_capacity`).
- **expected error covers**: the share of throughput cases (profile and no-profile) whose error is within
  the `expected_error` the engine states for that answer; the X* row says the same of its own cases.
- **three shapes only** (a second table): the same leave-one-shape-out on a subset of each sweep, its shortest,
  middle and longest input, as sparse as the published sweeps that measure three shapes (InferenceX's main
  sweeps: 1k/1k, 1k/8k, 8k/1k). The left-out shape is far from the two left, so this is the harder case.

- **--extra FILE** (a third table): every aggregated deployment in an InferenceX records file you fetched (the
  dashboard's `/api/v1/benchmarks` JSON), left out shape by shape the same way; never used to fit or calibrate
  (the prefill efficiencies in `tco.capacity.prefill_efficiency` were read from such sweeps' TTFT slopes, so for
  that one constant they are not held out; the run prints each deployment's figure, `bench/prefill_slopes.py`;
  nor is `transfer.SAME_MODEL_ERROR`, set from these records' transfers among themselves, which the table shows:
  the same model on another GPU, count, precision, engine or speculative decoding, one left out at a time). A
  deployment run with speculative decoding (`meta.speculative_decoding`) gets its roofline at E tokens a step
  (`tco.capacity.speculative`) fitted on the other such deployments. Not
  bundled: the records are not ours to redistribute. Such records
  keep each shape's latest run, so one deployment's shapes can come from different engine builds (the importer
  warns), which sets a floor under these errors; a fourth table keeps the deployments whose shapes all ran on one
  build (the importer then records it as the profile's engine version).

Before the tables it prints the figures behind two engine constants: each deployment's prefill efficiency
(`tco.capacity.prefill_efficiency`) and how its TTFT wait per request in flight grows with the input
(`prefill_efficiency.LEAN_WAIT_SHARE`; `bench/prefill_slopes.py`).

A level whose req/s disagrees with its own concurrency and E2E (Little's law, `tco.capacity.level_consistency`)
is no case: the fit leaves it out, and its own numbers are not a measurement to hold a prediction to. The run
prints each one.

The right-hand column is issue 23's target.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import load_catalog  # noqa: E402
from pricing import load_gpu_sheet  # noqa: E402
from profiling.importers import ImportOptions, import_file  # noqa: E402
from profiling.inferencex_import import inferencex_configurations  # noqa: E402
from profiling.schema import Profile, load_profile  # noqa: E402
from tco.capacity.at_slo import capacity_at_slo, estimated_capacity, modelled_error  # noqa: E402
from tco.capacity.fitting import covering, fit_profile  # noqa: E402
from tco.capacity.level_consistency import inconsistency  # noqa: E402
from tco.capacity.roofline import default_precision, estimated_model, fit_hints  # noqa: E402
from tco.capacity.roofline_calibrations import LEAN_CALIBRATIONS, SERVING, Calibration, serving_calibration  # noqa: E402
from tco.capacity.shapes import group_levels, level_shape  # noqa: E402
from tco.capacity.speculative import speculating  # noqa: E402
from tco.capacity.transfer import (  # noqa: E402
    SAME_MODEL_ERROR,
    SIBLING_ERROR,
)
from tco.records.inputs import ReferenceProfile  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from capacity_calibrations import calibrations, engine_check, lean_left_out, tokens_left_out  # noqa: E402
from capacity_cases import (  # noqa: E402
    BOUNDED,
    Case,
    bracket_error,
    configurations,
    request_class,
    slo_cases,
    transfer_cases,
    without,
)
from prefill_slopes import print_prefill_efficiencies, print_wait_exponents  # noqa: E402

TARGETS = {
    "throughput at a left-out shape": ("median ≤ 7 %, worst ≤ 35 %", 0.07, 0.35),
    "SLO decision inside the bracket": ("≥ 90 % right, worst ≤ 50 %", None, 0.50),
    "latency p50/p99 at c = 16": ("median ≤ 15 %, worst ≤ 60 %", 0.15, 0.60),
    "no profile, req/s": ("median ≤ 25 %, worst ≤ 100 %", 0.25, 1.00),
    "no profile, X* at an SLO": ("median ≤ 30 %, never above 2×", 0.30, 1.00),
    "transferred, req/s": ("within its stated error", None, None),
    "transferred, X* at an SLO": ("inside the bracket; within its stated error", None, None),
    "E2E p50/p99 at a left-out shape": ("no target of its own (tco.capacity.e2e_cap bounds it)", None, None),
}


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


def extra_configurations(cards, sheet) -> list[ReferenceProfile]:
    """The `--extra` deployments whose model and GPU are catalogued, for transfers among themselves (one left out
    at a time: the same model on another GPU, GPU count, precision, engine or speculative decoding)."""
    gpus = {g.id: g for g in sheet.gpus}
    found = ((name, p, cards.find(p.meta.model), gpus.get(p.meta.gpu)) for name, p in extra_corpus())
    return [ReferenceProfile(name, p, card, gpu) for name, p, card, gpu in found if card and gpu]


def three_shapes(profile: Profile) -> Profile | None:
    """The sweep cut to its shortest, middle and longest input shapes (None when it has fewer than three)."""
    groups = sorted(group_levels(profile.levels, profile.meta.cached_input_share), key=lambda g: g.shape.input_tokens)
    if len(groups) < 3:
        return None
    keep = {i for g in (groups[0], groups[len(groups) // 2], groups[-1]) for i in g.indices}
    return dataclasses.replace(profile, levels=tuple(lv for i, lv in enumerate(profile.levels) if i in keep))


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
            for pct in ("p50", "p99"):
                measured, predicted = level.latency("e2e_s", pct), model.latency(shape, c, "e2e_s", pct)
                if measured and predicted:
                    yield Case("E2E p50/p99 at a left-out shape", name, f"{what} e2e_s {pct}",
                               abs(predicted / measured - 1))  # fmt: skip
            if c == 16:
                for metric, pct in BOUNDED:
                    measured, predicted = level.latency(metric, pct), model.latency(shape, c, metric, pct)
                    if measured and predicted:
                        yield Case("latency p50/p99 at c = 16", name, f"{what} {metric} {pct}",
                                   abs(predicted / measured - 1))  # fmt: skip
        for slo, lower, upper, margin in slo_cases(levels):
            cls = request_class(group.shape)
            bound = ", ".join(f"{m.removesuffix('_s')} {p} ≤ {b:.3g} s" for m, p, b in slo.bounds())
            what = f"{group.shape.label()} {bound}: bracket {lower:.3g}–{upper:.3g} req/s"
            cap = capacity_at_slo(train, slo, cls, prefix_caching=False, model=model)
            err = bracket_error(cap.req_per_s, lower, upper)
            shown = "none" if cap.req_per_s is None else f"{cap.req_per_s:.3g}"
            yield Case("SLO decision inside the bracket", name, f"{what}; predicted {shown}", err, cap.expected_error,
                       right=err == 0, margin=margin)  # fmt: skip
            if roof is not None:
                est = estimated_capacity(roof, slo, cls, False, "no roofline")
                err = bracket_error(est.req_per_s, lower, upper)
                if est.req_per_s is not None:
                    err = max(est.req_per_s / upper, lower / est.req_per_s) - 1 if err else 0.0
                shown = "none" if est.req_per_s is None else f"{est.req_per_s:.3g}"
                yield Case("no profile, X* at an SLO", name, f"{what}; estimated {shown}", err, est.expected_error)


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
            target += (
                f"; stated error covers {covered:.0%} (80 % bound of these errors {bound:.0%}; Calibration."
                f"slo_error: SERVING {SERVING.slo_error:.0%}, "
                + ", ".join(f"{name} {cal.slo_error:.0%}" for name, cal in LEAN_CALIBRATIONS.items())
                + ")"
            )
        if kind == "E2E p50/p99 at a left-out shape" and group:
            ordered = sorted(c.error for c in group)
            target += f"; 90th percentile {ordered[int(0.9 * len(ordered))]:.0%}"
        if not group:
            if not title:
                print(f"{kind:<34} {0:>5}  (no case in the corpus)")
            continue
        errors = [c.error for c in group]
        right = [c.right for c in group if c.right is not None]
        share = f"{sum(right) / len(right):6.0%}" if right else "      "
        print(f"{kind:<34} {len(group):>5}  {statistics.median(errors):7.1%}  {max(errors):8.1%}  {share}  {target}")
        if kind == "SLO decision inside the bracket":
            print(f"  {'by margin (bound to the levels it splits)':<34}  {margins(group)}")
    own_row = ("no profile, X* at an SLO", "SLO decision inside the bracket", "transferred, X* at an SLO")  # own rows
    stated = [c for c in cases if c.stated is not None and c.kind not in own_row]
    if stated:
        covered = sum(c.error <= c.stated for c in stated)
        print(f"{'expected_error covers the error':<34} {len(stated):>5}  {covered / len(stated):7.0%} of cases"
              f"{'':>17}target ≥ 80 %")  # fmt: skip


MARGINS = (0.1, 0.2)


def margins(group: list[Case]) -> str:
    """SLO decisions right, by how far the bound lies from the measured latencies of the two levels it splits: a
    bound a few per cent from both is crossed by any latency error, so those decisions are near a coin toss."""
    edges = (0.0, *MARGINS, math.inf)
    parts = []
    for low, high in itertools.pairwise(edges):
        cases = [c for c in group if c.margin is not None and low <= c.margin < high]
        label = f"< {high:.0%}" if low == 0 else f"≥ {low:.0%}" if high == math.inf else f"{low:.0%}–{high:.0%}"
        parts.append(f"{label}: {sum(bool(c.right) for c in cases)} of {len(cases)} right")
    return "; ".join(parts)


def main() -> None:
    cards, sheet = load_catalog(), load_gpu_sheet()
    cases: list[Case] = []
    configs = configurations(cards, sheet)
    left_out = calibrations(configs)
    engine_check(configs)
    left_out.update(lean_left_out(cards, sheet, extra_corpus()))
    tokens = tokens_left_out(cards, sheet, left_out, extra_corpus())
    print_prefill_efficiencies([*((p.stem, load_profile(p)) for p in REFERENCE), *extra_corpus()], cards, sheet)
    print_wait_exponents(corpus())
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
    extra.extend(transfer_cases(extra_configurations(cards, sheet)))
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
        held_out = "held out but for the constants the docstring names"
        summarise(extra, f"Sweeps from --extra ({len(extras)} deployments, {held_out}):\n")
        by_calibration: dict[str, list[float]] = {}
        engines = {name: serving_calibration(p.meta.engine, p.meta.gpu) for name, p in extra_corpus()}
        for case in extra:
            if case.kind == "no profile, X* at an SLO":
                label = next(n for n, cal in LEAN_CALIBRATIONS.items() if engines[case.profile] is cal)
                by_calibration.setdefault(label, []).append(case.error)
        print("  no profile, X* at an SLO, 80 % bound of the errors by calibration (its slo_error): " + ", ".join(
            f"{label} {covering(errors):.0%} ({len(errors)} cases; {LEAN_CALIBRATIONS[label].slo_error:.0%})"
            for label, errors in sorted(by_calibration.items())))  # fmt: skip
        one_build = {name for name, profile in extra_corpus() if profile.meta.engine_version}
        summarise([c for c in extra if c.profile in one_build],
                  f"Of those, the {len(one_build)} whose shapes all ran on one engine build:\n")  # fmt: skip


if __name__ == "__main__":
    main()
