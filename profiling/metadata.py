"""What was measured: GPU from nvidia-smi, engine and version from the server where it tells."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass

import httpx


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


async def server_info(client: httpx.AsyncClient, root: str) -> ServerInfo:
    """Ask the usual places: vLLM/SGLang `/version`, TGI `/info`, llama.cpp `/props`, and `/v1/models`."""
    engine = version = None
    probes = (("/version", "version", None), ("/info", "version", "tgi"), ("/props", "build_info", "llama.cpp"))
    for path, key, name in probes:
        data = await _get_json(client, root + path)
        if isinstance(data, dict) and isinstance(data.get(key), str | int | float) and data.get(key):
            version = str(data[key])[:100]
            engine = name or engine
            break
    listing = await _get_json(client, root + "/v1/models")
    models = listing.get("data") if isinstance(listing, dict) else None
    first = models[0] if isinstance(models, list) and models else None
    owner = first.get("owned_by") if isinstance(first, dict) else None
    if owner in ("vllm", "sglang", "llamacpp", "tgi", "transformers"):
        engine = engine or ("llama.cpp" if owner == "llamacpp" else owner)
    return ServerInfo(engine, version)


SETUP_CALL_S = 5.0
"""Whole-call deadline of each metadata probe (httpx's timeouts are per read: a server trickling bytes
would hold a probe for ever)."""


async def _get_json(client: httpx.AsyncClient, url: str) -> object:
    """The JSON of a 200 response within SETUP_CALL_S, else None; never raises."""
    try:
        async with asyncio.timeout(SETUP_CALL_S):
            response = await client.get(url, timeout=SETUP_CALL_S)
            return response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, TimeoutError, ValueError, RecursionError):
        return None
