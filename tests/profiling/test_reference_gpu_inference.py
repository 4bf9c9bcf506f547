"""The GLM-5 sweep's GPU is inferred, not recorded: pin the evidence its notes cite.

The fitted model of the 52-level sweep, asked about 8,192 in / 1,024 out at concurrency 64, must reproduce the
published H200 FP8 figure at that shape (639 total tokens/s per GPU × 8 GPUs / 9,216 tokens per request =
0.5547 req/s) within 25 % (an extrapolation from 128 to 1,024 output tokens); a B200 (8 TB/s against 4.8,
4,500 fp8 TFLOP/s against 1,979) would be 1.7-2.3 × faster.
"""

from __future__ import annotations

from profiling.bundled import REFERENCE_DIR
from profiling.schema import load_profile
from tco.capacity.fitting import fit_profile
from tco.capacity.shapes import Shape


def test_the_glm5_sweep_reproduces_the_published_h200_point() -> None:
    sweep = load_profile(REFERENCE_DIR / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    point = load_profile(REFERENCE_DIR / "glm-5-h200-fp8.yaml")
    published_req_per_s = 639 * 8 / (8192 + 1024)
    assert abs(point.levels[0].req_per_s - published_req_per_s) < 1e-3
    model = fit_profile(sweep)
    assert model is not None
    predicted = model.req_per_s(Shape(8192, 1024), 64)
    assert abs(predicted / published_req_per_s - 1) < 0.25
    assert sweep.meta.gpu == point.meta.gpu == "H200"
    assert "INFERRED" in (sweep.meta.notes or "")
