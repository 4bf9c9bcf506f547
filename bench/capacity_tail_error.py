"""How well the fitted model predicts a level's latency tails (p90, p99) it was not fitted on (today: p50 × one
tail ratio per profile, the median over its levels).

    python bench/capacity_tail_error.py

Every bundled profile with latency percentiles at several concurrencies; each level with a measured p99 (or
p90) is held out in turn, the model is refitted on the others and predicts that level's TTFT and ITL tails
at its own shape and concurrency. Prints the median and worst |predicted / measured − 1|.

What it showed (2026-12, GLM-5 FP8 TP8 vLLM sweep, 52 levels): TTFT p99 median 50 %, worst 69 %; ITL p99
median 11 %, worst 318 %. Within one shape the p99/p50 ratio of TTFT rises with concurrency for short prompts
(slope of ln ratio on ln c: +0.4 to +0.55 at 1k-4k input) and falls for long ones (−0.2 to −0.4 at 8k+, where
the median request queues too): a power law in concurrency alone does not describe it.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from profiling.schema import Profile, load_profile  # noqa: E402
from tco.capacity.perf_model import fit_profile  # noqa: E402
from tco.capacity.shapes import level_shape  # noqa: E402


def held_out_errors(profile: Profile) -> dict[str, list[float]]:
    errors: dict[str, list[float]] = {}
    for i, level in enumerate(profile.levels):
        if level.concurrency is None:
            continue
        train = dataclasses.replace(profile, levels=tuple(lv for j, lv in enumerate(profile.levels) if j != i))
        model = fit_profile(train)
        if model is None:
            continue
        shape = level_shape(level, profile.meta.cached_input_share)
        for metric in ("ttft_s", "itl_s"):
            for pct in ("p90", "p99"):
                measured = level.latency(metric, pct)
                predicted = model.latency(shape, level.concurrency, metric, pct)
                if measured and predicted:
                    errors.setdefault(f"{metric.removesuffix('_s')} {pct}", []).append(abs(predicted / measured - 1))
    return errors


def main() -> None:
    every: dict[str, list[float]] = {}
    for path in sorted((ROOT / "profiling" / "reference").glob("*.yaml")):
        profile = load_profile(path)
        if len({lv.concurrency for lv in profile.levels if lv.concurrency}) < 3:
            continue
        for key, values in held_out_errors(profile).items():
            every.setdefault(key, []).extend(values)
        print(f"  {path.name}: {len(profile.levels)} levels")
    print("\nLeave-one-level-out error of predicted latency tails")
    for key in sorted(every):
        values = every[key]
        print(f"  {key:<32} median {statistics.median(values):6.1%}  worst {max(values):7.1%}  ({len(values)} levels)")


if __name__ == "__main__":
    main()
