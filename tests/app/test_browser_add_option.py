"""Issue 23 in real Chromium: the "Add an open model on GPUs" form asks the serving engine and speculative decoding,
both fit at either size, and the option they make is the one the engine sizes (an estimate that serves more)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.app import test_browser as ui
from tests.app.app_helpers import engine, example, same_option
from tests.app.test_browser import (
    DESKTOP,
    LAPTOP,
    SCREENSHOTS,
    assert_no_exception,
    results_table,
    settle,
    tables_scrolling_sideways,
)

app_url, browser, page = ui.app_url, ui.browser, ui.page  # the same fixtures: a server of our own, Chromium, a tab


def _box(page: Page, label: str):
    """The form's select whose label is exactly `label` (the Distillation tab has its own "Training GPU")."""
    form = page.locator("[data-testid=stExpander]").filter(has_text="Add an open model on GPUs")
    return form.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text(label, exact=True))


def _choose(page: Page, label: str, option: str) -> None:
    """Open the select labelled `label`, type the choice (long lists draw only the options in view), pick it."""
    _box(page, label).click()
    page.keyboard.type(option[:24])
    page.get_by_role("option", name=option, exact=True).click()


def test_an_open_model_served_by_sglang_with_mtp_from_the_form(page: Page, app_url: str, catalogues):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("1280x720", LAPTOP), ("1400x1000", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(app_url)
        settle(page)
        before = {r["option"] for r in results_table(page)}
        page.get_by_role("tab", name="Options").click()
        page.get_by_text("Add an open model on GPUs").click()
        settle(page)
        _choose(page, "Open model to self-host", "llama-3.3-70b-instruct")
        settle(page)
        _choose(page, "GPU", "H100")
        _choose(page, "Throughput", "No measurement: transferred from the nearest one, else a roofline estimate")
        _choose(page, "Serving engine", "SGLang")
        _choose(page, "Speculative decoding", "MTP (multi-token prediction)")
        engine_box, speculation_box = _box(page, "Serving engine"), _box(page, "Speculative decoding")
        for box in (engine_box, speculation_box):  # each label and choice in view, inside the window
            expect(box).to_be_visible()
            assert box.bounding_box()["x"] + box.bounding_box()["width"] <= viewport["width"]
        speculation_box.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / f"add-open-model-engine-and-speculation-{size}.png")
        page.get_by_role("button", name="Add self-hosted option").click()
        settle(page)
        expect(page.get_by_text("Added llama-3.3-70b-instruct-h100", exact=False).first).to_be_visible()
        rows = results_table(page)
        added = next(r for r in rows if r["option"] not in before)
        assert same_option(added["option"], "llama-3.3-70b-instruct-h100-od")
        assert not tables_scrolling_sideways(page), tables_scrolling_sideways(page)
        assert_no_exception(page)
    # what the form made, computed by the engine: the SGLang + MTP estimate serves more than SGLang alone
    base = {"kind": "self_hosted", "model": "llama-3.3-70b-instruct", "gpu": "H100", "term": "on_demand",
            "engine": "sglang"}  # fmt: skip
    mapping = example()
    mtp, without = {**base, "id": "mtp", "speculative_decoding": "mtp"}, {**base, "id": "no"}
    mapping["options"] = [*mapping["options"], mtp, without]
    result = engine(mapping, catalogues)
    assert result.option("mtp").replica_req_per_s > result.option("no").replica_req_per_s
