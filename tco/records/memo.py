"""Answers kept between evaluations that differ in something the answer does not depend on.

The app re-evaluates the whole scenario on every edit; the commonest edit, the monthly volume, changes neither a
replica's capacity at the SLO nor a pair's break-even volumes (both are searched independently of the volume).
A `Memo` keeps the last `entries` answers of one pure function, keyed by the SHA-256 of its pickled arguments:
equal arguments give the kept answer, any difference in them a fresh computation, so a kept answer is always the
one the function would return. Thread-safe (the app's sessions share it).

>>> calls = []
>>> square = Memo(lambda x: calls.append(x) or x * x, entries=2)
>>> square(3), square(3), calls
(9, 9, [3])
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Memo(Generic[P, R]):
    """`function` with its last `entries` answers kept (least recently used first out)."""

    def __init__(self, function: Callable[P, R], entries: int = 256) -> None:
        self.function = function
        self.entries = entries
        self._kept: OrderedDict[bytes, R] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = hashlib.sha256(pickle.dumps((args, sorted(kwargs.items())))).digest()
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        answer = self.function(*args, **kwargs)
        with self._lock:
            self._kept[key] = answer
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
