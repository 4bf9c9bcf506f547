"""An option's `eval: {file, model, task}`: the success rate, its n and tokens per task from an eval result file.

The file is any format `inference-roi eval import` reads, resolved by `scenario_io.references` (relative to the
scenario on disk; in the app only a bundled file or one uploaded in the session). What the option sets
itself wins: its own `success_rate` / `success_n` / `output_tokens` are kept, the file fills the rest.
"""

from __future__ import annotations

import dataclasses

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
    changes: dict[str, object] = {}
    if option.success_rate is None:
        if row.success_rate <= 0:
            raise InputError(
                file, f"{field}.file", f"{ref.file}: success rate 0 for {row.model}: cost-of-pass is unbounded"
            )
        changes["success_rate"] = row.success_rate
        if option.success_n is None and row.n:
            changes["success_n"] = row.n
    if option.output_tokens is None and option.output_tokens_multiplier is None and row.output_tokens_per_task:
        changes["output_tokens"] = max(row.output_tokens_per_task, 1.0)
    return dataclasses.replace(option, **changes) if changes else option
