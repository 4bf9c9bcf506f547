"""The profiler's HTTP/1.1 transport against raw socket servers: body framings and broken connections."""

from __future__ import annotations

import asyncio

import pytest

from profiling.transport import READ_BYTES, ConnectionPool, TransportError

SSE = b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'


async def _serve(reply: bytes, close: bool = True):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        if close:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1/chat/completions"


async def _body(reply: bytes) -> tuple[int, bytes]:
    server, url = await _serve(reply)
    async with server:
        pool = ConnectionPool(timeout_s=5)
        response = await pool.post(url, b"{}", {})
        body = await response.read()
        response.release()
        pool.close()
        return response.status, body


def test_body_until_close():
    status, body = asyncio.run(_body(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + SSE * 3))
    assert status == 200 and body == SSE * 3


def test_content_length_body():
    status, body = asyncio.run(_body(b"HTTP/1.1 422 Unprocessable\r\nContent-Length: 5\r\n\r\nnope!"))
    assert status == 422 and body == b"nope!"


def test_chunked_body_with_extensions_and_trailers():
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x;ext=1\r\n" % len(SSE)
        + SSE
        + b"\r\n0\r\nX-T: 1\r\n\r\n"
    )
    status, body = asyncio.run(_body(chunked))
    assert status == 200 and body == SSE


def test_truncated_chunked_body_is_an_error():
    truncated = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % (len(SSE) + 10) + SSE
    with pytest.raises(TransportError, match="stream broke"):
        asyncio.run(_body(truncated))


def test_not_http_is_an_error():
    with pytest.raises(TransportError, match="not an HTTP"):
        asyncio.run(_body(b"SSH-2.0-OpenSSH\r\n"))


def test_refused_connection_is_an_error():
    async def go() -> None:
        server, url = await _serve(b"")
        server.close()
        await server.wait_closed()
        await ConnectionPool(timeout_s=2).post(url, b"{}", {})

    with pytest.raises(TransportError, match="cannot connect"):
        asyncio.run(go())


def test_interim_1xx_responses_are_skipped():
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
    status, body = asyncio.run(_body(interim + b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
    assert status == 200 and body == b"hello"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "unexpected interim response"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 9 + b"HTTP/1.1 200 OK\r\n\r\n", "more than 8 interim"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"X-A: " + b"a" * 60_000 + b"\r\nX-B: " + b"b" * 10_000 + b"\r\n\r\n",
            "headers over",
        ),
    ],
)
def test_bad_interim_or_oversized_headers_are_errors(reply, message):
    with pytest.raises(TransportError, match=message):
        asyncio.run(_body(reply))


def test_a_huge_chunk_is_handed_over_in_bounded_pieces():
    """A chunk size line claiming 64 MiB is read READ_BYTES at a time, never allocated whole."""

    async def go() -> list[int]:
        server, url = await _serve(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3ffffff\r\n" + b"x" * 600_000)
        async with server:
            pool = ConnectionPool(timeout_s=5)
            response = await pool.post(url, b"{}", {})
            sizes = []
            with pytest.raises(TransportError, match="stream broke"):  # the server closes inside the chunk
                async for piece in response.iter_bytes():
                    sizes.append(len(piece))
            pool.close()
            return sizes

    sizes = asyncio.run(go())
    assert len(sizes) == 600_000 // READ_BYTES and max(sizes) == READ_BYTES  # then the broken tail is an error
