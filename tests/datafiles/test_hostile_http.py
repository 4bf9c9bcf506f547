"""Every network surface against real misbehaving servers on localhost sockets (issue 26): the bounded reader
(`datafiles.fetch`), the price refresher and the eval runner. Endless bodies, gzip bombs, slowloris, redirect
loops, https→http, interim 1xx, hostile feeds and bad URLs each end in one line, within the stated deadline,
with bounded memory; the copy of the prices in use stays byte for byte.

`ScriptedServer` (also used by tests/profiling/test_profiler_hostile_server.py and
bench/attack_hostile_servers.py) answers each request with a handler chosen by `route(request)`; the handlers
below are the misbehaviours.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx
import pytest

from cli.main import main
from datafiles import DeadlineExceeded, ResponseError, fetch
from datafiles.http_body import redirect_problem
from evals.runner import Endpoint, run_endpoint
from evals.tasks import load_tasks
from pricing.refresh import RefreshError, update_prices
from tests.conftest import ROOT
from tests.pricing.test_prices_refresh import VALID, _provider

Handler = Callable[[asyncio.StreamWriter], Awaitable[None]]
DEADLINE_S = 1.0
HANG_S = DEADLINE_S + 10
"""A generous "did not hang" bound: the deadline plus start-up and a slow shared machine."""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass
class ScriptedServer:
    """An asyncio server in its own thread (plain or TLS); every request is answered by `route(request)`'s
    handler, then the connection closed. `hits` keeps every path asked for."""

    route: Callable[[Request], Handler]
    tls: ssl.SSLContext | None = None
    hits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, path = head[0].split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            self.hits.append(path)
            await self.route(Request(method, path, headers, body))(writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError, OSError):
            pass
        except asyncio.CancelledError:  # shut down while still writing: end quietly (asyncio logs a cancelled one)
            pass
        finally:
            writer.close()

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        """Stop serving, cancel every handler still writing (an endless body, a slowloris) and close the loop:
        a handler left pending would be finalised later by the garbage collector, at any point of the tests."""

        async def shutdown() -> None:
            self.server.close()
            handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"


# --- the misbehaviours ----------------------------------------------------------------------------------------


def reply(status: int = 200, body: bytes = b"", content_type: str = "application/json", extra: bytes = b"") -> Handler:
    async def handle(writer: asyncio.StreamWriter) -> None:
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n".encode()
            + extra
            + b"Connection: close\r\n\r\n"
            + body
        )
        await writer.drain()

    return handle


def chat_reply(answer: str) -> Handler:
    """A chat completion whose answer is `answer`, with usage."""
    body = {"choices": [{"message": {"role": "assistant", "content": answer}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1}}  # fmt: skip
    return reply(200, json.dumps(body).encode())


def endless(content_type: str = "application/json", block: bytes = b"0" * 65536) -> Handler:
    """A 200 with no length that never ends: `block` after `block` until the client hangs up."""

    async def handle(writer: asyncio.StreamWriter) -> None:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode())
        while True:
            writer.write(block)
            await writer.drain()

    return handle


@cache
def gzip_of_zeros(size_bytes: int = 1 << 30) -> bytes:
    """`size_bytes` of zeros, gzip-compressed in one member (1 GiB → about 4.5 MB at level 1)."""
    compressor, zeros = zlib.compressobj(1, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join([compressor.compress(zeros) for _ in range(size_bytes >> 20)] + [compressor.flush()])


def gzip_bomb(content_type: str = "application/json") -> Handler:
    return reply(200, gzip_of_zeros(), content_type, b"Content-Encoding: gzip\r\n")


def slowloris(interval_s: float = 0.2) -> Handler:
    """Headers promising 100,000 bytes, then one byte every `interval_s`: each read is quick, the call never ends."""

    async def handle(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        while True:
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(interval_s)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    return reply(status, b"", "text/plain", f"Location: {location}\r\n".encode())


def interim(then: Handler) -> Handler:
    """`100 Continue` (and a 103 with a header) before the real answer."""

    async def handle(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n")
        await writer.drain()
        await then(writer)

    return handle


def tls_context(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a fresh self-signed certificate for 127.0.0.1, and the certificate's path."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


# --- datafiles.fetch: the one bounded reader --------------------------------------------------------------------


async def _fetch(url: str, **options: object) -> tuple[int, bytes]:
    async with httpx.AsyncClient() as client:
        response = await fetch(client, "GET", url, max_body_bytes=1 << 20, deadline_s=DEADLINE_S, **options)
        return response.status, response.body


ROUTES = {
    "/endless": endless(),
    "/bomb": gzip_bomb(),
    "/slow": slowloris(),
    "/loop": redirect("/loop"),
    "/hop": redirect("/ok"),
    "/ok": reply(200, b'{"ok": true}'),
    "/continue": interim(reply(200, b'{"ok": 1}')),
    "/deflate": reply(200, zlib.compress(b'{"deflated": true}'), extra=b"Content-Encoding: deflate\r\n"),
    "/brotli": reply(200, b"xxxx", extra=b"Content-Encoding: br\r\n"),
    "/to-bad-host": redirect("http://[::1/x"),
    "/to-ftp": redirect("ftp://127.0.0.1/x"),
}


@pytest.fixture(scope="module")
def server():
    with ScriptedServer(lambda request: ROUTES.get(request.path, reply(404))) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/endless", ResponseError, "sent more than 1,048,576 bytes"),
        ("/bomb", ResponseError, "over 1,048,576 bytes once decompressed"),
        ("/slow", DeadlineExceeded, "no complete answer within 1 s"),
        ("/loop", ResponseError, "redirected more than 5 times"),
        ("/brotli", ResponseError, "unsupported Content-Encoding 'br'"),
        # httpx reads the Location itself even when not following: its own one-line error, passed through
        ("/to-bad-host", (ResponseError, httpx.RemoteProtocolError), "not a valid URL|Invalid URL in location"),
        ("/to-ftp", ResponseError, "must start with http:// or https://"),
    ],
)
def test_fetch_bounds_every_misbehaviour_with_one_line(server, path, error, message):
    start = time.perf_counter()
    with pytest.raises(error, match=message) as caught:
        asyncio.run(_fetch(server.url + path, max_redirects=5))
    assert "\n" not in str(caught.value) and time.perf_counter() - start < HANG_S


def test_fetch_follows_bounded_redirects_skips_1xx_and_inflates_deflate(server):
    assert asyncio.run(_fetch(server.url + "/hop", max_redirects=5)) == (200, b'{"ok": true}')
    assert asyncio.run(_fetch(server.url + "/hop")) == (302, b"")  # redirects only when asked
    assert asyncio.run(_fetch(server.url + "/continue")) == (200, b'{"ok": 1}')
    assert asyncio.run(_fetch(server.url + "/deflate")) == (200, b'{"deflated": true}')


def test_https_never_redirects_down_to_http(tmp_path, server):
    context, cert = tls_context(tmp_path)
    target = server.url + "/ok"
    with ScriptedServer(lambda _: redirect(target), tls=context) as secure:

        async def go() -> None:
            async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(cert))) as client:
                await fetch(client, "GET", secure.url + "/x", max_body_bytes=1000, deadline_s=5, max_redirects=5)

        with pytest.raises(ResponseError, match="from https to http"):
            asyncio.run(go())
    assert redirect_problem("http://a/x", "https://a/y") is None  # an upgrade is fine


# --- the price refresher ------------------------------------------------------------------------------------


def _feed(price: float | str) -> bytes:
    providers = [_provider(i, 1.5) for i in range(12)]
    providers[3]["models"][0]["prices"]["input_mtok"] = "__PRICE__"
    return json.dumps(providers).replace('"__PRICE__"', str(price)).encode()


FEEDS = {
    "/negative.json": reply(200, _feed(-1)),
    "/nan.json": reply(200, _feed("NaN")),
    "/huge.json": reply(200, _feed("1e400")),
    "/nested.json": reply(200, b"[" * 100_000 + b"]" * 100_000),
    "/redos.json": reply(200, VALID.replace(b'"equals": "model-a"', b'"regex": "^(a+)+$"', 1)),
    "/latin1.json": reply(200, VALID.replace(b"Provider 1", "Provïder 1".encode("latin-1"))),
}


@pytest.fixture
def feeds():
    routes = {**ROUTES, **FEEDS, "/ok.json": reply(200, VALID), "/hop.json": redirect("/ok.json")}
    with ScriptedServer(lambda request: routes.get(request.path, reply(404))) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/negative.json", r"prov3/model-a\.input_mtok is -1; expected a finite price of 0 or more"),
        ("/nan.json", "NaN is not a number"),
        ("/huge.json", "1e400 is not a finite number"),
        ("/nested.json", "nested more than 64 levels deep"),
        ("/redos.json", r"\^\(a\+\)\+\$' repeats a repetition"),
        ("/latin1.json", "not valid UTF-8"),
        ("/endless", "sent more than 1,048,576 bytes"),
        ("/bomb", "once decompressed"),
        ("/slow", "no complete answer within 1 s"),
        ("/loop", "redirected more than 5 times"),
    ],
)
def test_a_hostile_feed_keeps_the_old_prices_byte_for_byte(feeds, tmp_path, path, message):
    target = tmp_path / "genai-prices-data.json"
    update_prices(f"{feeds.url}/hop.json", target=target)  # a redirect is followed to a good feed
    assert target.read_bytes() == VALID
    start = time.perf_counter()
    with pytest.raises(RefreshError, match=message) as caught:
        update_prices(feeds.url + path, target=target, deadline_s=DEADLINE_S, max_bytes=1 << 20)
    assert time.perf_counter() - start < HANG_S
    assert "\n" not in str(caught.value) and str(caught.value).endswith("kept the old prices")
    assert target.read_bytes() == VALID and not list(tmp_path.glob(".prices-*"))


def test_price_update_refuses_an_https_to_http_redirect(tmp_path, feeds, monkeypatch):
    context, cert = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the refresher's own client trusts the test certificate
    with (
        ScriptedServer(lambda request: redirect(f"{feeds.url}/ok.json"), tls=context) as secure,
        pytest.raises(RefreshError, match="from https to http"),
    ):
        update_prices(secure.url + "/data.json", target=tmp_path / "d.json")
    assert feeds.hits.count("/ok.json") == 0 and not (tmp_path / "d.json").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "is not a valid URL"),
        ("http://127.0.0.1/a\x00b", "control character"),
        ("http://127.0.0.1/" + "a" * 3000, "3,017 characters; the limit is 2,048"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("ftp://x", "must start with http:// or https://"),
        ("http://", "has no host name"),
        ("", "is empty"),
    ],
)
def test_prices_update_checks_the_url_before_any_request(tmp_path, monkeypatch, capsys, url, message):
    monkeypatch.setenv("INFERENCE_ROI_CACHE", str(tmp_path))
    assert main(["prices", "update", "--url", url]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "\x00" not in err and "Traceback" not in err


# --- the eval runner ----------------------------------------------------------------------------------------

BEHAVIOURS = {
    "endless": endless(),
    "bomb": gzip_bomb(),
    "slow": slowloris(),
    "loop": redirect("/v1/chat/completions"),
    "continue": interim(chat_reply("Paris")),
    "redos": chat_reply(json.dumps("a" * 40 + "!")),
    "remote-ref": chat_reply('"x"'),
}


def _chat_route(request: Request) -> Handler:
    prompt = request.json().get("messages", [{}])[-1].get("content", "") if request.method == "POST" else ""
    return BEHAVIOURS.get(prompt, chat_reply("?"))


def _task_file(tmp_path: Path, schema_server: str) -> Path:
    tasks = [{"id": name, "prompt": name, "expected": "Paris", "grader": "exact"} for name in BEHAVIOURS]
    tasks[-2] = {"id": "redos", "prompt": "redos", "grader": "json_schema",
                 "schema": {"type": "string", "pattern": "^(a+)+$"}}  # fmt: skip
    tasks[-1] = {"id": "remote-ref", "prompt": "remote-ref", "grader": "json_schema",
                 "schema": {"$ref": f"{schema_server}/schema.json"}}  # fmt: skip
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    return path


def test_eval_runner_records_each_hostile_answer_as_one_line_within_the_deadline(tmp_path):
    with ScriptedServer(_chat_route) as chat, ScriptedServer(lambda _: reply(200, b'{"type": "string"}')) as refs:
        tasks = load_tasks(str(_task_file(tmp_path, refs.url)))
        start = time.perf_counter()
        records = asyncio.run(run_endpoint(Endpoint("x", chat.url + "/v1", "m"), tasks, concurrency=len(tasks),
                                           retries=0, timeout_s=DEADLINE_S))  # fmt: skip
        assert time.perf_counter() - start < HANG_S
    by_id = {r["id"]: r for r in records}
    assert "sent more than 16,777,216 bytes" in by_id["endless"]["error"]
    assert "once decompressed" in by_id["bomb"]["error"]
    assert "no complete answer within 1 s" in by_id["slow"]["error"]
    assert by_id["loop"]["error"] == "HTTP 302 (a redirect; not followed)"
    assert by_id["continue"]["passed"] and by_id["continue"]["error"] is None  # 1xx skipped as HTTP says
    assert by_id["redos"]["passed"] is False and "does not match" in by_id["redos"]["why"]
    assert by_id["remote-ref"]["passed"] is False and "never fetched" in by_id["remote-ref"]["why"]
    assert refs.hits == []  # the remote $ref was never asked for
    assert all("\n" not in (r["error"] or "") + r["why"] for r in records)


CHILD = """
import json, resource, sys
from cli.main import main
import evals.runner, profiling.runner  # loaded before the baseline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
code = main(sys.argv[1:])
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"code": code, "grown_kib": grown}))
"""


def run_measured(argv: list[str], timeout_s: float = 120) -> tuple[dict, str]:
    """The CLI in a child process: its exit code and how much its peak memory grew past the imports."""
    proc = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout_s)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_eval_run_memory_stays_bounded_against_a_gzip_bomb_and_an_endless_body(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("".join(json.dumps({"id": p, "prompt": p, "expected": "x"}) + "\n" for p in ["bomb", "endless"]))
    with ScriptedServer(_chat_route) as chat:
        result, _ = run_measured(["eval", "run", str(tasks), "--endpoint", f"name=x,base_url={chat.url}/v1",
                                  "--retries", "0", "--timeout", "20", "--quiet", "--format", "json"])  # fmt: skip
    assert result["code"] == 1  # both calls refused (bomb, endless): no answer, so `eval run` exits 1 naming why
    assert result["grown_kib"] < 200 * 1024, f"the process grew by {result['grown_kib'] / 1024:.0f} MiB"


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--concurrency", "0"), ("--concurrency", "abc"), ("--retries", "1e400"), ("--timeout", "nan")],
)
def test_eval_run_numbers_out_of_bounds_are_one_line(tmp_path, capsys, flag, value):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "1", "prompt": "p", "expected": "x"}\n')
    assert main(["eval", "run", str(tasks), "--endpoint", "name=x,base_url=http://127.0.0.1:9", flag, value]) == 2
    err = capsys.readouterr().err
    assert flag in err and err.count("\n") == 1


def test_eval_endpoint_with_a_control_character_is_one_line(tmp_path, capsys):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "1", "prompt": "p", "expected": "x"}\n')
    assert main(["eval", "run", str(tasks), "--endpoint", "name=x,base_url=http://h/\n\x1b[31mred"]) == 2
    err = capsys.readouterr().err
    assert "--endpoint" in err and err.count("\n") == 1 and "\x1b" not in err
