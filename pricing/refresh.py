"""`prices update`: fetch the newest genai-prices data over httpx, validate, then replace atomically.

The cached copy is only ever replaced by a complete, validated file (written to a temporary
file in the same folder, then `os.replace`d), so an interrupted or bad download leaves the
last good copy in place. The previous copy is kept beside it as `*.previous.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from pricing.catalog import providers_from_json
from pricing.paths import cached_price_file

DEFAULT_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/data.json"
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
MIN_PROVIDERS = 10
"""A feed with fewer providers than this is treated as broken rather than trusted."""


class RefreshError(Exception):
    """The update did not happen; the message says why and that the old data is still in use."""


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    providers: int
    models: int
    sha256: str
    bytes: int


def update_prices(
    url: str = DEFAULT_URL,
    target: Path | None = None,
    client: httpx.Client | None = None,
    timeout_s: float = 20.0,
) -> RefreshResult:
    """Download, validate and install the price data; raise `RefreshError` on any failure."""
    target = target or cached_price_file()
    owns_client = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(timeout_s, connect=5.0), follow_redirects=True)
    try:
        body = _download(client, url)
    finally:
        if owns_client:
            client.close()
    try:
        raw = json.loads(body)
        providers = providers_from_json(raw)
    except ValueError as exc:
        raise RefreshError(
            f"downloaded data from {url} is not valid genai-prices data ({exc}); kept the old prices"
        ) from None
    if len(providers) < MIN_PROVIDERS:
        raise RefreshError(
            f"downloaded data lists only {len(providers)} providers "
            f"(expected at least {MIN_PROVIDERS}); kept the old prices"
        )
    _install(target, body)
    return RefreshResult(
        path=target,
        providers=len(providers),
        models=sum(len(p.models) for p in providers),
        sha256=hashlib.sha256(body).hexdigest(),
        bytes=len(body),
    )


def _download(client: httpx.Client, url: str) -> bytes:
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise RefreshError(f"{url} answered HTTP {response.status_code}; kept the old prices")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise RefreshError(f"{url} sent more than {MAX_DOWNLOAD_BYTES:,} bytes; kept the old prices")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise RefreshError(f"timed out fetching {url}; kept the old prices") from None
    except httpx.TransportError as exc:
        raise RefreshError(
            f"cannot reach {url} ({type(exc).__name__}: {exc}); no network? kept the old prices"
        ) from None


def _install(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".prices-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(body)
            tmp.flush()
            os.fsync(tmp.fileno())
        if target.exists():
            os.replace(target, target.with_suffix(".previous.json"))
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
