"""The decision report: one self-contained HTML page (and its PDF) a product manager forwards.

It holds the verdict, the ranked table, the fleets in words, the key charts (cost by component, cost against
volume, cumulative savings of the headline pair), every assumption and the sources. Charts are Plotly with
its JavaScript inlined once, so the file opens offline. The PDF is Chromium printing that same HTML
(`--headless --print-to-pdf`), the route chosen because Chromium is already installed for the browser tests
and renders the charts exactly as the browser does; without Chromium the PDF button says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from models.quality import provenance_label
from reports.exports import assumption_rows, file_stem
from reports.ranking import project_line, ranked
from tco.decision.verdict import decide, verdict
from tco.finance.breakeven import cost_curves
from ui import charts, distill_view, tables
from ui.forms import Download, download
from ui.state import Analysis

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT_S = 90

_CSS = """
body { font-family: system-ui, sans-serif; margin: 24px 32px; color: #222; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 16px; margin-top: 22px; border-bottom: 1px solid #ccc; }
.verdict { font-size: 15px; font-weight: 600; background: #f3f6fa; padding: 12px 14px; border-left: 4px solid #1f77b4; }
table { border-collapse: collapse; font-size: 11px; width: 100%; } td, th { border: 1px solid #ddd; padding: 3px 5px; }
th { background: #f0f0f0; text-align: left; } td.n { text-align: right; white-space: nowrap; }
.small { font-size: 11px; color: #555; } .chart { page-break-inside: avoid; }
@page { size: A4 landscape; margin: 12mm; }
"""


def _table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "<p class='small'>none</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td{_cell_class(v)}>{html.escape('' if v is None else str(v))}</td>" for v in r.values())
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell_class(value: object) -> str:
    text = str(value)
    return " class='n'" if text[:1] in "$-0123456789" and any(ch.isdigit() for ch in text) else ""


def figures(analysis: Analysis) -> list[tuple[str, go.Figure]]:
    result = analysis.result
    shown = [("cost-breakdown", charts.breakdown(result, ranked(result)))]
    decision = decide(result)
    feasible = [s.model for s in analysis.setups if s.feasible]
    if feasible:
        grid, costs = cost_curves(analysis.scenario, feasible)
        kinds = {o.id: o.kind for o in result.options}
        current = result.assumptions["requests_per_month_first"]
        shown.append(("cost-vs-volume", charts.cost_vs_volume(grid, costs, [m.id for m in feasible], kinds,
                                                              decision.pair, current)))  # fmt: skip
    if decision.pair and decision.hosted and decision.api:
        months = result.assumptions["months"]
        shown.append(
            (
                "cumulative-savings",
                charts.cumulative(
                    months,
                    decision.hosted,
                    decision.api,
                    decision.pair.cumulative_savings_usd,
                    decision.pair.payback_month,
                ),
            )
        )
    by_id = {o.id: o for o in result.options}
    for student in (o for o in result.options if o.distillation and o.distillation["teacher"] in by_id):
        teacher = by_id[student.distillation["teacher"]]
        chart = distill_view.payback_chart(result.assumptions["months"], student, teacher)
        shown.append((f"distillation-{student.id}", chart))
    return shown


def build_html(analysis: Analysis, today: dt.date) -> str:
    result = analysis.result
    frame = tables.options_frame(result)
    parts = [
        f"<h1>{html.escape(result.scenario)}: self-host or API?</h1>",
        f"<p class='small'>Decision report, {today.isoformat()}. "
        f"Scenario: {html.escape(result.assumptions['scenario_file'])}"
        f"; prices: {html.escape(result.assumptions['price_data'])}; {len(result.assumptions['months'])} months from "
        f"{result.assumptions['months'][0]}.</p>",
        f"<p class='verdict'>{html.escape(verdict(result))}</p>",
        "<h2>Options, ranked</h2>",
        _table(frame.to_dict("records")),
        "<p class='small'>" + html.escape("Fleets: " + "; ".join(tables.fleets(result))) + "</p>",
    ]
    projects = [project_line(o).strip() for o in result.options if o.distillation]
    if projects:
        parts += ["<h2>Distillation projects</h2>", *(f"<p>{html.escape(p)}</p>" for p in projects)]
    parts.append("<h2>Charts</h2>")
    for i, (name, figure) in enumerate(figures(analysis)):
        figure.update_layout(width=1000, height=max(figure.layout.height or 420, 380), template="plotly_white")
        div = figure.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False, div_id=name,
                             config={"staticPlot": True})  # fmt: skip
        parts.append(f"<div class='chart'>{div}</div>")
    parts.append("<h2>Assumptions</h2>")
    parts.append(_table(assumption_rows(result)))
    parts.append("<h2>Sources and notes, per option</h2>")
    for option in ranked(result):
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in option.notes)
        records = "".join(
            f"<li>{html.escape(str(r.get('benchmark')))} {r.get('score')}: {html.escape(str(r.get('source')))} "
            f"({html.escape(provenance_label(r))}, {html.escape(str(r.get('as_of')))})</li>"
            for r in option.quality_records[:6]
        )
        parts.append(f"<p><b>{html.escape(option.id)}</b> — {html.escape(option.label)}</p><ul class='small'>"
                     f"{notes}{records}</ul>")  # fmt: skip
    for err in result.option_errors:
        parts.append(f"<p><b>{html.escape(err.id)}</b> — cannot be computed: {html.escape(err.error)}</p>")
    body = "\n".join(parts)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(result.scenario)}</title>" \
           f"<style>{_CSS}</style></head><body>{body}</body></html>"  # fmt: skip


@functools.cache
def chromium() -> str | None:
    """Where Chromium is, looked up once per server (render() asks on every rerun of Compare)."""
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def to_pdf(page: str, browser: str) -> bytes:
    """Chromium prints the HTML to PDF (A4 landscape, from the page's CSS) after its charts have drawn."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   "--virtual-time-budget=10000", f"--print-to-pdf={target}", source.as_uri()]  # fmt: skip
        subprocess.run(command, check=True, timeout=PDF_TIMEOUT_S, capture_output=True)
        return target.read_bytes()


def render(analysis: Analysis) -> None:
    today = dt.date.today()
    stem = file_stem(analysis.result.scenario, today.isoformat())
    left, right = st.columns(2)
    download(Download("Decision report (HTML)", lambda: build_html(analysis, today), f"{stem}-report.html",
                      "text/html", ":material/description:", "Verdict, ranked table, charts, assumptions and "
                      "sources in one file that opens offline"), left)  # fmt: skip
    browser = chromium()
    if browser is None:
        right.caption("PDF: needs Chromium on the server; open the HTML report and print it instead.")
        return
    download(Download("Decision report (PDF)", lambda: to_pdf(build_html(analysis, today), browser),
                      f"{stem}-report.pdf", "application/pdf", ":material/picture_as_pdf:",
                      "The HTML report printed by Chromium, A4 landscape"), right)  # fmt: skip
