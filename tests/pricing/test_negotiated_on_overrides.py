"""A negotiated discount for a model priced by the overrides file, not by genai-prices: the scenario's row sits
on the file's prices (it replaced the file's row, and the option fell out: "unknown provider 'deepinfra'")."""

from __future__ import annotations

import pytest
import yaml

from scenario_io import resolve_scenario
from scenario_io.loader import load_scenario
from scenario_io.references import References
from tco import evaluate
from tests.conftest import ROOT, TODAY, write_yaml

QUOTE = {"provider": "deepinfra", "model": "gpt-oss-120b", "discount_share": 0.1, "source": "DeepInfra quote",
         "as_of": "2026-12-01"}  # fmt: skip


def _result(tmp_path, catalogues, overrides: list[dict]):
    mapping = yaml.safe_load((ROOT / "scenarios" / "batch-summariser.yaml").read_text())
    if overrides:
        mapping["overrides"] = overrides
    path = write_yaml(tmp_path / "scenario.yaml", mapping)
    refs = References.on_disk(ROOT / "scenarios")  # the example's profiles, where the example sits
    return evaluate(resolve_scenario(load_scenario(path), "scenario.yaml", catalogues, refs=refs, today=TODAY))


def test_a_discount_on_an_override_priced_model_applies_to_the_files_prices(tmp_path, catalogues):
    """batch-summariser's pick, oss120-deepinfra, is priced by pricing/data/api_overrides.yaml ($0.037 in, $0.17
    out per Mtok: genai-prices has no DeepInfra). A scenario row giving it 10 % off keeps it in the comparison, its
    token cost 90 % of the list's, the file's source named for the prices and the quote for the discount."""
    listed = _result(tmp_path, catalogues, []).option("oss120-deepinfra")
    quoted = _result(tmp_path, catalogues, [QUOTE])
    assert not quoted.option_errors
    option = quoted.option("oss120-deepinfra")
    file_row = next(r for r in yaml.safe_load((ROOT / "pricing" / "data" / "api_overrides.yaml").read_text())
                    ["overrides"] if (r["provider"], r["model"]) == ("deepinfra", "gpt-oss-120b"))  # fmt: skip
    assert (file_row["input_usd_per_mtok"], file_row["output_usd_per_mtok"]) == (0.037, 0.17)
    ours, list_price = option.breakdown_first_month_usd, listed.breakdown_first_month_usd
    assert set(ours) == {"input", "output", "staff_and_platform"}
    assert (ours["input"], ours["output"]) == (
        pytest.approx(0.9 * list_price["input"]),
        pytest.approx(0.9 * list_price["output"]),
    )
    assert ours["staff_and_platform"] == list_price["staff_and_platform"]  # the discount is on tokens only
    notes = " ".join(option.notes)
    assert "negotiated discount 10% (override, DeepInfra quote)" in notes and file_row["source"] in notes
