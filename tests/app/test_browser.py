"""The app in a real browser: `streamlit run app.py` on a free port, driven by Playwright in headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it). Screenshots of every page go
to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright

from scenario_io import codec
from tco.decision.verdict import decide, fleet_text, verdict
from tests.app.app_helpers import engine, example, same_option
from tests.conftest import ROOT, level, simple_profile
from tests.project.test_stands_alone import OUTSIDE
from ui import charts
from ui.tables import WORD_JOINER, sign_kept

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {
    "compare": "",
    "breakeven": "breakeven",
    "throughput": "throughput",
    "risk": "risk",
    "quality": "quality",
    "prices": "prices",
    "usage": "usage",
}
TIMEOUT_MS = 60_000
expect.set_options(timeout=30_000)  # a shared 2-core machine: an assertion retries for up to 30 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, cache_dir: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
    ]
    env = {**os.environ, "INFERENCE_ROI_CACHE": str(cache_dir)}
    log = (cache_dir / "streamlit.log").open("wb")  # a file, not a pipe: an unread pipe would block the server
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}; see streamlit.log in the cache dir")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout_s} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    cache = tmp_path_factory.mktemp("cache")
    process = start_app(port, cache)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop(process)
        log = (cache / "streamlit.log").read_text(errors="replace")
        assert "Traceback" not in log, log[-4000:]  # no uncaught error on the server side either


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL: Streamlit can linger on open browser sessions."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


DESKTOP = {"width": 1400, "height": 1000}
LAPTOP = {"width": 1280, "height": 720}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()


def settle(page: Page, timeout_ms: float = TIMEOUT_MS) -> None:
    """Wait until the script run is over (Streamlit marks the app `notRunning`) and no placeholder is left.

    Twice, a moment apart: a run can end and its follow-up (a query-parameter update) start right after. A run that
    is slow by design (the mix's Monte Carlo) passes its own `timeout_ms`.
    """
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(
            "document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]') && "
            "!document.querySelector('[data-testid=stSkeleton]')",
            timeout=timeout_ms,
        )


def upload(page: Page, uploader, path: Path) -> None:
    """Choose `path` in `uploader` and wait until the server has it (its name shows; long names keep their end)."""
    uploader.locator("input[type=file]").set_input_files(path)
    expect(uploader).to_contain_text(Path(path).name[-6:])
    settle(page)


def verdict_box(page: Page):
    return page.locator(".st-key-verdict")


def verdict_text(page: Page):
    """The verdict's paragraph: the recommendation in bold, the reasons after it."""
    return page.locator(".st-key-verdict-text p").first


def shown_verdict(page: Page) -> str:
    """The verdict as a reader reads it: without the invisible word joiners that keep a sign with its dollar."""
    headline = verdict_text(page)
    expect(headline).to_be_visible()
    return headline.inner_text().strip().replace(WORD_JOINER, "")


def assert_no_exception(page: Page) -> None:
    errors = page.locator("[data-testid=stException]")
    assert errors.count() == 0, errors.first.inner_text()


def results_table(page: Page) -> list[dict[str, str]]:
    """The Compare table's cells as text, read from the grid's accessible table."""
    grid = page.locator("[data-testid=stDataFrame]").first
    expect(grid.locator("tbody tr").first).to_be_attached()  # the grid's accessible table is visually hidden
    headers = grid.locator("th").all_inner_texts()
    rows = grid.locator("tbody tr").all()
    return [dict(zip(headers, row.locator("td").all_inner_texts(), strict=False)) for row in rows]


def tables_scrolling_sideways(page: Page) -> list[tuple[list[str], int, int]]:
    """Tables drawn wider than their box (their last columns cut at the page's edge): headers, widths. The Options
    grid is the one exception by design (an editor of every field, its id column pinned: `ui.table_fit`)."""
    return [
        (t[0][:4], t[1], t[2])
        for t in page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
            .filter(d => d.getBoundingClientRect().width > 0 && d.querySelector('.dvn-scroller'))
            .map(d => { const s = d.querySelector('.dvn-scroller');
            return [[...d.querySelectorAll('th')].map(t => t.innerText), s.scrollWidth, s.clientWidth]; })"""
        )
        if t[1] > t[2] + 1 and t[0][:1] != ["id"]
    ]


def set_volume(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="First-month volume (requests/month)")
    box.fill(text)
    box.press("Enter")
    settle(page)


def test_the_volume_reads_with_separators_and_takes_3m(page: Page, app_url: str, catalogues):
    """Item 1: the number everything rests on reads 3,000,000 (it read "30000" in a spin box) and takes 30M."""
    page.goto(app_url)
    settle(page)
    box = page.get_by_role("textbox", name="First-month volume (requests/month)")
    expect(box).to_have_value("3,000,000")
    assert shown_verdict(page) == verdict(engine(example(), catalogues))
    set_volume(page, "30M")
    expect(page.get_by_text("= 30,000,000 requests/month (30M)")).to_be_visible()
    changed = example()
    changed["workload"]["requests_per_month"] = 30_000_000
    expect(verdict_text(page)).to_have_text(sign_kept(verdict(engine(changed, catalogues))))
    shared = page.url
    assert codec.from_url_token(shared.split("?s=")[1])["workload"]["requests_per_month"] == 30_000_000
    other = page.context.new_page()
    other.goto(shared)
    settle(other)
    assert shown_verdict(other) == verdict(engine(changed, catalogues))
    set_volume(page, "three million")
    expect(page.get_by_text("Volume: expected a number such as 3,000,000, 3M")).to_be_visible()
    assert shown_verdict(page) == verdict(engine(changed, catalogues))  # the last valid volume is kept
    set_volume(page, "12,5M")  # read as 125,000,000 once, with no word
    expect(
        page.get_by_text("Volume: a comma separates thousands (3,000,000): write a decimal with a point")
    ).to_be_visible()
    assert shown_verdict(page) == verdict(engine(changed, catalogues))


def test_the_headline_says_what_to_pick_and_explains_the_fleet(page: Page, app_url: str, catalogues):
    """Item 2: one sentence names the pick (SLO and gate met, horizon means), what it saves, whether
    self-hosting pays back, what would change the answer; the fleet is explained in words."""
    page.goto(app_url)
    settle(page)
    result = engine(example(), catalogues)
    text = shown_verdict(page)
    assert text.startswith("Recommended: glm5-api at $9,300/month (mean over 24 months; ")
    assert "meets the SLO and GPQA Diamond score ≥ 85" in text and "It saves $" in text
    assert "does not pay back within 24 months" in text
    # the volume that flips the answer is named when one exists in 1e2-1e11 requests/month; the B200 option, now
    # transferred from the H200 sweep instead of a 27x roofline, costs more a task than the API at any volume
    flip = decide(result).flip_requests_per_month
    assert ("What would change the answer" in text) == (flip is not None)
    metrics = verdict_box(page).locator("[data-testid=stMetricValue]").all_inner_texts()
    assert metrics[0] == "glm5-api" and metrics[3] == "never"
    h200 = result.option("glm5-h200")
    expect(page.get_by_text(f"glm5-h200: {fleet_text(h200, result.assumptions)}", exact=False)).to_be_visible()
    # 3M requests/month = 1.14 req/s on average, 3.4223 at the 3× peak; 3.4223 / (1.3588 req/s a replica × 0.85)
    # = 2.963: three replicas for the peak (a gain beyond the sweep's 128 output tokens counts half; the context
    # cost of the 500 output tokens from the card's KV bytes, tco.capacity.fitting; half the prompt cached saves
    # prefill only, PerfModel.measured_share)
    assert h200.replica_req_per_s == pytest.approx(1.3588, abs=0.0005)
    assert "4 replicas of 8 (3 for the 3× peak at 85% planning utilisation + 1 spare)" in fleet_text(
        h200, result.assumptions
    )


def test_adding_an_open_model_with_the_defaults_keeps_every_result(page: Page, app_url: str):
    """Item 3 (and 8's confirmation): the new option computes or shows its problem in its own row; nothing vanishes."""
    page.goto(app_url)
    settle(page)
    before = [r["option"] for r in results_table(page)]
    page.get_by_role("tab", name="Options").click()
    page.get_by_text("Add an open model on GPUs").click()
    settle(page)  # under load the expander's form can still be drawing: a click on it then is lost
    button = page.get_by_role("button", name="Add self-hosted option")
    expect(button).to_be_enabled()
    button.click()
    settle(page)
    expect(page.get_by_text("Added ", exact=False).first).to_be_visible()
    rows = results_table(page)
    assert [r["option"] for r in rows][: len(before)] == before or set(before) < {r["option"] for r in rows}
    assert len(rows) == len(before) + 1
    added = next(r for r in rows if r["option"] not in before)
    assert added["status"] and (added["$/month"].startswith("$") or added["status"] == "cannot compute")
    assert shown_verdict(page).startswith("Recommended:")
    assert_no_exception(page)


def test_the_table_fits_a_laptop_and_every_cell_is_formatted(page: Page, app_url: str):
    """Items 4 and 9: key columns without a horizontal scroll at 1280×720, above the fold; no "None", whole dollars,
    SLO as text; labels on one line; the 24-hour curve has a preview."""
    page.set_viewport_size(LAPTOP)
    page.goto(app_url)
    settle(page)
    widths = page.evaluate(
        "() => { const s = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');"
        " return [s.scrollWidth, s.clientWidth]; }"
    )
    assert widths[0] <= widths[1] + 1, widths
    grid = page.locator("[data-testid=stDataFrame]").first
    assert grid.bounding_box()["y"] < LAPTOP["height"]  # the table starts on the first screen
    assert verdict_box(page).bounding_box()["y"] < 300
    excel = page.get_by_role("button", name="Workbook (Excel)").bounding_box()
    assert excel["y"] + excel["height"] < LAPTOP["height"]  # the exports too are on the first screen
    rows = results_table(page)
    assert list(rows[0])[:6] == ["option", "status", "$/month", "$/task", "NPV of cost", "$/Mtok"]
    assert not tables_scrolling_sideways(page), tables_scrolling_sideways(page)
    for row in rows:
        assert "None" not in row.values() and "nan" not in row.values()
        assert re.fullmatch(r"\u2212?\$[\d,]+", row["$/month"]) and re.fullmatch(r"\u2212?\$[\d,]+", row["NPV of cost"])
    label = page.get_by_text("First-month volume (requests/month)").bounding_box()
    assert label["height"] < 30  # one line, not "requests/mo nth"
    page.get_by_role("tab", name="Workload").click()
    page.get_by_text("24-hour curve").click()
    settle(page)
    expect(page.locator(".js-plotly-plot .gtitle").filter(has_text="Load by UTC hour")).to_be_visible()


def test_exports_for_finance_and_the_decision_report(page: Page, app_url: str, catalogues):
    """Item 5: names with scenario and date; units in headers; a long monthly CSV; a formatted workbook; the report."""
    page.goto(app_url)
    settle(page)
    expected = engine(example(), catalogues)
    stem = f"glm-5-against-the-frontier-{dt.date.today().isoformat()}"
    with page.expect_download() as info:
        page.get_by_role("button", name="Summary (CSV)").click()
    assert info.value.suggested_filename == f"{stem}-summary.csv"
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert {r["option"] for r in rows} == {o.id for o in expected.options}
    for row in rows:
        assert float(row["NPV of cost (USD)"]) == pytest.approx(expected.option(row["option"]).npv_cost_usd)
    with page.expect_download() as info:
        page.get_by_role("button", name="Monthly costs (CSV)").click()
    assert info.value.suggested_filename == f"{stem}-monthly.csv"
    long = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert list(long[0]) == ["option", "month", "period", "component", "usd"]
    for option in expected.options:
        month1 = sum(float(r["usd"]) for r in long if r["option"] == option.id and r["month"] == "1")
        assert month1 == pytest.approx(option.first_month_cost_usd)
    with page.expect_download() as info:
        page.get_by_role("button", name="Workbook (Excel)").click()
    assert info.value.suggested_filename == f"{stem}.xlsx"
    with zipfile.ZipFile(info.value.path()) as book:
        monthly = book.read("xl/worksheets/sheet2.xml").decode()
    assert 'state="frozen"' in monthly and "<autoFilter" in monthly
    with page.expect_download() as info:
        page.get_by_role("button", name="Decision report (HTML)").click()
    assert info.value.suggested_filename == f"{stem}-report.html"
    report = Path(info.value.path()).read_text()
    held = html.escape(verdict(expected)).replace("\u2212$", "\u2212\u2060$")  # the report's word joiner
    assert held in report and "<h2>Assumptions</h2>" in report
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Decision report (PDF)").click()
    assert info.value.suggested_filename == f"{stem}-report.pdf"
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
    chart = page.locator("[data-testid=stPlotlyChart]").first
    page.get_by_role("tab", name="Cost breakdown").click()
    chart = page.locator("[data-testid=stPlotlyChart]").filter(has_text="Cost a month by component").first
    chart.hover()
    with page.expect_download() as info:
        chart.locator(".modebar-btn[data-title*='png' i], .modebar-btn[data-title*='PNG']").first.click()
    assert info.value.suggested_filename == "cost-breakdown.png"
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_finance_inputs_in_the_app(page: Page, app_url: str, catalogues):
    """Item 6: a server quote column, IRR and ROI, the scenario's own API decline, and a pair picker on Risk."""
    page.goto(f"{app_url}/breakeven?s={codec.to_url_token(example('owned-fleet-finance'))}")
    settle(page)
    expect(page.locator("[data-testid=stMetricLabel]").filter(has_text="IRR (a year)")).to_be_visible()
    expect(page.locator("[data-testid=stMetricLabel]").filter(has_text="ROI")).to_be_visible()
    cases = page.locator("[data-testid=stDataFrame]").filter(has_text="this scenario")
    expect(cases).to_have_count(1)
    page.goto(f"{app_url}/?s={codec.to_url_token(example('owned-fleet-finance'))}")
    settle(page)
    page.get_by_role("tab", name="Options").click()
    editor = page.locator("[data-testid=stDataFrame]").filter(has_text="pricing")  # the options editor, full width
    expect(editor).to_have_count(1)
    assert editor.bounding_box()["width"] > 800  # was ~400 px for 16 columns; quotes typed: tests/app/test_app.py
    page.goto(f"{app_url}/risk")
    settle(page)
    picker = page.locator("[data-testid=stSelectbox]").filter(has_text="Self-hosted option")
    picker.click()
    page.get_by_role("option", name="glm5-h200").click()
    settle(page)
    expect(page.get_by_text("glm5-h200 against glm5-api", exact=False)).to_be_visible()
    assert_no_exception(page)


def _figure(page: Page, title: str) -> dict:
    return page.evaluate(
        """(title) => { for (const gd of document.querySelectorAll('.js-plotly-plot')) {
             const t = gd.layout && gd.layout.title && (gd.layout.title.text || gd.layout.title);
             if (String(t).includes(title)) return {layout: gd._fullLayout ? {
                 xaxis: {type: gd._fullLayout.xaxis.type, dtick: gd._fullLayout.xaxis.dtick},
                 yaxis: {type: gd._fullLayout.yaxis.type, dtick: gd._fullLayout.yaxis.dtick},
                 annotations: (gd._fullLayout.annotations || []).map(a => [a.text, a.x, a.y, a.xanchor, a.yanchor])}
               : null, data: gd.data.map(d => ({name: d.name, color: d.marker && d.marker.color,
                                                line: d.line && d.line.color}))}; }
           return null; }""",
        title,
    )


def test_charts_read_right(page: Page, app_url: str):
    """Item 7: log axes ticked at powers of ten, one colour per component everywhere, losses red, labels apart."""
    page.goto(f"{app_url}/breakeven")
    settle(page)
    volume = _figure(page, "Monthly cost vs volume")
    assert volume["layout"]["xaxis"] == {"type": "log", "dtick": 1} and volume["layout"]["yaxis"]["dtick"] == 1
    lines = [d["line"] for d in volume["data"]]
    assert len(set(lines)) == len(lines)  # every option its own colour
    cumulative = _figure(page, "Cumulative cost and savings")
    bars = next(d for d in cumulative["data"] if d["name"].startswith("cumulative savings"))
    assert set(bars["color"]) <= {charts.SAVINGS, charts.LOSS} and charts.LOSS in bars["color"]
    page.goto(app_url)
    settle(page)
    page.get_by_role("tab", name="Cost breakdown").click()
    settle(page)  # the chart is drawn when its tab opens
    breakdown = _figure(page, "Cost a month by component")
    colours = {d["name"]: d["color"] for d in breakdown["data"]}
    assert colours["output"] == charts.COMPONENT_COLOURS["output"]
    assert colours["gpu rental"] == charts.COMPONENT_COLOURS["gpu_rental"]
    page.goto(f"{app_url}/risk")
    settle(page)
    page.get_by_role("tab", name="Monte Carlo").click()
    settle(page)  # the Monte Carlo's charts are drawn when their tab opens
    histogram = _figure(page, "NPV of savings across samples")
    labels = [a for a in histogram["layout"]["annotations"] if a[0] in ("P10", "P50", "P90")]
    assert len({(a[3], a[4]) for a in labels}) == 3  # three different anchors: the labels never sit on each other
    assert_no_exception(page)


def test_wording_speaks_to_a_web_form(page: Page, app_url: str, tmp_path: Path):
    """Item 8: an import without its GPU names the box to fill, not a command-line flag; levels count from 1."""
    page.goto(f"{app_url}/throughput")
    settle(page)
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Profile or benchmark result")
    upload(page, uploader, ROOT / "tests" / "fixtures" / "imports" / "vllm-bench-serve.json")
    page.get_by_role("button", name="Add profile").click()
    message = page.locator("[data-testid=stAlert]").filter(has_text="was not added")
    expect(message).to_contain_text("fill in the")
    assert "--" not in message.inner_text() and not OUTSIDE.search(message.inner_text())
    data = simple_profile([level(0.5, 0.5, 0.03, concurrency=8), level(1.5, 1.0, 0.3, concurrency=32)], 8, "glm-5")
    data["meta"]["gpu"] = "H200"
    data["meta"]["cached_input_share"] = 0.5
    path = tmp_path / "my-glm5.yaml"
    path.write_text(yaml.safe_dump(data))
    uploader.get_by_role("button", name="Remove vllm-bench-serve.json").click()  # a refused file stays chosen
    settle(page)  # the removal reruns the page first
    upload(page, uploader, path)
    page.get_by_role("button", name="Add profile").click()
    expect(page.get_by_text("Added my-glm5.yaml")).to_be_visible()
    expect(page.get_by_text("Load level 1 of 2 (concurrency 8) is the highest-throughput level")).to_be_visible()
    assert_no_exception(page)


def test_a_link_whose_option_needs_an_upload_still_shows_the_others(page: Page, app_url: str, catalogues):
    """Item 10: the option waiting for its profile is named in its own row; every other option computes."""
    mapping = example()
    mapping["options"][0]["profile"] = "my-own-sweep.yaml"
    page.goto(f"{app_url}/?s={codec.to_url_token(mapping)}")
    settle(page)
    expect(page.locator("[data-testid=stDataFrame] td").filter(has_text="cannot compute")).to_have_count(1)
    rows = {r["option"]: r for r in results_table(page)}
    waiting = mapping["options"][0]["id"]
    assert rows[waiting]["status"] == "cannot compute"
    expect(page.get_by_text("upload it on the Throughput page").first).to_be_visible()  # its problem, in full
    others = [o["id"] for o in mapping["options"][1:]]
    assert all(rows[i]["$/month"].startswith("$") for i in others)
    assert shown_verdict(page).startswith("Recommended:")


def test_save_the_scenario_and_open_the_file_again(page: Page, app_url: str, catalogues, tmp_path: Path):
    page.goto(app_url)
    settle(page)
    set_volume(page, "7,000,000")
    changed = shown_verdict(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save scenario (YAML)").click()
    assert info.value.suggested_filename == f"glm-5-against-the-frontier-{dt.date.today().isoformat()}.yaml"
    saved = tmp_path / "saved.yaml"
    saved.write_bytes(Path(info.value.path()).read_bytes())
    mapping = yaml.safe_load(saved.read_text())
    assert mapping["workload"]["requests_per_month"] == 7_000_000
    assert verdict(engine(mapping, catalogues)) == changed
    fresh = page.context.browser.new_page()
    fresh.goto(app_url)
    settle(fresh)
    assert shown_verdict(fresh) != changed  # a new session opens on the example
    uploader = fresh.locator("[data-testid=stSidebar] [data-testid=stFileUploader]")
    uploader.locator("input[type=file]").set_input_files(saved)
    expect(verdict_text(fresh)).to_have_text(sign_kept(changed))
    assert_no_exception(fresh)
    fresh.close()


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1400x1000", "1280x720"])
def test_every_page_renders_without_an_exception(page: Page, app_url: str, viewport: dict[str, int]):
    """Screenshots of every page at both sizes, for a person to look at (test-artifacts/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    for name, path in PAGES.items():
        page.goto(f"{app_url}/{path}")
        settle(page)
        assert_no_exception(page)
        size = f"{viewport['width']}x{viewport['height']}"
        page.screenshot(path=SCREENSHOTS / f"{name}-{size}-first-screen.png")
        # the whole page: Streamlit scrolls its main area, not the document, so a tall window shows all of it
        page.set_viewport_size({"width": viewport["width"], "height": 4000})
        settle(page)
        page.screenshot(path=SCREENSHOTS / f"{name}-{size}.png")
        page.set_viewport_size(viewport)
    stamp = SCREENSHOTS / "README.txt"
    stamp.write_text(f"Screenshots from tests/app/test_browser.py, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n")


def test_a_usage_export_fills_the_workload(page: Page, app_url: str, tmp_path: Path):
    """Issue 13: upload an export, read what was derived and from which file, fill the workload, see it on Compare."""
    from tests.support import usage_exports

    reqs = usage_exports.requests(("gpt-4o", "claude-sonnet-4-5"))
    path = usage_exports.generic(tmp_path / "usage.csv", reqs)
    page.goto(f"{app_url}/usage")
    settle(page)
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Usage or billing exports")
    # the box states the page's own cap, as its help does (512 MB was drawn as "1GB per file")
    expect(uploader.get_by_test_id("stFileUploaderDropzoneInstructions")).to_contain_text("500MB per file")
    upload(page, uploader, path)
    page.get_by_role("button", name="Read the exports").click()
    settle(page)
    expect(page.get_by_text("From usage.csv (generic usage CSV, 240 rows, by request):")).to_be_visible()
    november = sum(1 for r in reqs if r.ts.month == 11)
    expect(page.get_by_text(f"requests per month {november:,} — the last full month, 2026-11")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "usage-read-1400x1000.png", full_page=True)
    page.get_by_role("button", name="Use this workload").click()
    expect(page.get_by_text("The workload now comes from usage.csv")).to_be_visible()
    assert usage_exports.SECRET not in page.content()
    assert_no_exception(page)
    page.get_by_role("link", name="Compare").click()
    settle(page)
    expect(page.get_by_role("textbox", name="First-month volume (requests/month)")).to_have_value(f"{november:,}")
    cells = [row["option"] for row in results_table(page)]
    assert all(any(same_option(cell, added) for cell in cells) for added in ("gpt-4o", "claude-sonnet-4-5")), cells
    assert_no_exception(page)


def test_a_distilled_student_is_added_and_its_project_shown(page: Page, app_url: str, catalogues):
    """Issue 14: the bundled distillation scenario shows each project's cost and payback chart; the form adds
    another student, whose project box appears with the engine's figures."""
    mapping = example("distil-a-student")
    page.goto(f"{app_url}/?s={codec.to_url_token(mapping)}")
    settle(page)
    expected = engine(mapping, catalogues).option("qwen32-distilled")
    box = page.locator(".st-key-distil-qwen32-distilled")
    expect(box.get_by_text("Distillation project: qwen32-distilled")).to_be_visible()
    expect(box.get_by_text(f"${expected.one_time_cost_usd:,.0f}")).to_be_visible()
    chart = _figure(page, "qwen32-distilled: the project against staying on opus45")
    bars = next(d for d in chart["data"] if d["name"].startswith("cumulative savings"))
    assert set(bars["color"]) <= {charts.SAVINGS, charts.LOSS}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=SCREENSHOTS / "distillation-project.png")
    page.get_by_role("tab", name="Options").click()
    page.get_by_text("Distil or fine-tune a student").click()
    settle(page)  # under load the expander's form can still be drawing: a click on it then is lost
    button = page.get_by_role("button", name="Add distilled option")
    expect(button).to_be_enabled()
    button.click()
    settle(page)
    message = page.get_by_text("Added ", exact=False).first
    expect(message).to_be_visible()
    added = re.match(r"Added (\S+), distilled from", message.inner_text()).group(1)
    assert added.endswith("-distilled") and added != "qwen32-distilled"
    assert any(same_option(row["option"], added) for row in results_table(page))  # long ids shortened to fit
    expect(page.get_by_text(f"Distillation project: {added}")).to_be_visible()
    assert_no_exception(page)


def test_a_page_load_asks_nothing_of_any_host_but_the_app(page: Page, app_url: str):
    """The tab's icon was a Material icon name, which Streamlit fetches from fonts.gstatic.com on every load (a
    reviewer saw it fail offline). Every request a page makes, icon included, goes to the app's own server."""
    import urllib.parse

    hosts: list[str | None] = []
    page.on("request", lambda request: hosts.append(urllib.parse.urlparse(request.url).hostname))
    for slug in ("", "risk"):
        page.goto(f"{app_url}/{slug}")
        settle(page)
    assert hosts and set(hosts) - {"127.0.0.1", None} == set(), sorted({h for h in hosts if h})
    icon = page.locator("link[rel*='icon']").first.get_attribute("href") or ""
    assert "gstatic" not in icon and "material" not in icon, icon
