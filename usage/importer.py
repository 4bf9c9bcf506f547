"""Read usage exports with DuckDB, out of core, into hourly buckets per model. Only sums leave here.

One file at a time: detect its format (`usage.detect`), turn its rows into canonical usage rows
(`usage.sources`) in a DuckDB temporary table (spilled to disk past `MEMORY_LIMIT`), check them, and run
`usage/hourly.sql` — the same query documented for warehouses — plus per-model token percentiles for
per-request logs. Python never holds the file's rows, only the hourly sums.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from datafiles import InputError
from datafiles.errors import excerpt
from tco.workload.usage_records import TokenPercentiles, UsageBucket
from usage.detect import detect
from usage.source_sql import DAY_S, Source
from usage.sources import COLUMNS
from usage.staging import spill_folder, staged

MEMORY_LIMIT = "1GB"
HOURLY_SQL = resources.files("usage").joinpath("hourly.sql").read_text()
PERCENTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
_TS_FORM = "an ISO-8601 time with its offset, e.g. 2026-10-01T13:00:00Z or 2026-10-01T15:00:00+02:00"


@dataclass(frozen=True)
class ImportedFile:
    """One export, read: its format, grain, rows and hourly buckets."""

    name: str
    source: str
    title: str
    granularity: str
    source_rows: int
    buckets: tuple[UsageBucket, ...]
    percentiles: dict[tuple[str, str | None], TokenPercentiles]
    span: tuple[dt.datetime, dt.datetime]
    """Whole UTC days from the first row's day to the day after the last row's: what the file covers."""
    counts_requests: bool
    first: dt.datetime
    """The first row's time (UTC)."""
    last: dt.datetime
    """The last row's time (UTC; a bucket's start for bucketed sources)."""


def connect(export: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that may read the one staged export's folder and nothing else (usage.staging): no
    other file, no extension installed or loaded, no network; UTC, bounded memory, spilling beside the export."""
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": str(spill_folder(export)),
            "threads": 2,
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # it writes to stdout, where `--format json` goes
    con.execute("SET allowed_directories = ?", [[str(export.parent) + os.sep]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def import_file(path: Path, name: str, forced: str | None = None) -> ImportedFile:
    """Read one export. `name` is what errors call the file (the upload's own name in the app)."""
    with staged(path, name) as export:
        con = connect(export)
        try:
            source, kind = detect(con, export, name, forced)
            try:
                return _import(con, export, name, source, kind)
            except duckdb.Error as err:
                raise _input_error(err, name, source) from None
        finally:
            con.close()


def _reader(con: duckdb.DuckDBPyConnection, path: Path, source: Source, kind: str) -> str:
    """The FROM clause of a table-shaped source: CSV, JSON records or Parquet, absent columns as NULL."""
    wanted = dict(re.findall(r"\"?(\w+)\"?: '([^']+)'", COLUMNS[source.title]))
    if kind == "json":
        return "read_json(?, format = 'auto', columns = {" + COLUMNS[source.title] + "})"
    if kind == "parquet":
        present = {row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
        base = "read_parquet(?)"
    else:
        header = "DESCRIBE SELECT * FROM read_csv(?, header = true, all_varchar = true)"
        present = {row[0] for row in con.execute(header, [str(path)]).fetchall()}
        types = ", ".join(f"\"{c}\": '{t}'" for c, t in wanted.items() if c in present)
        base = f"read_csv(?, header = true, types = {{{types}}})"
    absent = [f'CAST(NULL AS {t}) AS "{c}"' for c, t in wanted.items() if c not in present]
    return f"(SELECT *{''.join(', ' + a for a in absent)} FROM {base})"


def _import(con: duckdb.DuckDBPyConnection, path: Path, name: str, source: Source, kind: str) -> ImportedFile:
    sql = source.sql.replace("{reader}", _reader(con, path, source, kind)) if "{reader}" in source.sql else source.sql
    con.execute(f"CREATE TEMP TABLE usage_rows AS {sql}", [str(path)])
    _check(con, name, source)
    rows = con.execute(HOURLY_SQL).fetchall()
    buckets = tuple(
        UsageBucket(model, provider, None if requests is None else float(requests), *map(float, tokens),
                    None if cost is None else float(cost), hour=hour)
        for hour, model, provider, requests, *tokens, cost, _ in rows
    )  # fmt: skip
    first, last_start, width, max_requests, on_days, on_hours, total = con.execute(
        "SELECT min(ts), max(ts), max(width_s), max(requests), bool_and(ts = date_trunc('day', ts)),"
        " bool_and(ts = date_trunc('hour', ts)), count(*) FROM usage_rows"
    ).fetchone()  # type: ignore[misc]
    granularity = _granularity(width, max_requests, on_days, on_hours)
    day = dt.timedelta(days=1)
    start_day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    span = (start_day, last_start.replace(hour=0, minute=0, second=0, microsecond=0) + day)
    """whole UTC days from the first to the last row: what 'covered' means for months and the mean hour"""
    percentiles = _percentiles(con) if granularity == "request" else {}
    return ImportedFile(name, source.name, source.title, granularity, int(total), buckets, percentiles, span,
                        source.counts_requests, first, last_start)  # fmt: skip


def _granularity(width: int | None, max_requests: float | None, on_days: bool, on_hours: bool) -> str:
    """'request' for per-request logs, else the bucket: 'hour' (minute buckets are summed to hours) or 'day'."""
    if width is not None:
        return "request" if width == 0 else "day" if width >= DAY_S else "hour"
    if max_requests is not None and max_requests <= 1:
        return "request"
    return "day" if on_days else "hour" if on_hours else "request"


def _percentiles(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str | None], TokenPercentiles]:
    """Per-model token percentiles by t-digest (`approx_quantile`): bounded memory at any row count."""
    points = ", ".join(str(p) for p in PERCENTILES)
    rows = con.execute(
        f"SELECT model, provider, approx_quantile(input_tokens, [{points}]), approx_quantile(output_tokens, [{points}])"
        " FROM usage_rows GROUP BY model, provider"
    ).fetchall()
    keys = [f"p{round(p * 100)}" for p in PERCENTILES]
    return {
        (model, provider): TokenPercentiles(dict(zip(keys, inp, strict=True)), dict(zip(keys, out, strict=True)))
        for model, provider, inp, out in rows
    }


_COUNTS = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens")
MAX_TOKENS_PER_REQUEST = 1e8
"""The scenario's own limit on a request's tokens (tco.records.units.Tokens): a row over it is refused here, by name."""
MAX_COUNT = 1e15
"""Largest token or request count in one row: a year of a hyperscaler's traffic is ~1e15 tokens."""

_CHECKS = (
    ("ts IS NULL", "timestamp", "a time in every row"),
    ("no_offset", "timestamp", f"{_TS_FORM} (a time without offset is ambiguous)"),
    ("model IS NULL OR trim(model) = ''", "model", "a model id in every row (OpenAI: export with group_by=model)"),
    ("input_tokens IS NULL OR output_tokens IS NULL", "input_tokens/output_tokens", "token counts in every row"),
    *(
        (
            f"NOT isfinite({column}) OR abs({column}) > {MAX_COUNT:.0e}",
            column,
            f"a finite count up to {MAX_COUNT:.0e} (not NaN, inf or an overflowing number like 1e400)",
        )
        for column in (*_COUNTS, "requests")
    ),
    (
        "least(input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens) < 0"
        " OR requests < 0",
        "tokens",
        "counts of zero or more",
    ),
    (
        "cached_input_tokens + cache_write_tokens > input_tokens",
        "cached_input_tokens",
        "cached and cache-write tokens within the input tokens (input counts them too)",
    ),
    ("reasoning_tokens > output_tokens", "reasoning_tokens", "reasoning tokens within the output tokens"),
    (
        f"requests > 0 AND greatest(input_tokens, output_tokens) / requests > {MAX_TOKENS_PER_REQUEST:.0e}",
        "input_tokens/output_tokens",
        f"at most {MAX_TOKENS_PER_REQUEST:,.0f} tokens per request",
    ),
    ("ts < TIMESTAMPTZ '2000-01-01' OR ts > TIMESTAMPTZ '2100-01-01'", "timestamp", "a time between 2000 and 2100"),
)
"""Each rule in SQL, the column it names, what was expected. NULL counts (absent columns) pass the finite rule:
SQL's NOT NULL is NULL, not true; the 'in every row' rule covers the ones that must be there."""


def _check(con: duckdb.DuckDBPyConnection, name: str, source: Source) -> None:
    counts = con.execute(
        "SELECT count(*), " + ", ".join(f"count(*) FILTER (WHERE {cond})" for cond, _, _ in _CHECKS)
        + " FROM usage_rows"
    ).fetchone()  # fmt: skip
    assert counts is not None
    if counts[0] == 0:
        raise InputError(name, "", f"no usage rows in this {source.title} file; expected at least one")
    for (cond, column, expected), bad in zip(_CHECKS, counts[1:], strict=True):
        if bad:
            first = con.execute(f"SELECT strftime(ts, '%Y-%m-%d %H:%M'), model FROM usage_rows WHERE {cond} LIMIT 1")
            when, model = first.fetchone() or (None, None)
            at = f" (first: {excerpt(model or 'no model', 60)} at {when or 'no time'} UTC)" if when or model else ""
            raise InputError(name, column, f"{bad:,} of {counts[0]:,} rows fail; expected {expected}{at}")


_LINE = re.compile(r"Line: (\d+)")
_COLUMN = re.compile(r'converting column "([^"]+)"')
_TYPE = re.compile(r"to '?(\w+)'?\s*$", re.MULTILINE)


def _input_error(err: duckdb.Error, name: str, source: Source) -> InputError:
    """DuckDB's error in our words: the row and column where it says them, never a line's content."""
    text = str(err)
    line, column = _LINE.search(text), _COLUMN.search(text)
    if column:
        where = f"row {int(line.group(1)) - 1} (line {line.group(1)}), column {column.group(1)}" if line else (
            f"column {column.group(1)}")  # fmt: skip
        return InputError(name, where, "expected a number here")
    if isinstance(err, duckdb.ConversionException | duckdb.InvalidInputException) and (
        "timestamp" in text.lower() or "date" in text.lower()
    ):
        return InputError(name, "timestamp", f"a time could not be read; expected {_TS_FORM}")
    first = text.splitlines()[0] if text else type(err).__name__
    first = re.sub(r'"[^"]*"|\'[^\']*\'', "…", first)[:200]  # no value from the file is echoed
    return InputError(name, "", f"could not be read as a {source.title} file ({first}); see README, Usage exports")


def import_files(paths: Sequence[tuple[Path, str]], forced: str | None = None) -> list[ImportedFile]:
    """Every (path, display name) in turn; the first bad file raises `InputError` naming it."""
    return [import_file(path, name, forced) for path, name in paths]
