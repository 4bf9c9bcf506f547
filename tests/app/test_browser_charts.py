"""Every chart of the app in real headless Chromium at 1280×720 and 1400×1000 (issue 27, item 5): money ticks read
"−$500k" and "$2B" (never "$−500k" nor "$1G"), titles fit, and no label sits on another. Each chart is saved to
test-artifacts/screenshots/charts/ for a person to look at."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import pytest
from playwright.sync_api import Browser, Page

from scenario_io import codec
from tests.app import test_browser as ui
from tests.app.test_browser import DESKTOP, LAPTOP, SCREENSHOTS, assert_no_exception, example, settle
from tests.conftest import SCENARIOS
from tests.support import usage_exports
from ui.money_axes import log_axis, money_axis
from ui.report_charts import PLOTLY_JS

app_url, browser, page = ui.app_url, ui.browser, ui.page  # the same fixtures: a server of our own, Chromium, a tab

MONEY_TICK = re.compile(r"^(−?\$(0|\d{1,3}(\.\d+)?[kMBT]?|0\.\d+))$")
"""A money tick: the sign before the dollar, SI-style thousands, millions, billions (B, not G), decimals under $1."""
SHOTS = SCREENSHOTS / "charts"


@dataclass(frozen=True)
class Chart:
    """A chart to find on a page: its page, the scenario (a bundled example), its title's start, its money axes."""

    path: str
    scenario: str
    title: str
    money: tuple[str, ...]
    tab: str | None = None


CHARTS = [
    Chart("", "glm5-vs-frontier", "Cost a month by component", ("x",), tab="Cost breakdown"),
    Chart("", "distil-a-student", "qwen32-distilled: the project against", ("y",)),
    Chart("breakeven", "glm5-vs-frontier", "Monthly cost vs volume", ("y",)),
    Chart("breakeven", "glm5-vs-frontier", "Cumulative cost and savings", ("y",)),
    Chart("breakeven", "owned-fleet-finance", "cumulative cash out vs P&L cost", ("y",)),
    Chart("breakeven", "owned-fleet-finance", "Monthly cost vs volume", ("y",)),
    Chart("throughput", "glm5-vs-frontier", "Latency vs load", ()),
    Chart("throughput", "glm5-vs-frontier", "Throughput per GPU vs speed per user", ()),
    Chart("risk", "glm5-vs-frontier", "as each input swings", ("x",)),
    Chart("risk", "glm5-vs-frontier", "Monthly cost, Monte Carlo bands", ("y",), tab="Monte Carlo"),
    Chart("risk", "glm5-vs-frontier", "NPV of savings across samples", ("x",), tab="Monte Carlo"),
    Chart("risk", "owned-fleet-finance", "as each input swings", ("x",)),
    Chart("risk", "support-assistant", "as each input swings", ("x",)),
    Chart("quality", "glm5-vs-frontier", "Cost vs quality", ("x",)),
    Chart("quality", "mix-faq-and-escalations", "Cost vs quality", ("x",)),
    Chart("usage", "glm5-vs-frontier", "(our prices)", ("y",)),
]
# the other bundled examples' charts too: a tornado bar 2 px long, one option on the cost axis, four options at one
# score and a two-line title over the percentile names each drew labels on each other there, and only there
CHARTS += [
    Chart(path, scenario, title, money, tab)
    for scenario in (path.stem for path in SCENARIOS)
    for path, title, money, tab in (
        ("", "Cost a month by component", ("x",), "Cost breakdown"),
        ("breakeven", "Monthly cost vs volume", ("y",), None),
        ("breakeven", "Cumulative cost and savings", ("y",), None),
        ("throughput", "Latency vs load", (), None),
        ("risk", "as each input swings", ("x",), None),
        ("risk", "Monthly cost, Monte Carlo bands", ("y",), "Monte Carlo"),
        ("risk", "NPV of savings across samples", ("x",), "Monte Carlo"),
        ("quality", "Cost vs quality", ("x",), None),
    )
    if (path, scenario, title) not in {(c.path, c.scenario, c.title) for c in CHARTS}
]  # fmt: skip

_FACTS = """(title) => {
  const box = e => { const b = e.getBoundingClientRect();
                     return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const t = gd.querySelector('.gtitle');
    if (!(t && t.textContent.includes(title)) && !(!t && gd.textContent.includes(title))) continue;
    const texts = (selector, kind) => [...gd.querySelectorAll(selector)]
      .filter(e => e.textContent.trim() && e.getBoundingClientRect().width > 0)
      .map(e => ({kind, text: e.textContent, box: box(e)}));
    const legend = gd.querySelector('.legend .bg');
    return {
      svg: box(gd.querySelector('.main-svg')),
      title: t ? box(t) : null,
      ticks: {x: texts('.xtick text', 'tick').map(e => e.text), y: texts('.ytick text', 'tick').map(e => e.text)},
      labels: [...texts('.annotation-text', 'annotation'), ...texts('.bartext', 'bar text'),
               ...texts('.xtitle', 'axis title'), ...texts('.ytitle', 'axis title'), ...texts('.gtitle', 'title'),
               ...(legend ? [{kind: 'legend', text: 'legend', box: box(legend)}] : [])],
      tickLabels: [...texts('.xtick text', 'tick'), ...texts('.ytick text', 'tick')],
      markers: [...gd.querySelectorAll('.scatterlayer .point')].filter(e => e.getBoundingClientRect().width > 0)
        .map(box),
    };
  }
  return null;
}"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        a["left"] + slack < b["right"]
        and b["left"] + slack < a["right"]
        and a["top"] + slack < b["bottom"]
        and b["top"] + slack < a["bottom"]
    )


def overlaps(facts: dict) -> list[tuple[str, str]]:
    """Pairs of labels drawn on each other: annotations, bar texts, axis titles, the title and the legend among
    themselves; annotations and bar texts against the tick labels."""
    labels, ticks = facts["labels"], facts["tickLabels"]
    found = [
        (f"{a['kind']} {a['text']!r}", f"{b['kind']} {b['text']!r}")
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    found += [
        (f"{a['kind']} {a['text']!r}", f"tick {t['text']!r}")
        for a in labels
        if a["kind"] in ("annotation", "bar text")
        for t in ticks
        if _overlap(a["box"], t["box"])
    ]
    return found


def _open(page: Page, app_url: str, chart: Chart, tmp_path: Path) -> None:
    page.goto(f"{app_url}/{chart.path}?s={codec.to_url_token(example(chart.scenario))}")
    settle(page)
    if chart.path == "usage":  # its chart needs an export read: 240 synthetic requests, a few dollars a month
        reqs = usage_exports.requests(("gpt-4o", "claude-sonnet-4-5"))
        uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Usage or billing exports")
        ui.upload(page, uploader, usage_exports.generic(tmp_path / "usage.csv", reqs))
        page.get_by_role("button", name="Read the exports").click()
        settle(page)
    if chart.tab:
        page.get_by_role("tab", name=chart.tab).click()
        settle(page)


@pytest.mark.parametrize("viewport", [LAPTOP, DESKTOP], ids=["1280x720", "1400x1000"])
def test_every_chart_reads_right(page: Page, app_url: str, viewport: dict[str, int], tmp_path: Path):
    """Money ticks with the sign first and no G; the title inside the chart; no label on another. Screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    problems: list[str] = []
    opened = None
    for chart in CHARTS:
        if opened != (chart.path, chart.scenario, chart.tab):
            _open(page, app_url, chart, tmp_path)
            opened = (chart.path, chart.scenario, chart.tab)
        if chart.path == "throughput" and page.get_by_text("so there is no latency chart to draw").count():
            # the example's first profile holds offline figures: the caption says so, and no empty chart is drawn
            assert not page.locator("[data-testid=stPlotlyChart]").count(), chart.scenario
            continue
        element = page.locator("[data-testid=stPlotlyChart]").filter(has_text=chart.title).first
        element.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        facts = page.evaluate(_FACTS, chart.title)
        assert facts is not None, f"{chart.title} not on /{chart.path} ({chart.scenario})"
        name = re.sub(r"[^a-z0-9]+", "-", f"{chart.path or 'compare'} {chart.scenario} {chart.title}".lower())
        element.screenshot(path=SHOTS / f"{name.strip('-')}-{size}.png")
        where = f"{chart.title} ({chart.scenario}, {size})"
        for axis in chart.money:
            bad = [t for t in facts["ticks"][axis] if not MONEY_TICK.match(t)]
            if bad or not facts["ticks"][axis]:
                problems.append(f"{where}: {axis} ticks {facts['ticks'][axis]}")
        title = facts["title"]
        if title and (title["right"] > facts["svg"]["right"] + 1 or title["left"] < facts["svg"]["left"] - 1):
            problems.append(f"{where}: the title runs out of the chart")
        problems += [f"{where}: {a} on {b}" for a, b in overlaps(facts)]
        svg = facts["svg"]  # a tick label at an axis' end drawn past the chart's edge is cut ("$1M" at 1400 px)
        problems += [
            f"{where}: tick {t['text']!r} cut at the chart's edge"
            for t in facts["tickLabels"]
            if t["box"]["right"] > svg["right"] + 1 or t["box"]["left"] < svg["left"] - 1
        ]
        if chart.title.startswith("Cost vs quality"):  # a name never covers another option's marker (opus-4.5's did)
            problems += [
                f"{where}: annotation {a['text']!r} covers a marker"
                for a in facts["labels"]
                if a["kind"] == "annotation" and any(_overlap(a["box"], m, slack=2.0) for m in facts["markers"])
            ]
        assert_no_exception(page)
    assert not problems, "\n".join(problems)


def test_plotly_draws_money_and_volumes_as_people_read_them(browser: Browser, tmp_path: Path):
    """Plotly itself, on ranges the bundled scenarios do not reach: billions on a linear money axis, a log money
    axis from a tenth of a cent to a trillion dollars, a log volume axis to 100 billion, money under a dollar."""
    figures = [
        go.Figure(go.Scatter(x=[-2.4e9, 3.7e9], y=[1, 2]), layout={"xaxis": money_axis("USD", [-2.4e9, 3.7e9])}),
        go.Figure(go.Scatter(x=[1e-3, 1e12], y=[1, 2]), layout={"xaxis": log_axis("USD", money=True)}),
        go.Figure(go.Scatter(x=[10, 1e11], y=[1, 2]), layout={"xaxis": log_axis("requests")}),
        go.Figure(go.Scatter(x=[-0.4, 2.2], y=[1, 2]), layout={"xaxis": money_axis("USD", [-0.4, 2.2])}),
        go.Figure(go.Scatter(x=[0.004, 0.03], y=[1, 2]), layout={"xaxis": log_axis("USD", True, [0.004, 0.03])}),
    ]
    divs = "".join(f"<div id='f{i}' style='width:900px;height:300px'></div>" for i in range(len(figures)))
    plots = "".join(f"Plotly.newPlot('f{i}', {f.to_json()});" for i, f in enumerate(figures))
    path = tmp_path / "ticks.html"
    path.write_text(f"<script src='{PLOTLY_JS.as_uri()}'></script>{divs}<script>{plots}</script>")
    tab = browser.new_page()
    tab.goto(path.as_uri())
    ticks = tab.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(g => [...g.querySelectorAll('.xtick text')]"
        ".map(t => t.textContent))"
    )
    tab.close()
    billions, log_money, volumes, cents, narrow = ticks
    assert all(MONEY_TICK.match(t) for t in billions + log_money + cents + narrow), json.dumps(ticks)
    assert "−$2B" in billions and "$2B" in billions and not any("G" in t for t in billions + log_money + volumes)
    assert log_money[0] == "$0.001" and "$1B" in log_money and log_money[-1] == "$1T"
    assert volumes[-1] == "100B" and "1M" in volumes
    assert "−$0.5" in cents and "$1.5" in cents  # not "−$500m"
    assert len(narrow) >= 3  # 1, 2 and 5 of each decade where the range is under 1.5 decades
