"""The Compare page's options: the editable table, and forms to add an API model or an open model on GPUs.

The API model search lists each model's own maker first (Anthropic's API for claude-*, OpenAI's for gpt-*), then
the other sellers of it, each with its list price, so a search for "claude-sonnet-4-5" is not answered with a
reseller first. The maker comes from the model catalogue (a card's vendor, or the family its name carries), else
from genai-prices' own rules for which provider a model name belongs to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import streamlit as st
from genai_prices import types as gp_types

from models.catalog import ModelCatalog
from pricing import PriceCatalog, TokenPrices
from pricing.gpus import TERM_WORDS, GpuType
from pricing.listing import ALL_HOURS
from tco.capacity.speculative import TOKENS_PER_STEP
from ui import loaders, options_table, state
from ui.amounts import parse_usd
from ui.forms import key, seeded, table_editor, tidy

TERMS = {
    "Rent on demand": "on_demand",
    "Rent, 1-year reserved": "reserved_1y",
    "Rent, 3-year reserved": "reserved_3y",
    "Rent spot": "spot",
    "Buy (own the servers)": "owned",
}


NO_MEASUREMENT = "No measurement: transferred from the nearest one, else a roofline estimate"
ENGINES = {"vLLM": None, "SGLang": "sglang", "TensorRT-LLM": "trt-llm", "ATOM (AMD)": "atom"}
"""The serving engine an option without a profile is estimated for (`Serving.engine`); vLLM is the default."""
SPECULATION = {"No speculative decoding": None, "MTP (multi-token prediction)": "mtp", "EAGLE-3": "eagle3",
               "n-gram": "ngram", "Draft model": "draft_model"}  # fmt: skip
"""Speculative decoding the server will run (`Serving.speculative_decoding`)."""


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Makers:
    """Which providers in the price data are a model's own maker, found from the data rather than a hand list:

    1. the model catalogue's card for the model (by its id, the id's last path segment, or one of the card's API
       ids) names the vendor; else a catalogue family the name carries (claude, gpt, gemini, glm, qwen3, …) does;
    2. the vendor is a provider whose id is the vendor's name ("Anthropic" -> anthropic, "Z.ai" -> zai, "Mistral
       AI" -> mistral); a vendor without an API of its own here (Alibaba Qwen) is the maker of none of the sellers;
    3. a name the catalogue does not know goes to the providers whose genai-prices `model_match` rule claims it
       (openai: gpt-*, o1/o3/o4; deepseek: deepseek*; cohere: command-*).
    """

    def __init__(self, providers: Sequence[gp_types.Provider], models: ModelCatalog) -> None:
        self._providers = tuple(providers)
        self._vendor_of: dict[str, str] = {}
        for card in models.models:
            for name in (card.id, *(a.model for a in card.api)):
                self._vendor_of.setdefault(name.lower(), card.vendor)
        families = {card.family.lower(): card.vendor for card in models.models}
        self._families = sorted(families.items(), key=lambda item: -len(item[0]))  # "qwen3.5" before "qwen3"

    def of(self, model_id: str) -> frozenset[str]:
        """The provider ids that make `model_id` (empty when unknown, or when its maker sells no API here).

        >>> from scenario_io import load_catalogues
        >>> cat = load_catalogues()
        >>> makers = Makers(cat.prices.providers, cat.models)
        >>> [sorted(makers.of(m)) for m in ("claude-sonnet-4-5", "z-ai/glm-5", "gpt-4o", "databricks-qwen3-next")]
        [['anthropic'], ['zai'], ['openai'], []]
        """
        name = model_id.lower().rsplit("/", 1)[-1]
        vendor = self._vendor_of.get(model_id.lower()) or self._vendor_of.get(name)
        vendor = vendor or next((v for family, v in self._families if family in name), None)
        if vendor is not None:
            wanted = _normal(vendor)
            return frozenset(p.id for p in self._providers if wanted in (_normal(p.id), _normal(p.id) + "ai"))
        return frozenset(p.id for p in self._providers if p.model_match is not None and p.model_match.is_match(name))


def per_mtok(usd: float) -> str:
    """A per-Mtok price as a price list writes it.

    >>> per_mtok(3), per_mtok(2.5), per_mtok(0.075), per_mtok(0)
    ('$3', '$2.50', '$0.075', '$0')
    """
    if float(usd).is_integer():
        return f"${usd:,.0f}"
    return f"${usd:,.2f}" if round(usd, 2) == usd else f"${usd:.3g}"


def price_label(prices: TokenPrices) -> str:
    """What one seller charges, for the search box: "$3 in / $15 out per Mtok", with the next tier where the
    price rises with the request's input ("($6 / $22.50 above 200,000 input tokens)") and a per-request fee."""
    text = f"{per_mtok(prices.input.base)} in / {per_mtok(prices.output.base)} out per Mtok"
    tiers = prices.input.tiers or prices.output.tiers
    if tiers:
        above = tiers[0][0] + 1
        tier = f"{per_mtok(prices.input.usd_per_mtok(above))} / {per_mtok(prices.output.usd_per_mtok(above))}"
        text += f" ({tier} above {tiers[0][0]:,} input tokens)"
    if prices.usd_per_request:
        text += f" + ${prices.usd_per_request:g}/request"
    return text


NOT_TEXT = frozenset({"image", "tts", "audio", "live", "realtime", "transcribe", "embedding", "embed", "speech",
                      "video", "moderation"})  # fmt: skip
"""Words of a model id that mark a model for another medium than text chat (gemini-3-pro-image-preview)."""


def text_model(model_id: str) -> bool:
    """Whether a model id names a text model: none of its words (split at - . / _ :) is in NOT_TEXT.

    >>> text_model("gemini-3-pro-preview"), text_model("gemini-3-pro-image-preview"), text_model("gpt-4o-realtime")
    (True, False, False)
    """
    return not NOT_TEXT.intersection(re.split(r"[-./_:]", model_id.lower()))


def ranked_api_choices(prices: PriceCatalog, models: ModelCatalog, today: dt.date) -> dict[str, str]:
    """Every API model in the price data as {"provider / model": its label with today's list price}, each maker's
    own API first, then every other seller; in each, text models before image, speech or embedding ones
    (`text_model`), models the catalogue knows (quality records, lifecycle) before those only the price data lists,
    one it says is retired by `today` last and marked so, and shorter ids first (the base model before its dated or
    suffixed variants): "claude" listed claude-2 and claude-v1 first (a reviewer). The search box
    keeps this order while it filters (`filter_mode="contains"`), so "gemini-3-pro" lists Google's
    gemini-3-pro-preview first, not its image model (a reviewer added that one by taking the first line), and
    "gpt-4o" lists gpt-4o before chatgpt-4o-latest."""
    makers = Makers(prices.providers, models)
    catalogued = {(a.provider.lower(), a.model.lower()) for card in models.models for a in card.api}  # one pass
    ranked: list[tuple[bool, bool, bool, bool, int, str, str]] = []
    for provider in prices.providers:
        for model in provider.models:
            value = f"{provider.id} / {model.id}"
            card = prices.price(provider.id, model.id, today, ALL_HOURS, "genai-prices", model.id).standard
            own = provider.id in makers.of(model.id)
            known = (provider.id.lower(), model.id.lower()) in catalogued
            retired = models.retirement(model.id, provider.id, today) if known else None
            label = f"{value} · {price_label(card)}" + (f" · retired {retired.retired_on:%Y-%m-%d}" if retired else "")
            ranked.append((not own, not text_model(model.id), retired is not None, not known, len(model.id), value,
                           label))  # fmt: skip
    ranked.sort(key=lambda r: r[:5])  # stable: the price data's order among ids of one length
    return {value: label for *_, value, label in ranked}


@st.cache_resource(max_entries=4, show_spinner="Pricing every API model…")
def api_choices(version: str, today: str) -> dict[str, str]:
    """`ranked_api_choices` for one price version and day, shared by every session (read only)."""
    cat = loaders.catalogues()
    return ranked_api_choices(cat.prices, cat.models, dt.date.fromisoformat(today))


TERM_IDS = {"on_demand": "od", "reserved_1y": "1y", "reserved_3y": "3y", "spot": "spot", "owned": "owned"}
"""A pricing term as it ends an added option's id, as the bundled examples write them ("oss120-h200-1y"): an id
is the table's first column, and "glm-5-h200-on_demand-2" was cut to "glm-5-h2…n_demand" at 1280 px."""


def term_problem(gpu: GpuType, term: str) -> str | None:
    """Why the GPU sheet cannot price `gpu` at `term` (an option added so would be left out of every result, a
    reviewer's MI355X on demand), in words naming what it has; None where it can.

    >>> import datetime as dt
    >>> from pricing.gpus import RentalOffer
    >>> offer = RentalOffer(provider="Neocloud", term="reserved_3y", usd_per_gpu_hour=1.9, gpus_per_instance=8,
    ...                     basis="third_party", source="x", as_of=dt.date(2026, 1, 1))
    >>> gpu = GpuType(id="MI355X", name="MI355X", memory_gib=288, memory_bandwidth_tb_s=8, bf16_tflop_s=2300,
    ...               fp8_tflop_s=4600, tdp_w=1400, spec_source="x", spec_as_of=dt.date(2026, 1, 1), offers=(offer,),
    ...               purchase=None)
    >>> term_problem(gpu, "reserved_3y") is None
    True
    >>> print(term_problem(gpu, "on_demand"))
    The GPU sheet has no on-demand price for MI355X; it has: 3-year reserved from Neocloud. Choose one of those.
    """
    if term in gpu.terms():
        return None
    words = TERM_WORDS.get(term, term).replace("on demand", "on-demand")  # an adjective here
    wanted = "purchase price" if term == "owned" else f"{words} price"
    return f"The GPU sheet has no {wanted} for {gpu.id}; it has: {gpu.offers_words()}. Choose one of those."


def unique_id(data: dict[str, Any], wanted: str) -> str:
    """`wanted` as an option id (`tco.records.units.Label`: lower-case letters, digits and . _ -, starting with a
    letter or digit, room left for a "-2"), not taken by another option."""
    taken = {o["id"] for o in data.get("options", [])}
    base = re.sub(r"[^a-z0-9._-]+", "-", wanted.lower())[:70].lstrip("._-").rstrip("-") or "option"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_api_option(data: dict[str, Any], provider: str, model: str) -> str:
    option_id = unique_id(data, model.split("/")[-1])
    data.setdefault("options", []).append({"id": option_id, "kind": "api", "provider": provider, "model": model})
    return option_id


def add_self_hosted_option(
    data: dict[str, Any],
    model: str,
    gpu: str,
    term: str,
    profile: str | None,
    gpus_per_replica: int | None,
    autoscale: bool,
    implementation_usd: float,
    engine: str | None = None,
    speculative_decoding: str | None = None,
) -> str:
    option_id = unique_id(data, f"{model}-{gpu}-{TERM_IDS.get(term, term)}")
    option: dict[str, Any] = {"id": option_id, "kind": "self_hosted", "model": model, "gpu": gpu}
    if profile:
        option["profile"] = profile
    if gpus_per_replica:
        option["gpus_per_replica"] = int(gpus_per_replica)
    if engine:
        option["engine"] = engine
    if speculative_decoding:
        option["speculative_decoding"] = speculative_decoding
    if term == "owned":
        option["ownership"] = {}
    else:
        option["term"] = term
    if autoscale:
        option["autoscale"] = True
    if implementation_usd:
        option["implementation_usd"] = tidy(float(implementation_usd))
    data.setdefault("options", []).append(option)
    return option_id


def _on_add_api() -> None:
    choice = st.session_state.get(key("add.api"))
    state.reset_form(key("options.table"))
    if choice:
        provider, model = choice.split(" / ", 1)
        option_id = add_api_option(state.data(), provider, model)
        st.session_state[ADDED] = f"Added {option_id} ({provider} / {model}); it is in the table above and the results."


def _on_add_self_hosted() -> None:
    s = st.session_state
    try:
        implementation_usd = parse_usd(s[key("add.implementation")])
    except ValueError as err:
        s[ADD_PROBLEM] = f"One-time implementation (USD): {err}. Nothing was added."
        return
    gpu = loaders.catalogues().gpus.get(s[key("add.gpu")])
    if problem := term_problem(gpu, TERMS[s[key("add.term")]]):
        s[ADD_PROBLEM] = f"{problem} Nothing was added."
        return
    s.pop(ADD_PROBLEM, None)
    state.reset_form(key("options.table"))
    profiles = s.get(key("add.profiles"), {})
    option_id = add_self_hosted_option(
        state.data(),
        s[key("add.model")],
        s[key("add.gpu")],
        TERMS[s[key("add.term")]],
        profiles.get(s[key("add.profile")]),
        s[key("add.gpus")] or None,
        s[key("add.autoscale")],
        implementation_usd,
        ENGINES.get(s.get(key("add.engine"), "")),
        SPECULATION.get(s.get(key("add.speculation"), "")),
    )
    st.session_state[ADDED] = f"Added {option_id}; it is in the table above and the results."


ADD_PROBLEM = "options.add_problem"
"""Why the last self-hosted option was not added (a box it could not read), shown under its form until the next try."""
ADDED = "options.added"
"""The confirmation of the last option added, shown above the options table until the options change (a rerun
that follows the add, such as the address bar's update, does not wipe it before it is read)."""


def render(data: dict[str, Any]) -> None:
    ids = state.option_ids(data)
    added = st.session_state.get(ADDED)
    if isinstance(added, str):  # just added: remember the options it speaks of
        added = st.session_state[ADDED] = (added, ids)
    if added and added[1] == ids:
        st.success(added[0], icon=":material/check_circle:")
    else:
        st.session_state.pop(ADDED, None)
    st.caption(
        "Edit pricing, GPUs and costs in place; select rows and press Delete to remove options. "
        "Blank cells take the defaults (GPU sheet, profile, ops staff cost, ownership defaults). "
        "Its columns are more than a laptop screen holds: the price, replica, one-time and ownership columns lie to "
        "the right, the ids staying in view: scroll the table sideways."
        # a reviewer at 1280 px saw the header cut at "$/GPU-h (" and nothing said more lay past it; another, at
        # 1400 px too, read "on a narrow screen" as not his
    )
    options = data.setdefault("options", [])
    edited = table_editor(
        "options.table",
        lambda: options_table.to_frame(options),
        num_rows="delete",
        disabled=["id", "kind", "model", "throughput"],
        column_config=options_table.column_config([g.id for g in loaders.catalogues().gpus.gpus]),
    )
    data["options"] = options_table.apply(options, edited)
    add_api = st.expander("Add an API model", icon=":material/cloud:", key=key("add.api.open"), on_change="rerun")
    if add_api.open:  # every API model priced (~1 s the first time) only for whoever opens it, not the first screen
        _api_form(add_api)
    with st.expander("Add an open model on GPUs", icon=":material/memory:"):
        _self_hosted_form()


def _api_form(container: Any) -> None:
    with container, st.form(key("form.api"), border=False):
        labels = api_choices(loaders.catalogues().prices.version, dt.date.today().isoformat())
        st.selectbox(
            "Provider / model (type to search)",
            list(labels),
            index=None,
            format_func=lambda choice: labels.get(choice, choice),
            filter_mode="contains",  # keeps the list's order (maker first); "fuzzy" re-sorts by match score
            placeholder="e.g. claude-sonnet-4-6: its maker's own API comes first, then other sellers",
            help="Each model's maker (Anthropic for claude-*, OpenAI for gpt-*, Google for gemini-*) is listed "
            "before the other sellers of it; each line shows that seller's list price today.",
            key=key("add.api"),
        )
        st.form_submit_button("Add API option", on_click=_on_add_api)


def _self_hosted_form() -> None:
    cat = loaders.catalogues()
    open_models = [m.id for m in cat.models.models if m.open_weights]
    model = st.selectbox("Open model to self-host", open_models, key=seeded("add.model", open_models[0], open_models))
    profiles = {
        state.profile_label(ref, p): ref
        for ref, p in state.all_profiles().items()
        if p.meta.model.lower() == model.lower()
    }
    st.session_state[key("add.profiles")] = profiles
    with st.form(key("form.hosted"), border=False):
        left, right = st.columns(2)
        left.selectbox("GPU", [g.id for g in cat.gpus.gpus], key=key("add.gpu"))
        right.selectbox("Pricing", list(TERMS), key=key("add.term"))
        st.selectbox(
            "Throughput",
            [*profiles, NO_MEASUREMENT],
            key=key("add.profile"),
            help="A measured or published profile of this model; or none: then the nearest bundled measurement "
            "(this model on another GPU, or a sibling model) scaled by the hardware ratio, else a roofline estimate "
            "from the model's shape and the GPU. The result says which, with its measured error.",
        )
        left, right = st.columns(2)
        left.number_input(
            "GPUs per replica (0 = from the profile)", min_value=0, max_value=64, step=1, key=key("add.gpus")
        )
        right.text_input(
            "One-time implementation (USD)",
            key=seeded("add.implementation", "0"),
            help="Engineering to set the deployment up, paid once: 250,000, $250k or 0.",
        )
        left, right = st.columns(2)
        left.selectbox(
            "Serving engine",
            list(ENGINES),
            key=key("add.engine"),
            help="Without a measurement, the estimate follows the engine: SGLang, TensorRT-LLM and ATOM read only the "
            "mixture-of-experts weights a batch uses at each step, vLLM every weight. A profile keeps its own.",
        )
        right.selectbox(
            "Speculative decoding",
            list(SPECULATION),
            key=key("add.speculation"),
            help="A draft guesses the next tokens and one step of the model checks them, so each step yields about "
            f"{TOKENS_PER_STEP:g} tokens (fitted on published DeepSeek-R1 MTP runs): more requests a second at the "
            "same latency. "
            "A profile already holds what its server ran.",
        )
        st.checkbox("Autoscale replicas over the day (on-demand or spot only)", key=key("add.autoscale"))
        st.form_submit_button("Add self-hosted option", on_click=_on_add_self_hosted)
    if problem := st.session_state.get(ADD_PROBLEM):
        st.error(problem, icon=":material/error:")
