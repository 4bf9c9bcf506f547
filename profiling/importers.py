"""Convert other benchmark tools' result files into profiles (docs/formats.md's profile format).

Each tool's names are mapped onto our definitions, never by name alone:
our `itl_s` (decode time per token, per request) is vLLM's and SGLang's TPOT, guidellm's
`inter_token_latency_ms` (token-weighted) and AIPerf's `inter_token_latency`; their per-chunk
gaps (vLLM/SGLang "ITL", AIPerf `inter_chunk_latency`) go to `chunk_gap_s`. Headline numbers
are copied exactly (milliseconds converted to seconds); nothing is recomputed.
Functions here take parsed data and return profile dicts: reading the file is `import_file`'s job. vLLM's and
SGLang's converters are in `profiling.serving_importers`, published sweeps' in `profiling.sweep_importers` and
`profiling.inferencex_import`.
Several files of one deployment (one per level, as vLLM and InferenceX write them) become one profile through
`merge`: from disk (`import_files`, the CLI) or from memory (`profile_from_texts`, the app's uploads).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from datafiles import InputError, parse_csv_rows, parse_json_text, parse_yaml_text, read_text
from datafiles.errors import excerpt
from profiling import inferencex_import as inferencex
from profiling import sweep_importers as sweeps
from profiling.schema import PROFILE_VERSION, Level, Profile, parse_profile, profile_from_csv
from profiling.serving_importers import JsonLines, clean, from_sglang, from_vllm, is_vllm, ms, percentiles

Tool = Literal["vllm", "sglang", "guidellm", "aiperf", "inferencex", "llmd", "mlperf"]
TOOLS: tuple[Tool, ...] = ("vllm", "sglang", "guidellm", "aiperf", "inferencex", "llmd", "mlperf")


# --- guidellm (`benchmarks.json`, GenerativeBenchmarksReport) -----------------------------------


def from_guidellm(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    levels = []
    model = None
    for bench in doc["benchmarks"]:
        config = bench.get("config") or bench.get("args") or {}
        strategy = config.get("strategy") or {}
        kind = strategy.get("type_")
        concurrency = {
            "concurrent": strategy.get("streams"),
            "synchronous": 1,
            "throughput": strategy.get("max_concurrency"),
        }
        metrics = bench["metrics"]

        def ok(name: str, m: dict[str, Any] = metrics) -> dict[str, Any]:
            return m[name]["successful"]

        def pct(name: str, convert: Callable[[Any], float | None]) -> dict[str, float | None] | None:
            stats = ok(name)
            return percentiles(lambda p: stats["median"] if p == "p50" else stats["percentiles"].get(p), convert)

        totals = metrics["request_totals"]
        scheduler = bench.get("scheduler_metrics") or {}
        duration = bench.get("duration")
        if scheduler.get("measure_end_time") and scheduler.get("measure_start_time"):
            duration = scheduler["measure_end_time"] - scheduler["measure_start_time"]
        levels.append(
            clean(
                concurrency=concurrency.get(kind),
                request_rate=strategy.get("rate") if kind in ("constant", "poisson", "async") else None,
                input_tokens=ok("prompt_token_count")["mean"],
                output_tokens=ok("output_token_count")["mean"],
                requests_completed=int(totals["successful"]),
                requests_failed=int(totals.get("errored", 0)),
                duration_s=duration,
                req_per_s=ok("requests_per_second")["mean"],
                output_tokens_per_s=ok("output_tokens_per_second")["mean"],
                total_tokens_per_s=ok("tokens_per_second")["mean"],
                ttft_s=pct("time_to_first_token_ms", ms),
                itl_s=pct("inter_token_latency_ms", ms),
                e2e_s=pct("request_latency", lambda v: None if v is None else float(v)),
            )
        )
        backend = config.get("backend") or {}
        model = model or (backend.get("model") if isinstance(backend, dict) else None)
    version = (doc.get("metadata") or {}).get("guidellm_version", "?")
    note = "guidellm's inter-token latency percentiles are token-weighted across requests"
    return levels, {"model": model, "tool": f"guidellm {version}"}, note


# --- AIPerf (`profile_export_aiperf.json`; also genai-perf's older `records` layout) ------------


def _aiperf_load(config: dict[str, Any]) -> tuple[float | None, float | None]:
    phases = [p for p in config.get("phases") or [] if p.get("kind", "profiling") == "profiling"]
    source = phases[0] if phases else (config.get("loadgen") or config)
    return source.get("concurrency"), source.get("request_rate")


def from_aiperf(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    records = doc.get("records") or doc

    def stat(*names: str) -> dict[str, Any] | None:
        return next((records[n] for n in names if isinstance(records.get(n), dict)), None)

    def avg(*names: str) -> float | None:
        found = stat(*names)
        return None if found is None else found.get("avg")

    def pct(*names: str) -> dict[str, float | None] | None:
        found = stat(*names)
        if found is None:
            return None
        scale = 1 / 1000 if found.get("unit", "ms") == "ms" else 1.0
        return {p: (found[p] * scale if found.get(p) is not None else None) for p in ("p50", "p90", "p99")}

    config = doc.get("input_config") or {}
    concurrency, rate = _aiperf_load(config)
    completed = avg("completed_request_count", "request_count")
    duration = avg("benchmark_duration")
    total = avg("total_token_throughput")
    if total is None and duration:
        total = ((avg("total_isl") or 0) + (avg("total_osl") or 0)) / duration
    level = clean(
        concurrency=concurrency,
        request_rate=rate,
        input_tokens=avg("input_sequence_length"),
        output_tokens=avg("output_sequence_length"),
        requests_completed=int(completed or 0),
        requests_failed=int(avg("error_request_count") or 0),
        duration_s=duration,
        req_per_s=avg("request_throughput"),
        output_tokens_per_s=avg("output_token_throughput"),
        total_tokens_per_s=total,
        ttft_s=pct("time_to_first_token", "ttft"),
        itl_s=pct("inter_token_latency"),
        e2e_s=pct("request_latency"),
        chunk_gap_s=pct("inter_chunk_latency"),
    )
    models = ((config.get("models") or {}).get("items") or [{}]) if isinstance(config.get("models"), dict) else [{}]
    endpoint = config.get("endpoint") or {}
    counted = "server usage" if endpoint.get("use_server_token_count") else "AIPerf's client tokenizer"
    meta = {"model": models[0].get("name") or config.get("model"), "tool": f"aiperf {doc.get('aiperf_version', '?')}"}
    return [level], meta, f"token counts from {counted}"


# --- detection and the file edge -----------------------------------------------------------------


def detect(doc: Any) -> Tool | None:
    """The tool whose result file `doc` is, or None; a document malformed enough to trip a check is no tool's."""
    try:
        return _detect(doc)
    except (KeyError, TypeError, ArithmeticError, IndexError, AttributeError, ValueError):
        return None


def _detect(doc: Any) -> Tool | None:
    if sweeps.is_llmd_report(doc):
        return "llmd"
    if inferencex.is_inferencex_records(doc) or inferencex.is_inferencex_serving(doc):
        return "inferencex"
    if sweeps.is_mlperf_summary(doc) or sweeps.is_mlperf_log_summary(doc):
        return "mlperf"
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):  # JSON Lines: by the first run; each is checked
        return "sglang" if "total_throughput" in doc[0] else "vllm" if is_vllm(doc[0]) else None
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("benchmarks"), list):
        return "guidellm"
    if "input_config" in doc or "aiperf_version" in doc or isinstance(doc.get("records"), dict):
        return "aiperf"
    if "total_throughput" in doc and "median_ttft_ms" in doc:
        return "sglang"
    return "vllm" if is_vllm(doc) else None


def _parse(text: str, name: str) -> Any:
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return parse_yaml_text(text, name, non_finite_as_null=True)
    if suffix == ".csv":
        return [{k: _number(v) for k, v in row.items()} for row in parse_csv_rows(text, name)[1]]
    log = sweeps.parse_mlperf_log_summary(text)
    if log is not None:
        return log
    try:
        return parse_json_text(text, name, non_finite_as_null=True)
    except InputError as err:
        if not err.expected.startswith("not valid JSON"):
            raise
    rows, numbers = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append(parse_json_text(line, name, non_finite_as_null=True))
            except InputError as err:
                why = err.expected
                if why.startswith("not valid JSON"):
                    why = f"{why}; JSON Lines hold one JSON object a line" if rows else "not JSON or JSON lines"
                raise InputError(name, f"line {number}", f"{why} (from a known benchmark tool)") from None
            numbers.append(number)
    return JsonLines(rows, numbers)


def _number(value: str | None) -> Any:
    """A CSV cell as a finite number where it is one (dashboard exports), else the text."""
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return value
    return number if number is None or math.isfinite(number) else value


def _inferencex(doc: Any, options: ImportOptions) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    if inferencex.is_inferencex_serving(doc):
        return inferencex.from_inferencex_serving(doc)
    return inferencex.from_inferencex_records(doc, options.select)


@dataclass(frozen=True)
class ImportOptions:
    """What some formats need besides the file: which configuration, and a shape for MLPerf rows."""

    select: str | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None


CONVERTERS: dict[Tool, Callable[[Any, ImportOptions], tuple[list[dict[str, Any]], dict[str, Any], str]]] = {
    "vllm": lambda doc, _: from_vllm(doc),
    "sglang": lambda doc, _: from_sglang(doc if isinstance(doc, list) else [doc]),
    "guidellm": lambda doc, _: from_guidellm(doc),
    "aiperf": lambda doc, _: from_aiperf(doc),
    "inferencex": _inferencex,
    "llmd": lambda doc, _: sweeps.from_llmd_report(doc),
    "mlperf": lambda doc, o: (
        sweeps.from_mlperf_log_summary(doc, o.input_tokens, o.output_tokens)
        if sweeps.is_mlperf_log_summary(doc)
        else sweeps.from_mlperf_summary(doc, o.select, o.input_tokens, o.output_tokens)
    ),
}
KNOWN = (
    "vLLM bench serve, SGLang bench_serving, guidellm, AIPerf, InferenceX, llm-d benchmark report, "
    "MLPerf summary or MLPerf mlperf_log_summary.txt"
)


def convert(
    doc: Any, name: str, tool: Tool | None, meta: dict[str, Any], options: ImportOptions = ImportOptions()
) -> Profile:
    """A validated profile from a parsed result; `meta` supplies what the file lacks (GPU, engine…)."""
    found = tool or detect(doc)
    if found is None:
        raise InputError(name, "", f"not a result file of {KNOWN}")
    try:
        levels, file_meta, note = CONVERTERS[found](doc, options)
    except InputError as err:
        raise InputError(name, err.field, err.expected) from None
    except (KeyError, TypeError, ArithmeticError, IndexError, AttributeError, ValueError) as exc:
        field = excerpt(str(exc).strip("'"), limit=60) if isinstance(exc, KeyError) else ""
        raise InputError(
            name, field, f"missing or malformed in this {found} result file ({type(exc).__name__})"
        ) from None
    merged = {
        **{k: v for k, v in file_meta.items() if v is not None},
        **{k: v for k, v in meta.items() if v is not None},
    }
    missing = [required for required in ("model", "gpu", "gpu_count") if merged.get(required) is None]
    if missing:  # every one at once, not one per run
        flags = " ".join(f"--{m.replace('_', '-')} {m.upper()}" for m in missing)
        what = "it" if len(missing) == 1 else "them"
        raise InputError(name, ", ".join(missing), f"the {found} file does not record {what}; pass {flags}")
    merged.setdefault("engine", "unknown")
    merged["source"] = meta.get("source") or "measured"
    merged["notes"] = "; ".join(
        n for n in (f"imported from {Path(name).name} ({found})", note, merged.get("notes")) if n
    )
    return parse_profile({"profile_version": PROFILE_VERSION, "meta": merged, "levels": levels}, name)


def import_file(
    path: Path | str,
    tool: Tool | None = None,
    meta: dict[str, Any] | None = None,
    options: ImportOptions = ImportOptions(),
) -> Profile:
    return convert(_parse(read_text(path), str(path)), str(path), tool, meta or {}, options)


def import_files(
    paths: list[Path | str],
    tool: Tool | None = None,
    meta: dict[str, Any] | None = None,
    options: ImportOptions = ImportOptions(),
) -> Profile:
    """One profile from several result files of one deployment (vLLM and InferenceX write one per level)."""
    return merge([(str(p), import_file(p, tool, meta, options)) for p in paths])


def profile_from_texts(files: Sequence[tuple[str, str]], meta: dict[str, Any] | None = None) -> Profile:
    """One profile from several files given as (name, text), e.g. uploaded together: each read by
    `profile_from_text`, then merged as `import_files` merges files on disk (one deployment, one profile)."""
    return merge([(name, profile_from_text(text, name, meta)) for name, text in files])


def _load_order(level: Level) -> tuple[float, float, float, float]:
    return (level.input_tokens, level.output_tokens, level.concurrency or 0.0, level.request_rate or 0.0)


def merge(named: Sequence[tuple[str, Profile]]) -> Profile:
    """The levels of several profiles of one deployment (the same model, GPU and GPU count) in one profile, under
    the first one's meta, ordered by shape, then load (input, output tokens, concurrency, request rate): files named
    c16, c32, c4, c8 made levels 1–4 run c = 16, 32, 4, 8, and "level 4" on the Throughput page meant c = 8 (a
    reviewer). A second deployment is an error naming its file and field."""
    if not named:
        raise InputError("", "", "no files given; expected one or more profiles or benchmark results")
    first_name, first = named[0]
    for name, other in named[1:]:
        for field in ("model", "gpu", "gpu_count"):
            if getattr(other.meta, field) != getattr(first.meta, field):
                raise InputError(
                    name,
                    f"meta.{field}",
                    f"{getattr(other.meta, field)!r} differs from "
                    f"{getattr(first.meta, field)!r} in {first_name}: one profile is one deployment",
                )
    if len(named) == 1:
        return first
    levels = tuple(sorted((lv for _, p in named for lv in p.levels), key=_load_order))
    return dataclasses.replace(
        first,
        levels=levels,
        meta=dataclasses.replace(first.meta, notes=f"{len(named)} files merged; {first.meta.notes}"),
    )


def profile_from_text(text: str, name: str, meta: dict[str, Any] | None = None) -> Profile:
    """Any profile file by its name: our YAML or CSV as is, a benchmark tool's JSON/JSONL through the importers.

    `meta` fills what an imported file lacks (model, gpu, gpu_count, engine); ours must be complete.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        header = text.split("\n", 1)[0]
        if "profile_version" not in header and detect(_parse(text, name)) is not None:  # a dashboard export
            return convert(_parse(text, name), name, None, meta or {})
        return profile_from_csv(text, name)
    if suffix in (".yaml", ".yml"):
        doc = parse_yaml_text(text, name)  # ours: a non-finite number is named by the schema
        if sweeps.is_llmd_report(doc):  # a tool's: its `.inf` reads as missing
            return convert(parse_yaml_text(text, name, non_finite_as_null=True), name, "llmd", meta or {})
        return parse_profile(doc, name)
    if suffix in (".json", ".jsonl"):
        return convert(_parse(text, name), name, None, meta or {})
    raise InputError(name, "", "expected a profile (.yaml, .yml, .csv) or a benchmark result (.json, .jsonl)")
