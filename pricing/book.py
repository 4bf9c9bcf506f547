"""The price book: the catalogue with the user's overrides applied. One place to ask for a price."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pricing.catalog import PriceCatalog
from pricing.overrides import PriceOverride
from pricing.records import ApiPrice


@dataclass(frozen=True)
class PriceBook:
    catalog: PriceCatalog
    overrides: dict[tuple[str, str], PriceOverride]
    overrides_file: str = ""
    beneath: dict[tuple[str, str], PriceOverride] = field(default_factory=dict)
    """The overrides file's rows that a scenario's own row for the same model replaced (`scenario_io.loader`): where the
    scenario's row sets no prices (a negotiated discount alone), the file's prices stand under its discounts."""

    @property
    def version(self) -> str:
        return self.catalog.version

    def price(
        self,
        provider: str,
        model: str,
        month_start: dt.date,
        hour_weights: tuple[float, ...],
        file: str,
        field: str,
    ) -> ApiPrice:
        key = (provider.lower(), model.lower())
        row = self.overrides.get(key)
        priced = row if row is not None and row.has_prices else self.beneath.get(key)
        if row is not None and priced is not None and priced.has_prices:
            card = priced.token_prices()
            return _apply_row(
                ApiPrice(provider, model, card, None, f"{self.overrides_file} ({priced.source}, as of {priced.as_of})"),
                row,
            )
        price = self.catalog.price(provider, model, month_start, hour_weights, file, field)
        return _apply_row(price, row) if row is not None else price


def _apply_row(price: ApiPrice, row: PriceOverride) -> ApiPrice:
    notes = list(price.notes)
    standard = price.standard
    batch = price.batch
    if row.batch_discount is not None:
        batch = standard.scaled(1 - row.batch_discount)
        notes.append(f"batch price = list less {row.batch_discount:.0%} (override)")
    if row.discount_share:
        standard = standard.scaled(1 - row.discount_share)
        batch = batch.scaled(1 - row.discount_share) if batch else None
        notes.append(f"negotiated discount {row.discount_share:.0%} (override, {row.source})")
    return ApiPrice(price.provider, price.model, standard, batch, price.source, tuple(notes))
