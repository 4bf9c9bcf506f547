"""The exports reconcile and their cells are typed (issue 24, item 11): the monthly CSV, month 0 and every one-time
cost included, adds up per option to the summary's total cost to the cent; amounts are written in cents with no
float noise; the workbook, read back with openpyxl (a reader independent of xlsxwriter), holds dates as dates,
shares as percentages, counts as integers and money in dollars and cents. Every expected figure is computed
here, from the engine's result or the scenario file, with `decimal` rounding half up."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datafiles.export import allocate_cents, to_cents
from reports.exports import as_csv, as_monthly_csv, as_xlsx
from scenario_io import load_inputs
from tco import evaluate
from tco.records.results import ScenarioResult
from tco.risk.report import headline_pair, risk_report
from tests.conftest import ROOT, level, run_scenario, simple_profile, write_yaml

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
OWNED = ROOT / "scenarios" / "owned-fleet-finance.yaml"
DISTIL = ROOT / "scenarios" / "distil-a-student.yaml"
CENT = Decimal("0.01")
TOTAL = "total cost over horizon incl. one-time (USD)"
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def cents(x: float) -> Decimal:
    """The engine's float to the cent, half up, in decimal arithmetic (independent of the exports' rounding)."""
    return Decimal(repr(x)).quantize(CENT, ROUND_HALF_UP)


@functools.cache
def _result(path: Path) -> ScenarioResult:
    return evaluate(load_inputs(path))


def _long(result: ScenarioResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(as_monthly_csv(result))))


def _summary(result: ScenarioResult) -> dict[str, dict[str, str]]:
    return {r["option"]: r for r in csv.DictReader(io.StringIO(as_csv(result)))}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_monthly_csv_adds_up_to_the_summary_total_on_every_scenario(path):
    result = _result(path)
    long = _long(result)
    assert list(long[0]) == ["option", "month", "period", "component", "usd"]
    assert all(MONEY.match(r["usd"]) for r in long), "every amount to the cent, no float noise"
    summary = _summary(result)
    months = result.assumptions["months"]
    for option in result.options:
        mine = [r for r in long if r["option"] == option.id]
        by_month: dict[int, Decimal] = defaultdict(Decimal)
        for r in mine:
            by_month[int(r["month"])] += Decimal(r["usd"])
        assert sorted(by_month) == list(range(len(months) + 1)), "month 0 (the start) and every month"
        # the rows add up to the summary's total cost, to the cent, and to the engine's total rounded here
        assert sum(by_month.values()) == Decimal(summary[option.id][TOTAL]) == cents(option.total_cost_usd)
        # month 0 holds the one-time costs: the total less the monthly costs
        one_time = option.total_cost_usd - math.fsum(option.monthly_cost_usd)
        assert abs(by_month[0] - Decimal(repr(one_time))) <= CENT
        for t, cost in enumerate(option.monthly_cost_usd, start=1):
            assert abs(by_month[t] - Decimal(repr(cost))) <= CENT, (option.id, t)
        assert {r["period"] for r in mine if r["month"] == "0"} == {""}
        assert all(r["period"] == months[int(r["month"]) - 1] for r in mine if r["month"] != "0")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_exports_compare_each_self_hosted_option_with_the_apps_api(path):
    """The summary's "compared with (API)" and its NPV of savings are the app's pair's: the best-ranked API (SLO and
    gate first, then NPV; `headline_pair`), not a cheaper API below the gate or retired (the owned example's CSV
    compared with the retired gpt-5-mini while Break-even showed qwen3-235b-fireworks)."""
    result = _result(path)
    pair = headline_pair(result)
    rows = _summary(result)
    for option in result.options:
        if option.kind != "self_hosted" or pair is None:
            continue
        api = pair[1]
        assert rows[option.id]["compared with (API)"] == api.id, option.id
        be = next((b for b in result.break_even if (b.self_hosted, b.api) == (option.id, api.id)), None)
        if be is not None:
            saving = Decimal(rows[option.id]["NPV of savings vs that API (USD)"])
            # it ties out to the two rows' NPVs of cost, to the cent (a reviewer found 1,402,747.14 beside
            # 1,608,955.21 − 206,208.08 = 1,402,747.13), and lies within a cent of the engine's figure
            npv = "NPV of cost (USD)"
            assert saving == Decimal(rows[api.id][npv]) - Decimal(rows[option.id][npv]), option.id
            assert abs(saving - cents(be.npv_savings_usd)) <= CENT


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_workbook_pairs_tie_out_to_the_summary_npvs_to_the_cent(path):
    """Every pair in the workbook's pairs sheet: NPV of savings = the API's NPV of cost − the self-hosted one's, as
    its summary sheet writes them (read back with openpyxl)."""
    result = _result(path)
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(result, None)), read_only=True)
    summary = list(book["summary"].iter_rows(values_only=True))
    head = summary[0]
    npv = {row[head.index("option")]: Decimal(repr(row[head.index("NPV of cost (USD)")])) for row in summary[1:]}
    pairs = list(book["pairs"].iter_rows(values_only=True))
    keys = pairs[0]
    assert len(pairs) - 1 == len(result.break_even) > 0
    for row in pairs[1:]:
        hosted, api = row[keys.index("self-hosted option")], row[keys.index("API option")]
        saving = Decimal(repr(row[keys.index("NPV of savings (USD)")]))
        assert saving == npv[api] - npv[hosted], (hosted, api)


def test_the_summary_says_where_throughput_comes_from_as_the_app_does():
    """The CSV's "throughput basis" is the app's capacity cell: "modelled ±48%" for a profile asked about a shape it
    did not measure, not the profile's own "published" (the review found the two disagreeing)."""
    result = _result(ROOT / "scenarios" / "glm5-vs-frontier.yaml")
    rows = _summary(result)
    seen = set()
    for option in result.options:
        cap = option.capacity
        if cap is None or cap["method"] in ("measured", "none") or cap["method"] == option.capacity_basis:
            expected = option.capacity_basis
        else:
            expected = f"{cap['method']} ±{round(cap['expected_error'] * 100)}%"
        assert rows[option.id]["throughput basis"] == expected, option.id
        seen.add(expected.split()[0])
    assert {"provider", "modelled"} <= seen, seen


def test_the_owned_example_csv_now_carries_the_50000_implementation():
    """Before: the CSV of each owned option summed to $50,000 under the summary (the implementation was left out)."""
    result = _result(OWNED)
    long = _long(result)
    summary = _summary(result)
    for option_id in ("qwen3-235b-owned", "llama70b-owned"):  # implementation_usd: 50000 in the scenario file
        start = {r["component"]: r["usd"] for r in long if r["option"] == option_id and r["month"] == "0"}
        assert start == {"implementation": "50000.00"}
        monthly_only = sum(Decimal(r["usd"]) for r in long if r["option"] == option_id and r["month"] != "0")
        total = Decimal(summary[option_id][TOTAL])
        assert total - monthly_only == Decimal("50000.00")
        assert sum(Decimal(r["usd"]) for r in long if r["option"] == option_id) == total
    apis = [o.id for o in result.options if o.kind == "api"]
    for option_id in apis:  # no implementation: a zero month-0 row, so every option has its start
        assert [(r["component"], r["usd"]) for r in long if r["option"] == option_id and r["month"] == "0"] == [
            ("implementation", "0.00")
        ]


def test_a_distilled_student_has_its_project_at_the_start_and_each_redistillation_when_paid():
    result = _result(DISTIL)
    long = _long(result)
    student = result.option("qwen32-distilled")  # serving implementation_usd: 20000; re-distilled every 12 months
    assert student.one_time_cost_usd is not None
    start = {r["component"]: Decimal(r["usd"]) for r in long if r["option"] == student.id and r["month"] == "0"}
    assert start == {"implementation": Decimal("20000.00"), "distillation_project": cents(student.one_time_cost_usd)}
    redone = {int(r["month"]): Decimal(r["usd"]) for r in long
              if r["option"] == student.id and r["component"] == "redistillation" and Decimal(r["usd"])}  # fmt: skip
    engine = {t + 1: v for t, v in enumerate(student.monthly_components_usd["redistillation"]) if v}
    assert redone == {t: cents(v) for t, v in engine.items()}
    assert len(redone) >= 1 and all(v == cents(student.one_time_cost_usd) for v in redone.values())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_summary_csv_writes_amounts_in_cents_without_float_noise(path):
    result = _result(path)
    text = as_csv(result)
    rows = list(csv.DictReader(io.StringIO(text)))
    unit_prices = ("cost per task", "cost per million tokens", "GPU price")
    amounts = [h for h in rows[0] if h.endswith("(USD)") and not h.startswith(unit_prices)]
    assert TOTAL in amounts and "NPV of cost (USD)" in amounts
    for row in rows:
        option = next((o for o in result.options if o.id == row["option"]), None)
        if option is None:
            continue
        for header in amounts:
            assert row[header] == "" or MONEY.match(row[header]), (header, row[header])
        assert Decimal(row["NPV of cost (USD)"]) == cents(option.npv_cost_usd)
        assert Decimal(row["cost in month 1 (USD)"]) == cents(option.first_month_cost_usd)
    for number in re.findall(r"(?<![\w.])-?\d+\.(\d+)", text):
        assert len(number) <= 6, "no float noise such as 9300.000000000002"


def test_float_noise_of_the_engine_is_gone_from_the_summary():
    """glm5-api's total is 223200.00000000006 in the engine; the CSV said so before, it says 223200.00 now."""
    result = _result(ROOT / "scenarios" / "glm5-vs-frontier.yaml")
    assert repr(result.option("glm5-api").total_cost_usd) != "223200.0"  # the engine's float, noise and all
    assert _summary(result)["glm5-api"][TOTAL] == "223200.00"


@functools.cache
def _workbook() -> tuple[ScenarioResult, openpyxl.Workbook]:
    inputs = load_inputs(OWNED)
    result = evaluate(inputs)
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(result, risk_report(inputs, result, samples=200))))
    return result, book


def _table(sheet) -> list[dict[str, object]]:
    """A sheet as rows of header -> cell."""
    rows = list(sheet.iter_rows())
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_the_workbook_assumptions_are_typed_and_formatted():
    _, book = _workbook()
    cells = {row["assumption"].value: row["value"] for row in _table(book["assumptions"])}
    first = cells["first month"]
    assert first.is_date and first.value == dt.datetime(2027, 1, 1) and first.number_format == "yyyy-mm"
    expected = {  # name: (value, number format), from scenarios/owned-fleet-finance.yaml and the defaults
        "horizon": (36, "#,##0"),
        "requests in month 1": (20_000_000, "#,##0"),
        "tokens per request": (2000, "#,##0"),
        "monthly growth": (0.03, "0.0%"),
        "discount rate": (0.08, "0.0%"),
        "API price decline": (0.3, "0.0%"),
        "GPU price decline": (0, "0.0%"),
        "peak-to-average": (2.5, "0.00"),
        "hours per month": (730, "#,##0"),
        "staff cost": (18_000, "$#,##0"),
        "capacity: planning utilisation": (0.85, "0.0%"),
        "capacity: spare replicas (for failures)": (1, "#,##0"),
        "option qwen3-235b-owned: server price": (420_000, "$#,##0"),
    }
    for name, (value, number_format) in expected.items():
        assert (cells[name].value, cells[name].number_format) == (value, number_format), name
    for name in ("horizon", "requests in month 1", "hours per month", "capacity: spare replicas (for failures)"):
        assert isinstance(cells[name].value, int), name  # counts are integers, not 16.00
    for name, cell in cells.items():
        if isinstance(cell.value, str):
            assert not re.fullmatch(r"\d{4}-\d{2}", cell.value), name  # no month left as text
            assert cell.number_format in ("@", "General"), name


def test_the_workbook_summary_has_counts_as_integers_shares_as_percent_and_money_in_cents():
    """Money held to the cent, shown in whole dollars as on screen (a reviewer read 1,608,955.21 beside $1,608,955);
    the monthly ledger, whose cents add up to these totals, shows them."""
    result, book = _workbook()
    rows = {row["option"].value: row for row in _table(book["summary"])}
    for option in result.options:
        row = rows[option.id]
        for header, amount in (
            (TOTAL, option.total_cost_usd),
            ("NPV of cost (USD)", option.npv_cost_usd),
            ("cost in month 1 (USD)", option.first_month_cost_usd),
        ):
            assert row[header].number_format == "$#,##0"
            assert Decimal(repr(row[header].value)) == cents(amount), header
        if option.ownership == "owned":
            gpus = row["GPUs billed, month 1"]
            assert gpus.value == option.gpus_billed_first_month and isinstance(gpus.value, int)
            assert gpus.number_format == "#,##0"
            # a share shown as a percentage: its header says no "%" (the CSV's, percent numbers, does), so a value
            # pasted out of the workbook is not read 100× too small
            share = row["utilisation of billed GPUs, month 1"]
            assert share.number_format == "0.0%"
            assert share.value == pytest.approx(option.utilization_first_month, abs=5e-7)  # to six decimals


def test_the_workbook_monthly_sheet_reconciles_and_its_periods_are_dates():
    result, book = _workbook()
    rows = _table(book["monthly"])
    money = [h for h in rows[0] if isinstance(h, str) and h.endswith("(USD)")]
    components = [h for h in money if h not in {"P&L cost, one-time included (USD)", "one-time (USD)",
                  "capex, cash (USD)", "opex (USD)", "cash out (USD)", "cumulative cash out (USD)",
                  "present value of cost (USD)"}]  # fmt: skip
    assert "implementation (USD)" in components and "capital (USD)" in components
    assert {r[h].number_format for r in rows for h in money if r[h].value is not None} == {"$#,##0.00"}  # cents

    def amount(cell) -> Decimal:
        return Decimal(0) if cell.value is None else Decimal(repr(cell.value))

    for option in result.options:
        mine = [r for r in rows if r["option"].value == option.id]
        assert [r["month (0 = start)"].value for r in mine] == list(range(len(option.monthly_cost_usd) + 1))
        assert mine[0]["period (month 0: the start)"].value is None  # not the text "start" in a date column
        for r in mine[1:]:
            period = r["period (month 0: the start)"]
            assert isinstance(period.value, dt.datetime) and period.number_format == "yyyy-mm"
            assert isinstance(r["requests"].value, int) and r["requests"].number_format == "#,##0"
        for r in mine:
            for header in money:
                cell = r[header]
                assert cell.value is None or (cell.number_format == "$#,##0.00" and round(cell.value, 2) == cell.value)
            cost = amount(r["P&L cost, one-time included (USD)"])
            assert sum(amount(r[h]) for h in components) == cost  # components add up to the month, to the cent
            cash = amount(r["one-time (USD)"]) + amount(r["capex, cash (USD)"]) + amount(r["opex (USD)"])
            assert cash == amount(r["cash out (USD)"])
        assert sum(amount(r["P&L cost, one-time included (USD)"]) for r in mine) == cents(option.total_cost_usd)
        if option.cash_flow_usd is not None:  # owned: the cash out adds up to the engine's cash flows
            assert amount(mine[-1]["cumulative cash out (USD)"]) == cents(math.fsum(option.cash_flow_usd))
            assert amount(mine[0]["capex, cash (USD)"]) == cents(option.cash_flow_usd[0]) - Decimal("50000.00")


def test_the_workbook_tornado_ranges_are_numbers():
    """Each end is a number in a format that says what it is; a multiplier on the base reads as its change from
    base ("GPU price" -20 %: the value -0.2 in a signed-percent format), as the bar's label says."""
    result, book = _workbook()
    inputs = load_inputs(OWNED)
    bars = {b.input: b for b in risk_report(inputs, result, samples=200).tornado.bars}
    rows = _table(book["tornado"])
    assert [r["input"].value for r in rows] == list(bars)
    formats = {"+0.0%;-0.0%;0.0%", "0.0%", "0.00"}
    for r in rows:
        bar = bars[r["input"].value]
        for end in ("low", "high"):
            cell = r[f"{end} case"]
            assert isinstance(cell.value, int | float), (bar.input, cell.value)  # not the text "-20%"
            assert cell.number_format in formats
            label = getattr(bar, f"{end}_label")
            if label.endswith("%/yr") or label == "flat":  # a decline read as a change: "falls 10%/yr" is 0.10
                rate = 0.0 if label == "flat" else float(label.split()[1].rstrip("%/yr")) / 100
                assert cell.value == pytest.approx(-rate if label.startswith("rises") else rate, abs=5e-3), label
            elif label.endswith("%"):  # the label, read here: "−20%" is -0.2, "+1.0%" is 0.01, "70%" is 0.7
                number = float(label.rstrip("%").replace("\u2212", "-"))  # the label's minus is U+2212
                assert cell.value == pytest.approx(number / 100, abs=5e-3), (bar.input, label)
                assert cell.number_format in ("+0.0%;-0.0%;0.0%", "0.0%")
            else:  # a ratio ("2.5×")
                assert label.endswith("×"), (bar.input, label)
                assert cell.value == pytest.approx(float(label.rstrip("×")), abs=5e-3) and cell.number_format == "0.00"
    gpu = next(r for r in rows if r["input"].value == "GPU price")
    assert gpu["low case"].number_format == gpu["high case"].number_format == "+0.0%;-0.0%;0.0%"
    assert gpu["low case"].value == -gpu["high case"].value < 0
    assert gpu["unit of the cases"].value == "change from base"


@given(st.lists(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), min_size=1, max_size=40))
def test_cents_allocated_add_up_and_each_stays_within_a_cent(values):
    total = to_cents(math.fsum(values))
    out = allocate_cents(values, total)
    assert sum(out) == total
    assert all(abs(c - v * 100) < 1 + 1e-6 for c, v in zip(out, values, strict=True))


RENTED = {
    "name": "Reconcile",
    "horizon_months": 6,
    "workload": {"requests_per_month": 2_628_000, "input_tokens": 2000, "output_tokens": 500, "peak_to_average": 2},
    "options": [
        {"id": "fleet", "kind": "self_hosted", "model": "llama-3.3-70b-instruct", "profile": "p.yaml",
         "usd_per_gpu_hour": 2.0, "gpus_per_replica": 2},
        {"id": "flat", "kind": "api", "provider": "acme", "model": "flat-3-15"},
    ],
}  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(
    volume=st.floats(min_value=1e4, max_value=1e8),
    growth=st.floats(min_value=-0.05, max_value=0.2),
    fleet_setup=st.floats(min_value=0, max_value=1e6),
    api_setup=st.floats(min_value=0, max_value=1e5),
)
def test_the_monthly_csv_always_adds_up_to_the_summary(tmp_path_factory, catalogues, volume, growth, fleet_setup,
                                                       api_setup):  # fmt: skip
    folder = tmp_path_factory.mktemp("r")
    write_yaml(folder / "p.yaml", simple_profile([level(1.0, 1.0, 0.05)]))
    fleet, api = RENTED["options"]
    mapping = {
        **RENTED,
        "workload": {**RENTED["workload"], "requests_per_month": volume, "monthly_growth": growth},
        "options": [{**fleet, "implementation_usd": fleet_setup}, {**api, "implementation_usd": api_setup}],
    }
    result = run_scenario(folder, mapping, catalogues)
    long = _long(result)
    summary = _summary(result)
    for option_id, setup in (("fleet", fleet_setup), ("flat", api_setup)):
        option = result.option(option_id)
        rows = [r for r in long if r["option"] == option.id]
        total = sum(Decimal(r["usd"]) for r in rows)
        assert total == Decimal(summary[option.id][TOTAL]) == cents(option.total_cost_usd)
        start = [Decimal(r["usd"]) for r in rows if r["month"] == "0"]
        assert abs(sum(start) - Decimal(repr(setup))) <= CENT


def test_a_payback_that_never_comes_reads_never_and_an_api_row_stays_empty():
    """A reviewer could not tell the owned fleet's "never" (the screen) from an API's "not compared": both were empty
    cells in the summary and the pairs sheet. Now "never" where a pair's payback does not come, empty where there is
    no pair; a month where one comes stays a number in the workbook."""
    result = _result(OWNED)
    rows = _summary(result)
    column = "payback month vs that API (owned: on cash)"
    owned = next(b for b in result.break_even if b.self_hosted == "llama70b-owned" and b.api ==
                 rows["llama70b-owned"]["compared with (API)"])  # fmt: skip
    assert owned.cash_payback_month is None and rows["llama70b-owned"][column] == "never"
    assert all(rows[o.id][column] == "" for o in result.options if o.kind == "api")
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(result, None)), read_only=True)
    pairs = list(book["pairs"].iter_rows(values_only=True))
    header = pairs[0]
    for row in pairs[1:]:
        cash = row[header.index("cash payback month (owned)")]
        be = next(b for b in result.break_even if (b.self_hosted, b.api) == row[:2])
        assert cash == (be.cash_payback_month or "never"), row[:2]  # owned servers only: each pair here is owned
        month = row[header.index("payback month (owned: P&L, capital charged monthly)")]
        assert month == ("never" if be.payback_month is None else be.payback_month)


def test_the_summary_compares_with_the_api_of_the_pair_on_screen():
    """Every self-hosted row is compared with the API of the pair the reader compares on screen (the app passes it),
    its savings, payback, IRR and ROI that pair's own figures in the pairs sheet; without one, with the best-ranked
    API, the headline pair's."""
    result = _result(ROOT / "scenarios" / "glm5-vs-frontier.yaml")
    apis = [o.id for o in result.options if o.kind == "api"]
    hosted = [o for o in result.options if o.kind == "self_hosted" and o.replicas_first_month is not None]
    pairs = {(b.self_hosted, b.api): b for b in result.break_even}
    default = {o.returns_against for o in hosted}
    assert len(default) == 1 and len(apis) >= 2
    for api in [None, *apis]:
        rows = {r["option"]: r for r in csv.DictReader(io.StringIO(as_csv(result, None, api)))}
        for o in hosted:
            row, against = rows[o.id], api or o.returns_against
            pair = pairs[(o.id, against)]
            assert row["compared with (API)"] == against
            assert float(row["NPV of savings vs that API (USD)"]) == pytest.approx(pair.npv_savings_usd, abs=0.0101)
            shown = row["payback month vs that API (owned: on cash)"]
            assert shown == ("never" if pair.payback_month is None else str(pair.payback_month))
            for key, value in (("IRR vs that API (% a year)", pair.irr), ("ROI vs that API (%)", pair.roi)):
                assert (row[key] == "") if value is None else float(row[key]) == pytest.approx(100 * value, abs=1e-3)
        for a in apis:  # an API's own row compares with nothing
            assert rows[a]["compared with (API)"] == ""


def test_the_workbook_writes_scores_as_the_screen_does_and_names_assumptions_in_words():
    """A reviewer read 86.00 and 94.30 in the quality column (the screen says 86 and 94.3) and "capacity: ha spare
    replicas", "ops staff, api" in the assumptions."""
    result, book = _workbook()
    rows = {row["option"].value: row for row in _table(book["summary"])}
    scored = [o for o in result.options if o.quality_score is not None]
    assert scored
    for option in scored:
        cell = rows[option.id]["quality score (0-100)"]
        assert cell.value == pytest.approx(option.quality_score) and cell.number_format == "General"
    cells = {row["assumption"].value: row["value"] for row in _table(book["assumptions"])}
    assert cells["ops staff for an API option"].value == 0.05  # the scenario default (docs/formats.md)
    assert {"ops staff for a rented fleet", "ops staff for an owned fleet", "capacity: fewest replicas"} <= set(cells)
    assert not [name for name in cells if re.search(r"\b(ha|min|api)\b|_", name.split(": ", 1)[-1])]
