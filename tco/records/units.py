"""Bounded number types the scenario and its options are built from, and the hours in a month."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

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

LABEL_PATTERN = re.compile(r"[^\W_][\w .:/+()@-]{0,79}")
"""An option's id or a request class's name: 1–80 letters (any script), digits, spaces and . _ - : / + ( ) @,
starting with a letter or digit."""


def _label(value: str) -> str:
    """A label every surface shows as written: one line in the CLI's table, plain text in Streamlit's markdown and
    in Plotly's labels (no `<a>`, no `![image](url)`), never a formula in a spreadsheet (no leading = + - @)."""
    if not LABEL_PATTERN.fullmatch(value):
        raise ValueError(
            "expected 1–80 letters, digits, spaces and . _ - : / + ( ) @, starting with a letter or digit "
            "(e.g. glm5-h200)"
        )
    return value


Label = Annotated[str, AfterValidator(_label)]
"""An option's id or a request class's name (`LABEL_PATTERN`)."""


TITLE_MAX_CHARS = 200
"""A scenario's name at most: room for a long title, not for a page of text."""


def _title(value: str) -> str:
    """A scenario's name: one line (the CLI prints it above its table, the report in its title)."""
    if len(value) > TITLE_MAX_CHARS or re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError(
            f"expected one line of at most {TITLE_MAX_CHARS} characters, with no line breaks or control characters"
        )
    return value


Title = Annotated[str, AfterValidator(_title)]
"""A scenario's name: one line of at most `TITLE_MAX_CHARS` characters."""

HOURS_PER_MONTH = 730.0
"""Billed hours in a month (8,760 / 12), as ConfigIQ and llm-d Planner use."""
