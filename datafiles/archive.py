"""Bounded reading of a zip archive a user hands us (an Inspect `.eval` log), with or without inspect_ai.

The rules, each broken one a single `InputError` naming the archive and, where there is one, the member:

- the archive itself goes through `read_bytes`: a regular file, at most `max_bytes` read (FIFOs, devices,
  folders, loops of links refused), then parsed from those bytes only — nothing reopens the path;
- at most `MAX_ZIP_MEMBERS` members, each name relative (no leading `/` or `\\`, no drive letter, no `..`
  part, no NUL, no control character), no name twice;
- every member stored, deflated or zstd-compressed (Inspect's own default, read with `zstandard`);
  encrypted members, bzip2, lzma and anything else refused before any member is read;
- no member whose *declared* size is more than `MAX_ZIP_RATIO` times its compressed size (past a floor of
  `RATIO_FLOOR_BYTES`): the mark of a zip bomb;
- a member is decompressed in chunks with a streaming cap — the header's declared size is never trusted —
  at most `max_member_bytes` each (a member declaring more is refused before any work), `max_total_bytes`
  over all the reads of one archive, the same ratio bound while it grows; its CRC and size must then match
  the directory's;
- every zipfile / zlib / zstd / OS error is caught and said in one line: never a traceback.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import zstandard

from datafiles.errors import InputError, clip
from datafiles.reading import MAX_FILE_BYTES, read_bytes

MAX_ZIP_MEMBERS = 10_000
"""Most members in one archive: an Inspect log has a few per sample; 10,000 is thousands of samples."""
MAX_MEMBER_BYTES = MAX_FILE_BYTES
"""Largest member we decompress (5 MiB, the limit on any file we read): an Inspect header is a few KiB."""
MAX_ZIP_TOTAL_BYTES = 64 * 1024 * 1024
"""Most bytes decompressed from one archive, over every member read (64 MiB)."""
MAX_ZIP_RATIO = 200
"""Largest uncompressed ÷ compressed size of a member: JSON logs compress 3–20×; a zip bomb ~1,000×."""
RATIO_FLOOR_BYTES = 1024 * 1024
"""Members up to 1 MiB uncompressed are never refused for their ratio (a few bytes of zeros is not a bomb)."""
STORED, DEFLATED, ZSTD = 0, 8, 93
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma", 95: "xz", 98: "ppmd", 99: "AES"}
_CHUNK_BYTES = 256 * 1024
_ZSTD_MAX_WINDOW_BYTES = 1 << 25
"""Largest zstd window we allocate (32 MiB): level 19 uses 8 MiB; a frame asking for more is refused."""
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_ENCRYPTED, _STRONG_ENCRYPTION, _UTF8_NAME = 0x1, 0x40, 0x800
_BAD_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    OverflowError,
    IndexError,
    KeyError,
)


@dataclass(frozen=True)
class ZipLimits:
    """The bounds one archive is read under (defaults: the module constants)."""

    max_members: int = MAX_ZIP_MEMBERS
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_total_bytes: int = MAX_ZIP_TOTAL_BYTES
    max_ratio: float = MAX_ZIP_RATIO


def _name_problem(name: str) -> str | None:
    parts = re.split(r"[/\\]", name)
    if not name:
        return "an empty member name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute member path"
    if ".." in parts:
        return "a member path with '..'"
    if _BAD_NAME_CHARS.search(name):
        return "a member name with a NUL or control character"
    return None


class BoundedZip:
    """A zip archive's directory, checked; `read(name)` decompresses one member within the limits."""

    def __init__(self, data: bytes, name: str, limits: ZipLimits | None = None) -> None:
        self.name = name
        self.limits = limits or ZipLimits()
        self._data = data
        self._read_total = 0
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
        except _ZIP_ERRORS as exc:
            raise InputError(name, "", f"not a readable zip archive ({clip(str(exc), 120)})") from None
        if len(infos) > self.limits.max_members:
            raise InputError(name, "", f"{len(infos):,} members; the limit is {self.limits.max_members:,}")
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_member(info)
            self._members[info.orig_filename] = info

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        member = clip(info.orig_filename, 120)
        problem = _name_problem(info.orig_filename)
        if problem is not None:
            raise InputError(self.name, member, f"{problem}; refused")
        if info.orig_filename in self._members:
            raise InputError(self.name, member, "the member appears twice in the archive")
        if info.flag_bits & (_ENCRYPTED | _STRONG_ENCRYPTION):
            raise InputError(self.name, member, "the member is encrypted; give an unencrypted archive")
        if info.compress_type not in (STORED, DEFLATED, ZSTD):
            method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise InputError(self.name, member, f"compressed with {method}; only stored, deflate and zstd are read")
        if info.file_size > max(RATIO_FLOOR_BYTES, self.limits.max_ratio * info.compress_size):
            raise InputError(self.name, member, f"expands {info.file_size:,} bytes from {info.compress_size:,}: "
                             f"over {self.limits.max_ratio:g}× (a zip bomb?)")  # fmt: skip

    def names(self) -> list[str]:
        """The member names, in the archive's order."""
        return list(self._members)

    def __contains__(self, member: object) -> bool:
        return member in self._members

    def read(self, member: str) -> bytes:
        """One member's bytes, decompressed under the limits and checked against its CRC."""
        info, label = self._members.get(member), clip(member, 120)
        if info is None:
            raise InputError(self.name, label, "no such member in the archive")
        if info.file_size > self.limits.max_member_bytes:
            limit = self.limits.max_member_bytes
            raise InputError(self.name, label, f"{info.file_size:,} bytes uncompressed; the limit is {limit:,}")
        errors = (*_ZIP_ERRORS, zstandard.ZstdError)
        try:
            raw = self._raw(info)
            if info.compress_type == STORED:
                self._account(info, len(raw), len(raw))
                out = raw
            elif info.compress_type == DEFLATED:
                out = self._inflate(info, raw)
            else:
                out = self._unzstd(info, raw)
        except errors as exc:
            raise InputError(self.name, label, f"corrupt member ({clip(str(exc), 120)})") from None
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise InputError(self.name, label, "corrupt member (its size or CRC differs from the archive's record)")
        return out

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        """The member's compressed bytes, located through its local header (which must agree)."""
        start, label = info.header_offset, clip(info.orig_filename, 120)
        if start < 0 or start + _LOCAL_HEADER.size > len(self._data):
            raise InputError(self.name, label, "corrupt member (its header lies outside the archive)")
        fields = _LOCAL_HEADER.unpack_from(self._data, start)
        if fields[0] != b"PK\x03\x04":
            raise InputError(self.name, label, "corrupt member (bad local header)")
        name_len, extra_len = fields[10], fields[11]
        local_name = self._data[start + _LOCAL_HEADER.size : start + _LOCAL_HEADER.size + name_len]
        local_text = local_name.decode("utf-8", "replace") if fields[3] & _UTF8_NAME else local_name.decode("cp437")
        if local_text != info.orig_filename:
            raise InputError(self.name, label, "corrupt member (local and central names differ)")
        if fields[3] & (_ENCRYPTED | _STRONG_ENCRYPTION):
            raise InputError(self.name, label, "the member is encrypted; give an unencrypted archive")
        begin = start + _LOCAL_HEADER.size + name_len + extra_len
        end = begin + info.compress_size
        if end > len(self._data):
            raise InputError(self.name, label, "corrupt member (its data runs past the archive end)")
        return self._data[begin:end]

    def _account(self, info: zipfile.ZipInfo, produced: int, compressed: int) -> None:
        """Refuse as soon as the member (or the archive's reads) pass a limit; `produced` bytes so far."""
        member, limits = clip(info.orig_filename, 120), self.limits
        if produced > limits.max_member_bytes:
            raise InputError(self.name, member, f"over {limits.max_member_bytes:,} bytes uncompressed; refused")
        if produced > max(RATIO_FLOOR_BYTES, limits.max_ratio * compressed):
            raise InputError(self.name, member, f"expands over {limits.max_ratio:g}× (a zip bomb?); refused")
        if self._read_total + produced > limits.max_total_bytes:
            raise InputError(self.name, member, f"the archive expands past {limits.max_total_bytes:,} bytes; refused")

    def _inflate(self, info: zipfile.ZipInfo, raw: bytes) -> bytes:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        chunks: list[bytes] = []
        produced, pending = 0, raw
        while not inflater.eof:
            before = len(pending)
            chunk = inflater.decompress(pending, _CHUNK_BYTES)
            produced += len(chunk)
            chunks.append(chunk)
            self._account(info, produced, len(raw))
            pending = inflater.unconsumed_tail
            if not chunk and len(pending) >= before:
                break  # no progress: the input ends before the stream does
        if not inflater.eof:
            raise InputError(self.name, clip(info.orig_filename, 120), "corrupt member (the deflate stream ends early)")
        self._read_total += produced
        return b"".join(chunks)

    def _unzstd(self, info: zipfile.ZipInfo, raw: bytes) -> bytes:
        decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW_BYTES)
        chunks: list[bytes] = []
        produced = 0
        with decompressor.stream_reader(io.BytesIO(raw), read_across_frames=True) as reader:
            while chunk := reader.read(_CHUNK_BYTES):
                produced += len(chunk)
                chunks.append(chunk)
                self._account(info, produced, len(raw))
        self._read_total += produced
        return b"".join(chunks)


def read_zip(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES, limits: ZipLimits | None = None) -> BoundedZip:
    """A zip archive through `read_bytes` (regular file, at most `max_bytes`), its directory checked."""
    name = str(path)
    return BoundedZip(read_bytes(path, max_bytes=max_bytes), name, limits)
