-- The usage aggregation: canonical usage rows -> one row per UTC hour, model and provider.
--
-- `inference-roi usage` runs exactly this query in DuckDB over the rows of each export
-- (usage/sources.py turns every supported format into `usage_rows`). Where the logs already
-- live in a warehouse, run it there instead and import its result as the generic CSV
-- (README, "Usage exports"):
--   * BigQuery: replace date_trunc('hour', ts) by TIMESTAMP_TRUNC(ts, HOUR);
--   * Athena / Trino and Spark SQL: as written;
-- then export with the hour as an ISO-8601 UTC timestamp (e.g. 2026-10-01T13:00:00Z) under the
-- header `timestamp,model,provider,requests,input_tokens,cached_input_tokens,cache_write_tokens,
-- output_tokens,reasoning_tokens,cost_usd` and pass that file to `inference-roi usage`.
--
-- usage_rows(ts TIMESTAMP WITH TIME ZONE, model, provider, requests, input_tokens (all input,
--   cached and cache-write included), cached_input_tokens, cache_write_tokens, output_tokens
--   (reasoning included), reasoning_tokens, cost_usd)
SELECT
    date_trunc('hour', ts) AS hour,
    model,
    provider,
    sum(requests) AS requests,
    sum(input_tokens) AS input_tokens,
    sum(cached_input_tokens) AS cached_input_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cost_usd) AS cost_usd,
    count(*) AS source_rows
FROM usage_rows
GROUP BY date_trunc('hour', ts), model, provider
ORDER BY hour, model, provider
