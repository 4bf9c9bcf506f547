"""The app in a real browser: `streamlit run app.py` on a free port, driven by Playwright in headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it). Screenshots of every page go
to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright

from scenario_io import codec
from tco.verdict import verdict
from tests.conftest import ROOT, level, simple_profile
from tests.test_app import engine, example

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
}
TIMEOUT_MS = 60_000


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


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()


def settle(page: Page) -> None:
    """Wait until the script run is over (Streamlit marks the app `notRunning`) and no placeholder is left.

    Twice, a moment apart: a run can end and its follow-up (a query-parameter update) start right after.
    """
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(
            "document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]') && "
            "!document.querySelector('[data-testid=stSkeleton]')",
            timeout=TIMEOUT_MS,
        )


def shown_verdict(page: Page) -> str:
    headline = page.locator("h3").filter(has_text="Self-hosting").first
    expect(headline).to_be_visible()
    return headline.inner_text().strip()


def assert_no_exception(page: Page) -> None:
    errors = page.locator("[data-testid=stException]")
    assert errors.count() == 0, errors.first.inner_text()


def test_verdict_follows_a_workload_change_and_the_link_reproduces_it(page: Page, app_url: str, catalogues):
    page.goto(app_url)
    settle(page)
    assert shown_verdict(page) == verdict(engine(example(), catalogues))
    volume = page.get_by_role("spinbutton", name="Volume (requests/month, first month)")
    volume.fill("30000000")
    volume.press("Enter")
    changed = example()
    changed["workload"]["requests_per_month"] = 30_000_000
    expected = verdict(engine(changed, catalogues))
    expect(page.locator("h3").filter(has_text="Self-hosting").first).to_have_text(expected)
    settle(page)
    shared = page.url
    assert "?s=" in shared
    assert codec.from_url_token(shared.split("?s=")[1])["workload"]["requests_per_month"] == 30_000_000

    other = page.context.browser.new_page()
    other.goto(shared)
    settle(other)
    assert shown_verdict(other) == expected
    other.close()


def test_upload_a_profile_through_the_file_input(page: Page, app_url: str, tmp_path: Path):
    data = simple_profile([level(0.5, 0.5, 0.03, concurrency=8), level(1.5, 1.0, 0.3, concurrency=32)], 8, "glm-5")
    data["meta"]["gpu"] = "H200"
    data["meta"]["cached_input_share"] = 0.5  # measured at the example's shape, half the prompt cached
    path = tmp_path / "my-glm5.yaml"
    path.write_text(yaml.safe_dump(data))
    page.goto(f"{app_url}/throughput")
    settle(page)
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Profile or benchmark result")
    uploader.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Add profile").click()
    expect(page.get_by_text("Added my-glm5.yaml")).to_be_visible()
    expect(page.get_by_text("Level 0 (concurrency 8) is the highest-throughput level")).to_be_visible()
    settle(page)
    assert_no_exception(page)


def test_results_download_as_csv_and_a_chart_as_png(page: Page, app_url: str, catalogues):
    page.goto(app_url)
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Results (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    expected = engine(example(), catalogues)
    assert {r["id"] for r in rows} == {o.id for o in expected.options}
    for row in rows:
        assert float(row["first_month_cost_usd"]) == pytest.approx(expected.option(row["id"]).first_month_cost_usd)

    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.hover()
    with page.expect_download() as info:
        chart.locator(".modebar-btn[data-title*='png' i], .modebar-btn[data-title*='PNG']").first.click()
    assert info.value.suggested_filename == "cost-breakdown.png"
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_page_renders_without_an_exception(page: Page, app_url: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(f"{app_url}/{path}")
        settle(page)
        expect(page.locator("h1").first).to_be_visible()
        assert_no_exception(page)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    stamp = SCREENSHOTS / "README.txt"
    stamp.write_text(f"Screenshots from tests/test_browser.py, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n")


def test_save_the_scenario_and_open_the_file_again(page: Page, app_url: str, catalogues, tmp_path: Path):
    page.goto(app_url)
    settle(page)
    volume = page.get_by_role("spinbutton", name="Volume (requests/month, first month)")
    volume.fill("7000000")
    volume.press("Enter")
    settle(page)
    changed = shown_verdict(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save scenario (YAML)").click()
    saved = tmp_path / "saved.yaml"
    saved.write_bytes(Path(info.value.path()).read_bytes())
    mapping = yaml.safe_load(saved.read_text())
    assert mapping["workload"]["requests_per_month"] == 7_000_000
    assert verdict(engine(mapping, catalogues)) == changed

    with page.expect_download() as info:
        page.get_by_role("button", name="Results (Excel)").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # an XLSX is a zip

    fresh = page.context.browser.new_page()
    fresh.goto(app_url)
    settle(fresh)
    assert shown_verdict(fresh) != changed  # a new session opens on the example
    uploader = fresh.locator("[data-testid=stSidebar] [data-testid=stFileUploader]")
    uploader.locator("input[type=file]").set_input_files(saved)
    expect(fresh.locator("h3").filter(has_text="Self-hosting").first).to_have_text(changed)
    assert_no_exception(fresh)
    fresh.close()
