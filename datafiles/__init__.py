"""Reading user-editable data files safely, and the one error type for bad input.

Every loader in the project reads through `read_text` / `read_yaml` / `parse_json_text` so that the same
limits apply everywhere (datafiles.reading): regular files only, bytes read capped, strict UTF-8, nesting
and integer length capped before parsing, no YAML aliases, every OS error one line.
"""

from datafiles.errors import InputError, format_validation_error
from datafiles.reading import (
    MAX_FILE_BYTES,
    check_output_path,
    check_path,
    os_error_message,
    parse_csv_rows,
    parse_json_text,
    parse_yaml_text,
    read_bytes,
    read_text,
    read_yaml,
)
from datafiles.schema import STRICT, parse_as

__all__ = [
    "MAX_FILE_BYTES",
    "STRICT",
    "InputError",
    "check_output_path",
    "check_path",
    "format_validation_error",
    "os_error_message",
    "parse_as",
    "parse_csv_rows",
    "parse_json_text",
    "parse_yaml_text",
    "read_bytes",
    "read_text",
    "read_yaml",
]
