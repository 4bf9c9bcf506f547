"""Reading user-editable data files safely, and the one error type for bad input.

Every loader in the project reads YAML through `read_yaml` so that the same limits apply
everywhere: a size cap, strict UTF-8, `yaml.safe_load` semantics and no aliases (an alias
bomb expands exponentially when the result is walked, even though `safe_load` itself is lazy).
"""

from datafiles.errors import InputError, format_validation_error
from datafiles.reading import MAX_FILE_BYTES, parse_yaml_text, read_text, read_yaml
from datafiles.schema import STRICT, parse_as

__all__ = [
    "MAX_FILE_BYTES",
    "STRICT",
    "InputError",
    "format_validation_error",
    "parse_as",
    "parse_yaml_text",
    "read_text",
    "read_yaml",
]
