"""Run a task file against OpenAI-compatible endpoints and grade every answer.

Each endpoint gets every task, at most `concurrency` in flight per endpoint; a failed call (connection
error, timeout, HTTP 429/5xx) is retried with exponential backoff, then counted as an error for that item,
never fatal. Per item a record: answer, grade, why, input/output/reasoning tokens (the server's usage),
latency, error. API keys come from environment variables only (`api_key_env=VAR`) and are never written.

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
from dataclasses import asdict, dataclass

import httpx

from datafiles import DeadlineExceeded, InputError, ResponseError, clip, fetch, url_problem
from evals.records import EvalSummary, summary
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
    return Endpoint(
        fields["name"], fields["base_url"].rstrip("/"), fields.get("model") or fields["name"], fields.get("api_key_env")
    )


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
                raise _Retry(f"HTTP {response.status}")
            if response.status != 200:
                moved = " (a redirect; not followed)" if 300 <= response.status < 400 else ""
                raise RuntimeError(f"HTTP {response.status}{moved}")
            return _reply(_json(response.body))
        except (_Retry, DeadlineExceeded, httpx.HTTPError, OSError) as exc:
            if attempt == retries:
                raise RuntimeError(
                    type(exc).__name__ if not str(exc) else clip(f"{type(exc).__name__}: {exc}", 300)
                ) from None
            await asyncio.sleep(delay)
            delay *= 2
        except ResponseError as exc:  # a bound broken (size, encoding, URL): not worth retrying
            raise RuntimeError(clip(exc, 300)) from None
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
        record["error"] = clip(exc, 300)
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


def summarise(endpoint: Endpoint, records: list[dict], source_file: str) -> dict:
    """The contract's per-endpoint summary; errored items count as failures in n (they were attempted)."""
    n = len(records)
    successes = sum(1 for r in records if r["passed"])
    errors = sum(1 for r in records if r["error"])
    base: EvalSummary = summary(endpoint.model, "tasks", rate=successes / n, n=n, source_file=source_file,
                                tool="inference-roi eval", output_tokens=_mean(records, "output_tokens"),
                                input_tokens=_mean(records, "input_tokens"))  # fmt: skip
    return {
        "name": endpoint.name,
        "model": endpoint.model,
        "n": n,
        "successes": successes,
        "errors": errors,
        "success_rate": base.success_rate,
        "ci_low": base.ci_low,
        "ci_high": base.ci_high,
        "mean_input_tokens": base.input_tokens_per_task,
        "mean_output_tokens": base.output_tokens_per_task,
        "mean_reasoning_tokens": _mean(records, "reasoning_tokens"),
    }


def _mean(records: list[dict], key: str) -> float | None:
    values = [r[key] for r in records if r[key] is not None]
    return sum(values) / len(values) if values else None


def endpoint_json(endpoint: Endpoint) -> dict:
    """What may be written about an endpoint: never the key, only the variable's name."""
    return asdict(endpoint)
