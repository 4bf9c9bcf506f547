"""Hostile `.eval` archives (issue 26): the bounded zip reader refuses bombs, lies, encryption, odd methods and
names, special files, in one line, fast and in bounded memory — whether or not inspect_ai is installed."""

from __future__ import annotations

import json
import os
import struct
import threading
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datafiles import InputError, read_zip
from datafiles.archive import MAX_ZIP_MEMBERS
from evals.importers import MAX_EVAL_BYTES, import_eval
from tests.support.eval_hostile import (
    FUZZ,
    HEADER,
    INSPECT_EVAL,
    MAX_MESSAGE_CHARS,
    _deflate,
    _member,
    _outcome,
    _raw_zip,
    _write,
    _zip_bytes,
)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


# The .eval archive ----------------------------------------------------------------------------------------


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
