"""Quality records: one benchmark score with its provenance, in Every Eval Ever's terms.

A record says what was measured (`benchmark`, `score` in percent, `mode`), where it was published
(`source`, `url`, `as_of`) and who stands behind the number:

- `party` is EEE's `source_metadata.evaluator_relationship`: `first_party` when the number is the vendor's
  own about its own model, `third_party` when someone else measured it, `own_eval` for the user's evals.
- `measured_by` is who ran the evaluation (EEE's `source_organization_name`): the vendor for a first-party
  number, the lab or leaderboard for a third-party one, None when the publication does not say.
- `reported_by` is who printed the number when that is not who measured it: Z.ai's GLM-5 card copies
  Google's own 91.9 GPQA for Gemini 3 Pro, so that record is `first_party`, measured by Google, reported by
  Z.ai; MiniMax's M2 card reproduces Artificial Analysis' measurements, so those are `third_party`, measured
  by Artificial Analysis, reported by MiniMax.
- `verified` is False when the figure could not be found in the stated source (the note says what was
  checked). An unverified record is shown but never decides a quality gate (`best_record` skips it).

Labels (`label`): "first party", "first party, reported by X", "independent (X)", "independent (X),
reported by Y", "third party, who measured it not stated, reported by X", "your own eval".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT

Party = Literal["first_party", "third_party", "own_eval"]
Mode = Literal["thinking", "non_thinking", "unknown"]
MODE_WORDS: dict[str, str] = {"thinking": "thinking", "non_thinking": "non-thinking", "unknown": "not stated"}
"""Each `Mode` as people write it (the Quality page showed "non_thinking": a reviewer)."""

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
than the vendor, then the vendor's own claim; the newest first within each. Unverified records never decide."""


@dataclass(config=STRICT)
class QualityRecord:
    benchmark: str
    score: Annotated[float, Field(ge=0, le=100)]
    source: str
    as_of: dt.date
    party: Party
    mode: Mode = "unknown"
    measured_by: str | None = None
    """Who ran the evaluation; None when the publication does not say."""
    url: str | None = None
    note: str = ""
    reported_by: str | None = None
    """Who printed the number, when that is not `measured_by` (a vendor's figure copied into a competitor's table)."""
    verified: bool = True
    """False when the figure was not found in the stated source; such a record never decides a gate."""

    @property
    def benchmark_name(self) -> str:
        return BENCHMARKS.get(self.benchmark, (self.benchmark, ""))[0]

    @property
    def label(self) -> str:
        """Who stands behind the number, e.g. "first party (Google), reported by Z.ai"."""
        return provenance_label(self)

    @property
    def provenance(self) -> str:
        """E.g. "first party (Google), reported by Z.ai; GLM-5 model card benchmark table, 2026-02-11, thinking"."""
        mode = f", {self.mode}" if self.mode != "unknown" else ""
        unverified = "; UNVERIFIED: not found in the stated source" if not self.verified else ""
        return f"{self.label}; {self.source}, {self.as_of.isoformat()}{mode}{unverified}"


def _getter(record: QualityRecord | Mapping[str, Any]) -> Callable[..., Any]:
    """`get(key, default)` on a record or on its JSON form (`dataclasses.asdict`)."""
    return record.get if isinstance(record, Mapping) else lambda k, d=None: getattr(record, k, d)


def provenance_label(record: QualityRecord | Mapping[str, Any]) -> str:
    """The provenance label of a record or of its JSON form (`dataclasses.asdict`), for tables and exports.

    >>> provenance_label({"party": "first_party", "measured_by": "Google", "reported_by": "Z.ai"})
    'first party (Google), reported by Z.ai'
    >>> provenance_label({"party": "third_party", "measured_by": "Aider", "reported_by": None})
    'independent (Aider)'
    >>> provenance_label({"party": "third_party", "measured_by": None, "reported_by": "Z.ai"})
    'third party, who measured it not stated, reported by Z.ai'
    """
    get = _getter(record)
    party, by, reporter = get("party"), get("measured_by"), get("reported_by")
    reported = f", reported by {reporter}" if reporter and reporter != by else ""
    if party == "own_eval":
        return "your own eval" + (f" ({by})" if by else "")
    if party == "first_party":
        return f"first party ({by})" + reported if by else "first party" + reported
    if by:
        return f"independent ({by})" + reported
    return "third party, who measured it not stated" + reported


UNVERIFIED = "unverified, not used by the gate: "
"""What a record the gate does not count (`verified` false) is headed with wherever it is shown."""


def who_label(record: QualityRecord | Mapping[str, Any]) -> str:
    """`provenance_label`, headed `UNVERIFIED` for a record the gate does not count: shown bare, a report listed
    "GPQA Diamond 73.0: … system card" under "not recommended: unscored on the quality gate" (a reviewer).

    >>> who_label({"party": "first_party", "measured_by": "Anthropic", "reported_by": None, "verified": False})
    'unverified, not used by the gate: first party (Anthropic)'
    >>> who_label({"party": "third_party", "measured_by": "Aider", "reported_by": None})
    'independent (Aider)'
    """
    get = _getter(record)
    return ("" if get("verified", True) else UNVERIFIED) + provenance_label(record)


def best_record(records: tuple[QualityRecord, ...] | list[QualityRecord], benchmark: str) -> QualityRecord | None:
    """The record that decides `benchmark`: own eval > third party > first party, newest first in each;
    records marked `verified: false` are skipped.

    >>> a = QualityRecord("hle", 30.5, "card", dt.date(2026, 2, 11), "first_party")
    >>> b = QualityRecord("hle", 28.0, "board", dt.date(2026, 3, 1), "third_party")
    >>> best_record([a, b], "hle").score
    28.0
    >>> c = QualityRecord("hle", 99.0, "?", dt.date(2026, 4, 1), "third_party", verified=False)
    >>> best_record([a, c], "hle").score
    30.5
    >>> best_record([a, b], "gpqa_diamond") is None
    True
    """
    matching = [r for r in records if r.benchmark == benchmark and r.verified]
    if not matching:
        return None
    return min(matching, key=lambda r: (PARTY_ORDER[r.party], -r.as_of.toordinal()))
