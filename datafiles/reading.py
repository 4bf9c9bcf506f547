"""Bounded, strict reading of text and YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from datafiles.errors import InputError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest data file we accept (5 MiB): real scenarios, sheets and profiles are a few KiB."""


def read_text(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing huge or non-UTF-8 files with an `InputError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(str(path), "", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "", "is a directory, expected a file") from None
    except PermissionError:
        raise InputError(str(path), "", "cannot be read (permission denied)") from None
    return decode_utf8(data, str(path))


def decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "file is not valid UTF-8 text") from None


def parse_yaml_text(text: str, name: str) -> Any:
    """`yaml.safe_load` with aliases refused, and parse errors reported with their line."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise InputError(name, f"line {line}", "YAML aliases (*name) are not allowed; write values out")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(name, where, f"not valid YAML ({problem})") from None


def read_yaml(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    return parse_yaml_text(read_text(path, max_bytes=max_bytes), str(path))
