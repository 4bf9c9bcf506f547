"""Where parsed data has the wrong JSON type for a record, read from the record's own JSON schema.

Two edges use it: `parse_as` refuses `true`/`false` where the schema wants a number or text (pydantic's lax
mode would read `requests_per_month: true` as 1), and a scenario from a link is refused when any known field
has the wrong type (`options: "x"`), before the app's widgets read it (ui.state). The schema comes from the
records, so a new field is covered without listing it. Free-form places (a schema with no type, such as a
profile's `meta.config`) take anything; unknown keys are left to validation, which names them.

>>> from dataclasses import dataclass
>>> @dataclass
... class Box:
...     count: int
...     tags: list[str]
...     on: bool = False
>>> type_clash(Box, {"count": True, "tags": ["a"]}, only={"boolean"})
('count', 'integer or number', 'boolean')
>>> type_clash(Box, {"count": 1, "tags": "a", "on": True})
('tags', 'array', 'string')
>>> type_clash(Box, {"count": 1, "tags": [], "on": True}) is None
True
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.errors import PydanticUserError


@cache
def _schema(record_type: Any) -> dict[str, Any] | None:
    try:
        return TypeAdapter(record_type).json_schema()
    except PydanticUserError:  # a type with no JSON schema: nothing to compare with
        return None


def json_type(value: Any) -> str:
    """The JSON type of a parsed value: null, boolean, integer, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list | tuple) else "object" if isinstance(value, dict) else "unknown"


_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "number": "a number", "integer": "a number",
          "boolean": "true/false", "null": "nothing"}  # fmt: skip


def in_words(kinds: str) -> str:
    """JSON type names as a reader says them: 'integer or null or number' → 'a number or nothing'.

    >>> in_words("integer or null or number"), in_words("array")
    ('a number or nothing', 'a list')
    """
    said = [_WORDS.get(k, k) for k in kinds.split(" or ")]
    return " or ".join(
        dict.fromkeys(w for w in said if w != "nothing") | dict.fromkeys(["nothing"] * ("nothing" in said))
    )


def _variants(node: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    """The node's alternatives with `$ref`s resolved and anyOf / oneOf / allOf flattened."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if "$ref" in current:
            current = defs.get(current["$ref"].rsplit("/", 1)[-1], {})
        alternatives = current.get("anyOf") or current.get("oneOf") or current.get("allOf")
        if alternatives:
            stack.extend(alternatives)
        else:
            out.append(current)
    return out


def _types(variant: dict[str, Any]) -> set[str] | None:
    """The JSON types a variant allows; None where it allows anything (no type, no properties)."""
    kind = variant.get("type")
    if kind is None:
        return {"object"} if "properties" in variant else None
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return kinds | ({"number"} if "integer" in kinds else set()) | ({"integer"} if "number" in kinds else set())


def type_clash(record_type: Any, data: Any, only: Collection[str] | None = None) -> tuple[str, str, str] | None:
    """(field path, expected types, found type) of the first value whose JSON type the schema does not allow,
    or None. `only`: count only values of these found types (e.g. {"boolean"}). An integer passes where a number
    is wanted and a number where an integer is (whether 8.0 is whole is validation's business)."""
    schema = _schema(record_type)
    if schema is None:
        return None
    defs = schema.get("$defs", {})
    stack: list[tuple[str, Any, dict[str, Any]]] = [("", data, schema)]
    while stack:
        path, value, node = stack.pop()
        variants = _variants(node, defs)
        kinds = [_types(v) for v in variants]
        found = json_type(value)
        if variants and None not in kinds:
            allowed = set().union(*kinds)  # type: ignore[arg-type]
            if found not in allowed and (only is None or found in only):
                expected = " or ".join(sorted(allowed))
                return path or "(top level)", expected, found
        if found == "object":
            properties: dict[str, Any] = {}
            extra: list[dict[str, Any]] = []
            for v in variants:
                properties.update(v.get("properties", {}))
                if isinstance(v.get("additionalProperties"), dict):
                    extra.append(v["additionalProperties"])
            for key, item in value.items():
                child = properties.get(key) or (extra[0] if extra else None)
                if child is not None:
                    stack.append((f"{path}.{key}" if path else str(key), item, child))
        elif found == "array":
            for v in variants:
                fixed, rest = v.get("prefixItems") or [], v.get("items")
                for i, item in enumerate(value):
                    child = fixed[i] if i < len(fixed) else rest
                    if isinstance(child, dict):
                        stack.append((f"{path}[{i}]", item, child))
                if fixed or isinstance(rest, dict):
                    break
    return None
