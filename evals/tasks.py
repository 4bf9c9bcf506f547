"""The task file (`TASKS.jsonl`): one task per line, and the graders that score an answer.

A line: `{"id": "…", "prompt": "…" (or "messages": [...]), "expected": "…", "grader": "exact|regex|contains|
numeric|json_schema|judge", …grader options}`. Options: `ignore_case` (exact, contains, regex),
`tolerance` / `rel_tolerance` (numeric, absolute default 1e-6), `schema` (json_schema: a JSON Schema the
answer must satisfy), `max_tokens` (the request's limit, default 1,024).

Graders never execute anything and never reach the network, and each runs in time linear in the answer:
regexes run on RE2 (no catastrophic backtracking); JSON Schema goes through `jsonschema`'s validator with its
regex keywords (`pattern`, `patternProperties`, `additionalProperties`) matched by RE2 and `uniqueItems` checked
with a set , and a `$ref` is resolved only inside the task's own schema (a remote one
is refused, never fetched); answers are capped at 200,000 characters.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema
import re2
import referencing
import referencing.exceptions
from jsonschema.exceptions import ValidationError, best_match

from datafiles import InputError, clip, parse_json_text, read_text

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
        raise InputError(file, f"{where}.grader", f"expected one of {', '.join(GRADERS)}, got '{clip(grader, 60)}'")
    expected = raw.get("expected")
    if grader != "json_schema" and (not isinstance(expected, str | int | float) or isinstance(expected, bool)):
        raise InputError(file, f"{where}.expected", f"grader {grader} needs an expected answer (a string or number)")
    options = {k: v for k, v in raw.items() if k in ("ignore_case", "tolerance", "rel_tolerance", "schema")}
    if grader == "numeric":
        try:
            float(str(expected).replace(",", ""))
        except ValueError:
            raise InputError(
                file, f"{where}.expected", f"numeric grader needs a number, got '{clip(expected, 60)}'"
            ) from None
        for key in ("tolerance", "rel_tolerance"):
            value = options.get(key)
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise InputError(file, f"{where}.{key}", "expected a number ≥ 0")
    if grader == "regex":
        try:
            re2.compile(str(expected), re2_options())
        except re2.error as exc:
            raise InputError(
                file, f"{where}.expected", f"not a valid (RE2) regular expression: {re2_error(exc)}"
            ) from None
    if grader == "json_schema":
        check_task_schema(options.get("schema"), file, f"{where}.schema")
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
            raise InputError(path, f"{where}.id", f"duplicate task id '{clip(task.id, 80)}'")
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
        ok = re2.compile(expected, re2_options(case_sensitive=not fold)).search(answer) is not None
        return ok, "regex matched" if ok else "regex: no match"
    if task.grader == "numeric":
        got = _last_number(answer)
        want = float(expected.replace(",", ""))
        if got is None:
            return False, "numeric: no number in the answer"
        tol = max(float(task.options.get("tolerance", 1e-6)), float(task.options.get("rel_tolerance", 0)) * abs(want))
        return abs(got - want) <= tol, f"numeric: {got:g} vs {want:g}"
    if task.grader == "json_schema":
        return grade_json_schema(task.options["schema"], answer)
    raise ValueError(f"grader {task.grader} is graded by the runner")


# --- json_schema: jsonschema's validator, its regex keywords on RE2, no reference ever fetched -------------


def re2_options(*, case_sensitive: bool = True) -> Any:
    """RE2 options that keep the C++ library from logging a bad pattern to stderr (the caller words the error)."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = case_sensitive
    return options


def re2_error(exc: Exception) -> str:
    """RE2's reason as one line of text (it comes as bytes)."""
    reason = exc.args[0] if exc.args else exc
    return clip(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason, 120)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, re2_options())


def _matches(pattern: str, text: str) -> bool:
    return _compiled(pattern).search(text) is not None


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"'{clip(instance, 60)}' does not match '{clip(pattern, 60)}'")


def _pattern_properties(validator: Any, patterns: dict, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    known, patterns = schema.get("properties", {}), list(schema.get("patternProperties", {}))
    extras = [k for k in instance if k not in known and not any(_matches(p, k) for p in patterns)]
    if validator.is_type(extra, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra, path=key)
    elif not extra and extras:
        names = ", ".join(f"'{clip(k, 40)}'" for k in sorted(extras)[:5])
        yield ValidationError(f"additional properties are not allowed ({names} unexpected)")


def _canonical(value: Any) -> Any:
    """A value as `uniqueItems` compares it: 1 == 1.0, true is not 1, object keys unordered."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def _unique_items(validator: Any, unique: Any, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """Linear with a set (jsonschema's own check compares every pair of objects: quadratic)."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for item in instance:
        key = json.dumps(_canonical(item), sort_keys=True)
        if key in seen:
            yield ValidationError("has non-unique elements")
            return
        seen.add(key)


_LINEAR_KEYWORDS = {
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "uniqueItems": _unique_items,
}


def _refuse_retrieval(uri: str) -> referencing.Resource:
    raise referencing.exceptions.NoSuchResource(ref=uri)


_NO_RETRIEVAL = referencing.Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
"""References resolve within the schema itself and the bundled metaschemas; anything else is refused."""


@functools.lru_cache(maxsize=16)
def _validator_class(base: type) -> type:
    keywords = {k: v for k, v in _LINEAR_KEYWORDS.items() if k in base.VALIDATORS}  # type: ignore[attr-defined]
    return jsonschema.validators.extend(base, keywords)


def _walk(node: Any) -> Iterator[dict]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_task_schema(schema: Any, file: str, field: str) -> None:
    """A JSON Schema whose every `pattern` and `patternProperties` key compiles on RE2; InputError otherwise.

    `unevaluatedProperties` together with `patternProperties` is refused: jsonschema matches those patterns with
    Python's backtracking engine inside its own code, which RE2 cannot replace."""
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except (jsonschema.SchemaError, TypeError, AttributeError) as exc:
        raise InputError(file, field, f"expected a JSON Schema object: {clip(exc, 200)}") from None
    keywords: set[str] = set()
    for node in _walk(schema):
        keywords |= node.keys()
        patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        patterns += list(node["patternProperties"]) if isinstance(node.get("patternProperties"), dict) else []
        for pattern in patterns:
            try:
                _compiled(pattern)
            except re2.error as exc:
                raise InputError(
                    file,
                    field,
                    f"pattern '{clip(pattern, 60)}' is not a valid RE2 regular expression: {re2_error(exc)}",
                ) from None
    if {"unevaluatedProperties", "patternProperties"} <= keywords:
        raise InputError(
            file, field, "unevaluatedProperties with patternProperties is not supported; use additionalProperties"
        )


def grade_json_schema(schema: Any, answer: str) -> tuple[bool, str]:
    """(passed, why) for an answer that must be JSON (fenced in ``` or not) valid against `schema`."""
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        value = parse_json_text(text, "answer")
    except InputError as err:
        return False, f"json_schema: the answer is not JSON ({clip(err.expected, 80)})"
    validator = _validator_class(jsonschema.validators.validator_for(schema))(schema, registry=_NO_RETRIEVAL)
    try:
        error = best_match(validator.iter_errors(value))
    except referencing.exceptions.Unresolvable as exc:
        return (
            False,
            f"json_schema: $ref '{clip(getattr(exc, 'ref', exc), 80)}' not resolved (remote ones never fetched)",
        )
    except RecursionError:
        return False, "json_schema: the schema refers to itself without end"
    return (error is None), "json_schema: valid" if error is None else f"json_schema: {clip(error.message, 200)}"
