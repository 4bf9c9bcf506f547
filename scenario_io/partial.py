"""Compute what can be computed: an option whose own fields are bad is set aside with its error, the rest run.

Validation and resolution name a bad option's field as `options[i].…`. `without_bad_options` retries the
whole computation without that option, once per bad option, and hands back the options set aside, each by
its id with its own problem, for the caller to show in the option's own row. An error outside `options`
(the workload, the SLO, finance) still stops the computation: it concerns every option.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from datafiles import InputError
from tco.records.results import OptionError

T = TypeVar("T")
_OPTION_FIELD = re.compile(r"^options\[(\d+)\]\.?(.*)$")


def without_bad_options(data: dict[str, Any], compute: Callable[[dict[str, Any]], T]) -> tuple[T, list[OptionError]]:
    """`compute(data)`, else `compute` of `data` less each option an `InputError` names.

    >>> calls = []
    >>> def compute(d):
    ...     calls.append(len(d["options"]))
    ...     if any(o.get("gpu") == "?" for o in d["options"]):
    ...         bad = next(i for i, o in enumerate(d["options"]) if o.get("gpu") == "?")
    ...         raise InputError("s", f"options[{bad}].gpu", "unknown GPU")
    ...     return [o["id"] for o in d["options"]]
    >>> without_bad_options({"options": [{"id": "a"}, {"id": "b", "gpu": "?"}]}, compute)
    (['a'], [OptionError(id='b', label='b', error='gpu: unknown GPU')])
    """
    options = list(data.get("options") or []) if isinstance(data.get("options"), list) else []
    set_aside: list[OptionError] = []
    current = data
    while True:
        try:
            return compute(current), set_aside
        except InputError as err:
            match = _OPTION_FIELD.match(err.field or "")
            if match is None or int(match.group(1)) >= len(options) or len(options) <= 1:
                raise
            index = int(match.group(1))
            bad = options.pop(index)
            option_id = str(bad.get("id") or f"options[{index}]") if isinstance(bad, dict) else f"options[{index}]"
            label = str(bad.get("model") or option_id) if isinstance(bad, dict) else option_id
            field = re.sub(r"^(api|self_hosted|distilled)\.", "", match.group(2))  # pydantic names the union's branch
            set_aside.append(OptionError(option_id, label, f"{field}: {err.expected}" if field else err.expected))
            current = {**data, "options": list(options)}
