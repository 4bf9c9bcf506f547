"""Where refreshed price data is cached on this machine."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`$INFERENCE_ROI_CACHE`, else `$XDG_CACHE_HOME/inference-roi`, else `~/.cache/inference-roi`."""
    if env := os.environ.get("INFERENCE_ROI_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "inference-roi"


def cached_price_file(directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / "genai-prices-data.json"
