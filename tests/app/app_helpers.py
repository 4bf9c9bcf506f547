"""What the app's AppTest tests share: opening a page, reading its verdict and tables back, the engine's own answer for
the same scenario."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from streamlit.testing.v1 import AppTest

from datafiles import parse_as
from scenario_io import resolve_scenario
from scenario_io.references import References
from tco import ScenarioResult, evaluate
from tco.records.scenario import Scenario
from tests.conftest import ROOT

APP = str(ROOT / "app_session.py")


SCENARIO_DIR = ROOT / "scenarios"


PAGES = {
    "compare": "app_pages/compare.py",
    "breakeven": "app_pages/breakeven.py",
    "throughput": "app_pages/throughput.py",
    "risk": "app_pages/risk.py",
    "quality": "app_pages/quality.py",
    "prices": "app_pages/prices.py",
    "usage": "app_pages/usage.py",
}


def example(name: str = "glm5-vs-frontier") -> dict[str, Any]:
    return yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text())


def engine(mapping: dict[str, Any], catalogues, profiles=None) -> ScenarioResult:
    """What the engine says for the same scenario, resolved as the app resolves it."""
    scenario = parse_as(Scenario, mapping, "test")
    refs = References.on_disk(SCENARIO_DIR, profiles)
    inputs = resolve_scenario(scenario, "test", catalogues, refs=refs, today=dt.date.today())
    return evaluate(inputs)


def open_app(page: str = "compare", tab: str | None = None, **query: str) -> AppTest:
    """The app on `page`, with Compare's `tab` opened as a click would (its forms are drawn only while open)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(PAGES[page])
    at.run()
    if tab is not None:
        at.session_state["compare_tabs"] = tab
        at.run()
    return at


def as_read(markdown: str) -> str:
    """Markdown source as a reader sees it: `ui.tables.escape_markdown`'s backslashes and word joiners taken out."""
    return re.sub(r"\\([\\$<!\]])", r"\1", markdown).replace("\u2060", "")


def shown_verdict(at: AppTest) -> str:
    """The verdict as one sentence: Compare draws the recommendation in bold and the reasons after it."""
    headline = next(m.value for m in at.markdown if m.value.startswith(("**Recommended", "**No option")))
    return as_read(headline.replace("**", "", 2))


def table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


MONEY_COLUMNS = ("$/month", "$/task", "NPV of cost", "$/Mtok")


def money(text: str) -> float:
    """'$1,013,302' or '−$5' (the true minus sign amounts use) as a number."""
    return float(text.replace("$", "").replace(",", "").replace("\u2212", "-"))


def same_option(cell: str, option_id: str) -> bool:
    """Whether a table cell shows `option_id`: whole, or shortened in the middle with "…" to fit its column, either
    one broken over lines after its dashes in a table of tall rows (`ui.text_fit.broken_ids`)."""
    cell = cell.replace("\n", "")
    head, mark, tail = cell.partition("…")
    return cell == option_id or (bool(mark) and option_id.startswith(head) and option_id.endswith(tail))


def table_row(at: AppTest, option_id: str) -> dict[str, Any]:
    """The Compare table's row of an option (a long id is shown shortened to fit), money cells read back as
    numbers."""
    table = table_with(at, "$/month")
    row = table[table["option"].map(lambda cell: same_option(cell, option_id))].iloc[0].to_dict()
    return {k: money(v) if k in MONEY_COLUMNS and v not in ("", "–") else v for k, v in row.items()}


def gpus_cell(option) -> str:
    return f"{option.gpus_billed_first_month} {option.gpu}"


def link_token(at: AppTest) -> str:
    value = at.query_params["s"]
    return value if isinstance(value, str) else value[0]


def profile_uploader(at: AppTest):
    """The Throughput page's uploader: its key counts the profiles added, so each addition empties it."""
    return at.file_uploader(key=f"tp.upload.{at.session_state.get('tp.uploads', 0)}")


def assert_no_failure(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
