"""Bounded, strict reading of every file a user hands us: scenarios, profiles, overrides, imports, prompts.

One path in, one error type out (`InputError`, naming the file):

- the path: no NUL bytes, at most 4,096 characters; every OS error (missing, a loop of links, a path through
  a file, a name too long, permission) becomes one line;
- the file: opened without blocking and refused unless it is a regular file (a FIFO, `/dev/zero`, a device or
  a link to one would hang or never end); at most `max_bytes` bytes are *read*, whatever the size claims;
- the text: UTF-8 (a BOM is skipped), or UTF-16 / UTF-32 when the file starts with their byte-order mark; any
  other bytes are refused naming the encoding they look like (Latin-1/CP-1252, UTF-16 without a BOM,
  binary); a NUL character is never text;
- the parse (YAML or JSON): nesting at most `MAX_DEPTH` deep, checked before any recursive step; integers at
  most `MAX_DIGITS` digits; JSON's NaN / Infinity refused. YAML aliases are refused (an alias bomb expands
  exponentially when walked). Non-finite numbers that YAML spells `.inf` / `.nan` are left to the schemas,
  which refuse them naming the field (`STRICT` in datafiles.schema).
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from datafiles.errors import InputError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest data file we accept (5 MiB): real scenarios, sheets and profiles are a few KiB."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings: a scenario needs 5, a benchmark result about 8."""
MAX_DIGITS = 100
"""Longest integer literal: a googol is already more than any count or price we compute with."""
MAX_PATH_CHARS = 4096

_OS_ERRORS = {
    errno.ENOENT: "file not found",
    errno.ENOTDIR: "not found (a part of the path is a file, not a folder)",
    errno.ELOOP: "cannot be read (a loop of symbolic links)",
    errno.ENAMETOOLONG: "cannot be read (the name is too long)",
    errno.EACCES: "cannot be read (permission denied)",
    errno.EPERM: "cannot be read (permission denied)",
    errno.EISDIR: "is a directory, expected a file",
}


def os_error_message(exc: OSError) -> str:
    """One line for an OS error: the known ones in words, any other with its errno name."""
    known = _OS_ERRORS.get(exc.errno or 0)
    return known or f"cannot be read ({errno.errorcode.get(exc.errno or 0, 'OS error')}: {exc.strerror})"


def check_path(path: Path | str, name: str | None = None) -> str:
    text = os.fspath(path)
    label = name or text[:200]
    if "\x00" in text:
        raise InputError(label.replace("\x00", "\\0"), "", "the path contains a NUL byte")
    if len(text) > MAX_PATH_CHARS:
        raise InputError(label, "", f"the path is {len(text):,} characters; the limit is {MAX_PATH_CHARS:,}")
    return text


def read_bytes(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes: a regular file only, at most `max_bytes` read (see the module docstring)."""
    text = check_path(path)
    try:
        fd = os.open(text, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(text, "", os_error_message(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(text, "", "is a directory, expected a file")
        if not stat.S_ISREG(mode):
            raise InputError(text, "", "is not a regular file (a pipe, device or socket); give a saved file")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise InputError(text, "", os_error_message(exc)) from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise InputError(text, "", f"file is over the limit of {max_bytes:,} bytes")
    return b"".join(chunks)


def read_text(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A text file through `read_bytes`, decoded by `decode_text`."""
    return decode_text(read_bytes(path, max_bytes=max_bytes), os.fspath(path))


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SNIFF_BYTES = 4096


def _zero_share(data: bytes, start: int, step: int) -> float:
    picked = data[start::step]
    return picked.count(0) / len(picked) if picked else 0.0


def guess_encoding(data: bytes) -> str:
    """What bytes that are not UTF-8 look like, in words, for the error message (a guess, never a decoding).

    >>> guess_encoding("café".encode("latin-1")), guess_encoding("“q”".encode("cp1252"))
    ('Latin-1/CP-1252', 'Windows CP-1252')
    >>> guess_encoding("ab".encode("utf-16-le")), guess_encoding("ab".encode("utf-32-be"))
    ('UTF-16 LE without a byte-order mark', 'UTF-32 BE without a byte-order mark')
    """
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"BZh")):
        return "a compressed archive, not text"
    for order, offset in (("LE", 0), ("BE", 3)):
        if all(_zero_share(head, i, 4) > 0.5 for i in range(4) if i != offset):
            return f"UTF-32 {order} without a byte-order mark"
    for order, offset in (("LE", 1), ("BE", 0)):
        if _zero_share(head, offset, 2) > 0.3 and _zero_share(head, 1 - offset, 2) < 0.3:
            return f"UTF-16 {order} without a byte-order mark"
    if sum(b < 0x20 and b not in b"\t\n\r\x0c" for b in head) > len(head) // 20:
        return "binary data, not text"
    if any(0x80 <= b <= 0x9F for b in data):
        return "Windows CP-1252"
    return "Latin-1/CP-1252"


def decode_text(data: bytes, name: str) -> str:
    """The text of a file's bytes: UTF-8 (BOM or not), or UTF-16 / UTF-32 that start with their BOM.

    Anything else is one `InputError` at the first bad byte naming the encoding it looks like; a NUL
    character (UTF-16 read as UTF-8, binary data) is refused the same way."""
    encoding, label = "utf-8", "UTF-8"
    for bom, codec, bom_label in _BOMS:
        if data.startswith(bom):
            data, encoding, label = data[len(bom) :], codec, bom_label
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        why = f"looks like {guess_encoding(data)}" if label == "UTF-8" else "the byte-order mark says so"
        raise InputError(name, f"byte {exc.start}", f"not valid {label} text ({why}); save it as UTF-8") from None
    nul = text.find("\x00")
    if nul >= 0:
        looks = guess_encoding(data) if label == "UTF-8" else "binary data"
        raise InputError(name, f"character {nul}", f"not valid {label} text: a NUL character (looks like {looks}); "
                         "save it as UTF-8")  # fmt: skip
    return text


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (≈ 10× faster on a 9 × 6 sweep), else the pure-Python one;
both build only plain data (safe_load semantics)."""


class _BoundedLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, its integers checked for length before Python converts them, and a key given twice in one
    mapping refused: YAML keeps the last silently, so a second `options:` would drop the first list unseen."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    line = key_node.start_mark.line + 1 if key_node.start_mark else "?"
                    raise InputError("", f"line {line}", f"the key {key!r} is given twice in one mapping; give it once")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _bounded_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > MAX_DIGITS:
        line = node.start_mark.line + 1 if node.start_mark else "?"
        raise InputError("", f"line {line}", f"an integer of {digits:,} digits; the limit is {MAX_DIGITS}")
    return loader.construct_yaml_int(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


class _NullNonFiniteLoader(_BoundedLoader):
    """The bounded loader with `.inf` / `.nan` read as null (`parse_yaml_text(non_finite_as_null=True)`)."""


def _null_if_not_finite(loader: yaml.SafeLoader, node: yaml.Node) -> float | None:
    value = loader.construct_yaml_float(node)
    return value if math.isfinite(value) else None


_NullNonFiniteLoader.add_constructor("tag:yaml.org,2002:float", _null_if_not_finite)


def parse_yaml_text(text: str, name: str, *, non_finite_as_null: bool = False) -> Any:
    """`yaml.safe_load` with aliases refused, nesting and integer length capped, errors with their line.

    The event pass runs first and stops at the first alias or at depth MAX_DEPTH, before the recursive
    composer ever sees the document. Importers of other tools' files pass `non_finite_as_null`, as they do to
    `parse_json_text`: a tool's `.inf` (an unbounded rate) reads as missing, never as a number.

    >>> parse_yaml_text("rate: .inf\\nlevels: [1.0, .nan]", "r.yaml", non_finite_as_null=True)
    {'rate': None, 'levels': [1.0, None]}
    """
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_SAFE_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            if isinstance(event, yaml.AliasEvent):
                raise InputError(name, f"line {line}", "YAML aliases (*name) are not allowed; write values out")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(name, f"line {line}", f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_NullNonFiniteLoader if non_finite_as_null else _BoundedLoader)
    except InputError as err:
        raise InputError(name, err.field, err.expected) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(name, where, f"not valid YAML ({problem})") from None


def read_yaml(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    return parse_yaml_text(read_text(path, max_bytes=max_bytes), os.fspath(path))


def json_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings, in one pass (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _refuse_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a number this tool accepts (finite numbers only)")


def _refuse_overflow(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _null_if_overflow(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _bounded_json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"an integer of {len(text):,} digits; the limit is {MAX_DIGITS}")
    return int(text)


class NonFinite:
    """A JSON number that is not finite (`NaN`, `Infinity`, `1e400`), kept as its literal so that a reader
    which needs the value refuses it naming the field, and one that ignores the field never sees a number."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal[:40]


def _marked_float(text: str) -> float | NonFinite:
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key is given twice (`json.loads` keeps the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice in one object; give it once")
        out[key] = value
    return out


def parse_json_text(text: str, name: str, *, non_finite_as_null: bool = False, mark_non_finite: bool = False) -> Any:
    """`json.loads` with nesting, integer length and NaN/Infinity checked; errors as `InputError`.

    Benchmark tools write `Infinity` for an unbounded request rate (SGLang, vLLM): importers pass
    `non_finite_as_null` so such values read as missing (null) rather than as numbers. Readers that name the
    field of a bad number themselves pass `mark_non_finite`: such values become `NonFinite` markers."""
    if json_depth(text) > MAX_DEPTH:
        raise InputError(name, "", f"nested more than {MAX_DEPTH} levels deep")
    constant: Any = _refuse_constant
    number: Any = _refuse_overflow
    if mark_non_finite:
        constant, number = NonFinite, _marked_float
    elif non_finite_as_null:
        constant, number = (lambda _: None), _null_if_overflow
    try:
        return json.loads(
            text, parse_int=_bounded_json_int, parse_float=number, parse_constant=constant, object_pairs_hook=_unique
        )
    except json.JSONDecodeError as exc:
        raise InputError(name, f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(name, "", str(exc)) from None


def parse_csv_rows(text: str, name: str) -> tuple[list[str], list[dict[str, str | None]]]:
    """(header, rows) of a CSV text; any line ends (CRLF, LF, bare CR) and every csv error as `InputError`."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        reader = csv.DictReader(io.StringIO(lines, newline=""))
        rows = list(reader)
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise InputError(name, "", f"not a valid CSV file ({exc})") from None
    for number, row in enumerate(rows, start=2):
        if None in row:  # more cells than the header has columns
            raise InputError(
                name, f"line {number}", f"{len(header) + len(row[None])} cells; the header has {len(header)}"
            )
    return header, rows
