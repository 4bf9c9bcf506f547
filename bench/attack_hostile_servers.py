"""A hostile-network attack on the CLI: misbehaving servers against `profile`, `eval run` and `prices update`.

    python bench/attack_hostile_servers.py [--only SUBSTRING] [--list] [--code DIR]

Each case starts a scripted server on localhost (tests/datafiles/test_hostile_http.py: endless bodies, gzip bombs of
1 GiB, slowloris, redirect loops, interim 1xx, hostile price feeds, schemas with ReDoS patterns or remote
`$ref`s), runs `inference-roi …` against it in a child process and reads the child's own peak memory. Outcomes:

- ok      exit 2 with one line on stderr, or exit 0 with what the command promises (a profile written, every
          item recorded with a one-line reason; `eval run` exits 1 with the cause on one line when its every call
          failed), the price copy in use untouched, no remote `$ref` fetched;
- crash   a traceback, another exit status, a message of several lines, a broken promise (a lost profile or
          price copy, a remote `$ref` fetched);
- memory  the child's peak RSS past MEMORY_LIMIT_KIB (the issue saw 3 GB);
- hang    past the command's stated deadline + HANG_MARGIN_S (profile and eval run with --timeout 2; prices
          update has its own 60 s download deadline, so that case takes a minute).

Before issue 26's network work (counts from the issue's report, same cases): setup/calibration/eval calls
read whole bodies (endless and bomb cases: memory), slowloris held `prices update` past 90 s (hang), the
redirect loop, nested feed and bad URLs were tracebacks (crash), a negative feed was installed (crash: broken
promise), an all-failed level wrote no profile, `--concurrency 0,1` printed 18 lines, `--input-tokens 1e12`
hung, an empty prompt was a KeyError, a ReDoS `pattern` hung the runner and a remote `$ref` was fetched.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pricing.refresh import DOWNLOAD_DEADLINE_S  # noqa: E402
from tests.datafiles.test_hostile_http import (  # noqa: E402
    BEHAVIOURS,
    FEEDS,
    ScriptedServer,
    _chat_route,
    endless,
    gzip_bomb,
    interim,
    redirect,
    reply,
    slowloris,
)
from tests.pricing.test_prices_refresh import VALID  # noqa: E402
from tests.profiling.test_profiler_hostile_server import GOOD_SSE, STREAM_FAULTS, _sse, _stream_route  # noqa: E402

TIMEOUT_S = 2
HANG_MARGIN_S = 25
MEMORY_LIMIT_KIB = 600 * 1024
CHILD_ADDRESS_SPACE_BYTES = 3 * 1024**3


@dataclass
class Case:
    name: str
    route: Callable
    argv: Callable[[str, Path], list[str]]
    wall_s: float = 4 * TIMEOUT_S + HANG_MARGIN_S
    check: Callable[[int, str, Path], bool] = field(default=lambda code, err, tmp: True)


def _profile_argv(*extra: str) -> Callable[[str, Path], list[str]]:
    def argv(url: str, tmp: Path) -> list[str]:
        base = {"--base-url": url, "--model": "m", "--gpu": "H100", "--gpu-count": "1", "--input-tokens": "50",
                "--output-tokens": "3", "--concurrency": "1", "--requests-per-level": "2", "--warmup-requests": "0",
                "--timeout": str(TIMEOUT_S), "--out": str(tmp / "p.yaml")}  # fmt: skip
        pairs = dict(zip(extra[::2], extra[1::2], strict=True))
        if "--rate" in pairs:  # the two load flags exclude each other
            del base["--concurrency"]
        return ["profile", *[x for kv in {**base, **pairs}.items() for x in kv]]

    return argv


def _profile_written(code: int, err: str, tmp: Path) -> bool:
    return code == 0 and (tmp / "p.yaml").is_file()


def _profile_all_ok(code: int, err: str, tmp: Path) -> bool:
    """A profile whose requests all succeeded (an interim 1xx answer is no failure)."""
    return _profile_written(code, err, tmp) and "requests_failed: 0" in (tmp / "p.yaml").read_text()


def profile_cases() -> list[Case]:
    cases = [
        Case(f"profile:stream:{reason[:40]}", _stream_route([handler]), _profile_argv(), check=_profile_written)
        for reason, handler in STREAM_FAULTS.items()
    ]
    cases.append(Case("profile:stream:100-continue", _stream_route([interim(_sse(GOOD_SSE))]), _profile_argv(),
                      check=_profile_all_ok))  # fmt: skip
    only_one = _profile_argv("--concurrency", "1,2", "--requests-per-level", "1")
    cases.append(Case("profile:only-request-fails", _stream_route([reply(500, b"boom")]), only_one,
                      check=_profile_written))  # fmt: skip
    setups = {"version-gzip-bomb": {"/version": gzip_bomb()}, "models-endless": {"/v1/models": endless()},
              "models-redirect-loop": {"/v1/models": redirect("/v1/models")},
              "calibration-gzip-bomb": {"/v1/chat/completions": gzip_bomb()},
              "calibration-slowloris": {"/v1/chat/completions": slowloris(), "/tokenize": slowloris()}}  # fmt: skip
    for name, setup in setups.items():
        cases.append(Case(f"profile:setup:{name}", _stream_route([_sse(GOOD_SSE)], setup), _profile_argv(),
                          check=_profile_all_ok))  # fmt: skip
    for flag, value in (("--input-tokens", "100000001"), ("--input-tokens", "1e12"), ("--output-tokens", "1e22"),
                        ("--concurrency", "0,1"), ("--rate", "0"), ("--seed", "x")):  # fmt: skip
        cases.append(Case(f"profile:flag:{flag}={value}", _stream_route([_sse(GOOD_SSE)]), _profile_argv(flag, value)))
    for label, text in (
        ("empty-prompt", '{"prompt": ""}\n'),
        ("empty-file", ""),
        ("messages-empty", '{"messages": []}'),
    ):

        def prompts(url: str, tmp: Path, text: str = text) -> list[str]:
            (tmp / "prompts.jsonl").write_text(text)
            return _profile_argv("--prompt-file", str(tmp / "prompts.jsonl"))(url, tmp)

        cases.append(Case(f"profile:prompt-file:{label}", _stream_route([_sse(GOOD_SSE)]), prompts))
    return cases


def _eval_argv(prompt: str, task: dict | None = None) -> Callable[[str, Path], list[str]]:
    def argv(url: str, tmp: Path) -> list[str]:
        line = task or {"id": prompt, "prompt": prompt, "expected": "Paris"}
        (tmp / "tasks.jsonl").write_text(json.dumps(line) + "\n")
        return ["eval", "run", str(tmp / "tasks.jsonl"), "--endpoint", f"name=x,base_url={url}/v1", "--retries", "0",
                "--timeout", str(TIMEOUT_S), "--out", str(tmp / "records"), "--quiet", "--format", "json"]  # fmt: skip

    return argv


def _recorded(code: int, err: str, tmp: Path) -> bool:
    """The item recorded, its reason one line; exit 0 when it was answered, 1 (the cause on one line) when its
    one call failed."""
    lines = (tmp / "records" / "x.jsonl").read_text().splitlines() if (tmp / "records" / "x.jsonl").is_file() else []
    if len(lines) != 1 or "\n" in json.loads(lines[0]).get("why", ""):
        return False
    failed = json.loads(lines[0]).get("error") is not None
    return code == 0 if not failed else code == 1 and len(err.strip().splitlines()) == 1


REF_HITS: list[str] = []


def eval_cases() -> list[Case]:
    cases = [Case(f"eval:{name}", _chat_route, _eval_argv(name), check=_recorded) for name in BEHAVIOURS]
    cases[-2].argv = _eval_argv("redos", {"id": "redos", "prompt": "redos", "grader": "json_schema",
                                          "schema": {"type": "string", "pattern": "^(a+)+$"}})  # fmt: skip

    def remote_ref(url: str, tmp: Path) -> list[str]:
        task = {"id": "r", "prompt": "remote-ref", "grader": "json_schema", "schema": {"$ref": f"{url}/ref/s.json"}}
        return _eval_argv("remote-ref", task)(url, tmp)

    def not_fetched(code: int, err: str, tmp: Path) -> bool:
        return _recorded(code, err, tmp) and not any(hit.startswith("/ref/") for hit in REF_HITS)

    cases[-1] = Case("eval:remote-ref", _chat_route, remote_ref, check=not_fetched)
    cases.append(Case("eval:flag:--concurrency=0", _chat_route, lambda url, tmp: [*_eval_argv("x")(url, tmp),
                                                                                   "--concurrency", "0"]))  # fmt: skip
    return cases


def _prices_argv(path: str) -> Callable[[str, Path], list[str]]:
    return lambda url, tmp: ["prices", "update", "--url", url + path if path.startswith("/") else path]


def _copy_kept(code: int, err: str, tmp: Path) -> bool:
    return (tmp / "cache" / "genai-prices-data.json").read_bytes() == VALID


def _always(handler: Callable) -> Callable:
    return lambda request: handler


def prices_cases() -> list[Case]:
    hostile = {**FEEDS, "/endless": endless(), "/bomb": gzip_bomb(), "/loop": redirect("/loop"), "/slow": slowloris()}
    cases = []
    for path, handler in hostile.items():
        wall = DOWNLOAD_DEADLINE_S + HANG_MARGIN_S if path == "/slow" else 4 * TIMEOUT_S + HANG_MARGIN_S
        route = _always(handler)
        cases.append(Case(f"prices:{path.strip('/')}", route, _prices_argv(path), wall, _copy_kept))
    for url in ("http://[::1", "http://127.0.0.1/a\x01b", "http://127.0.0.1/" + "a" * 3000, "file:///etc/passwd",
                "ftp://x", "http://"):  # fmt: skip
        cases.append(Case(f"prices:url:{url[:24]!r}", lambda request: reply(404), _prices_argv(url), check=_copy_kept))
    return cases


def _limit_memory() -> None:
    """In the child: address space capped at CHILD_ADDRESS_SPACE_BYTES, so an unbounded read fails (MemoryError)
    instead of taking the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE_BYTES, CHILD_ADDRESS_SPACE_BYTES))


def run(case: Case, code_dir: Path = ROOT) -> tuple[str, str]:
    """(outcome, detail) of one case: its server up, the CLI in a child process run from `code_dir`, the
    child's own peak memory."""
    tmp = Path(tempfile.mkdtemp(prefix="attack-net-"))
    (tmp / "cache").mkdir()
    (tmp / "cache" / "genai-prices-data.json").write_bytes(VALID)
    REF_HITS.clear()
    with ScriptedServer(case.route) as server:
        server.hits = REF_HITS
        env = {**os.environ, "INFERENCE_ROI_CACHE": str(tmp / "cache")}
        with open(tmp / "out", "wb") as out, open(tmp / "err", "wb") as err:
            child = subprocess.Popen([sys.executable, "-m", "cli.main", *case.argv(server.url, tmp)], cwd=code_dir,
                                     stdout=out, stderr=err, env=env, start_new_session=True,
                                     preexec_fn=_limit_memory)  # fmt: skip
            start = time.monotonic()
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > case.wall_s:
                    os.killpg(child.pid, signal.SIGKILL)
                    os.wait4(child.pid, 0)
                    return "hang", f"past {case.wall_s:.0f} s"
                time.sleep(0.05)
        code = os.waitstatus_to_exitcode(status)
        stderr = (tmp / "err").read_text(errors="replace")
        if usage.ru_maxrss > MEMORY_LIMIT_KIB or "MemoryError" in stderr:
            return "memory", f"peak {usage.ru_maxrss // 1024} MiB"
        allowed = (0, 1, 2) if case.name.startswith("eval:") else (0, 2)  # eval run: 1 = every call failed
        if "Traceback" in stderr or code not in allowed:
            last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
            return "crash", f"exit {code}: {last[:160]}"
        if code == 2 and stderr.count("\n") != 1:
            return "crash", f"exit 2 with {stderr.count(chr(10))} lines"
        if not case.check(code, stderr, tmp):
            return "crash", f"broken promise (exit {code}): {stderr.strip()[:160]}"
        return "ok", stderr.strip().splitlines()[-1][:160] if stderr.strip() else f"exit {code}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="project tree the CLI runs from, e.g. `git archive HEAD~1 | tar -x -C /tmp/before` "
                             "for the counts before a change (default: this one)")  # fmt: skip
    args = parser.parse_args()
    cases = [c for c in profile_cases() + eval_cases() + prices_cases() if not args.only or args.only in c.name]
    if args.list:
        print("\n".join(c.name for c in cases))
        return
    outcomes: Counter[str] = Counter()
    for case in cases:
        outcome, detail = run(case, args.code.resolve())
        outcomes[outcome] += 1
        print(f"{outcome:<7} {case.name:<50} {detail}", flush=True)
    print(f"\n{len(cases)} cases: " + ", ".join(f"{k} {outcomes[k]}" for k in ("ok", "crash", "memory", "hang")))


if __name__ == "__main__":
    main()
