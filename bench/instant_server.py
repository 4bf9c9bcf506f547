"""An OpenAI-compatible streaming server that answers instantly, for measuring benchmark clients.

asyncio streams, HTTP/1.1 keep-alive, chunked SSE: `max_tokens` content chunks, then a usage
chunk and [DONE], with no waiting, so whatever latency a client reports is the client's own.
Run: `python bench/instant_server.py PORT`.
"""

from __future__ import annotations

import asyncio
import json
import sys

HEALTH = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"status":"ok"}'


def _chunk(payload: bytes) -> bytes:
    data = b"data: " + payload + b"\n\n"
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


_TOKEN = {}


def _stream(chat: bool, tokens: int, prompt_tokens: int) -> bytes:
    key = (chat, tokens, prompt_tokens)
    if key not in _TOKEN:
        head = {"id": "x", "object": "chat.completion.chunk" if chat else "text_completion", "created": 0, "model": "m"}
        choice = {"index": 0, "delta": {"content": "tok "}} if chat else {"index": 0, "text": "tok "}
        one = _chunk(json.dumps({**head, "choices": [{**choice, "finish_reason": None}]}).encode())
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": tokens, "total_tokens": prompt_tokens + tokens}
        tail = _chunk(json.dumps({**head, "choices": [], "usage": usage}).encode()) + _chunk(b"[DONE]") + b"0\r\n\r\n"
        headers = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        _TOKEN[key] = headers + one * tokens + tail
    return _TOKEN[key]


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0]
            length = next(
                (int(v) for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length"), 0
            )
            body = json.loads(await reader.readexactly(length)) if length else {}
            if method == "GET":
                writer.write(HEALTH)
            elif not body.get("stream"):
                reply = json.dumps(
                    {
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "tok"}}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
                    }
                ).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(reply)).encode()
                    + b"\r\n\r\n"
                    + reply
                )
            else:
                chat = "messages" in body
                text = json.dumps(body.get("messages") or body.get("prompt") or "")
                writer.write(
                    _stream(
                        chat, int(body.get("max_tokens") or body.get("max_completion_tokens") or 16), len(text.split())
                    )
                )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
