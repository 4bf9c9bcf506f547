"""Request-size distributions: bucket pricing against genai-prices' calc_price, tier notes, context windows."""

from __future__ import annotations

import datetime as dt

import pytest
from genai_prices import Usage, calc_price

from datafiles import InputError
from tco.cost.api_cost import mean_request_cost, price_request
from tco.records.scenario import RequestClass
from tests.conftest import run_scenario, write_yaml
from tests.tco.decision.test_engine_contract import base_scenario, measured_at_workload_shape

WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 1)


def _oracle(input_tokens: int, output_tokens: int = 1000) -> float:
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    return float(calc_price(usage, "gemini-2.5-pro", provider_id="google", genai_request_timestamp=WHEN).total_price)


def _gemini(catalogues):
    return catalogues.prices.price("google", "gemini-2.5-pro", DAY, (1.0,) * 24, "t", "m")


def test_half_at_50k_half_at_250k_is_priced_bucket_by_bucket(catalogues):
    """The issue's example: the mean request (150k) underprices the real mix by ~45 %."""
    buckets = [{"share": 0.5, "input_tokens": 50_000}, {"share": 0.5, "input_tokens": 250_000}]
    spread = RequestClass(name="rag", share=1, output_tokens=1000, input_histogram=buckets)
    assert spread.input_tokens == 150_000  # the mean, filled in
    card = _gemini(catalogues).standard
    expected = 0.5 * _oracle(50_000) + 0.5 * _oracle(250_000)
    assert price_request(card, spread).total == pytest.approx(expected, rel=1e-9)
    mean_only = RequestClass(name="rag", share=1, output_tokens=1000, input_tokens=150_000)
    assert price_request(card, mean_only).total == pytest.approx(_oracle(150_000), rel=1e-9)
    assert 1 - _oracle(150_000) / expected == pytest.approx(0.446, abs=0.005)


def test_percentiles_straddling_a_tier_match_a_fine_integral_of_the_oracle(catalogues):
    """p50 100k, p90 300k: half at 100k, 40 % uniform on 100k-300k, 10 % at 300k; the uniform part is
    integrated here with 4,000 oracle prices across it."""
    cls = RequestClass(name="c", share=1, output_tokens=1000, input_percentiles={"p50": 100_000, "p90": 300_000})
    steps = 4000
    uniform = sum(_oracle(round(100_000 + (k + 0.5) * 200_000 / steps)) for k in range(steps)) / steps
    expected = 0.5 * _oracle(100_000) + 0.4 * uniform + 0.1 * _oracle(300_000)
    assert price_request(_gemini(catalogues).standard, cls).total == pytest.approx(expected, rel=1e-5)
    assert cls.input_tokens == pytest.approx(0.5 * 100_000 + 0.4 * 200_000 + 0.1 * 300_000)


def test_a_mean_near_a_tier_is_flagged(catalogues):
    near = RequestClass(name="docs", share=1, output_tokens=800, input_tokens=180_000)
    far = RequestClass(name="chat", share=1, output_tokens=800, input_tokens=20_000)
    _, notes = mean_request_cost(_gemini(catalogues), (near,))
    assert any("'docs'" in n and "200,000-token price tier" in n for n in notes)
    _, notes = mean_request_cost(_gemini(catalogues), (far,))
    assert not any("price tier" in n for n in notes)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("input_histogram", [{"share": 0.5, "input_tokens": 10}, {"share": 0.4, "input_tokens": 20}], "add up to 1"),
        ("input_percentiles", {"median": 100}, "not a percentile key"),
        ("input_percentiles", {"p50": 900, "p90": 100}, "must not decrease"),
    ],
)
def test_bad_distributions_name_the_field(tmp_path, catalogues, field, value, message):
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    scenario = base_scenario()
    scenario["workload"] = {
        "requests_per_month": 1_000_000,
        "classes": [{"name": "a", "share": 1, "output_tokens": 100, field: value}],
    }
    with pytest.raises(InputError) as error:
        run_scenario(tmp_path, scenario, catalogues)
    assert "workload" in str(error.value) and message in str(error.value)


def test_a_class_beyond_the_context_window_is_that_options_error(tmp_path, catalogues):
    """Llama 3.3 70B holds 131,072 tokens; a class whose p99 is 150k cannot be served by it. The API row
    (no catalogue card, no context known) still computes."""
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    scenario = base_scenario()
    scenario["workload"] = {
        "requests_per_month": 1_000_000,
        "peak_to_average": 3,
        "classes": [
            {"name": "long", "share": 1, "output_tokens": 500, "input_percentiles": {"p50": 2000, "p99": 150_000}}
        ],
    }
    result = run_scenario(tmp_path, scenario, catalogues)
    errors = {e.id: e.error for e in result.option_errors}
    assert "class 'long' needs up to 150,500 tokens" in errors["rented"] and "131,072" in errors["rented"]
    assert [o.id for o in result.options] == ["api"]
