"""Every usage export format, in detection order, and the columns of those that come as tables.

The SQL the sources share is in usage/source_sql.py; the API-page sources in usage/api_sources.py, the table
sources in usage/table_sources.py.
"""

from __future__ import annotations

from usage.api_sources import ANTHROPIC, BEDROCK, OPENAI, OPENROUTER_ACTIVITY, OPENROUTER_GENERATION
from usage.table_sources import (
    FOCUS,
    FOCUS_COLUMNS,
    GENERIC,
    GENERIC_COLUMNS,
    HELICONE,
    HELICONE_COLUMNS,
    LANGFUSE,
    LANGFUSE_COLUMNS,
    LITELLM_DAILY,
    LITELLM_DAILY_COLUMNS,
    LITELLM_SPEND_LOGS,
    LITELLM_SPEND_LOGS_COLUMNS,
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
