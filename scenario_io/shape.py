"""The shape of a scenario mapping from a link: every known field of the JSON type its schema gives.

A link is decoded into the plain mapping the app edits (scenario_io.codec), and the pages' widgets read it
before the engine validates it: `options` must be a list of mappings, `workload` a mapping, a number a
number. `check_shape` compares each known field's JSON type (object, array, string, number, integer,
boolean, null) with the scenario's own schema — read from the records, so a new field is covered without
listing it here — and raises one `InputError` naming the first field of the wrong type: the link is not
opened (a widget cannot show "eight" GPUs). Ranges and cross-field rules stay with the engine's validation,
where a bad option is set aside in its own row while the others compute (scenario_io.partial). Unknown
fields pass here; validation names them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter

from datafiles import InputError
from tco.scenario import Scenario


@cache
def _schema() -> dict[str, Any]:
    return TypeAdapter(Scenario).json_schema()


def _json_type(value: Any) -> str:
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


def _variants(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The node's alternatives, `$ref`s resolved (anyOf / oneOf flattened)."""
    defs = _schema().get("$defs", {})
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if "$ref" in current:
            current = defs[current["$ref"].rsplit("/", 1)[-1]]
        alternatives = current.get("anyOf") or current.get("oneOf")
        if alternatives:
            stack.extend(alternatives)
        else:
            out.append(current)
    return out


def _types(variant: dict[str, Any]) -> set[str]:
    kind = variant.get("type")
    if kind is None:
        return {"object"} if "properties" in variant else set()
    return set(kind) if isinstance(kind, list) else {kind}


def _words(kinds: str) -> str:
    return kinds.replace("object", "a mapping").replace("array", "a list").replace("null", "nothing")


def check_shape(data: Any, name: str) -> None:
    """Raise `InputError(name, field, …)` at the first known field whose JSON type the schema does not allow."""
    stack: list[tuple[str, Any, dict[str, Any]]] = [("", data, _schema())]
    while stack:
        path, value, node = stack.pop()
        variants = _variants(node)
        allowed = set().union(*(_types(v) for v in variants)) if variants else set()
        if "number" in allowed:
            allowed.add("integer")
        if "integer" in allowed:
            allowed.add("number")  # 8.0 for 8: the engine's validation says whether it is whole
        found = _json_type(value)
        if allowed and found not in allowed:
            expected = " or ".join(sorted(allowed - ({"integer"} if "number" in allowed else set())))
            raise InputError(name, path or "(top level)", f"expected {_words(expected)}, got {_words(found)}")
        if found == "object":
            properties: dict[str, Any] = {}
            for v in variants:
                properties.update(v.get("properties", {}))
            extra = [v["additionalProperties"] for v in variants if isinstance(v.get("additionalProperties"), dict)]
            for key, item in value.items():
                schema = properties.get(key) or (extra[0] if extra else None)
                if schema is not None:
                    stack.append((f"{path}.{key}" if path else str(key), item, schema))
        elif found == "array":
            items = [v["items"] for v in variants if isinstance(v.get("items"), dict)]
            for i, item in enumerate(value):
                if items:
                    stack.append((f"{path}[{i}]", item, items[0]))
