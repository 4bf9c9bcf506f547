"""Shared pieces of the hostile eval-file tests: the base document of each format, the one oracle
(`_outcome`), hostile values and the fuzz settings."""

from __future__ import annotations

import copy
import io
import json
import math
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from datafiles import InputError
from evals.importers import import_eval
from evals.records import MAX_INPUT_TOKENS_PER_TASK, MAX_NAME_CHARS, MAX_OUTPUT_TOKENS_PER_TASK, MAX_TASKS
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "evals"
INSPECT_EVAL = FIXTURES / "inspect_capitals_big-model.eval"
HUGE = "__1e400__"
"""A placeholder written as the JSON literal 1e400 (Python has no such float to serialise)."""
MAX_MESSAGE_CHARS = 400
"""Longest message, beyond the file's own path: a message quotes excerpts, never a dump."""


def _header() -> dict:
    """An Inspect log's header (what `header.json` holds): the JSON log without its samples and reductions."""
    log = json.loads((FIXTURES / "inspect_capitals_small-model.json").read_text())
    return {key: value for key, value in log.items() if key not in ("samples", "reductions")}


def _jsonl(name: str) -> list:
    return [json.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


OWN_RECORDS = [{"id": str(i), "endpoint": "small", "model": "small-model", "passed": i < 3, "error": None,
                "input_tokens": 20, "output_tokens": 300} for i in range(4)]  # fmt: skip
BASES: dict[str, tuple[object, str]] = {
    "lm-eval": (json.loads((FIXTURES / "results_2026-01-21T03-44-18.458309.json").read_text()), ".json"),
    "inspect": (_header(), ".json"),
    "inspect .eval": (_header(), ".eval"),
    "promptfoo": (json.loads((FIXTURES / "promptfoo_capitals.json").read_text()), ".json"),
    "openai-evals": (_jsonl("openai_evals_capitals.jsonl"), ".jsonl"),
    "deepeval": (json.loads((FIXTURES / "deepeval_latest_test_run.json").read_text()), ".json"),
    "inference-roi": (OWN_RECORDS, ".jsonl"),
}


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _replaced(doc: object, path: tuple, value: object, delete: bool = False) -> object:
    doc = copy.deepcopy(doc)
    node = doc
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def _dumps(doc: object, suffix: str) -> bytes:
    if suffix == ".jsonl" and isinstance(doc, list):
        text = "".join(json.dumps(line) + "\n" for line in doc)
    else:
        text = json.dumps(doc)
    return text.replace(f'"{HUGE}"', "1e400").encode()


def _zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _content(doc: object, suffix: str) -> bytes:
    data = _dumps(doc, suffix)
    return _zip_bytes({"header.json": data}) if suffix == ".eval" else data


def _write(folder: Path, data: bytes, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix, dir=folder)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return Path(name)


def _finite_in(value: float | None, low: float, high: float) -> bool:
    return value is None or (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high)


def _outcome(path: Path, fmt: str | None = None) -> str:
    """'rows' (every number finite and in bounds) or 'error' (one short line); anything else fails the test."""
    try:
        rows = import_eval(str(path), fmt)
    except InputError as err:
        message = str(err)
        assert len(message.splitlines()) == 1 and "\n" not in message and "\r" not in message, message
        assert len(message) <= len(str(path)) + MAX_MESSAGE_CHARS, message[:500]
        return "error"
    for row in rows:
        assert _finite_in(row.success_rate, 0, 1), row
        assert row.n is None or (isinstance(row.n, int) and 1 <= row.n <= MAX_TASKS), row
        assert _finite_in(row.output_tokens_per_task, 0, MAX_OUTPUT_TOKENS_PER_TASK), row
        assert _finite_in(row.input_tokens_per_task, 0, MAX_INPUT_TOKENS_PER_TASK), row
        assert _finite_in(row.successes, 0, MAX_TASKS), row
        assert row.ci_low is None or 0 <= row.ci_low <= row.ci_high <= 1, row
        assert isinstance(row.model, str) and len(row.model) <= MAX_NAME_CHARS
        assert isinstance(row.task, str) and len(row.task) <= MAX_NAME_CHARS
    return "rows"


hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 0.5, 1e12, 10**12, 10**99, -0.0, 5e-324, 1e308, HUGE, "", "0.5", "NaN", "yes"]),
    st.sampled_from(["x" * 6000, "line\nbreak\r\x1b[31m\u2028", "\x00", "é" * 1200]),
    st.text(max_size=12),
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=5,
)
FUZZ = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")


def _raw_zip(members: list[dict]) -> bytes:
    """A zip written by hand: each member {name: bytes, data: compressed bytes, method, crc, size, flags}."""
    out, central = bytearray(), bytearray()
    for m in members:
        offset = len(out)
        name, data = m["name"], m["data"]
        fields = (m.get("method", 0), 0, 0, m.get("crc", zlib.crc32(data)), len(data), m.get("size", len(data)))
        out += _LOCAL.pack(b"PK\x03\x04", 20, 0, m.get("flags", 0), *fields, len(name), 0) + name + data
        central += _CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, m.get("flags", 0), *fields,
                                 len(name), 0, 0, 0, 0, 0, offset) + name  # fmt: skip
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


HEADER = json.dumps(_header()).encode()


def _member(name: bytes = b"header.json", data: bytes = HEADER, **fields: int) -> dict:
    return {"name": name, "data": _deflate(data), "method": 8, "crc": zlib.crc32(data), "size": len(data), **fields}
