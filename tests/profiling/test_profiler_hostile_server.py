"""The profiler against a hostile server over a real socket: every malformed response is a counted failure
with its reason, never a failed sweep; malformed setup answers fall back; finished levels are kept."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import threading
import time
from collections.abc import Callable

import pytest

from cli.main import main
from profiling.schema import load_profile
from tests.datafiles.test_hostile_http import (
    Handler,
    Request,
    ScriptedServer,
    endless,
    gzip_bomb,
    interim,
    redirect,
    reply,
    run_measured,
    slowloris,
)

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


# --- issue 26: bounded bodies and deadlines, 1xx, a failed level kept, numbers and prompt files checked first ----


def _stream_route(replies: list[Handler], setup: dict[str, Handler] | None = None) -> Callable[[Request], Handler]:
    """Streamed POSTs answered from a cycle of `replies`; other calls to a path of `setup` by its handler;
    calibration (a non-streamed completion) by a usage count; anything else 404."""
    cycle = itertools.cycle(replies)
    calibration = reply(200, b'{"usage": {"prompt_tokens": 40}}')

    def route(request: Request) -> Handler:
        if request.method == "POST" and b'"stream": true' in request.body:
            return next(cycle)
        if request.path in (setup or {}):
            return (setup or {})[request.path]
        return calibration if request.path.endswith("/completions") else reply(404)

    return route


def _sse(body: bytes, extra: bytes = b"") -> Handler:
    return reply(200, body, "text/event-stream", extra)


TEXT_EVENT = b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n'
STREAM_FAULTS = {  # each must end as one failed request with this reason, within --timeout
    "runaway stream: over 4,243,456 bytes": endless("text/event-stream", b": ping\n\n" * 8192),
    "runaway stream: over 46 content chunks": endless("text/event-stream", TEXT_EVENT * 100),
    "malformed SSE: an event over 1,048,576 bytes": endless("text/event-stream", b"x" * 65536),
    "a gzip stream; the profiler asks for identity": _sse(gzip.compress(GOOD_SSE), b"Content-Encoding: gzip\r\n"),
    "timeout": slowloris(0.2),
}


def _huge_chunk() -> Handler:
    """A chunked body whose first chunk claims 0x3FFFFFF bytes, then sends zeros: read in pieces, cut by the cap."""

    async def handle(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3ffffff\r\n")
        while True:
            writer.write(b"\n" * 65536)
            await writer.drain()

    return handle


STREAM_FAULTS["runaway stream: over 4,243,456 bytes for 3 tokens"] = _huge_chunk()


def test_streamed_misbehaviours_are_bounded_failures_and_100_continue_is_skipped(tmp_path):
    replies = [_sse(GOOD_SSE), *STREAM_FAULTS.values(), interim(_sse(GOOD_SSE))]
    with ScriptedServer(_stream_route(replies)) as server:
        start = time.perf_counter()
        code, path = _profile(server, tmp_path, "--concurrency", "1", "--requests-per-level", str(len(replies)),
                              "--timeout", "2")  # fmt: skip
        assert time.perf_counter() - start < 2 * len(replies) + 20  # each request within its 2 s deadline
    assert code == 0
    level = load_profile(path).levels[0]
    assert (level.requests_completed, level.requests_failed) == (2, len(STREAM_FAULTS))
    errors = [json.loads(line)["error"] for line in (tmp_path / "p.requests.jsonl").read_text().splitlines()]
    for reason in STREAM_FAULTS:
        assert any(e and reason in e and "\n" not in e for e in errors), (reason, errors)


def test_a_level_whose_only_request_fails_is_written_with_its_failure(tmp_path, capsys):
    with ScriptedServer(_stream_route([reply(500, b'{"error": "boom\\nsecond line"}')])) as server:
        code, path = _profile(server, tmp_path, "--concurrency", "1,2", "--requests-per-level", "1")
    assert code == 0
    profile = load_profile(path)
    assert len(profile.levels) == 1 and profile.levels[0].requests_completed == 0
    assert profile.levels[0].requests_failed == 1 and "level 1 errors: HTTP 500 x1" in profile.meta.notes
    err = capsys.readouterr().err
    assert "HTTP 500 x1" in err and "kept in the profile, stopping the sweep" in err
    (raw,) = [json.loads(line) for line in (tmp_path / "p.requests.jsonl").read_text().splitlines()]
    assert raw["error"].startswith("HTTP 500: ") and "\n" not in raw["error"]


def test_hostile_setup_answers_fall_back_within_their_deadlines_and_memory_stays_bounded(tmp_path):
    setup = {
        "/version": gzip_bomb(),
        "/info": endless(),
        "/props": slowloris(),
        "/v1/models": redirect("/v1/models"),
        "/v1/chat/completions": interim(gzip_bomb()),
        "/tokenize": slowloris(),
    }
    with ScriptedServer(_stream_route([_sse(GOOD_SSE)], setup)) as server:
        out = tmp_path / "p.yaml"
        result, err = run_measured(["profile", "--base-url", server.url, "--model", "m", "--gpu", "H100",
                                    "--gpu-count", "1", "--out", str(out), "--warmup-requests", "0",
                                    "--input-tokens", "50", "--output-tokens", "3", "--timeout", "1",
                                    "--concurrency", "1", "--requests-per-level", "2"])  # fmt: skip
    assert result["code"] == 0, err
    assert result["grown_kib"] < 200 * 1024, f"the process grew by {result['grown_kib'] / 1024:.0f} MiB"
    profile = load_profile(out)
    assert profile.levels[0].requests_completed == 2 and "heuristic 1.3 tokens/word" in profile.meta.notes


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--input-tokens", "100000001"),
        ("--input-tokens", "1e12"),
        ("--input-tokens", "abc"),
        ("--output-tokens", "1e22"),
        ("--output-tokens", "0"),
        ("--concurrency", "0,1"),
        ("--concurrency", "1,x"),
        ("--concurrency", ",".join(["1"] * 1001)),
        ("--requests-per-level", "1.5"),
        ("--warmup-requests", "-1"),
        ("--seed", "1e400"),
        ("--gpu-count", "0"),
        ("--temperature", "inf"),
        ("--cached-input-share", "1"),
    ],
)
def test_profiler_numbers_out_of_bounds_are_one_line_before_any_work(tmp_path, capsys, flag, value):
    args = {
        "--base-url": "http://127.0.0.1:9",
        "--model": "m",
        "--input-tokens": "5",
        "--output-tokens": "2",
        "--concurrency": "1",
        "--requests-per-level": "1",
        "--out": str(tmp_path / "p.yaml"),
        flag: value,
    }
    assert main(["profile", *[x for kv in args.items() for x in kv]]) == 2
    err = capsys.readouterr().err
    assert flag in err and err.count("\n") == 1 and err.startswith("error: command line: ")
    assert not (tmp_path / "p.yaml").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no prompts in file"),
        ('{"prompt": ""}\n', "line 1"),
        ('{"messages": []}\n', "line 1"),
        ('{"messages": [{"role": "user"}]}\n', "line 1"),
        ('{"prompt": "hi", "output_tokens": 1e22}\n', "line 1.output_tokens"),
        ('{"prompt": "hi", "output_tokens": true}\n', "line 1.output_tokens"),
        ("[1, 2]\n", "line 1"),
    ],
)
def test_bad_prompt_files_are_one_line(tmp_path, capsys, content, message):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(content)
    assert main(["profile", "--base-url", "http://127.0.0.1:9", "--model", "m", "--input-tokens", "5",
                 "--output-tokens", "2", "--concurrency", "1", "--requests-per-level", "1", "--out",
                 str(tmp_path / "p.yaml"), "--prompt-file", str(prompts)]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert message in err and "prompts.jsonl" in err and err.count("\n") == 1
