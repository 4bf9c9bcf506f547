"""Issue 25, item 1 in real headless Chromium: an eval imported on the Quality page shows in both tables, passes
the success-rate gate, reaches the summary CSV and the verdict — the figures the engine gives when the same file
is named by a scenario's `eval:`. A bad file is one message naming the file and the fields.

The records are the real `eval run` output against a real server (tests/support/eval_runs.py): 86 right, 14
wrong, 4 failed calls → 86 / 100 = 0.86 over the answered, 22 output tokens a task."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tco.decision.verdict import verdict
from tests.app import test_browser as ui
from tests.app.app_helpers import engine
from tests.app.test_browser import assert_no_exception, settle, shown_verdict, upload
from tests.app.test_quality_eval_import import TARGET, _with_eval_reference
from tests.support.eval_runs import glm5_records

app_url, browser, page = ui.app_url, ui.browser, ui.page  # the same fixtures: a server of our own, Chromium, a tab


def grid_rows(page: Page, header: str) -> dict[str, dict[str, str]]:
    """The cells of the table (st.dataframe or st.data_editor) that has a column `header`, by option. Each grid is
    scrolled into view first: one below the fold has not drawn its (visually hidden) accessible table yet."""
    grids = page.locator("[data-testid=stDataFrame]")
    expect(grids.first).to_be_visible()
    for i in range(grids.count()):
        grid = grids.nth(i)
        grid.scroll_into_view_if_needed()
        expect(grid.locator("tbody tr").first).to_be_attached()
        headers = grid.locator("th").all_inner_texts()
        if header in headers:
            rows = [dict(zip(headers, r.locator("td").all_inner_texts(), strict=False))
                    for r in grid.locator("tbody tr").all()]  # fmt: skip
            return {row.get("option", ""): row for row in rows}
    seen = [grids.nth(i).locator("th").all_inner_texts() for i in range(grids.count())]
    raise AssertionError(f"no table with a column {header!r}: {seen}")


def _import(page: Page, path: Path) -> None:
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Eval result")
    upload(page, uploader, path)
    page.get_by_role("button", name="Import").click()
    settle(page)


def test_an_imported_eval_reaches_the_tables_gate_csv_and_verdict(page: Page, app_url: str, catalogues, tmp_path):
    records = glm5_records(tmp_path / "run")
    page.goto(f"{app_url}/quality")
    settle(page)
    gate = page.get_by_role("spinbutton", name="…and success rate at least (%, blank = none)")
    gate.fill("80")  # percent, as every success rate on the page
    gate.press("Enter")
    settle(page)
    assert {r["gate"] for r in grid_rows(page, "measured by").values()} == {"unscored"}
    _import(page, records)
    expect(page.get_by_text(f"{TARGET}: success rate 86.0% over 100 answered tasks (95 % CI 78–91 %)")).to_be_visible()
    expect(page.get_by_text("4 tasks ended in an error (no answer, not a wrong one)")).to_be_visible()
    edited = grid_rows(page, "tasks (n)")[TARGET]  # the editable table: what the option now holds
    assert (edited["success rate (%)"], edited["tasks (n)"], edited["output tokens"]) == ("86", "100", "22")
    results = grid_rows(page, "measured by")
    assert (results[TARGET]["success"], results[TARGET]["gate"]) == ("86", "passes")  # percent (the raw cell)
    assert {r["gate"] for option, r in results.items() if option != TARGET} == {"unscored"}
    expected = engine(_with_eval_reference(records, 0.8), catalogues)
    with page.expect_download() as info:
        page.get_by_role("button", name="Summary (CSV)").click()
    summary = {r["option"]: r for r in csv.DictReader(io.StringIO(Path(info.value.path()).read_text()))}
    assert float(summary[TARGET]["success rate (%)"]) == pytest.approx(86.0)  # written as percent numbers
    assert float(summary[TARGET]["cost per task, month 1 (USD)"]) == pytest.approx(
        expected.option(TARGET).usd_per_request, abs=1e-4)  # fmt: skip
    page.get_by_role("link", name="Compare").click()
    settle(page)
    assert shown_verdict(page) == verdict(expected).replace("`", "")  # markdown code marks render as code, unmarked
    assert shown_verdict(page).startswith(f"Recommended: {TARGET}")
    assert_no_exception(page)


def test_a_bad_eval_file_is_one_message_naming_the_file_and_fields(page: Page, app_url: str, tmp_path: Path):
    path = tmp_path / "summaries.json"
    path.write_text(json.dumps({"evalId": "e", "results": {"version": 3, "prompts": [
        {"metrics": {"testPassCount": 3}}, {"provider": "p"}]}}))  # fmt: skip
    page.goto(f"{app_url}/quality")
    settle(page)
    _import(page, path)
    message = page.locator("[data-testid=stAlert]").filter(has_text="was not imported")
    expect(message).to_contain_text("summaries.json: 2 fields are missing or not usable")
    expect(message).to_contain_text("results.prompts[0], results.prompts[1]: expected provider (a name) and metrics")
    assert {r["success rate (%)"] for r in grid_rows(page, "tasks (n)").values()} <= {"", "None"}  # nothing applied
    assert_no_exception(page)
