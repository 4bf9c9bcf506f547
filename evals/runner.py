"""Run a task file against OpenAI-compatible endpoints and grade every answer.

Each endpoint gets every task, at most `concurrency` in flight per endpoint; a failed call (connection
error, timeout, HTTP 429/5xx) is retried with exponential backoff, then counted as an error for that item,
never fatal. Per item a record: answer, grade, why, input/output/reasoning tokens (the server's usage),
latency, error. API keys come from environment variables only (`api_key_env=VAR`) and are never written.

An error is not a wrong answer: its record has `passed: null` and the one-line `error` ("HTTP 404 from URL:
no such path or model …", "cannot connect (refused or unreachable): …", "timeout: … within 120 s"); the summary's
success rate is `passed / answered` with `answered = tasks − errors`, its interval Wilson's on the answered
(`summarise`), and the errors are counted beside it by cause. The CLI warns when some calls failed and exits
non-zero, naming the cause on one line, when every call of an endpoint failed (evals.cli).

Against a misbehaving server (issue 26) every call goes through `datafiles.fetch`: each attempt ends within
`timeout_s` (connect, headers and the whole body together, so a server trickling bytes is cut), the body is
at most MAX_RESPONSE_BYTES read and at most that once decompressed (an endless body or a gzip bomb is an
error, not memory), a redirect is not followed (HTTP 3xx is the item's error), interim 1xx answers are
skipped (httpx). Whatever happens, the item's `error` is one line; a run takes at most
(retries + 1) × timeout_s plus backoff per item.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass

import httpx

from datafiles import DeadlineExceeded, InputError, ResponseError, clip, display_url, fetch, url_problem
from evals.stats import wilson_interval
from evals.tasks import MAX_ANSWER_CHARS, Task, grade

RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""Largest chat completion read, and largest once decompressed (an answer is capped at 200,000 characters)."""
JUDGE_PROMPT = (
    "You grade an answer against a reference. Reply with exactly PASS or FAIL.\n\n"
    "Task:\n{task}\n\nReference answer or rubric:\n{expected}\n\nAnswer to grade:\n{answer}"
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    base_url: str
    model: str
    api_key_env: str | None = None
    model_given: bool = True
    """False when `model=` was left out and the name is sent as the model (named when every call fails)."""

    def headers(self) -> dict[str, str]:
        if self.api_key_env is None:
            return {}
        key = os.environ.get(self.api_key_env)
        if not key:
            raise InputError(
                "environment", self.api_key_env, f"endpoint {self.name} needs its API key in ${self.api_key_env}"
            )
        return {"Authorization": f"Bearer {key}"}


def parse_endpoint(spec: str, flag: str = "--endpoint") -> Endpoint:
    """`name=N,base_url=URL,model=M[,api_key_env=VAR]` (a bare `N=URL[,model=M]` works too)."""
    fields: dict[str, str] = {}
    for i, part in enumerate(p for p in spec.split(",") if p):
        key, sep, value = part.partition("=")
        if not sep:
            raise InputError("command line", flag, f"expected key=value pairs, got '{clip(part)}' in '{clip(spec)}'")
        if i == 0 and key not in ("name", "base_url", "model", "api_key_env"):
            fields["name"], fields["base_url"] = key, value
            continue
        if key not in ("name", "base_url", "model", "api_key_env"):
            raise InputError(
                "command line", flag, f"unknown key '{clip(key)}'; expected name, base_url, model, api_key_env"
            )
        fields[key] = value
    for key in ("name", "base_url"):
        if not fields.get(key):
            raise InputError("command line", flag, f"{key}= is missing in '{clip(spec)}'")
    problem = url_problem(fields["base_url"])
    if problem is not None:
        raise InputError(
            "command line",
            flag,
            f"base_url must be http(s)://host[:port][/v1]; '{clip(fields['base_url'])}' {problem}",
        )
    if not fields["name"].replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise InputError(
            "command line",
            flag,
            f"name must be letters, digits, - _ . (it names the output file): '{clip(fields['name'])}'",
        )
    return Endpoint(fields["name"], fields["base_url"].rstrip("/"), fields.get("model") or fields["name"],
                    fields.get("api_key_env"), model_given=bool(fields.get("model")))  # fmt: skip


def _chat_url(endpoint: Endpoint) -> str:
    base = endpoint.base_url
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    text: str
    input_tokens: int | None
    output_tokens: int | None
    reasoning_tokens: int | None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else None


def _reply(body: object) -> Reply:
    """The answer text and usage of a chat completion; raises ValueError on anything else."""
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list) or not body["choices"]:
        raise ValueError("no choices in the response")
    message = body["choices"][0].get("message") if isinstance(body["choices"][0], dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        content = ""
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    details = usage.get("completion_tokens_details") if isinstance(usage.get("completion_tokens_details"), dict) else {}
    return Reply(content[:MAX_ANSWER_CHARS], _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")),
                 _count(details.get("reasoning_tokens")))  # fmt: skip


class _Retry(Exception):
    """A status worth another attempt (429, 5xx…)."""


STATUS_HINTS = {
    400: "the server refused the request (check model= and the task's max_tokens)",
    401: "the key was refused (check api_key_env=)",
    403: "the key was refused (check api_key_env=)",
    404: "no such path or model (check that base_url ends at /v1 and model= names a served model)",
    429: "rate-limited (lower --concurrency)",
}
"""What an HTTP status most likely means for a chat completion (the body of an error answer is never read)."""


def _status_error(status: int, url: str) -> str:
    """`HTTP 404 from URL: <what it likely means>`; a redirect is named, not followed."""
    if 300 <= status < 400:
        return f"HTTP {status} (a redirect; not followed)"
    hint = STATUS_HINTS.get(status, "a server error" if status >= 500 else "refused")
    return f"HTTP {status} from {display_url(url)}: {hint}"


def _failure(exc: BaseException, url: str) -> str:
    """A failed attempt as one line that starts with its kind (the summary counts errors by kind)."""
    if isinstance(exc, _Retry):
        return str(exc)
    if isinstance(exc, DeadlineExceeded | httpx.TimeoutException):
        return clip(f"timeout: {exc or type(exc).__name__}", 300)
    if isinstance(exc, httpx.ConnectError):
        where = httpx.URL(url).netloc.decode("ascii", "replace")
        return clip(f"cannot connect to {where} (refused or unreachable): {exc or type(exc).__name__}", 300)
    return type(exc).__name__ if not str(exc) else clip(f"{type(exc).__name__}: {exc}", 300)


def cause_kind(error: str) -> str:
    """The kind an error line starts with: "HTTP 404", "timeout", "cannot connect", "bad response", "ValueError"…"""
    words = error.split()
    if len(words) >= 2 and words[0] == "HTTP":
        return f"HTTP {words[1]}"
    if error.startswith("cannot connect"):
        return "cannot connect"
    return error.split(":", 1)[0].strip()[:80]


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, an integer past 4,300 digits, nested too deep
        raise ValueError("the response is not JSON") from None


async def _call(client: httpx.AsyncClient, endpoint: Endpoint, messages: list[dict], max_tokens: int,
                retries: int, timeout_s: float) -> Reply:  # fmt: skip
    """One chat completion: each attempt within `timeout_s` (connect, headers and body together), the body at
    most MAX_RESPONSE_BYTES read and decompressed (datafiles.fetch); transient failures retried with backoff.
    Raises RuntimeError or ValueError with one line."""
    payload = {"model": endpoint.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    delay = 0.5
    for attempt in range(retries + 1):
        try:
            response = await fetch(client, "POST", _chat_url(endpoint), json=payload, headers=endpoint.headers(),
                                   max_body_bytes=MAX_RESPONSE_BYTES, deadline_s=timeout_s)  # fmt: skip
            if response.status in RETRY_STATUSES and attempt < retries:
                raise _Retry(_status_error(response.status, response.url))
            if response.status != 200:
                raise RuntimeError(_status_error(response.status, response.url))
            return _reply(_json(response.body))
        except (_Retry, DeadlineExceeded, httpx.HTTPError, OSError) as exc:
            if attempt == retries:
                raise RuntimeError(_failure(exc, _chat_url(endpoint))) from None
            await asyncio.sleep(delay)
            delay *= 2
        except ResponseError as exc:  # a bound broken (size, encoding, URL): not worth retrying
            raise RuntimeError(clip(f"bad response: {exc}", 300)) from None
    raise AssertionError("unreachable")


async def _item(client, endpoint, task: Task, judge, retries, timeout_s) -> dict:
    start = time.perf_counter()
    record = {"id": task.id, "endpoint": endpoint.name, "model": endpoint.model, "answer": None, "passed": False,
              "why": "", "input_tokens": None, "output_tokens": None, "reasoning_tokens": None,
              "latency_s": None, "error": None}  # fmt: skip
    try:
        reply = await _call(client, endpoint, list(task.messages), task.max_tokens, retries, timeout_s)
        record |= {
            "answer": reply.text,
            "input_tokens": reply.input_tokens,
            "output_tokens": reply.output_tokens,
            "reasoning_tokens": reply.reasoning_tokens,
            "latency_s": round(time.perf_counter() - start, 4),
        }
        if task.grader == "judge":
            if judge is None:
                raise RuntimeError("a judge task needs --judge name=…,base_url=…,model=…")
            prompt = JUDGE_PROMPT.format(task=task.messages[-1]["content"], expected=task.expected, answer=reply.text)
            verdict = await _call(client, judge, [{"role": "user", "content": prompt}], 8, retries, timeout_s)
            word = verdict.text.strip().upper()
            record |= {"passed": word.startswith("PASS"), "why": f"judge {judge.name}: {word[:20]}"}
        else:
            passed, why = grade(task, reply.text)
            record |= {"passed": passed, "why": why}
    except (RuntimeError, ValueError) as exc:
        record |= {"error": clip(exc, 300), "passed": None, "why": "error: not graded"}
    return record


async def run_endpoint(
    endpoint: Endpoint,
    tasks: list[Task],
    *,
    concurrency: int = 4,
    retries: int = 2,
    timeout_s: float = 120.0,
    judge: Endpoint | None = None,
    progress=None,
) -> list[dict]:
    """Every task on one endpoint, at most `concurrency` at a time; records in task order."""
    gate = asyncio.Semaphore(concurrency)
    done = 0
    limits = httpx.Limits(max_connections=concurrency + 2)
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits, trust_env=False) as client:

        async def one(task: Task) -> dict:
            nonlocal done
            async with gate:
                record = await _item(client, endpoint, task, judge, retries, timeout_s)
            done += 1
            if progress is not None:
                progress(endpoint.name, done, len(tasks))
            return record

        return list(await asyncio.gather(*(one(t) for t in tasks)))


def stderr_progress(name: str, done: int, total: int) -> None:
    """A one-line progress bar on stderr: `glm5  [#########-----------]  9/20`."""
    width = 24
    filled = round(width * done / total)
    sys.stderr.write(f"\r{name:<16} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def summarise(endpoint: Endpoint, records: list[dict]) -> dict:
    """The contract's per-endpoint summary. Errored items are not answers: `n` = answered = tasks − errors,
    `success_rate = successes / n` (None when nothing was answered), Wilson's interval on n; the errors are
    counted by kind (`error_causes`), and `warning` says, in one line, what failed and why (None when nothing
    did). Tokens are the means over the answered items."""
    answered = [r for r in records if not r["error"]]
    failed = [r["error"] for r in records if r["error"]]
    successes = sum(1 for r in answered if r["passed"])
    n = len(answered)
    ci = wilson_interval(successes, n) if n else (None, None)
    return {
        "name": endpoint.name,
        "model": endpoint.model,
        "tasks": len(records),
        "n": n,
        "successes": successes,
        "errors": len(failed),
        "error_causes": dict(Counter(cause_kind(e) for e in failed).most_common()),
        "success_rate": successes / n if n else None,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "mean_input_tokens": _mean(answered, "input_tokens"),
        "mean_output_tokens": _mean(answered, "output_tokens"),
        "mean_reasoning_tokens": _mean(answered, "reasoning_tokens"),
        "warning": failure_line(endpoint, len(records), failed),
    }


def failure_line(endpoint: Endpoint, tasks: int, failed: list[str]) -> str | None:
    """One line on the failed calls: how many, each kind with its count, the first message of the commonest.

    `ours: all 5 calls failed — 5× HTTP 404 from http://…/v1/chat/completions: no such path or model (…)` or
    `ours: 2 of 5 calls failed — 2× timeout: … within 120 s; the success rate is over the 3 answered`."""
    if not failed:
        return None
    kinds = Counter(cause_kind(e) for e in failed).most_common()
    first = next(e for e in failed if cause_kind(e) == kinds[0][0])
    others = "".join(f"; {k}× {kind}" for kind, k in kinds[1:4])
    head = f"all {tasks:,} calls failed" if len(failed) == tasks else f"{len(failed):,} of {tasks:,} calls failed"
    line = f"{endpoint.name}: {head} — {kinds[0][1]}× {clip(first, 200)}{others}"
    if not endpoint.model_given and kinds[0][0] in ("HTTP 404", "HTTP 400"):
        line += f" (no model= given: the name {endpoint.name!r} was sent as the model)"
    if len(failed) < tasks:
        line += f"; the success rate is over the {tasks - len(failed):,} answered"
    return line


def _mean(records: list[dict], key: str) -> float | None:
    values = [r[key] for r in records if r[key] is not None]
    return sum(values) / len(values) if values else None


def endpoint_json(endpoint: Endpoint) -> dict:
    """What may be written about an endpoint: never the key, only the variable's name."""
    return asdict(endpoint)
