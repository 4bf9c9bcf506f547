"""The usage sources that come as tables (CSV, JSON records or Parquet): LiteLLM (SpendLogs and the daily
spend table), Langfuse, Helicone, FOCUS and the generic CSV, each with the columns read and their types."""

from __future__ import annotations

from usage.source_sql import DAY_S, Source, canonical

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
