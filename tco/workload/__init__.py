"""Demand: API usage buckets summed into the workload a scenario asks for (volume, classes, peak, growth).

May import: records.
"""

from tco.workload.calendar_periods import month_key
from tco.workload.usage import growth_per_month, summarise
from tco.workload.usage_records import ASSUMED_OUTPUT_TOKENS_PER_REQUEST, TokenPercentiles, UsageBucket, UsageSummary

__all__ = [
    "ASSUMED_OUTPUT_TOKENS_PER_REQUEST",
    "TokenPercentiles",
    "UsageBucket",
    "UsageSummary",
    "growth_per_month",
    "month_key",
    "summarise",
]
