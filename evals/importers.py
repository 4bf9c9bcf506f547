"""Import other tools' eval results as `EvalSummary` rows: lm-evaluation-harness, Inspect AI, promptfoo,
OpenAI evals, DeepEval, and this project's own `eval run` records.

Each reader takes the parsed file and returns one row per (model, task); `detect` picks the reader from
the file's shape when `--from` is not given. What a file does not record stays None (tokens, n).
Every field is read defensively: a missing or mistyped one raises InputError naming the file and the field.
"""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from datafiles import InputError, check_path, parse_json_text, read_bytes
from evals.records import EvalSummary, summary

MAX_EVAL_BYTES = 256 * 1024 * 1024
FORMATS = ("lm-eval", "inspect", "promptfoo", "openai-evals", "deepeval", "inference-roi")
LM_EVAL_METRICS = ("acc,none", "exact_match,strict-match", "exact_match,flexible-extract", "exact_match,none",
                   "pass@1,none", "pass_at_1,none", "acc_norm,none")  # fmt: skip


def _get(obj: Any, key: str, file: str, field: str, kind: type | tuple[type, ...]) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InputError(
            file, field, f"expected {names}, got {type(value).__name__ if value is not None else 'nothing'}"
        )
    return value


def _rate(value: Any, file: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(file, field, f"expected a success rate from 0 to 1, got {value!r}")
    return float(value)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**9 else None


def lm_eval(doc: Any, file: str) -> list[EvalSummary]:
    """`results[task]["<metric>,<filter>"]` (acc / exact_match / pass@1, first found), n from `n-samples`."""
    results = _get(doc, "results", file, "results", dict)
    model = doc.get("model_name") or (doc.get("config") or {}).get("model_args") or "unknown"
    samples = doc.get("n-samples") if isinstance(doc.get("n-samples"), dict) else {}
    rows = []
    for task, metrics in results.items():
        if not isinstance(metrics, dict):
            raise InputError(file, f"results.{task}", "expected an object of metric values")
        key = next((k for k in LM_EVAL_METRICS if k in metrics), None)
        if key is None:
            continue  # a group row or a metric that is not a success rate (perplexity, bleu…)
        counts = samples.get(task) if isinstance(samples.get(task), dict) else {}
        n = _count(counts.get("effective")) or _count(counts.get("original"))
        rate = _rate(metrics[key], file, f"results.{task}.{key}")
        rows.append(
            summary(str(model), f"{task} ({key.split(',')[0]})", rate=rate, n=n, source_file=file, tool="lm-eval")
        )
    if not rows:
        raise InputError(file, "results", f"no task with a success-rate metric ({', '.join(LM_EVAL_METRICS)})")
    return rows


def inspect(doc: Any, file: str) -> list[EvalSummary]:
    """`results.scores[0].metrics` accuracy (or mean), n = `results.completed_samples`, tokens from
    `stats.model_usage[model]` divided by n."""
    header = _get(doc, "eval", file, "eval", dict)
    model = _get(header, "model", file, "eval.model", str)
    task = header.get("task") if isinstance(header.get("task"), str) else "inspect task"
    results = _get(doc, "results", file, "results (the log has no results: did the eval finish?)", dict)
    scores = _get(results, "scores", file, "results.scores", list)
    if not scores or not isinstance(scores[0], dict):
        raise InputError(file, "results.scores", "expected at least one scorer")
    metrics = _get(scores[0], "metrics", file, "results.scores[0].metrics", dict)
    name = next((m for m in ("accuracy", "mean") if m in metrics), None)
    if name is None:
        raise InputError(file, "results.scores[0].metrics", "expected an accuracy or mean metric")
    rate = _rate((metrics[name] or {}).get("value"), file, f"results.scores[0].metrics.{name}.value")
    n = _count(results.get("completed_samples")) or _count(results.get("total_samples"))
    usage = ((doc.get("stats") or {}).get("model_usage") or {}).get(model)
    out_tokens = in_tokens = None
    if isinstance(usage, dict) and n:
        out_v, in_v = usage.get("output_tokens"), usage.get("input_tokens")
        out_tokens = out_v / n if isinstance(out_v, int) and out_v > 0 else None
        in_tokens = in_v / n if isinstance(in_v, int) and in_v > 0 else None
    return [summary(model, f"{task} ({scores[0].get('name', 'score')})", rate=rate, n=n, source_file=file,
                    tool="inspect", output_tokens=out_tokens, input_tokens=in_tokens)]  # fmt: skip


def promptfoo(doc: Any, file: str) -> list[EvalSummary]:
    """Per provider: n = results, successes = `success` true (errors count as failures), tokens from each
    result's `tokenUsage` (completion / prompt)."""
    summary_obj = _get(doc, "results", file, "results", dict)
    results = _get(summary_obj, "results", file, "results.results", list)
    task = (doc.get("config") or {}).get("description") or doc.get("evalId") or "promptfoo eval"
    groups: dict[str, list[dict]] = defaultdict(list)
    for i, row in enumerate(results):
        provider = row.get("provider") if isinstance(row, dict) else None
        label = (provider.get("label") or provider.get("id")) if isinstance(provider, dict) else provider
        if not isinstance(label, str) or not isinstance(row.get("success"), bool):
            raise InputError(file, f"results.results[{i}]", "expected provider {id, label} and success true/false")
        groups[label].append(row)
    rows = []
    for label, items in groups.items():
        n = len(items)
        passed = sum(1 for r in items if r["success"])
        usage = [r.get("tokenUsage") for r in items if isinstance(r.get("tokenUsage"), dict)]
        out = [u["completion"] for u in usage if _count(u.get("completion"))]
        inp = [u["prompt"] for u in usage if _count(u.get("prompt"))]
        rows.append(summary(label, str(task), rate=passed / n, n=n, source_file=file, tool="promptfoo",
                            output_tokens=sum(out) / len(out) if out else None,
                            input_tokens=sum(inp) / len(inp) if inp else None))  # fmt: skip
    if not rows:
        raise InputError(file, "results.results", "no test results in the file")
    return rows


def openai_evals(lines: list[Any], file: str) -> list[EvalSummary]:
    """First line `{"spec": …}` (completion_fns, eval_name); `match` events' `data.correct` give n and successes."""
    spec = lines[0].get("spec") if lines and isinstance(lines[0], dict) else None
    if not isinstance(spec, dict):
        raise InputError(file, "line 1.spec", "expected the run spec on the first line")
    fns = spec.get("completion_fns")
    model = fns[0] if isinstance(fns, list) and fns and isinstance(fns[0], str) else "unknown"
    matches = [r for r in lines if isinstance(r, dict) and r.get("type") == "match"]
    correct = [m.get("data", {}).get("correct") for m in matches if isinstance(m.get("data"), dict)]
    if not correct or not all(isinstance(c, bool) for c in correct):
        raise InputError(file, "events[type=match].data.correct", "expected match events with correct true/false")
    n = len(correct)
    return [summary(model, str(spec.get("eval_name", "openai eval")), rate=sum(correct) / n, n=n,
                    source_file=file, tool="openai-evals")]  # fmt: skip


def deepeval(doc: Any, file: str) -> list[EvalSummary]:
    """`testCases[].success` (every metric passed) over the run; model from `hyperparameters.model`."""
    cases = _get(doc, "testCases", file, "testCases", list)
    flags = [c.get("success") if isinstance(c, dict) else None for c in cases]
    if not flags or not all(isinstance(f, bool) for f in flags):
        raise InputError(file, "testCases[].success", "expected test cases with success true/false")
    params = doc.get("hyperparameters") if isinstance(doc.get("hyperparameters"), dict) else {}
    model = params.get("model") or params.get("Model") or "unknown"
    task = doc.get("identifier") or doc.get("testFile") or "deepeval run"
    n = len(flags)
    return [summary(str(model), str(task), rate=sum(flags) / n, n=n, source_file=file, tool="deepeval")]


def own_records(lines: list[Any], file: str) -> list[EvalSummary]:
    """This project's `eval run` records (`OUT/NAME.jsonl`): one row per endpoint."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for i, r in enumerate(lines):
        if not isinstance(r, dict) or not isinstance(r.get("passed"), bool) or not isinstance(r.get("endpoint"), str):
            raise InputError(file, f"line {i + 1}", "expected an eval record with endpoint and passed")
        groups[(r["endpoint"], str(r.get("model", r["endpoint"])))].append(r)
    rows = []
    for (endpoint, model), items in groups.items():
        n = len(items)
        out = [r["output_tokens"] for r in items if _count(r.get("output_tokens"))]
        inp = [r["input_tokens"] for r in items if _count(r.get("input_tokens"))]
        rows.append(summary(model, endpoint, rate=sum(r["passed"] for r in items) / n, n=n, source_file=file,
                            tool="inference-roi eval", output_tokens=sum(out) / len(out) if out else None,
                            input_tokens=sum(inp) / len(inp) if inp else None))  # fmt: skip
    return rows


def _jsonl(text: str, file: str) -> list[Any]:
    return [parse_json_text(line, f"{file} (line {i})") for i, line in enumerate(text.splitlines(), 1) if line.strip()]


def _inspect_zip(path: str) -> Any:
    """An Inspect `.eval` log (a zip): inspect_ai's own reader when installed, else header.json from the zip."""
    try:
        from inspect_ai.log import read_eval_log  # optional: pip install 'inference-roi[inspect]'
    except ImportError:
        read_eval_log = None
    if read_eval_log is not None:
        try:
            return json.loads(read_eval_log(path, header_only=True).model_dump_json())
        except Exception as exc:  # the reader's own errors are many types; report them as bad input
            raise InputError(path, "log", f"inspect_ai could not read it: {str(exc)[:200]}") from None
    try:
        with zipfile.ZipFile(path) as archive:
            return parse_json_text(archive.read("header.json").decode("utf-8"), f"{path} (header.json)")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(path, "header.json", f"not an Inspect .eval log: {exc}") from None
    except NotImplementedError:
        raise InputError(path, "header.json", "compressed with zstd: pip install inspect-ai, or run "
                         "`inspect log convert --to json` and import the .json") from None  # fmt: skip


def detect(doc: Any) -> str | None:
    if isinstance(doc, list):
        first = doc[0] if doc else None
        if isinstance(first, dict) and "spec" in first:
            return "openai-evals"
        if isinstance(first, dict) and "passed" in first and "endpoint" in first:
            return "inference-roi"
        return None
    if not isinstance(doc, dict):
        return None
    if "n-samples" in doc or ("results" in doc and "configs" in doc):
        return "lm-eval"
    if "eval" in doc and isinstance(doc.get("eval"), dict) and "model" in doc["eval"]:
        return "inspect"
    if "evalId" in doc or (isinstance(doc.get("results"), dict) and "prompts" in doc["results"]):
        return "promptfoo"
    if "testCases" in doc:
        return "deepeval"
    return None


def import_eval(path: str, fmt: str | None = None) -> list[EvalSummary]:
    """Read one eval result file (format from `fmt` or detected) into summary rows."""
    name = check_path(path)
    if fmt is not None and fmt not in FORMATS:
        raise InputError("command line", "--from", f"expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if Path(name).suffix == ".eval":
        doc = _inspect_zip(name)
        return inspect(doc, name)
    text = read_bytes(name, max_bytes=MAX_EVAL_BYTES).decode("utf-8", errors="strict")
    stripped = text.lstrip()
    try:
        doc = parse_json_text(text, name, non_finite_as_null=True)
    except InputError:
        if not stripped.startswith("{"):
            raise
        doc = _jsonl(text, name)  # JSON lines: OpenAI evals logs, our own records
    fmt = fmt or detect(doc)
    readers = {"lm-eval": lm_eval, "inspect": inspect, "promptfoo": promptfoo, "openai-evals": openai_evals,
               "deepeval": deepeval, "inference-roi": own_records}  # fmt: skip
    if fmt is None:
        raise InputError(name, "format", f"not a recognised eval result; give --from ({', '.join(FORMATS)})")
    if fmt in ("openai-evals", "inference-roi") and not isinstance(doc, list):
        doc = [doc]
    return readers[fmt](doc, name)
