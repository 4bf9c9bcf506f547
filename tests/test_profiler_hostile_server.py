"""The profiler against a hostile server over a real socket: every malformed response is a counted failure
with its reason, never a failed sweep; malformed setup answers fall back; finished levels are kept."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading

from cli.main import main
from profiling.schema import load_profile

GOOD_SSE = (
    b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n' * 3
    + b'data: {"choices":[],"usage":{"prompt_tokens":50,"completion_tokens":3}}\n\ndata: [DONE]\n\n'
)


def _ok(body: bytes, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + extra + b"\r\n" + body


def _sse(payload: str) -> bytes:
    return _ok(f"data: {payload}\n\ndata: [DONE]\n\n".encode())


FATAL = {  # each must end as one failed request
    "bad status line": b"HTTP/1.1 abc OK\r\n\r\n",
    "Content-Length: abc": b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n" + GOOD_SSE,
    "chunk size -5": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nxxxxx\r\n0\r\n\r\n",
    "header over 256 KiB": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n" + GOOD_SSE,
    "data nested 100,000 deep": _sse("[" * 100_000 + "]" * 100_000),
    "choices a dict": _sse('{"choices": {"delta": {"content": "a"}}}'),
    "choices ints": _sse('{"choices": [1, 2, 3]}'),
    "delta a string": _sse('{"choices": [{"delta": "a"}]}'),
}
RECOVERED = {  # text arrives: a success, with the token count from the chunks
    "prompt_tokens text": _sse(
        '{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":"x","completion_tokens":1}}'
    ),
    "completion_tokens -3": _sse('{"choices":[{"delta":{"content":"a"}}],"usage":{"completion_tokens":-3}}'),
}


class HostileServer:
    """asyncio server in its own thread; streamed POSTs answered from a cycle of faults and good replies."""

    def __init__(self, replies: list[bytes], setup: dict[str, bytes] | None = None) -> None:
        self.cycle = itertools.cycle(replies)
        self.setup = setup or {}
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), 0)  # fmt: skip
            body = await reader.readexactly(length) if length else b""
            path = head.split(b" ")[1].decode()
            if path in self.setup:
                reply = self.setup[path]
            elif b'"stream": true' in body or b'"stream":true' in body:
                reply = next(self.cycle)
            elif path.endswith("/completions"):  # calibration: one non-streamed completion
                reply = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"usage": {"prompt_tokens": 40}}'
            else:
                reply = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
            writer.write(reply)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> HostileServer:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _profile(server: HostileServer, tmp_path, *extra: str) -> tuple[int, str]:
    out = tmp_path / "p.yaml"
    args = ["profile", "--base-url", server.url, "--model", "m", "--gpu", "H100", "--gpu-count", "1",
            "--out", str(out), "--warmup-requests", "0", "--input-tokens", "50", "--output-tokens", "3",
            "--timeout", "5", *extra]  # fmt: skip
    return main(args), str(out)


def test_every_malformed_response_is_one_counted_failure_and_both_levels_are_kept(tmp_path):
    replies = [_ok(GOOD_SSE), *FATAL.values(), *RECOVERED.values()]
    with HostileServer(replies) as server:
        code, path = _profile(server, tmp_path, "--concurrency", "1,2", "--requests-per-level", str(len(replies)))
    assert code == 0
    profile = load_profile(path)
    assert len(profile.levels) == 2
    raw = [json.loads(line) for line in (tmp_path / "p.requests.jsonl").read_text().splitlines()]
    assert len(raw) == 2 * len(replies)
    for level in profile.levels:
        assert level.requests_completed + level.requests_failed == len(replies)
    # the length probe takes the first reply; each level then takes 11 consecutive replies of the cycle of 11,
    # so every fault comes exactly once per level
    failures = [r for r in raw if r["error"]]
    assert sum(level.requests_failed for level in profile.levels) == len(failures) == 2 * len(FATAL)
    assert any("connection error" in r["error"] for r in failures)
    assert any("malformed" in r["error"] or "without any generated token" in r["error"] for r in failures)


def test_malformed_setup_answers_fall_back_and_the_sweep_runs(tmp_path):
    setup = {
        "/v1/models": b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"data": 5}',
        "/version": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[1, 2]",
        "/v1/chat/completions": b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"usage": [1]}',
    }
    with HostileServer([_ok(GOOD_SSE)], setup) as server:
        setup_calibration = dict(setup)
        server.setup = {k: v for k, v in setup_calibration.items() if k != "/v1/chat/completions"}
        server.setup["/tokenize"] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[1]"
        code, path = _profile(server, tmp_path, "--concurrency", "1", "--requests-per-level", "3")
    assert code == 0
    profile = load_profile(path)
    assert profile.levels[0].requests_completed == 3
    assert profile.meta.engine == "unknown"


def test_bad_profiler_arguments_exit_2_before_anything_runs(tmp_path, capsys):
    base = ["profile", "--model", "m", "--gpu", "H100", "--gpu-count", "1", "--input-tokens", "5",
            "--output-tokens", "2", "--concurrency", "1"]  # fmt: skip
    cases = [
        (["--base-url", "http://127.0.0.1:1", "--requests-per-level", "1", "--timeout", "nan"], "--timeout"),
        (["--base-url", "http://127.0.0.1:1", "--requests-per-level", "1", "--timeout", "0"], "--timeout"),
        (["--base-url", "http://127.0.0.1:1", "--duration-per-level", "nan"], "--duration-per-level"),
        (["--base-url", "http://127.0.0.1:1", "--duration-per-level", "-5"], "--duration-per-level"),
        (["--base-url", "not a url", "--requests-per-level", "1"], "--base-url"),
        (["--base-url", "http://127.0.0.1:99999", "--requests-per-level", "1"], "--base-url"),
    ]
    for extra, flag in cases:
        (tmp_path / "d").mkdir(exist_ok=True)
        assert main([*base, *extra, "--out", str(tmp_path / "p.yaml")]) == 2, extra
        assert flag in capsys.readouterr().err
    assert main([*base, "--base-url", "http://127.0.0.1:1", "--requests-per-level", "1", "--out",
                 str(tmp_path / "d")]) == 2  # fmt: skip
    assert "is a directory" in capsys.readouterr().err
