"""Cached loading of catalogues and scenarios (never widgets inside cached functions)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from datafiles import parse_as, parse_yaml_text
from datafiles.reading import decode_utf8
from scenario_io import Catalogues, load_catalogues, resolve_scenario
from tco import ScenarioInputs
from tco.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
MAX_UPLOAD_BYTES = 1024 * 1024
DEFAULT_SCENARIO = "support-assistant"


@st.cache_resource(show_spinner="Loading catalogues…")
def catalogues() -> Catalogues:
    """Model catalogue, GPU sheet and price data: read once per server process, shared read-only."""
    return load_catalogues()


def bundled_scenarios() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def scenario_from_bytes(data: bytes, name: str) -> Scenario:
    """Validate uploaded or bundled scenario text; raises InputError naming the file and field."""
    from datafiles import InputError

    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(name, "", f"file is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes")
    return parse_as(Scenario, parse_yaml_text(decode_utf8(data, name), name), name)


def resolve(scenario: Scenario, name: str, scenario_dir: Path) -> ScenarioInputs:
    return resolve_scenario(scenario, name, catalogues(), scenario_dir=scenario_dir)
