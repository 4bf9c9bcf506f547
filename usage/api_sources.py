"""The usage sources that come as an API's own response pages or log records: OpenAI, Anthropic, OpenRouter
(activity and generations) and AWS Bedrock invocation logs."""

from __future__ import annotations

from usage.source_sql import DAY_S, Source, canonical, json_reader

OPENAI = Source(
    "openai",
    "OpenAI Usage API (completions buckets)",
    ("num_model_requests", "input_cached_tokens"),
    "WITH pages AS (SELECT * FROM "
    + json_reader(
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
    + json_reader(f"data: 'STRUCT(starting_at VARCHAR, ending_at VARCHAR, results {_ANTHROPIC_RESULT}[])[]'")
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
    + json_reader(
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
    + json_reader(
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
    + json_reader(
        '"timestamp": \'VARCHAR\', "modelId": \'VARCHAR\', input: \'STRUCT("inputTokenCount" BIGINT, '
        '"cacheReadInputTokenCount" BIGINT, "cacheWriteInputTokenCount" BIGINT)\', '
        "output: 'STRUCT(\"outputTokenCount\" BIGINT)'"
    ),
)
