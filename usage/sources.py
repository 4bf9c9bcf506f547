"""Each usage export's shape, as DuckDB SQL that turns its rows into our canonical usage rows.

Every source's query selects the same columns (the *canonical usage row*, README "Usage exports"):

    ts TIMESTAMPTZ (UTC)   model   provider   requests (NULL where the source does not count them)
    input_tokens (all input: uncached + cache read + cache write)   cached_input_tokens   cache_write_tokens
    output_tokens (reasoning included)   reasoning_tokens   cost_usd (NULL where the file reports none)
    width_s (the bucket's length in seconds; 0 for one request)   no_offset (a local time without offset)

Only count, time, model and provider fields are ever named: prompt and response bodies, user ids and
keys are never selected (JSON readers are given the exact fields to read, so bodies are not even
parsed into values). The file path is the query's one parameter (`?`), never pasted into the SQL.
Field names are those in `../shared/research/2026-12-data-sources.md` §4; where that study marks a
name unverified, the alternatives are read with `coalesce`.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 86_400
HOUR_S = 3_600

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


def _json(columns: str) -> str:
    return f"read_json(?, format = 'auto', maximum_object_size = 268435456, columns = {{{columns}}})"


def _csv(types: str) -> str:
    return f"read_csv(?, header = true, types = {{{types}}}, ignore_errors = false)"


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


OPENAI = Source(
    "openai",
    "OpenAI Usage API (completions buckets)",
    ("num_model_requests", "input_cached_tokens"),
    "WITH pages AS (SELECT * FROM "
    + _json(
        "data: 'STRUCT(start_time BIGINT, end_time BIGINT, results STRUCT(model VARCHAR, input_tokens BIGINT, "
        "input_cached_tokens BIGINT, output_tokens BIGINT, num_model_requests BIGINT)[])[]'"
    )
    + "), buckets AS (SELECT unnest(data) AS b FROM pages),"
    " results AS (SELECT b.start_time AS t0, b.end_time AS t1, unnest(b.results) AS r FROM buckets)"
    " SELECT"
    + canonical(
        ts="to_timestamp(t0)",
        model="r.model",
        provider="'openai'",
        requests="r.num_model_requests",
        input="r.input_tokens",
        cached="r.input_cached_tokens",
        output="r.output_tokens",
        width_s="t1 - t0",
    )
    + " FROM results",
)

_ANTHROPIC_RESULT = (
    "STRUCT(model VARCHAR, uncached_input_tokens BIGINT, cache_read_input_tokens BIGINT, "
    "cache_creation STRUCT(ephemeral_5m_input_tokens BIGINT, ephemeral_1h_input_tokens BIGINT), "
    "output_tokens BIGINT)"
)
ANTHROPIC = Source(
    "anthropic",
    "Anthropic Usage Report (messages)",
    ("uncached_input_tokens", "cache_read_input_tokens"),
    "WITH pages AS (SELECT * FROM "
    + _json(f"data: 'STRUCT(starting_at VARCHAR, ending_at VARCHAR, results {_ANTHROPIC_RESULT}[])[]'")
    + "), buckets AS (SELECT unnest(data) AS b FROM pages),"
    " results AS (SELECT CAST(b.starting_at AS TIMESTAMPTZ) AS t0, CAST(b.ending_at AS TIMESTAMPTZ) AS t1,"
    " unnest(b.results) AS r FROM buckets),"
    " split AS (SELECT *, coalesce(r.cache_creation.ephemeral_5m_input_tokens, 0)"
    " + coalesce(r.cache_creation.ephemeral_1h_input_tokens, 0) AS writes FROM results)"
    " SELECT"
    + canonical(
        ts="t0",
        model="r.model",
        provider="'anthropic'",
        requests="NULL",
        input="coalesce(r.uncached_input_tokens, 0) + coalesce(r.cache_read_input_tokens, 0) + writes",
        cached="r.cache_read_input_tokens",
        cache_write="writes",
        output="r.output_tokens",
        width_s="epoch(t1) - epoch(t0)",
    )
    + " FROM split",
    counts_requests=False,
)

OPENROUTER_ACTIVITY = Source(
    "openrouter",
    "OpenRouter activity (daily)",
    ("completion_tokens", "reasoning_tokens", "requests", "date"),
    "WITH pages AS (SELECT * FROM "
    + _json(
        "data: 'STRUCT(date VARCHAR, model VARCHAR, usage DOUBLE, requests BIGINT, prompt_tokens BIGINT, "
        "completion_tokens BIGINT, reasoning_tokens BIGINT)[]'"
    )
    + "), items AS (SELECT unnest(data) AS a FROM pages) SELECT"
    + canonical(
        ts="CAST(CAST(a.date AS DATE) AS TIMESTAMPTZ)",
        model="a.model",
        provider="'openrouter'",
        requests="a.requests",
        input="a.prompt_tokens",
        output="a.completion_tokens",
        reasoning="a.reasoning_tokens",
        cost="a.usage",
        width_s=str(DAY_S),
    )
    + " FROM items",
)

OPENROUTER_GENERATION = Source(
    "openrouter",
    "OpenRouter generation records",
    ("native_tokens_prompt", "total_cost"),
    "WITH pages AS (SELECT * FROM "
    + _json(
        "data: 'STRUCT(created_at VARCHAR, model VARCHAR, total_cost DOUBLE, tokens_prompt BIGINT, "
        "tokens_completion BIGINT, native_tokens_prompt BIGINT, native_tokens_completion BIGINT, "
        "native_tokens_reasoning BIGINT, native_tokens_cached BIGINT)'"
    )
    + ") SELECT"
    + canonical(
        ts="CAST(data.created_at AS TIMESTAMPTZ)",
        model="data.model",
        provider="'openrouter'",
        requests="1",
        input="coalesce(data.native_tokens_prompt, data.tokens_prompt)",
        cached="data.native_tokens_cached",
        output="coalesce(data.native_tokens_completion, data.tokens_completion)",
        reasoning="data.native_tokens_reasoning",
        cost="data.total_cost",
        width_s="0",
    )
    + " FROM pages",
)

_LITELLM_PROVIDER = "CASE custom_llm_provider WHEN 'bedrock' THEN 'aws' WHEN 'vertex_ai' THEN 'google' " \
    "WHEN 'gemini' THEN 'google' ELSE custom_llm_provider END"  # fmt: skip
_USAGE_OBJECT = "json_extract(CAST(metadata AS JSON), '$.usage_object')"
LITELLM_SPEND_LOGS = Source(
    "litellm",
    "LiteLLM SpendLogs (per request)",
    ("startTime", "spend", "prompt_tokens", "completion_tokens"),
    "SELECT"
    + canonical(
        ts='CAST("startTime" AS TIMESTAMPTZ)',
        model="model",
        provider=_LITELLM_PROVIDER,
        requests="1",
        input="prompt_tokens",
        cached=f"coalesce(CAST(json_extract({_USAGE_OBJECT}, '$.cache_read_input_tokens') AS BIGINT),"
        f" CAST(json_extract({_USAGE_OBJECT}, '$.prompt_tokens_details.cached_tokens') AS BIGINT))",
        cache_write=f"CAST(json_extract({_USAGE_OBJECT}, '$.cache_creation_input_tokens') AS BIGINT)",
        output="completion_tokens",
        cost="spend",
        width_s="0",
    )
    + " FROM {reader}",
    formats="any",
)
LITELLM_SPEND_LOGS_COLUMNS = (
    "\"startTime\": 'VARCHAR', model: 'VARCHAR', custom_llm_provider: 'VARCHAR', prompt_tokens: 'BIGINT', "
    "completion_tokens: 'BIGINT', spend: 'DOUBLE', metadata: 'VARCHAR'"
)

LITELLM_DAILY = Source(
    "litellm",
    "LiteLLM daily spend table",
    ("api_requests", "spend", "prompt_tokens", "date"),
    "SELECT"
    + canonical(
        ts="CAST(CAST(date AS DATE) AS TIMESTAMPTZ)",
        model="model",
        provider=_LITELLM_PROVIDER,
        requests="api_requests",
        input="prompt_tokens",
        cached="cache_read_input_tokens",
        cache_write="cache_creation_input_tokens",
        output="completion_tokens",
        cost="spend",
        width_s=str(DAY_S),
    )
    + " FROM {reader}",
    formats="any",
)
LITELLM_DAILY_COLUMNS = (
    "date: 'VARCHAR', model: 'VARCHAR', custom_llm_provider: 'VARCHAR', prompt_tokens: 'BIGINT', "
    "completion_tokens: 'BIGINT', cache_read_input_tokens: 'BIGINT', cache_creation_input_tokens: 'BIGINT', "
    "spend: 'DOUBLE', api_requests: 'BIGINT'"
)

BEDROCK = Source(
    "bedrock",
    "AWS Bedrock model-invocation logs",
    ("schemaType", "modelId"),
    "SELECT"
    + canonical(
        ts='CAST("timestamp" AS TIMESTAMPTZ)',
        model='"modelId"',
        provider="'aws'",
        requests="1",
        input='coalesce(input."inputTokenCount", 0) + coalesce(input."cacheReadInputTokenCount", 0)'
        ' + coalesce(input."cacheWriteInputTokenCount", 0)',
        cached='input."cacheReadInputTokenCount"',
        cache_write='input."cacheWriteInputTokenCount"',
        output='output."outputTokenCount"',
        width_s="0",
    )
    + " FROM "
    + _json(
        '"timestamp": \'VARCHAR\', "modelId": \'VARCHAR\', input: \'STRUCT("inputTokenCount" BIGINT, '
        '"cacheReadInputTokenCount" BIGINT, "cacheWriteInputTokenCount" BIGINT)\', '
        "output: 'STRUCT(\"outputTokenCount\" BIGINT)'"
    ),
)


def _u(key: str) -> str:
    """A count in Langfuse's `usage_details` object (its keys: input, output, input_cached_tokens, …)."""
    return f"CAST(CAST(usage_details AS JSON)->>'{key}' AS BIGINT)"


LANGFUSE = Source(
    "langfuse",
    "Langfuse observations",
    ("usage_details", "start_time"),
    "SELECT"
    + canonical(
        ts="CAST(start_time AS TIMESTAMPTZ)",
        model="model",
        requests="1",
        input=" + ".join(
            f"coalesce({_u(k)}, 0)"
            for k in ("input", "input_cached_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
        ),
        cached=f"coalesce({_u('input_cached_tokens')}, {_u('cache_read_input_tokens')})",
        cache_write=_u("cache_creation_input_tokens"),
        output=f"coalesce({_u('output')}, 0) + coalesce({_u('output_reasoning_tokens')}, 0)",
        reasoning=_u("output_reasoning_tokens"),
        cost="CAST(CAST(cost_details AS JSON)->>'total' AS DOUBLE)",
        width_s="0",
    )
    + " FROM {reader} WHERE type IS NULL OR upper(type) = 'GENERATION'",
    formats="any",
)
LANGFUSE_COLUMNS = (
    "start_time: 'VARCHAR', model: 'VARCHAR', type: 'VARCHAR', usage_details: 'VARCHAR', cost_details: 'VARCHAR'"
)

HELICONE = Source(
    "helicone",
    "Helicone request export",
    ("request_created_at", "prompt_tokens"),
    "SELECT"
    + canonical(
        ts="CAST(request_created_at AS TIMESTAMPTZ)",
        model="coalesce(model, request_model)",
        provider="lower(provider)",
        requests="1",
        input="coalesce(prompt_tokens, 0) + coalesce(prompt_cache_read_tokens, 0)"
        " + coalesce(prompt_cache_write_tokens, 0)",
        cached="prompt_cache_read_tokens",
        cache_write="prompt_cache_write_tokens",
        output="completion_tokens",
        cost="cost",
        width_s="0",
    )
    + " FROM {reader}",
    formats="any",
)
HELICONE_COLUMNS = (
    "request_created_at: 'VARCHAR', model: 'VARCHAR', request_model: 'VARCHAR', provider: 'VARCHAR', "
    "prompt_tokens: 'BIGINT', prompt_cache_read_tokens: 'BIGINT', prompt_cache_write_tokens: 'BIGINT', "
    "completion_tokens: 'BIGINT', cost: 'DOUBLE'"
)

_KIND = "lower(coalesce(\"SkuId\", '') || ' ' || coalesce(\"ChargeDescription\", ''))"
_TOKENS = (
    'CASE WHEN lower("ConsumedUnit") LIKE \'%token%\' THEN round("ConsumedQuantity" * CASE '
    "WHEN lower(\"ConsumedUnit\") LIKE '1m%' OR lower(\"ConsumedUnit\") LIKE 'million%' THEN 1e6 "
    "WHEN lower(\"ConsumedUnit\") LIKE '1k%' OR lower(\"ConsumedUnit\") LIKE 'thousand%' THEN 1e3 ELSE 1 END) "
    "ELSE 0 END"
)
FOCUS = Source(
    "focus",
    "FOCUS 1.x cost and usage (CSV)",
    ("ChargePeriodStart", "BilledCost"),
    "WITH lines AS (SELECT *, "
    + _TOKENS
    + " AS tokens, "
    + _KIND
    + " AS kind FROM {reader}) SELECT"
    + canonical(
        ts='CAST("ChargePeriodStart" AS TIMESTAMPTZ)',
        model='coalesce("ResourceName", "ResourceId")',
        provider='lower("ProviderName")',
        requests='CASE WHEN lower("ConsumedUnit") LIKE \'request%\' THEN "ConsumedQuantity" ELSE 0 END',
        input="CASE WHEN kind NOT LIKE '%output%' THEN tokens ELSE 0 END",
        cached="CASE WHEN kind LIKE '%cache read%' OR kind LIKE '%cached%' THEN tokens ELSE 0 END",
        cache_write="CASE WHEN kind LIKE '%cache write%' THEN tokens ELSE 0 END",
        output="CASE WHEN kind LIKE '%output%' THEN tokens ELSE 0 END",
        cost='coalesce("BilledCost", "EffectiveCost")',
        width_s='epoch(CAST("ChargePeriodEnd" AS TIMESTAMPTZ)) - epoch(CAST("ChargePeriodStart" AS TIMESTAMPTZ))',
    )
    + " FROM lines WHERE coalesce(\"ChargeCategory\", 'Usage') = 'Usage'",
    formats="any",
)
FOCUS_COLUMNS = (
    "\"ChargePeriodStart\": 'VARCHAR', \"ChargePeriodEnd\": 'VARCHAR', \"BilledCost\": 'DOUBLE', "
    "\"EffectiveCost\": 'DOUBLE', \"ConsumedQuantity\": 'DOUBLE', \"ConsumedUnit\": 'VARCHAR', "
    "\"ResourceName\": 'VARCHAR', \"ResourceId\": 'VARCHAR', \"ProviderName\": 'VARCHAR', \"SkuId\": 'VARCHAR', "
    "\"ChargeDescription\": 'VARCHAR', \"ChargeCategory\": 'VARCHAR'"
)

GENERIC_HEADER = (
    "timestamp",
    "model",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "requests",
)
_NO_OFFSET = (
    "CASE WHEN typeof(\"timestamp\") = 'TIMESTAMP WITH TIME ZONE' THEN false WHEN typeof(\"timestamp\") = 'VARCHAR' "
    "THEN NOT regexp_matches(CAST(\"timestamp\" AS VARCHAR), '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') ELSE true END"
)
"""A text time must end in Z or an offset; a typed time must carry its zone (Parquet: adjusted to UTC)."""
GENERIC = Source(
    "csv",
    "generic usage CSV",
    ("timestamp", "model", "input_tokens", "output_tokens"),
    "SELECT"
    + canonical(
        ts='CAST("timestamp" AS TIMESTAMPTZ)',
        model="model",
        provider="provider",
        requests="coalesce(requests, 1)",
        input="input_tokens",
        cached="cached_input_tokens",
        cache_write="cache_write_tokens",
        output="output_tokens",
        reasoning="reasoning_tokens",
        cost="cost_usd",
        width_s="NULL",
        no_offset=_NO_OFFSET,
    )
    + " FROM {reader}",
    formats="any",
)
GENERIC_COLUMNS = (
    "\"timestamp\": 'VARCHAR', model: 'VARCHAR', provider: 'VARCHAR', input_tokens: 'DOUBLE', "
    "cached_input_tokens: 'DOUBLE', cache_write_tokens: 'DOUBLE', output_tokens: 'DOUBLE', "
    "reasoning_tokens: 'DOUBLE', requests: 'DOUBLE', cost_usd: 'DOUBLE'"
)

COLUMNS = {
    LITELLM_SPEND_LOGS.title: LITELLM_SPEND_LOGS_COLUMNS,
    LITELLM_DAILY.title: LITELLM_DAILY_COLUMNS,
    LANGFUSE.title: LANGFUSE_COLUMNS,
    HELICONE.title: HELICONE_COLUMNS,
    FOCUS.title: FOCUS_COLUMNS,
    GENERIC.title: GENERIC_COLUMNS,
}
"""For the sources that come as tables (CSV, JSON records or Parquet): the columns read and their types."""

SOURCES = (
    OPENAI, ANTHROPIC, OPENROUTER_ACTIVITY, OPENROUTER_GENERATION, BEDROCK, LITELLM_DAILY, LITELLM_SPEND_LOGS,
    LANGFUSE, HELICONE, FOCUS, GENERIC,
)  # fmt: skip
"""In detection order: the more specific markers first (LiteLLM's daily table before its SpendLogs)."""
SOURCE_NAMES = ("openai", "anthropic", "openrouter", "litellm", "bedrock", "langfuse", "helicone", "focus", "csv")
