"""API price records in the engine's own terms (USD per million tokens)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A USD-per-Mtok rate with whole-request cliff tiers.

    A tier `(start, price)` applies to *all* tokens of the request once its total input
    tokens exceed `start` (strictly), the rule providers and genai-prices use.

    >>> Rate(1.25, ((200_000, 2.5),)).usd_per_mtok(200_001)
    2.5
    >>> Rate(1.25, ((200_000, 2.5),)).usd_per_mtok(200_000)
    1.25
    """

    base: float
    tiers: tuple[tuple[int, float], ...] = ()

    def usd_per_mtok(self, request_input_tokens: float) -> float:
        price = self.base
        for start, tier_price in self.tiers:
            if request_input_tokens > start:
                price = tier_price
        return price

    def scaled(self, factor: float) -> Rate:
        return Rate(self.base * factor, tuple((s, p * factor) for s, p in self.tiers))


@dataclass(frozen=True)
class TokenPrices:
    """One price card. Cache reads and writes default to the input rate where not priced."""

    input: Rate
    output: Rate
    cache_read: Rate | None = None
    cache_write: Rate | None = None
    usd_per_request: float = 0.0

    def scaled(self, factor: float) -> TokenPrices:
        return TokenPrices(
            self.input.scaled(factor),
            self.output.scaled(factor),
            self.cache_read.scaled(factor) if self.cache_read else None,
            self.cache_write.scaled(factor) if self.cache_write else None,
            self.usd_per_request * factor,
        )


@dataclass(frozen=True)
class ApiPrice:
    """What one API model costs in one month, with where the figures came from."""

    provider: str
    model: str
    standard: TokenPrices
    batch: TokenPrices | None
    source: str
    notes: tuple[str, ...] = ()
