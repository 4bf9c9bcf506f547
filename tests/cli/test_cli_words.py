"""The command line says what the app says: the status column, every option's help, every import format, the price
data's own date, the replica's GPU, and money with the sign before the dollar."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil

import pytest
import yaml

from cli.main import IMPORT_FORMAT_NAMES, build_parser, main
from cli.usage import _money as usage_money
from pricing import load_price_catalog
from pricing.listing import data_date_text, price_since
from reports.ranking import ranked
from scenario_io import load_inputs
from tco import evaluate
from tco.decision.verdict import decide, status
from tco.portfolio.mix import best_mix
from tco.records.results import recommendable
from tests.conftest import ROOT, SCENARIOS

GLM5_SWEEP = ROOT / "profiling/reference/glm-5-fp8-tp8-vllm-inferencex.yaml"
CAPACITY_FLAGS = ["--input-tokens", "2000", "--output-tokens", "500", "--slo", "ttft_p99_s=2"]

OUTSIDE_CLI: set[tuple[str, str]] = set()
"""Options without help defined outside cli/ (profiling/cli.py, evals/cli.py): listed so that no new gap appears
and an entry is removed once its help is written."""


def _gaps(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(subcommand path, option or subcommand) of everything in the parser tree without help text."""
    gaps = set()
    for action in parser._actions:  # argparse offers no public walk of its tree
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            for name, sub in action.choices.items():
                if name not in helped:
                    gaps.add((" ".join(path), name))
                gaps |= _gaps(sub, (*path, name))
        elif not action.help and not isinstance(action, argparse._HelpAction):
            gaps.add((" ".join(path), (action.option_strings or [action.dest])[0]))
    return gaps


def test_every_subcommand_and_option_has_help():
    gaps = _gaps(build_parser())
    assert gaps - OUTSIDE_CLI == set(), "write help for these"
    assert OUTSIDE_CLI - gaps == set(), "these have help now: remove them from OUTSIDE_CLI"


def test_import_help_lists_every_format_the_importer_dispatches(capsys):
    from profiling.importers import CONVERTERS

    assert set(IMPORT_FORMAT_NAMES) == set(CONVERTERS), "name each importer in cli.main.IMPORT_FORMAT_NAMES"
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for tool in CONVERTERS:
        assert f"{tool}: {' '.join(IMPORT_FORMAT_NAMES[tool].split())}" in shown
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = " ".join(capsys.readouterr().out.split())
    assert all(tool in listed for tool in CONVERTERS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_table_shows_the_apps_status_and_money_signed_before_the_dollar(path, capsys):
    """Each row ends with tco.decision.verdict.status; recommendable rows come first, by NPV (the NPV column)."""
    assert main(["compare", str(path)]) == 0
    table = capsys.readouterr().out
    assert not re.search(r"\$[-\u2212]\d", table), "negative money reads −$1,234"
    inputs = load_inputs(path)
    result = evaluate(inputs)
    decision = decide(result)
    mix = best_mix(inputs, result) if inputs.scenario.portfolio.enabled else None
    lines = table.split("\n")
    header = lines[1]
    assert header.split()[-1] == "status" and " NPV " in header
    npv_start = header.index("total") + len("total")
    npv_end = header.index("NPV") + len("NPV")
    npvs = []
    for option, line in zip(ranked(result), lines[3:], strict=False):
        assert line.startswith(f"{option.id} ") and line.endswith(f"  {status(option, decision, mix)}"), line
        if recommendable(option):
            npv = line[npv_start:npv_end].strip().replace("$", "").replace(",", "").replace("\u2212", "-")
            npvs.append(float(npv))
    assert npvs == sorted(npvs)


def test_usage_money_puts_the_sign_before_the_dollar():
    assert usage_money(-807094.4) == "\u2212$807,094.40"  # a true minus, as the app and its charts write it
    assert usage_money(12.5) == "$12.50" and usage_money(None) == "-"


def test_prices_list_dates_rows_by_the_price_data(monkeypatch, tmp_path, capsys):
    """The bundled genai-prices data records no snapshot date; each row shows when its price started, never today."""
    monkeypatch.setenv("INFERENCE_ROI_CACHE", str(tmp_path))
    catalog = load_price_catalog()
    on = dt.date(2026, 12, 2)
    text = data_date_text(catalog, on)
    assert text.startswith("the data records no snapshot date; its latest price change took effect on 2026-12-01")
    assert text.endswith(", and it schedules changes for 2027-01-01")
    zai = next(p for p in catalog.providers if p.id == "zai")
    flash = next(m for m in zai.models if m.id == "GLM-5.3-Flash")
    assert price_since(flash, on) == dt.date(2026, 9, 10) and price_since(flash, dt.date(2026, 1, 1)) is None
    assert main(["prices", "list", "--provider", "zai", "--search", "glm-5.3-flash"]) == 0
    out = capsys.readouterr().out
    assert "the data records no snapshot date" in out.split("\n")[0]
    assert "zai\tGLM-5.3-Flash\t0.15 / 0.03 / 0.5\t[genai-prices 0.2.3 (bundled), price since 2026-09-10]" in out
    assert f"as of {dt.date.today()}" not in out


@pytest.fixture
def unrecorded_gpu_profile(tmp_path):
    """The GLM-5 sweep as first bundled: its files do not name the GPU."""
    doc = yaml.safe_load(GLM5_SWEEP.read_text())
    doc["meta"]["gpu"] = "not recorded"
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_capacity_names_the_gpu_from_the_flag_when_the_profile_does_not(unrecorded_gpu_profile, capsys):
    assert main(["capacity", str(unrecorded_gpu_profile), *CAPACITY_FLAGS, "--gpu", "h200"]) == 0
    out = capsys.readouterr().out
    assert "per replica of 8 × H200" in out and out.startswith("glm-5 on 8 × H200 at 2000 in / 500 out")
    assert "not recorded" not in out
    assert main(["capacity", str(unrecorded_gpu_profile), *CAPACITY_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "per replica of 8 GPUs (GPU type not recorded)" in out and " x not recorded" not in out


def test_capacity_keeps_the_measured_gpu_and_says_when_the_flag_differs(tmp_path, capsys):
    shutil.copy(GLM5_SWEEP, tmp_path / "sweep.yaml")
    assert main(["capacity", str(tmp_path / "sweep.yaml"), *CAPACITY_FLAGS, "--gpu", "B200", "--format", "json"]) == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    assert (doc["gpu"], doc["gpus_per_replica"]) == ("H200", 8)
    assert "8 × H200" in doc["chosen"]
    assert any("--gpu B200 is not the H200 the profile was measured on" in n for n in doc["notes"])


def test_an_option_that_cannot_be_computed_has_the_apps_words(tmp_path, capsys):
    """GLM-5 fits no L4 layout: its row says so in the status column while the API computes."""
    scenario = {
        "name": "one bad option",
        "start": "2027-01",
        "workload": {"requests_per_month": 5e6, "input_tokens": 2000, "output_tokens": 500},
        "options": [
            {"id": "api", "kind": "api", "provider": "openai", "model": "gpt-5.2"},
            {"id": "glm5-l4", "kind": "self_hosted", "model": "glm-5", "gpu": "L4", "usd_per_gpu_hour": 0.8},
        ],
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    assert main(["compare", str(path)]) == 0
    rows = capsys.readouterr().out.split("\n")[3:5]
    assert rows[0].startswith("api ") and rows[0].endswith("  recommended")
    assert re.match(r"glm5-l4 +ERROR +cannot be computed: .*does not fit", rows[1]), rows[1]
