"""Validate parsed data into frozen, typed records with pydantic, at the edge, once."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError

from datafiles.errors import InputError, format_validation_error

T = TypeVar("T")

STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)
"""Config for every record read from a file: unknown keys are errors, records are immutable, numbers finite."""


@cache
def _adapter(record_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(record_type)


@cache
def _bool_fields(record_type: Any) -> frozenset[str]:
    """The names of every field of `record_type` (nested records included) whose schema admits true/false."""
    names: set[str] = set()
    stack: list[tuple[Any, str | None]] = [(_adapter(record_type).json_schema(), None)]
    while stack:
        node, key = stack.pop()
        if isinstance(node, list):
            stack.extend((item, key) for item in node)
        elif isinstance(node, dict):
            if node.get("type") == "boolean" and key:
                names.add(key)
            for name, value in node.items():
                if name == "properties" and isinstance(value, dict):
                    stack.extend((v, k) for k, v in value.items())
                elif name in ("anyOf", "oneOf", "allOf", "items", "prefixItems", "additionalProperties"):
                    stack.append((value, key))
                elif name == "$defs" and isinstance(value, dict):
                    stack.extend((v, None) for v in value.values())
    return frozenset(names)


def _refuse_booleans(record_type: Any, data: Any, file: str, prefix: str) -> None:
    """`true` where a number is expected is an error, not 1: pydantic's lax mode would read it as 1 (and
    `requests_per_month: true` as one request a month). Only the fields whose schema is boolean take one."""
    allowed = _bool_fields(record_type)
    stack: list[tuple[str, str | None, Any]] = [("", None, data)]
    while stack:
        path, key, node = stack.pop()
        if isinstance(node, bool) and key not in allowed:
            field = f"{prefix}.{path}" if prefix and path else (prefix or path or "(top level)")
            raise InputError(
                file, field, f"expected a number or text, got {str(node).lower()} (true/false are not numbers)"
            )
        if isinstance(node, dict):
            stack.extend((f"{path}.{k}" if path else str(k), str(k), v) for k, v in node.items())
        elif isinstance(node, list | tuple):
            stack.extend((f"{path}[{i}]", key, v) for i, v in enumerate(node))


def parse_as(record_type: type[T], data: Any, file: str, prefix: str = "") -> T:
    """Validate `data` as `record_type`; raise `InputError` naming file and field on failure. Booleans are
    accepted only by boolean fields (`_refuse_booleans`)."""
    _refuse_booleans(record_type, data, file, prefix)
    try:
        return _adapter(record_type).validate_python(data)
    except ValidationError as exc:
        raise format_validation_error(file, exc, prefix) from None
