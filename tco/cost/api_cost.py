"""API cost of one mean request per class, priced with the provider's rules, then summed.

Price one mean request per class and multiply by volume: a long-context tier reprices the
*whole* request, so pricing monthly totals as one call would be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from pricing.records import ApiPrice, TokenPrices
from tco.records.scenario import RequestClass
from tco.records.size_distribution import NEAR_TIER, pieces

COMPONENTS = ("input", "cached_input", "cache_write", "output", "request_fees")


@dataclass(frozen=True)
class RequestCost:
    """USD for one request, by component."""

    input: float
    cached_input: float
    cache_write: float
    output: float
    request_fees: float

    @property
    def total(self) -> float:
        return self.input + self.cached_input + self.cache_write + self.output + self.request_fees

    def scaled(self, factor: float) -> RequestCost:
        return RequestCost(*(getattr(self, c) * factor for c in COMPONENTS))

    def __add__(self, other: RequestCost) -> RequestCost:
        return RequestCost(*(getattr(self, c) + getattr(other, c) for c in COMPONENTS))


ZERO = RequestCost(0.0, 0.0, 0.0, 0.0, 0.0)


def price_request(card: TokenPrices, cls: RequestClass) -> RequestCost:
    """Mean cost of one request of this class: uncached input, cache reads, cache writes, output, fees.

    Input tokens include cached ones; a tier is chosen by each request's total input tokens, so a class with
    a spread of input lengths is priced piece by piece, cut at the card's tier starts (tco.records.size_distribution).

    >>> from pricing.records import Rate
    >>> card = TokenPrices(input=Rate(3.0), output=Rate(15.0), cache_read=Rate(0.3))
    >>> cls = RequestClass(name="chat", share=1, input_tokens=2000, output_tokens=500, cached_input_share=0.5)
    >>> round(price_request(card, cls).total, 6)  # (1000*3 + 1000*0.3 + 500*15) / 1e6
    0.0108
    """
    total = ZERO
    for share, n_in in pieces(cls, tier_starts(card)):
        total = total + _price_one(card, cls, n_in).scaled(share)
    return total


def tier_starts(card: TokenPrices) -> list[float]:
    rates = (card.input, card.output, card.cache_read, card.cache_write)
    return sorted({float(start) for r in rates if r for start, _ in r.tiers})


def _price_one(card: TokenPrices, cls: RequestClass, n_in: float) -> RequestCost:
    """One request of the class at input length n_in (cache writes scaled with the length from the mean)."""
    assert cls.input_tokens is not None
    cached = n_in * cls.cached_input_share
    written = cls.cache_write_tokens * n_in / cls.input_tokens
    uncached = n_in - cached - written
    in_rate = card.input.usd_per_mtok(n_in)
    read_rate = card.cache_read.usd_per_mtok(n_in) if card.cache_read else in_rate
    write_rate = card.cache_write.usd_per_mtok(n_in) if card.cache_write else in_rate
    return RequestCost(
        input=uncached * in_rate / 1e6,
        cached_input=cached * read_rate / 1e6,
        cache_write=written * write_rate / 1e6,
        output=cls.output_tokens * card.output.usd_per_mtok(n_in) / 1e6,
        request_fees=card.usd_per_request,
    )


def tier_notes(price: ApiPrice, classes: tuple[RequestClass, ...]) -> list[str]:
    """A class priced at its mean length within ±25 % of a tier start likely straddles that tier."""
    notes = []
    for cls in classes:
        if cls.input_histogram or cls.input_percentiles or cls.input_tokens is None:
            continue
        for start in tier_starts(price.standard):
            if abs(cls.input_tokens / start - 1) <= NEAR_TIER:
                notes.append(
                    f"class {cls.name!r}: its mean input ({cls.input_tokens:,.0f} tokens) is within "
                    f"{NEAR_TIER:.0%} of {price.model}'s {start:,.0f}-token price tier; requests above it are "
                    "priced at the tier's rate in full. Give input_percentiles or input_histogram to price the spread"
                )
    return notes


def mean_request_cost(price: ApiPrice, classes: tuple[RequestClass, ...]) -> tuple[RequestCost, list[str]]:
    """Mean cost per request over the class mix, the batch share of each class at batch prices."""
    notes: list[str] = tier_notes(price, classes)
    total = ZERO
    for cls in classes:
        cost = price_request(price.standard, cls)
        if cls.batch_share > 0:
            if price.batch is None:
                notes.append(
                    f"{price.provider}/{price.model} has no batch price; class {cls.name!r} batch share priced at list "
                    "(set batch_discount in api_overrides.yaml)"
                )
            else:
                batch = price_request(price.batch, cls)
                cost = cost.scaled(1 - cls.batch_share) + batch.scaled(cls.batch_share)
        total = total + cost.scaled(cls.share)
    return total, notes
