"""Validate parsed data into frozen, typed records with pydantic, at the edge, once."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError

from datafiles.errors import InputError, format_validation_error
from datafiles.types import in_words, type_clash

T = TypeVar("T")

STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)
"""Config for every record read from a file: unknown keys are errors, records are immutable, numbers finite."""


@cache
def _adapter(record_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(record_type)


def parse_as(record_type: type[T], data: Any, file: str, prefix: str = "") -> T:
    """Validate `data` as `record_type`; raise `InputError` naming file and field on failure. `true`/`false`
    are accepted only where the schema takes a boolean (datafiles.types): never read as 1 or 0."""
    clash = type_clash(record_type, data, only={"boolean"})
    if clash is not None:
        path, expected, found = clash
        field = f"{prefix}.{path}" if prefix and path != "(top level)" else (prefix or path)
        raise InputError(
            file, field, f"expected {in_words(expected)}, got {in_words(found)} (true/false are not numbers)"
        )
    try:
        return _adapter(record_type).validate_python(data)
    except ValidationError as exc:
        raise format_validation_error(file, exc, prefix) from None
