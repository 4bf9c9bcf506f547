"""An option priced at a term the GPU sheet has no offer for is refused in words: the term, the GPU and what the
sheet does offer for it (`scenario_io.loader`), never a Python list of tuples."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from datafiles import InputError, parse_as
from scenario_io import resolve_scenario
from scenario_io.references import References
from tco.records.scenario import Scenario
from tests.conftest import ROOT


def test_a_term_the_sheet_lacks_is_named_with_what_it_has(catalogues):
    mapping = yaml.safe_load((ROOT / "scenarios" / "glm5-vs-frontier.yaml").read_text())
    mapping["options"] = [
        {"id": "r1-mi355x-od", "kind": "self_hosted", "model": "deepseek-r1-0528", "gpu": "MI355X"},
        *mapping["options"],
    ]
    mapping["options"][0]["term"] = "on_demand"
    scenario = parse_as(Scenario, mapping, "test.yaml")
    with pytest.raises(InputError) as raised:
        resolve_scenario(scenario, "test.yaml", catalogues, refs=References.on_disk(ROOT / "scenarios"),
                         today=dt.date(2026, 12, 6))  # fmt: skip
    said = str(raised.value)
    assert "options[0].term" in said and "test.yaml" in said
    assert (
        "the GPU sheet (gpus.yaml) has no on demand offer for MI355X; it has: 3-year reserved from Neocloud 3-year "
        "rental (SemiAnalysis costr). Choose one of those terms, or give usd_per_gpu_hour"
    ) in said
    assert "[(" not in said
