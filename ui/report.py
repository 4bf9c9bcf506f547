"""The decision report: one self-contained HTML page (and its PDF) a product manager forwards.

It holds the scenario's name (and description), the verdict, the ranked table, the fleets in words, the key
charts (cost by component, cost against volume, cumulative savings of the headline pair), every assumption as a
person writes it (ui.report_text) and the sources. Charts are static SVG drawn by Plotly in Chromium, on sheets
sized to fill printed pages (ui.report_charts), so the file opens offline and is small. The PDF is Chromium
printing that same HTML (`--headless --print-to-pdf`), the route chosen because Chromium is already installed for
the browser tests and renders the charts exactly as the browser does; without Chromium the PDF button says so
(and the HTML carries interactive Plotly charts instead).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePath

import streamlit as st

from models.quality import who_label
from reports.exports import file_stem
from reports.mix import mix_lines
from reports.pair_lines import pair_lines
from reports.ranking import project_line, ranked
from tco.decision.mix_verdict import with_mix
from tco.decision.verdict import decide, verdict
from tco.records.benchmarks import benchmark_name
from ui import as_opened, pair_choice, state, tables
from ui.forms import Download, download
from ui.report_charts import charts_html, report_charts, sheets
from ui.report_text import assumption_table

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT_S = 90

_CSS = """
body { font-family: system-ui, sans-serif; margin: 24px 32px; color: #222; max-width: 1040px; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 16px; margin-top: 22px; border-bottom: 1px solid #ccc; }
.verdict { font-size: 15px; font-weight: 600; background: #f3f6fa; padding: 12px 14px; border-left: 4px solid #1f77b4; }
table { border-collapse: collapse; font-size: 11px; width: 100%; } td, th { border: 1px solid #ddd; padding: 3px 5px; }
th { background: #f0f0f0; text-align: left; } td.n { text-align: right; white-space: nowrap; }
tr, li { break-inside: avoid; page-break-inside: avoid; } h2 { break-after: avoid; page-break-after: avoid; }
.small { font-size: 11px; color: #555; }
.sheet { break-before: page; page-break-before: always; break-inside: avoid; page-break-inside: avoid; }
.chart { margin: 0 0 10px 0; break-inside: avoid; page-break-inside: avoid; }
.chart svg { display: block; width: 100%; height: auto; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { margin: 0; max-width: none; } }
"""
"""The charts' sheets each start a printed page (ui.report_charts sizes them to fill it); rows and list items
never split across pages; a heading stays with what follows it."""
_FIGURE = re.compile(r"^[-−+]?\$?[\d.,]+\s?(%|[A-Za-z0-9/.-]{0,14}( \([a-z ]+\))?)?$")
"""A cell that is a figure ("$9,300", "-12%", "16 B200", "86 (passes)"), not a sentence that starts with one."""


def _table(rows: list[dict[str, object]], figures_right: bool = True) -> str:
    """Rows as an HTML table; with `figures_right`, cells that are figures right-aligned (a text column: none)."""
    if not rows:
        return "<p class='small'>none</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{_cell_class(v) if figures_right else ''}>{html.escape('' if v is None else str(v))}</td>"
            for v in r.values()
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell_class(value: object) -> str:
    """Right-aligned and kept on one line where the cell is a figure."""
    return " class='n'" if _FIGURE.match(str(value)) else ""


def scenario_line(analysis: state.Analysis, today: dt.date) -> str:
    """Which scenario (its name; the file it was read from where there is one: the app's scenarios have none),
    the prices and the horizon."""
    result, a = analysis.result, analysis.result.assumptions
    source = PurePath(a["scenario_file"])
    file = f" (file {source.name})" if source.suffix.lower() in (".yaml", ".yml") else ""
    return (
        f"Decision report, {today.isoformat()}. Scenario: {result.scenario}{file}; prices: {a['price_data']}; "
        f"{len(a['months'])} months from {a['months'][0]}."
    )


def build_html(
    analysis: state.Analysis,
    today: dt.date,
    browser: str | None = None,
    pair: tuple[str, str] | None = None,
    edited: bool = False,
) -> str:
    """The report as one HTML page. Charts are SVG drawn with `browser` (Chromium; by default the one found on
    the server) or, without one, interactive Plotly (ui.report_charts). `pair`: the two options the reader
    compares on Compare (`tco.decision.verdict.decide`), so the verdict's comparison, payback and cumulative
    savings in the file are the ones on the screen; None: the headline pair. `edited`: the workload was changed
    since the scenario was opened (`state.workload_edited`), so its description is said to be the opened one's."""
    result = analysis.result
    frame = tables.options_frame(result, analysis.mix)
    described = as_opened.description_text(analysis.scenario.description, edited)
    parts = [
        f"<h1>{html.escape(result.scenario)}: self-host or API?</h1>",
        *([f"<p>{html.escape(described)}</p>"] if described else []),
        f"<p class='small'>{html.escape(scenario_line(analysis, today))}</p>",
        f"<p class='verdict'>{html.escape(with_mix(verdict(result, decide(result, pair)), analysis.mix))}</p>",
        "<h2>Options, ranked</h2>",
        _table(frame.to_dict("records")),
        *(f"<p class='small'>{html.escape(note)}</p>" for note in tables.table_notes(result)),
        "<p class='small'>" + html.escape("Fleets: " + "; ".join(tables.fleets(result)) + ".") + "</p>",
    ]
    decision = decide(result, pair)
    if decision.pair is not None:  # the pair compared on screen: payback, returns and break-even in words
        parts += ["<h2>Payback and break-even</h2>", *(f"<p>{html.escape(line)}</p>" for line in
                                                         pair_lines(decision.pair, result))]  # fmt: skip
    if analysis.mix is not None:
        parts += ["<h2>Best mix</h2>", *(f"<p>{html.escape(line.strip())}</p>" for line in mix_lines(analysis.mix)[1:])]
    projects = [project_line(o).strip() for o in result.options if o.distillation]
    if projects:
        parts += ["<h2>Distillation projects</h2>", *(f"<p>{html.escape(p)}</p>" for p in projects)]
    figures = charts_html(sheets(report_charts(analysis, pair)), browser if browser is not None else chromium())
    parts.append(figures)
    parts.append("<h2>Assumptions</h2>")
    parts.append(_table(assumption_table(result), figures_right=False))
    parts.append("<h2>Sources and notes, per option</h2>")
    for option in ranked(result):
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in option.notes)
        records = "".join(
            f"<li>{html.escape(benchmark_name(str(r.get('benchmark'))))} {r.get('score')}: "
            f"{html.escape(str(r.get('source')))} "
            f"({html.escape(who_label(r))}, {html.escape(str(r.get('as_of')))})</li>"
            for r in option.quality_records[:6]
        )
        parts.append(f"<p><b>{html.escape(option.id)}</b> — {html.escape(option.label)}</p><ul class='small'>"
                     f"{notes}{records}</ul>")  # fmt: skip
    for err in result.option_errors:
        parts.append(f"<p><b>{html.escape(err.id)}</b> — cannot be computed: {html.escape(err.error)}</p>")
    # in the text, a negative amount never breaks between its sign and its dollar ("NPV of savings −" / "$470,207"):
    # a word joiner holds them (the charts' ticks are drawn, not wrapped)
    body = "\n".join(p if p is figures else tables.sign_kept(p) for p in parts)
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


def render(analysis: state.Analysis) -> None:
    """The two download buttons: the HTML report, and its PDF where Chromium is on the server."""
    today = dt.date.today()
    stem = file_stem(analysis.result.scenario, today.isoformat())
    left, right = st.columns(2)
    pair, edited = pair_choice.chosen_pair(), state.workload_edited()

    def page(browser: str | None = None) -> str:
        return build_html(analysis, today, browser, pair, edited)

    download(Download("Decision report (HTML)", page, f"{stem}-report.html",
                      "text/html", ":material/description:", "Verdict, ranked table, charts, assumptions and "
                      "sources in one file that opens offline"), left)  # fmt: skip
    browser = chromium()
    if browser is None:
        right.caption("PDF: needs Chromium on the server; open the HTML report and print it instead.")
        return
    download(Download("Decision report (PDF)", lambda: to_pdf(page(browser), browser),
                      f"{stem}-report.pdf", "application/pdf", ":material/picture_as_pdf:",
                      "The HTML report printed by Chromium, A4 landscape"), right)  # fmt: skip
