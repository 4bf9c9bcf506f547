"""Importers for published sweeps: llm-d benchmark reports v0.2 and MLPerf summaries (InferenceX's are in
`profiling.inferencex_import`), and the helpers they share.

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

from typing import Any

from datafiles import InputError

Converted = tuple[list[dict[str, Any]], dict[str, Any], str]


def seconds(record: dict[str, Any], name: str) -> float | None:
    """`name` in seconds, or `name_ms` converted; a value that is not a number (true, a list, "abc") is refused,
    naming the field."""
    for key, scale in ((name, 1.0), (f"{name}_ms", 1000.0)):
        value = record.get(key)
        if value is None:
            continue
        expected = f"a number of {'milli' if scale > 1 else ''}seconds (got {value!r:.40})"
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InputError("", key, expected)
        try:
            return float(value) / scale
        except ValueError:
            raise InputError("", key, expected) from None
    return None


def percentiles_s(record: dict[str, Any], metric: str) -> dict[str, float] | None:
    """{p50, p90, p99} of `metric` in seconds from `median_<metric>`, `p90_<metric>`, `p99_<metric>` (or `_ms`)."""
    values = {p: seconds(record, f"{key}_{metric}") for p, key in (("p50", "median"), ("p90", "p90"), ("p99", "p99"))}
    kept = {p: v for p, v in values.items() if v is not None}
    return kept or None


def clean(**fields: Any) -> dict[str, Any]:
    """The fields that are set."""
    return {k: v for k, v in fields.items() if v is not None}


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
    level = clean(
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
    meta = clean(
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
    meta = clean(
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

    level = clean(
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
