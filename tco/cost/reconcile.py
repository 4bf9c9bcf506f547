"""A usage export's bill checked: each model's month priced with our catalogue beside the cost it reports.

Every bucket of usage (tco.workload.usage) is priced as its mean request × its requests with the engine's own
`price_request` (uncached input, cache reads and writes, output, request fees, tiers by request length).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pricing.records import TokenPrices
from tco.cost.api_cost import price_request
from tco.records.scenario import RequestClass
from tco.workload.calendar_periods import month_key
from tco.workload.usage_records import ASSUMED_OUTPUT_TOKENS_PER_REQUEST, UsageBucket


@dataclass(frozen=True)
class Reconciliation:
    """One model's month: the cost the file reports against the same usage priced with our catalogue."""

    model: str
    provider: str | None
    month: str
    reported_cost_usd: float | None
    priced_cost_usd: float

    @property
    def difference_usd(self) -> float | None:
        return None if self.reported_cost_usd is None else self.priced_cost_usd - self.reported_cost_usd


def bucket_cost_usd(card: TokenPrices, bucket: UsageBucket) -> float:
    """The bucket priced as its mean request × its requests (`tco.cost.api_cost.price_request`).

    Without a request count the bucket is taken as requests of `ASSUMED_OUTPUT_TOKENS_PER_REQUEST` output
    tokens, so a context tier is judged on a request, not on the hour's total. A request class needs at least one
    input and one output token; a bucket with fewer (an hour of refusals, or of output only) is priced with one and
    that part scaled back to the true count — exact, as a request's cost is linear in its tokens within its tier.

    >>> import datetime as dt
    >>> from pricing.records import Rate, TokenPrices
    >>> card = TokenPrices(input=Rate(3.0), output=Rate(15.0))
    >>> hour = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    >>> bucket_cost_usd(card, UsageBucket("m", None, 4.0, 4000.0, 0.0, 0.0, 0.0, 0.0, None, hour=hour))
    0.012
    """
    requests = bucket.requests
    if not requests:
        requests = max(1.0, bucket.output_tokens / ASSUMED_OUTPUT_TOKENS_PER_REQUEST)
    input_tokens, output_tokens = bucket.input_tokens / requests, bucket.output_tokens / requests
    cls = RequestClass(
        name=bucket.model,
        share=1.0,
        input_tokens=max(input_tokens, 1.0),
        output_tokens=max(output_tokens, 1.0),
        cached_input_share=bucket.cached_input_tokens / bucket.input_tokens if bucket.input_tokens else 0.0,
        cache_write_tokens=bucket.cache_write_tokens / requests,
    )
    assert cls.input_tokens is not None
    cost = price_request(card, cls)
    input_usd = (cost.input + cost.cached_input + cost.cache_write) * input_tokens / cls.input_tokens
    output_usd = cost.output * output_tokens / cls.output_tokens
    return (input_usd + output_usd + cost.request_fees) * requests


def reconcile(
    buckets: Sequence[UsageBucket], cards: dict[tuple[str, str | None, str], TokenPrices]
) -> tuple[Reconciliation, ...]:
    """Each (model, provider, month): reported cost beside the usage priced with `cards[(model, provider, month)]`.

    Every bucket is priced as its mean request × its requests (`tco.cost.api_cost.price_request`, the engine's own
    pricing: uncached input, cache reads and writes, output, request fees, tiers by request length).
    """
    priced: dict[tuple[str, str | None, str], float] = defaultdict(float)
    reported: dict[tuple[str, str | None, str], float | None] = {}
    for b in buckets:
        key = (b.model, b.provider, month_key(b.hour))
        priced[key] += bucket_cost_usd(cards[key], b)
        if b.reported_cost_usd is None:
            reported.setdefault(key, None)
        else:
            reported[key] = (reported.get(key) or 0.0) + b.reported_cost_usd
    return tuple(
        Reconciliation(model, provider, month, reported[(model, provider, month)], cost)
        for (model, provider, month), cost in sorted(priced.items(), key=lambda kv: (kv[0][2], kv[0][0]))
    )
