"""One normalised eval result: a model's success on a task, whichever tool produced it; its bounds, and the
readers of one field of a parsed eval file that enforce them (each error names the file and the field).

A task that ended in an error (the call failed, timed out, the tool marked it an error) is not a wrong answer:
it is counted in `errors`, and the success rate is over the answered tasks only,
`success_rate = passed / n` with `n = passed + failed` (errors left out); the interval is Wilson's on that n.
A row whose every task errored has no success rate: `tally` refuses it, naming the cause."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from datafiles import InputError, clip, excerpt
from evals.stats import wilson_interval

MAX_TASKS = 10**9 - 1
"""Most tasks one row may count (n below 10^9): a scenario's `success_n` takes at most 10^9."""
MAX_OUTPUT_TOKENS_PER_TASK = 1_000_000
"""Most output tokens per task an eval may report: a long reasoning trace is ~100k; a million is a bug."""
MAX_INPUT_TOKENS_PER_TASK = 100_000_000
"""Most input tokens per task: the largest request a scenario takes (10^8 tokens)."""
MAX_NAME_CHARS = 1_000
"""Longest model or task name read from an eval file."""


@dataclass(frozen=True)
class EvalSummary:
    """`n` tasks answered and scored, `successes` of them passed; `errors` more ended in an error and are in
    neither (None: the file does not record errors); tokens per task where the file records them."""

    model: str
    task: str
    n: int | None
    successes: float | None
    success_rate: float
    ci_low: float | None
    ci_high: float | None
    output_tokens_per_task: float | None
    input_tokens_per_task: float | None
    source_file: str
    tool: str
    errors: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


def summary(
    model: str,
    task: str,
    *,
    rate: float,
    n: int | None,
    source_file: str,
    tool: str,
    output_tokens: float | None = None,
    input_tokens: float | None = None,
    errors: int | None = None,
) -> EvalSummary:
    """A summary with `successes = rate · n` and its Wilson interval when `n` (the answered tasks) is known;
    `errors` are the tasks that ended in an error, outside n.

    A count read back from a rate is whole where the file's counts were (13/23 · 23 is 12.999999999999998 in
    floating point: 13), and fractional only where the rate is not a share of whole tasks.

    >>> s = summary("m", "t", rate=0.8, n=10, source_file="f", tool="x")
    >>> s.successes, round(s.ci_low, 4)
    (8.0, 0.4902)
    >>> summary("m", "t", rate=13 / 23, n=23, source_file="f", tool="x").successes
    13.0
    """
    successes = _count(rate * n) if n else None
    ci = wilson_interval(successes, n) if n and successes is not None else None
    return EvalSummary(
        model=model,
        task=task,
        n=n,
        successes=successes,
        success_rate=rate,
        ci_low=ci[0] if ci else None,
        ci_high=ci[1] if ci else None,
        output_tokens_per_task=output_tokens,
        input_tokens_per_task=input_tokens,
        source_file=source_file,
        tool=tool,
        errors=errors,
    )


def tally(passed: int, failed: int, errors: int, file: str, field: str, cause: str | None = None) -> tuple[float, int]:
    """(success rate over the answered, n answered) from counts of passed, failed and errored tasks.

    `rate = passed / (passed + failed)`; errors are left out of both. With nothing answered there is no rate:
    `InputError` naming the file, the field and, when given, the first error's `cause`.

    >>> tally(86, 14, 4, "f", "x")
    (0.86, 100)
    """
    answered = passed + failed
    if answered > 0:
        return passed / answered, answered
    if errors:
        why = f" (first: {clip(cause, 120)})" if cause else ""
        raise InputError(file, field, f"all {errors:,} tasks ended in an error{why}; no answer to score")
    raise InputError(file, field, "no tasks in the file")


def check_summary(row: EvalSummary) -> EvalSummary:
    """The row, if every number is finite and within the bounds above; else `InputError` naming the file.

    The importers check each field where they read it (naming it); this is the last guard, so that no
    row an importer returns can fail a scenario's validation downstream."""
    where = f"model {row.model[:80]!r} task {row.task[:80]!r}"
    checks = (
        ("success_rate", row.success_rate, 0.0, 1.0),
        ("n", row.n, 1, MAX_TASKS),
        ("output_tokens_per_task", row.output_tokens_per_task, 0.0, MAX_OUTPUT_TOKENS_PER_TASK),
        ("input_tokens_per_task", row.input_tokens_per_task, 0.0, MAX_INPUT_TOKENS_PER_TASK),
        ("errors", row.errors, 0, MAX_TASKS),
    )
    for name, value, low, high in checks:
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
            raise InputError(row.source_file, where, f"{name} {value!r} is outside {low:,}–{high:,}")
    for name, text in (("model", row.model), ("task", row.task)):
        if len(text) > MAX_NAME_CHARS:
            raise InputError(
                row.source_file, name, f"a name of {len(text):,} characters; the limit is {MAX_NAME_CHARS:,}"
            )
    return row


# Reading one field of a parsed eval file: each names the file and the field when the value is not usable.


def got(value: object) -> str:
    """What a field held, for a message: nothing, an object of N keys, a list of N items, or a short excerpt."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return f"an object of {len(value):,} key{'' if len(value) == 1 else 's'}"
    if isinstance(value, list):
        return f"a list of {len(value):,} item{'' if len(value) == 1 else 's'}"
    return excerpt(value, 40)


def need_obj(value: object, file: str, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(file, field, f"expected an object, got {got(value)}")
    return value


def opt_obj(value: object, file: str, field: str) -> dict[str, Any]:
    """An optional object: absent or null reads as empty; any other type is an error."""
    return {} if value is None else need_obj(value, file, field)


def text(value: object, file: str, field: str, default: str | None = None) -> str:
    """A name: a string of 1–`MAX_NAME_CHARS` characters; absent, null or empty gives `default` when there is one."""
    if (value is None or value == "") and default is not None:
        return default
    if not isinstance(value, str) or not value:
        raise InputError(file, field, f"expected a non-empty string, got {got(value)}")
    if len(value) > MAX_NAME_CHARS:
        raise InputError(file, field, f"a name of {len(value):,} characters; the limit is {MAX_NAME_CHARS:,}")
    return value


def _number(value: object) -> float | None:
    """A finite int or float (never a bool or a NonFinite marker), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer past 1e308
        return None
    return number if math.isfinite(number) else None


def rate(value: object, file: str, field: str) -> float:
    """A success rate: a finite number in [0, 1]."""
    number = _number(value)
    if number is None or not 0 <= number <= 1:
        raise InputError(file, field, f"expected a success rate from 0 to 1, got {got(value)}")
    return number


def count(value: object, file: str, field: str) -> int | None:
    """A number of tasks: an integer in 1–`MAX_TASKS` (a float with no fraction counts); absent, null or 0 → None."""
    number = _number(value)
    if value is None or number == 0:
        return None
    if number is None or not number.is_integer() or not 0 < number <= MAX_TASKS:
        raise InputError(file, field, f"expected a whole number of tasks from 1 to {MAX_TASKS:,}, got {got(value)}")
    return int(number)


def tokens(value: object, file: str, field: str, limit: float) -> float | None:
    """A token count: a finite number in 0–`limit`; absent, null or 0 (not recorded) → None."""
    number = _number(value)
    if value is None or number == 0:
        return None
    if number is None or not 0 < number <= limit:
        raise InputError(file, field, f"expected a token count from 0 to {limit:,.0f}, got {got(value)}")
    return number


def mean_tokens(values: list[float | None]) -> float | None:
    """The mean of the recorded counts (None where none is)."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def whole(value: object, file: str, field: str) -> int:
    """A count of tasks that may be 0 (a summary's pass, fail or error count): an integer in 0–`MAX_TASKS`."""
    number = _number(value)
    if number is None or not number.is_integer() or not 0 <= number <= MAX_TASKS:
        raise InputError(file, field, f"expected a whole number of tasks from 0 to {MAX_TASKS:,}, got {got(value)}")
    return int(number)


MAX_LISTED = 8
"""Most places one message lists before "and N more" (a message stays a short line)."""


def require(file: str, problems: list[tuple[str, str]]) -> None:
    """Nothing when `problems` is empty; else one `InputError` naming every missing or unusable field at once,
    each with the form it should take: `(field, expected form)` pairs, the same form listed once for all the
    fields that share it (rows of a file), at most `MAX_LISTED` places per form before "and N more"."""
    if not problems:
        return
    if len(problems) == 1:
        raise InputError(file, problems[0][0], f"expected {problems[0][1]}")
    by_form: dict[str, list[str]] = {}
    for field, form in problems:
        by_form.setdefault(form, []).append(field)
    parts = []
    for form, fields in by_form.items():
        more = f" and {len(fields) - MAX_LISTED:,} more" if len(fields) > MAX_LISTED else ""
        parts.append(f"{', '.join(fields[:MAX_LISTED])}{more}: expected {form}")
    raise InputError(file, "", f"{len(problems):,} fields are missing or not usable — " + "; ".join(parts))


def _count(value: float) -> float:
    """`value` as the whole number it is within floating-point error (a relative 1e-9), else as it is."""
    whole = round(value)
    return float(whole) if abs(value - whole) <= 1e-9 * max(1.0, abs(value)) else value
