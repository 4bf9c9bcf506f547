"""A scenario as text: YAML for download and upload, a compact token for a shareable URL.

The app keeps the scenario as the plain mapping a YAML file holds; these functions move that
mapping in and out of text. Validation into a `Scenario` happens where the mapping is used.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from typing import Any

import yaml

from datafiles import InputError, parse_json_text, parse_yaml_text

MAX_URL_TOKEN_CHARS = 16_384
"""Browsers and proxies keep URLs of up to ~16 k characters reliably; a scenario needs ~1 k."""
MAX_DECODED_BYTES = 1024 * 1024
"""A decompression-bomb guard: a token never expands to more than a scenario file may hold."""


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario mapping as a YAML file, keys in the order the user built them."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def from_yaml(text: str, name: str) -> dict[str, Any]:
    data = parse_yaml_text(text, name)
    if not isinstance(data, dict):
        raise InputError(name, "", "expected a mapping with name, workload and options (see scenarios/)")
    return finite(data, name)


def finite(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The mapping unchanged, or an `InputError` naming the first NaN or infinity in it (by its field path):
    a non-finite number never enters the app's state, its link or its exports."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            raise InputError(name, path or "(top level)", f"expected a finite number, got {node}")
        if isinstance(node, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
    return data


def to_url_token(data: dict[str, Any]) -> str:
    """JSON, deflated, base64url without padding: short enough to share in a chat message.

    >>> from_url_token(to_url_token({"name": "x", "horizon_months": 12}))
    {'name': 'x', 'horizon_months': 12}
    """
    try:
        text = json.dumps(data, separators=(",", ":"), default=str, allow_nan=False)
    except ValueError:
        raise InputError("scenario", "", "holds a number that is not finite (NaN or infinity); fix it first") from None
    return base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode().rstrip("=")


def from_url_token(token: str, name: str = "shared link") -> dict[str, Any]:
    if len(token) > MAX_URL_TOKEN_CHARS:
        raise InputError(
            name, "s", f"link parameter is {len(token):,} characters; the limit is {MAX_URL_TOKEN_CHARS:,}"
        )
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_DECODED_BYTES)
        if inflater.unconsumed_tail:
            raise InputError(name, "s", f"link expands beyond {MAX_DECODED_BYTES:,} bytes")
        data = parse_json_text(raw.decode("utf-8"), name)
    except InputError as err:
        raise InputError(name, "s", f"not a scenario link made by this app ({err.expected})") from None
    except (binascii.Error, zlib.error, ValueError):
        raise InputError(name, "s", "not a scenario link made by this app (copy the whole link)") from None
    if not isinstance(data, dict):
        raise InputError(name, "s", "not a scenario link made by this app (copy the whole link)")
    return data
