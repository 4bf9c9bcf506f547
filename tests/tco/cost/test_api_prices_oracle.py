"""API request prices must equal genai-prices' own `calc_price` (the oracle for every API price)."""

from __future__ import annotations

import datetime as dt

import pytest
from genai_prices import Usage, calc_price
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.records import Rate, TokenPrices
from tco.cost.api_cost import mean_request_cost, price_request
from tco.records.scenario import RequestClass

ONE_HOT_HOURS = {h: tuple(1.0 if i == h else 0.0 for i in range(24)) for h in range(24)}

CASES = [
    ("anthropic", "claude-sonnet-4-5"),  # >200k whole-request tier, cache write price
    ("anthropic", "claude-sonnet-4-6"),  # price history (start-dated change)
    ("google", "gemini-2.5-pro"),  # tiers on input, output and cache reads
    ("openai", "gpt-5"),
    ("zai", "GLM-5"),
    ("deepseek", "deepseek-v4-pro"),  # peak / off-peak prices by time of day
    ("groq", "openai/gpt-oss-120b"),
    ("fireworks", "qwen3-235b-a22b"),  # matched by id, not by genai-prices' URL-style reference
]


ORACLE_REF = {("fireworks", "qwen3-235b-a22b"): "accounts/fireworks/models/qwen3-235b-a22b"}
"""genai-prices matches Fireworks models by their URL-style reference, not by id."""


def _oracle(provider: str, model: str, cls: RequestClass, when: dt.datetime, batch: bool = False) -> float:
    cached = round(cls.input_tokens * cls.cached_input_share)
    usage = Usage(
        input_tokens=int(cls.input_tokens),
        cache_read_tokens=cached,
        cache_write_tokens=int(cls.cache_write_tokens),
        output_tokens=int(cls.output_tokens),
    )
    context = {"processing": "batch"} if batch else None
    model = ORACLE_REF.get((provider, model), model)
    return float(
        calc_price(usage, model, provider_id=provider, genai_request_timestamp=when, price_context=context).total_price
    )


@pytest.mark.parametrize(("provider", "model"), CASES)
@pytest.mark.parametrize("input_tokens", [1_000, 199_999, 200_000, 200_001, 300_000])
def test_one_request_matches_calc_price(catalogues, provider, model, input_tokens):
    cls = RequestClass(
        name="c",
        share=1,
        input_tokens=input_tokens,
        output_tokens=700,
        cached_input_share=round(input_tokens * 0.4) / input_tokens,
        cache_write_tokens=min(1000, input_tokens // 2),
    )
    when = dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC)
    card = catalogues.prices.price(provider, model, when.date(), ONE_HOT_HOURS[3], "t", "m").standard
    assert price_request(card, cls).total == pytest.approx(_oracle(provider, model, cls, when), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    case=st.sampled_from(CASES),
    input_tokens=st.integers(1, 400_000),
    output_tokens=st.integers(1, 50_000),
    cached_share=st.sampled_from([0.0, 0.25, 0.5, 0.9]),
    hour=st.integers(0, 23),
)
def test_property_matches_calc_price(catalogues, case, input_tokens, output_tokens, cached_share, hour):
    provider, model = case
    # whole token counts, as a real request has
    cached = round(input_tokens * cached_share)
    cls = RequestClass(
        name="c",
        share=1,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_share=cached / input_tokens,
    )
    when = dt.datetime(2027, 2, 1, hour, tzinfo=dt.UTC)
    card = catalogues.prices.price(provider, model, when.date(), ONE_HOT_HOURS[hour], "t", "m").standard
    assert price_request(card, cls).total == pytest.approx(_oracle(provider, model, cls, when), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("provider", "model"), [("anthropic", "claude-sonnet-4-6"), ("openai", "gpt-5"), ("google", "gemini-2.5-pro")]
)
def test_batch_share_uses_batch_prices(catalogues, provider, model):
    cls = RequestClass(
        name="c", share=1, input_tokens=5000, output_tokens=800, cached_input_share=0.2, batch_share=0.25
    )
    when = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    price = catalogues.prices.price(provider, model, when.date(), (1.0,) * 24, "t", "m")
    expected = 0.75 * _oracle(provider, model, cls, when) + 0.25 * _oracle(provider, model, cls, when, batch=True)
    cost, notes = mean_request_cost(price, (cls,))
    assert cost.total == pytest.approx(expected, rel=1e-9)
    assert notes == []


def test_price_history_picks_the_scenario_month(catalogues):
    """o3 cost $10/$40 before 2025-06-10 and $2/$8 after (genai-prices history)."""
    cls = RequestClass(name="c", share=1, input_tokens=1_000_000, output_tokens=1_000_000)
    before = catalogues.prices.price("openai", "o3", dt.date(2025, 5, 1), (1.0,) * 24, "t", "m").standard
    after = catalogues.prices.price("openai", "o3", dt.date(2025, 7, 1), (1.0,) * 24, "t", "m").standard
    assert price_request(before, cls).total == pytest.approx(50.0)
    assert price_request(after, cls).total == pytest.approx(10.0)


def test_daily_curve_weights_time_of_day_prices(catalogues):
    """An even day is the hour-weighted mean of the 24 hourly prices (hand average of the oracle)."""
    cls = RequestClass(name="c", share=1, input_tokens=3000, output_tokens=600)
    day = dt.date(2026, 12, 1)
    card = catalogues.prices.price("deepseek", "deepseek-v4-pro", day, (1.0,) * 24, "t", "m").standard
    hourly = [
        _oracle("deepseek", "deepseek-v4-pro", cls, dt.datetime.combine(day, dt.time(h), tzinfo=dt.UTC))
        for h in range(24)
    ]
    assert len(set(hourly)) > 1, "fixture expects peak and off-peak prices"
    assert price_request(card, cls).total == pytest.approx(sum(hourly) / 24, rel=1e-9)


def test_pricing_one_request_then_scaling_beats_pricing_totals():
    """1,000 requests x (10k in, 1k out) on Gemini 2.5 Pro cost $22.50, not the $40 of one summed call."""
    card = TokenPrices(input=Rate(1.25, ((200_000, 2.5),)), output=Rate(10.0, ((200_000, 15.0),)))
    one = price_request(card, RequestClass(name="c", share=1, input_tokens=10_000, output_tokens=1_000))
    assert one.total * 1000 == pytest.approx(22.5)
    summed = price_request(card, RequestClass(name="c", share=1, input_tokens=10_000_000, output_tokens=1_000_000))
    assert summed.total == pytest.approx(40.0)


def test_missing_batch_price_is_said_not_hidden(catalogues):
    cls = RequestClass(name="c", share=1, input_tokens=1000, output_tokens=100, batch_share=1.0)
    price = catalogues.prices.price("zai", "GLM-5", dt.date(2026, 12, 1), (1.0,) * 24, "t", "m")
    cost, notes = mean_request_cost(price, (cls,))
    assert cost.total == pytest.approx(price_request(price.standard, cls).total)
    assert notes and "no batch price" in notes[0]


def test_time_of_day_window_on_the_half_hour_is_integrated_exactly(catalogues):
    """deepseek-chat's off-peak window is 00:30–16:30 UTC: the day's price is the oracle's minute-by-minute
    mean, each minute weighted by its hour on a busy-afternoon curve, not the value at minute :00."""
    cls = RequestClass(name="c", share=1, input_tokens=3000, output_tokens=600)
    day = dt.date(2026, 12, 1)
    curve = tuple(0.3 if h < 8 else 1.6 if 12 <= h < 18 else 1.0 for h in range(24))
    card = catalogues.prices.price("deepseek", "deepseek-chat", day, curve, "t", "m").standard
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    by_minute = [
        _oracle("deepseek", "deepseek-chat", cls, start + dt.timedelta(minutes=m, seconds=30)) for m in range(1440)
    ]
    exact = sum(curve[m // 60] * p for m, p in enumerate(by_minute)) / (60 * sum(curve))
    assert price_request(card, cls).total == pytest.approx(exact, rel=1e-9)
    at_the_hour = sum(curve[h] * by_minute[h * 60] for h in range(24)) / sum(curve)
    assert abs(at_the_hour / exact - 1) > 0.005  # what sampling at :00 got wrong
