"""Issue 27, "nothing a reader has to decode": each default the Compare page lists has a name in words, and the
options grid's pricing words map back to the scenario's codes one to one."""

from __future__ import annotations

import re

from pricing.gpus import Term
from tco.records.defaults import DEFAULT_LABELS, DEFAULT_SOURCES
from ui.options_form import ENGINES, SPECULATION
from ui.options_table import PRICING, PRICING_CODES


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
