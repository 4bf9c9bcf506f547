"""Bounded HTTP responses: bytes read and bytes decompressed capped, one deadline for the whole call.

The rule (issue 26): whatever a server sends — an endless body, a gzip bomb, a byte every few seconds, a
loop of redirects — a call ends by its deadline, holds at most `max_body_bytes` (+ one 64 KiB piece) of body,
and fails with one line (`ResponseError`). The profiler's setup and calibration calls, the eval runner and the
price refresher all fetch through `fetch`, so the bounds hold one way everywhere:

- `Accept-Encoding: gzip, deflate` is asked for; gzip and deflate (at most 2 stacked) are inflated here in
  pieces of at most `DECODE_PIECE_BYTES`, counting what comes out, so 1 GiB of zeros compressed to 1 MiB stops at
  the cap; any other Content-Encoding (br, zstd, compress) is refused by name;
- raw bytes read are capped at `max_body_bytes` as well;
- `deadline_s` covers connecting, every redirect, the headers and the whole body (per-read timeouts would
  let a server trickling one byte a second hold a call for ever);
- redirects are followed only when asked (`max_redirects`, GET only), each target checked like the first URL
  and never from https down to http.

The client is duck-typed (`httpx.AsyncClient`: `stream()`, `status_code`, `headers`, `aiter_raw()`), so this
module does not import httpx (the engine and loaders never load the network client, tests/project/test_layering.py).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from datafiles.errors import clip

MAX_URL_CHARS = 2048
ACCEPT_ENCODING = "gzip, deflate"
DECODE_PIECE_BYTES = 64 * 1024
"""Largest piece inflated at once: a bomb overshoots the cap by at most this much."""
MAX_STACKED_ENCODINGS = 2
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class ResponseError(Exception):
    """The response broke a bound or the HTTP rules; the message is one line naming the URL."""


class DeadlineExceeded(ResponseError):
    """No complete response within the call's deadline."""


def display_url(url: str) -> str:
    """A URL to echo: one line, shortened, any user:password@ left out."""
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    except ValueError:
        pass
    return clip(url)


def url_problem(url: object) -> str | None:
    """Why `url` cannot be fetched (one line), or None: http/https, a host, a port 1-65535, at most
    MAX_URL_CHARS characters, no spaces or control characters.

    >>> url_problem("http://[::1"), url_problem("ftp://x"), url_problem("https://example.com/d.json")
    ('is not a valid URL (Invalid IPv6 URL)', 'must start with http:// or https://', None)
    """
    if not isinstance(url, str) or not url:
        return "is empty; expected an http:// or https:// URL"
    if len(url) > MAX_URL_CHARS:
        return f"is {len(url):,} characters; the limit is {MAX_URL_CHARS:,}"
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        return "contains a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"is not a valid URL ({clip(exc, 80)})"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name"
    if port is not None and not 1 <= port <= 65535:
        return "has a port outside 1-65535"
    return None


def redirect_problem(source: str, target: str) -> str | None:
    """Why a redirect from `source` to `target` is refused, or None (a valid URL, never https → http)."""
    problem = url_problem(target)
    if problem is not None:
        return f"redirect target {problem}"
    if urlsplit(source).scheme.lower() == "https" and urlsplit(target).scheme.lower() != "https":
        return "redirects from https to http (a downgrade); refused"
    return None


class _Inflate:
    """One gzip or deflate layer, inflated in pieces of at most DECODE_PIECE_BYTES."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._raw_deflate_tried = coding != "deflate"
        self._started = False
        wbits = zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self._inflater.eof:
            try:
                out = self._inflater.decompress(data, DECODE_PIECE_BYTES)
            except zlib.error:
                if not self._started and not self._raw_deflate_tried:  # deflate sent without its zlib header
                    self._raw_deflate_tried = True
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise ResponseError(f"the {self.coding} body is corrupt") from None
            self._started = True
            data = self._inflater.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < DECODE_PIECE_BYTES:
                return

    def finish(self) -> None:
        if self._started and not self._inflater.eof:
            raise ResponseError(f"the {self.coding} body ends before its end marker (truncated)")


class BodyDecoder:
    """Content-Encoding removed layer by layer; every piece it yields is at most DECODE_PIECE_BYTES."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > MAX_STACKED_ENCODINGS:
            raise ResponseError(f"{len(codings)} stacked Content-Encodings; at most {MAX_STACKED_ENCODINGS}")
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise ResponseError(f"unsupported Content-Encoding {clip(coding, 40)!r}; asked for gzip or deflate")
        self._layers = [_Inflate(c) for c in reversed(codings)]

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(piece, index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), DECODE_PIECE_BYTES):  # identity bodies in bounded pieces too
            yield from self._through(data[start : start + DECODE_PIECE_BYTES], 0)

    def finish(self) -> None:
        for layer in self._layers:
            layer.finish()


class BodyCollector:
    """Bytes read and bytes decoded counted against one cap; `add` raises ResponseError past it."""

    def __init__(self, content_encoding: str, max_body_bytes: int, what: str) -> None:
        self.decoder = BodyDecoder(content_encoding)
        self.max_body_bytes = max_body_bytes
        self.what = what
        self.raw_bytes = 0
        self.size_bytes = 0
        self.pieces: list[bytes] = []

    def add(self, raw: bytes) -> None:
        self.raw_bytes += len(raw)
        if self.raw_bytes > self.max_body_bytes:
            raise ResponseError(f"{self.what} sent more than {self.max_body_bytes:,} bytes; refused")
        for piece in self.decoder.feed(raw):
            self.size_bytes += len(piece)
            if self.size_bytes > self.max_body_bytes:
                raise ResponseError(
                    f"{self.what} sent a body over {self.max_body_bytes:,} bytes once decompressed; refused"
                )
            self.pieces.append(piece)

    def body(self) -> bytes:
        self.decoder.finish()
        return b"".join(self.pieces)


@dataclass(frozen=True)
class BoundedResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    """The decoded body of a 2xx answer; empty for any other status (never read)."""
    url: str
    """Where the answer came from, after redirects."""


async def fetch(
    client: Any,
    method: str,
    url: str,
    *,
    max_body_bytes: int,
    deadline_s: float,
    max_redirects: int = 0,
    headers: Mapping[str, str] | None = None,
    **request: Any,
) -> BoundedResponse:
    """One request through `client` (an httpx.AsyncClient) within the bounds of the module docstring.

    Raises ResponseError (DeadlineExceeded past `deadline_s`) with one line; the client's own errors (a refused
    connection: httpx.TransportError) pass through for the caller to word."""
    problem = url_problem(url)
    if problem is not None:
        raise ResponseError(f"{display_url(url)} {problem}")
    sent = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
    try:
        async with asyncio.timeout(deadline_s):
            return await _follow(client, method, url, max_body_bytes, max_redirects, sent, request)
    except TimeoutError:
        raise DeadlineExceeded(f"{display_url(url)} gave no complete answer within {deadline_s:g} s") from None


async def _follow(
    client: Any,
    method: str,
    url: str,
    max_body_bytes: int,
    max_redirects: int,
    headers: Mapping[str, str],
    request: dict[str, Any],
) -> BoundedResponse:
    current = url
    for _ in range(max_redirects + 1):
        async with client.stream(method, current, headers=headers, follow_redirects=False, **request) as response:
            status = int(response.status_code)
            if status in REDIRECT_STATUSES and max_redirects and method.upper() == "GET":
                location = response.headers.get("location")
                if not location:
                    raise ResponseError(f"{display_url(current)} answered HTTP {status} without a Location")
                try:
                    target = urljoin(current, location)
                except ValueError:
                    target = location
                problem = redirect_problem(current, target)
                if problem is not None:
                    raise ResponseError(f"{display_url(current)} {problem}: {display_url(target)}")
                current = target
                continue
            if not 200 <= status < 300:
                return BoundedResponse(status, dict(response.headers), b"", current)
            collector = BodyCollector(
                response.headers.get("content-encoding", ""), max_body_bytes, display_url(current)
            )
            async for raw in response.aiter_raw():
                collector.add(raw)
            return BoundedResponse(status, dict(response.headers), collector.body(), current)
    raise ResponseError(f"{display_url(url)} redirected more than {max_redirects} times; refused")
