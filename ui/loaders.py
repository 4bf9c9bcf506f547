"""Cached loading of catalogues, bundled profiles and uploaded files (never widgets inside cached functions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from datafiles import InputError, parse_as
from datafiles.reading import decode_text
from evals.importers import import_eval
from evals.records import EvalSummary
from pricing import load_overrides
from pricing.listing import api_price_rows, gpu_offer_rows
from profiling.bundled import reference_profiles
from profiling.importers import profile_from_text
from profiling.schema import Profile
from scenario_io import Catalogues, codec, load_catalogues
from tco.records.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
MAX_UPLOAD_BYTES = 1024 * 1024
"""Uploads (scenarios, profiles, benchmark results) above 1 MiB are refused before parsing."""
DEFAULT_SCENARIO = "glm5-vs-frontier"


@st.cache_resource(show_spinner="Loading catalogues…")
def catalogues() -> Catalogues:
    """Model catalogue, GPU sheet and price data: read once per server process, shared read-only.

    `cache_resource`, not `cache_data`: the records are frozen and never mutated, so every session
    can share one copy instead of unpickling the price snapshot on every rerun.
    """
    return load_catalogues()


def refresh_catalogues() -> None:
    """After a price update: the next `catalogues()` call reads the new file."""
    catalogues.clear()


def bundled_scenarios() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


@st.cache_resource
def bundled_profiles() -> dict[str, Profile]:
    """Reference profiles keyed by the path a bundled scenario gives (relative to scenarios/)."""
    return reference_profiles()


def _text(data: bytes, name: str) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(name, "", f"file is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes")
    return decode_text(data, name)


def scenario_from_upload(data: bytes, name: str) -> dict[str, Any]:
    """An uploaded scenario's mapping, validated first so a bad file never replaces the current one."""
    mapping = codec.from_yaml(_text(data, name), name)
    parse_as(Scenario, mapping, name)
    return mapping


def profile_from_upload(data: bytes, name: str, meta: dict[str, Any]) -> Profile:
    """Our profile YAML/CSV, or a vLLM/SGLang/guidellm/AIPerf result file through the importers."""
    try:
        return profile_from_text(_text(data, name), name, meta)
    except InputError as err:  # the importers speak to the command line; here the same fields are boxes
        boxes = {"--gpu-count": "GPUs", "--gpu": "GPU", "--model": "Model id"}
        expected = err.expected
        flags = re.search(r"pass ((?:--[\w-]+(?: [A-Z_]+)? ?)+)$", expected)
        if flags:
            names = [boxes.get(f, f) for f in re.findall(r"--[\w-]+", flags.group(1))]
            said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            expected = expected[: flags.start()] + f"fill in the {said} box{'es' if len(names) > 1 else ''}"
        raise InputError(err.file, err.field, expected) from None


def evals_from_upload(data: bytes, name: str) -> list[EvalSummary]:
    """An uploaded eval result (lm-eval, Inspect .eval/.json, promptfoo, OpenAI evals, DeepEval, ours) as rows:
    written to a private temporary file under its own suffix, read by evals.importers, then deleted."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(name, "", f"file is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes")
    suffix = Path(name).suffix if Path(name).suffix in (".eval", ".json", ".jsonl") else ".json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            rows = import_eval(str(path))
        except InputError as err:
            raise InputError(name, err.field, err.expected) from None
    return [dataclasses.replace(r, source_file=name) for r in rows]


@st.cache_resource(max_entries=4, show_spinner="Reading every price in the catalogue…")
def api_prices(version: str, today: str) -> list[dict[str, Any]]:
    """The Prices page's listing, built once per price version and day (it walks every catalogued model)."""
    return api_price_rows(catalogues().prices, load_overrides(), dt.date.fromisoformat(today))


@st.cache_resource(max_entries=4)
def api_choices(version: str) -> list[str]:
    """Every API model the price catalogue holds, as "provider / model" (the Compare page's search box)."""
    return [f"{p.id} / {m.id}" for p in catalogues().prices.providers for m in p.models]


def gpu_offers() -> list[dict[str, Any]]:
    return gpu_offer_rows(catalogues().gpus)
