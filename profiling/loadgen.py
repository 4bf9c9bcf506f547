"""Load patterns for one level: a fixed number of concurrent streams, or Poisson arrivals at a rate."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

from profiling.records import RequestRecord

SendFn = Callable[[RequestRecord], Awaitable[RequestRecord]]
NewRecord = Callable[[int, float], RequestRecord]


BACKOFF_S = (0.05, 1.0)


def _unreachable(record: RequestRecord) -> bool:
    return bool(record.error) and str(record.error).startswith("connection error")


async def closed_loop(
    concurrency: int, count: int | None, duration_s: float | None, new_record: NewRecord, send: SendFn
) -> list[RequestRecord]:
    """`concurrency` workers, each sending its next request as soon as the last one finishes."""
    records: list[RequestRecord] = []
    next_index = 0
    deadline = time.perf_counter() + duration_s if duration_s is not None else None

    async def worker() -> None:
        nonlocal next_index
        pause = 0.0
        while True:
            if count is not None and next_index >= count:
                return
            if deadline is not None and time.perf_counter() >= deadline:
                return
            index = next_index
            next_index += 1
            record = await send(new_record(index, time.perf_counter()))
            records.append(record)
            # a refused connection fails at once: back off (50 ms doubling to 1 s) rather than spin
            pause = min(max(pause * 2, BACKOFF_S[0]), BACKOFF_S[1]) if _unreachable(record) else 0.0
            if pause:
                await asyncio.sleep(pause)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return records


async def poisson(
    rate_per_s: float, count: int | None, duration_s: float | None, seed: int, new_record: NewRecord, send: SendFn
) -> list[RequestRecord]:
    """Open loop: exponential gaps (seeded), each request sent on schedule however many are in flight."""
    rng = random.Random(seed)
    start = time.perf_counter()
    offset = 0.0
    tasks: list[asyncio.Task[RequestRecord]] = []
    index = 0
    while count is None or index < count:
        offset += rng.expovariate(rate_per_s)
        if duration_s is not None and offset > duration_s:
            break
        delay = start + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(new_record(index, start + offset))))
        index += 1
    return list(await asyncio.gather(*tasks))
