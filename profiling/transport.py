"""A small HTTP/1.1 client on asyncio streams for the measured requests (the profiler's hot path).

Why not httpx here: measured against an instant server, httpx costs about 0.9 ms of CPU per
request (connection pool, anyio timeouts, cookie handling), which at a few hundred requests a
second makes the client, not the server, the bottleneck (bench/profiler_overhead_and_accuracy.py). This module does
only what a benchmark request needs: one POST with a JSON body on a kept-alive connection
(TLS when the URL is https), and the response body streamed as it arrives, whether sent
chunked, with a Content-Length, or until the server closes. httpx still does everything else
(server metadata, prompt calibration, price refresh).

Bounds against a misbehaving server (issue 26): the status line and headers at most MAX_HEADER_BYTES and
MAX_HEADERS lines; interim 1xx answers (100 Continue, 103 Early Hints) skipped as HTTP says, at most
MAX_INTERIM_RESPONSES of them; `Accept-Encoding: identity` asked for (the client refuses a compressed
stream); the body handed over in pieces of at most READ_BYTES, whatever a chunk size line claims. The caller
(client.send) holds the whole-call deadline and the cap on bytes read.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_HEADER_BYTES = 64 * 1024
READ_BYTES = 256 * 1024
MAX_CHUNK_BYTES = 64 * 1024 * 1024
MAX_HEADERS = 200
MAX_INTERIM_RESPONSES = 8
"""Interim 1xx responses skipped before the final one (a server may send 100 Continue, 103 Early Hints)."""


def _interim(status_line: bytes) -> bool:
    """A 1xx status line other than 101 Switching Protocols."""
    parts = status_line.split(b" ", 2)
    code = parts[1].strip() if len(parts) > 1 else b""
    return len(code) == 3 and code.isdigit() and code.startswith(b"1") and code != b"101"


class TransportError(Exception):
    """The connection failed or the response broke the HTTP/1.1 rules."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    _connection: _Connection
    _pool: ConnectionPool
    _key: tuple[str, int, bool]
    _reusable: bool = field(default=False, init=False)

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives (chunk framing removed); a broken stream raises TransportError."""
        try:
            async for data in self._body():
                yield data
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError, ValueError) as exc:
            raise TransportError(f"stream broke: {type(exc).__name__}") from None

    async def _body(self) -> AsyncIterator[bytes]:
        reader = self._connection.reader
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = await reader.readline()
                if not size_line:
                    raise TransportError("connection closed inside a chunked body")
                try:
                    size = int(size_line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    size = -1
                if not 0 <= size <= MAX_CHUNK_BYTES:
                    raise TransportError(f"bad chunk size line {size_line[:40]!r}")
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    self._reusable = True
                    return
                while size > 0:  # a chunk of up to MAX_CHUNK_BYTES, read in pieces of at most READ_BYTES
                    data = await reader.readexactly(min(size, READ_BYTES))
                    size -= len(data)
                    yield data
                await reader.readexactly(2)
        elif "content-length" in self.headers:
            text = self.headers["content-length"]
            if not (text.isdigit() and len(text) <= 15):
                raise TransportError(f"bad Content-Length {text[:40]!r}")
            remaining = int(text)
            while remaining > 0:
                data = await reader.read(min(remaining, READ_BYTES))
                if not data:
                    raise TransportError("connection closed before the end of the body")
                remaining -= len(data)
                yield data
            self._reusable = True
        else:
            while data := await reader.read(READ_BYTES):
                yield data

    async def read(self, limit: int = 1 << 20) -> bytes:
        """At most `limit` bytes of the body (the rest is left unread and the connection closed)."""
        pieces: list[bytes] = []
        size = 0
        async for data in self.iter_bytes():
            pieces.append(data[: limit - size])
            size += len(pieces[-1])
            if size >= limit:
                break
        return b"".join(pieces)

    def release(self) -> None:
        """Give the connection back when the body was read to its end, else close it."""
        keep = self._reusable and self.headers.get("connection", "").lower() != "close"
        if keep:
            self._pool.idle[self._key].append(self._connection)
        else:
            self._connection.writer.close()


class ConnectionPool:
    """Kept-alive connections per host; as many as requests in flight, no limit (the load sets it)."""

    def __init__(self, timeout_s: float, connect_timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.idle: dict[tuple[str, int, bool], list[_Connection]] = defaultdict(list)
        self._ssl = ssl.create_default_context()

    async def _connect(self, host: str, port: int, tls: bool) -> _Connection:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=self._ssl if tls else None, limit=MAX_HEADER_BYTES * 4),
                self.connect_timeout_s,
            )
        except OSError as exc:
            raise TransportError(f"cannot connect to {host}:{port}: {exc}") from None
        return _Connection(reader, writer)

    async def post(self, url: str, body: bytes, headers: dict[str, str], on_sent=None) -> Response:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        host = parts.hostname or "localhost"
        port = parts.port or (443 if tls else 80)
        key = (host, port, tls)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"Accept: text/event-stream\r\nAccept-Encoding: identity\r\nContent-Length: {len(body)}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        ).encode()
        for attempt in range(2):  # an idle kept-alive connection may have been closed by the server
            reused = bool(self.idle[key])
            connection = self.idle[key].pop() if reused else await self._connect(host, port, tls)
            try:
                connection.writer.write(head + body)
                if on_sent is not None:
                    on_sent()
                await connection.writer.drain()
                status_line = await connection.reader.readline()
                if not status_line and reused and attempt == 0:
                    connection.writer.close()
                    continue
                for _ in range(MAX_INTERIM_RESPONSES):  # 100 Continue, 103 Early Hints…: skipped, as HTTP says
                    if not _interim(status_line):
                        break
                    await self._headers(connection)
                    status_line = await connection.reader.readline()
                else:
                    connection.writer.close()
                    raise TransportError(f"more than {MAX_INTERIM_RESPONSES} interim (1xx) responses")
                return await self._response(status_line, connection, key)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                connection.writer.close()
                if reused and attempt == 0:
                    continue
                raise TransportError(f"connection broke: {type(exc).__name__}") from None
            except (asyncio.LimitOverrunError, ValueError, OSError) as exc:  # a line over the limit, a reset
                connection.writer.close()
                raise TransportError(f"bad response: {type(exc).__name__}") from None
        raise TransportError("server closed the connection")

    async def _response(self, status_line: bytes, connection: _Connection, key: tuple[str, int, bool]) -> Response:
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not (parts[1].isdigit() and len(parts[1]) == 3):
            connection.writer.close()
            raise TransportError(f"not an HTTP/1.x response: {status_line[:60]!r}")
        if parts[1].startswith(b"1"):  # 101 Switching Protocols (never asked for) or a 1xx past the limit
            connection.writer.close()
            raise TransportError(f"unexpected interim response {status_line[:60]!r}")
        headers = await self._headers(connection)
        return Response(int(parts[1]), headers, connection, self, key)

    async def _headers(self, connection: _Connection) -> dict[str, str]:
        """The header block up to its blank line: at most MAX_HEADERS lines and MAX_HEADER_BYTES in all."""
        headers: dict[str, str] = {}
        size = 0
        for _ in range(MAX_HEADERS + 1):
            line = await connection.reader.readline()
            size += len(line)
            if size > MAX_HEADER_BYTES:
                connection.writer.close()
                raise TransportError(f"response headers over {MAX_HEADER_BYTES:,} bytes")
            if line in (b"\r\n", b"\n"):
                return headers
            if not line:
                raise TransportError("connection closed inside the response headers")
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        connection.writer.close()
        raise TransportError(f"more than {MAX_HEADERS} response headers")

    def close(self) -> None:
        for connections in self.idle.values():
            for connection in connections:
                connection.writer.close()
        self.idle.clear()
