"""Latency SLO presets per use case, each with its source, for the app's SLO picker.

The targets are llm-d Planner's experience classes (docs/traffic_and_slos.md, commit e50305a,
2026-04-27), which are p95 bounds. Our profiles record p50, p90 and p99,
so each bound is applied to p99: stricter than the source, never looser. Users edit them freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from tco.records.scenario import Slo

SOURCE = "llm-d Planner experience classes (p95 targets, applied here at p99), docs/traffic_and_slos.md @ e50305a"


@dataclass(frozen=True)
class SloPreset:
    name: str
    slo: Slo
    source: str


PRESETS: tuple[SloPreset, ...] = (
    SloPreset("Chat", Slo(ttft_p99_s=0.15, itl_p99_s=0.025, e2e_p99_s=7.0), SOURCE),
    SloPreset("Code completion", Slo(ttft_p99_s=0.10, itl_p99_s=0.020, e2e_p99_s=5.0), SOURCE),
    SloPreset("RAG", Slo(ttft_p99_s=0.60, itl_p99_s=0.030, e2e_p99_s=18.0), SOURCE),
    SloPreset("Batch", Slo(ttft_p99_s=2.0, itl_p99_s=0.045, e2e_p99_s=90.0), SOURCE),
)


def preset(name: str) -> SloPreset:
    return next(p for p in PRESETS if p.name == name)
