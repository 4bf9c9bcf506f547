"""The SQL every usage source shares: the canonical usage row, the JSON reader, and `Source`, one export format.

Every source's query selects the same columns (the *canonical usage row*, README "Usage exports"):

    ts TIMESTAMPTZ (UTC)   model   provider   requests (NULL where the source does not count them)
    input_tokens (all input: uncached + cache read + cache write)   cached_input_tokens   cache_write_tokens
    output_tokens (reasoning included)   reasoning_tokens   cost_usd (NULL where the file reports none)
    width_s (the bucket's length in seconds; 0 for one request)   no_offset (a local time without offset)

Only count, time, model and provider fields are ever named: prompt and response bodies, user ids and
keys are never selected (JSON readers are given the exact fields to read, so bodies are not even
parsed into values). The file path is the query's one parameter (`?`), never pasted into the SQL.
Field names are each tool's documented ones; where a name varies between versions, the alternatives are read
with `coalesce`.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 86_400

_CANONICAL = """
    {ts} AS ts, CAST({model} AS VARCHAR) AS model, CAST({provider} AS VARCHAR) AS provider,
    CAST({requests} AS DOUBLE) AS requests,
    CAST({input} AS DOUBLE) AS input_tokens, CAST(coalesce({cached}, 0) AS DOUBLE) AS cached_input_tokens,
    CAST(coalesce({cache_write}, 0) AS DOUBLE) AS cache_write_tokens,
    CAST({output} AS DOUBLE) AS output_tokens, CAST(coalesce({reasoning}, 0) AS DOUBLE) AS reasoning_tokens,
    CAST({cost} AS DECIMAL(38, 10)) AS cost_usd, CAST({width_s} AS BIGINT) AS width_s,
    CAST({no_offset} AS BOOLEAN) AS no_offset"""


def canonical(**columns: str) -> str:
    """The SELECT list of a canonical usage row from per-field SQL expressions."""
    defaults = {
        "provider": "NULL",
        "cached": "0",
        "cache_write": "0",
        "reasoning": "0",
        "cost": "NULL",
        "no_offset": "false",
    }
    return _CANONICAL.format(**(defaults | columns))


def json_reader(columns: str) -> str:
    return f"read_json(?, format = 'auto', maximum_object_size = 268435456, columns = {{{columns}}})"


@dataclass(frozen=True)
class Source:
    """One export format: how to spot it, how to read it, and whether it counts requests."""

    name: str
    title: str
    markers: tuple[str, ...]
    """Field names that all appear in the file's first 64 KiB (header or first records): detection by content."""
    sql: str
    counts_requests: bool = True
    formats: str = "json"
    """'json' (the API's own response pages) or 'any' (CSV, JSON records or Parquet with these columns)."""
