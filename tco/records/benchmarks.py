"""Benchmarks by the names people know them by: `gpqa_diamond` is written "GPQA Diamond" wherever a reader sees it.

>>> benchmark_name("gpqa_diamond"), benchmark_name("my_private_eval")
('GPQA Diamond', 'my private eval')
"""

from __future__ import annotations

BENCHMARK_NAMES = {
    "aider_polyglot": "Aider Polyglot",
    "aime_2026_i": "AIME 2026 I",
    "gpqa_diamond": "GPQA Diamond",
    "hle": "Humanity's Last Exam",
    "hle_tools": "Humanity's Last Exam (with tools)",
    "hmmt_2025_11": "HMMT November 2025",
    "imo_answerbench": "IMO-AnswerBench",
    "mmlu_pro": "MMLU-Pro",
    "swe_bench_multilingual": "SWE-bench Multilingual",
    "swe_bench_pro": "SWE-bench Pro",
    "swe_bench_verified": "SWE-bench Verified",
    "terminal_bench_2_0": "Terminal-Bench 2.0",
    "terminal_bench_2_1": "Terminal-Bench 2.1",
}


def benchmark_name(key: str) -> str:
    """The benchmark's public name; an unknown key with its underscores as spaces."""
    return BENCHMARK_NAMES.get(key, key.replace("_", " "))
