"""Issue 27 in real Chromium: every table on every page and tab fits the page at 1280 × 720 and 1400 × 1000, and
`ui.table_fit`'s text widths are never narrower than what Chromium draws.

The two halves of "no cut cell": here, the grid never scrolls sideways (only the Options grid, an editor with its
name column pinned, may) and the estimate is on the safe side of the real text; in tests/app/test_table_fit.py,
every cell's estimated text fits its column's configured width."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.app import test_browser as ui
from tests.app.test_browser import DESKTOP, LAPTOP, assert_no_exception, settle
from ui import table_fit, text_fit

app_url, browser, page = ui.app_url, ui.browser, ui.page  # the same fixtures: a server of our own, Chromium, a tab

TABS = {
    "": ("Workload", "SLO & capacity", "Options", "Cost breakdown"),
    "usage": (),
    "breakeven": (),
    "throughput": ("Throughput", "Latency", "Checks"),
    "risk": (),
    "quality": (),
    "prices": ("API prices", "GPU offers", "Negotiated prices (overrides)"),
}
"""Each page (its address) and the tabs to open on it: a table in a closed tab is not drawn."""

TABLES_JS = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
    .filter(d => d.getBoundingClientRect().width > 0 && d.querySelector('.dvn-scroller'))
    .map(d => { const s = d.querySelector('.dvn-scroller');
                return {scroll: s.scrollWidth, box: s.clientWidth,
                        headers: [...d.querySelectorAll('th')].map(t => t.innerText),
                        cells: [...d.querySelectorAll('tbody td')].slice(0, 400).map(t => t.innerText)}; })"""

MEASURE_JS = """([texts, weight]) => { const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = weight + ' 14px "Source Sans", sans-serif'; return texts.map(t => ctx.measureText(t).width); }"""


def _tables(page: Page, url: str) -> list[dict]:
    """Every table drawn on every page and tab, once each (by its headers)."""
    seen: dict[tuple[str, ...], dict] = {}
    for path, tabs in TABS.items():
        page.goto(f"{url}/{path}")
        settle(page)
        for tab in (None, *tabs):
            if tab is not None:
                page.get_by_role("tab", name=tab, exact=True).first.click()
                settle(page)
                page.wait_for_timeout(300)  # the grid lays itself out after the tab opens
            for table in page.evaluate(TABLES_JS):
                seen.setdefault(tuple(table["headers"]), {**table, "where": f"/{path} {tab or ''}".strip()})
        assert_no_exception(page)
    return list(seen.values())


def test_no_table_scrolls_sideways_and_the_widths_are_safe(page: Page, app_url: str):
    for viewport in (LAPTOP, DESKTOP):
        page.set_viewport_size(viewport)
        tables = _tables(page, app_url)
        assert len(tables) >= 12, [t["headers"][:3] for t in tables]  # every page's tables were reached
        wide = [(t["where"], t["headers"][:4], t["scroll"], t["box"]) for t in tables if t["scroll"] > t["box"] + 1]
        assert [w[1][0] for w in wide] in ([], ["id"]), (viewport, wide)  # only the Options grid, its id pinned
        texts = sorted({c for t in tables for c in t["cells"] if c})
        headers = sorted({h for t in tables for h in t["headers"] if h})
        for weight, strings, scale in (("400", texts, 1.0), ("600", headers, table_fit.HEADER_WEIGHT)):
            real = page.evaluate(MEASURE_JS, [strings, weight])
            narrower = [(s, px, text_fit.text_px(s) * scale) for s, px in zip(strings, real, strict=True)
                        if px > text_fit.text_px(s) * scale + 0.5]  # fmt: skip
            assert not narrower, narrower[:10]
