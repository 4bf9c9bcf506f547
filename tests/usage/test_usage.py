"""Usage exports: every importer reproduces the true totals, curve and cost of a synthetic export it never saw.

The truth is `tests/support/usage_exports.requests`: plain Python records, summed here with `sum()`. Each export is
written from them in its own format; DuckDB reads it back through `usage/` and the totals must match.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import genai_prices
import pytest
import yaml

from cli.main import main
from datafiles import InputError
from pricing import PriceBook, load_overrides, load_price_catalog
from tco.workload.usage import growth_per_month
from tests.conftest import ROOT
from tests.support import usage_exports as ex
from usage.report import analyse, as_dict, scenario_mapping

BOOK = PriceBook(load_price_catalog(), load_overrides(), "api_overrides.yaml")

# writer, file name, the two models as the source spells them, its grain, and what it shows apart:
# r = requests counted, $ = cost reported, c = cached input, w = cache writes, z = reasoning tokens
CASES = {
    "openai": (ex.openai, "usage.jsonl", ("gpt-4o-2024-08-06", "gpt-4o-mini"), "hour", "rc"),
    "anthropic": (ex.anthropic, "report.json", ("claude-sonnet-4-5-20250929", "claude-haiku-4-5"), "hour", "cw"),
    "openrouter-activity": (ex.openrouter_activity, "activity.json", ("openai/gpt-4.1", "anthropic/claude-sonnet-4.5"),
                            "day", "r$z"),
    "openrouter-generations": (ex.openrouter_generations, "gens.jsonl", ("openai/gpt-4.1", "openai/gpt-4o-mini"),
                               "request", "r$cz"),
    "bedrock": (ex.bedrock, "invocations.jsonl", ("anthropic.claude-3-5-sonnet-20240620-v1:0",
                "us.anthropic.claude-sonnet-4-20250514-v1:0"), "request", "rcw"),
    "litellm-spend-logs": (ex.litellm_spend_logs, "spend_logs.csv", ("gpt-4o", "gpt-4o-mini"), "request", "r$cw"),
    "litellm-daily": (ex.litellm_daily, "daily_user_spend.csv", ("claude-sonnet-4-5", "claude-haiku-4-5"), "day",
                      "r$cw"),
    "langfuse": (ex.langfuse, "observations.jsonl", ("gpt-4o", "gpt-4o-mini"), "request", "r$cwz"),
    "helicone": (ex.helicone, "helicone.csv", ("gpt-4o", "gpt-4o-mini"), "request", "r$cw"),
    "focus": (ex.focus, "focus.csv", ("gpt-4o", "gpt-4o-mini"), "day", "r$cw"),
    "csv": (ex.generic, "usage.csv", ("gpt-4o", "claude-sonnet-4-5"), "request", "r$cwz"),
}  # fmt: skip


def _truth_by_model(reqs):
    out = {}
    for model in {r.model for r in reqs}:
        rs = [r for r in reqs if r.model == model]
        out[model] = {
            "requests": len(rs),
            "input_tokens": sum(r.input for r in rs),
            "cached_input_tokens": sum(r.cached for r in rs),
            "cache_write_tokens": sum(r.cache_write for r in rs),
            "output_tokens": sum(r.output for r in rs),
            "reasoning_tokens": sum(r.reasoning for r in rs),
            "cost": sum(r.cost for r in rs),
        }
    return out


@pytest.mark.parametrize("case", CASES)
def test_every_importer_reproduces_the_true_totals(case, tmp_path):
    write, name, models, grain, shown = CASES[case]
    counted, costed = "r" in shown, "$" in shown
    reqs = ex.requests(models)
    path = write(tmp_path / name, reqs)
    report = analyse([(path, name)], BOOK)
    doc = as_dict(report)
    assert doc["granularity"] == grain
    assert [f["source"] for f in doc["files"]] == [case.split("-")[0]]
    truth = _truth_by_model(reqs)
    got = {m["model"]: m for m in doc["models"]}
    assert set(got) == set(truth)
    for model, t in truth.items():
        m = got[model]
        assert m["requests"] == (t["requests"] if counted else None)
        assert m["input_tokens"] == t["input_tokens"]
        assert m["cached_input_tokens"] == (t["cached_input_tokens"] if "c" in shown else 0)
        assert m["cache_write_tokens"] == (t["cache_write_tokens"] if "w" in shown else 0)
        assert m["output_tokens"] == t["output_tokens"]
        assert m["reasoning_tokens"] == (t["reasoning_tokens"] if "z" in shown else 0)
        if costed:
            assert m["reported_cost_usd"] == pytest.approx(float(t["cost"]), abs=1e-9)
        else:
            assert m["reported_cost_usd"] is None
    months = {m["month"]: m for m in doc["months"]}
    for month in ("2026-10", "2026-11"):
        rs = [r for r in reqs if r.ts.strftime("%Y-%m") == month]
        assert months[month]["input_tokens"] == sum(r.input for r in rs)
        assert months[month]["requests"] == (len(rs) if counted else None)
    if grain == "day":
        assert doc["hourly_profile"] is None and doc["peak_to_average"] is None
    else:  # the 24-hour curve: mean load per UTC hour of day, mean 1
        load = Counter()
        for r in reqs:
            load[r.ts.hour] += 1 if counted else r.input + r.output
        total = sum(load.values())
        assert doc["hourly_profile"] == pytest.approx([24 * load[h] / total for h in range(24)], rel=1e-12)
        per_hour = Counter()
        for r in reqs:
            per_hour[r.ts.replace(minute=0, second=0, microsecond=0)] += 1 if counted else r.input + r.output
        within = []  # each full month's busiest hour over that month's mean hour; the largest is kept
        for month, days in (("2026-10", 31), ("2026-11", 30)):
            hours = {h: v for h, v in per_hour.items() if h.strftime("%Y-%m") == month}
            within.append(max(hours.values()) / (sum(hours.values()) / (days * 24)))
        assert doc["peak_to_average"] == pytest.approx(max(within), rel=1e-12)


def test_the_derived_workload_is_the_hand_computed_one(tmp_path):
    reqs = ex.requests(("gpt-4o", "claude-sonnet-4-5"))
    report = analyse([(ex.generic(tmp_path / "u.csv", reqs), "u.csv")], BOOK)
    w = report.summary.workload
    november = [r for r in reqs if r.ts.month == 11]
    assert w["requests_per_month"] == len(november)  # the last full month
    october = [r for r in reqs if r.ts.month == 10]
    # growth: two full months, log-linear through requests per day (31 and 30 days)
    assert w["monthly_growth"] == round((len(november) / 30) / (len(october) / 31) - 1, 4)
    by_name = {c["name"]: c for c in w["classes"]}
    gpt = [r for r in reqs if r.model == "gpt-4o"]
    assert by_name["gpt-4o"]["share"] == pytest.approx(len(gpt) / len(reqs), abs=1e-6)
    assert by_name["gpt-4o"]["input_tokens"] == round(sum(r.input for r in gpt) / len(gpt), 1)
    assert by_name["gpt-4o"]["cached_input_share"] == round(sum(r.cached for r in gpt) / sum(r.input for r in gpt), 4)
    assert by_name["gpt-4o"]["cache_write_tokens"] == round(sum(r.cache_write for r in gpt) / len(gpt), 1)
    inputs = sorted(r.input for r in gpt)  # t-digest: within a rank or two of the true median
    assert inputs[len(inputs) // 2 - 3] <= by_name["gpt-4o"]["input_percentiles"]["p50"] <= inputs[len(inputs) // 2 + 3]
    assert report.summary.start_month == "2026-12"


def test_a_peak_from_a_handful_of_requests_is_said_to_be_too_thin(tmp_path):
    """240 requests over two months (about 4 a day) gave a peak-to-average of ~26 that Compare sized fleets on (a
    reviewer): the busiest hour holds a handful of requests, so the note and the page say the ratio is too thin."""
    from tco.workload.thin_peak import MIN_BUSIEST_REQUESTS

    reqs = ex.requests(("gpt-4o", "claude-sonnet-4-5"))
    summary = analyse([(ex.generic(tmp_path / "u.csv", reqs), "u.csv")], BOOK).summary
    top = max(summary.peaks, key=lambda p: p.ratio)
    per_hour = Counter(r.ts.replace(minute=0, second=0) for r in reqs if top.period in r.ts.strftime("%Y-%m"))
    assert top.busiest == max(per_hour.values()) < MIN_BUSIEST_REQUESTS  # counted by hand from the requests
    (thin,) = [n for n in summary.notes if "rests on a busiest hour" in n]
    assert thin.startswith(
        f"too few requests for the peak: its {top.ratio:.2f} rests on a busiest hour of {top.busiest:.0f} "
    )
    many = ex.requests(("gpt-4o", "claude-sonnet-4-5"), n=60_000)  # ~1,000 a day: hundreds in the busiest hour
    busy = analyse([(ex.generic(tmp_path / "busy.csv", many), "busy.csv")], BOOK).summary
    assert max(p.busiest for p in busy.peaks) >= MIN_BUSIEST_REQUESTS
    assert not any("rests on a busiest hour" in n for n in busy.notes)


def test_growth_is_log_linear():
    assert growth_per_month([100, 110, 121]) == pytest.approx(0.1)
    assert growth_per_month([50]) == 0.0


def test_reconciliation_matches_genai_prices_calc_price(tmp_path):
    """Our pricing of the imported usage equals genai-prices' own `calc_price`, request by request."""
    reqs = [
        r for r in ex.requests(("gpt-4o", "claude-sonnet-4-5")) if r.model == "claude-sonnet-4-5" or not r.cache_write
    ]
    report = analyse([(ex.generic(tmp_path / "u.csv", reqs), "u.csv")], BOOK)
    for model, provider in (("gpt-4o", "openai"), ("claude-sonnet-4-5", "anthropic")):
        expected = sum(
            float(genai_prices.calc_price(
                genai_prices.Usage(input_tokens=r.input, cache_read_tokens=r.cached, cache_write_tokens=r.cache_write,
                                   output_tokens=r.output), model, provider_id=provider, genai_request_timestamp=r.ts,
            ).total_price)
            for r in reqs if r.model == model
        )  # fmt: skip
        assert report.priced_cost_usd(model, "openai") == pytest.approx(expected, rel=1e-9)
    rows = [r for r in report.reconciliation if r.model == "gpt-4o"]
    assert [r.month for r in rows] == ["2026-10", "2026-11"]
    oct_cost = sum(float(r.cost) for r in reqs if r.model == "gpt-4o" and r.ts.month == 10)
    assert rows[0].reported_cost_usd == pytest.approx(oct_cost, abs=1e-9)
    assert rows[0].difference_usd == pytest.approx(rows[0].priced_cost_usd - oct_cost, abs=1e-9)


def test_gzip_parquet_and_several_files_add_up(tmp_path):
    reqs = ex.requests(("gpt-4o", "gpt-4o-mini"))
    plain = ex.generic(tmp_path / "u.csv", reqs[:100])
    packed = tmp_path / "u2.csv.gz"
    with gzip.open(packed, "wb") as out:
        out.write(ex.generic(tmp_path / "tmp.csv", reqs[100:180]).read_bytes())
    parquet = tmp_path / "u3.parquet"
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{ex.generic(tmp_path / 'p.csv', reqs[180:])}')) TO '{parquet}'")
    report = analyse([(plain, "u.csv"), (packed, "u2.csv.gz"), (parquet, "u3.parquet")], BOOK)
    doc = as_dict(report)
    assert sum(m["requests"] for m in doc["models"]) == len(reqs)
    assert sum(m["output_tokens"] for m in doc["models"]) == sum(r.output for r in reqs)


def test_usage_out_writes_a_scenario_that_compare_runs(tmp_path, capsys):
    reqs = ex.requests(("gpt-4o", "claude-sonnet-4-5"))
    path = ex.generic(tmp_path / "u.csv", reqs)
    out = tmp_path / "derived.yaml"
    assert main(["usage", str(path), "--out", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("models", "months", "granularity", "hourly_profile", "peak_to_average", "monthly_growth", "workload"):
        assert key in doc
    scenario = yaml.safe_load(out.read_text())
    assert [(o["provider"], o["model"]) for o in scenario["options"]] == [
        ("openai", "gpt-4o"),
        ("anthropic", "claude-sonnet-4-5"),
    ]
    assert scenario["workload"] == doc["workload"]
    assert main(["compare", str(out), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {o["id"] for o in result["options"]} == {"gpt-4o", "claude-sonnet-4-5"}
    assert result["assumptions"]["months"][0].startswith("2026-12")


def _error(args, capsys) -> str:
    assert main(args) == 2
    return capsys.readouterr().err


def test_bad_exports_exit_2_naming_the_file_and_the_place(tmp_path, capsys):
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("when,what\n1,2\n")
    assert "unknown usage export shape" in _error(["usage", str(unknown)], capsys)
    bad_type = tmp_path / "bad.csv"
    bad_type.write_text(
        "timestamp,model,input_tokens,output_tokens\n2026-10-01T10:00:00Z,gpt-4o,10,5\n2026-10-01T11:00:00Z,gpt-4o,abc,5\n"
    )
    err = _error(["usage", str(bad_type)], capsys)
    assert "bad.csv: row 2 (line 3), column input_tokens: expected a number" in err
    naive = tmp_path / "naive.csv"
    naive.write_text("timestamp,model,input_tokens,output_tokens\n2026-10-01T10:00:00,gpt-4o,10,5\n")
    err = _error(["usage", str(naive)], capsys)
    assert "naive.csv: timestamp: 1 of 1 rows fail; expected an ISO-8601 time with its offset" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty.csv: is empty" in _error(["usage", str(empty)], capsys)
    header_only = tmp_path / "header.csv"
    header_only.write_text("timestamp,model,input_tokens,output_tokens\n")
    assert "header.csv: no usage rows" in _error(["usage", str(header_only)], capsys)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("timestamp,model,input_tokens,output_tokens\n2026-10-01T10:00:00Z,gpt-4o,10,5\n"
                     "2026-10-01T10:00:00Z,my-private-model-7b,10,5\n")  # fmt: skip
    err = _error(["usage", str(mixed)], capsys)
    assert "mixed.csv: model 'my-private-model-7b': 'my-private-model-7b' is not in the price catalogue" in err
    assert "api_overrides.yaml" in err
    forced = _error(["usage", str(bad_type), "--from", "openai"], capsys)
    assert "does not look like a openai export" in forced
    assert "is a directory" in _error(["usage", str(tmp_path)], capsys)


@pytest.mark.parametrize("case", CASES)
def test_no_prompt_user_or_key_ever_comes_out(case, tmp_path, capsys, caplog):
    write, name, models, *_ = CASES[case]
    path = write(tmp_path / name, ex.requests(models, n=30))
    assert ex.SECRET in path.read_text()
    out = tmp_path / "s.yaml"
    assert main(["usage", str(path), "--out", str(out)]) == 0
    assert main(["usage", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert ex.SECRET not in captured.out + captured.err + out.read_text() + caplog.text
    assert "SECRET" not in repr(analyse([(path, name)], BOOK))
    broken = tmp_path / ("broken-" + name)  # an error message never quotes the file's lines
    broken.write_text(path.read_text().replace('"output_tokens": ', '"output_tokens": "x').replace(",5", ",x"))
    try:
        analyse([(broken, broken.name)], BOOK)
    except InputError as err:
        assert "SECRET" not in str(err)


def test_the_documented_sql_is_the_one_that_runs():
    sql = (ROOT / "usage" / "hourly.sql").read_text()
    from usage.importer import HOURLY_SQL

    assert sql == HOURLY_SQL and "GROUP BY date_trunc('hour', ts), model, provider" in sql


def test_hourly_result_from_a_warehouse_imports_as_the_generic_csv(tmp_path):
    """Run hourly.sql elsewhere (here: DuckDB itself over per-request rows), export, import: same totals."""
    reqs = ex.requests(("gpt-4o", "gpt-4o-mini"))
    per_request = ex.generic(tmp_path / "u.csv", reqs)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE usage_rows AS SELECT CAST(timestamp AS TIMESTAMPTZ) AS ts, model, provider, requests,"
        " input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd"
        f" FROM read_csv('{per_request}')"
    )
    hourly = con.execute((ROOT / "usage" / "hourly.sql").read_text()).fetchall()
    out = tmp_path / "hourly.csv"
    lines = ["timestamp,model,provider,requests,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,"
             "reasoning_tokens,cost_usd"]  # fmt: skip
    for hour, model, provider, *sums, _rows in hourly:
        lines.append(",".join([hour.strftime("%Y-%m-%dT%H:%M:%SZ"), model, provider, *(str(v) for v in sums)]))
    out.write_text("\n".join(lines) + "\n")
    doc = as_dict(analyse([(out, "hourly.csv")], BOOK))
    assert doc["granularity"] == "hour"
    assert sum(m["requests"] for m in doc["models"]) == len(reqs)
    assert sum(m["input_tokens"] for m in doc["models"]) == sum(r.input for r in reqs)
    assert sum(m["reported_cost_usd"] for m in doc["models"]) == pytest.approx(float(sum(r.cost for r in reqs)))


def test_scenario_mapping_lists_only_models_found(tmp_path):
    reqs = ex.requests(("gpt-4o-2024-08-06", "gpt-4o"))
    report = analyse([(ex.generic(tmp_path / "u.csv", reqs), "u.csv")], BOOK)
    options = scenario_mapping(report)["options"]
    assert options == [{"id": "gpt-4o", "kind": "api", "provider": "openai", "model": "gpt-4o"}]


def test_cli_usage_runs_as_a_command(tmp_path):
    path = ex.generic(tmp_path / "u.csv", ex.requests(("gpt-4o", "gpt-4o-mini"), n=20))
    exe = shutil.which("inference-roi", path=str(Path(sys.executable).parent))
    done = subprocess.run([exe, "usage", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "reconciliation" in done.stdout and "workload:" in done.stdout
    assert dt.date.today()  # the command ran against the bundled price data, offline
