"""`prices update`: fetch the newest genai-prices data, validate all of it, then replace the copy in use atomically.

The rules (issue 26), in the order they apply:

- the URL is checked before any request: http or https, a host, at most 2,048 characters, no spaces or
  control characters (`datafiles.url_problem`);
- the download goes through `datafiles.fetch`: at most MAX_REDIRECTS redirects, never from https to http; one
  deadline (`deadline_s`, DOWNLOAD_DEADLINE_S by default) for connecting, redirects and the whole body; at most
  MAX_DOWNLOAD_BYTES read and at most that many once decompressed;
- the feed: strict UTF-8 JSON nested at most 64 deep (`datafiles.parse_json_text`), genai-prices' own schema,
  MIN_PROVIDERS to MAX_PROVIDERS providers and at most MAX_MODELS models, every price finite and ≥ 0 (history
  and variants included), every match regex short and free of nested repetition (a pattern like `(a+)+$`
  would stall every later lookup); then the bytes are written to a temporary file beside the copy in use and
  read back by `load_price_catalog`, the way every later command reads them, and every model is priced once;
- only then `os.replace` installs it (the previous copy kept as `*.previous.json`).

Any failure raises `RefreshError`: one line naming the URL and the cause, ending "kept the old prices", and
the copy in use is left byte for byte as it was.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from genai_prices import types as gp_types
from pydantic import ValidationError

from datafiles import InputError, ResponseError, clip, decode_text, display_url, fetch, parse_json_text, url_problem
from pricing.catalog import (
    MAX_FEED_BYTES,
    PriceCatalog,
    day_segments,
    load_price_catalog,
    providers_from_json,
    token_prices,
)
from pricing.paths import cached_price_file

DEFAULT_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/data.json"
MAX_DOWNLOAD_BYTES = MAX_FEED_BYTES
"""Largest feed read, and largest once decompressed: the size the cached copy is read back at."""
DOWNLOAD_DEADLINE_S = 60.0
"""Whole download, redirects included: a server trickling bytes is cut here."""
CONNECT_TIMEOUT_S = 5.0
MAX_REDIRECTS = 5
MIN_PROVIDERS = 10
"""A feed with fewer providers than this is treated as broken rather than trusted."""
MAX_PROVIDERS = 1_000
MAX_MODELS = 20_000
"""Today's feed has about 50 providers and 2,500 models."""
MAX_PATTERN_CHARS = 1_000
KEPT = "kept the old prices"


class RefreshError(Exception):
    """The update did not happen; the message says why (one line) and that the old data is still in use."""


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
    timeout_s: float = 20.0,
    deadline_s: float = DOWNLOAD_DEADLINE_S,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> RefreshResult:
    """Download, validate and install the price data; raise `RefreshError` on any failure.

    `timeout_s` bounds each network wait (connect at most CONNECT_TIMEOUT_S); `deadline_s` the whole download."""
    problem = url_problem(url)
    if problem is not None:
        raise RefreshError(f"the URL {display_url(url)} {problem}; {KEPT}")
    target = target or cached_price_file()
    body = _run(_download(url, timeout_s, deadline_s, max_bytes))
    providers = _validate(url, body)
    catalog = _install(url, target, body)
    return RefreshResult(
        path=target,
        providers=len(catalog.providers),
        models=sum(len(p.models) for p in providers),
        sha256=hashlib.sha256(body).hexdigest(),
        bytes=len(body),
    )


def _run(coroutine: Coroutine[Any, Any, bytes]) -> bytes:
    """Run a coroutine to its end from synchronous code, in a worker thread if this one runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _download(url: str, timeout_s: float, deadline_s: float, max_bytes: int) -> bytes:
    shown = display_url(url)
    timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))
    try:
        async with httpx.AsyncClient(timeout=timeout, trust_env=True) as client:
            response = await fetch(
                client, "GET", url, max_body_bytes=max_bytes, deadline_s=deadline_s, max_redirects=MAX_REDIRECTS
            )
    except ResponseError as exc:
        raise RefreshError(f"{clip(exc, 400)}; {KEPT}") from None
    except httpx.TimeoutException:
        raise RefreshError(f"timed out fetching {shown}; {KEPT}") from None
    except (httpx.ProtocolError, httpx.DecodingError) as exc:  # e.g. a redirect whose Location is not a URL
        raise RefreshError(f"{shown} broke the HTTP rules ({type(exc).__name__}: {clip(exc, 120)}); {KEPT}") from None
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
        raise RefreshError(
            f"cannot reach {shown} ({type(exc).__name__}: {clip(exc, 120)}); no network? {KEPT}"
        ) from None
    if response.status != 200:
        raise RefreshError(f"{shown} answered HTTP {response.status}; {KEPT}")
    return response.body


def _validate(url: str, body: bytes) -> list[gp_types.Provider]:
    """genai-prices providers from the feed, or RefreshError naming the first problem."""
    shown = display_url(url)

    def bad(cause: str) -> RefreshError:
        return RefreshError(f"downloaded data from {shown} is not valid genai-prices data ({cause}); {KEPT}")

    try:
        raw = parse_json_text(decode_text(body, shown), shown)
    except InputError as err:
        raise bad(clip(f"{err.field}: {err.expected}" if err.field else err.expected)) from None
    if isinstance(raw, list) and len(raw) > MAX_PROVIDERS:
        raise bad(f"{len(raw):,} providers; at most {MAX_PROVIDERS:,}")
    pattern = _risky_pattern(raw)
    if pattern is not None:
        raise bad(pattern)
    try:
        providers = providers_from_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise bad(clip(f"{where}: {first['msg']}")) from None
    except Exception as exc:  # genai-prices' own parser on untrusted data (it asserts, too): any failure refuses it
        raise bad(clip(f"{type(exc).__name__}: {exc}")) from None
    if len(providers) < MIN_PROVIDERS:
        raise RefreshError(
            f"downloaded data lists only {len(providers)} providers (expected at least {MIN_PROVIDERS}); {KEPT}"
        )
    models = sum(len(p.models) for p in providers)
    if models > MAX_MODELS:
        raise bad(f"{models:,} models; at most {MAX_MODELS:,}")
    for where, value in _prices(providers):
        if not (value.is_finite() and value >= 0):
            raise bad(f"{clip(where)} is {clip(value, 40)}; expected a finite price of 0 or more")
    return providers


def _prices(providers: list[gp_types.Provider]) -> Iterator[tuple[str, Decimal]]:
    """(where, price) for every price of every model: each dated price, each variant, each tier."""
    for provider in providers:
        for model in provider.models:
            cards = (
                [model.prices] if isinstance(model.prices, gp_types.ModelPrice) else [c.prices for c in model.prices]
            )
            cards += [v.prices for v in model.price_variants or ()]
            for card in cards:
                for key, value in vars(card).items():
                    where = f"{provider.id}/{model.id}.{key}"
                    if isinstance(value, gp_types.TieredPrices):
                        yield where, Decimal(value.base)
                        yield from ((f"{where} tier {t.start}", Decimal(t.price)) for t in value.tiers)
                    elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                        yield where, Decimal(value)


_QUANTIFIER = re.compile(r"\*|\+|\{(\d*)(,?)(\d*)\}")


def _loops(pattern: str, index: int) -> tuple[bool, int]:
    """(whether a quantifier at `index` repeats more than once, the index after it)."""
    found = _QUANTIFIER.match(pattern, index)
    if found is None:
        return False, index
    low, comma, high = found.groups()
    if found.group(0) in ("*", "+"):
        return True, found.end()
    repeats = (bool(comma) and (not high or int(high[:6]) > 1)) or (not comma and int(low[:6] or 0) > 1)
    return repeats, found.end()


def nested_repetition(pattern: str) -> bool:
    """True when a repeated group itself holds a repetition or an alternation: `(a+)+`, `(a|aa)*`, `(\\w*)\\{2,}`,
    the shapes whose backtracking is exponential. `(x.*)?` and `(?:a|b)` are fine (repeated at most once).

    >>> [nested_repetition(p) for p in ("^(a+)+$", "(a|aa)*b", "^claude-(.*\\\\.)?\\\\d{8}$", "^(?!.*-tts)")]
    [True, True, False, False]
    """
    inner = [False]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a class: skip to its closing bracket (a first `]`, after an optional `^`, is literal)
            index += 1
            index += pattern[index : index + 1] == "^"
            index += pattern[index : index + 1] == "]"
            while index < len(pattern) and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
            index += 1
            continue
        if char == "(":
            inner.append(False)
            index += 1
            continue
        if char == ")" and len(inner) > 1:
            holds = inner.pop()
            repeats, index = _loops(pattern, index + 1)
            if holds and repeats:
                return True
            inner[-1] = inner[-1] or holds or repeats
            continue
        if char == "|":
            inner[-1] = True
        repeats, after = _loops(pattern, index)
        inner[-1] = inner[-1] or repeats
        index = max(after, index + 1)
    return False


def _risky_pattern(raw: Any) -> str | None:
    """The first regex in the feed (a provider's api_pattern, a model's `regex` clause) that is too long or
    has nested repetition, described; None when all are safe."""
    stack = [(raw, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node))
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("regex", "api_pattern") and isinstance(value, str):
                    if len(value) > MAX_PATTERN_CHARS:
                        return f"{where}.{key}: a pattern of {len(value):,} characters; at most {MAX_PATTERN_CHARS:,}"
                    if nested_repetition(value):
                        return f"{where}.{key}: '{clip(value, 60)}' repeats a repetition (exponential matching)"
                stack.append((value, f"{where}.{key}"))
    return None


def _install(url: str, target: Path, body: bytes) -> PriceCatalog:
    """Stage the bytes beside `target`, load them as the catalogue will, price every model, then replace."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".prices-", suffix=".tmp")
    except OSError as exc:
        raise RefreshError(f"cannot write beside {clip(target)} ({clip(exc, 120)}); {KEPT}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        catalog = load_price_catalog(tmp)
        if not catalog.version.startswith("genai-prices data fetched"):
            raise RefreshError(f"the catalogue cannot load the data from {display_url(url)}; {KEPT}")
        _price_every_model(url, catalog)
        if target.exists():
            os.replace(target, target.with_suffix(".previous.json"))
        os.replace(tmp, target)
        return catalog
    except OSError as exc:
        raise RefreshError(f"cannot install {clip(target)} ({clip(exc, 120)}); {KEPT}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _price_every_model(url: str, catalog: PriceCatalog) -> None:
    """Every model's prices over one day, adapted as `PriceCatalog.price` does: finite and ≥ 0, or RefreshError."""
    month = dt.datetime.now(dt.UTC).date().replace(day=1)
    for provider in catalog.providers:
        for model in provider.models:
            try:
                for start_s, end_s in day_segments(model):
                    when = dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
                        seconds=(start_s + end_s) / 2
                    )
                    card = token_prices(model.get_prices(when))
                    rates = [card.input, card.output, card.cache_read, card.cache_write]
                    numbers = [card.usd_per_request] + [
                        x for r in rates if r for x in (r.base, *(p for _, p in r.tiers))
                    ]
                    if not all(0 <= x < float("inf") for x in numbers):
                        raise ValueError("a price that is negative or not finite")
            except Exception as exc:  # any failure of genai-prices' own code on this model refuses the feed
                raise RefreshError(
                    f"data from {display_url(url)}: {clip(provider.id, 60)}/{clip(model.id, 80)} cannot be "
                    f"priced ({type(exc).__name__}: {clip(exc, 120)}); {KEPT}"
                ) from None
