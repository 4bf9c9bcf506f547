"""Request shapes and the grouping of a sweep's load levels by nominal shape.

A sweep is run at one nominal shape (say 2,000 input / 500 output tokens), but each level
records the *mean* token counts the server reported, which jitter (108.2 and 106.6 input tokens
for one guidellm sweep). Levels are therefore grouped by nominal shape: a level joins a group
when its input and output token counts are both within `SHAPE_TOLERANCE` (relative, 10 %) of
the group's first member, and its cached-input share is within 0.1 of it. One sweep is one curve.

>>> from profiling.schema import Level
>>> a = Level(input_tokens=108.2, output_tokens=100, requests_completed=1, requests_failed=0, req_per_s=1)
>>> b = Level(input_tokens=106.6, output_tokens=99.1, requests_completed=1, requests_failed=0, req_per_s=2)
>>> c = Level(input_tokens=2000, output_tokens=100, requests_completed=1, requests_failed=0, req_per_s=1)
>>> [g.indices for g in group_levels((a, b, c))]
[(0, 1), (2,)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from profiling.schema import Level

SHAPE_TOLERANCE = 0.10
"""Relative difference in mean input or output tokens within which two levels share a nominal shape."""
CACHED_SHARE_TOLERANCE = 0.10
"""Absolute difference in cached-input share within which two shapes are the same."""


@dataclass(frozen=True)
class Shape:
    """Mean tokens of one request: input (cached tokens included), output (reasoning included)."""

    input_tokens: float
    output_tokens: float
    cached_input_share: float = 0.0

    @property
    def uncached_input_tokens(self) -> float:
        """Input tokens the engine must prefill: I · (1 − cached share)."""
        return self.input_tokens * (1 - self.cached_input_share)

    @property
    def mean_context_tokens(self) -> float:
        """Mean tokens in the KV cache while the request decodes: I + O/2."""
        return self.input_tokens + self.output_tokens / 2

    def label(self) -> str:
        cached = f", {self.cached_input_share:.0%} cached" if self.cached_input_share else ""
        return f"{self.input_tokens:,.0f} in / {self.output_tokens:,.0f} out{cached}"

    def matches(self, other: Shape) -> bool:
        """Same nominal shape within the tolerances."""
        return (
            abs(math.log(self.input_tokens / other.input_tokens)) <= math.log1p(SHAPE_TOLERANCE)
            and abs(math.log(self.output_tokens / other.output_tokens)) <= math.log1p(SHAPE_TOLERANCE)
            and abs(self.cached_input_share - other.cached_input_share) <= CACHED_SHARE_TOLERANCE
        )


@dataclass(frozen=True)
class ShapeGroup:
    """Levels of one nominal shape; the shape is the median of its members' means."""

    shape: Shape
    indices: tuple[int, ...]


def level_shape(level: Level, cached_input_share: float) -> Shape:
    return Shape(level.input_tokens, level.output_tokens, cached_input_share)


def group_levels(levels: Sequence[Level], cached_input_share: float = 0.0) -> list[ShapeGroup]:
    """Group levels by nominal shape (see the module docstring), in order of first appearance."""
    members: list[list[int]] = []
    for index, level in enumerate(levels):
        shape = level_shape(level, cached_input_share)
        for group in members:
            if level_shape(levels[group[0]], cached_input_share).matches(shape):
                group.append(index)
                break
        else:
            members.append([index])
    groups = []
    for group in members:
        ins = sorted(levels[i].input_tokens for i in group)
        outs = sorted(levels[i].output_tokens for i in group)
        median = Shape(ins[len(ins) // 2], outs[len(outs) // 2], cached_input_share)
        groups.append(ShapeGroup(median, tuple(group)))
    return groups


def matching_group(groups: Sequence[ShapeGroup], shape: Shape) -> ShapeGroup | None:
    """The group measured at `shape` (within the tolerances), if any."""
    return next((g for g in groups if g.shape.matches(shape)), None)
