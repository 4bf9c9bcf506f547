"""A scenario mapping from a link has the JSON type of every known field before the app shows it.

A link is decoded into the plain mapping the app edits (scenario_io.codec), and the pages' widgets read it
before the engine validates it: `options` must be a list of mappings, `workload` a mapping, a number a
number. `check_shape` refuses the first field of the wrong JSON type, read from the scenario's own schema
(datafiles.types): the link is not opened (a widget cannot show "eight" GPUs). Ranges and cross-field rules
stay with the engine's validation, where a bad option is set aside in its own row while the others compute
(scenario_io.partial). Unknown fields pass here; validation names them.
"""

from __future__ import annotations

from typing import Any

from datafiles import InputError
from datafiles.types import in_words, type_clash
from tco.records.scenario import Scenario


def check_shape(data: Any, name: str) -> None:
    """Raise `InputError(name, field, …)` at the first known field whose JSON type the schema does not allow."""
    clash = type_clash(Scenario, data)
    if clash is not None:
        path, expected, found = clash
        raise InputError(name, path, f"expected {in_words(expected)}, got {in_words(found)}")
