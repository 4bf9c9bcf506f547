"""The capacity of one replica for one request class: X* and how it was found (the record every capacity path
returns)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capacity:
    req_per_s: float | None
    """Requests/s one replica serves within the SLO; None when nothing meets it."""
    level_index: int | None
    """The measured level X* came from (method `measured`)."""
    basis: str
    """Where the data comes from: measured, published or estimated."""
    method: str
    """measured (a level of this shape), modelled (the fitted model) or estimated (roofline)."""
    prefill_share: float | None
    """Share of a request's GPU time spent in prefill."""
    concurrency: float | None = None
    """Requests in flight at X*."""
    expected_error: float | None = None
    """±: the error 80 % of held-out cases stay within, either way."""
    latencies: tuple[tuple[str, str, float], ...] = ()
    """(metric, percentile, seconds) at X*: measured or predicted."""
    offline: bool = False
    notes: tuple[str, ...] = ()
    transferred_from: str | None = None
    """The measured configuration a `transferred` figure was scaled from, in words."""
    cache_adjusted: bool = False
    """X* is a measured level of the workload's token lengths adjusted for another cached share
    (`tco.capacity.cached_share`); the first note gives the measured and the adjusted figures."""
    expected_error_sides: tuple[float, float] | None = None
    """(below, above) where the two sides differ (an SLO search, `tco.capacity.slo_search.SloSearch.sides`): the
    truth lies between X* / (1 + below) and X* · (1 + above). None: ±expected_error either way."""

    def error_sides(self) -> tuple[float, float] | None:
        """(below, above), from `expected_error_sides` or else ±`expected_error`; None where no error is known."""
        if self.expected_error_sides is not None:
            return self.expected_error_sides
        return None if self.expected_error is None else (self.expected_error, self.expected_error)
