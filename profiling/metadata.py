"""What was measured: GPU from nvidia-smi, engine and version from the server where it tells."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from datafiles import ResponseError, clip, fetch


@dataclass(frozen=True)
class GpuInfo:
    name: str
    count: int


def local_gpus() -> GpuInfo | None:
    """The GPUs of this host per nvidia-smi (most common model and how many), or None without one."""
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    names = [line.strip() for line in out.splitlines() if line.strip()]
    if not names:
        return None
    name, _ = Counter(names).most_common(1)[0]
    return GpuInfo(short_gpu_name(name), len(names))


def short_gpu_name(name: str) -> str:
    """'NVIDIA H200' -> 'H200'; 'NVIDIA H100 80GB HBM3' -> 'H100'; 'NVIDIA A100-SXM4-80GB' -> 'A100-80GB'."""
    words = name.replace("NVIDIA", "").replace("AMD", "").replace("Instinct", "").strip()
    for known in ("H200", "H100", "B200", "B300", "L40S", "L4", "MI300X", "MI325X", "MI355X"):
        if known in words.split() or words.startswith(known):
            return known
    if "A100" in words:
        return "A100-80GB" if "80" in words else "A100-40GB"
    return words


@dataclass(frozen=True)
class ServerInfo:
    engine: str | None
    version: str | None


async def server_info(client: httpx.AsyncClient, root: str, deadline_s: float | None = None) -> ServerInfo:
    """Ask the usual places: vLLM/SGLang `/version`, TGI `/info`, llama.cpp `/props`, and `/v1/models`.

    Each probe within `deadline_s` (at most SETUP_CALL_S), its body at most SETUP_MAX_BODY_BYTES."""
    deadline_s = min(deadline_s or SETUP_CALL_S, SETUP_CALL_S)
    engine = version = None
    probes = (("/version", "version", None), ("/info", "version", "tgi"), ("/props", "build_info", "llama.cpp"))
    for path, key, name in probes:
        data = await json_call(client, "GET", root + path, deadline_s)
        if isinstance(data, dict) and isinstance(data.get(key), str | int | float) and data.get(key):
            version = clip(data[key], 100)
            engine = name or engine
            break
    listing = await json_call(client, "GET", root + "/v1/models", deadline_s)
    models = listing.get("data") if isinstance(listing, dict) else None
    first = models[0] if isinstance(models, list) and models else None
    owner = first.get("owned_by") if isinstance(first, dict) else None
    if owner in ("vllm", "sglang", "llamacpp", "tgi", "transformers"):
        engine = engine or ("llama.cpp" if owner == "llamacpp" else owner)
    return ServerInfo(engine, version)


SETUP_CALL_S = 5.0
"""Whole-call deadline of each metadata probe (httpx's timeouts are per read: a server trickling bytes
would hold a probe for ever)."""
SETUP_MAX_BODY_BYTES = 1024 * 1024
"""Largest setup or calibration answer read, and largest once decompressed (they are a few hundred bytes)."""


async def json_call(client: httpx.AsyncClient, method: str, url: str, deadline_s: float, **request: Any) -> object:
    """The JSON of a 200 answer, read through `datafiles.fetch` (body at most SETUP_MAX_BODY_BYTES read and
    decompressed, the whole call within `deadline_s`), else None; never raises."""
    try:
        response = await fetch(
            client, method, url, max_body_bytes=SETUP_MAX_BODY_BYTES, deadline_s=deadline_s, **request
        )
        return json.loads(response.body) if response.status == 200 else None
    except (ResponseError, httpx.HTTPError, httpx.InvalidURL, OSError, ValueError, RecursionError):
        return None
