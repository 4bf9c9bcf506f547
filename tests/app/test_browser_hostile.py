"""Hostile uploads and links in real headless Chromium (issue 26): each is one in-page message that keeps the
scenario — never an exception box, never a server-side traceback (the `app_url` fixture reads the server log),
never the content of a file the link named."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from scenario_io import codec
from tests.app import test_browser as ui
from tests.app.test_browser import assert_no_exception, example, results_table, settle, shown_verdict
from tests.profiling.test_sweep_importers import LLMD

app_url, browser, page = ui.app_url, ui.browser, ui.page  # the same fixtures: a server of our own, Chromium, a tab

HEADER = "timestamp,model,input_tokens,output_tokens,requests\n"


def _upload(page: Page, label: str, path: Path, button: str) -> None:
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text=label)
    ui.upload(page, uploader, path)
    page.get_by_role("button", name=button).click()
    settle(page)


def test_hostile_usage_exports_are_one_message_each(page: Page, app_url: str, tmp_path: Path):
    cases = {
        "nan.csv": HEADER + "2026-10-01T10:00:00Z,gpt-4o,nan,200,3\n",
        "zero.csv": HEADER + "2026-10-01T10:00:00Z,gpt-4o,0,0,3\n",
        "huge.csv": HEADER + "2026-10-01T10:00:00Z,gpt-4o,1000000000,1000000000,1\n",
        "*.csv": HEADER + "2026-10-01T10:00:00Z,gpt-4o,1e400,200,3\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        page.goto(f"{app_url}/usage")  # a new session each time: the uploader keeps earlier files
        settle(page)
        _upload(page, "Usage or billing exports", path, "Read the exports")
        message = page.locator("[data-testid=stAlert]").filter(has_text="The exports were not read")
        expect(message).to_be_visible()
        assert name in message.inner_text()
        assert_no_exception(page)


def test_hostile_eval_uploads_are_one_message_each(page: Page, app_url: str, tmp_path: Path):
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"testCases": [{"success": true}], "identifier": "modèle"}'.encode("latin-1"))
    bomb = tmp_path / "bomb.eval"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("header.json", b" " * (256 << 20))  # 256 MiB of spaces in about 250 KiB
    bomb.write_bytes(buffer.getvalue())
    for path, says in ((latin, "Latin-1"), (bomb, "zip bomb")):
        page.goto(f"{app_url}/quality")
        settle(page)
        _upload(page, "Eval result", path, "Import")
        message = page.locator("[data-testid=stAlert]").filter(has_text="was not imported")
        expect(message).to_contain_text(says)
        assert len(message.inner_text()) < 600
        assert_no_exception(page)


def test_an_llmd_report_with_infinity_is_added_or_named(page: Page, app_url: str, tmp_path: Path):
    report = copy.deepcopy(LLMD)
    report["results"]["request_performance"]["aggregate"]["throughput"]["request_rate"] = "__INF__"
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(report).replace("__INF__", ".inf"))
    page.goto(f"{app_url}/throughput")
    settle(page)
    _upload(page, "Profile or benchmark result", path, "Add profile")
    outcome = page.locator("[data-testid=stAlert]").filter(has_text="report.yaml")
    expect(outcome.first).to_be_visible()
    assert_no_exception(page)


def test_a_link_naming_a_server_file_reads_nothing(page: Page, app_url: str):
    mapping = example()
    mapping["options"][0]["eval"] = {"file": "/etc/passwd", "model": "x"}
    mapping["options"][1]["profile"] = "../README.md"
    page.goto(f"{app_url}/?s={codec.to_url_token(mapping)}")
    settle(page)
    rows = {r["option"]: r for r in results_table(page)}
    assert rows[mapping["options"][0]["id"]]["status"] == "cannot compute"  # its problem is written under the table
    expect(page.get_by_text("neither a bundled eval").first).to_be_visible()
    assert "root:x:0" not in page.content()
    assert shown_verdict(page).startswith("Recommended:")
    assert_no_exception(page)


def test_a_malformed_link_opens_the_example_and_says_why(page: Page, app_url: str):
    mapping = example()
    mapping["options"] = "x"
    page.goto(f"{app_url}/?s={codec.to_url_token(mapping)}")
    settle(page)
    expect(page.get_by_text("The shared link could not be opened")).to_be_visible()
    assert shown_verdict(page).startswith("Recommended:")
    assert_no_exception(page)


def test_a_link_s_markdown_is_shown_as_written_and_fetches_nothing(page: Page, app_url: str):
    """A scenario name, description and option id carrying `![x](http://evil.example/…)` (an attack, 2026-12-03): the
    page made the browser fetch each address. Now the name and description read as written (an invisible word joiner
    keeps an address from becoming a link), the id is refused in its own row (an id is letters, digits and a few
    signs), and no request leaves for that host."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    mapping = example()
    mapping["name"] = "![n](http://evil.example/p.png?from=name)"
    mapping["description"] = "see ![d](http://evil.example/p.png?from=desc) and [link](www.evil.example)"
    mapping["options"][0]["id"] = "![i](http://evil.example/p.png?from=id)"
    page.goto(f"{app_url}/?s={codec.to_url_token(mapping)}")
    settle(page)
    heading = page.get_by_role("heading").filter(has_text="Self-host or API?").first.inner_text()
    assert heading.replace("\u2060", "") == "Self-host or API? ![n](http://evil.example/p.png?from=name)"
    expect(page.get_by_text("[link](w", exact=False)).to_be_visible()
    expect(page.get_by_text("starting with a letter or digit").first).to_be_visible()
    assert shown_verdict(page).startswith("Recommended:")
    assert not [url for url in asked if "evil.example" in url]
    assert page.locator("img[src*='evil.example'], a[href*='evil.example']").count() == 0
    assert_no_exception(page)
