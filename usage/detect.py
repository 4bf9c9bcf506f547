"""Which export is this? Decided by content — the field names in the file's first 64 KiB — not its name.

CSV: the header row; JSON and JSONL (an API's response pages or records): the keys seen; Parquet: the
schema's column names. `.gz` files are read through gzip. `--from NAME` restricts the choice to that
source's formats (OpenRouter and LiteLLM each have two) and says why a file does not fit it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from pathlib import Path

import duckdb

from datafiles import InputError, decode_text
from datafiles.errors import excerpt
from usage.source_sql import Source
from usage.sources import SOURCE_NAMES, SOURCES

SNIFF_BYTES = 65_536
_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:')


def _head(path: Path, name: str) -> bytes:
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as handle:
            return handle.read(SNIFF_BYTES)
    except (OSError, EOFError) as err:
        raise InputError(name, "", f"cannot be read ({err.__class__.__name__}); expected a CSV, JSON, JSONL or "
                                   "Parquet file, optionally gzip-compressed") from None  # fmt: skip


def _utf8_head(head: bytes, name: str) -> str:
    """The head as UTF-8 text (DuckDB reads UTF-8 only); UTF-16/32 or another encoding named in one line."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):  # and UTF-32 LE (FF FE 00 00)
        raise InputError(name, "", "is UTF-16 or UTF-32 text; usage exports are read as UTF-8: save it as UTF-8")
    complete = head if len(head) < SNIFF_BYTES else head[: head.rfind(b"\n") + 1] or head[:-4]
    return decode_text(complete, name).lstrip("\ufeff")


def fields_in(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> tuple[str, set[str]]:
    """('csv' | 'json' | 'parquet', the field names seen at the start of the file); `con` reads Parquet."""
    head = _head(path, name)
    if head.startswith(b"PAR1"):
        try:
            rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        except duckdb.Error:
            raise InputError(name, "", "is not a readable Parquet file") from None
        return "parquet", {row[0] for row in rows}
    text = _utf8_head(head, name)
    if not text.strip():
        raise InputError(name, "", "is empty; expected a usage export (README, Usage exports)")
    if text.lstrip()[:1] in "[{":
        return "json", set(_KEY.findall(text))
    header = next(csv.reader(io.StringIO(text.splitlines()[0])), [])
    return "csv", {h.strip() for h in header}


def detect(con: duckdb.DuckDBPyConnection, path: Path, name: str, forced: str | None = None) -> tuple[Source, str]:
    """The source whose marker fields all appear, and the file kind; `InputError` when none fits."""
    kind, seen = fields_in(con, path, name)
    if forced is not None and forced not in SOURCE_NAMES:
        raise InputError(name, "--from", f"unknown source {forced!r}; expected one of {', '.join(SOURCE_NAMES)}")
    candidates = [s for s in SOURCES if forced in (None, s.name) and (s.formats == "any" or kind == "json")]
    for source in candidates:
        if all(marker in seen for marker in source.markers):
            return source, kind
    if forced is not None:
        wanted = " or ".join(", ".join(s.markers) for s in SOURCES if s.name == forced)
        raise InputError(name, "", f"does not look like a {forced} export: expected the fields {wanted}")
    sample = excerpt(", ".join(sorted(seen)[:12]) or "none", limit=200)
    raise InputError(
        name,
        "",
        f"unknown usage export shape (fields seen: {sample}); expected an OpenAI, Anthropic, OpenRouter, LiteLLM, "
        "Bedrock, Langfuse, Helicone or FOCUS export, or the generic CSV with the header "
        "timestamp,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,requests",
    )
