"""An option's `eval: {file, model, task}`: the success rate, its n and tokens per task from an eval result file.

The file is any format `inference-roi eval import` reads, resolved by `scenario_io.references` (relative to the
scenario on disk; in the app only a bundled file or one uploaded in the session). What the option sets
itself wins: its own `success_rate` / `success_n` / `output_tokens` are kept, the file fills the rest.

`eval_fields` is the one rule for what a row gives an option, shared with the app's Quality page import (which
writes the same fields onto the option it is applied to): success rate over the answered tasks, n = answered
(its Wilson interval follows from the two), output tokens per task (at least 1) with their basis "measured by
your eval (<file name>)" unless the option scales the workload's tokens with `output_tokens_multiplier`. A
success rate of 0 is evidence like any other (no task passed: a success-rate gate rules the option out, and its cost
of a pass is unbounded); it was refused before, so a 0-of-5,000 result could not be imported where 2 of 5,000 could.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

from datafiles import InputError
from evals.records import EvalSummary
from scenario_io.references import References
from tco.records.scenario import Option


def _pick(rows: list[EvalSummary], model: str | None, task: str | None, file: str, field: str) -> EvalSummary:
    chosen = [r for r in rows if (model is None or r.model == model) and (task is None or r.task == task)]
    if len(chosen) == 1:
        return chosen[0]
    listed = "; ".join(f"model {r.model!r} task {r.task!r}" for r in rows[:10])
    problem = "no row matches" if not chosen else f"{len(chosen)} rows match"
    raise InputError(file, field, f"{problem}: set eval.model / eval.task to one of: {listed}")


def eval_fields(
    row: EvalSummary, file: str, field: str, *, scaled_tokens: bool = False, rate: bool = True
) -> dict[str, float | int | str]:
    """What one eval row puts on an option: `success_rate` and `success_n` (when the file records n; neither
    when `rate` is False: the option has its own) and `output_tokens` with `output_tokens_basis` (when the file
    records tokens and the option does not scale tokens: `scaled_tokens`).

    >>> from evals.records import summary
    >>> row = summary("m", "t", rate=0.86, n=100, source_file="runs/a.jsonl", tool="x", output_tokens=22.5)
    >>> fields = eval_fields(row, "f", "x")
    >>> fields["success_rate"], fields["success_n"], fields["output_tokens"], fields["output_tokens_basis"]
    (0.86, 100, 22.5, 'measured by your eval (a.jsonl)')
    """
    fields: dict[str, float | int | str] = {}
    if rate:
        fields["success_rate"] = row.success_rate
        if row.n:
            fields["success_n"] = row.n
    if row.output_tokens_per_task and not scaled_tokens:
        fields["output_tokens"] = max(row.output_tokens_per_task, 1.0)
        fields["output_tokens_basis"] = f"measured by your eval ({PurePath(row.source_file).name})"
    return fields


def with_eval(option: Option, index: int, refs: References, file: str) -> Option:
    """The option with the eval file's figures filled in (unchanged when it names no eval)."""
    ref = option.eval
    if ref is None:
        return option
    field = f"options[{index}].eval"
    try:
        rows = refs.eval_rows(ref.file)
    except InputError as err:
        raise InputError(file, f"{field}.file", str(err)) from None
    row = _pick(rows, ref.model, ref.task, file, field)
    own_rate = option.success_rate is not None
    given = eval_fields(row, file, f"{field}.file", scaled_tokens=option.output_tokens_multiplier is not None,
                        rate=not own_rate)  # fmt: skip
    changes: dict[str, object] = {}
    if not own_rate:
        changes["success_rate"] = given["success_rate"]
        if option.success_n is None and "success_n" in given:
            changes["success_n"] = given["success_n"]
    if option.output_tokens is None and "output_tokens" in given:
        changes["output_tokens"] = given["output_tokens"]
        if option.output_tokens_basis is None:
            changes["output_tokens_basis"] = given["output_tokens_basis"]
    return dataclasses.replace(option, **changes) if changes else option
