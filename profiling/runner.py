"""Run a sweep of load levels, writing raw records as they finish and the profile after every level.

A level whose requests all failed is still a measured level: it is written (0 completed, its failures
counted, their reasons by kind in `meta.notes` and each request's own reason in the raw JSONL), then the sweep
stops, since a higher load would only fail too; the command exits 0 because a profile was written. Only a
sweep that wrote no level at all (interrupted first, or no request sent) exits non-zero.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx
import yaml

from datafiles import write_atomic
from profiling import loadgen
from profiling.client import Target, send
from profiling.metadata import local_gpus, server_info
from profiling.prompts import Calibration, FilePrompt, calibrate, synthetic_text
from profiling.records import RequestRecord, summarise_level
from profiling.schema import PROFILE_VERSION, parse_profile
from profiling.transport import ConnectionPool

TOOL = "inference-roi profile 0.1.0"


@dataclass(frozen=True)
class RunConfig:
    target: Target
    input_tokens: int
    output_tokens: int
    out: Path
    concurrency: tuple[int, ...] = ()
    rates: tuple[float, ...] = ()
    requests_per_level: int | None = None
    duration_per_level_s: float | None = None
    warmup_requests: int = 2
    ramp_s: float = 0.0
    seed: int = 0
    timeout_s: float = 600.0
    prompt_file: list[FilePrompt] | None = None
    cached_input_share: float = 0.0
    """Share of each synthetic prompt that is one prefix shared by every request (prefix-cache hits)."""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def raw_path(self) -> Path:
        return self.out.with_suffix(".requests.jsonl")

    def levels(self) -> list[tuple[int | None, float | None]]:
        return [(c, None) for c in self.concurrency] + [(None, r) for r in self.rates]

    def describe(self) -> dict[str, Any]:
        """Every setting except secrets, for the profile's meta.config."""
        return {
            "base_url": self.target.base_url,
            "endpoint": self.target.endpoint,
            "model": self.target.model,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "concurrency": list(self.concurrency) or None,
            "rates": list(self.rates) or None,
            "requests_per_level": self.requests_per_level,
            "duration_per_level_s": self.duration_per_level_s,
            "warmup_requests": self.warmup_requests,
            "ramp_s": self.ramp_s,
            "seed": self.seed,
            "timeout_s": self.timeout_s,
            "prompt_file": bool(self.prompt_file),
            "cached_input_share": self.cached_input_share,
        }


class Progress:
    """One status line per level on stderr, rewritten in place."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.label = ""
        self.done = self.failed = 0
        self.total: int | None = None
        self.started = time.perf_counter()

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done, self.failed, self.started = label, total, 0, 0, time.perf_counter()
        self._draw()

    def tick(self, record: RequestRecord) -> None:
        self.done += 1
        self.failed += 0 if record.ok else 1
        now = time.perf_counter()
        if now - self.drawn >= 0.2 or self.done == self.total:  # redraw at most 5 times a second
            self._draw()

    drawn = 0.0

    def _draw(self) -> None:
        self.drawn = time.perf_counter()
        elapsed = self.drawn - self.started
        of = f"/{self.total}" if self.total else ""
        bar = ""
        if self.total:
            filled = int(20 * self.done / self.total)
            bar = "[" + "#" * filled + "." * (20 - filled) + "] "
        self.stream.write(f"\r{self.label}: {bar}{self.done}{of} requests, {self.failed} failed, {elapsed:5.1f} s")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Profiler:
    def __init__(self, config: RunConfig, progress: Progress | None = None) -> None:
        self.config = config
        self.progress = progress or Progress()
        self.rng = random.Random(config.seed)
        self.levels: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.target = config.target
        self.calibration: Calibration | None = None
        self.meta: dict[str, Any] = {}
        self.pool = ConnectionPool(config.timeout_s, connect_timeout_s=min(config.timeout_s, 30.0))
        self._failures: dict[int, str] = {}
        """Per level number: its failures by kind, e.g. 'HTTP 500 x3, timeout x1'."""

    def _prompt(self, index: int) -> tuple[str | list[dict[str, Any]], int]:
        if self.config.prompt_file:
            item = self.config.prompt_file[index % len(self.config.prompt_file)]
            return item.prompt, item.output_tokens or self.config.output_tokens
        assert self.calibration is not None
        words = self.calibration.words_for(self.config.input_tokens)
        if self.shared_prefix is None:
            return synthetic_text(words, self.rng), self.config.output_tokens
        unique = max(1, words - len(self.shared_prefix.split()))
        return f"{self.shared_prefix} {synthetic_text(unique, self.rng)}", self.config.output_tokens

    @property
    def shared_prefix(self) -> str | None:
        """One prefix of cached_input_share × the prompt's words, the same for every request of the run."""
        share = self.config.cached_input_share
        if share <= 0 or self.calibration is None:
            return None
        if self._prefix is None:
            words = self.calibration.words_for(self.config.input_tokens)
            self._prefix = synthetic_text(max(1, round(share * words) - 1), random.Random(self.config.seed + 1))
        return self._prefix

    _prefix: str | None = None

    async def _send(self, record: RequestRecord, prompt: Any) -> RequestRecord:
        return await send(self.pool, self.target, prompt, record)

    async def _probe_length_control(self) -> None:
        """Send ignore_eos/min_tokens once; drop them for the run if the server rejects unknown fields."""
        if not self.target.force_length:
            return
        prompt, _ = self._prompt(0)
        record = RequestRecord(-1, 0, 0.0, 0.0, self.config.input_tokens, min(self.config.output_tokens, 16))
        await send(self.pool, self.target, prompt, record)
        if record.status in (400, 422):
            self.target = dataclasses.replace(self.target, force_length=False)
            self.notes.append(
                f"server refused ignore_eos/min_tokens (HTTP {record.status}); sent max_tokens only, "
                "so outputs may be shorter than requested (token counts are the server's)"
            )

    def _meta(self) -> dict[str, Any]:
        usage_share = self._usage_share()
        notes = [*self.notes]
        if self.calibration is not None:
            notes.append(f"prompt length calibrated by {self.calibration.method}")
        notes.append(
            "token counts from the server's usage reports"
            if usage_share == 1.0
            else f"token counts: {usage_share:.0%} of requests from usage, the rest counted from content chunks"
        )
        meta = {**self.meta, "notes": "; ".join(notes), "config": self.config.describe()}
        return {k: v for k, v in meta.items() if v is not None}

    def _usage_share(self) -> float:
        total = sum(level["_requests"] for level in self.levels) or 1
        return sum(level["_from_usage"] for level in self.levels) / total

    def write(self) -> None:
        levels = [{k: v for k, v in level.items() if not k.startswith("_")} for level in self.levels]
        doc = {"profile_version": PROFILE_VERSION, "meta": self._meta(), "levels": levels}
        parse_profile(json.loads(json.dumps(doc, default=str)), str(self.config.out))  # never write an invalid profile
        now = dt.datetime.now(dt.UTC)
        header = f"# Measured by {TOOL} on {now:%Y-%m-%d %H:%M} UTC. Raw requests: {self.config.raw_path.name}\n"
        write_atomic(self.config.out, header + yaml.safe_dump(doc, sort_keys=False, width=120))

    async def run(self) -> list[dict[str, Any]]:
        cfg = self.config
        root = cfg.target.url.split("/v1/")[0]
        # httpx for the few setup calls; the measured requests go through self.pool (transport.py)
        # each setup call within min(its own deadline, --timeout), its body bounded (datafiles.fetch)
        setup_s = min(cfg.timeout_s, 120.0)
        async with httpx.AsyncClient(timeout=httpx.Timeout(setup_s, connect=min(setup_s, 30.0))) as client:
            info = await server_info(client, root, setup_s)
            if not cfg.prompt_file:
                self.calibration = await calibrate(client, self.target, self.rng, setup_s)
        gpu = local_gpus()
        self.meta = {
            "model": cfg.meta.get("model_id") or cfg.target.model,
            "engine": cfg.meta.get("engine") or info.engine or "unknown",
            "engine_version": cfg.meta.get("engine_version") or info.version,
            "gpu": cfg.meta.get("gpu") or (gpu.name if gpu else "unknown"),
            "gpu_count": cfg.meta.get("gpu_count") or (gpu.count if gpu else 1),
            "tensor_parallel": cfg.meta.get("tensor_parallel"),
            "precision": cfg.meta.get("precision"),
            "speculative_decoding": cfg.meta.get("speculative_decoding"),
            "source": "measured",
            "tool": TOOL,
            "measured_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "measured_by": cfg.meta.get("measured_by"),
            "base_url_host": urlsplit(root).netloc,
            "cached_input_share": cfg.cached_input_share or None,
        }
        try:
            await self._probe_length_control()
            cfg.raw_path.parent.mkdir(parents=True, exist_ok=True)
            with cfg.raw_path.open("w", encoding="utf-8") as raw:
                for number, (concurrency, rate) in enumerate(cfg.levels()):
                    if number and cfg.ramp_s:
                        await asyncio.sleep(cfg.ramp_s)
                    level = await self._level(raw, number, concurrency, rate)
                    if level is None:  # a rate so low that no request fell inside the level's duration
                        self.progress.stream.write(f"level {number + 1}/{len(cfg.levels())} sent no request\n")
                        continue
                    self.levels.append(level)
                    self.write()
                    if level["requests_completed"] == 0:  # written above with its failures; no use going higher
                        self.progress.stream.write(
                            f"level {number + 1}/{len(cfg.levels())} had no successful request "
                            f"({self._reasons(number)}); kept in the profile, stopping the sweep\n"
                        )
                        break
        finally:
            self.pool.close()
        return self.levels

    def _reasons(self, number: int) -> str:
        return self._failures.get(number, "no request")

    async def _level(
        self, raw: TextIO, number: int, concurrency: int | None, rate: float | None
    ) -> dict[str, Any] | None:
        cfg = self.config

        def new_record(index: int, scheduled: float) -> RequestRecord:
            prompt, output_tokens = self._prompt(index)
            record = RequestRecord(number, index, scheduled, 0.0, cfg.input_tokens, output_tokens)
            prompts[id(record)] = prompt
            return record

        prompts: dict[int, Any] = {}

        async def measured(record: RequestRecord) -> RequestRecord:
            await self._send(record, prompts.pop(id(record)))
            raw.write(json.dumps(record.to_json()) + "\n")
            raw.flush()
            self.progress.tick(record)
            return record

        async def warm(record: RequestRecord) -> RequestRecord:
            return await self._send(record, prompts.pop(id(record)))

        if cfg.warmup_requests:
            width = concurrency or max(1, min(cfg.warmup_requests, 8))
            await loadgen.closed_loop(width, cfg.warmup_requests, None, new_record, warm)
        label = f"level {number + 1}/{len(cfg.levels())} " + (
            f"concurrency {concurrency}" if concurrency else f"rate {rate:g}/s"
        )
        self.progress.start(label, cfg.requests_per_level)
        if concurrency is not None:
            records = await loadgen.closed_loop(
                concurrency, cfg.requests_per_level, cfg.duration_per_level_s, new_record, measured
            )
        else:
            assert rate is not None
            records = await loadgen.poisson(
                rate, cfg.requests_per_level, cfg.duration_per_level_s, cfg.seed + number, new_record, measured
            )
        self.progress.finish()
        if not records:
            return None
        level = summarise_level(records, concurrency, rate)
        kinds: dict[str, int] = {}
        for record in records:
            if not record.ok:
                kind = (record.error or "no generated token").split(":")[0][:60]
                kinds[kind] = kinds.get(kind, 0) + 1
        if kinds:
            self._failures[number] = ", ".join(f"{k} x{v}" for k, v in kinds.items())
            self.notes.append(f"level {number + 1} errors: {self._failures[number]}")
        level["_requests"] = len([r for r in records if r.ok])
        level["_from_usage"] = len([r for r in records if r.ok and r.tokens_from_usage])
        return level


def summary_table(levels: list[dict[str, Any]]) -> str:
    head = (
        f"{'load':>12} {'ok':>6} {'fail':>5} {'req/s':>8} {'out tok/s':>10} "
        f"{'TTFT p50':>9} {'TTFT p99':>9} {'ITL p50':>8} {'ITL p99':>8}"
    )
    lines = [head, "-" * len(head)]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:.1f}ms"

    for level in levels:
        load = f"c={level['concurrency']}" if level["concurrency"] else f"{level['request_rate']:g}/s"
        lines.append(
            f"{load:>12} {level['requests_completed']:>6} {level['requests_failed']:>5} {level['req_per_s']:>8.2f} "
            f"{level['output_tokens_per_s']:>10.1f} {ms(level['ttft_s']['p50']):>9} {ms(level['ttft_s']['p99']):>9} "
            f"{ms(level['itl_s']['p50']):>8} {ms(level['itl_s']['p99']):>8}"
        )
    return "\n".join(lines)
