"""The task file (`TASKS.jsonl`): one task per line, and the graders that score an answer.

A line: `{"id": "…", "prompt": "…" (or "messages": [...]), "expected": "…", "grader": "exact|regex|contains|
numeric|json_schema|judge", …grader options}`. Options: `ignore_case` (exact, contains, regex),
`tolerance` / `rel_tolerance` (numeric, absolute default 1e-6), `schema` (json_schema: a JSON Schema the
answer must satisfy), `max_tokens` (the request's limit, default 1,024).

Graders never execute anything: regexes run on RE2 (linear time, no catastrophic backtracking), JSON Schema
through `jsonschema`'s validator (no remote `$ref` is fetched), answers are capped at 200,000 characters.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema
import re2

from datafiles import InputError, parse_json_text, read_text

Grader = Literal["exact", "regex", "contains", "numeric", "json_schema", "judge"]
GRADERS = ("exact", "regex", "contains", "numeric", "json_schema", "judge")
MAX_TASKS = 100_000
MAX_ANSWER_CHARS = 200_000
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Task:
    id: str
    messages: tuple[dict[str, str], ...]
    grader: Grader
    expected: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    max_tokens: int = 1024


def _messages(raw: dict, where: str, file: str) -> tuple[dict[str, str], ...]:
    if "messages" in raw:
        messages = raw["messages"]
        ok = (
            isinstance(messages, list)
            and messages
            and all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in messages
            )
        )
        if not ok:
            raise InputError(file, f"{where}.messages", "expected a list of {role, content} objects with text content")
        return tuple({"role": m["role"], "content": m["content"]} for m in messages)
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise InputError(file, f"{where}.prompt", "expected a non-empty prompt string (or a messages list)")
    return ({"role": "user", "content": prompt},)


def _task(raw: Any, where: str, file: str) -> Task:
    if not isinstance(raw, dict):
        raise InputError(file, where, "expected a JSON object per line")
    task_id = raw.get("id")
    if not isinstance(task_id, str | int) or isinstance(task_id, bool) or str(task_id) == "":
        raise InputError(file, f"{where}.id", "expected a non-empty string id")
    grader = raw.get("grader", "exact")
    if grader not in GRADERS:
        raise InputError(file, f"{where}.grader", f"expected one of {', '.join(GRADERS)}, got {grader!r}")
    expected = raw.get("expected")
    if grader != "json_schema" and (not isinstance(expected, str | int | float) or isinstance(expected, bool)):
        raise InputError(file, f"{where}.expected", f"grader {grader} needs an expected answer (a string or number)")
    options = {k: v for k, v in raw.items() if k in ("ignore_case", "tolerance", "rel_tolerance", "schema")}
    if grader == "numeric":
        try:
            float(str(expected).replace(",", ""))
        except ValueError:
            raise InputError(file, f"{where}.expected", f"numeric grader needs a number, got {expected!r}") from None
        for key in ("tolerance", "rel_tolerance"):
            value = options.get(key)
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise InputError(file, f"{where}.{key}", "expected a number ≥ 0")
    if grader == "regex":
        try:
            re2.compile(str(expected))
        except re2.error as exc:
            raise InputError(file, f"{where}.expected", f"not a valid (RE2) regular expression: {exc}") from None
    if grader == "json_schema":
        schema = options.get("schema")
        try:
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except (jsonschema.SchemaError, TypeError, AttributeError) as exc:
            raise InputError(file, f"{where}.schema", f"expected a JSON Schema object: {str(exc)[:200]}") from None
    max_tokens = raw.get("max_tokens", 1024)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 1 <= max_tokens <= 1_000_000:
        raise InputError(file, f"{where}.max_tokens", "expected an integer from 1 to 1,000,000")
    return Task(
        id=str(task_id),
        messages=_messages(raw, where, file),
        grader=grader,
        expected=None if expected is None else str(expected),
        options=options,
        max_tokens=max_tokens,
    )


def load_tasks(path: str) -> list[Task]:
    """Parse a JSONL task file; a bad line raises InputError naming the file, the line and the field."""
    text = read_text(path, max_bytes=64 * 1024 * 1024)
    tasks, seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        task = _task(parse_json_text(line, f"{path} ({where})"), where, path)
        if task.id in seen:
            raise InputError(path, f"{where}.id", f"duplicate task id {task.id!r}")
        seen.add(task.id)
        tasks.append(task)
        if len(tasks) > MAX_TASKS:
            raise InputError(path, where, f"more than {MAX_TASKS:,} tasks; split the file")
    if not tasks:
        raise InputError(path, "tasks", "expected at least one task line")
    return tasks


def _last_number(text: str) -> float | None:
    found = NUMBER.findall(text)
    for token in reversed(found):
        try:
            return float(token.replace(",", ""))
        except ValueError:
            continue
    return None


def _json_answer(answer: str) -> Any:
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    return json.loads(text)


def grade(task: Task, answer: str) -> tuple[bool, str]:
    """(passed, why) for an answer; `judge` tasks are graded by the runner's judge endpoint instead.

    >>> t = Task("1", ({"role": "user", "content": "2+2?"},), "numeric", "4")
    >>> grade(t, "The answer is 4.0"), grade(t, "five")[0]
    ((True, 'numeric: 4 vs 4'), False)
    """
    answer = answer[:MAX_ANSWER_CHARS]
    expected = task.expected or ""
    fold = bool(task.options.get("ignore_case"))
    if task.grader == "exact":
        a, e = answer.strip(), expected.strip()
        ok = a.lower() == e.lower() if fold else a == e
        return ok, "exact match" if ok else "exact: differs"
    if task.grader == "contains":
        ok = expected.lower() in answer.lower() if fold else expected in answer
        return ok, "contains" if ok else "contains: not found"
    if task.grader == "regex":
        options = re2.Options()
        options.case_sensitive = not fold
        ok = re2.compile(expected, options).search(answer) is not None
        return ok, "regex matched" if ok else "regex: no match"
    if task.grader == "numeric":
        got = _last_number(answer)
        want = float(expected.replace(",", ""))
        if got is None:
            return False, "numeric: no number in the answer"
        tol = max(float(task.options.get("tolerance", 1e-6)), float(task.options.get("rel_tolerance", 0)) * abs(want))
        return abs(got - want) <= tol, f"numeric: {got:g} vs {want:g}"
    if task.grader == "json_schema":
        try:
            value = _json_answer(answer)
        except (ValueError, RecursionError):
            return False, "json_schema: the answer is not JSON"
        errors = sorted(jsonschema.validators.validator_for(task.options["schema"])(task.options["schema"])
                        .iter_errors(value), key=str)  # fmt: skip
        return (not errors), "json_schema: valid" if not errors else f"json_schema: {errors[0].message[:200]}"
    raise ValueError(f"grader {task.grader} is graded by the runner")
