"""When a usage export holds too few requests for its peak-to-average to mean anything.

The peak-to-average is the busiest hour's requests over the mean hour's. A count of n requests varies by about
±1/√n between otherwise identical hours (Poisson), so a busiest hour of 4 requests is 4 ± 2: a file of a handful
of requests a day gave a peak-to-average of 25.95, and Compare sized fleets "for the 25.9× peak" (a reviewer).
Below MIN_BUSIEST_REQUESTS in the busiest hour (±18 %), the ratio is said to be too thin to size a fleet on.

>>> thin_peak_note(25.95, 4.3)[:77]
'too few requests for the peak: its 25.95 rests on a busiest hour of 4 request'
>>> thin_peak_note(1.9, 5400.0) is None
True
"""

from __future__ import annotations

import math

MIN_BUSIEST_REQUESTS = 30
"""Requests the busiest hour must hold for its count to be within about ±18 % (1/√30) of what it stands for."""


def thin_peak_note(ratio: float, busiest_requests: float) -> str | None:
    """What to say where the peak rests on a busiest hour of fewer than MIN_BUSIEST_REQUESTS requests; else None."""
    if busiest_requests >= MIN_BUSIEST_REQUESTS:
        return None
    spread = 1 / math.sqrt(max(busiest_requests, 1.0))
    return (f"too few requests for the peak: its {ratio:.2f} rests on a busiest hour of {busiest_requests:.0f} "
            f"requests (a count that small varies by about ±{spread:.0%} by chance alone), too few to tell when the "
            "traffic comes; set the peak-to-average on Compare by hand, or read a busier export")  # fmt: skip
