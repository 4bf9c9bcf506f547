"""Import other tools' eval results as `EvalSummary` rows: lm-evaluation-harness, Inspect AI, promptfoo,
OpenAI evals, DeepEval, and this project's own `eval run` records.

Each reader takes the parsed file and returns one row per (model, task); `detect` picks the reader from
the file's shape when `--from` is not given. What a file does not record stays None (tokens, n).

The rules, for every format:
- the file goes through the reading layer: a regular file, at most `MAX_EVAL_BYTES` (the README's 5 MiB),
  UTF-8 or UTF-16/32 with a BOM (datafiles.reading.decode_text); an Inspect `.eval` log is a zip read by the
  bounded reader (datafiles.archive) whether or not inspect_ai is installed — its `header.json` (the document
  inspect_ai's `read_eval_log(header_only=True)` returns) is decompressed under the archive's caps and parsed
  here; inspect_ai's own reader is never handed the path, since it would reopen it and decompress without caps;
- every field is read defensively (the field readers in evals.records): a missing or mistyped one that a row needs
  raises InputError naming the file, the row or line and the field; a JSON `NaN`, `Infinity` or `1e400`
  is refused naming its field where the field is read, and ignored where it is not;
- rates are finite in [0, 1]; n is an integer in 1–`MAX_TASKS`; tokens per task are finite, at most
  `MAX_OUTPUT_TOKENS_PER_TASK` / `MAX_INPUT_TOKENS_PER_TASK`; names at most `MAX_NAME_CHARS` characters;
- a task the tool marks as an error is not a wrong answer: it goes to the row's `errors`, and the success rate
  and n are over the answered tasks (evals.records.tally). Inspect: errors = `total_samples −
  completed_samples` (less early stops), a log that ended in an error names its message; promptfoo:
  `failureReason` 2 or `testErrorCount` (evals.promptfoo); DeepEval: a case whose metric has an `error`; our
  records: a line with `error`. lm-eval and OpenAI evals logs record no per-task errors (`errors` None);
- the fields a row needs are checked together: a file lacking several names every one in one message.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from datafiles import InputError, check_path, clip, decode_text, excerpt, parse_json_text, read_bytes, read_zip
from datafiles.reading import MAX_FILE_BYTES
from evals.promptfoo import promptfoo
from evals.records import MAX_INPUT_TOKENS_PER_TASK as MAX_IN
from evals.records import MAX_OUTPUT_TOKENS_PER_TASK as MAX_OUT
from evals.records import (
    EvalSummary,
    check_summary,
    count,
    got,
    mean_tokens,
    need_obj,
    opt_obj,
    rate,
    require,
    summary,
    tally,
    text,
    tokens,
)

MAX_EVAL_BYTES = MAX_FILE_BYTES
"""Largest eval file (and `.eval` archive) read: 5 MiB, the limit README promises for every file."""
MAX_EVAL_LINES = 200_000
"""Most JSON lines read from one file: an OpenAI evals log of 10,000 samples has ~30,000."""
MAX_TASKS_FOR_TOTALS = 10**9
"""A token total is checked per task after dividing by n (< 10^9 tasks), so its own bound is per-task × 10^9."""
FORMATS = ("lm-eval", "inspect", "promptfoo", "openai-evals", "deepeval", "inference-roi")
LM_EVAL_METRICS = ("acc,none", "exact_match,strict-match", "exact_match,flexible-extract", "exact_match,none",
                   "pass@1,none", "pass_at_1,none", "acc_norm,none")  # fmt: skip


def lm_eval(doc: Any, file: str) -> list[EvalSummary]:
    """`results[task]["<metric>,<filter>"]` (acc / exact_match / pass@1, first found), n from `n-samples`."""
    doc = need_obj(doc, file, "(top level)")
    results = need_obj(doc.get("results"), file, "results")
    config = doc.get("config") if isinstance(doc.get("config"), dict) else {}
    named = doc.get("model_name") or config.get("model_args")  # model_args may be a dict: then not a name
    model = text(named if isinstance(named, str) else None, file, "model_name", "unknown")
    samples = opt_obj(doc.get("n-samples"), file, "n-samples")
    rows = []
    for task, metrics in results.items():
        key_text = task if len(task) <= 80 else task[:80] + "…"  # a key echoed in a field name stays short
        where = f"results.{key_text}"
        if not isinstance(metrics, dict):
            raise InputError(file, where, "expected an object of metric values")
        key = next((k for k in LM_EVAL_METRICS if k in metrics), None)
        if key is None:
            continue  # a group row or a metric that is not a success rate (perplexity, bleu…)
        counts = opt_obj(samples.get(task), file, f"n-samples.{key_text}")
        n = count(counts.get("effective"), file, f"n-samples.{key_text}.effective") or count(
            counts.get("original"), file, f"n-samples.{key_text}.original"
        )
        value = rate(metrics[key], file, f"{where}.{key}")
        name = text(f"{task} ({key.split(',')[0]})", file, where, "")
        rows.append(summary(model, name, rate=value, n=n, source_file=file, tool="lm-eval"))
    if not rows:
        raise InputError(file, "results", f"no task with a success-rate metric ({', '.join(LM_EVAL_METRICS)})")
    return rows


def _inspect_problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Every field an Inspect row needs that is missing or of the wrong type (all named in one message)."""
    header, results = doc.get("eval"), doc.get("results")
    problems = []
    model = header.get("model") if isinstance(header, dict) else None
    if not isinstance(model, str) or not model:
        problems.append(("eval.model", f"the model's name, got {got(model)}"))
    if not isinstance(results, dict):
        problems.append(("results", f"the scores object, got {got(results)}"))
        return problems
    scores = results.get("scores")
    if not isinstance(scores, list) or not scores or not isinstance(scores[0], dict):
        problems.append(("results.scores", f"a list of at least one scorer, got {got(scores)}"))
    elif not isinstance(scores[0].get("metrics"), dict) or not {"accuracy", "mean"} & set(scores[0]["metrics"]):
        problems.append(("results.scores[0].metrics", "an accuracy or mean metric"))
    return problems


def inspect(doc: Any, file: str) -> list[EvalSummary]:
    """`results.scores[0].metrics` accuracy (or mean) over the completed samples, n = `results.completed_samples`,
    errors = `total_samples − completed_samples − early stops` (a sample that errored is not scored), tokens from
    `stats.model_usage[model]` divided by n."""
    doc = need_obj(doc, file, "(top level)")
    if doc.get("results") is None:
        error = doc.get("error") if isinstance(doc.get("error"), dict) else {}
        message = error.get("message")
        why = f"the eval ended in an error: {clip(message, 160)}" if isinstance(message, str) and message else (
            f"the log has no results (status {clip(doc.get('status'), 20)}): did the eval finish?")  # fmt: skip
        others = [p for p in _inspect_problems(doc) if p[0] != "results"]
        require(file, [*others, ("results", f"the scores object ({why})")] if others else [])
        raise InputError(file, "results", why)
    require(file, _inspect_problems(doc))
    header, results = doc["eval"], doc["results"]
    model = text(header["model"], file, "eval.model")
    task = text(header.get("task"), file, "eval.task", "inspect task")
    scorer = results["scores"][0]
    metrics = scorer["metrics"]
    name = next(m for m in ("accuracy", "mean") if m in metrics)
    metric = need_obj(metrics[name], file, f"results.scores[0].metrics.{name}")
    value = rate(metric.get("value"), file, f"results.scores[0].metrics.{name}.value")
    completed = count(results.get("completed_samples"), file, "results.completed_samples")
    total = count(results.get("total_samples"), file, "results.total_samples")
    stopping = opt_obj(results.get("early_stopping"), file, "results.early_stopping")
    stops = stopping.get("early_stops")
    early = len(stops) if isinstance(stops, list) else 0
    errors = max(total - (completed or 0) - early, 0) if total and "completed_samples" in results else None
    if errors and not completed:
        raise InputError(file, "results.completed_samples", f"all {errors:,} samples ended in an error; no answer "
                         "to score")  # fmt: skip
    n = completed or total
    stats = opt_obj(doc.get("stats"), file, "stats")
    usage_by_model = opt_obj(stats.get("model_usage"), file, "stats.model_usage")
    where = f"stats.model_usage[{model[:80]!r}]"
    usage = opt_obj(usage_by_model.get(model), file, where)
    out_total = tokens(usage.get("output_tokens"), file, f"{where}.output_tokens", MAX_OUT * MAX_TASKS_FOR_TOTALS)
    in_total = tokens(usage.get("input_tokens"), file, f"{where}.input_tokens", MAX_IN * MAX_TASKS_FOR_TOTALS)
    out_tokens = tokens(out_total / n, file, f"{where}.output_tokens ÷ n", MAX_OUT) if n and out_total else None
    in_tokens = tokens(in_total / n, file, f"{where}.input_tokens ÷ n", MAX_IN) if n and in_total else None
    label = text(f"{task} ({text(scorer.get('name'), file, 'results.scores[0].name', 'score')})", file, "eval.task")
    return [summary(model, label, rate=value, n=n, source_file=file, tool="inspect", errors=errors,
                    output_tokens=out_tokens, input_tokens=in_tokens)]  # fmt: skip


def openai_evals(lines: list[Any], file: str) -> list[EvalSummary]:
    """First line `{"spec": …}` (completion_fns, eval_name); `match` events' `data.correct` give n and successes."""
    spec = lines[0].get("spec") if lines and isinstance(lines[0], dict) else None
    if not isinstance(spec, dict):
        raise InputError(file, "line 1.spec", "expected the run spec on the first line")
    fns = spec.get("completion_fns")
    model = text(fns[0] if isinstance(fns, list) and fns and isinstance(fns[0], str) else None, file,
                 "line 1.spec.completion_fns[0]", "unknown")  # fmt: skip
    task = text(spec.get("eval_name"), file, "line 1.spec.eval_name", "openai eval")
    correct, problems = [], []
    for number, event in enumerate(lines, start=1):
        if isinstance(event, dict) and event.get("type") == "match":
            data = event.get("data")
            value = data.get("correct") if isinstance(data, dict) else None
            if isinstance(value, bool):
                correct.append(value)
            else:
                problems.append((f"line {number}.data.correct", "true or false in every match event"))
    require(file, problems)
    if not correct:
        raise InputError(file, "events[type=match].data.correct", "expected match events with correct true/false")
    n = count(len(correct), file, "events[type=match]")
    return [summary(model, task, rate=sum(correct) / len(correct), n=n, source_file=file, tool="openai-evals")]


def _deepeval_error(case: dict[str, Any]) -> str | None:
    """The first metric error of a DeepEval test case (its metric could not be computed), else None."""
    metrics = case.get("metricsData")
    for metric in metrics if isinstance(metrics, list) else []:
        error = metric.get("error") if isinstance(metric, dict) else None
        if isinstance(error, str) and error:
            return error
    return None


def deepeval(doc: Any, file: str) -> list[EvalSummary]:
    """`testCases[].success` (every metric passed) over the answered cases; a case whose metric has an `error`
    (`metricsData[].error`: the metric could not be computed) is an error, not a failure. Model from
    `hyperparameters.model`."""
    doc = need_obj(doc, file, "(top level)")
    cases = doc.get("testCases")
    if not isinstance(cases, list) or not cases:
        raise InputError(file, "testCases", f"expected a list of test cases with success true/false, got {got(cases)}")
    bad = [i for i, case in enumerate(cases) if not isinstance(case, dict) or not (
        isinstance(case.get("success"), bool) or _deepeval_error(case))]  # fmt: skip
    if bad:
        more = f" and {len(bad) - 8:,} more" if len(bad) > 8 else ""
        first = cases[bad[0]].get("success") if isinstance(cases[bad[0]], dict) else cases[bad[0]]
        listed = f"{', '.join(map(str, bad[:8]))}{more}"
        raise InputError(file, "testCases[].success", f"expected true/false in every test case; case {listed} "
                         f"has none (case {bad[0]}: {excerpt(first, 40)})")  # fmt: skip
    errors = [_deepeval_error(case) for case in cases]
    passed = sum(1 for case, error in zip(cases, errors, strict=True) if error is None and case["success"])
    failed = sum(1 for case, error in zip(cases, errors, strict=True) if error is None and not case["success"])
    errored = [e for e in errors if e is not None]
    value, n = tally(passed, failed, len(errored), file, "testCases", errored[0] if errored else None)
    params = opt_obj(doc.get("hyperparameters"), file, "hyperparameters")
    named = params.get("model") or params.get("Model")
    model = text(named if isinstance(named, str) else None, file, "hyperparameters.model", "unknown")
    named = doc.get("identifier") or doc.get("testFile")
    task = text(named if isinstance(named, str) else None, file, "identifier", "deepeval run")
    return [summary(model, task, rate=value, n=count(n, file, "testCases"), source_file=file, tool="deepeval",
                    errors=len(errored))]  # fmt: skip


OWN_FORM = "an eval record {endpoint, passed true/false} (or one with an error)"


def own_records(lines: list[Any], file: str) -> list[EvalSummary]:
    """This project's `eval run` records (`OUT/NAME.jsonl`): one row per endpoint. A line with `error` (the call
    failed) is an error whatever its `passed` says (records before the errors count wrote `passed: false`)."""
    problems = []
    for number, r in enumerate(lines, start=1):
        erred = isinstance(r, dict) and isinstance(r.get("error"), str) and bool(r["error"])
        if not isinstance(r, dict) or not isinstance(r.get("endpoint"), str) or not (
            erred or isinstance(r.get("passed"), bool)):  # fmt: skip
            problems.append((f"line {number}", OWN_FORM))
    require(file, problems)
    groups: dict[tuple[str, str], list[tuple[str, float | None, float | None]]] = defaultdict(list)
    causes: dict[tuple[str, str], str] = {}
    for number, r in enumerate(lines, start=1):
        where = f"line {number}"
        endpoint = text(r["endpoint"], file, f"{where}.endpoint")
        model = text(r.get("model"), file, f"{where}.model", endpoint)
        if isinstance(r.get("error"), str) and r["error"]:
            groups[(endpoint, model)].append(("error", None, None))
            causes.setdefault((endpoint, model), r["error"])
            continue
        out = tokens(r.get("output_tokens"), file, f"{where}.output_tokens", MAX_OUT)
        inp = tokens(r.get("input_tokens"), file, f"{where}.input_tokens", MAX_IN)
        groups[(endpoint, model)].append(("pass" if r["passed"] else "fail", out, inp))
    rows = []
    for (endpoint, model), items in groups.items():
        kinds = [k for k, _, _ in items]
        errors = kinds.count("error")
        value, n = tally(kinds.count("pass"), kinds.count("fail"), errors, file, f"endpoint {clip(endpoint, 80)}",
                         causes.get((endpoint, model)))  # fmt: skip
        answered = [(o, i) for k, o, i in items if k != "error"]
        rows.append(summary(model, endpoint, rate=value, n=count(n, file, "lines"), source_file=file, errors=errors,
                            tool="inference-roi eval", output_tokens=mean_tokens([o for o, _ in answered]),
                            input_tokens=mean_tokens([i for _, i in answered])))  # fmt: skip
    return rows


def _jsonl(text_: str, file: str) -> list[Any]:
    """Each non-blank line parsed as JSON (at most `MAX_EVAL_LINES` of them)."""
    lines = [(i, line) for i, line in enumerate(text_.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_EVAL_LINES:
        raise InputError(file, "", f"{len(lines):,} JSON lines; the limit is {MAX_EVAL_LINES:,}")
    return [parse_json_text(line, f"{file} (line {i})", mark_non_finite=True) for i, line in lines]


def _inspect_zip(path: str) -> Any:
    """An Inspect `.eval` log (a zip): its `header.json`, through the bounded zip reader (see the docstring)."""
    archive = read_zip(path, max_bytes=MAX_EVAL_BYTES)
    if "header.json" not in archive:
        raise InputError(path, "header.json", "not a finished Inspect .eval log (no header.json in the archive)")
    member = f"{path} (header.json)"
    return parse_json_text(decode_text(archive.read("header.json"), member), member, mark_non_finite=True)


def detect(doc: Any) -> str | None:
    """The format a parsed file looks like (a JSON-lines file of one line parses as that line's object)."""
    first = (doc[0] if doc else None) if isinstance(doc, list) else doc
    if isinstance(first, dict) and "spec" in first:
        return "openai-evals"
    if isinstance(first, dict) and "passed" in first and "endpoint" in first:
        return "inference-roi"
    if not isinstance(doc, dict):
        return None
    if "n-samples" in doc or ("results" in doc and "configs" in doc):
        return "lm-eval"
    if "eval" in doc and isinstance(doc.get("eval"), dict) and "model" in doc["eval"]:
        return "inspect"
    body = doc.get("results")
    if "evalId" in doc or (isinstance(body, dict) and ("prompts" in body or "table" in body)):
        return "promptfoo"
    if "testCases" in doc:
        return "deepeval"
    return None


READERS = {"lm-eval": lm_eval, "inspect": inspect, "promptfoo": promptfoo, "openai-evals": openai_evals,
           "deepeval": deepeval, "inference-roi": own_records}  # fmt: skip


def import_eval(path: str, fmt: str | None = None) -> list[EvalSummary]:
    """Read one eval result file (format from `fmt` or detected) into summary rows."""
    name = check_path(path)
    if fmt is not None and fmt not in FORMATS:
        raise InputError("command line", "--from", f"expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if Path(name).suffix == ".eval":
        return [check_summary(row) for row in inspect(_inspect_zip(name), name)]
    content = decode_text(read_bytes(name, max_bytes=MAX_EVAL_BYTES), name)
    try:
        doc = parse_json_text(content, name, mark_non_finite=True)
    except InputError:
        if not content.lstrip().startswith("{"):
            raise
        doc = _jsonl(content, name)  # JSON lines: OpenAI evals logs, our own records
    fmt = fmt or detect(doc)
    if fmt is None:
        raise InputError(name, "format", f"not a recognised eval result; give --from ({', '.join(FORMATS)})")
    if fmt in ("openai-evals", "inference-roi") and not isinstance(doc, list):
        doc = [doc]
    return [check_summary(row) for row in READERS[fmt](doc, name)]
