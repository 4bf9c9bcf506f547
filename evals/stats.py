"""The success rate's interval: Wilson's score interval, which stays inside [0, 1] and behaves at 0 or n."""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).

    Worked: 8 of 10 at 95 % → p̂ 0.8, centre (0.8 + 0.19207) / 1.38415 = 0.71674, half-width
    1.95996 · √(0.016 + 0.009604) / 1.38415 = 0.22658 → (0.4902, 0.9433).

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    >>> wilson_interval(0, 5)[0], round(wilson_interval(5, 5)[1], 12)
    (0.0, 1.0)
    """
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes <= 0 else max(0.0, centre - half)  # exact at the ends, whatever the rounding
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high
