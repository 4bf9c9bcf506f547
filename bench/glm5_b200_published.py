"""GLM-5 on 8 × B200 and 8 × H200 with no profile, against InferenceX's published tables (issue 23: "GLM-5 on B200
within 2× of a published B200 figure").

    python bench/glm5_b200_published.py b200-glm5-nvfp4-vs-h200-fp8-3-6x-perf-per-dollar.mdx

The file is InferenceX's blog post of 2026-05-26 (SemiAnalysis, `packages/app/content/blog/` of the InferenceX
app's repository, GPL-3: fetch it yourself; nothing of it is bundled). Its tables "H200 SGLang FP8 + MTP, TP=8 on
8 GPUs" and "B200 SGLang FP8 + MTP, TP=8 on 8 GPUs" give, per concurrency at 8,192 input / 1,024 output tokens,
total tokens/s per GPU and TPOT (ms). A level's req/s is tokens/s per GPU × 8 / (8,192 + 1,024).

For each GPU the script asks what an option without a profile gets (glm-5, 8 GPUs, fp8, SGLang, MTP at the fitted
E): req/s at each published concurrency, and X* under an ITL p50 bound set between two published TPOTs, both by
the transfer from the bundled GLM-5 sweep (vLLM on 8 × H200: another engine, without MTP) and by the calibrated
roofline. X* is right inside the bracket the published levels allow (5 % slack), as in bench/capacity.py.

Worked example: B200 at concurrency 16, 952.7 tokens/s per GPU: 952.7 × 8 / 9,216 = 0.827 req/s.

>>> round(952.7 * 8 / 9216, 3)
0.827
"""

from __future__ import annotations

import itertools
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from capacity_cases import bracket_error  # noqa: E402

from scenario_io.loader import load_catalogues  # noqa: E402
from tco.capacity.perf_model import PerfModel  # noqa: E402
from tco.capacity.roofline import estimated_model  # noqa: E402
from tco.capacity.roofline_calibrations import serving_calibration  # noqa: E402
from tco.capacity.shapes import Shape  # noqa: E402
from tco.capacity.slo_search import best_under_slo  # noqa: E402
from tco.capacity.speculative import TOKENS_PER_STEP, speculating  # noqa: E402
from tco.capacity.transfer import transferred_model  # noqa: E402
from tco.records.scenario import Slo  # noqa: E402

SHAPE = Shape(8192, 1024)
GPUS = 8
TABLES = {"H200": "H200 SGLang FP8 + MTP, TP=8 on 8 GPUs", "B200": "B200 SGLang FP8 + MTP, TP=8 on 8 GPUs"}


def published_levels(text: str, heading: str) -> dict[int, tuple[float, float]]:
    """{concurrency: (req/s, TPOT s)} from the markdown table under `heading`."""
    start = text.index(heading)
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*([\d,.]+)\s*\|\s*[\d.]+\s*\|\s*([\d.]+)\s*\|", text[start:], re.M)
    out: dict[int, tuple[float, float]] = {}
    for conc, per_gpu, tpot_ms in rows:
        if int(conc) in out:  # the next table began
            break
        out[int(conc)] = (
            float(per_gpu.replace(",", "")) * GPUS / (SHAPE.input_tokens + SHAPE.output_tokens),
            float(tpot_ms) / 1e3,
        )
    return out


def x_star(model: PerfModel, slo: Slo) -> float | None:
    found = best_under_slo(model, SHAPE, slo, model.max_concurrency)
    return None if found is None else found[0]


def main() -> None:
    text = Path(sys.argv[1]).read_text()
    cats = load_catalogues()
    card = cats.models.find("glm-5")
    errors: dict[str, list[float]] = {"transfer": [], "roofline": []}
    for gpu_id, heading in TABLES.items():
        gpu, levels = cats.gpus.get(gpu_id), published_levels(text, heading)
        roofline = speculating(
            estimated_model(card, gpu, GPUS, "fp8", SHAPE, serving_calibration("sglang", gpu_id)), TOKENS_PER_STEP
        )
        moved = transferred_model(card, gpu, GPUS, "fp8", SHAPE, cats.references, None, True, "sglang",
                                  TOKENS_PER_STEP)  # fmt: skip
        models = {"transfer": moved.model, "roofline": roofline}
        print(f"{gpu_id}: transferred from {moved.label()}")
        for c, (req_per_s, tpot_s) in levels.items():
            shown = "  ".join(
                f"{name} {m.req_per_s(SHAPE, c) / req_per_s:4.2f}×"
                for name, m in models.items()
                if m.max_concurrency is None or c <= m.max_concurrency
            )
            shown = shown or "beyond the concurrency either model allows"
            print(f"  c = {c:3d}: published {req_per_s:.3f} req/s, TPOT {tpot_s * 1e3:.1f} ms; predicted / published: "
                  f"{shown}")  # fmt: skip
        tpots = sorted(t for _, t in levels.values())
        for low, high in itertools.pairwise(tpots):
            bound = (low * high) ** 0.5
            passing = [x for x, t in levels.values() if t <= bound]
            failing = [x for x, t in levels.values() if t > bound]
            lower, upper = max(passing), min(failing)
            answers = {name: x_star(m, Slo(itl_p50_s=bound)) for name, m in models.items()}
            for name, x in answers.items():
                errors[name].append(bracket_error(x, lower, upper))
            shown = "  ".join(f"{n} {'none' if x is None else f'{x:.3f}'}" for n, x in answers.items())
            print(f"  ITL p50 ≤ {bound * 1e3:.1f} ms: bracket {lower:.3f}–{upper:.3f} req/s; {shown}")
    for name, errs in errors.items():
        right = sum(e == 0 for e in errs)
        median, worst = statistics.median(errs), max(errs)
        print(f"{name}: X* right {right} of {len(errs)}, median error {median:.0%}, worst {worst:.0%}")


if __name__ == "__main__":
    main()
