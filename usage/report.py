"""Usage exports → what they say: totals per model and month, the derived workload, the bill checked.

`analyse(files, book)` is what `inference-roi usage` and the app's Usage page both call: import each file
(DuckDB), map every model to its price-catalogue id (an unknown id is an `InputError` naming the file and
the model), summarise (`tco.workload.usage.summarise`), and reconcile the reported cost with our prices.
`scenario_mapping` turns the result into a scenario that `inference-roi compare` runs as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datafiles import parse_as
from pricing import PriceBook
from tco.cost.reconcile import Reconciliation, reconcile
from tco.records.amounts import signed
from tco.records.scenario import Workload
from tco.workload.usage import summarise
from tco.workload.usage_records import UsageSource, UsageSummary
from usage.importer import ImportedFile, import_files

GRAIN_ORDER = ("request", "hour", "day")


@dataclass(frozen=True)
class UsageReport:
    files: tuple[ImportedFile, ...]
    summary: UsageSummary
    catalogue_ids: dict[tuple[str, str | None], tuple[str, str]]
    """(model, provider) as the file spells them → (provider id, model id) in the price catalogue."""
    reconciliation: tuple[Reconciliation, ...]
    price_version: str

    def priced_cost_usd(self, model: str, provider: str | None) -> float:
        return sum(r.priced_cost_usd for r in self.reconciliation if (r.model, r.provider) == (model, provider))


def analyse(files: Sequence[tuple[Path, str]], book: PriceBook, forced: str | None = None) -> UsageReport:
    imported = tuple(import_files(files, forced))
    buckets = [b for f in imported for b in f.buckets]
    ids = _catalogue_ids(imported, book)
    granularity = max((f.granularity for f in imported), key=GRAIN_ORDER.index)
    percentiles = {k: v for f in imported for k, v in f.percentiles.items()}
    sources = [UsageSource(f.name, f.buckets, f.span, f.first, f.last) for f in imported]
    summary = summarise(sources, granularity, percentiles)
    notes = list(summary.notes)
    if len(imported) > 1 and any(not f.counts_requests for f in imported) and any(f.counts_requests for f in imported):
        notes.append("some files count requests and some do not: requests are summed where counted only")
    summary = dataclasses.replace(summary, notes=tuple(notes))
    names = ", ".join(f.name for f in imported)
    parse_as(Workload, summary.workload, names, prefix="the workload derived from them: workload")
    cards = {}
    for b in buckets:
        key = (b.model, b.provider, f"{b.hour.year:04d}-{b.hour.month:02d}")
        if key not in cards:
            provider, model = ids[(b.model, b.provider)]
            month = dt.date(b.hour.year, b.hour.month, 1)
            cards[key] = book.price(provider, model, month, (1.0,) * 24, imported[0].name, "model").standard
    return UsageReport(imported, summary, ids, reconcile(buckets, cards), book.version)


def _catalogue_ids(imported: Sequence[ImportedFile], book: PriceBook) -> dict[tuple[str, str | None], tuple[str, str]]:
    ids: dict[tuple[str, str | None], tuple[str, str]] = {}
    for f in imported:
        for b in f.buckets:
            key = (b.model, b.provider)
            if key in ids:
                continue
            override = book.overrides.get(((b.provider or "").lower(), b.model.lower()))
            if override is not None and override.has_prices:
                ids[key] = (override.provider, override.model)
            else:
                ids[key] = book.catalog.match(b.model, b.provider, f.name, f"model {b.model!r}")
    return ids


def _option_id(provider: str, model: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{model}".lower()).strip("-")[:60] or provider


def scenario_mapping(report: UsageReport, horizon_months: int = 12) -> dict[str, Any]:
    """A scenario: the derived workload, no SLO, and one API option per catalogue model found — nothing invented."""
    options = []
    seen = set()
    for m in report.summary.models:
        provider, model = report.catalogue_ids[(m.model, m.provider)]
        if (provider, model) in seen:
            continue
        seen.add((provider, model))
        option_id = _option_id(provider, model)
        if any(o["id"] == option_id for o in options):
            option_id = f"{option_id}-{provider}"
        options.append({"id": option_id, "kind": "api", "provider": provider, "model": model})
    names = ", ".join(f.name for f in report.files)
    return {
        "name": f"Usage from {names}"[:200],
        "horizon_months": horizon_months,
        "start": report.summary.start_month,
        "workload": report.summary.workload,
        "slo": {},
        "options": options,
    }


def as_dict(report: UsageReport) -> dict[str, Any]:
    """The `inference-roi usage --format json` document (README, "Usage exports")."""
    s = report.summary
    return {
        "files": [
            {
                "file": f.name,
                "source": f.source,
                "format": f.title,
                "granularity": f.granularity,
                "source_rows": f.source_rows,
                "counts_requests": f.counts_requests,
            }
            for f in report.files
        ],
        "models": [
            {
                "model": m.model,
                "provider": m.provider,
                "catalogue_id": "/".join(report.catalogue_ids[(m.model, m.provider)]),
                "requests": m.requests,
                "input_tokens": m.input_tokens,
                "cached_input_tokens": m.cached_input_tokens,
                "cache_write_tokens": m.cache_write_tokens,
                "output_tokens": m.output_tokens,
                "reasoning_tokens": m.reasoning_tokens,
                "reported_cost_usd": m.reported_cost_usd,
                "priced_cost_usd": report.priced_cost_usd(m.model, m.provider),
            }
            for m in s.models
        ],
        "months": [
            {
                "month": m.month,
                "requests": m.requests,
                "input_tokens": m.input_tokens,
                "output_tokens": m.output_tokens,
                "full": m.full,
                "covered_days": m.covered_days,
                "in_every_file": m.in_every_file,
            }
            for m in s.months
        ],
        "coverage": [
            {
                "file": c.name,
                "first": _utc(c.first),
                "last": _utc(c.last),
                "days": _days(c.span),
                "full_months": list(c.full_months),
            }
            for c in s.coverage
        ],
        "common_period": None
        if s.common_period is None
        else {
            "days": _days(s.common_period),
            "full_months": list(s.common_full_months),
        },
        "granularity": s.granularity,
        "hourly_profile": list(s.hourly_profile) if s.hourly_profile is not None else None,
        "peak_to_average": s.peak_to_average,
        "monthly_growth": s.monthly_growth,
        "basis": {
            "volume": s.volume_basis,
            "growth_months": list(s.growth_months),
            "peaks": [
                {
                    "period": p.period,
                    "file": p.file,
                    "busiest_hour": _utc(p.busiest_hour),
                    "busiest": p.busiest,
                    "mean_hour": p.mean_hour,
                    "ratio": p.ratio,
                }
                for p in s.peaks
            ],
        },
        "workload": s.workload,
        "reconciliation": [
            {
                "model": r.model,
                "provider": r.provider,
                "month": r.month,
                "reported_cost_usd": r.reported_cost_usd,
                "priced_cost_usd": r.priced_cost_usd,
                "difference_usd": r.difference_usd,
            }
            for r in report.reconciliation
        ],
        "prices": report.price_version,
        "notes": list(s.notes),
    }


def _utc(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _days(span: tuple[dt.datetime, dt.datetime]) -> list[str]:
    """[first day, last day] of a span of whole UTC days [start, end)."""
    return [span[0].date().isoformat(), (span[1] - dt.timedelta(days=1)).date().isoformat()]


def growth_text(growth: float | None) -> str:
    """The monthly growth as shown: a percentage with a true minus sign (as every other page writes it), or 'not
    estimated' where the data holds too few common months.

    >>> growth_text(-0.111), growth_text(0.05), growth_text(None)
    ('−11.1%', '5.0%', 'not estimated')
    """
    return "not estimated" if growth is None else signed(f"{growth:.1%}")


def provenance(report: UsageReport) -> list[str]:
    """What was derived, from which file, in words (the app lists these beside the button)."""
    s = report.summary
    names = ", ".join(f"{f.name} ({f.title}, {f.source_rows:,} rows, by {f.granularity})" for f in report.files)
    volume_key = "requests_per_month" if "requests_per_month" in s.workload else "tokens_per_month"
    every = " every file covers" if len(report.files) > 1 else ""
    if len(report.files) > 1 and s.common_period is None:
        every = " the files cover between them, read as one series"
    growth = (
        f"monthly growth {growth_text(s.monthly_growth)} — fitted on the full months{every}: "
        f"{', '.join(s.growth_months)}"
        if s.monthly_growth is not None
        else f"monthly growth not estimated — fewer than two full months{every}"
    )
    lines = [
        f"From {names}:",
        f"{volume_key.replace('_', ' ')} {s.workload[volume_key]:,} — {s.volume_basis}",
        f"request classes: one per model ({len(s.workload['classes'])}), shares by requests, mean tokens per request",
        growth,
    ]
    if s.peak_to_average is not None:
        lines.append(
            f"peak-to-average {s.peak_to_average:.2f} — the busiest hour of a month over that month's mean hour, the "
            f"largest of {len(s.peaks)} ({s.granularity} data)"
        )
    lines += [f"note: {n}" for n in s.notes]
    return lines
