"""E2E at a percentile for a class of fixed length: at most TTFT + (O − 1) · ITL at a tail.

A request of O output tokens waits its TTFT and then O − 1 gaps, and neither its wait nor its gaps lie beyond
their tails, so

    E2E_p ≤ TTFT_p + (O − 1) · ITL_p,   p ∈ {p90, p99}                                  (`tail_cap`)

and E2E at a lower percentile, the p50 too, is at most E2E at any higher one, so at most the least of those caps
(`e2e_cap`; a lower percentile's cap is never above a higher one's, so the percentiles' order holds).

Why: the E2E ratio a profile measured on varying output lengths (MLPerf, ShareGPT) is the spread of its lengths,
which a workload class of fixed length does not have. DeepSeek-R1's MLPerf p99 / p50 of 10× put E2E p99 at 61 s
for 300 output tokens at 11 ms a gap (the distil example's Throughput page). E2E p50 and p99 at left-out shapes
(bench/capacity.py's "E2E p50/p99 at a left-out shape": median / 90th percentile / worst error), before → after
the cap: held-out InferenceX sweeps 11.1/52/256 % → 10.6/46/238 %, their 22 one-build deployments 14.8/78/256 %
→ 12.8/61/238 %; the bundled corpus 4.2/20/72 % → 4.2/21/72 %; its three-shape case 13.1/111/179 % →
14.8/102/165 %. The p50's own TTFT p50 + (O − 1) · ITL p50 is no cap (the sum of medians is not the median of the
sum: the mean gap exceeds the median one).

Worked example: a model whose E2E p99 / p50 is 10 (a profile of varying lengths) at 1,500 in / 300 out, E2E p50
6.15 s, TTFT p99 0.166 s, ITL p99 0.0220 s: the ratio's 61.5 s is capped at 0.166 + 299 × 0.0220 = 6.75 s; the p50
stays 6.15 s, under that cap.

>>> from tco.capacity.perf_model import PerfModel
>>> from tco.capacity.shapes import Shape
>>> m = PerfModel((1e-4, 1e-2, 0.0, 0.01), ttft_coefficients=(0.166, 0.0, 0.0, 0.0), max_concurrency=8,
...               percentile_ratios=(("ttft_s", "p99", 1.0), ("itl_s", "p99", 1.1), ("e2e_s", "p99", 10.0)))
>>> shape = Shape(1500, 300)
>>> [round(m.latency(shape, 1.0, metric, "p99"), 4) for metric in ("ttft_s", "itl_s", "e2e_s")]
[0.166, 0.022, 6.7484]
>>> round(m.latency(shape, 1.0, "e2e_s", "p50"), 2)
6.15
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Latency = Callable[[str, str], "float | None"]
"""A model's predicted latency at one shape and load: (metric, percentile) → seconds or None."""


def e2e_cap(latency: Latency, output_tokens: float, tails: Sequence[str]) -> float | None:
    """The least `tail_cap` over `tails` (the percentile asked about and those above it, p50 left out); None where
    none has one."""
    caps = [tail_cap(latency, output_tokens, q) for q in tails]
    return min((c for c in caps if c is not None), default=None)


def tail_cap(latency: Latency, output_tokens: float, percentile: str) -> float | None:
    """TTFT_p + (O − 1) · ITL_p at a tail percentile p; None without a predicted TTFT or ITL there."""
    ttft, itl = latency("ttft_s", percentile), latency("itl_s", percentile)
    if ttft is None or itl is None:
        return None
    return ttft + max(output_tokens - 1, 0.0) * itl
