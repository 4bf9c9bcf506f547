"""The genai-prices catalogue, adapted into `ApiPrice` records.

The bundled snapshot of the installed genai-prices package is the offline default; a copy
fetched by `inference-roi prices update` (see `refresh.py`) replaces it when present. We hold
our own `DataSnapshot` instead of calling genai-prices' global `UpdatePrices`, so prices never
change under a running calculation and every result can name the data it used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices
from genai_prices import types as gp_types
from genai_prices.data_snapshot import DataSnapshot

from datafiles import InputError, decode_text, parse_json_text, read_bytes
from pricing.paths import cached_price_file
from pricing.records import ApiPrice, Rate, TokenPrices

_BATCH_CONTEXT = {"processing": "batch"}
_HINT = "; use genai-prices ids (see `inference-roi prices list`) or add it to pricing/data/api_overrides.yaml"


def providers_from_json(raw: Any) -> list[gp_types.Provider]:
    """Validate genai-prices v2 `data.json` content into provider records (raises on bad data)."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("expected a non-empty JSON array of providers")
    # genai-prices exposes no public parser for its own data file; this is the one it uses itself.
    return gp_types._providers_from_raw(raw)  # noqa: SLF001


@dataclass(frozen=True)
class PriceCatalog:
    snapshot: DataSnapshot
    version: str
    """Which data: 'genai-prices 0.2.3 (bundled)' or 'genai-prices data fetched 2026-11-29T10:00Z'."""
    _prices: dict[tuple[str, str, dt.date, tuple[float, ...]], ApiPrice] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of `price`: the snapshot never changes, and the app asks again for every edit of a scenario."""

    @property
    def providers(self) -> list[gp_types.Provider]:
        return self.snapshot.providers

    def find(self, provider: str, model: str, file: str, field: str) -> tuple[gp_types.Provider, gp_types.ModelInfo]:
        """A model by its genai-prices id (case-insensitive), else by genai-prices' own matching."""
        try:
            gp_provider = self.snapshot.find_provider(None, provider, None)
        except LookupError:
            raise InputError(file, field, f"unknown provider {provider!r} in {self.version}{_HINT}") from None
        key = model.lower()
        found = next((m for m in gp_provider.models if m.id.lower() == key), None)
        found = found or gp_provider.find_model(key, all_providers=self.providers)
        if found is None:
            raise InputError(file, field, f"unknown model {model!r} for provider {provider!r} in {self.version}{_HINT}")
        return gp_provider, found

    def match(self, model: str, provider: str | None, file: str, field: str) -> tuple[str, str]:
        """(provider id, model id) for a model id as a usage export spells it ('gpt-4o-2024-08-06',
        'us.anthropic.claude-sonnet-4-20250514-v1:0'): the named provider first, else genai-prices' own
        matching across providers."""
        if provider:
            try:
                gp_provider, gp_model = self.find(provider, model, file, field)
                return gp_provider.id, gp_model.id
            except InputError:
                pass  # a gateway's provider name ('hosted_vllm', 'OPENAI'): let the model id decide
        try:
            gp_provider, gp_model = self.snapshot.find_provider_model(model, None, None, None)
        except LookupError:
            raise InputError(file, field, f"{model!r} is not in the price catalogue ({self.version}){_HINT}") from None
        return gp_provider.id, gp_model.id

    def price(
        self, provider: str, model: str, month_start: dt.date, hour_weights: tuple[float, ...], file: str, field: str
    ) -> ApiPrice:
        """Prices in force in the month starting `month_start`, averaged over the day's hours.

        Time-of-day prices (DeepSeek's off-peak windows) are integrated over the day: each stretch of
        constant price is weighted by its length and the workload's 24-hour curve in that hour
        (`day_segments`); start-dated changes (price history, scheduled cuts) pick the month.
        """
        key = (provider.lower(), model.lower(), month_start, hour_weights)
        if key not in self._prices:
            self._prices[key] = self._price(provider, model, month_start, hour_weights, file, field)
        return self._prices[key]

    def _price(
        self, provider: str, model: str, month_start: dt.date, hour_weights: tuple[float, ...], file: str, field: str
    ) -> ApiPrice:
        gp_provider, gp_model = self.find(provider, model, file, field)
        cards = []
        batch_cards = []
        weights = []
        for start_s, end_s in day_segments(gp_model):
            when = dt.datetime.combine(month_start, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
                seconds=(start_s + end_s) / 2
            )
            weights.append(hour_weights[start_s // 3600] * (end_s - start_s) / 3600)
            cards.append(token_prices(gp_model.get_prices(when)))
            if _has_batch(gp_model):
                batch_cards.append(token_prices(gp_model.get_prices(when, _BATCH_CONTEXT)))
        notes: list[str] = []
        if len(set(cards)) > 1:
            notes.append("time-of-day prices averaged over the workload's 24-hour curve")
        return ApiPrice(
            provider=gp_provider.id,
            model=gp_model.id,
            standard=_weighted(cards, weights),
            batch=_weighted(batch_cards, weights) if batch_cards else None,
            source=f"{self.version}, prices as of {month_start.isoformat()}",
            notes=tuple(notes),
        )


def day_segments(model: gp_types.ModelInfo) -> list[tuple[int, int]]:
    """The day (seconds from 00:00 UTC) cut at every hour and at every time-of-day price boundary.

    Prices are constant within each segment and the workload's curve is constant within each hour, so
    weighting each segment's prices by (its share of the hour) × (the hour's weight) integrates the day
    exactly. DeepSeek's 00:30–16:30 window gives 26 segments: 00:00–00:30, 00:30–01:00, 01:00–02:00, …
    """
    cuts = set(range(0, 86_401, 3600))
    conditions = [c.constraint for c in model.prices] if isinstance(model.prices, list) else []
    conditions += [v.constraint for v in model.price_variants or ()]
    for c in conditions:
        if isinstance(c, gp_types.TimeOfDateConstraint):
            for t in (c.start_time, c.end_time):
                utc = dt.datetime.combine(dt.date(2000, 1, 3), t)
                utc = utc.astimezone(dt.UTC) if utc.tzinfo else utc
                cuts.add(utc.hour * 3600 + utc.minute * 60 + utc.second)
    edges = sorted(cuts)
    return list(itertools.pairwise(edges))


def _has_batch(model: gp_types.ModelInfo) -> bool:
    return any(v.when == _BATCH_CONTEXT for v in model.price_variants or ())


def _rate(value: Decimal | gp_types.TieredPrices | None) -> Rate | None:
    if value is None:
        return None
    if isinstance(value, gp_types.TieredPrices):
        return Rate(float(value.base), tuple((t.start, float(t.price)) for t in value.tiers))
    return Rate(float(value))


def token_prices(card: gp_types.ModelPrice) -> TokenPrices:
    cache_write = card.cache_write_mtok if card.cache_write_mtok is not None else card.cache_write_5m_mtok
    return TokenPrices(
        input=_rate(card.input_mtok) or Rate(0.0),
        output=_rate(card.output_mtok) or Rate(0.0),
        cache_read=_rate(card.cache_read_mtok),
        cache_write=_rate(cache_write),
        usd_per_request=float(card.requests_kcount or 0) / 1000,
    )


def _weighted(cards: list[TokenPrices], segment_weights: list[float]) -> TokenPrices:
    if len(set(cards)) == 1:
        return cards[0]
    total = sum(segment_weights)
    weights = [w / total for w in segment_weights]

    def mix(rates: list[Rate | None]) -> Rate | None:
        if any(r is None for r in rates):
            return rates[0]
        tier_starts = {tuple(s for s, _ in r.tiers) for r in rates if r}
        base = sum(w * r.base for w, r in zip(weights, rates, strict=True) if r)
        if len(tier_starts) != 1:
            return Rate(base)
        starts = next(iter(tier_starts))
        tiers = tuple(
            (start, sum(w * r.tiers[i][1] for w, r in zip(weights, rates, strict=True) if r))
            for i, start in enumerate(starts)
        )
        return Rate(base, tiers)

    return TokenPrices(
        input=mix([c.input for c in cards]) or Rate(0.0),
        output=mix([c.output for c in cards]) or Rate(0.0),
        cache_read=mix([c.cache_read for c in cards]),
        cache_write=mix([c.cache_write for c in cards]),
        usd_per_request=sum(w * c.usd_per_request for w, c in zip(weights, cards, strict=True)),
    )


MAX_FEED_BYTES = 32 * 1024 * 1024
"""Largest genai-prices data file read, downloaded or cached (the real one is ~2 MiB)."""


def load_price_catalog(cached_file: Path | None = None) -> PriceCatalog:
    """The refreshed copy if one is cached and valid, else genai-prices' bundled snapshot."""
    path = cached_file or cached_price_file()
    if path.is_file():
        try:
            raw = parse_json_text(decode_text(read_bytes(path, max_bytes=MAX_FEED_BYTES), str(path)), str(path))
            providers = providers_from_json(raw)
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
            return PriceCatalog(DataSnapshot(providers, from_auto_update=True), f"genai-prices data fetched {stamp}")
        except Exception:
            pass  # a damaged cache never blocks work: fall back to the bundled data
    bundled = DataSnapshot(genai_prices.data_snapshot._bundled_snapshot().providers, from_auto_update=False)  # noqa: SLF001
    return PriceCatalog(bundled, f"genai-prices {genai_prices.__version__} (bundled)")
