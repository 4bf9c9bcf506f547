"""Item 9a on the bundled price data: the Compare page's API model search lists each model's maker first, then
the other sellers of it, every line with that seller's list price; and the widget keeps that order as it filters.

`shown` filters as the frontend's `filter_mode="contains"` does (case-insensitive substring of the label, the
list's order kept: Streamlit's Selectbox `FILTER_MODE_CONTAINS`); the browser test in test_browser_quiet_log.py
types into the real widget.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pricing.listing import ALL_HOURS
from tests.app.app_helpers import open_app
from tests.conftest import TODAY
from ui.options_form import Makers, price_label, ranked_api_choices, text_model


@pytest.fixture(scope="module")
def choices(catalogues) -> dict[str, str]:
    return ranked_api_choices(catalogues.prices, catalogues.models, TODAY)


def shown(choices: dict[str, str], typed: str) -> list[str]:
    """The values the search box lists, in order, after `typed`."""
    return [value for value, label in choices.items() if typed.lower() in label.lower()]


def test_the_pms_search_offers_anthropic_before_vertex(choices):
    """The issue's case: "claude-sonnet-4-5" listed google / claude-sonnet-4-5 (Vertex) first."""
    listed = shown(choices, "claude-sonnet-4-5")
    assert listed[0] == "anthropic / claude-sonnet-4-5"
    assert "google / claude-sonnet-4-5" in listed[1:]


@pytest.mark.parametrize(
    ("typed", "first"),
    [("gemini-3-pro", "google / gemini-3-pro-preview"), ("gemini-3.1-flash", "google / gemini-3.1-flash-lite"),
     ("gpt-4o", "openai / gpt-4o")],
)  # fmt: skip
def test_a_text_model_comes_before_its_image_and_speech_siblings(choices, typed: str, first: str):
    """A reviewer typed "gemini-3-pro", took the first line and added gemini-3-pro-image-preview (an image model):
    the maker's text models now lead, its image, speech and audio ones follow, then other sellers."""

    listed = shown(choices, typed)
    assert listed[0] == first, listed[:5]
    own = [v for v in listed if v.startswith(first.split(" / ")[0] + " / ")]
    text = [text_model(v.split(" / ", 1)[1]) for v in own]
    assert text == sorted(text, reverse=True) and not all(text), own  # text first; the others still offered


@pytest.mark.parametrize(
    ("typed", "maker"),
    [
        ("claude-opus-4-5", "anthropic"),
        ("gpt-5", "openai"),
        ("gpt-4o", "openai"),
        ("gemini-2.5-pro", "google"),
        ("gemini-2.5-flash", "google"),
        ("glm-5", "zai"),
        ("deepseek-chat", "deepseek"),
        ("grok-4", "x-ai"),
        ("kimi-k2", "moonshotai"),
        ("mistral-large", "mistral"),
        ("command-r", "cohere"),
    ],
)
def test_a_search_lists_the_models_maker_first(choices, catalogues, typed: str, maker: str):
    listed = shown(choices, typed)
    assert listed[0].split(" / ")[0] == maker, listed[:5]
    makers = Makers(catalogues.prices.providers, catalogues.models)
    own = [value.split(" / ")[0] in makers.of(value.split(" / ", 1)[1]) for value in listed]
    assert own == sorted(own, reverse=True), "every maker's own line comes before every other seller's"
    assert not all(own), "other sellers are listed too"


def test_every_api_model_is_offered_once_with_its_sellers_price_today(choices, catalogues):
    every = [f"{p.id} / {m.id}" for p in catalogues.prices.providers for m in p.models]
    assert sorted(choices) == sorted(every)
    for value, label in choices.items():
        provider, model = value.split(" / ", 1)
        card = catalogues.prices.price(provider, model, TODAY, ALL_HOURS, "test", "model").standard
        retired = catalogues.models.retirement(model, provider, TODAY)
        assert label == f"{value} · {price_label(card)}" + (f" · retired {retired.retired_on}" if retired else "")
        assert re.fullmatch(r"\$[0-9.,]+ in / \$[0-9.,]+ out per Mtok.*", price_label(card)), label
    sonnet = "anthropic / claude-sonnet-4-5 · $3 in / $15 out per Mtok ($6 / $22.50 above 200,000 input tokens)"
    assert choices["anthropic / claude-sonnet-4-5"] == sonnet


def test_the_maker_comes_from_the_catalogue_and_genai_prices_not_a_hand_list(catalogues):
    makers = Makers(catalogues.prices.providers, catalogues.models)
    for card in catalogues.models.models:  # every catalogue vendor's own API is its maker's
        for api in card.api:
            if re.sub(r"[^a-z0-9]", "", card.vendor.lower()) in (api.provider, api.provider + "ai"):
                assert api.provider in makers.of(api.model), (card.id, api)
    rules = [p for p in catalogues.prices.providers if p.model_match is not None]  # genai-prices' own rules
    assert makers.of("gpt-4o") == {"openai"} and makers.of("command-r-plus") == {"cohere"}
    assert all(p.model_match.is_match("gpt-4o") == (p.id == "openai") for p in rules)
    assert makers.of("databricks-claude-sonnet-4-5") == {"anthropic"}  # a platform's spelling of a maker's model
    assert makers.of("qwen/qwen3-32b") == set()  # Alibaba Qwen: a maker with no API of its own in the data
    google = next(p for p in catalogues.prices.providers if p.id == "google")
    google_claude = [m.id for m in google.models if "claude" in m.id]
    assert google_claude and all("google" not in makers.of(m) for m in google_claude)


def test_the_widget_keeps_the_order_and_shows_the_prices(catalogues):
    """AppTest: the Compare page's box filters by substring (the order kept), its lines are the ranked labels, and
    a choice still adds the option it names."""
    at = open_app(tab="Options")
    assert "f.add.api" not in [b.key for b in at.selectbox]  # not priced nor drawn until opened
    at.session_state["f.add.api.open"] = True
    at.run()
    box = at.selectbox(key="f.add.api")
    assert box.proto.filter_mode == 1  # FILTER_MODE_CONTAINS; fuzzy (0) re-sorts the list by match score
    ranked = ranked_api_choices(catalogues.prices, catalogues.models, dt.date.today())
    assert box.options == list(ranked.values())
    box.set_value("anthropic / claude-sonnet-4-5")
    next(b for b in at.button if b.label == "Add API option").click().run()
    assert not at.exception
    added = [o for o in at.session_state["scenario"]["options"] if o["id"] == "claude-sonnet-4-5"]
    assert added == [{"id": "claude-sonnet-4-5", "kind": "api", "provider": "anthropic", "model": "claude-sonnet-4-5"}]


def test_a_search_lists_the_models_the_catalogue_knows_before_old_ids_and_the_retired_last(choices, catalogues):
    """A reviewer typed "claude" and met claude-2, claude-v1 first (short ids), none marked. Anthropic's lines now
    start with the models the catalogue has cards for (quality records, lifecycle); one the catalogue says is
    retired by today comes after the maker's other text models, its label saying so."""
    listed = shown(choices, "claude")
    anthropic = [v.split(" / ", 1)[1] for v in listed if v.startswith("anthropic / ")]
    known = [m for m in anthropic if catalogues.models.for_api("anthropic", m) is not None]
    assert known and anthropic[: len(known)] == known, anthropic[:8]
    assert anthropic.index("claude-2") > anthropic.index("claude-sonnet-4-5")
    retired = [(v, label) for v, label in choices.items() if "· retired " in label]
    assert retired, "the catalogue names retired endpoints in the price data"
    makers = Makers(catalogues.prices.providers, catalogues.models)

    def group(value: str) -> tuple[bool, bool]:  # the maker's own or another seller's; text or not
        provider, model = value.split(" / ", 1)
        return provider in makers.of(model), text_model(model)

    order = {value: i for i, value in enumerate(choices)}
    for value, _ in retired:
        provider, model = value.split(" / ", 1)
        assert catalogues.models.retirement(model, provider, TODAY) is not None
        live = [v for v in choices if group(v) == group(value) and "· retired " not in choices[v]]
        assert all(order[v] < order[value] for v in live), value
