"""Bounded, strict reading of every file a user hands us: scenarios, profiles, overrides, imports, prompts.

One path in, one error type out (`InputError`, naming the file):

- the path: no NUL bytes, at most 4,096 characters; every OS error (missing, a loop of links, a path through
  a file, a name too long, permission) becomes one line;
- the file: opened without blocking and refused unless it is a regular file (a FIFO, `/dev/zero`, a device or
  a link to one would hang or never end); at most `max_bytes` bytes are *read*, whatever the size claims;
- the text: strict UTF-8;
- the parse (YAML or JSON): nesting at most `MAX_DEPTH` deep, checked before any recursive step; integers at
  most `MAX_DIGITS` digits; JSON's NaN / Infinity refused. YAML aliases are refused (an alias bomb expands
  exponentially when walked). Non-finite numbers that YAML spells `.inf` / `.nan` are left to the schemas,
  which refuse them naming the field (`STRICT` in datafiles.schema).
"""

from __future__ import annotations

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
    """A UTF-8 text file through `read_bytes`."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes), os.fspath(path))


def decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "file is not valid UTF-8 text") from None


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (≈ 10× faster on a 9 × 6 sweep), else the pure-Python one;
both build only plain data (safe_load semantics)."""


class _BoundedLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, its integers checked for length before Python converts them."""


def _bounded_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > MAX_DIGITS:
        line = node.start_mark.line + 1 if node.start_mark else "?"
        raise InputError("", f"line {line}", f"an integer of {digits:,} digits; the limit is {MAX_DIGITS}")
    return loader.construct_yaml_int(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


def parse_yaml_text(text: str, name: str) -> Any:
    """`yaml.safe_load` with aliases refused, nesting and integer length capped, errors with their line.

    The event pass runs first and stops at the first alias or at depth MAX_DEPTH, before the recursive
    composer ever sees the document."""
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
        return yaml.load(text, Loader=_BoundedLoader)
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


def parse_json_text(text: str, name: str, *, non_finite_as_null: bool = False) -> Any:
    """`json.loads` with nesting, integer length and NaN/Infinity checked; errors as `InputError`.

    Benchmark tools write `Infinity` for an unbounded request rate (SGLang, vLLM): importers pass
    `non_finite_as_null` so such values read as missing (null) rather than as numbers."""
    if json_depth(text) > MAX_DEPTH:
        raise InputError(name, "", f"nested more than {MAX_DEPTH} levels deep")
    constant = (lambda _: None) if non_finite_as_null else _refuse_constant
    number = _null_if_overflow if non_finite_as_null else _refuse_overflow
    try:
        return json.loads(text, parse_int=_bounded_json_int, parse_float=number, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    except ValueError as exc:
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


def check_output_path(path: Path | str, flag: str) -> Path:
    """A file we may write: not a directory, its folder creatable and writable; checked before any work."""
    text = check_path(path, flag)
    target = Path(text)
    if target.is_dir():
        raise InputError("command line", flag, f"{text} is a directory; give a file path, e.g. {target / 'out.yaml'}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(target.parent, os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        raise InputError("command line", flag, f"{text}: {os_error_message(exc)}") from None
    return target
