"""One error type for a user's bad input: file, field and what was expected, on one line.

Whatever a user's file, field or model name holds, the message is one line: control characters (newline,
carriage return, tab, ESC, the Unicode line and paragraph separators, bidi overrides…) are written as escapes,
and a value quoted from a file is a short `excerpt`, never a dump of the file.
"""

from __future__ import annotations

import reprlib
import unicodedata
from dataclasses import dataclass

from pydantic import ValidationError

EXCERPT_CHARS = 80
"""Longest excerpt of a user's value quoted in a message (before escaping), then "…"."""
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = EXCERPT_CHARS * 2


def one_line(text: str) -> str:
    """`text` with every control, format or line-breaking character escaped, so it prints as one line.

    >>> one_line("a\\nb\\x1b[31m\\u2028c")
    'a\\\\nb\\\\x1b[31m\\\\u2028c'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
            out.append(ch)
        elif ch in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[ch])
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def clip(value: object, max_chars: int = 200) -> str:
    """`value` as text safe to echo in a one-line message, unquoted (a name, a URL, a library's message):
    control characters escaped (`one_line`), at most `max_chars` characters of it, then "…".

    >>> clip("a\\nb\\x00c"), clip("x" * 10, 4)
    ('a\\\\nb\\\\x00c', 'xxxx…')
    """
    text = str(value)
    return one_line(text[:max_chars]) + ("…" if len(text) > max_chars else "")


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, one-line, `repr`-like rendering of a user's value for an error message, cut at `limit` with "…".

    >>> excerpt("x" * 100, limit=5)
    "'xxxxx'…"
    >>> excerpt({"a": [1, 2, 3, 4, 5, 6, 7]})
    "{'a': [1, 2, 3, 4, 5, 6, ...]}"
    >>> excerpt("two\\nlines")
    "'two\\\\nlines'"
    """
    if isinstance(value, str):
        return repr(value[:limit]) + ("…" if len(value) > limit else "")  # repr escapes every unprintable char
    text = _REPR.repr(value)
    return one_line(text[:limit]) + ("…" if len(text) > limit else "")


@dataclass
class InputError(Exception):
    """Bad user input. The CLI prints `str(err)` and exits 2; the app shows it in place. Always one line."""

    file: str
    field: str
    expected: str

    def __str__(self) -> str:
        file, field, expected = one_line(str(self.file)), one_line(str(self.field)), one_line(str(self.expected))
        where = f"{file}: {field}" if field else file
        return f"{where}: {expected}"


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
        message = f"{message} (got {excerpt(first['input'])})"
    return InputError(file, field, message)
