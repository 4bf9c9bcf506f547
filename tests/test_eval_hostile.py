"""Hostile eval files (issue 26): every importer, fed documents whose fields are the wrong type, non-finite or
huge, and real files in the wrong encoding or hostile `.eval` zips, answers with rows whose numbers are finite
and in bounds, or with one `InputError` whose message is one short line — never a traceback, a hang or a
memory blow-up.

The Hypothesis part is bounded (a few hundred small examples); `_outcome` is the one oracle."""

from __future__ import annotations

import copy
import io
import json
import math
import os
import struct
import tempfile
import threading
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from datafiles import InputError, decode_text, excerpt, read_zip
from datafiles.archive import MAX_ZIP_MEMBERS
from datafiles.errors import one_line
from evals.importers import MAX_EVAL_BYTES, import_eval
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


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("fmt", list(BASES))
def test_every_format_reads_its_own_base_document(work, fmt):
    doc, suffix = BASES[fmt]
    assert _outcome(_write(work, _content(doc, suffix), suffix)) == "rows"


WRONG_TYPES = {"number": 7, "string": "7", "bool": True, "list": [0.5], "object": {"value": 0.5}, "null": None,
               "NaN": float("nan"), "-Infinity": float("-inf"), "1e400": HUGE, "1e12": 10**12, "-1": -1}  # fmt: skip
READ_KEYS = {
    "lm-eval": ("results", "n-samples", "model_name", "config"),
    "inspect": ("eval", "results", "stats"),
    "promptfoo": ("results", "config", "evalId"),
    "deepeval": ("testCases", "hyperparameters", "identifier"),
}
PROMPTFOO_ROW_KEYS = ("provider", "success", "tokenUsage")


def _read_paths(fmt: str) -> list[tuple]:
    """The paths of the base document its reader reads: under `READ_KEYS`, in a promptfoo result only the
    provider, success and token fields, in JSON lines three levels deep."""
    doc, _ = BASES[fmt]
    keys = READ_KEYS.get(fmt.removesuffix(" .eval"))
    paths = [p for p in _paths(doc) if keys is None or p[0] in keys]
    if fmt == "promptfoo":
        paths = [p for p in paths if p[:2] != ("results", "results") or len(p) <= 3 or p[3] in PROMPTFOO_ROW_KEYS]
    return [p for p in paths if len(p) <= 3] if keys is None else paths


@pytest.mark.parametrize("fmt", list(BASES))
def test_every_read_field_replaced_by_each_wrong_type_or_deleted(work, fmt):
    """The sweep: each field a reader reads, in turn, as each wrong type (and deleted): rows or one line."""
    doc, suffix = BASES[fmt]
    outcomes = {"rows": 0, "error": 0}
    for path in _read_paths(fmt):
        variants = [_replaced(doc, path, value) for value in WRONG_TYPES.values()]
        if isinstance(path[-1], str):
            variants.append(_replaced(doc, path, None, delete=True))
        for hostile in variants:
            outcomes[_outcome(_write(work, _content(hostile, suffix), suffix))] += 1
    assert outcomes["error"] > 0 and sum(outcomes.values()) >= 10 * len(_read_paths(fmt))


@pytest.mark.parametrize("fmt", list(BASES))
@FUZZ
@given(data=st.data(), value=hostile_values, delete=st.booleans())
def test_a_hostile_field_gives_bounded_rows_or_one_line(work, fmt, data, value, delete):
    doc, suffix = BASES[fmt]
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    hostile = _replaced(doc, path, value, delete=delete and isinstance(path[-1], str))
    _outcome(_write(work, _content(hostile, suffix), suffix))


@pytest.mark.parametrize("fmt", list(BASES))
@FUZZ
@given(value=hostile_values)
def test_a_hostile_whole_document_gives_one_line(work, fmt, value):
    _, suffix = BASES[fmt]
    _outcome(_write(work, _content(value, suffix), suffix))


@pytest.mark.parametrize("kind", ["zstd (inspect's own)", "deflate"])
@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, 12_000), st.integers(0, 255)), min_size=1, max_size=4),
       truncate=st.integers(0, 12_000))  # fmt: skip
def test_a_damaged_eval_zip_gives_one_line(work, kind, cuts, truncate):
    original = INSPECT_EVAL.read_bytes() if kind.startswith("zstd") else _content(_header(), ".eval")
    data = bytearray(original)
    for at, byte in cuts:
        data[at % len(data)] = byte
    _outcome(_write(work, bytes(data[: max(truncate, 22)]), ".eval"))


# Encodings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf8_bom_and_utf16_utf32_with_a_bom_are_read(work, codec):
    text = (FIXTURES / "deepeval_latest_test_run.json").read_text()
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
           "utf-32-be": b"\x00\x00\xfe\xff"}.get(codec, b"")  # fmt: skip
    path = _write(work, bom + text.encode(codec), ".json")
    assert import_eval(str(path)) == [
        r.__class__(**{**r.as_json(), "source_file": str(path)})
        for r in import_eval(str(FIXTURES / "deepeval_latest_test_run.json"))
    ]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ('{"testCases": [{"success": true}], "identifier": "café"}'.encode("latin-1"), "Latin-1/CP-1252"),
        ('{"testCases": [{"success": true}], "identifier": "“q”"}'.encode("cp1252"), "CP-1252"),
        ('{"testCases": [{"success": true}]}'.encode("utf-16-le"), "UTF-16 LE without a byte-order mark"),
        ('{"testCases": [{"success": true}]}'.encode("utf-16-be"), "UTF-16 BE without a byte-order mark"),
        ('{"testCases": [{"success": true}]}'.encode("utf-32-le"), "UTF-32 LE without a byte-order mark"),
        (b"\xff\xfe" + "{}".encode("utf-16-le") + b"\x00\xd8", "UTF-16"),  # a lone surrogate after the BOM
        (zlib.compress(b"{}" * 100), "binary data"),
    ],
)
def test_other_encodings_are_one_line_naming_the_encoding(work, data, named):
    path = _write(work, data, ".json")
    assert _outcome(path) == "error"
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    assert named in str(err.value) and str(path) in str(err.value) and "UTF-8" in str(err.value)


def test_decode_text_says_latin1_at_the_byte():
    with pytest.raises(InputError) as err:
        decode_text(b"model: caf\xe9\n", "s.yaml")
    assert str(err.value) == "s.yaml: byte 10: not valid UTF-8 text (looks like Latin-1/CP-1252); save it as UTF-8"


# The .eval archive ----------------------------------------------------------------------------------------

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


@pytest.fixture(scope="module")
def bomb() -> tuple[bytes, int, int]:
    """A raw deflate stream of 1 GiB of zeros in ~1 MiB: 64 independent 16 MiB segments (full flushes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = packer.compress(bytes(16 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(16 << 20)
    for _ in range(64):
        crc = zlib.crc32(zeros, crc)
    return segment * 64 + packer.flush(), 64 * (16 << 20), crc


ZIP_CASES = {
    "encrypted member": lambda: _raw_zip([_member(flags=0x1)]),
    "encrypted (strong) member": lambda: _raw_zip([_member(flags=0x40)]),
    "corrupt deflate": lambda: _raw_zip([{**_member(), "data": b"\xff\xff\xff" + _member()["data"][3:]}]),
    "truncated deflate": lambda: _raw_zip([{**_member(), "data": _member()["data"][:40]}]),
    "wrong CRC": lambda: _raw_zip([_member(crc=1234)]),
    "size lies low": lambda: _raw_zip([_member(size=10)]),
    "bzip2 member": lambda: _zip_bytes({"header.json": HEADER}, zipfile.ZIP_BZIP2),
    "lzma member": lambda: _zip_bytes({"header.json": HEADER}, zipfile.ZIP_LZMA),
    "bzip2 garbage": lambda: _raw_zip([{**_member(), "method": 12, "data": b"BZh9" + os.urandom(200)}]),
    "zip in zip": lambda: _zip_bytes({"inner.eval": INSPECT_EVAL.read_bytes()}),
    "header.json is a zip": lambda: _zip_bytes({"header.json": INSPECT_EVAL.read_bytes()}),
    "no header.json": lambda: _zip_bytes({"summaries.json": b"[]"}),
    "dot-dot name": lambda: _raw_zip([_member(), _member(b"../header.json")]),
    "absolute name": lambda: _raw_zip([_member(), _member(b"/etc/cron.d/x")]),
    "drive letter name": lambda: _raw_zip([_member(), _member(b"C:\\x")]),
    "NUL in a name": lambda: _raw_zip([_member(b"header.json\x00.txt")]),
    "newline in a name": lambda: _raw_zip([_member(), _member(b"a\nb")]),
    "a name twice": lambda: _raw_zip([_member(), _member()]),
    "too many members": lambda: _raw_zip([_member()] + [_member(f"s/{i}".encode(), b"") for i in range(10_001)]),
    "empty file": lambda: b"",
    "not a zip": lambda: b"PK\x03\x04 but nothing else",
    "header out of range": lambda: (
        _raw_zip([_member()])[:-22] + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 46 + 11, 10**9, 0)
    ),
}


@pytest.mark.parametrize("case", list(ZIP_CASES))
def test_hostile_eval_zips_are_one_line_naming_the_archive(work, case):
    path = _write(work, ZIP_CASES[case](), ".eval")
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    message = str(err.value)
    assert message.startswith(str(path)) and len(message.splitlines()) == 1, message
    assert len(message) <= len(str(path)) + MAX_MESSAGE_CHARS


hostile_members = st.fixed_dictionaries(
    {
        "name": st.sampled_from([b"header.json", b"../header.json", b"/abs", b"a\x00b", b"\xff\xfe", b"", b"h" * 300])
        | st.binary(max_size=20),
        "data": st.sampled_from([_deflate(HEADER), HEADER, b"", b"\x00" * 64]) | st.binary(max_size=300),
        "method": st.sampled_from([0, 8, 12, 14, 93, 99]) | st.integers(0, 0xFFFF),
        "flags": st.sampled_from([0, 0x1, 0x8, 0x40, 0x800]) | st.integers(0, 0xFFFF),
        "size": st.sampled_from([0, 10, len(HEADER), 2**31, 2**32 - 1]) | st.integers(0, 2**32 - 1),
        "crc": st.sampled_from([zlib.crc32(HEADER), 0]) | st.integers(0, 2**32 - 1),
    }
)


@FUZZ
@given(members=st.lists(hostile_members, min_size=1, max_size=4))
def test_a_hand_made_hostile_zip_gives_bounded_rows_or_one_line(work, members):
    _outcome(_write(work, _raw_zip(members), ".eval"))


def test_too_many_members_names_the_limit(work):
    path = _write(work, ZIP_CASES["too many members"](), ".eval")
    with pytest.raises(InputError, match=f"limit is {MAX_ZIP_MEMBERS:,}"):
        read_zip(path)


def test_a_zstd_log_is_read_through_the_bounded_reader():
    archive = read_zip(INSPECT_EVAL)
    assert {"header.json", "summaries.json"} <= set(archive.names())
    assert json.loads(archive.read("header.json"))["eval"]["model"] == "openai-api/answers/big-model"


@pytest.mark.parametrize("declared", ["honest", "lying"])
def test_a_zip_bomb_fails_fast_with_bounded_memory(work, bomb, declared):
    data, size, crc = bomb
    member = {"name": b"header.json", "data": data, "method": 8, "crc": crc if declared == "honest" else 0,
              "size": size if declared == "honest" else 1000}  # fmt: skip
    path = _write(work, _raw_zip([member]), ".eval")
    assert len(data) < MAX_EVAL_BYTES and path.stat().st_size < 1.2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            import_eval(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, peak
    assert "header.json" in str(err.value) and len(str(err.value).splitlines()) == 1


def _no_hang(call, seconds: float = 10.0) -> BaseException | None:
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"hung past {seconds} s"
    return outcome[0]


@pytest.mark.parametrize("suffix", [".eval", ".json"])
@pytest.mark.parametrize("kind", ["missing", "directory", "symlink loop", "fifo", "dangling link", "/dev/zero"])
def test_not_a_regular_file_is_one_line_and_never_hangs(tmp_path, kind, suffix):
    path = tmp_path / f"run{suffix}"
    if kind == "directory":
        path.mkdir()
    elif kind == "symlink loop":
        os.symlink(tmp_path / f"other{suffix}", path)
        os.symlink(path, tmp_path / f"other{suffix}")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling link":
        os.symlink(tmp_path / "nowhere", path)
    elif kind == "/dev/zero":
        os.symlink("/dev/zero", path)
    error = _no_hang(lambda: import_eval(str(path)))
    assert isinstance(error, InputError), error
    assert str(error).startswith(str(path)) and len(str(error).splitlines()) == 1


# Sizes and numbers ----------------------------------------------------------------------------------------


def test_a_six_mib_file_is_one_short_line(work):
    doc = {"testCases": [{"success": True, "input": "x" * (6 * 1024 * 1024)}]}
    path = _write(work, json.dumps(doc).encode(), ".json")
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    assert str(err.value) == f"{path}: file is over the limit of {MAX_EVAL_BYTES:,} bytes"


def test_a_huge_value_is_quoted_as_a_short_excerpt(work):
    doc = {"results": {"gsm8k": {"acc,none": "x\n" * 1_000_000}}, "n-samples": {}}
    path = _write(work, json.dumps(doc).encode(), ".json")
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    message = str(err.value)
    assert "results.gsm8k.acc,none" in message and len(message) < len(str(path)) + 200 and "\\n" in message


def _inspect_with(**usage: object) -> dict:
    doc = _header()
    model = doc["eval"]["model"]
    doc["stats"]["model_usage"][model].update(usage)
    return doc


@pytest.mark.parametrize(
    ("fmt", "doc", "field"),
    [
        ("inspect", _inspect_with(output_tokens=10**12), "output_tokens"),
        ("inspect .eval", _inspect_with(output_tokens=10**12), "output_tokens"),
        ("inspect", _inspect_with(output_tokens=1e12), "output_tokens"),
        ("inspect", _inspect_with(input_tokens=HUGE), "input_tokens"),
        ("inspect", _inspect_with(output_tokens=float("nan")), "output_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "output_tokens": 1e12}], "line 1.output_tokens"),
        ("inference-roi", [OWN_RECORDS[0], {**OWN_RECORDS[1], "output_tokens": float("nan")}], "line 2.output_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "input_tokens": HUGE}], "line 1.input_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "output_tokens": float("-inf")}], "line 1.output_tokens"),
        ("lm-eval", {"results": {"t": {"acc,none": float("nan")}}, "n-samples": {}}, "results.t.acc,none"),
        ("lm-eval", {"results": {"t": {"acc,none": HUGE}}, "n-samples": {}}, "results.t.acc,none"),
        ("lm-eval", {"results": {"t": {"acc,none": 0.5}}, "n-samples": {"t": {"effective": 10**9}}},
         "n-samples.t.effective"),
        ("lm-eval", {"results": {"t": {"acc,none": 0.5}}, "n-samples": {"t": {"effective": float("inf")}}},
         "n-samples.t.effective"),
        ("promptfoo", {"evalId": "e", "results": {"results": [{"provider": "p", "success": True,
                       "tokenUsage": {"completion": float("inf")}}]}}, "results.results[0].tokenUsage.completion"),
        ("promptfoo", {"evalId": "e", "results": {"results": [{"provider": "p", "success": True,
                       "tokenUsage": {"prompt": HUGE}}]}}, "results.results[0].tokenUsage.prompt"),
        ("openai-evals", [{"spec": {"completion_fns": ["m"]}}, {"type": "match", "data": {"correct": HUGE}}],
         "line 2.data.correct"),
        ("deepeval", {"testCases": [{"success": float("nan")}]}, "testCases[].success"),
        ("inspect", {**_header(), "results": {**_header()["results"], "completed_samples": float("nan")}},
         "results.completed_samples"),
    ],
)  # fmt: skip
def test_non_finite_or_huge_numbers_name_the_file_and_field(work, fmt, doc, field):
    suffix = BASES[fmt][1]
    path = _write(work, _content(doc, suffix), suffix)
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    message = str(err.value)
    assert str(path) in message and field in message and len(message.splitlines()) == 1, message


@pytest.mark.parametrize("metric", [0.75, "0.75", True, [0.75], None, float("nan")])
def test_inspect_metric_that_is_not_an_object_is_one_line(work, metric):
    doc = _header()
    doc["results"]["scores"][0]["metrics"]["accuracy"] = metric
    path = _write(work, _content(doc, ".json"), ".json")
    with pytest.raises(InputError, match=r"results\.scores\[0\]\.metrics\.accuracy"):
        import_eval(str(path))


def test_the_cli_exits_2_with_one_line(work, capsys):
    path = _write(work, _raw_zip([_member(flags=0x1)]), ".eval")
    assert main(["eval", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "encrypted" in err


def test_a_scenario_eval_reference_to_a_hostile_file_is_an_input_error(tmp_path, catalogues):
    from tests.conftest import run_scenario

    flat = {"kind": "api", "provider": "acme", "model": "flat-3-15", "fixed_usd_per_month": 0}
    latin = '{"testCases": [{"success": true}], "identifier": "é"}'.encode("latin-1")
    tokens = _content(_inspect_with(output_tokens=10**12), ".json")
    for name, data in [("bomb.eval", _raw_zip([_member(flags=0x1)])), ("tokens.json", tokens), ("latin.json", latin)]:
        (tmp_path / name).write_bytes(data)
        scenario = {
            "name": "eval",
            "workload": {"requests_per_month": 1e6, "input_tokens": 1000, "output_tokens": 200},
            "options": [{"id": "a", **flat, "eval": {"file": name}}],
        }
        with pytest.raises(InputError) as err:
            run_scenario(tmp_path, scenario, catalogues)
        message = str(err.value)
        assert "options[0].eval.file" in message and len(message.splitlines()) == 1, message


# The message itself ---------------------------------------------------------------------------------------


def test_input_error_is_one_line_whatever_it_holds():
    err = InputError("a\nb.json", "model\r\tx", "expected \x1b[2Jsomething\u2028else\x85\u202e")
    text = str(err)
    assert len(text.splitlines()) == 1 and "\x1b" not in text and "\u202e" not in text
    assert text == "a\\nb.json: model\\r\\tx: expected \\x1b[2Jsomething\\u2028else\\x85\\u202e"
    assert err.file == "a\nb.json"  # the fields keep what they were given


def test_excerpt_is_short_and_one_line():
    assert excerpt("a" * 1000) == repr("a" * 80) + "…"
    assert excerpt({"k": list(range(100))}).endswith("…") or len(excerpt({"k": list(range(100))})) <= 81
    assert "\n" not in excerpt(["x\ny"] * 50) and len(excerpt(["x\ny"] * 50)) <= 81
    assert one_line("plain") == "plain"
