"""Quality records: one benchmark score with its provenance, in Every Eval Ever's terms.

A record says what was measured (`benchmark`, `score` in percent, `mode`), where it was published
(`source`, `url`, `as_of`) and who measured it: `party` is `first_party` when the vendor reports its own
model, `third_party` when anyone else does (an independent leaderboard, or a vendor's comparison table
about a competitor, then `measured_by` names that vendor), and `own_eval` for the user's own evals.
EEE calls the last field `source_metadata.evaluator_relationship`; `measured_by` is its
`source_organization_name`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT

Party = Literal["first_party", "third_party", "own_eval"]
Mode = Literal["thinking", "non_thinking", "unknown"]

BENCHMARKS: dict[str, tuple[str, str]] = {
    "gpqa_diamond": ("GPQA Diamond", "knowledge"),
    "hle": ("Humanity's Last Exam (no tools)", "reasoning"),
    "hle_tools": ("Humanity's Last Exam (with tools)", "agentic"),
    "aime_2026_i": ("AIME 2026 I", "math"),
    "hmmt_2025_11": ("HMMT Nov. 2025", "math"),
    "imo_answerbench": ("IMO-AnswerBench", "math"),
    "swe_bench_verified": ("SWE-bench Verified", "coding"),
    "swe_bench_multilingual": ("SWE-bench Multilingual", "coding"),
    "swe_bench_pro": ("SWE-bench Pro", "coding"),
    "terminal_bench_2_0": ("Terminal-Bench 2.0 (Terminus 2)", "agentic"),
    "terminal_bench_2_1": ("Terminal-Bench 2.1", "agentic"),
    "aider_polyglot": ("Aider polyglot (pass rate, 2 tries)", "coding"),
}
"""Benchmark id → (display name, category). Scores are percentages, higher is better."""

PARTY_ORDER: dict[str, int] = {"own_eval": 0, "third_party": 1, "first_party": 2}
"""Which record decides a gate when several score one benchmark: the user's own eval, then someone other
than the vendor, then the vendor's own claim; the newest first within each."""


@dataclass(config=STRICT)
class QualityRecord:
    benchmark: str
    score: Annotated[float, Field(ge=0, le=100)]
    source: str
    as_of: dt.date
    party: Party
    mode: Mode = "unknown"
    measured_by: str | None = None
    url: str | None = None
    note: str = ""

    @property
    def benchmark_name(self) -> str:
        return BENCHMARKS.get(self.benchmark, (self.benchmark, ""))[0]

    @property
    def provenance(self) -> str:
        """E.g. "as reported by Z.ai (third party), GLM-5 model card, 2026-02-11, thinking"."""
        who = {"first_party": "first party", "third_party": "third party", "own_eval": "your own eval"}[self.party]
        by = f"as reported by {self.measured_by} ({who})" if self.measured_by else who
        mode = f", {self.mode}" if self.mode != "unknown" else ""
        return f"{by}, {self.source}, {self.as_of.isoformat()}{mode}"


def best_record(records: tuple[QualityRecord, ...] | list[QualityRecord], benchmark: str) -> QualityRecord | None:
    """The record that decides `benchmark`: own eval > third party > first party, newest first in each.

    >>> a = QualityRecord("hle", 30.5, "card", dt.date(2026, 2, 11), "first_party")
    >>> b = QualityRecord("hle", 28.0, "board", dt.date(2026, 3, 1), "third_party")
    >>> best_record([a, b], "hle").score
    28.0
    >>> best_record([a, b], "gpqa_diamond") is None
    True
    """
    matching = [r for r in records if r.benchmark == benchmark]
    if not matching:
        return None
    return min(matching, key=lambda r: (PARTY_ORDER[r.party], -r.as_of.toordinal()))
