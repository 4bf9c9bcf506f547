"""The app with Streamlit's AppTest: it opens on a bundled scenario and shows the engine's numbers."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from scenario_io.loader import load_inputs
from tco import evaluate
from tco.verdict import verdict
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def test_app_opens_on_a_verdict_for_the_first_bundled_scenario():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    first = at.selectbox[0].value
    expected = evaluate(load_inputs(ROOT / "scenarios" / f"{first}.yaml", today=dt.date.today()))
    assert verdict(expected) in [m.value.strip("*").replace("\\$", "$") for m in at.markdown]
    table = at.dataframe[0].value
    assert set(table["option"]) == {o.id for o in expected.options}
    row = table[table["option"] == expected.options[0].id].iloc[0]
    assert row["monthly cost (month 1)"] == expected.options[0].first_month_cost_usd


def test_switching_scenario_changes_the_verdict():
    at = AppTest.from_file(APP, default_timeout=60).run()
    before = [m.value for m in at.markdown]
    assert any("glm-5" in m for m in before)  # opens on the support assistant
    at.selectbox[0].select("batch-summariser").run()
    assert not at.exception
    after = [m.value for m in at.markdown]
    assert before != after and any("gpt-oss-120b" in m for m in after)
