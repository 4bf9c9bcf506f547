"""promptfoo's `promptfoo eval -o out.json`: an `OutputFile` {evalId, results, config}, `results` being an
`EvaluateSummaryV3` {version 3, results[], prompts[], stats} (or V2, whose prompts sit in `table.head.prompts`).

Two ways a file tells the outcome, read in this order:

- per-test rows, `results.results[]` (EvaluateResult): grouped by provider (`provider.label`, else
  `provider.id`, else the string). A row is an **error** when `failureReason` is 2 (promptfoo's
  `ResultFailureReason.ERROR`: the provider call or the test itself failed), or, in a file without
  `failureReason`, when `response.error` is set; otherwise passed when `success` is true, failed when false.
  Tokens per task: the mean of the answered rows' `tokenUsage.completion` / `.prompt`.
- per-prompt summaries only, `results.prompts[].metrics` (CompletedPrompt.metrics, PromptMetrics): one row per
  (provider, prompt) with passed = `testPassCount`, failed = `testFailCount`, errors = `testErrorCount` (0
  when the file predates it). Tokens per task = `metrics.tokenUsage.completion / (passed + failed)`: the
  summary holds totals only, and an errored call is taken to have spent nothing.

Either way the success rate is over the answered tests, `passed / (passed + failed)`, errors beside it
(evals.records.tally); a file whose every test errored is refused, naming the first error.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from datafiles import InputError, clip
from evals.records import MAX_INPUT_TOKENS_PER_TASK as MAX_IN
from evals.records import MAX_OUTPUT_TOKENS_PER_TASK as MAX_OUT
from evals.records import (
    MAX_TASKS,
    EvalSummary,
    got,
    mean_tokens,
    need_obj,
    opt_obj,
    require,
    summary,
    tally,
    text,
    tokens,
    whole,
)

ERROR = 2
"""promptfoo's ResultFailureReason.ERROR (0 NONE, 1 ASSERT)."""
ROW_FORM = "provider {id, label} (or a provider name) and success true/false"
PROMPT_FORM = "provider (a name) and metrics {testPassCount, testFailCount} (whole numbers)"
Outcome = tuple[str, float | None, float | None]
"""'pass' | 'fail' | 'error', output and input tokens."""


def _label(row: dict[str, Any]) -> str | None:
    provider = row.get("provider")
    label = (provider.get("label") or provider.get("id")) if isinstance(provider, dict) else provider
    return label if isinstance(label, str) and label else None


def _is_error(row: dict[str, Any]) -> bool:
    if "failureReason" in row and row["failureReason"] is not None:
        return row["failureReason"] == ERROR
    response = row.get("response")
    return isinstance(response, dict) and bool(response.get("error"))


def _error_text(row: dict[str, Any]) -> str | None:
    response = row.get("response") if isinstance(row.get("response"), dict) else {}
    cause = row.get("error") or response.get("error")
    return clip(cause, 120) if isinstance(cause, str) and cause else None


def _from_rows(rows: list[Any], task: str, file: str) -> list[EvalSummary]:
    problems = []
    for i, row in enumerate(rows):
        ok = isinstance(row, dict) and _label(row) is not None
        if ok and not _is_error(row) and not isinstance(row.get("success"), bool):
            ok = False
        if not ok:
            problems.append((f"results.results[{i}]", ROW_FORM))
    require(file, problems)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    causes: dict[str, str | None] = {}
    for i, row in enumerate(rows):
        where = f"results.results[{i}]"
        label = text(_label(row), file, f"{where}.provider")
        if _is_error(row):
            groups[label].append(("error", None, None))
            causes.setdefault(label, _error_text(row))
            continue
        usage = opt_obj(row.get("tokenUsage"), file, f"{where}.tokenUsage")
        out = tokens(usage.get("completion"), file, f"{where}.tokenUsage.completion", MAX_OUT)
        inp = tokens(usage.get("prompt"), file, f"{where}.tokenUsage.prompt", MAX_IN)
        groups[label].append(("pass" if row["success"] else "fail", out, inp))
    summaries = []
    for label, items in groups.items():
        kinds = [k for k, _, _ in items]
        errors = kinds.count("error")
        where = f"results.results (provider {clip(label, 80)})"
        rate, n = tally(kinds.count("pass"), kinds.count("fail"), errors, file, where, causes.get(label))
        answered = [(o, i) for k, o, i in items if k != "error"]
        summaries.append(summary(label, task, rate=rate, n=n, source_file=file, tool="promptfoo", errors=errors,
                                 output_tokens=mean_tokens([o for o, _ in answered]),
                                 input_tokens=mean_tokens([i for _, i in answered])))  # fmt: skip
    return summaries


def _prompt_problems(prompts: list[Any], base: str) -> list[tuple[str, str]]:
    problems = []
    for i, prompt in enumerate(prompts):
        metrics = prompt.get("metrics") if isinstance(prompt, dict) else None
        named = isinstance(prompt, dict) and isinstance(prompt.get("provider"), str) and prompt["provider"]
        counted = isinstance(metrics, dict) and all(k in metrics for k in ("testPassCount", "testFailCount"))
        if not (named and counted):
            problems.append((f"{base}[{i}]", PROMPT_FORM))
    return problems


def _from_prompts(prompts: list[Any], base: str, task: str, file: str) -> list[EvalSummary]:
    require(file, _prompt_problems(prompts, base))
    per_provider = defaultdict(int)
    for prompt in prompts:
        per_provider[prompt["provider"]] += 1
    summaries, seen = [], set()
    for i, prompt in enumerate(prompts):
        where = f"{base}[{i}]"
        model = text(prompt["provider"], file, f"{where}.provider")
        metrics = prompt["metrics"]
        passed = whole(metrics["testPassCount"], file, f"{where}.metrics.testPassCount")
        failed = whole(metrics["testFailCount"], file, f"{where}.metrics.testFailCount")
        errors = whole(metrics.get("testErrorCount", 0), file, f"{where}.metrics.testErrorCount")
        if passed + failed + errors > MAX_TASKS:
            raise InputError(file, f"{where}.metrics", f"more than {MAX_TASKS:,} tests in one prompt")
        rate, n = tally(passed, failed, errors, file, f"{where}.metrics")
        name = task
        if per_provider[model] > 1:  # several prompts on one provider: each its own row
            label = prompt.get("label") or prompt.get("id") or prompt.get("raw")
            name = f"{task} ({clip(label, 80) if isinstance(label, str) and label else f'prompt {i + 1}'})"
        if (model, name) in seen:
            name = f"{name} #{i + 1}"
        seen.add((model, name))
        usage = opt_obj(metrics.get("tokenUsage"), file, f"{where}.metrics.tokenUsage")
        limit = MAX_TASKS + 1  # totals over at most MAX_TASKS tests; per task checked after dividing
        out_total = tokens(usage.get("completion"), file, f"{where}.metrics.tokenUsage.completion", MAX_OUT * limit)
        in_total = tokens(usage.get("prompt"), file, f"{where}.metrics.tokenUsage.prompt", MAX_IN * limit)
        out = tokens(out_total / n, file, f"{where}.metrics.tokenUsage.completion ÷ tests", MAX_OUT) if out_total \
            else None  # fmt: skip
        inp = tokens(in_total / n, file, f"{where}.metrics.tokenUsage.prompt ÷ tests", MAX_IN) if in_total else None
        summaries.append(summary(model, text(name, file, where), rate=rate, n=n, source_file=file, tool="promptfoo",
                                 errors=errors, output_tokens=out, input_tokens=inp))  # fmt: skip
    return summaries


def promptfoo(doc: Any, file: str) -> list[EvalSummary]:
    """The rows of a promptfoo output file: per-test rows when it has them, else its per-prompt summaries."""
    doc = need_obj(doc, file, "(top level)")
    body = need_obj(doc.get("results"), file, "results")
    config = doc.get("config") if isinstance(doc.get("config"), dict) else {}
    named = config.get("description") or doc.get("evalId")
    task = text(named if isinstance(named, str) else None, file, "config.description", "promptfoo eval")
    rows = body.get("results")
    if rows is not None and not isinstance(rows, list):
        raise InputError(file, "results.results", f"expected a list of per-test rows, got {got(rows)}")
    if rows:
        return _from_rows(rows, task, file)
    table = body.get("table") if isinstance(body.get("table"), dict) else {}
    head = table.get("head") if isinstance(table.get("head"), dict) else {}
    base, prompts = next(((b, p) for b, p in (("results.prompts", body.get("prompts")),
                                               ("results.table.head.prompts", head.get("prompts")))
                          if isinstance(p, list) and p), (None, None))  # fmt: skip
    if prompts is not None and base is not None:
        return _from_prompts(prompts, base, task, file)
    raise InputError(
        file,
        "results.results, results.prompts",
        "no per-test rows and no per-prompt summaries: "
        "expected results.results[] or results.prompts[] with metrics {testPassCount, testFailCount}",
    )
