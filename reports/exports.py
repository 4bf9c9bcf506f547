"""Exports a finance reader pastes into a model: a summary CSV with units in its headers, a long monthly CSV
(option, month, period, component, usd; `reports.monthly`), and an Excel workbook with typed cells in number
formats, frozen headers and filters.

Amounts are rounded to the cent everywhere (CSV and workbook), and the monthly rows add up, per option, to the
summary's total cost: month 0 carries the one-time costs (see `reports.monthly`). In the workbook every cell is
typed: months are dates, shares percentages, counts whole numbers, money held to the cent and shown in whole
dollars (the monthly ledger shows its cents).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from datafiles.export import Column, to_csv, to_xlsx
from reports.mix import mix_sheets
from reports.monthly import as_monthly_csv, monthly_columns, monthly_rows, monthly_rows_in_cents
from reports.ranking import ranked, throughput_basis
from tco.decision.verdict import decide, mean_monthly_usd, status
from tco.records.defaults import DEFAULT_LABELS
from tco.records.mix import MixResult
from tco.records.results import BreakEven, OptionResult, ScenarioResult
from tco.risk.report import RiskReport

__all__ = ["as_csv", "as_monthly_csv", "as_xlsx", "assumption_rows", "file_stem", "monthly_rows", "summary_rows"]

SUMMARY = [
    Column("option", "option", width=22),
    Column("status", "status", width=22),
    Column("kind", "kind"),
    Column("model", "model", width=22),
    Column("gpu", "GPU"),
    Column("mean_monthly_usd", "cost a month, mean over horizon excl. one-time (USD)", "usd", 16),
    Column("first_month_usd", "cost in month 1 (USD)", "usd"),
    Column("total_usd", "total cost over horizon incl. one-time (USD)", "usd", 16),
    Column("npv_usd", "NPV of cost (USD)", "usd"),
    Column("after_horizon_usd", "contract left after the horizon, nominal (USD)", "usd", 16),
    Column("after_horizon_pv_usd", "contract left after the horizon, present value (USD)", "usd", 16),
    Column("usd_per_task", "cost per task, month 1 (USD)", "usd4"),
    Column("usd_per_mtok", "cost per million tokens, month 1 (USD)", "usd2"),
    Column("gpus_billed", "GPUs billed, month 1", "count"),
    Column("replicas", "replicas, month 1", "int"),
    Column("utilization", "utilisation of billed GPUs, month 1 (%)", "percent"),
    Column("usd_per_gpu_hour", "GPU price (USD per GPU-hour)", "usd2"),
    Column("server_usd", "server price (USD per server)", "usd"),
    Column("slo_met", "meets the latency SLO"),
    Column("quality_gate", "quality gate"),
    Column("quality_score", "quality score (0-100)", "score"),
    Column("success_rate", "success rate (%)", "percent"),
    Column("compared_with", "compared with (API)", width=18),
    Column("npv_savings_usd", "NPV of savings vs that API (USD)", "usd"),
    Column("payback_month", "payback month vs that API (owned: on cash)", "int"),
    Column("irr", "IRR vs that API (% a year)", "percent"),
    Column("roi", "ROI vs that API (%)", "percent"),
    Column("basis", "throughput basis", width=22),
    Column("taught_by", "distilled from (teacher)", width=18),
    Column("project_usd", "distillation project, one-time (USD)", "usd"),
    Column("payback_vs_teacher", "payback month vs the teacher", "int"),
]


def file_stem(scenario_name: str, today: str) -> str:
    """`<scenario>-<date>`, safe as a file name.

    "GLM-5 against the frontier" on 2026-12-01 -> glm-5-against-the-frontier-2026-12-01."""
    slug = re.sub(r"[^a-z0-9]+", "-", scenario_name.lower()).strip("-")[:60] or "scenario"
    return f"{slug}-{today}"


def _pair(pairs: dict[tuple[str, str | None], BreakEven], option: OptionResult, api: str | None) -> BreakEven | None:
    """The option against `api` (the API of the pair on screen) where that pair was computed, else against the
    engine's reference, the best-ranked API (`returns_against`)."""
    return pairs.get((option.id, api)) or pairs.get((option.id, option.returns_against))


def summary_rows(result: ScenarioResult, mix: MixResult | None = None, api: str | None = None) -> list[dict[str, Any]]:
    """One row per option, each self-hosted one compared with `api` — the API of the pair the reader compares on
    screen, so the file says what the page does — or, without one, with the best-ranked API."""
    decision = decide(result)
    pairs: dict[tuple[str, str | None], BreakEven] = {(b.self_hosted, b.api): b for b in result.break_even}
    rows = []
    for o in ranked(result):
        pair = _pair(pairs, o, api)
        rows.append(
            {
                "option": o.id,
                "status": status(o, decision, mix),
                "kind": "distilled" if o.distillation else (o.ownership or o.kind),
                "model": o.model,
                "gpu": o.gpu,
                "mean_monthly_usd": mean_monthly_usd(o),
                "first_month_usd": o.first_month_cost_usd,
                "total_usd": o.total_cost_usd,
                "npv_usd": o.npv_cost_usd,
                "after_horizon_usd": getattr(o, "committed_after_horizon_usd", None),
                "after_horizon_pv_usd": getattr(o, "committed_after_horizon_pv_usd", None),
                "usd_per_task": o.usd_per_request,
                "usd_per_mtok": o.usd_per_mtok,
                "gpus_billed": o.gpus_billed_first_month,
                "replicas": o.replicas_first_month,
                "utilization": o.utilization_first_month,
                "usd_per_gpu_hour": o.usd_per_gpu_hour,
                "server_usd": o.server_usd,
                "slo_met": o.slo_met,
                "quality_gate": o.quality_gate,
                "quality_score": o.quality_score,
                "success_rate": o.success_rate,
                "compared_with": pair.api if pair else None,
                "npv_savings_usd": tied_savings_usd(result, pair) if pair else None,
                "payback_month": _never(pair.cash_payback_month if o.ownership == "owned" else pair.payback_month)
                if pair
                else None,
                "irr": pair.irr if pair else None,
                "roi": pair.roi if pair else None,
                "basis": throughput_basis(o),
                "taught_by": o.distillation["teacher"] if o.distillation else None,
                "project_usd": o.one_time_cost_usd,
                "payback_vs_teacher": _never(o.distillation.get("payback_month_vs_teacher"))
                if o.distillation
                else None,
            }
        )
    for err in result.option_errors:
        rows.append({"option": err.id, "status": f"cannot be computed: {err.error}", "model": err.label})
    return rows


def _percent_as_number(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV cells hold no format: shares are written as percent numbers (18.6 for 18.6 %), headers say so."""
    keys = [c.key for c in SUMMARY if c.kind == "percent"]
    return [{**r, **{k: round(r[k] * 100, 4) + 0.0 for k in keys if r.get(k) is not None}} for r in rows]


def as_csv(result: ScenarioResult, mix: MixResult | None = None, api: str | None = None) -> str:
    """One row per option (`summary_rows`: self-hosted ones compared with `api`); headers with their units;
    percentages as percent numbers; amounts to the cent ("9300.00"), unit prices to four or six decimals, counts
    whole where they are."""
    header = {c.key: c.header for c in SUMMARY}
    rows = [
        {header[k]: v for k, v in r.items() if k in header} for r in _percent_as_number(summary_rows(result, mix, api))
    ]
    kinds = {c.header: c.kind for c in SUMMARY if c.kind != "percent"}
    return to_csv(rows, [c.header for c in SUMMARY], kinds)


def _pairs(result: ScenarioResult) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [
        Column("self_hosted", "self-hosted option", width=22),
        Column("api", "API option", width=22),
        Column("npv_savings_usd", "NPV of savings (USD)", "usd"),
        Column("payback_month", "payback month (owned: P&L, capital charged monthly)", "int"),
        Column("discounted_payback_month", "discounted payback month (owned: on cash)", "int"),
        Column("cash_payback_month", "cash payback month (owned)", "int"),
        Column("terminal_value_usd", "terminal value (USD)", "usd"),
        Column("irr", "IRR (% a year)", "percent"),
        Column("roi", "ROI (%)", "percent"),
        Column("returns_note", "why no IRR or ROI", width=30),
        Column("break_even_utilization", "break-even utilisation (%)", "percent"),
    ]
    keys = [c.key for c in columns]
    return columns, [{**_pair_row(b, keys), "npv_savings_usd": tied_savings_usd(result, b)} for b in result.break_even]


def tied_savings_usd(result: ScenarioResult, pair: BreakEven) -> float:
    """A pair's NPV of savings as the file's own NPVs of cost give it, each rounded to the cent first, so the two
    rows tie out to the cent: the engine's difference rounded on its own read −1,402,747.14 beside 1,608,955.21 and
    206,208.08, whose difference is 1,402,747.13 (a reviewer). Equal to `pair.npv_savings_usd` within a cent
    (tests/reports/test_exports_reconcile.py ties both files out).
    """
    api, hosted = result.option(pair.api), result.option(pair.self_hosted)
    return round(round(api.npv_cost_usd, 2) - round(hosted.npv_cost_usd, 2), 2)


def _pair_row(pair: BreakEven, keys: list[str]) -> dict[str, Any]:
    """A pair's row: its paybacks "never" where none comes (a cash payback only for owned servers, which have a
    terminal value; else empty)."""
    paybacks = {"payback_month", "discounted_payback_month"}
    if pair.terminal_value_usd is not None:
        paybacks.add("cash_payback_month")
    return {k: _never(getattr(pair, k, None)) if k in paybacks else getattr(pair, k, None) for k in keys}


NEVER = "never"
"""A payback that does not come within the horizon, written as the screen writes it: an empty cell also means "not
compared" (an API's own row), and a reviewer could not tell the two apart in the summary sheet."""


def _never(month: int | None) -> int | str:
    return NEVER if month is None else month


def _ranges(result: ScenarioResult) -> tuple[list[Column], list[dict[str, Any]]]:
    """Break-even as ranges (tco.finance.volume_ranges): one row per range, month 1 and over the horizon; an open
    end is an empty cell (from 0, or to the end of the search at 100 billion requests a month)."""
    columns = [
        Column("self_hosted", "self-hosted option", width=22),
        Column("api", "API option", width=22),
        Column("basis", "basis", width=36),
        Column("from_requests_per_month", "from (first-month requests/month)", "int", 18),
        Column("to_requests_per_month", "to (first-month requests/month)", "int", 18),
        Column("cheaper", "cheaper throughout", width=22),
        Column("costs_within", "even: costs within (%)", "percent", 12),
    ]
    rows = [
        {"self_hosted": b.self_hosted, "api": b.api, "basis": basis,
         "from_requests_per_month": r.from_requests_per_month, "to_requests_per_month": r.to_requests_per_month,
         "cheaper": {"self_hosted": b.self_hosted, "api": b.api}.get(r.cheaper, "even (alternating)"),
         "costs_within": r.costs_within}
        for b in result.break_even
        for basis, ranges in (("month 1, first-month prices", b.month_one_ranges),
                              ("over the horizon, NPV of cost", b.horizon_ranges))
        for r in ranges
    ]  # fmt: skip
    return columns, rows


def slo_name(key: str) -> str:
    """A scenario's SLO key as people write it.

    >>> slo_name("ttft_p99_s"), slo_name("itl_p50_s")
    ('TTFT p99', 'ITL p50')
    """
    metric, pct = key.removesuffix("_s").rsplit("_", 1)
    return f"{metric.upper()} {pct}"


ASSUMPTION_WORDS = {
    "planning_utilization": "planning utilisation",
    "ha_spare_replicas": "spare replicas (for failures)",
    "min_replicas": "fewest replicas",
    "min_score": "lowest benchmark score",
    "min_success_rate": "lowest eval success rate",
    "api": "an API option",
    "rented": "a rented fleet",
    "owned": "an owned fleet",
}
"""Scenario keys as the assumptions sheet and the decision report name them (a reviewer read "capacity: ha spare
replicas" and "ops staff, api" as raw keys); a key not here is written with spaces."""


def _words(key: str) -> str:
    return ASSUMPTION_WORDS.get(key, key.replace("_", " "))


def _typed_assumptions(result: ScenarioResult) -> list[tuple[str, Any, str, str]]:
    """(name, value, unit, kind): the kind is how the workbook types and formats the value (`FORMATS`)."""
    a = result.assumptions
    f = a["finance"]
    capacity_kind = {"planning_utilization": "percent"}
    source = PurePath(str(a["scenario_file"]))  # by its name alone, and only where there is a file
    named = [("scenario file", source.name, "", "text")] if source.suffix.lower() in (".yaml", ".yml") else []
    rows = [
        ("scenario", result.scenario, "", "text"),
        *named,
        ("price data", a["price_data"], "", "text"),
        ("first month", a["months"][0], "YYYY-MM", "month"),
        ("horizon", len(a["months"]), "months", "int"),
        ("requests in month 1", a["requests_per_month_first"], "requests/month", "count"),
        ("tokens per request", a["tokens_per_request"], "tokens (input + output)", "count"),
        ("monthly growth", a["monthly_growth"], "share a month", "percent"),
        ("peak-to-average", a["peak_to_average"], "ratio", "ratio2"),
        ("hours per month", a["hours_per_month"], "hours", "count"),
        ("discount rate", f["discount_rate_annual"], "share a year", "percent"),
        ("API price decline", f["api_price_decline_annual"], "share a year", "percent"),
        ("GPU price decline", f["gpu_price_decline_annual"], "share a year (on-demand and spot)", "percent"),
        ("staff cost", f["staff_usd_per_fte_month"], "USD per FTE-month", "usd"),
        *((f"ops staff for {_words(k)}", v, "FTE", "ratio2") for k, v in f["ops_fte"].items()),
        ("GPUs per extra ops FTE", f["gpus_per_ops_fte"], "GPUs", "count"),
        ("contract after the horizon", f.get("commitments_after_horizon"), "count: in the NPV of cost; ignore: not",
         "text"),
        *((f"capacity: {_words(k)}", v, "share of SLO throughput" if k in capacity_kind else "replicas",
           capacity_kind.get(k, "count")) for k, v in a["capacity"].items()),
        *((f"SLO {slo_name(k)}", v, "seconds", "seconds") for k, v in a["slo"].items()),
        *((f"quality gate: {_words(k)}", v, "", "percent" if k.endswith("rate") else "score")
          for k, v in a["quality_gate"].items() if v is not None),
        *((f"option {o.id}: GPU price", o.usd_per_gpu_hour, "USD per GPU-hour", "usd2") for o in result.options
          if o.usd_per_gpu_hour is not None),
        *((f"option {o.id}: server price", o.server_usd, "USD per server", "usd") for o in result.options
          if o.server_usd is not None),
        *((f"default: {DEFAULT_LABELS.get(k, _words(k))}", v, "source", "text")
          for k, v in a["default_sources"].items()),
    ]  # fmt: skip
    return [row for row in rows if row[1] is not None]


def assumption_rows(result: ScenarioResult) -> list[dict[str, Any]]:
    """Every input the figures rest on, one per row: name, value (a number where it is one), unit."""
    return [{"name": n, "value": v, "unit": u} for n, v, u, _ in _typed_assumptions(result)]


_LABEL = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)(%?)$")


def case_value(label: str) -> tuple[float | str, str]:
    """A tornado case's label as a number and its kind: "-20%" -> (-0.2, signed_percent), "30%" -> (0.3, percent),
    "0.70" -> (0.7, ratio2); other text is kept as text.

    >>> case_value("-20%"), case_value("+1.0%"), case_value("30%"), case_value("2.50"), case_value("base")
    ((-0.2, 'signed_percent'), (0.01, 'signed_percent'), (0.3, 'percent'), (2.5, 'ratio2'), ('base', 'text'))
    """
    match = _LABEL.match(label.strip())
    if match is None:
        return label, "text"
    sign, digits, percent = match.groups()
    value = float(sign + digits)
    if percent:
        return round(value / 100, 10), "signed_percent" if sign else "percent"
    return value, "ratio2"


_UNIT_KINDS = {"per month": "percent", "per year": "percent", "share of SLO throughput": "percent"}
"""Tornado units (`TornadoBar.unit`) whose values are rates or shares, shown as percentages."""


def tornado_case(bar: Any, end: str) -> tuple[float | str, str, str]:
    """One end ("low" or "high") of a tornado bar as (number, kind, unit): a multiplier on the base ("x base") as
    its change from base, a signed percentage (0.8 -> -20 %); a rate or share as a percentage; a ratio as a number.
    A bar without numeric ends (`low`/`high`) is read from its label (`case_value`)."""
    value = getattr(bar, end, None)
    if not isinstance(value, int | float):
        number, kind = case_value(getattr(bar, f"{end}_label"))
        return number, kind, "change from base" if kind == "signed_percent" else ""
    unit = str(getattr(bar, "unit", ""))
    if unit == "x base":
        return value - 1, "signed_percent", "change from base"
    return value, _UNIT_KINDS.get(unit, "ratio2"), unit


def _tornado_rows(risk: RiskReport) -> list[dict[str, Any]]:
    """One row per bar: each end as a typed number (`tornado_case`), its unit, the savings at each end."""
    rows = []
    for bar in risk.tornado.bars:
        low, low_kind, unit = tornado_case(bar, "low")
        high, high_kind, _ = tornado_case(bar, "high")
        rows.append({"input": bar.input, "low": low, "low_kind": low_kind, "high": high, "high_kind": high_kind,
                     "unit": unit, "savings_at_low_usd": bar.savings_at_low_usd,
                     "savings_at_high_usd": bar.savings_at_high_usd, "swing_usd": bar.swing_usd})  # fmt: skip
    return rows


def _risk_sheets(risk: RiskReport) -> dict[str, tuple[list[Column], list[dict[str, Any]]]]:
    tornado_columns = [
        Column("input", "input", width=30),
        Column("low", "low case", "ratio2", kind_key="low_kind"),
        Column("high", "high case", "ratio2", kind_key="high_kind"),
        Column("unit", "unit of the cases", width=22),
        Column("savings_at_low_usd", f"NPV of savings, low case ({risk.api} minus {risk.self_hosted}, USD)", "usd", 18),
        Column("savings_at_high_usd", "NPV of savings, high case (USD)", "usd", 18),
        # the bar's reach, base included: where both ends move one way it is the base to the further end, not high
        # minus low (a reviewer read the growth row's $153,935 against ends $7k apart as an error)
        Column("swing_usd", "swing: lowest to highest of base and both ends (USD)", "usd", 18),
    ]
    bars = _tornado_rows(risk)
    band_columns = [
        Column("measure", "what is measured", width=40),
        Column("p10", "P10 (USD)", "usd"),
        Column("p50", "P50 (USD)", "usd"),
        Column("p90", "P90 (USD)", "usd"),
    ]
    bands = [{"measure": f"total cost over the horizon: {i}", **p} for i, p in risk.total_cost_p10_p50_p90_usd.items()]
    p10, p50, p90 = risk.savings_npv_p10_p50_p90_usd
    bands.append(
        {"measure": f"NPV of savings, {risk.api} minus {risk.self_hosted}", "p10": p10, "p50": p50, "p90": p90}
    )
    bands.append({"measure": f"P(self-hosting cheaper) = {risk.p_self_host_cheaper:.1%}; {risk.samples:,} samples, "
                             f"seed {risk.seed}"})  # fmt: skip
    return {"tornado": (tornado_columns, bars), "monte carlo": (band_columns, bands)}


def as_xlsx(
    result: ScenarioResult, risk: RiskReport | None, mix: MixResult | None = None, api: str | None = None
) -> bytes:
    """Summary (`summary_rows`: self-hosted options compared with `api`), monthly (one row per option per month,
    month 0 the one-time costs: components, capex/opex, cash, PV, in cents that add up), pairs, break-even ranges
    (one per row), risk, the best mix when solved (reports.mix), assumptions (each value typed). Numbers are numbers
    rounded and in their formats, months dates; no formulas, no links."""
    sheets: dict[str, tuple[list[Column], list[dict[str, Any]]]] = {
        "summary": (SUMMARY, summary_rows(result, mix, api)),
        "monthly": (monthly_columns(result), monthly_rows_in_cents(result)),
        "pairs": _pairs(result),
        "break-even ranges": _ranges(result),
    }
    if risk is not None:
        sheets.update(_risk_sheets(risk))
    if mix is not None:
        sheets.update(mix_sheets(mix))
    sheets["assumptions"] = (
        [
            Column("name", "assumption", width=36),
            Column("value", "value", "number", 24, kind_key="kind"),
            Column("unit", "unit", width=40),
        ],
        [{"name": n, "value": v, "unit": u, "kind": k} for n, v, u, k in _typed_assumptions(result)],
    )
    return to_xlsx(sheets)
