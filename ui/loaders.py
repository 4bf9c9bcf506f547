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
from profiling.importers import profile_from_texts
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


MAX_UPLOAD_FILES = 256
"""Files added as one profile at once (a published sweep written one file per level runs to about 50)."""
BOXES = {"--gpu-count": "GPUs", "--gpu": "GPU", "--model": "Model id"}
"""The importers' command-line flags for what a file does not record, and the Throughput page's box for each."""


class NeedsBoxes(InputError):
    """The files are fine but do not record the model, GPU or GPU count: the boxes can supply them."""


def profile_from_uploads(files: list[tuple[str, bytes]], meta: dict[str, Any]) -> tuple[str, Profile]:
    """(name, profile) from files uploaded together: our profile YAML/CSV, or vLLM/SGLang/guidellm/AIPerf/… result
    files through the importers. Several files of one deployment (one file per level, as vLLM and InferenceX write
    them) become one profile, as `inference-roi import` merges them (`profiling.importers.profile_from_texts`).

    The name is the file's, or for several their common stem and how many, e.g. `glm5_fp8_vllm_tp8 (12 files)`.
    A missing model/GPU/count is a `NeedsBoxes` naming the boxes to fill, asked once for all the files."""
    if not files:
        raise InputError("upload", "", "no file chosen; expected a profile or a benchmark result file")
    if len(files) > MAX_UPLOAD_FILES:
        raise InputError(
            f"{len(files)} files", "", f"at most {MAX_UPLOAD_FILES} files make one profile; add them in parts"
        )
    texts = [(name, _text(data, name)) for name, data in files]
    try:
        profile = profile_from_texts(texts, meta)
    except InputError as err:  # the importers speak to the command line; here the same fields are boxes
        flags = re.search(r"pass ((?:--[\w-]+(?: [A-Z_]+)? ?)+)$", err.expected)
        if not flags:
            raise
        names = [BOXES.get(f, f) for f in re.findall(r"--[\w-]+", flags.group(1))]
        said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        expected = err.expected[: flags.start()] + f"fill in the {said} box{'es' if len(names) > 1 else ''}"
        raise NeedsBoxes(err.file, err.field, expected) from None
    return upload_name([name for name, _ in files]), profile


def upload_name(names: list[str]) -> str:
    """The name profiles uploaded together go by: the one file's name, or the stem the files share up to a
    separator, and how many (`glm5_fp8_vllm_tp8_isl1024_conc4.json`, `…_conc8.json` -> `glm5_fp8_vllm_tp8_isl1024
    (2 files)`); the first file's stem when they share none."""
    if len(names) == 1:
        return names[0]
    stems = [Path(n).stem for n in names]
    shared = stems[0]
    for stem in stems[1:]:
        while not stem.startswith(shared):
            shared = shared[:-1]
    if shared not in stems:  # cut back to a whole word: `…_isl1024_conc` -> `…_isl1024`
        shared = re.sub(r"[^-_. ]*$", "", shared)
    shared = shared.rstrip("-_. ") or stems[0]
    return f"{shared} ({len(names)} files)"


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


def gpu_offers() -> list[dict[str, Any]]:
    return gpu_offer_rows(catalogues().gpus)
