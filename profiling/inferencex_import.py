"""Importers for InferenceX's published results.

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

Each converter returns (levels, meta, note) like `profiling.importers`.
"""

from __future__ import annotations

import re
from typing import Any

from datafiles import InputError
from profiling.inferencex_fields import RECORD_INDEX, checked
from profiling.sweep_importers import Converted, clean, percentiles_s

INFERENCEX_MODELS = {
    "dsr1": "deepseek-r1-0528",
    "gptoss120b": "gpt-oss-120b",
    "gptoss": "gpt-oss-120b",
    "llama70b": "llama-3.3-70b-instruct",
    "70b": "llama-3.3-70b-instruct",
    "qwen3.5": "qwen3.5-397b-a17b",
    "kimik2.5": "kimi-k2.5",
    "minimaxm2.5": "minimax-m2.5",
    "minimaxm3": "minimax-m3",
    "glm5": "glm-5",
    "glm5.1": "glm-5.1",
    "glm5.2": "glm-5.2",
    "kimik3": "kimi-k3",
    "dsv4": "deepseek-v4-pro",
}
"""InferenceX's model keys → catalogue ids: its database's keys as InferenceX-app's `DB_MODEL_TO_DISPLAY` lists them
(2026-04 to 2026-11: `dsr1`, `gptoss120b`, `llama70b`, `qwen3.5`, `kimik2.5`, `kimik3`, `minimaxm2.5`, `minimaxm3`,
`glm5`, `glm5.1`, `glm5.2`, `dsv4` for DeepSeek-V4-Pro) and the dashboard's older prefixes (`gptoss`, `70b`). Its
DeepSeek-R1 runs serve the 0528 checkpoint. A key with a precision suffix (`dsr1-fp8`) is read without it; any other
name (a model the catalogue lacks, such as `kimik2.6`) is kept as written: `--model` names it."""
PRECISION_SUFFIX = re.compile(r"-(?:fp4|fp8|mxfp4|nvfp4)(?:-.*)?$", re.IGNORECASE)
INFERENCEX_LENGTH_MEAN = 0.9


def is_inferencex_serving(doc: Any) -> bool:
    return isinstance(doc, dict) and "request_throughput" in doc and "median_ttft" in doc


def from_inferencex_serving(doc: dict[str, Any]) -> Converted:
    completed = int(doc["completed"])
    level = clean(
        concurrency=doc.get("max_concurrency"),
        requests_completed=completed,
        requests_failed=int(doc.get("num_prompts", completed)) - completed,
        duration_s=doc.get("duration"),
        input_tokens=doc["total_input_tokens"] / completed,
        output_tokens=doc["total_output_tokens"] / completed,
        req_per_s=doc["request_throughput"],
        output_tokens_per_s=doc.get("output_throughput"),
        total_tokens_per_s=(doc.get("input_throughput") or 0) + (doc.get("output_throughput") or 0) or None,
        ttft_s=percentiles_s(doc, "ttft"),
        itl_s=percentiles_s(doc, "tpot"),
        e2e_s=percentiles_s(doc, "e2el"),
    )
    meta = {"model": doc.get("model_id"), "tool": "InferenceX benchmark_serving_random.py"}
    return [level], meta, "latencies in seconds as the InferenceX harness writes them; TPOT mapped to ITL"


def _joined(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A dump's `benchmark_results` rows with their `configs` row (by `config_id`) merged in; v2 configs name
    the decode side's parallelism (`decode_tp`, …), v1 plain `tp`."""
    configs = {c["id"]: c for c in doc["configs"] if isinstance(c, dict) and isinstance(c.get("id"), int | str)}
    rows = []
    for row in doc["benchmark_results"]:
        if not isinstance(row, dict):
            return []  # not a dump's table: no records
        config_id = row.get("config_id")
        config = configs.get(config_id, {}) if isinstance(config_id, int | str) else {}
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
        if all({"isl", "osl"} <= set(r) for r in flat) and any("conc" in r for r in flat):
            return flat
    return None


def is_inferencex_records(doc: Any) -> bool:
    return _records(doc) is not None


def _model(record: dict[str, Any]) -> str:
    """The catalogue id of a record's model (`INFERENCEX_MODELS`).

    >>> _model({"model": "minimaxm2.5"}), _model({"model": "dsr1-fp8"}), _model({"model": "my-model"})
    ('minimax-m2.5', 'deepseek-r1-0528', 'my-model')
    """
    raw = str(record.get("model") or "")
    key = raw.lower()
    return INFERENCEX_MODELS.get(key) or INFERENCEX_MODELS.get(PRECISION_SUFFIX.sub("", key)) or raw


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
    if _disaggregated(record):
        if not prefill or not decode:
            raise InputError("", "num_prefill_gpu" if not prefill else "num_decode_gpu",
                             "at least 1 GPU on each side of a disaggregated deployment")  # fmt: skip
        return int(prefill) + int(decode)
    if prefill and decode and not _tensor_parallel(record):
        return max(int(prefill), int(decode))
    return (_tensor_parallel(record) or 1) * int(record.get("pp") or 1)


def _disaggregated(record: dict[str, Any]) -> bool:
    """Prefill and decode on separate GPUs: `disagg` true (a missing one: aggregated, InferenceX's default)."""
    return str(record.get("disagg")).lower() in ("true", "1")


def _config_key(record: dict[str, Any], with_model: bool = False) -> str:
    """[model/]hardware/framework/precision[/spec][/ep…][/dp-attention][/kv-offload][/disagg]/GPUs: one deployment's
    records. Expert parallelism, data-parallel attention, KV-cache offload and speculative decoding change the
    throughput, so they part records; the model leads where a document holds several (`with_model`), so two models
    never merge."""
    ep = record.get("ep") or record.get("decode_ep")
    spec = record.get("spec_method")
    parts = (
        _model(record) if with_model else None,
        _hardware(record),
        record.get("framework"),
        record.get("precision"),
        spec if spec and spec != "none" else None,
        f"ep{ep}" if ep and int(ep) > 1 else None,
        "dp-attention" if str(record.get("dp_attention") or record.get("decode_dp_attention")).lower() == "true"
        else None,
        "kv-offload" if str(record.get("offload_mode")).lower() == "on" else None,
        f"pp{record['pp']}" if (record.get("pp") or 1) > 1 else None,
        "disagg" if _disaggregated(record) else None,
        f"{_gpus(record)}gpu",
    )  # fmt: skip
    return "/".join(str(p) for p in parts if p)


def _several_models(records: list[dict[str, Any]]) -> bool:
    return len({_model(r) for r in records}) > 1


def _trace_replay(record: dict[str, Any]) -> bool:
    """InferenceX's agentic trace replays (`benchmark_type: agentic_traces`) have no fixed lengths (`isl`, `osl`
    null): a trace's own lengths are not in the record."""
    return record.get("benchmark_type") == "agentic_traces" or record.get("isl") is None or record.get("osl") is None


def _shaped_records(doc: Any) -> tuple[list[dict[str, Any]], int]:
    """(the fixed-shape records, each checked (`profiling.inferencex_fields`), how many trace replays were left out)."""
    records = [checked(r, i) for i, r in enumerate(_records(doc) or [])]
    shaped = []
    for i, r in enumerate(records):
        if _trace_replay(r):
            continue
        if r.get("conc") is None:
            raise InputError("", f"records[{i}].conc", "the concurrency the fixed-shape record ran at")
        shaped.append(r)
    if records and not shaped:
        raise InputError("", "isl", "fixed input and output lengths: these InferenceX records are agentic trace "
                         "replays only (isl and osl null), which give no request shape to model")  # fmt: skip
    return shaped, len(records) - len(shaped)


def _latest_per_point(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """One record per (isl, osl, conc), the latest run by `date` (the later one in the file on a tie), as the
    dashboard shows; and how many were dropped."""
    latest: dict[tuple[float, float, float], dict[str, Any]] = {}
    for r in records:
        point = (r["isl"], r["osl"], r["conc"])
        if point not in latest or str(r.get("date") or "") >= str(latest[point].get("date") or ""):
            latest[point] = r
    return list(latest.values()), len(records) - len(latest)


def inferencex_configurations(doc: Any) -> list[str]:
    """The deployments a records document holds, as `select` names them."""
    records, _ = _shaped_records(doc)
    return _configurations(records, _several_models(records))


def _configurations(records: list[dict[str, Any]], several: bool) -> list[str]:
    keys = set()
    for r in records:
        try:
            keys.add(_config_key(r, several))
        except InputError as err:
            raise InputError("", f"records[{r[RECORD_INDEX]}].{err.field}", err.expected) from None
    return sorted(keys)


def from_inferencex_records(doc: Any, select: str | None = None) -> Converted:
    records, traces = _shaped_records(doc)
    several = _several_models(records)
    configs = _configurations(records, several)
    if select is not None:
        records = [r for r in records if _config_key(r, several) == select]
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
    records, repeated = _latest_per_point(records)
    levels = []
    for r in records:
        try:
            levels.append(_level(r))
        except InputError as err:
            raise InputError("", f"records[{r[RECORD_INDEX]}].{err.field}", err.expected) from None
    first = records[0]
    hw = _hardware(first)
    meta = clean(
        model=_model(first) or None,
        gpu=re.split(r"[-_]", hw)[0].upper() or None,
        gpu_count=_gpus(first),
        engine=first.get("framework"),
        precision=first.get("precision"),
        tensor_parallel=_tensor_parallel(first),
        speculative_decoding=spec if (spec := first.get("spec_method")) and spec != "none" else None,
        engine_version=_one_image(records),
        tool="InferenceX",
    )  # fmt: skip
    note = (
        f"InferenceX records ({_config_key(first)}); mean lengths taken as {INFERENCEX_LENGTH_MEAN} x nominal "
        "(lengths drawn from 80-100 %); user-fetched data, not redistributed"
    )
    if traces:
        note += f"; {traces} agentic trace-replay record(s) left out (no fixed input and output lengths)"
    if repeated:
        note += f"; {repeated} record(s) at a shape and concurrency measured again: the latest run kept"
    return levels, meta, note + _builds_note(records)


def _level(r: dict[str, Any]) -> dict[str, Any]:
    """One checked record as a level: req/s = output tok/s per GPU × GPUs / mean output tokens."""
    gpus = _gpus(r)
    out_mean = float(r["osl"]) * INFERENCEX_LENGTH_MEAN
    per_gpu = r.get("output_tput_per_gpu")
    if per_gpu is None and r.get("tput_per_gpu") is not None:  # older records: the total only, split by shape
        per_gpu = float(r["tput_per_gpu"]) * float(r["osl"]) / (float(r["isl"]) + float(r["osl"]))
    if per_gpu is None:
        raise InputError("", "output_tput_per_gpu", "missing in an InferenceX record (and no tput_per_gpu)")
    return clean(
        concurrency=float(r["conc"]),
        input_tokens=float(r["isl"]) * INFERENCEX_LENGTH_MEAN,
        output_tokens=out_mean,
        requests_completed=0,
        requests_failed=0,
        req_per_s=float(per_gpu) * gpus / out_mean,
        output_tokens_per_s=float(per_gpu) * gpus,
        total_tokens_per_s=float(r["tput_per_gpu"]) * gpus if r.get("tput_per_gpu") is not None else None,
        ttft_s=percentiles_s(r, "ttft"),
        itl_s=percentiles_s(r, "tpot"),
        e2e_s=percentiles_s(r, "e2el"),
    )


def _one_image(records: list[dict[str, Any]]) -> str | None:
    """The engine image every record names, or None: a record without one (older dashboard runs) may have run on
    another build, so one named image beside an unnamed one is not "one build".

    >>> _one_image([{"image": "sglang:v0.5.12"}, {"image": "sglang:v0.5.12"}]), _one_image([{"image": "a"}, {}])
    ('sglang:v0.5.12', None)
    """
    images = {r.get("image") or None for r in records}
    return str(images.pop()) if len(images) == 1 and None not in images else None


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
