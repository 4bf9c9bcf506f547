"""Real `inference-roi eval run` records, made by the real runner against tests/support/answer_server.py, and
the failing endpoints the runner is tested against: a server that never answers, a port nothing listens on.

`glm5_records(folder)`: 104 arithmetic tasks on endpoint `glm5-h200` (model `glm-5`): 86 answered right, 14
answered wrong, 4 prompts the server always answers HTTP 500 (errors, not wrong answers). Every answer is one
word and the model "thinks" 21 tokens, so the server reports 22 completion tokens per answered task. The
figures a test pins, by hand: n = 86 + 14 = 100 answered, success rate 86 / 100 = 0.86, errors 4.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cli.main import main
from tests.support.answer_server import AnswerServer, Book, Model

RIGHT, WRONG, BROKEN = 86, 14, 4


class QuietAnswerServer(AnswerServer):
    """The answer server, silent when a client hangs up a kept-alive connection (its stderr is the CLI's, read
    by the tests)."""

    def handle_error(self, request, client_address) -> None:
        pass


REASONING_TOKENS = 21


def _question(i: int) -> str:
    return f"What is {i} plus {i}?"


def write_tasks(path: Path) -> Path:
    total = RIGHT + WRONG + BROKEN
    lines = [{"id": f"t{i}", "prompt": _question(i), "expected": str(2 * i), "grader": "numeric"} for i in range(total)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def glm5_records(folder: Path) -> Path:
    """Run the 104 tasks through `inference-roi eval run` (retries 0) and return `folder/glm5-h200.jsonl`."""
    answers = {_question(i): str(2 * i) for i in range(RIGHT)}
    answers |= {_question(i): str(2 * i + 1) for i in range(RIGHT, RIGHT + WRONG)}
    broken = {_question(i) for i in range(RIGHT + WRONG, RIGHT + WRONG + BROKEN)}
    book = Book({"glm-5": Model(answers, reasoning_tokens=REASONING_TOKENS)}, broken_prompts=broken)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = write_tasks(folder / "tasks.jsonl")
    with (
        QuietAnswerServer(book) as server,
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        ThreadPoolExecutor(1) as pool,  # a thread of its own: the test's own event loop (Playwright's) may be running
    ):
        code = pool.submit(main, ["eval", "run", str(tasks), "--endpoint",
                                  f"name=glm5-h200,base_url={server.url},model=glm-5", "--retries", "0", "--quiet",
                                  "--out", str(folder)]).result()  # fmt: skip
    assert code == 0, code
    return folder / "glm5-h200.jsonl"


class SilentServer(ThreadingHTTPServer):
    """Accepts a chat completion, reads it, then answers nothing until closed: every call times out."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Silent)
        self.release = threading.Event()
        self.calls = 0
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def handle_error(self, request, client_address) -> None:
        """The client hanging up at its deadline is expected."""

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _Silent(BaseHTTPRequestHandler):
    server: SilentServer

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.calls += 1
        self.server.release.wait(timeout=30)


def closed_port() -> int:
    """A local port nothing listens on (bound, then closed): a connection to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
