"""How well the capacity model predicts shapes it was not fitted on, and the roofline's calibration.

    python bench/capacity_prediction_error.py

1. Leave-one-shape-out on every multi-shape published sweep we have: NVIDIA's TensorRT-LLM
   perf-overview tables (offline max throughput; v1.0-era table of 7 configurations × 9 shapes and the
   later table of 12 configurations × up to 4 shapes) and SemiAnalysis'
   GLM-5 FP8 TP8 vLLM sweep (9 input lengths × 6 concurrencies, bundled). For each held-out shape the
   model is refitted on the others and predicts the held-out req/s; the same points are predicted by
   the old rule (nearest measured shape scaled by tokens per request) for comparison (for a sweep, at
   the held-out shape's highest concurrency only, as the old rule had no curve).
2. L0, the decode-context constant, from the full fit on table (a).
The roofline's calibration is printed by bench/capacity.py.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from profiling.schema import Level, Profile, ProfileMeta, load_profile  # noqa: E402
from tco.capacity.fitting import fit_profile  # noqa: E402
from tco.capacity.shapes import Shape, group_levels  # noqa: E402
from tco.capacity.throughput_fit import DECODE_CONTEXT_TOKENS  # noqa: E402

# (a) docs/source/performance/perf-overview.md @00f3768: total output tokens/s of the TP group
SHAPES_A = [
    (128, 128),
    (128, 2048),
    (500, 2000),
    (1000, 1000),
    (1000, 2000),
    (2048, 128),
    (2048, 2048),
    (5000, 500),
    (20000, 2000),
]
TABLE_A = {
    "Llama 3.1 8B H200 TP1 FP8": [27911, 26221, 20770, 17744, 16828, 3538, 12194, 3902, 1804],
    "Llama 3.1 8B H100 TP1 FP8": [28312, 22714, 17660, 15220, 13899, 3450, 9305, 3459, 1351],
    "Llama 3.3 70B B200 TP1 FP4": [11147, 9922, 7762, 7007, 6271, 1339, 4783, 1459, 665],
    "Llama 3.3 70B GB200 TP1 FP4": [12189, 11309, 9028, 7326, 6513, 1450, 5646, 1602, 755],
    "Llama 3.3 70B H200 TP1 FP8": [3803, 4336, 3666, 2909, 2994, 442, 2003, 566, 283],
    "Llama 3.3 70B H100 TP2 FP8": [6378, 6651, 5222, 4205, 4146, 762, 3082, 898, 437],
    "Llama 3.3 70B RTX PRO 6000 TP1 FP4": [3264, 2422, 1856, 1787, 1594, 393, 1074, 401, 142],
}
# (b) docs/source/developer-guide/perf-overview.md @03e27c7: output tokens/s per GPU (None: not published)
SHAPES_B = [(1000, 1000), (1024, 8192), (8192, 1024), (32768, 1024)]
TABLE_B = {
    "Llama 3.3 70B B200 TP1 FP4": [6920, 3242, 1362, 274],
    "Llama 3.3 70B GB200 TP1 FP4": [7769, 3805, 1491, 302],
    "Llama 3.3 70B H200 TP2 FP8": [2587, 2009, 537, 120],
    "gpt-oss-120B B200 DEP2 FP4": [25943, 17289, 6111, 1392],
    "gpt-oss-120B H200 TP1 FP8": [6868, 3543, 1828, 519],
    "gpt-oss-120B H100 DEP4 FP8": [4685, None, 1169, 333],
    "DeepSeek-R1 B200 DEP4 FP4": [6463, 3862, 1168, None],
    "DeepSeek-R1 GB200 DEP4 FP4": [6939, 4379, 1192, None],
    "Qwen3-235B B200 DEP4 FP4": [5764, 3389, 1410, 319],
    "Qwen3-235B H200 DEP4 FP8": [3288, 1417, 627, 134],
}


def table_profile(name: str, shapes: list[tuple[int, int]], output_tokens_per_s: list[float | None]) -> Profile:
    levels = tuple(
        Level(
            input_tokens=i,
            output_tokens=o,
            requests_completed=0,
            requests_failed=0,
            req_per_s=v / o,
            output_tokens_per_s=v,
        )
        for (i, o), v in zip(shapes, output_tokens_per_s, strict=True)
        if v is not None
    )
    meta = ProfileMeta(model=name, engine="tensorrt-llm", gpu="?", gpu_count=1, source="published")
    return Profile(profile_version=1, meta=meta, levels=levels)


def _token_scaling(profile: Profile, held: set[int], shape: Shape) -> float:
    """The old rule: the nearest measured shape's best req/s, scaled by tokens per request."""
    others = [lv for i, lv in enumerate(profile.levels) if i not in held]
    nearest = min(
        others,
        key=lambda lv: (
            abs(Shape(lv.input_tokens, lv.output_tokens).input_tokens - shape.input_tokens) / shape.input_tokens
            + abs(lv.output_tokens - shape.output_tokens) / shape.output_tokens
        ),
    )
    same = [lv for lv in others if (lv.input_tokens, lv.output_tokens) == (nearest.input_tokens, nearest.output_tokens)]
    best = max(lv.req_per_s for lv in same)
    return best * (nearest.input_tokens + nearest.output_tokens) / (shape.input_tokens + shape.output_tokens)


def leave_one_shape_out(profile: Profile) -> tuple[list[float], list[float]]:
    """Relative errors |predicted / measured − 1| of the model and of token scaling, per held-out level."""
    model_errors, scaling_errors = [], []
    for group in group_levels(profile.levels):
        held = set(group.indices)
        train = Profile(
            profile_version=1,
            meta=profile.meta,
            levels=tuple(lv for i, lv in enumerate(profile.levels) if i not in held),
        )
        model = fit_profile(train)
        assert model is not None
        for i in group.indices:
            level = profile.levels[i]
            shape = Shape(level.input_tokens, level.output_tokens)
            model_errors.append(abs(model.req_per_s(shape, level.concurrency) / level.req_per_s - 1))
            if level.concurrency is None or level.concurrency == max(
                lv.concurrency or 0 for j, lv in enumerate(profile.levels) if j in held
            ):
                scaling_errors.append(abs(_token_scaling(profile, held, shape) / level.req_per_s - 1))
    return model_errors, scaling_errors


def _summary(errors: list[float]) -> str:
    return f"median {statistics.median(errors):6.1%}  worst {max(errors):7.1%}  ({len(errors)} points)"


def main() -> None:
    datasets = {
        "TRT-LLM table (a), 7 x 9 shapes": [table_profile(n, SHAPES_A, v) for n, v in TABLE_A.items()],
        "TRT-LLM table (b), 10 x 3-4 shapes": [table_profile(n, SHAPES_B, v) for n, v in TABLE_B.items()],
        "GLM-5 FP8 TP8 vLLM sweep (InferenceX), 9 shapes x 6 concurrencies": [
            load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
        ],
    }
    every_model, every_scaling = [], []
    print("Leave-one-shape-out error of predicted req/s")
    for name, profiles in datasets.items():
        model_errors, scaling_errors = [], []
        for profile in profiles:
            m, s = leave_one_shape_out(profile)
            model_errors += m
            scaling_errors += s
        every_model += model_errors
        every_scaling += scaling_errors
        print(f"  {name}\n    fitted model:   {_summary(model_errors)}\n    token scaling:  {_summary(scaling_errors)}")
    print(f"  all\n    fitted model:   {_summary(every_model)}\n    token scaling:  {_summary(every_scaling)}")

    l0 = [
        m.coefficients[1] / m.coefficients[2]
        for n, v in TABLE_A.items()
        if (m := fit_profile(table_profile(n, SHAPES_A, v))) and m.coefficients[2]
    ]
    print(
        f"L0 = b/g of the full fit on table (a): median {statistics.median(l0):.0f} (range {min(l0):.0f}-"
        f"{max(l0):.0f}); tco.capacity.throughput_fit.DECODE_CONTEXT_TOKENS = {DECODE_CONTEXT_TOKENS:g}"
    )


if __name__ == "__main__":
    main()
