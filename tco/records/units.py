"""Bounded number types the scenario and its options are built from, and the hours in a month."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

# Every number is finite (STRICT: allow_inf_nan=False) and inside a range the engine computes with: wide
# enough for any real deployment, narrow enough that no product or quotient overflows or divides by ~0.
NonNegative = Annotated[float, Field(ge=0, le=1e12)]
Share = Annotated[float, Field(ge=0, le=1)]
Tokens = Annotated[float, Field(ge=1, le=1e8)]
"""A mean request's tokens: 1 to 100 million."""
Volume = Annotated[float, Field(ge=1, le=1e15)]
"""Requests or tokens a month."""
Usd = Annotated[float, Field(ge=0, le=1e12)]
Seconds = Annotated[float, Field(ge=1e-4, le=86_400)]
"""A latency bound: 0.1 ms to a day."""
Kw = Annotated[float, Field(ge=0.01, le=10_000)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Term = Literal["on_demand", "reserved_1y", "reserved_3y", "spot"]

HOURS_PER_MONTH = 730.0
"""Billed hours in a month (8,760 / 12), as ConfigIQ and llm-d Planner use."""
