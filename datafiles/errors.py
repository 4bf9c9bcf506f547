"""One error type for a user's bad input: file, field and what was expected, on one line."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass
class InputError(Exception):
    """Bad user input. The CLI prints `str(err)` and exits 2; the app shows it in place."""

    file: str
    field: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.expected}"


def _loc_to_field(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif not item.startswith("function-") and item not in {"list[...]"}:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(top level)"


_FRIENDLY = {
    "extra_forbidden": "unknown field (check the spelling; see the documented format)",
    "missing": "required field is missing",
    "missing_argument": "required field is missing",
    "unexpected_keyword_argument": "unknown field (check the spelling; see the documented format)",
}


def format_validation_error(file: str, err: ValidationError, prefix: str = "") -> InputError:
    """Turn pydantic's first error into an `InputError` naming the field and the expected form."""
    first = err.errors(include_url=False)[0]
    field = _loc_to_field(tuple(first["loc"]))
    if prefix:
        field = f"{prefix}.{field}" if field != "(top level)" else prefix
    message = _FRIENDLY.get(first["type"], first["msg"].removeprefix("Value error, "))  # our validators' own words
    if first["type"] not in _FRIENDLY and "input" in first and not isinstance(first["input"], dict):
        message = f"{message} (got {first['input']!r})"
    return InputError(file, field, message)


def excerpt(value: object, limit: int = 80) -> str:
    """A value as one short line for an error message: control characters escaped, cut at `limit` characters.

    >>> excerpt("evil\\nsecond line")
    'evil\\\\nsecond line'
    >>> excerpt("x" * 100, limit=10)
    'xxxxxxxxx…'
    """
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
