"""The scenario as it was opened (an example, a link or a file) against the workload as it is now: the same demand
in another unit is no edit, and a description written for the workload as opened says so once it is edited.
`ui.state.workload_edited` asks the session; these are the rules."""

from __future__ import annotations

from typing import Any

from datafiles import InputError, parse_as
from tco.records.scenario import Workload


def same_demand(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two workloads are the same but for the unit of their volume: requests a month, or tokens a month at
    the workload's tokens a request (the form converts on a switch, rounding to a whole token, hence the tolerance).

    >>> w = {"requests_per_month": 3e6, "input_tokens": 2000, "output_tokens": 500}
    >>> same_demand(w, {**{k: v for k, v in w.items() if k != "requests_per_month"}, "tokens_per_month": 7.5e9})
    True
    >>> same_demand(w, {**w, "requests_per_month": 4e6})
    False
    """

    def rest(w: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in w.items() if k not in ("requests_per_month", "tokens_per_month")}

    def requests(w: dict[str, Any]) -> float | None:
        if w.get("requests_per_month") is not None:
            return float(w["requests_per_month"])
        try:
            return parse_as(Workload, w, "workload").base_requests_per_month
        except (InputError, ZeroDivisionError):
            return None

    if rest(a) != rest(b):
        return False
    ra, rb = requests(a), requests(b)
    if ra is None or rb is None:
        return a == b
    return abs(ra - rb) <= 1e-6 * max(abs(ra), abs(rb), 1.0)


def description_text(description: str | None, edited: bool) -> str | None:
    """The scenario's description, said to be the opened scenario's once the workload is edited: "3M turns a month"
    stayed under a volume changed to 12M, on screen and in the report (a reviewer).

    >>> description_text("A support assistant, 3M turns a month.", True)
    'A support assistant, 3M turns a month. (Written for the workload as opened; it has been edited since.)'
    """
    if not description:
        return None
    return description + (" (Written for the workload as opened; it has been edited since.)" if edited else "")
