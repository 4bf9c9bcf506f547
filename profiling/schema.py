"""The throughput profile format (docs/formats.md, "Throughput profile"): YAML, or CSV rows with the same columns.

One file per measured configuration: `meta` says what was measured and how; `levels` holds
one row per load level. Latencies are in seconds and follow docs/formats.md's definitions:
`ttft_s` to the first content token, `itl_s` = (E2E - TTFT) / (output tokens - 1) per request,
percentiles across requests. A percentile that was not measured is null, never guessed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from datafiles import STRICT, InputError, parse_as, parse_csv_rows, parse_yaml_text, read_text

PROFILE_VERSION = 1
# finite (STRICT) and in ranges a measurement can have, so nothing downstream divides by ~0 or overflows
NonNegative = Annotated[float, Field(ge=0, le=1e9)]
Tokens = Annotated[float, Field(ge=1, le=1e8)]
Rate = Annotated[float, Field(ge=1e-6, le=1e9)]
Source = Literal["measured", "published", "estimated"]
PERCENTILES = ("p50", "p90", "p99")
LATENCY_METRICS = ("ttft_s", "itl_s", "e2e_s")


@dataclass(config=STRICT)
class Percentiles:
    p50: NonNegative | None = None
    p90: NonNegative | None = None
    p99: NonNegative | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Percentiles:
        """A higher percentile of one set of requests is never below a lower one (p50 ≤ p90 ≤ p99)."""
        given = [(name, value) for name in PERCENTILES if (value := getattr(self, name)) is not None]
        for (low_name, low), (high_name, high) in itertools.pairwise(given):
            if high < low * (1 - 1e-9):
                raise ValueError(f"{low_name} ≤ {high_name} (got {low_name} {low:g} s, {high_name} {high:g} s)")
        return self


NOT_RECORDED = frozenset({"", "not recorded", "unknown", "none", "n/a", "?", "-"})
"""What profiles and result files write for a GPU type nobody recorded."""


def recorded(value: str | None) -> bool:
    """Whether a metadata text (GPU, engine) holds a value, not a placeholder ('unknown', 'not recorded', '?')."""
    return value is not None and value.strip().lower() not in NOT_RECORDED


def replica_words(gpu_count: int, gpu: str | None) -> str:
    """One replica's GPUs in words: '8 × H200', or '8 GPUs (GPU type not recorded)' — never '8 x not recorded'.

    >>> replica_words(8, "H200"), replica_words(8, "not recorded"), replica_words(1, None)
    ('8 × H200', '8 GPUs (GPU type not recorded)', '1 GPU (GPU type not recorded)')
    """
    if recorded(gpu):
        return f"{gpu_count} × {gpu}"
    return f"{gpu_count} GPU{'s' if gpu_count != 1 else ''} (GPU type not recorded)"


@dataclass(config=STRICT)
class ProfileMeta:
    model: str
    engine: str
    gpu: str
    gpu_count: Annotated[int, Field(ge=1, le=100_000)]
    source: Source
    engine_version: str | None = None
    tensor_parallel: Annotated[int, Field(ge=1, le=100_000)] | None = None
    precision: str | None = None
    tool: str | None = None
    measured_at: dt.datetime | dt.date | None = None
    measured_by: str | None = None
    base_url_host: str | None = None
    citation: str | None = None
    notes: str = ""
    config: dict[str, Any] | None = None
    """How the measurement was run (the profiler's settings), for reproducing it."""
    cached_input_share: Annotated[float, Field(ge=0, le=1)] = 0.0
    """Share of each prompt that was a prefix shared with other requests (prefix-cache hits)."""
    speculative_decoding: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    """The speculative decoding the server ran (mtp, eagle3, ngram, …); None: none. The levels already hold its
    effect; a roofline drawn beside them takes it too (`tco.capacity.speculative`)."""

    @property
    def replica_words(self) -> str:
        """The GPUs one replica ran on, in words (`replica_words`)."""
        return replica_words(self.gpu_count, self.gpu)


@dataclass(config=STRICT)
class Level:
    input_tokens: Tokens
    output_tokens: Tokens
    requests_completed: Annotated[int, Field(ge=0, le=10**12)]
    requests_failed: Annotated[int, Field(ge=0, le=10**12)]
    req_per_s: NonNegative
    concurrency: Rate | None = None
    request_rate: Rate | None = None
    duration_s: Rate | None = None
    output_tokens_per_s: NonNegative | None = None
    total_tokens_per_s: NonNegative | None = None
    ttft_s: Percentiles = Percentiles()
    itl_s: Percentiles = Percentiles()
    e2e_s: Percentiles = Percentiles()
    chunk_gap_s: Percentiles | None = None

    def latency(self, metric: str, percentile: str) -> float | None:
        return getattr(getattr(self, metric), percentile)


@dataclass(config=STRICT)
class Profile:
    profile_version: Literal[1]
    meta: ProfileMeta
    levels: Annotated[tuple[Level, ...], Field(max_length=10_000)]

    @model_validator(mode="after")
    def _has_levels(self) -> Profile:
        if not self.levels:
            raise ValueError("a profile needs at least one load level")
        return self


def parse_profile(data: Any, name: str) -> Profile:
    return parse_as(Profile, data, name)


def load_profile(path: Path | str) -> Profile:
    """Read a profile from `.yaml`/`.yml` or `.csv` (one row per level, meta columns repeated)."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() == ".csv":
        return profile_from_csv(text, str(path))
    return parse_profile(parse_yaml_text(text, str(path)), str(path))


# --- CSV: flat columns, e.g. `meta.gpu`, `ttft_s.p99` -------------------------------------------

_META_FIELDS = tuple(ProfileMeta.__dataclass_fields__)
_LEVEL_SCALARS = tuple(f for f in Level.__dataclass_fields__ if f not in (*LATENCY_METRICS, "chunk_gap_s"))


def profile_to_rows(profile: Profile) -> list[dict[str, Any]]:
    rows = []
    for level in profile.levels:
        row: dict[str, Any] = {"profile_version": profile.profile_version}
        row.update({f"meta.{k}": getattr(profile.meta, k) for k in _META_FIELDS})
        row.update({k: getattr(level, k) for k in _LEVEL_SCALARS})
        for metric in (*LATENCY_METRICS, "chunk_gap_s"):
            values = getattr(level, metric)
            for pct in PERCENTILES:
                row[f"{metric}.{pct}"] = getattr(values, pct) if values is not None else None
        rows.append(row)
    return rows


def profile_from_csv(text: str, name: str) -> Profile:
    header, rows = parse_csv_rows(text, name)
    if not rows:
        raise InputError(name, "", "CSV profile has no rows; expected a header and one row per load level")
    known = {"profile_version", *(f"meta.{k}" for k in _META_FIELDS), *_LEVEL_SCALARS}
    known |= {f"{m}.{p}" for m in (*LATENCY_METRICS, "chunk_gap_s") for p in PERCENTILES}
    unknown = [c for c in header if c not in known]
    if unknown:
        raise InputError(name, unknown[0], "unknown column; see the profile format in README.md (Profile file)")
    first = rows[0]
    meta = {k: first[f"meta.{k}"] for k in _META_FIELDS if first.get(f"meta.{k}") not in (None, "")}
    levels = []
    for row in rows:
        level: dict[str, Any] = {k: row[k] for k in _LEVEL_SCALARS if row.get(k) not in (None, "")}
        for metric in (*LATENCY_METRICS, "chunk_gap_s"):
            values = {p: row[f"{metric}.{p}"] for p in PERCENTILES if row.get(f"{metric}.{p}") not in (None, "")}
            if values:
                level[metric] = values
        levels.append(level)
    version: Any = first.get("profile_version") or PROFILE_VERSION
    whole = str(version).isdigit() and len(str(version)) < 10
    data = {"profile_version": int(version) if whole else version, "meta": meta, "levels": levels}
    return parse_profile(data, name)
