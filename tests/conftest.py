"""Shared helpers: write scenarios and profiles into a temp dir, run the CLI in-process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from scenario_io import load_catalogues
from scenario_io.loader import Catalogues, load_inputs
from tco import evaluate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="session")
def catalogues() -> Catalogues:
    return load_catalogues()


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def simple_profile(levels: list[dict[str, Any]], gpu_count: int = 2, model: str = "llama-3.3-70b-instruct") -> dict:
    return {
        "profile_version": 1,
        "meta": {"model": model, "engine": "vllm", "gpu": "H100", "gpu_count": gpu_count, "source": "measured"},
        "levels": levels,
    }


def level(req_per_s: float, ttft_p99: float, itl_p99: float, failed: int = 0, shape=(2000, 500), **extra) -> dict:
    return {
        "concurrency": extra.pop("concurrency", 8),
        "input_tokens": shape[0],
        "output_tokens": shape[1],
        "requests_completed": 100,
        "requests_failed": failed,
        "req_per_s": req_per_s,
        "ttft_s": {"p50": ttft_p99 / 2, "p99": ttft_p99},
        "itl_s": {"p50": itl_p99 / 2, "p99": itl_p99},
        **extra,
    }


PRIVATE_OVERRIDES = {
    "overrides_version": 1,
    "overrides": [
        {
            "provider": "acme",
            "model": "flat-3-15",
            "input_usd_per_mtok": 3.0,
            "output_usd_per_mtok": 15.0,
            "cache_read_usd_per_mtok": 0.3,
            "source": "test fixture",
            "as_of": "2026-11-29",
        }
    ],
}


HOSTILE_SCENARIO = {
    "name": "=cmd|' /C calc'!A0",
    "workload": {"requests_per_month": 1e6, "input_tokens": 2000, "output_tokens": 500},
    "options": [
        {"id": "gpt5", "kind": "api", "provider": "openai", "model": "gpt-5"},
        {
            "id": "llama-h100",
            "kind": "self_hosted",
            "model": "llama-3.3-70b-instruct",
            "profile": "p.yaml",
            "usd_per_gpu_hour": 2,
        },
    ],
}
"""Text a spreadsheet would run as formulas in the one free-text field an export writes, the name (needs p.yaml
beside it); an option id cannot start a formula (`tco.records.units.Label`)."""


def run_scenario(tmp_path: Path, scenario: dict, catalogues: Catalogues):
    """Evaluate a scenario dict written to tmp_path (profiles referenced relative to it)."""
    if "api_overrides" not in scenario:
        write_yaml(tmp_path / "overrides.yaml", PRIVATE_OVERRIDES)
        scenario = {**scenario, "api_overrides": "overrides.yaml"}
    path = write_yaml(tmp_path / "scenario.yaml", scenario)
    return evaluate(load_inputs(path, catalogues, today=TODAY))
