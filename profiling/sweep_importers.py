"""Importers for published sweeps: InferenceX results, llm-d benchmark reports v0.2, MLPerf summaries.

- **InferenceX serving JSON** (the harness's `benchmark_serving_random.py`, e.g. the experimental GLM-5
  sweep in `SemiAnalysisAI/InferenceX`): vLLM's summary fields but in **seconds** (`median_ttft`,
  `p99_tpot`, …). One file per level; TPOT is our ITL.
- **InferenceX records** (`agg_*.json` from `utils/process_result.py`, `/api/v1/benchmarks` JSON, the
  dashboard CSV, or a weekly dump's tables as one JSON object `{"configs": [...], "benchmark_results": [...]}`,
  joined on `config_id`, metrics from each row's `metrics`): one record per point with
  `hw` (or `hardware`), `isl, osl, conc, tp` (or `decode_tp`), `pp, framework, precision` and
  `output_tput_per_gpu` (tokens/s per GPU; older records give only `tput_per_gpu`, split by isl : osl),
  latencies in seconds (or `*_ms`). InferenceX draws request lengths uniformly from 80–100 % of the
  nominal ISL/OSL, so the mean shape is INFERENCEX_LENGTH_MEAN (0.9) × nominal; req/s =
  output tok/s per GPU × GPUs / mean output tokens. Records of several configurations need `select`.
- **llm-d benchmark report v0.2** (JSON or YAML, Apache-2.0 schema): one report per level;
  `scenario.stack[].standardized.accelerator` gives the GPU and count (× replicas), `scenario.load`
  the concurrency or rate, `results.request_performance.aggregate` the throughput and latency stats.
- **MLPerf Inference `summary.json`** rows: one anchor point each (Offline = max throughput; Server and
  Interactive = throughput under MLPerf's latency limits, which the row does not give). `Result` in
  tokens/s for the whole system; the row has no request shape, so the caller passes the dataset's mean
  input and output tokens.
- **MLPerf LoadGen `mlperf_log_summary.txt`** of a Server (or Interactive) run: one load level, the
  Poisson rate LoadGen scheduled (`Scheduled samples per second`) and the completed samples/s the system
  sustained within the run's TTFT and TPOT p99 bounds, with the log's TTFT, TPOT (our ITL: LoadGen's
  per-sample (latency - first token) / (tokens - 1)) and end-to-end percentiles in ns. Samples have no
  shape in the log either: the caller passes the dataset's mean input and output tokens.

Each converter returns (levels, meta, note) like `profiling.importers`.
"""

from __future__ import annotations

import re
from typing import Any

from datafiles import InputError

INFERENCEX_MODELS = {"dsr1": "deepseek-r1-0528", "gptoss": "gpt-oss-120b"}
"""InferenceX's short model codes → catalogue ids (its DeepSeek-R1 runs serve the 0528 checkpoint)."""
INFERENCEX_LENGTH_MEAN = 0.9
Converted = tuple[list[dict[str, Any]], dict[str, Any], str]


def _seconds(record: dict[str, Any], name: str) -> float | None:
    """`name` in seconds, or `name_ms` converted."""
    if record.get(name) is not None:
        return float(record[name])
    if record.get(f"{name}_ms") is not None:
        return float(record[f"{name}_ms"]) / 1000
    return None


def _pcts(record: dict[str, Any], metric: str) -> dict[str, float] | None:
    values = {p: _seconds(record, f"{key}_{metric}") for p, key in (("p50", "median"), ("p90", "p90"), ("p99", "p99"))}
    kept = {p: v for p, v in values.items() if v is not None}
    return kept or None


def _clean(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


# --- InferenceX ----------------------------------------------------------------------------------


def is_inferencex_serving(doc: Any) -> bool:
    return isinstance(doc, dict) and "request_throughput" in doc and "median_ttft" in doc


def from_inferencex_serving(doc: dict[str, Any]) -> Converted:
    completed = int(doc["completed"])
    level = _clean(
        concurrency=doc.get("max_concurrency"),
        requests_completed=completed,
        requests_failed=int(doc.get("num_prompts", completed)) - completed,
        duration_s=doc.get("duration"),
        input_tokens=doc["total_input_tokens"] / completed,
        output_tokens=doc["total_output_tokens"] / completed,
        req_per_s=doc["request_throughput"],
        output_tokens_per_s=doc.get("output_throughput"),
        total_tokens_per_s=(doc.get("input_throughput") or 0) + (doc.get("output_throughput") or 0) or None,
        ttft_s=_pcts(doc, "ttft"),
        itl_s=_pcts(doc, "tpot"),
        e2e_s=_pcts(doc, "e2el"),
    )
    meta = {"model": doc.get("model_id"), "tool": "InferenceX benchmark_serving_random.py"}
    return [level], meta, "latencies in seconds as the InferenceX harness writes them; TPOT mapped to ITL"


def _joined(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A dump's `benchmark_results` rows with their `configs` row (by `config_id`) merged in; v2 configs name
    the decode side's parallelism (`decode_tp`, …), v1 plain `tp`."""
    configs = {c.get("id"): c for c in doc["configs"] if isinstance(c, dict)}
    rows = []
    for row in doc["benchmark_results"]:
        config = configs.get(row.get("config_id"), {})
        merged = {**config, **row}
        merged.setdefault("tp", config.get("decode_tp") or config.get("tp"))
        rows.append(merged)
    return rows


def _records(doc: Any) -> list[dict[str, Any]] | None:
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("configs"), list)
        and isinstance(doc.get("benchmark_results"), list)
    ):
        doc = _joined(doc)
    elif isinstance(doc, dict):
        for key in ("data", "results", "benchmarks", "benchmark_results"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    if isinstance(doc, list) and doc and all(isinstance(r, dict) for r in doc):
        flat = [{**r, **r["metrics"]} if isinstance(r.get("metrics"), dict) else r for r in doc]
        if all({"isl", "osl", "conc"} <= set(r) for r in flat):
            return flat
    return None


def is_inferencex_records(doc: Any) -> bool:
    return _records(doc) is not None


def _hardware(record: dict[str, Any]) -> str:
    """`hw` in the dashboard and `agg_*.json`, `hardware` in `/api/v1/benchmarks`."""
    return str(record.get("hw") or record.get("hardware") or "")


def _tensor_parallel(record: dict[str, Any]) -> int | None:
    value = record.get("tp") or record.get("decode_tp")
    return int(value) if value else None


def _gpus(record: dict[str, Any]) -> int:
    """GPUs of one deployment. A disaggregated one has prefill and decode GPUs apart (their sum); an aggregated one
    serves both on the same TP × PP GPUs (its `num_*_gpu` fields repeat them, or count experts × TP: not added)."""
    prefill, decode = record.get("num_prefill_gpu"), record.get("num_decode_gpu")
    aggregated = str(record.get("disagg")).lower() in ("false", "0")
    if prefill and decode and not (aggregated and _tensor_parallel(record)):
        return max(int(prefill), int(decode)) if aggregated else int(prefill) + int(decode)
    return (_tensor_parallel(record) or 1) * int(record.get("pp") or 1)


def _config_key(record: dict[str, Any]) -> str:
    """hardware/framework/precision[/spec][/ep…][/dp-attention][/disagg]/GPUs: one deployment's records. Expert
    parallelism, data-parallel attention and speculative decoding change the throughput, so they part records."""
    ep = record.get("ep") or record.get("decode_ep")
    spec = record.get("spec_method")
    parts = (
        _hardware(record),
        record.get("framework"),
        record.get("precision"),
        spec if spec and spec != "none" else None,
        f"ep{ep}" if ep and int(ep) > 1 else None,
        "dp-attention" if str(record.get("dp_attention") or record.get("decode_dp_attention")).lower() == "true"
        else None,
        "disagg" if str(record.get("disagg")).lower() == "true" else None,
        f"{_gpus(record)}gpu",
    )  # fmt: skip
    return "/".join(str(p) for p in parts if p)


def inferencex_configurations(doc: Any) -> list[str]:
    """The deployments a records document holds, as `select` names them."""
    return sorted({_config_key(r) for r in _records(doc) or []})


def from_inferencex_records(doc: Any, select: str | None = None) -> Converted:
    records = _records(doc) or []
    configs = inferencex_configurations(doc)
    if select is not None:
        records = [r for r in records if _config_key(r) == select]
        if not records:
            raise InputError("", "select", f"no InferenceX records for {select!r}; configurations: {configs[:8]}")
    elif len(configs) > 1:
        one_server = [c for c in configs if "/disagg/" not in c]  # what one replica of `capacity` is
        disaggregated = [c for c in configs if "/disagg/" in c]
        raise InputError(
            "",
            "select",
            f"records of {len(configs)} configurations ({len(one_server)} on one server); pick one with --select, "
            f"e.g. {(one_server or configs)[0]!r} (the first: {(one_server + disaggregated)[:8]})",
        )
    levels = []
    for r in records:
        gpus = _gpus(r)
        out_mean = float(r["osl"]) * INFERENCEX_LENGTH_MEAN
        per_gpu = r.get("output_tput_per_gpu")
        if per_gpu is None and r.get("tput_per_gpu") is not None:  # older records: the total only, split by shape
            per_gpu = float(r["tput_per_gpu"]) * float(r["osl"]) / (float(r["isl"]) + float(r["osl"]))
        if per_gpu is None:
            raise InputError("", "output_tput_per_gpu", "missing in an InferenceX record (and no tput_per_gpu)")
        levels.append(
            _clean(
                concurrency=float(r["conc"]),
                input_tokens=float(r["isl"]) * INFERENCEX_LENGTH_MEAN,
                output_tokens=out_mean,
                requests_completed=0,
                requests_failed=0,
                req_per_s=float(per_gpu) * gpus / out_mean,
                output_tokens_per_s=float(per_gpu) * gpus,
                total_tokens_per_s=float(r["tput_per_gpu"]) * gpus if r.get("tput_per_gpu") is not None else None,
                ttft_s=_pcts(r, "ttft"),
                itl_s=_pcts(r, "tpot"),
                e2e_s=_pcts(r, "e2el"),
            )
        )
    first = records[0]
    hw = _hardware(first)
    meta = _clean(
        model=INFERENCEX_MODELS.get(str(first.get("model")), first.get("model")),
        gpu=re.split(r"[-_]", hw)[0].upper() or None,
        gpu_count=_gpus(first),
        engine=first.get("framework"),
        precision=first.get("precision"),
        tensor_parallel=_tensor_parallel(first),
        engine_version=images[0] if len(images := sorted({str(r["image"]) for r in records if r.get("image")})) == 1
        else None,
        tool="InferenceX",
    )  # fmt: skip
    note = (
        f"InferenceX records ({_config_key(first)}); mean lengths taken as {INFERENCEX_LENGTH_MEAN} x nominal "
        "(lengths drawn from 80-100 %); user-fetched data, not redistributed"
    )
    return levels, meta, note + _builds_note(records)


def _builds_note(records: list[dict[str, Any]]) -> str:
    """A warning when the records come from runs on several days: the dashboard keeps each shape's latest run, so
    one shape can be measured on another engine build than the next, and the two differ by more than the shape.

    >>> note = _builds_note([{"date": "2026-02-27", "image": "sglang:v0.5.9"}, {"date": "2026-05-18"}])
    >>> note.split(":")[0], "1+ engine builds (sglang:v0.5.9)" in note
    ('; WARNING', True)
    >>> note.split("(")[1]
    '2026-02-27 to 2026-05-18), 1+ engine builds '
    """
    dates = sorted({str(r["date"]) for r in records if r.get("date")})
    if len(dates) < 2:
        return ""
    images = sorted({str(r["image"]) for r in records if r.get("image")})
    builds = f"{len(images)}{'+' if any(not r.get('image') for r in records) else ''} engine builds"
    return (f"; WARNING: measured on {len(dates)} days ({dates[0]} to {dates[-1]}), {builds} ({', '.join(images)}): "
            "shapes run on different days can differ by the build, not only by the shape")  # fmt: skip


# --- llm-d benchmark report v0.2 -----------------------------------------------------------------


def is_llmd_report(doc: Any) -> bool:
    return isinstance(doc, dict) and str(doc.get("version", "")).startswith("0.2") and "results" in doc


def _stat(stats: dict[str, Any] | None, key: str, scale: float) -> float | None:
    if not isinstance(stats, dict) or stats.get(key) is None:
        return None
    return float(stats[key]) * scale


def _llmd_pcts(metric: dict[str, Any] | None) -> dict[str, float] | None:
    if not isinstance(metric, dict):
        return None
    scale = {"ms": 1e-3, "s": 1.0, "us": 1e-6}.get(str(metric.get("units", "s")).lower(), 1.0)
    kept = {p: v for p in ("p50", "p90", "p99") if (v := _stat(metric, p, scale)) is not None}
    return kept or None


def from_llmd_report(doc: dict[str, Any]) -> Converted:
    aggregate = doc["results"]["request_performance"]["aggregate"]
    requests, throughput, latency = aggregate["requests"], aggregate["throughput"], aggregate.get("latency", {})
    load = (doc.get("scenario") or {}).get("load", {}).get("standardized", {})
    stacks = (doc.get("scenario") or {}).get("stack") or []
    engines = [s.get("standardized", {}) for s in stacks if s.get("standardized", {}).get("kind") != "generic"]
    engine = engines[0] if engines else {}
    accelerator = engine.get("accelerator") or {}
    count = sum(int((e.get("accelerator") or {}).get("count") or 0) * int(e.get("replicas") or 1) for e in engines)
    total, failures = int(requests.get("total") or 0), int(requests.get("failures") or 0)
    level = _clean(
        concurrency=load.get("concurrency"),
        request_rate=load.get("rate_qps"),
        requests_completed=total - failures,
        requests_failed=failures,
        input_tokens=_stat(requests.get("input_length"), "mean", 1.0),
        output_tokens=_stat(requests.get("output_length"), "mean", 1.0),
        req_per_s=throughput["request_rate"],
        output_tokens_per_s=throughput.get("output_token_rate"),
        total_tokens_per_s=throughput.get("total_token_rate"),
        ttft_s=_llmd_pcts(latency.get("time_to_first_token")),
        itl_s=_llmd_pcts(latency.get("time_per_output_token")),
        chunk_gap_s=_llmd_pcts(latency.get("inter_token_latency")),
        e2e_s=_llmd_pcts(latency.get("request_latency")),
    )
    meta = _clean(
        model=(engine.get("model") or {}).get("name"),
        gpu=accelerator.get("model"),
        gpu_count=count or None,
        engine=engine.get("tool"),
        engine_version=engine.get("tool_version"),
        tensor_parallel=(accelerator.get("parallelism") or {}).get("tp"),
        tool=f"llm-d benchmark report {doc.get('version')} ({load.get('tool', '?')})",
    )
    return [level], meta, "llm-d time_per_output_token mapped to ITL, inter_token_latency to chunk gaps"


# --- MLPerf Inference summary.json ---------------------------------------------------------------


def is_mlperf_summary(doc: Any) -> bool:
    return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and {"Scenario", "Result"} <= set(doc[0])


def from_mlperf_summary(
    doc: list[dict[str, Any]], select: str | None, input_tokens: float | None, output_tokens: float | None
) -> Converted:
    def key(row: dict[str, Any]) -> str:
        return f"{row.get('SystemName')}|{row.get('Model')}|{row.get('Scenario')}"

    rows = [r for r in doc if select is None or key(r) == select]
    if len(rows) != 1:
        raise InputError(
            "",
            "select",
            f"{len(rows)} MLPerf rows match; pick one with --select 'SystemName|Model|Scenario', e.g. {key(doc[0])!r}",
        )
    if input_tokens is None or output_tokens is None:
        raise InputError(
            "",
            "input_tokens",
            "an MLPerf row has no request shape; pass --input-tokens and "
            "--output-tokens (the benchmark dataset's mean tokens)",
        )
    row = rows[0]
    if "token" not in str(row.get("Units", "")).lower():
        raise InputError("", "Units", f"expected tokens/s, got {row.get('Units')!r}")
    result = float(row["Result"])
    level = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "requests_completed": 0,
        "requests_failed": 0,
        "req_per_s": result / output_tokens,
        "output_tokens_per_s": result,
    }
    meta = _clean(
        model=row.get("Model"),
        gpu=row.get("accelerator_model_name"),
        gpu_count=int(row["total_accelerators"]) if row.get("total_accelerators") else None,
        engine=row.get("framework"),
        tool=f"MLPerf Inference {row.get('version', '')} ({row['Scenario']})",
    )
    flags = f"Division {row.get('Division')}, {'inferred' if row.get('inferred') else 'measured'}"
    note = (
        f"MLPerf {row['Scenario']} anchor point, {row.get('Organization')} {row.get('SystemName')} ({flags}); "
        "MLPerf latency limits are not in the row, so no SLO can be verified against it"
    )
    return [level], meta, note


# --- MLPerf LoadGen mlperf_log_summary.txt --------------------------------------------------------

MLPERF_LOG_HEADER = "MLPerf Results Summary"
MLPERF_LOG_KEY = "mlperf_log_summary"
_LOG_PERCENTILES = (("p50", "50.00"), ("p90", "90.00"), ("p99", "99.00"))


def parse_mlperf_log_summary(text: str) -> dict[str, dict[str, str]] | None:
    """The `key : value` lines of a LoadGen summary (first value of a repeated key), or None if `text` is not one."""
    if MLPERF_LOG_HEADER not in text[:400] or not text.lstrip().startswith("="):
        return None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and value.strip():
            fields.setdefault(" ".join(key.split()), value.strip())
    return {MLPERF_LOG_KEY: fields}


def is_mlperf_log_summary(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get(MLPERF_LOG_KEY), dict)


def from_mlperf_log_summary(
    doc: dict[str, dict[str, str]], input_tokens: float | None, output_tokens: float | None
) -> Converted:
    log = doc[MLPERF_LOG_KEY]
    scenario = log.get("Scenario")
    if scenario not in ("Server", "Interactive"):
        raise InputError(
            "", "Scenario", f"a Server run (one load level under latency bounds); this log is {scenario!r}"
        )
    if log.get("Mode") != "PerformanceOnly" or log.get("Result is") != "VALID":
        raise InputError(
            "", "Result is", f"a VALID PerformanceOnly run; got {log.get('Mode')!r}, {log.get('Result is')!r}"
        )
    if input_tokens is None or output_tokens is None:
        raise InputError(
            "",
            "input_tokens",
            "an MLPerf log has no request shape; pass --input-tokens and "
            "--output-tokens (the benchmark dataset's mean tokens)",
        )

    def pcts(name: str) -> dict[str, float] | None:
        values = {p: log.get(f"{q} percentile {name} (ns)") for p, q in _LOG_PERCENTILES}
        kept = {p: float(v) / 1e9 for p, v in values.items() if v is not None}
        return kept or None

    level = _clean(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        requests_completed=0,
        requests_failed=0,
        request_rate=float(log["Scheduled samples per second"]),
        req_per_s=float(log["Completed samples per second"]),
        output_tokens_per_s=float(log["Completed tokens per second"]),
        ttft_s=pcts("first token latency"),
        itl_s=pcts("time to output token"),
        e2e_s=pcts("latency"),
    )
    bounds = {k: log.get(f"{k}_latency (ns)") for k in ("ttft", "tpot")}
    limits = ", ".join(f"{k.upper()} p99 <= {float(v) / 1e9:g} s" for k, v in bounds.items() if v is not None)
    meta = {"tool": f"MLPerf Inference LoadGen ({scenario})"}
    note = (
        f"MLPerf {scenario} run ({log.get('SUT name', '?')}): one load level, Poisson arrivals scheduled at "
        f"{log['Scheduled samples per second']}/s (target_qps {log.get('target_qps', '?')}), VALID within "
        f"{limits or 'the scenario latency bounds'}; LoadGen TPOT mapped to ITL; requests_completed 0 because "
        "the summary gives rates, not counts; the request shape is the caller's (the dataset's mean tokens)"
    )
    return [level], meta, note
