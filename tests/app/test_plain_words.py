"""Issue 27, "nothing a reader has to decode": each default the Compare page lists has a name in words, and the
options grid's pricing words map back to the scenario's codes one to one."""

from __future__ import annotations

import datetime as dt
import re

from pricing.gpus import Term
from scenario_io.loader import load_inputs
from tco import evaluate
from tco.records.defaults import DEFAULT_LABELS, DEFAULT_SOURCES
from tests.conftest import ROOT
from ui.options_form import ENGINES, SPECULATION
from ui.options_table import PRICING, PRICING_CODES
from ui.tables import options_frame


def test_every_default_has_a_name_in_words():
    assert set(DEFAULT_LABELS) == set(DEFAULT_SOURCES)
    assert not any(re.search(r"_|\busd\b", label) for label in DEFAULT_LABELS.values())


def test_every_rental_term_has_words_and_the_words_lead_back_to_it():
    assert set(Term.__args__) <= set(PRICING)
    assert {PRICING_CODES[words] for words in PRICING.values()} == set(PRICING)
    assert not any("_" in words for words in PRICING.values())


def test_the_add_form_s_menus_are_words_not_python():
    """The serving engine's and speculative decoding's menus show words; "None" was Python's name for "none"."""
    for menu in (ENGINES, SPECULATION):
        assert not any(label in ("None", "none", "") or "_" in label for label in menu)
    assert SPECULATION["No speculative decoding"] is None


def test_an_unverified_score_is_named_in_the_table_not_called_missing(catalogues):
    """owned-fleet-finance (a reviewer): haiku has a GPQA Diamond record of 73.0 the catalogue could not verify, which
    decides nothing; the ranked table's quality cell said "no score" beside a verdict naming the unverified record.
    It now says "unverified"; an option with no record at all still says "no score"."""
    result = evaluate(
        load_inputs(ROOT / "scenarios" / "owned-fleet-finance.yaml", catalogues, today=dt.date(2026, 12, 5))
    )
    cells = dict(zip(options_frame(result)["option"], options_frame(result)["quality"], strict=True))
    assert result.option("haiku").quality_score is None
    assert any("unverified" in m for m in result.option("haiku").quality_missing)
    # counted on the result (not read back from the sentence): the catalogue's records, unverified, on the gate
    card = catalogues.models.find(result.option("haiku").model)
    assert result.option("haiku").quality_unverified_records == sum(
        r.benchmark == "gpqa_diamond" and not r.verified for r in card.quality) > 0  # fmt: skip
    assert result.option("qwen3-235b-fireworks").quality_unverified_records == 0
    assert cells["haiku"] == cells["gpt-5-mini"] == "unverified"
    assert cells["qwen3-235b-fireworks"] == "no score" and cells["llama70b-owned"] == "50.5 passes"
