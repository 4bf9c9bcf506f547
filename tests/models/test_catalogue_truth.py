"""The model catalogue says only what its sources say (issue 25, items 6-8).

Every number below is written out by hand from the published config or page named in the catalogue's
`architecture_source` / `retirement_source` / quality `url`, so a transcription slip in the YAML fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from models import load_catalog
from models.quality import best_record, provenance_label
from tco.capacity.memory_fit import kv_bytes_per_sequence
from tco.cost.option_models import context_problem
from tco.records.scenario import RequestClass
from tests.conftest import ROOT, SCENARIOS

CATALOG = load_catalog()
OPEN = [m for m in CATALOG.models if m.open_weights]

# Open models the roofline cannot size, each with why. A new model without an architecture fails the test
# below until it is added here with its reason.
NO_ARCHITECTURE = {
    "mistral-large-3-675b-instruct-2512": "no public copy of its config.json found (only the 675B/41B announcement)",
    "deepseek-v4-pro": "config public, but its compressed attention (128-token window + L/4 or L/128 compressed "
    "entries per layer) has no field in ModelCard; layers/hidden are recorded, KV is not",
    "deepseek-v4-flash": "as deepseek-v4-pro: compressed attention (3 sliding-only, 21 CSA x4, 20 HCA x128 layers)",
}
# Architectures transcribed before the 2026-12 check whose config could not be re-read with the tools then.
NOT_REVERIFIED = {"mistral-small-3.2-24b-instruct-2506", "gemma-3-27b-it"}


def _sized(card) -> bool:
    return (
        card.total_params_b is not None
        and card.active_params_b is not None
        and card.layers is not None
        and (card.kv_elements_per_layer_token is not None)
    )


def test_every_open_model_without_an_architecture_is_listed_with_its_reason():
    missing = {m.id for m in OPEN if not _sized(m)}
    assert missing == set(NO_ARCHITECTURE), "add the reason to NO_ARCHITECTURE, or the architecture to the card"
    for model_id in NO_ARCHITECTURE:
        assert "config" in (CATALOG.find(model_id).architecture_source or "")


def test_every_architecture_names_its_published_config_and_the_copy_read():
    for card in OPEN:
        source = card.architecture_source or ""
        if card.id in NO_ARCHITECTURE:
            continue
        assert "huggingface.co/" in source and "config.json" in source, card.id
        if card.id in NOT_REVERIFIED:
            assert "NOT re-verified" in source, card.id
        else:
            # "@<commit>", or a shorthand the YAML header pins to a commit (AIC, SLIME)
            assert any(k in source for k in ("@", "AIC ", "SLIME ")), f"{card.id}: name the copy read, at a commit"


# KV-cache bytes one token adds, bf16 (2 B an element), by hand from each config:
#   GQA: layers x 2 (K and V) x kv heads x head dim x 2 B;  MLA: layers x (kv_lora_rank 512 + rope 64) x 2 B.
KV_BYTES_PER_TOKEN = {
    "llama-3.3-70b-instruct": 80 * 2 * 8 * 128 * 2,  # 327,680 (memory_fit's worked example)
    "qwen3-32b": 64 * 2 * 8 * 128 * 2,  # 262,144
    "qwen3-8b": 36 * 2 * 8 * 128 * 2,  # 147,456
    "qwen3-30b-a3b": 48 * 2 * 4 * 128 * 2,  # 98,304
    "qwen3-235b-a22b": 94 * 2 * 4 * 128 * 2,  # 192,512
    "qwen3-235b-a22b-instruct-2507": 94 * 2 * 4 * 128 * 2,
    "glm-4.5": 92 * 2 * 8 * 128 * 2,  # 376,832
    "glm-4.5-air": 46 * 2 * 8 * 128 * 2,  # 188,416
    "glm-5": 78 * 576 * 2,  # 89,856
    "glm-5.3": 78 * 576 * 2,
    "deepseek-v3": 61 * 576 * 2,  # 70,272
    "deepseek-r1": 61 * 576 * 2,
    "kimi-k2.5": 61 * 576 * 2,
    "minimax-m2": 62 * 2 * 8 * 128 * 2,  # 253,952
    "minimax-m3": 60 * 2 * 4 * 128 * 2,  # 122,880: every layer stores its KV (sparse reads, full storage)
    "qwen3.5-397b-a17b": 15 * 2 * 2 * 256 * 2,  # 30,720: 15 full-attention layers; 45 Gated DeltaNet keep none
    "qwen3.6-27b": 16 * 2 * 4 * 256 * 2,  # 65,536: 16 of 64 layers are full attention
    "kimi-k3": 24 * 576 * 2,  # 27,648: 24 MLA layers; 69 KDA layers keep a fixed state
}


@pytest.mark.parametrize(("model_id", "per_token"), KV_BYTES_PER_TOKEN.items())
def test_kv_bytes_per_token_from_the_config_by_hand(model_id, per_token):
    card = CATALOG.find(model_id)
    assert kv_bytes_per_sequence(card, 1000) == pytest.approx(per_token * 1000)


def test_minimax_m2_kv_matches_its_vendors_deployment_guide():
    # MiniMax-M2 docs/vllm_deploy_guide.md: "240 GB per 1M context tokens"; 253,952 B x 1e6 = 236.5 GiB
    per_token = kv_bytes_per_sequence(CATALOG.find("minimax-m2"), 1)
    assert per_token * 1e6 / 2**30 == pytest.approx(236.5, abs=0.1)


def test_windowed_layers_hold_at_most_their_window():
    # gpt-oss-120b: 18 full + 18 sliding (128) layers, 2 x 8 x 64 x 2 B = 2,048 B a layer-token.
    # At 8,192 tokens: 2,048 x (18 x 8,192 + 18 x 128) = 306,708,480 B.
    assert kv_bytes_per_sequence(CATALOG.find("gpt-oss-120b"), 8192) == 2048 * (18 * 8192 + 18 * 128) == 306_708_480
    # Llama 4 Scout: attention_chunk_size 8,192, every 4th layer global (transformers Llama4TextConfig):
    # 12 global + 36 chunked layers, 4,096 B a layer-token; at 32,768 tokens 4,096 x (12 x 32,768 + 36 x 8,192).
    scout = CATALOG.find("llama-4-scout-17b-16e-instruct")
    assert (scout.sliding_window_layers, scout.sliding_window_tokens) == (36, 8192)
    assert kv_bytes_per_sequence(scout, 32768) == 4096 * (12 * 32768 + 36 * 8192) == 2_818_572_288


def test_native_and_extended_context_are_both_recorded():
    q = CATALOG.find("qwen3-32b")
    # Qwen3 docs: 32,768 in pretraining; YaRN factor 4 gives 131,072; config max_position_embeddings 40,960 =
    # 32,768 + 8,192 reserved for output, which is not the context.
    assert (q.context_tokens, q.context_tokens_extended, q.max_context_tokens) == (32768, 131072, 131072)
    assert "YaRN" in q.context_extension and "factor 4" in q.context_extension and q.context_source
    assert q.context_extension_needed(60_000) is not None and q.context_extension_needed(30_000) is None
    for card in CATALOG.models:
        if card.context_tokens_extended is not None:
            assert card.context_tokens_extended > card.context_tokens and card.context_extension, card.id
    # the request check reads the longest servable window: 100k fits with YaRN, 140k does not
    fits = RequestClass(name="long", share=1.0, input_tokens=99_000, output_tokens=1_000)
    too_long = RequestClass(name="long", share=1.0, input_tokens=139_000, output_tokens=1_000)
    assert context_problem(q, (fits,)) is None
    assert "131,072" in context_problem(q, (too_long,))


def test_published_windows_by_hand():
    ctx = {m.id: m.context_tokens for m in CATALOG.models}
    assert ctx["glm-5.1"] == 202_752 and ctx["glm-5.2"] == ctx["glm-5.3"] == 1_048_576  # max_position_embeddings
    assert ctx["deepseek-v3"] == 128 * 1024  # README "128K"; config 163,840 = 4,096 x YaRN 40, trained in
    assert ctx["qwen3-235b-a22b-instruct-2507"] == 262_144  # card: "262,144 natively"
    assert ctx["kimi-k2.5"] == 262_144 and ctx["minimax-m3"] == 1_048_576


# --- Retirement (item 6) ------------------------------------------------------------------------------------------


def test_gemini_3_pro_is_shut_down_before_the_flagship_starts_and_google_names_a_successor():
    before, on = dt.date(2026, 3, 8), dt.date(2026, 3, 9)
    assert CATALOG.retirement("gemini-3-pro-preview", "google", before) is None
    r = CATALOG.retirement("gemini-3-pro-preview", "google", on)
    assert (r.retired_on, r.successor) == (on, "gemini-3.1-pro-preview") and "deprecations" in r.source
    assert r.message(dt.date(2026, 12, 1)).startswith("gemini-3-pro-preview was shut down on 2026-03-09")
    # Gemini 2.5 Pro: Google's page moved the date (June 17 → October 16 → December 1, 2026); the catalogue has
    # the last one, which is the support example's first day.
    assert CATALOG.retirement("gemini-2.5-pro", "google", dt.date(2026, 12, 1)).retired_on == dt.date(2026, 12, 1)
    assert CATALOG.retirement("gemini-2.5-pro", "google", dt.date(2026, 11, 30)) is None


def test_a_hosts_withdrawal_retires_that_endpoint_not_the_weights():
    assert CATALOG.retirement("kimi-k2.5", on=dt.date(2027, 1, 1)) is None  # self-hosting is unaffected
    api = CATALOG.retirement("kimi-k2.5", "moonshotai", dt.date(2027, 1, 1))
    assert (api.retired_on, api.successor, api.provider) == (dt.date(2026, 8, 31), "kimi-k2.6", "moonshotai")
    assert CATALOG.retirement("kimi-k2p5", "fireworks", dt.date(2027, 1, 1)) is None
    # announced but not yet due: found without a date, not at one before it
    assert CATALOG.retirement("claude-opus-4-5", "anthropic").retired_on == dt.date(2027, 1, 22)
    assert CATALOG.retirement("claude-opus-4-5", "anthropic", dt.date(2026, 12, 1)) is None


def test_every_retirement_has_a_source_and_a_successor_the_provider_prices(catalogues):
    count = 0
    for card in CATALOG.models:
        entries = [(card.retired_on, card.successor, card.retirement_source, a.provider) for a in card.api[:1]]
        entries += [(a.retired_on, a.successor, a.retirement_source, a.provider) for a in card.api]
        for retired_on, successor, source, provider in entries:
            if retired_on is None:
                continue
            count += 1
            assert source, card.id
            if successor:
                _, model = catalogues.prices.find(provider, successor, "catalogue", card.id)
                assert model.id.lower() == successor.lower(), (card.id, successor)
    assert count >= 10


# Bundled examples that still price a model shut down before they start, each with why it stays. A new one fails.
RETIRED_AT_START = {
    ("owned-fleet-finance.yaml", "gpt-5-mini"): "OpenAI shuts gpt-5-mini down on 2026-12-11, before this example's "
    "2027-01 start (successor gpt-6.1-terra, not in the catalogue); replacing it moves the CFO, risk and app tests "
    "pinned to this option: left to the example's owner",
}


def test_bundled_scenarios_price_no_model_that_is_shut_down_when_they_start():
    seen = set()
    for path in SCENARIOS:
        data = yaml.safe_load(path.read_text())
        year, month = (int(x) for x in str(data.get("start", "2026-12")).split("-")[:2])
        start = dt.date(year, month, 1)
        for option in data["options"]:
            if option.get("kind") == "api":
                gone = CATALOG.retirement(option["model"], option["provider"], start)
                if (path.name, option["model"]) in RETIRED_AT_START:
                    seen.add((path.name, option["model"]))
                    assert gone is not None
                    continue
                assert gone is None, f"{path.name}: {gone.message(start)}"
            elif "model" in option:
                assert CATALOG.retirement(option["model"], on=start) is None, path.name
    assert seen == set(RETIRED_AT_START)


# --- Provenance (item 7) ------------------------------------------------------------------------------------------


def _records(model_id, benchmark):
    return [r for r in CATALOG.find(model_id).quality if r.benchmark == benchmark]


def test_a_vendors_figure_copied_into_a_competitors_table_stays_first_party():
    zai = [r for r in _records("gemini-3-pro-preview", "gpqa_diamond") if r.reported_by == "Z.ai"]
    assert [(r.score, r.party, r.measured_by) for r in zai] == [(91.9, "first_party", "Google")]
    assert zai[0].label == "first party (Google), reported by Z.ai"
    # Z.ai about its own GLM-4.7 is first party too (it was labelled third party)
    assert all(r.party == "first_party" and r.measured_by == "Z.ai" for r in CATALOG.find("glm-4.7").quality)
    # a cell that differs from the vendor's own figure is not the vendor's: who ran it is not stated
    hle = _records("gemini-3-pro-preview", "hle")
    assert [(r.score, r.party, r.measured_by, r.reported_by) for r in hle] == [(37.2, "third_party", None, "Z.ai")]
    assert "37.5" in hle[0].note  # Google's own
    # an independent lab's measurements printed by the vendor
    mm = _records("minimax-m2", "gpqa_diamond")[0]
    assert mm.label == "independent (Artificial Analysis), reported by MiniMax"
    assert provenance_label({"party": "third_party", "measured_by": "Aider"}) == "independent (Aider)"


def test_first_party_means_the_models_own_vendor():
    for card in CATALOG.models:
        for r in card.quality:
            if r.party == "first_party":
                assert r.measured_by == card.vendor, (card.id, r.benchmark, r.source)
            elif r.party == "third_party":
                assert r.measured_by != card.vendor, (card.id, r.benchmark, r.source)
            assert r.source and r.as_of and (r.url or not r.verified), (card.id, r.benchmark)


# Records whose figure was not found in the stated source (2026-12 re-check). A new unverified record must be
# added here on purpose.
UNVERIFIED = {
    ("glm-4.5-air", "gpqa_diamond"),
    ("deepseek-v3.2", "gpqa_diamond"),  # DeepSeek's own card; Z.ai's copy (verified) stays
    ("gpt-oss-20b", "gpqa_diamond"),
    ("gemma-3-27b-it", "gpqa_diamond"),
    ("claude-opus-4-5", "gpqa_diamond"),  # Anthropic's post; Z.ai's copy (verified) stays
    ("claude-haiku-4-5", "gpqa_diamond"),
    ("gpt-5-mini", "gpqa_diamond"),
    ("gemini-2.5-flash", "gpqa_diamond"),
    ("gemini-3.1-pro-preview", "swe_bench_verified"),
    ("glm-5.1", "terminal_bench_2_1"),
    ("glm-5.1", "swe_bench_pro"),
    ("claude-opus-4-8", "terminal_bench_2_1"),
}


def test_unverified_records_are_the_listed_ones_and_never_decide_a_gate():
    found = {(c.id, r.benchmark) for c in CATALOG.models for r in c.quality if not r.verified}
    assert found == UNVERIFIED
    for model_id, benchmark in UNVERIFIED:
        records = _records(model_id, benchmark)
        assert all(r.note for r in records if not r.verified)
        decided = best_record(records, benchmark)
        assert decided is None or decided.verified
    assert best_record(CATALOG.find("claude-haiku-4-5").quality, "gpqa_diamond") is None  # Haiku 4.5's 73.0


def test_qwen3_2507_gpqa_has_its_source():
    (r,) = _records("qwen3-235b-a22b-instruct-2507", "gpqa_diamond")
    assert (r.score, r.party, r.verified) == (77.5, "first_party", True)
    assert r.url == "https://huggingface.co/Qwen/Qwen3-235B-A22B-Instruct-2507" and "awesome-akash" in r.note


def test_flagship_gate_is_decided_by_verified_records(catalogues):
    from scenario_io import load_inputs
    from tco import evaluate
    from tests.conftest import TODAY

    result = evaluate(load_inputs(ROOT / "scenarios" / "glm5-vs-frontier.yaml", catalogues, today=TODAY))
    scores = {o.id: o.quality_score for o in result.options}
    assert scores["gemini-3.1-pro"] == 94.3  # Google's launch table
    assert scores["opus-4.5"] == 87.0  # Z.ai's copy decides: Anthropic's own record is unverified
    assert "first party (Google)" in result.option("gemini-3.1-pro").quality_source
