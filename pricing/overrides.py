"""User price overrides: negotiated discounts, batch discounts, models the catalogue lacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from datafiles import STRICT, InputError, parse_as, read_yaml
from pricing.records import Rate, TokenPrices

DEFAULT_OVERRIDES = Path(__file__).parent / "data" / "api_overrides.yaml"

NonNegative = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, lt=1)]


@dataclass(config=STRICT)
class OverrideTier:
    above_input_tokens: Annotated[int, Field(ge=0)]
    input_usd_per_mtok: NonNegative
    output_usd_per_mtok: NonNegative
    cache_read_usd_per_mtok: NonNegative | None = None
    cache_write_usd_per_mtok: NonNegative | None = None


@dataclass(config=STRICT)
class PriceOverride:
    provider: str
    model: str
    source: str
    as_of: dt.date
    discount_share: Share = 0.0
    batch_discount: Share | None = None
    input_usd_per_mtok: NonNegative | None = None
    output_usd_per_mtok: NonNegative | None = None
    cache_read_usd_per_mtok: NonNegative | None = None
    cache_write_usd_per_mtok: NonNegative | None = None
    tiers: tuple[OverrideTier, ...] = ()

    @model_validator(mode="after")
    def _prices_come_in_pairs(self) -> PriceOverride:
        if (self.input_usd_per_mtok is None) != (self.output_usd_per_mtok is None):
            raise ValueError("give both input_usd_per_mtok and output_usd_per_mtok, or neither")
        if self.tiers and self.input_usd_per_mtok is None:
            raise ValueError("tiers need input_usd_per_mtok and output_usd_per_mtok")
        return self

    @property
    def has_prices(self) -> bool:
        return self.input_usd_per_mtok is not None

    def token_prices(self) -> TokenPrices:
        """The full price card this row defines (only when `has_prices`)."""
        assert self.input_usd_per_mtok is not None and self.output_usd_per_mtok is not None

        def rate(base: float | None, attr: str) -> Rate | None:
            if base is None:
                return None
            tiers = tuple(
                (t.above_input_tokens, getattr(t, attr) if getattr(t, attr) is not None else base) for t in self.tiers
            )
            return Rate(base, tiers)

        return TokenPrices(
            input=rate(self.input_usd_per_mtok, "input_usd_per_mtok") or Rate(0.0),
            output=rate(self.output_usd_per_mtok, "output_usd_per_mtok") or Rate(0.0),
            cache_read=rate(self.cache_read_usd_per_mtok, "cache_read_usd_per_mtok"),
            cache_write=rate(self.cache_write_usd_per_mtok, "cache_write_usd_per_mtok"),
        )


@dataclass(config=STRICT)
class _OverridesFile:
    overrides_version: Literal[1]
    overrides: tuple[PriceOverride, ...]


def load_overrides(path: Path | str = DEFAULT_OVERRIDES) -> dict[tuple[str, str], PriceOverride]:
    rows = parse_as(_OverridesFile, read_yaml(path), str(path)).overrides
    table: dict[tuple[str, str], PriceOverride] = {}
    for i, row in enumerate(rows):
        key = (row.provider.lower(), row.model.lower())
        if key in table:
            raise InputError(str(path), f"overrides[{i}]", f"duplicate row for {row.provider}/{row.model}")
        table[key] = row
    return table
