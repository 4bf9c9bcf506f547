"""The bundled catalogues: coverage, provenance, and that every API id they name really resolves."""

from __future__ import annotations

import pytest

from models import load_catalog
from pricing import load_gpu_sheet
from profiling.schema import load_profile, profile_from_csv, profile_to_rows
from tests.conftest import ROOT


def test_at_least_twenty_open_models_from_the_named_families():
    catalog = load_catalog()
    open_models = [m for m in catalog.models if m.open_weights]
    assert len(open_models) >= 20
    families = {m.family for m in open_models}
    assert {"GLM", "DeepSeek", "Qwen3", "Kimi", "Llama", "gpt-oss", "Mistral", "MiniMax", "Gemma"} <= families
    for model_id in ("glm-5", "deepseek-v3.2", "qwen3-235b-a22b", "gpt-oss-120b", "llama-3.3-70b-instruct"):
        assert catalog.find(model_id) is not None, model_id


def test_every_quality_score_has_a_source_and_frontier_models_are_scored():
    catalog = load_catalog()
    for card in catalog.models:
        for score in card.quality:
            assert score.source and score.as_of
    proprietary = [m for m in catalog.models if not m.open_weights]
    assert sum(1 for m in proprietary if m.quality) >= 5


def test_every_api_reference_resolves_in_genai_prices(catalogues):
    for card in load_catalog().models:
        for ref in card.api:
            _, model = catalogues.prices.find(ref.provider, ref.model, "catalogue", card.id)
            assert model.id.lower() == ref.model.lower(), (card.id, ref)


def test_open_model_and_its_api_sit_side_by_side():
    catalog = load_catalog()
    assert catalog.for_api("zai", "glm-5").id == "glm-5"


@pytest.mark.parametrize("gpu_id", ["H100", "H200", "B200", "A100-80GB", "L40S", "L4", "MI300X", "MI325X", "MI355X"])
def test_gpu_sheet_has_facts_and_dated_sourced_offers(gpu_id):
    gpu = load_gpu_sheet().get(gpu_id)
    assert gpu.memory_gib > 0 and gpu.memory_bandwidth_tb_s > 0 and gpu.spec_source
    assert gpu.offers, "every GPU has at least one rental offer"
    for offer in gpu.offers:
        assert offer.source and offer.as_of and offer.basis in {"vendor", "third_party", "estimate", "measured"}


def test_several_terms_and_purchases_exist():
    sheet = load_gpu_sheet()
    terms = {o.term for g in sheet.gpus for o in g.offers}
    assert terms == {"on_demand", "reserved_1y", "reserved_3y", "spot"}
    assert sum(1 for g in sheet.gpus if g.purchase) >= 3


@pytest.mark.parametrize("path", sorted((ROOT / "profiling" / "reference").glob("*.yaml")), ids=lambda p: p.name)
def test_reference_profiles_are_published_and_cited(path):
    profile = load_profile(path)
    assert profile.meta.source == "published"
    assert profile.meta.citation
    assert path.read_text().startswith("# Reference profile converted from published figures")


def test_profile_csv_round_trip(tmp_path):
    profile = load_profile(ROOT / "profiling" / "reference" / "glm-5-h200-fp8.yaml")
    import csv
    import io

    rows = profile_to_rows(profile)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    again = profile_from_csv(buffer.getvalue(), "p.csv")
    assert again.levels == profile.levels
    assert again.meta.model == profile.meta.model and again.meta.gpu_count == profile.meta.gpu_count
