"""Usage exports of different periods: growth and peak only where the data says them (issue 25, item 5).

Held-out style: every export is written in its real format by `tests/support/usage_exports.py` from plain-Python
requests whose truth is computed here by hand, and read back by DuckDB through `usage.report.analyse`. A month one
file lacks is not a low month; a partial month at a file's edge is not a low month; a peak is the busiest hour of a
month over that same month's mean hour, so growth between months never enters it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import statistics
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from pricing import PriceBook, load_overrides, load_price_catalog
from tco.workload.usage import growth_per_month, summarise
from tco.workload.usage_records import UsageBucket, UsageSource
from tests.support import usage_exports as ex
from usage.report import analyse, as_dict, provenance

BOOK = PriceBook(load_price_catalog(), load_overrides(), "api_overrides.yaml")
HOURS = (9, 13, 14, 14, 15, 15, 15, 16, 20, 2)
"""The hours of the day requests come at (UTC), afternoon-heavy, as in usage_exports.requests."""
PEAK_UNITS = (2,) * 6 + (1,) * 18
"""Requests per hour of the day (× a month's multiplier): busiest hour 2 over a mean hour of 30/24 → exactly 1.6."""

OPENAI = ("gpt-4o-2024-08-06", "gpt-4o-mini")
BEDROCK = ("anthropic.claude-3-5-sonnet-20240620-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0")
LITELLM = ("gpt-4o", "gpt-4o-mini")
ANTHROPIC = ("claude-sonnet-4-5-20250929", "claude-haiku-4-5")


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _request(ts: dt.datetime, model: str, rng: random.Random) -> ex.Request:
    output = rng.randrange(50, 900)
    return ex.Request(ts, model, rng.randrange(100, 5000), rng.choice([0, 0, 512]), rng.choice([0, 0, 0, 256]), output,
                      rng.randrange(0, output // 2), Decimal(rng.randrange(1, 9999)) / 10**6)  # fmt: skip


def daily(
    first: dt.date, last: dt.date, models: tuple[str, str], per_day: Callable[[dt.date, random.Random], int], seed: int
) -> list[ex.Request]:
    """per_day(day) requests each day from `first` to `last`, at HOURS, two models 2:1."""
    rng = random.Random(seed)
    out = []
    for day in _days(first, last):
        for i in range(per_day(day, rng)):
            ts = dt.datetime(day.year, day.month, day.day, rng.choice(HOURS), rng.randrange(60), rng.randrange(60),
                             tzinfo=dt.UTC)  # fmt: skip
            out.append(_request(ts, models[i % 3 == 2], rng))
    return sorted(out, key=lambda r: r.ts)


def patterned(
    first: dt.date, last: dt.date, models: tuple[str, str], multiplier: Callable[[dt.date], int], seed: int
) -> list[ex.Request]:
    """Exactly PEAK_UNITS[h] × multiplier(day) requests in hour h of every day: every month's peak is 1.6."""
    rng = random.Random(seed)
    out = []
    for day in _days(first, last):
        for hour, units in enumerate(PEAK_UNITS):
            for i in range(units * multiplier(day)):
                ts = dt.datetime(
                    day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=dt.UTC
                )
                out.append(_request(ts, models[i % 3 == 2], rng))
    return sorted(out, key=lambda r: r.ts)


def _month(r: ex.Request) -> str:
    return r.ts.strftime("%Y-%m")


def _per_day(reqs: list[ex.Request], month: str, days: int, tokens: bool = False) -> float:
    return sum((r.input + r.output) if tokens else 1 for r in reqs if _month(r) == month) / days


def _relative_se(reqs: list[ex.Request], month: str, tokens: bool) -> float:
    """Standard error of a month's mean daily total, relative to that mean (≈ the standard error of its log)."""
    per_day = Counter()
    for r in reqs:
        if _month(r) == month:
            per_day[r.ts.date()] += (r.input + r.output) if tokens else 1
    totals = list(per_day.values())
    return statistics.stdev(totals) / statistics.fmean(totals) / math.sqrt(len(totals))


def _naive_growth(reqs: list[ex.Request], months: dict[str, int], tokens: bool = False) -> float:
    """What the old rule fitted: every month's rate, whichever file it came from."""
    return growth_per_month([_per_day(reqs, m, d, tokens) for m, d in months.items()])


def _note(doc: dict, start: str) -> str:
    (found,) = [n for n in doc["notes"] if n.startswith(start)]
    return found


SEP_NOV = {"2026-09": 30, "2026-10": 31, "2026-11": 30}
PAIRS = {
    # long file (Sep-Nov) writer, name, models; short file (Oct-Nov) writer, name, models; volume in tokens?
    "openai+bedrock": (ex.openai, "usage.jsonl", OPENAI, ex.bedrock, "invocations.jsonl", BEDROCK, False),
    "litellm+openai": (ex.litellm_spend_logs, "spend_logs.csv", LITELLM, ex.openai, "usage.jsonl", OPENAI, False),
    "anthropic+anthropic": (ex.anthropic, "report-a.json", ANTHROPIC, ex.anthropic, "report-b.json", ANTHROPIC, True),
}


@pytest.mark.parametrize("pair", PAIRS)
def test_two_flat_sources_of_different_periods_show_no_growth(pair, tmp_path):
    """(a) Sep–Nov plus Oct–Nov, both flat: September is in one file only, so it is no low month of the whole."""
    long_write, long_name, long_models, short_write, short_name, short_models, tokens = PAIRS[pair]
    a = daily(dt.date(2026, 9, 1), dt.date(2026, 11, 30), long_models, lambda d, rng: rng.randint(35, 45), 11)
    b = daily(dt.date(2026, 10, 1), dt.date(2026, 11, 30), short_models, lambda d, rng: rng.randint(45, 55), 12)
    files = [(long_write(tmp_path / long_name, a), long_name), (short_write(tmp_path / short_name, b), short_name)]
    doc = as_dict(analyse(files, BOOK))
    both = a + b
    oct_rate, nov_rate = _per_day(both, "2026-10", 31, tokens), _per_day(both, "2026-11", 30, tokens)
    expected = nov_rate / oct_rate - 1  # by hand: the full months both files cover, per day
    assert doc["monthly_growth"] == pytest.approx(expected, rel=1e-9)
    # flat: the two months' mean daily totals differ by sampling noise only. The tolerance is 4 standard errors of
    # log(Nov rate / Oct rate), from the spread of the daily totals themselves
    tolerance = 4 * math.hypot(_relative_se(both, "2026-10", tokens), _relative_se(both, "2026-11", tokens))
    assert abs(doc["monthly_growth"]) < tolerance < 0.08
    assert _naive_growth(both, SEP_NOV, tokens) > 0.3  # the old rule's invented growth on these very files
    assert doc["basis"]["growth_months"] == ["2026-10", "2026-11"]
    assert (1 + doc["monthly_growth"]) ** 11 < 1.5  # the 12-month projection stays flat
    volume = doc["workload"]["tokens_per_month" if tokens else "requests_per_month"]
    assert volume == round(nov_rate * 30)  # November, the last full month both cover
    coverage = _note(doc, "coverage: ")
    first_a, last_a = (min(r.ts for r in a), max(r.ts for r in a))
    assert f"{long_name} {first_a:%Y-%m-%d} " in coverage and "(full months 2026-09 to 2026-11)" in coverage
    assert (
        f"{short_name} {min(r.ts for r in b):%Y-%m-%d} " in coverage and "(full months 2026-10 to 2026-11)" in coverage
    )
    assert "every file covers 2026-10-01 → 2026-11-30 (full months 2026-10 to 2026-11)" in coverage
    assert f"left out: 2026-09 (in full only in {long_name})" in _note(doc, "monthly growth ")
    assert doc["common_period"] == {"days": ["2026-10-01", "2026-11-30"], "full_months": ["2026-10", "2026-11"]}
    (cov_a, cov_b) = doc["coverage"]
    assert cov_a["file"] == long_name and cov_a["full_months"] == ["2026-09", "2026-10", "2026-11"]
    assert cov_a["days"] == ["2026-09-01", "2026-11-30"] and cov_a["last"][:10] == f"{last_a:%Y-%m-%d}"
    assert cov_b["full_months"] == ["2026-10", "2026-11"]


def test_a_source_growing_ten_percent_a_month_shows_ten_percent(tmp_path):
    """(b) One source whose daily volume rises 10 % a month, with a flat source of another period beside it."""
    month_rate = {9: 40, 10: 44, 11: 48, 12: 53}  # 40 × 1.1^m, rounded: the truth is the fit of these
    growing = daily(dt.date(2026, 9, 1), dt.date(2026, 12, 31), LITELLM, lambda d, rng: month_rate[d.month], 21)
    path = ex.litellm_spend_logs(tmp_path / "spend_logs.csv", growing)
    alone = as_dict(analyse([(path, "spend_logs.csv")], BOOK))
    months = {"2026-09": 30, "2026-10": 31, "2026-11": 30, "2026-12": 31}
    by_hand = growth_per_month([_per_day(growing, m, d) for m, d in months.items()])
    assert alone["monthly_growth"] == pytest.approx(by_hand, rel=1e-12)
    assert alone["monthly_growth"] == pytest.approx(0.10, abs=0.005)
    assert alone["basis"]["growth_months"] == list(months)
    # a flat source covering Oct–Dec only: growth is that of the whole over Oct–Dec, not September's absence
    flat = daily(dt.date(2026, 10, 1), dt.date(2026, 12, 31), OPENAI, lambda d, rng: 60, 22)
    both = as_dict(analyse([(path, "spend_logs.csv"), (ex.openai(tmp_path / "u.jsonl", flat), "u.jsonl")], BOOK))
    rates = [_per_day(growing + flat, m, months[m]) for m in ("2026-10", "2026-11", "2026-12")]
    assert both["monthly_growth"] == pytest.approx(growth_per_month(rates), rel=1e-12)
    assert 0.03 < both["monthly_growth"] < 0.05  # 10 % on 44-53 of ~110 a day: about 4 %
    assert _naive_growth(growing + flat, months) > 0.2


def test_the_peak_is_the_busiest_hour_of_a_month_over_that_months_mean(tmp_path):
    """(c) Every day the same shape, volume up ~10 % a month: each month's busiest hour is 1.6 × its mean hour."""
    mult = {9: 10, 10: 11, 11: 12}
    reqs = patterned(dt.date(2026, 9, 1), dt.date(2026, 11, 30), OPENAI, lambda d: mult[d.month], 31)
    path = ex.openai(tmp_path / "usage.jsonl", reqs)
    doc = as_dict(analyse([(path, "usage.jsonl")], BOOK))
    # by hand: in every month, busiest hour 2u over a mean hour of 30u/24 = 1.6, whatever u
    assert 24 * max(PEAK_UNITS) / sum(PEAK_UNITS) == 1.6
    assert doc["peak_to_average"] == pytest.approx(1.6, rel=1e-12)
    assert doc["workload"]["peak_to_average"] == 1.6
    assert [(p["period"], round(p["ratio"], 12)) for p in doc["basis"]["peaks"]] == [
        ("2026-09", 1.6), ("2026-10", 1.6), ("2026-11", 1.6)
    ]  # fmt: skip
    per_hour = Counter(r.ts.replace(minute=0, second=0) for r in reqs)
    naive = max(per_hour.values()) / (len(reqs) / (91 * 24))  # the old rule: busiest hour over the whole span's mean
    assert naive == pytest.approx(2 * 12 / (30 * (10 * 30 + 11 * 31 + 12 * 30) / (91 * 24)), rel=1e-12)  # 1.745
    assert naive > 1.7
    assert doc["monthly_growth"] == pytest.approx(growth_per_month([10, 11, 12]), rel=1e-12)
    assert "peak-to-average 1.60: in each full month, its busiest hour ÷ that month's mean hour" in _note(
        doc, "peak-to-average"
    )
    # a second source of another period with the same daily shape: still 1.6 over the months both cover
    other = patterned(dt.date(2026, 10, 1), dt.date(2026, 11, 30), BEDROCK, lambda d: 3, 32)
    both = as_dict(analyse([(path, "usage.jsonl"), (ex.bedrock(tmp_path / "b.jsonl", other), "b.jsonl")], BOOK))
    assert both["peak_to_average"] == pytest.approx(1.6, rel=1e-12)
    assert [p["period"] for p in both["basis"]["peaks"]] == ["2026-10", "2026-11"]


def test_the_largest_monthly_peak_is_kept(tmp_path):
    """A month with one extra-busy hour: the peak is that month's ratio, computed by hand, not an average of months."""
    reqs = patterned(dt.date(2026, 10, 1), dt.date(2026, 11, 30), OPENAI, lambda d: 4, 41)
    rng = random.Random(42)
    spike = dt.datetime(2026, 11, 17, 3, tzinfo=dt.UTC)  # an hour of 2 units: 8 requests, now 16
    reqs += [_request(spike + dt.timedelta(minutes=rng.randrange(60)), OPENAI[0], rng) for _ in range(8)]
    doc = as_dict(analyse([(ex.openai(tmp_path / "u.jsonl", sorted(reqs, key=lambda r: r.ts)), "u.jsonl")], BOOK))
    november = [r for r in reqs if _month(r) == "2026-11"]
    by_hand = (2 * 4 + 8) / (len(november) / (30 * 24))
    assert doc["peak_to_average"] == pytest.approx(by_hand, rel=1e-12)
    assert {p["period"]: round(p["ratio"], 9) for p in doc["basis"]["peaks"]} == {
        "2026-10": 1.6,
        "2026-11": round(by_hand, 9),
    }
    assert doc["basis"]["peaks"][1]["busiest_hour"] == "2026-11-17T03:00:00Z"


def test_partial_months_at_the_edges_are_not_low_months(tmp_path):
    """(d) A flat export from 20 September to 10 December: only October and November measure anything."""
    reqs = daily(dt.date(2026, 9, 20), dt.date(2026, 12, 10), LITELLM, lambda d, rng: 30, 51)
    doc = as_dict(analyse([(ex.helicone(tmp_path / "h.csv", reqs), "h.csv")], BOOK))
    assert doc["monthly_growth"] == 0.0  # 30 a day in both full months
    assert doc["basis"]["growth_months"] == ["2026-10", "2026-11"]
    assert doc["workload"]["requests_per_month"] == 30 * 30  # November
    assert "monthly_growth" not in doc["workload"]
    assert {m["month"]: (m["full"], m["covered_days"]) for m in doc["months"]} == {
        "2026-09": (False, 11.0), "2026-10": (True, 31.0), "2026-11": (True, 30.0), "2026-12": (False, 10.0)
    }  # fmt: skip
    assert "left out: 2026-09 (partial), 2026-12 (partial)" in _note(doc, "monthly growth +0.0%")
    assert [p["period"] for p in doc["basis"]["peaks"]] == ["2026-10", "2026-11"]
    # a drop-off at the edges (half a day of data on the first and last day) changes nothing
    edges = [r for r in reqs if not (r.ts.date() in (dt.date(2026, 9, 20), dt.date(2026, 12, 10)) and r.ts.hour > 12)]
    trimmed = as_dict(analyse([(ex.helicone(tmp_path / "t.csv", edges), "t.csv")], BOOK))
    assert trimmed["monthly_growth"] == 0.0 and trimmed["peak_to_average"] == doc["peak_to_average"]


def test_without_two_full_common_months_growth_is_not_estimated(tmp_path, capsys):
    """One full month in common (and a partial one): no growth is guessed, and every place says so."""
    a = daily(dt.date(2026, 9, 1), dt.date(2026, 11, 30), OPENAI, lambda d, rng: 30, 61)
    b = daily(dt.date(2026, 10, 12), dt.date(2026, 11, 30), BEDROCK, lambda d, rng: 20 if d.month == 10 else 40, 62)
    files = [(ex.openai(tmp_path / "a.jsonl", a), "a.jsonl"), (ex.bedrock(tmp_path / "b.jsonl", b), "b.jsonl")]
    report = analyse(files, BOOK)
    doc = as_dict(report)
    assert doc["monthly_growth"] is None and "monthly_growth" not in doc["workload"]
    assert doc["basis"]["growth_months"] == []
    note = _note(doc, "monthly growth not estimated")
    assert "two full months every file covers, the data holds 1 (2026-11)" in note
    assert "2026-10 (in full only in a.jsonl)" in note and "2026-09 (in full only in a.jsonl)" in note
    assert doc["workload"]["requests_per_month"] == 70 * 30
    assert "monthly growth not estimated" in "\n".join(provenance(report))
    assert main(["usage", str(files[0][0]), str(files[1][0])]) == 0
    table = capsys.readouterr().out
    assert "monthly growth: not estimated" in table
    assert "every file covers: 2026-10-12 to 2026-11-30, full months 2026-11" in table
    assert "2026-10" in table and "(not in every file: left out of growth and peak)" in table


def test_no_full_month_in_common_volume_is_a_daily_rate_and_says_so(tmp_path):
    a = daily(dt.date(2026, 10, 5), dt.date(2026, 11, 20), OPENAI, lambda d, rng: 24, 71)
    doc = as_dict(analyse([(ex.openai(tmp_path / "a.jsonl", a), "a.jsonl")], BOOK))
    assert doc["monthly_growth"] is None
    assert doc["workload"]["requests_per_month"] == 24 * 30  # November's daily rate over its 20 days × 30
    assert "no full calendar month: the volume is 2026-11's daily rate over its 20.0 covered days" in " ".join(
        doc["notes"]
    )
    assert [p["period"] for p in doc["basis"]["peaks"]] == ["2026-10-05 → 2026-10-31", "2026-11-01 → 2026-11-20"]


def test_files_that_share_no_day_are_one_series_for_volume_and_growth(tmp_path):
    """October from one export, November from another: read as one account's series for the volume and for growth
    alike, and both notes name that assumption."""
    oct_ = patterned(dt.date(2026, 10, 1), dt.date(2026, 10, 31), OPENAI, lambda d: 2, 81)
    nov = patterned(dt.date(2026, 11, 1), dt.date(2026, 11, 30), OPENAI, lambda d: 3, 82)
    files = [
        (ex.openai(tmp_path / "oct.jsonl", oct_), "oct.jsonl"),
        (ex.openai(tmp_path / "nov.jsonl", nov), "nov.jsonl"),
    ]
    report = analyse(files, BOOK)
    doc = as_dict(report)
    assert doc["common_period"] is None
    assert doc["workload"]["requests_per_month"] == len(nov)
    assert "the files share no day" in _note(doc, "coverage: ")
    assert "read as one series" in _note(doc, "the files share no day: the volume")
    # 2 × the day's units a day in October, 3 × in November: (3/2) − 1 = 50 % a month
    assert len(oct_) / 31 == 2 * sum(PEAK_UNITS) and len(nov) / 30 == 3 * sum(PEAK_UNITS)
    assert doc["monthly_growth"] == pytest.approx(0.5, rel=1e-12)
    assert doc["workload"]["monthly_growth"] == 0.5
    assert doc["basis"]["growth_months"] == ["2026-10", "2026-11"]
    growth = _note(doc, "monthly growth +50.0%")
    assert "over the full months the files cover between them" in growth and "read as one series" in growth
    assert "fitted on the full months the files cover between them, read as one series: 2026-10, 2026-11" in "\n".join(
        provenance(report)
    )
    assert doc["peak_to_average"] == pytest.approx(1.6, rel=1e-12)
    assert {(p["file"], p["period"]) for p in doc["basis"]["peaks"]} == {("oct.jsonl", "2026-10"),
                                                                         ("nov.jsonl", "2026-11")}  # fmt: skip


# --- properties ---------------------------------------------------------------------------------------------------


def _buckets(first: dt.date, days: int, shape: tuple[int, ...], per_day: Callable[[int], float], model: str,
             scale: float = 1.0) -> tuple[UsageBucket, ...]:  # fmt: skip
    out = []
    for d in range(days):
        day = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC) + dt.timedelta(days=d)
        for hour, weight in enumerate(shape):
            if weight:
                n = weight * per_day(d) * scale
                out.append(UsageBucket(model, "openai", n, 1000.0 * n, 0.0, 0.0, 200.0 * n, 0.0, None,
                                       hour=day + dt.timedelta(hours=hour)))  # fmt: skip
    return tuple(out)


def _source(name: str, buckets: tuple[UsageBucket, ...]) -> UsageSource:
    first, last = min(b.hour for b in buckets), max(b.hour for b in buckets)
    start = first.replace(hour=0)
    return UsageSource(name, buckets, (start, last.replace(hour=0) + dt.timedelta(days=1)), first, last)


_START = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 4, 30))
_SHAPE = st.tuples(st.lists(st.integers(0, 5), min_size=24, max_size=24), st.integers(0, 23)).map(
    lambda s: tuple(max(v, 1) if i == s[1] else v for i, v in enumerate(s[0]))  # at least one busy hour
)
_LENGTH = st.one_of(st.integers(1, 45), st.integers(90, 240))
_SOURCE = st.tuples(_START, _LENGTH, _SHAPE, st.floats(0.5, 50), st.floats(-0.02, 0.02))
"""first day, days, 24-hour shape, requests a day (× shape), daily growth"""


def _summary(sources, scale=1.0):
    built = [
        _source(f"f{i}.csv", _buckets(first, days, shape, lambda d, r=rate, g=g: r * (1 + g) ** d, f"m{i}", scale))
        for i, (first, days, shape, rate, g) in enumerate(sources)
    ]
    return summarise(built, "hour")


@settings(max_examples=120, deadline=None)
@given(sources=st.lists(_SOURCE, min_size=1, max_size=3), k=st.floats(0.01, 1000))
def test_scaling_every_source_leaves_growth_and_peak_unchanged(sources, k):
    base, scaled = _summary(sources), _summary(sources, k)
    if base.monthly_growth is None:
        assert scaled.monthly_growth is None
    else:
        assert scaled.monthly_growth == pytest.approx(base.monthly_growth, rel=1e-9, abs=1e-12)
    assert scaled.peak_to_average == pytest.approx(base.peak_to_average, rel=1e-9)
    assert scaled.hourly_profile == pytest.approx(base.hourly_profile, rel=1e-9)
    volume = base.workload["requests_per_month"] * k  # each rounded to a whole request: within k/2 + 1/2
    assert scaled.workload["requests_per_month"] == pytest.approx(volume, rel=1e-9, abs=k / 2 + 0.5)


@settings(max_examples=120, deadline=None)
@given(sources=st.lists(_SOURCE.map(lambda s: (*s[:4], 0.0)), min_size=2, max_size=3), same=st.booleans())
def test_flat_sources_of_any_periods_never_make_growth(sources, same):
    """Files each flat (the same day every day), of any periods: growth is 0 or not estimated, never more — but
    for files that follow one another (read as one series), whose own rates are the series: those files at one
    rate make no growth either."""
    if same:  # every file the same requests a day: the rate over its day's shape
        sources = [(first, days, shape, sources[0][3] / sum(shape), g) for first, days, shape, _, g in sources]
    summary = _summary(sources)
    spans = sorted((first, first + dt.timedelta(days=days)) for first, days, *_ in sources)
    one_series = all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if same or not one_series:
        assert summary.monthly_growth is None or abs(summary.monthly_growth) < 1e-9
    # and each peak is within the month it names: the busiest hour of a flat day over that day's mean hour
    # and no peak above the flattest bound: a sum's busiest hour over its mean is at most the largest of its parts'
    assert summary.peak_to_average <= max(24 * max(s[2]) / sum(s[2]) for s in sources) + 1e-9


_PERIODS = st.tuples(st.integers(0, 75), st.integers(20, 120))
"""a file's first day (days after 2026-08-01) and its length in days"""


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(periods=st.lists(_PERIODS, min_size=2, max_size=2), k=st.integers(2, 3))
def test_real_files_a_flat_second_source_never_creates_growth(periods, k, tmp_path_factory):
    """Through DuckDB on real files: two flat exports of random periods at one rate (files that follow one another
    are read as one series), then each request repeated k times."""
    folder = tmp_path_factory.mktemp("periods")
    origin = dt.date(2026, 8, 1)
    (s1, n1), (s2, n2) = periods
    a = patterned(origin + dt.timedelta(days=s1), origin + dt.timedelta(days=s1 + n1 - 1), OPENAI, lambda d: 1, 91)
    b = daily(origin + dt.timedelta(days=s2), origin + dt.timedelta(days=s2 + n2 - 1), LITELLM,
              lambda d, rng: sum(PEAK_UNITS), 92)  # fmt: skip
    docs = []
    for times in (1, k):
        files = [(ex.openai(folder / f"a{times}.jsonl", a * times), "a.jsonl"),
                 (ex.generic(folder / f"b{times}.csv", b * times), "b.csv")]  # fmt: skip
        docs.append(as_dict(analyse(files, BOOK)))
    once, repeated = docs
    assert once["monthly_growth"] is None or abs(once["monthly_growth"]) < 1e-9
    assert repeated["monthly_growth"] == once["monthly_growth"] or abs(repeated["monthly_growth"]) < 1e-9
    assert repeated["peak_to_average"] == pytest.approx(once["peak_to_average"], rel=1e-12)
    assert len(_note(once, "coverage: ").split("; ")) == 3  # each file's coverage, then the common period


def test_the_usage_page_names_each_files_coverage_and_says_when_growth_is_not_estimated(tmp_path):
    """The app's Usage page: October and November exported apart read as one series (growth 100 %: 30 requests a
    day, then 60), the coverage note names both files and the workload filled carries that growth; one file of
    less than two full months: the metric reads 'not estimated' and the workload filled has no growth."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    oct_ = patterned(dt.date(2026, 10, 1), dt.date(2026, 10, 31), OPENAI, lambda d: 1, 101)
    nov = patterned(dt.date(2026, 11, 1), dt.date(2026, 11, 30), OPENAI, lambda d: 2, 102)
    short = patterned(dt.date(2026, 10, 5), dt.date(2026, 11, 20), OPENAI, lambda d: 1, 103)
    files = [
        (ex.openai(tmp_path / "oct.jsonl", oct_), "oct.jsonl"),
        (ex.openai(tmp_path / "nov.jsonl", nov), "nov.jsonl"),
    ]
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=60)
    at.switch_page("app_pages/usage.py")
    at.run()
    at.session_state["usage_report"] = analyse(files, BOOK)
    at.run()
    assert not at.exception
    assert len(oct_) / 31 == 30 and len(nov) / 30 == 60
    assert [m.value for m in at.metric if m.label == "Monthly growth"] == ["100.0%"]
    shown = "\n".join(m.value for m in at.markdown)
    assert "oct.jsonl 2026-10-01 00:00 → 2026-10-31 23:00 UTC (full months 2026-10)" in shown
    assert "nov.jsonl 2026-11-01 00:00 → 2026-11-30 23:00 UTC (full months 2026-11)" in shown
    assert "the files read as one series" in shown
    at.button(key="usage.fill").click().run()
    assert at.session_state["scenario"]["workload"]["monthly_growth"] == 1.0
    assert at.session_state["scenario"]["workload"]["peak_to_average"] == 1.6

    at.session_state["usage_report"] = analyse([(ex.openai(tmp_path / "short.jsonl", short), "short.jsonl")], BOOK)
    at.run()
    assert [m.value for m in at.metric if m.label == "Monthly growth"] == ["not estimated"]
    assert "monthly growth not estimated" in "\n".join(m.value for m in at.markdown)
    at.button(key="usage.fill").click().run()
    assert "monthly_growth" not in at.session_state["scenario"]["workload"]
