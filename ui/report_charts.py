"""The decision report's charts: which ones, sized to fill printed pages, and drawn as static SVG.

Pages: A4 landscape with 12 mm margins leaves 1,031 × 703 CSS px. Charts go on sheets of one page each: the
cost against volume (its labels need height) fills a sheet alone; the others are half a sheet, two to a sheet
(a half left alone is drawn at a full sheet's height), so no printed page of charts is half empty.

Drawing: every chart as static SVG from Plotly's own `Plotly.toImage` (the chart toolbar's export) run once for all
charts in headless Chromium, the browser the PDF is printed with. The report then carries no JavaScript: about
0.3 MB instead of Plotly's 4.6 MB bundle, and the PDF prints vector charts. Without Chromium (or if it fails) the
charts stay interactive Plotly with its bundle inlined once for all of them.
"""

from __future__ import annotations

import html
import json
import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import plotly
import plotly.graph_objects as go

from reports.ranking import ranked
from tco.decision.verdict import decide
from tco.finance.breakeven import cost_curves
from ui import charts, distill_view
from ui.state import Analysis

LOG = logging.getLogger(__name__)
CHART_WIDTH_PX = 1000
SHEET_PX = 670
"""A sheet's charts in all: a printed page's 703 px less room for the gap between two charts and rounding."""
GAP_PX = 10
"""Between two charts of a sheet (their margin)."""
HEADING_PX = 44
"""The "Charts" heading at the top of the first sheet."""
SVG_TIMEOUT_S = 90
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_SVG = re.compile(r'<pre id="svg-(\d+)">(.*?)</pre>', re.S)


@dataclass(frozen=True)
class ReportChart:
    """One chart of the report: its id (the element's id in the page), the figure, and whether it fills a sheet."""

    name: str
    figure: go.Figure
    full_sheet: bool = False


def report_charts(analysis: Analysis, pair: tuple[str, str] | None = None) -> list[ReportChart]:
    """Cost by component; cost against volume (when an option can be sized); the compared pair's cumulative
    savings (`pair`, the reader's choice on Compare; else the headline pair); each distilled student's payback
    against its teacher."""
    result = analysis.result
    shown = [ReportChart("cost-breakdown", charts.breakdown(result, ranked(result)))]
    decision = decide(result, pair)
    feasible = [s.model for s in analysis.setups if s.feasible]
    colours = charts.option_colours([m.id for m in feasible])  # an option's colour in every chart, as on Break-even
    if feasible:
        grid, costs = cost_curves(analysis.scenario, feasible)
        kinds = {o.id: o.kind for o in result.options}
        current = result.assumptions["requests_per_month_first"]
        figure = charts.cost_vs_volume(grid, costs, [m.id for m in feasible], kinds, decision.pair, current)
        shown.append(ReportChart("cost-vs-volume", figure, full_sheet=True))
    months = result.assumptions["months"]
    if decision.pair and decision.hosted and decision.api:
        pair = decision.pair
        figure = charts.cumulative(months, decision.hosted, decision.api, pair.cumulative_savings_usd,
                                   pair.payback_month, colours=colours)  # fmt: skip
        shown.append(ReportChart("cumulative-savings", figure))
    by_id = {o.id: o for o in result.options}
    for student in (o for o in result.options if o.distillation and o.distillation["teacher"] in by_id):
        figure = distill_view.payback_chart(months, student, by_id[student.distillation["teacher"]])
        shown.append(ReportChart(f"distillation-{student.id}", figure))
    return shown


def sheets(shown: list[ReportChart]) -> list[list[ReportChart]]:
    """Charts grouped one printed page each: a full-sheet chart alone, half-sheet charts in twos (a half waits for
    the next half), the sheets in the order of their first chart; each figure sized to its share of the sheet, the
    first sheet less the room of the section heading.

    >>> fig = go.Figure
    >>> grouped = sheets([ReportChart("a", fig()), ReportChart("b", fig(), True), ReportChart("c", fig()),
    ...                   ReportChart("d", fig())])
    >>> [[(c.name, c.figure.layout.height) for c in s] for s in grouped]
    [[('a', 308), ('c', 308)], [('b', 670)], [('d', 670)]]
    """
    grouped: list[list[ReportChart]] = []
    waiting: list[ReportChart] | None = None
    for chart in shown:
        if chart.full_sheet:
            grouped.append([chart])
        elif waiting is not None:
            waiting.append(chart)
            waiting = None
        else:
            waiting = [chart]
            grouped.append(waiting)
    for index, sheet in enumerate(grouped):
        room = SHEET_PX - (HEADING_PX if index == 0 else 0)
        height = room if len(sheet) == 1 else (room - GAP_PX) // 2
        for chart in sheet:
            chart.figure.update_layout(width=CHART_WIDTH_PX, height=height, template="plotly_white")
    return grouped


def as_svg(figures: list[go.Figure], browser: str) -> list[str]:
    """Each figure as one standalone SVG (Plotly's `toImage`, at the figure's own width and height), all drawn in
    one headless Chromium run: the page writes each SVG's text into an element, Chromium prints the DOM."""
    specs = json.dumps([json.loads(f.to_json()) for f in figures]).replace("<", "\\u003c")  # no text closes the script
    script = (
        f"const figures = {specs};"
        "Promise.all(figures.map((f, i) => Plotly.toImage(f, {format: 'svg', width: f.layout.width,"
        " height: f.layout.height}).then(url => { const out = document.createElement('pre'); out.id = 'svg-' + i;"
        " out.textContent = decodeURIComponent(url.slice(url.indexOf(',') + 1)); document.body.append(out); })));"
    )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><script src='{PLOTLY_JS.as_uri()}'></script></head>"
        f"<body><script>{script}</script></body></html>"
    )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "charts.html"
        source.write_text(page, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000",
                   "--dump-dom", source.as_uri()]  # fmt: skip
        done = subprocess.run(command, check=True, timeout=SVG_TIMEOUT_S, capture_output=True, text=True)
    drawn = {int(i): html.unescape(svg) for i, svg in _SVG.findall(done.stdout)}
    if sorted(drawn) != list(range(len(figures))) or not all(s.startswith("<svg") for s in drawn.values()):
        raise RuntimeError(f"Chromium drew {len(drawn)} of {len(figures)} charts")
    return [drawn[i] for i in range(len(figures))]


def charts_html(grouped: list[list[ReportChart]], browser: str | None) -> str:
    """The sheets of charts as HTML: inline SVG where Chromium can draw them, else interactive Plotly with its
    JavaScript inlined once."""
    flat = [chart for sheet in grouped for chart in sheet]
    drawn: list[str] | None = None
    if browser is not None and flat:
        try:
            drawn = as_svg([c.figure for c in flat], browser)
        except (OSError, RuntimeError, subprocess.SubprocessError) as err:
            LOG.warning("report charts as interactive Plotly: drawing them as SVG failed (%s)", err)
    parts, index = [], 0
    for number, sheet in enumerate(grouped):
        parts.append("<div class='sheet'>" + ("<h2>Charts</h2>" if number == 0 else ""))
        for chart in sheet:
            if drawn is not None:
                body = drawn[index]
            else:
                body = chart.figure.to_html(full_html=False, include_plotlyjs="inline" if index == 0 else False,
                                            div_id=f"plot-{chart.name}", config={"staticPlot": True})  # fmt: skip
            parts.append(f'<figure class="chart" id="{html.escape(chart.name)}">{body}</figure>')
            index += 1
        parts.append("</div>")
    return "\n".join(parts)
