"""Reading user-editable data files safely, and the one error type for bad input. Every loader in the project
reads through `read_text` / `read_yaml` / `parse_json_text` so that the same limits apply everywhere
(datafiles.reading): regular files only, bytes read capped, UTF-8 (or UTF-16/32 with a byte-order mark;
anything else named), nesting and integer length capped before parsing, no YAML aliases, every OS error one
line. What a command writes (`--out`) goes through `check_output_path` before any work and `write_atomic`
(datafiles.output): never a pipe or a device, never half a file. Zip archives (Inspect `.eval` logs) are read
by `read_zip` (datafiles.archive): members bounded in count, names, method, size and ratio. Every message is
one line (datafiles.errors).
"""

from datafiles.archive import BoundedZip, ZipLimits, read_zip
from datafiles.errors import InputError, clip, excerpt, format_validation_error
from datafiles.http_body import DeadlineExceeded, ResponseError, display_url, fetch, url_problem
from datafiles.output import check_output_path, write_atomic
from datafiles.reading import (
    MAX_FILE_BYTES,
    NonFinite,
    check_path,
    decode_text,
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
    "BoundedZip",
    "DeadlineExceeded",
    "InputError",
    "NonFinite",
    "ResponseError",
    "ZipLimits",
    "check_output_path",
    "check_path",
    "clip",
    "decode_text",
    "display_url",
    "excerpt",
    "fetch",
    "format_validation_error",
    "os_error_message",
    "parse_as",
    "parse_csv_rows",
    "parse_json_text",
    "parse_yaml_text",
    "read_bytes",
    "read_text",
    "read_yaml",
    "read_zip",
    "url_problem",
    "write_atomic",
]
