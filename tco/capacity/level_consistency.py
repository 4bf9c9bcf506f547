"""Whether a measured level's throughput agrees with its own latency: Little's law for a closed loop.

A level run at concurrency c keeps c requests in flight, each for E2E seconds, so it serves

    X_little = c / E2E                  requests per second (Little's law, L = λ·W)

and its reported req/s X should be close to it: X / X_little = X·E2E / c is 0.98 at the median of the 369
closed-loop levels with E2E p50 in the bundled sweeps and 48 InferenceX DeepSeek-R1 deployments (1st percentile
0.65: ramp-up and the last requests' drain run below c; the median E2E stands in for the mean). A level outside
[1/LITTLE_TOLERANCE, LITTLE_TOLERANCE] did not run as recorded: its req/s, its concurrency or its latency is wrong
(a file that counted the wrong duration, or fewer than c requests ever in flight). A level paced by a request rate
under a concurrency cap (vLLM's `--request-rate` with `--max-concurrency`) may hold fewer than its cap in flight, so
only its upper side is checked: X·E2E never exceeds the cap twice over. Such a level is left out of the
fit and of the SLO check, with the reason, where its number would otherwise bend every prediction: one
InferenceX record (DeepSeek-R1 on 8 × MI355X, 922/922 tokens at c = 512) reports 0.219 req/s where its E2E p50 of
57.6 s says 8.9; fitted in, it took the held-out 922/7,373 shape's req/s at c = 256 to 0.079 (measured 1.23).

Worked example: c = 512, E2E p50 57.65 s, 0.219 req/s reported: X_little = 512 / 57.65 = 8.88 req/s, ratio 0.025,
outside [0.5, 2]: inconsistent.

>>> from profiling.schema import Level, Percentiles
>>> level = Level(input_tokens=922, output_tokens=922, requests_completed=5120, requests_failed=0,
...               req_per_s=0.219, concurrency=512, e2e_s=Percentiles(p50=57.65))
>>> round(little_ratio(level), 3)
0.025
>>> print(inconsistency(level))
0.219 req/s reported, but 512 requests in flight for 57.6 s each (E2E p50) serve 8.88 req/s (Little's law): \
the level's throughput, concurrency or latency was not recorded as it ran, so it is left out
"""

from __future__ import annotations

from profiling.schema import Level

LITTLE_TOLERANCE = 2.0
"""How far X·E2E/c may stray from 1 (either way) before a level is called inconsistent: the corpus's honest levels and
every importer fixture read 0.64–1.1, so a factor of two is never measurement noise."""


def little_ratio(level: Level) -> float | None:
    """X·E2E p50 / c of a closed-loop level; None for a rate level or one without E2E p50 or throughput."""
    c, e2e = level.concurrency, level.e2e_s.p50
    if not c or not e2e or level.req_per_s <= 0:
        return None
    return level.req_per_s * e2e / c


def usable(level: Level) -> bool:
    """A level the fit, the calibration and the cached-share adjustment take: throughput, no failed request, and
    req/s that agrees with its own concurrency and latency."""
    return level.req_per_s > 0 and level.requests_failed == 0 and inconsistency(level) is None


def inconsistency(level: Level) -> str | None:
    """Why the level's throughput disagrees with its concurrency and latency, in words; None when it agrees (or
    cannot be checked: a rate level, no E2E)."""
    ratio = little_ratio(level)
    lowest = 0.0 if level.request_rate is not None else 1 / LITTLE_TOLERANCE  # a cap, not a closed loop
    if ratio is None or lowest <= ratio <= LITTLE_TOLERANCE:
        return None
    c, e2e = level.concurrency or 0.0, level.e2e_s.p50 or 0.0
    return (
        f"{level.req_per_s:.3g} req/s reported, but {c:g} requests in flight for {e2e:.3g} s each (E2E p50) serve "
        f"{c / e2e:.3g} req/s (Little's law): the level's throughput, concurrency or latency was not recorded as it "
        "ran, so it is left out"
    )
