"""Field checks for InferenceX records, before anything is computed from them: every number a deployment and a level
are read from is a number in range, every name a plain one-line label. A bad field is named with its record's
position (`records[3].osl`) and the form expected; nothing downstream sees a boolean read as 1, a string, a zero
output length or a newline in a GPU name.
"""

from __future__ import annotations

import math
import re
from typing import Any

from datafiles import InputError

LABELS = ("hw", "hardware", "framework", "model", "precision", "spec_method", "image", "date", "benchmark_type",
          "offload_mode")  # fmt: skip
"""Names: kept to one line of at most `LABEL_CHARS` characters, a slash (which parts a deployment's key) as '-'."""
LABEL_CHARS = 80
RECORD_INDEX = "_record"
"""Where `checked` keeps the record's position in the file, to name it in a later error."""
GPU_COUNTS = ("tp", "decode_tp", "prefill_tp", "pp", "ep", "decode_ep", "prefill_ep")
"""Whole numbers ≥ 1."""
SIDE_GPUS = ("num_prefill_gpu", "num_decode_gpu")
"""Whole numbers ≥ 0 (0: that side is not counted apart)."""
POSITIVE = ("isl", "osl", "conc", "output_tput_per_gpu", "tput_per_gpu")
"""Numbers > 0: lengths, concurrency and throughput."""


def label(value: Any) -> str:
    """A name as one plain line.

    >>> label("mi355x\\nrm -rf"), label("b200/trt"), label(8)
    ('mi355x rm -rf', 'b200-trt', '8')
    """
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value)).strip()
    return text.replace("/", "-")[:LABEL_CHARS]


def _number(value: Any, field: str, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError("", field, f"{expected} (got {value!r:.40})")
    try:
        number = float(value)
    except ValueError:
        raise InputError("", field, f"{expected} (got {value!r:.40})") from None
    if not math.isfinite(number):
        raise InputError("", field, f"{expected} (got {value!r:.40})")
    return number


def checked(record: dict[str, Any], index: int) -> dict[str, Any]:
    """`record` with its labels cleaned and its numbers checked (`LABELS`, `GPU_COUNTS`, `SIDE_GPUS`, `POSITIVE`);
    a missing or null field stays missing.

    >>> checked({"isl": "1024", "osl": 1024, "conc": 4, "hw": "h200/nb"}, 0)
    {'isl': 1024.0, 'osl': 1024.0, 'conc': 4.0, 'hw': 'h200-nb', '_record': 0}
    >>> try:
    ...     checked({"osl": 0}, 3)
    ... except InputError as error:
    ...     print(error.field, "|", error.expected)
    records[3].osl | a number > 0 (got 0)
    """
    out = dict(record)
    out[RECORD_INDEX] = index
    for key in LABELS:
        if out.get(key) is not None:
            out[key] = label(out[key])
    for keys, expected, lowest in ((GPU_COUNTS, "a whole number ≥ 1", 1), (SIDE_GPUS, "a whole number ≥ 0", 0)):
        for key in keys:
            if out.get(key) is None:
                continue
            number = _number(out[key], f"records[{index}].{key}", expected)
            if number != int(number) or number < lowest:
                raise InputError("", f"records[{index}].{key}", f"{expected} (got {out[key]!r:.40})")
            out[key] = int(number)
    for key in POSITIVE:
        if out.get(key) is None:
            continue
        number = _number(out[key], f"records[{index}].{key}", "a number > 0")
        if number <= 0:
            raise InputError("", f"records[{index}].{key}", f"a number > 0 (got {out[key]!r:.40})")
        out[key] = number
    return out
