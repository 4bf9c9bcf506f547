"""A usage export handed to DuckDB as exactly the file the user gave, and nothing else it could reach.

DuckDB treats a path as a pattern: `*`, `?`, `[` and `{` glob (a file named `*.csv` would read every CSV
beside it) and a leading `~` expands to a home folder. So DuckDB never sees the user's path:

1. the path is checked by the reading layer's rules (no NUL, length), opened without blocking and refused
   unless it is a regular file (a FIFO, device or socket would hang or never end) of at most
   `MAX_USAGE_BYTES`;
2. it is hard-linked (no copy; or, across file systems or where linking is not allowed, copied from the
   descriptor already opened, at most `MAX_USAGE_BYTES`) into a fresh private folder under a fixed name,
   `export` or `export.gz` — no pattern characters, nothing to expand;
3. the DuckDB connection (`usage.importer.connect`) may touch that folder only
   (`allowed_directories`, then `enable_external_access = false` and the configuration locked), so even a
   query that named another path could not read it.

The folder and its link are removed when the import ends; the user's file is never modified.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from datafiles import InputError, check_path, os_error_message

MAX_USAGE_BYTES = 4 * 1024**3
"""Largest export read (4 GiB): a quarter of per-request logs for a busy product; larger logs are summed where
they live with `usage/hourly.sql` (README, "Usage exports"). The app's uploader caps its own files lower."""
STAGED_NAME = "export"


def _open_regular(text: str, name: str, max_bytes: int) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(text, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(name, "", os_error_message(exc)) from None
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = "is a directory; expected a usage export (CSV, JSON, JSONL or Parquet, optionally .gz)"
    elif not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file (a pipe, device or socket); give a saved usage export"
    elif info.st_size > max_bytes:
        problem = f"is {info.st_size:,} bytes; the limit is {max_bytes:,} (sum larger logs with usage/hourly.sql)"
    if problem:
        os.close(fd)
        raise InputError(name, "", problem)
    return fd, info


def _copy(fd: int, target: Path, name: str, max_bytes: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    copied = 0
    with target.open("wb") as out:
        while chunk := os.read(fd, 8 << 20):
            copied += len(chunk)
            if copied > max_bytes:
                raise InputError(name, "", f"grew past the limit of {max_bytes:,} bytes while it was read")
            out.write(chunk)


@contextmanager
def staged(path: Path | str, name: str, max_bytes: int = MAX_USAGE_BYTES) -> Iterator[Path]:
    """The export at a fixed name in a private folder (see the module docstring), removed on exit.

    `name` is what errors call the file: the path as typed, or the upload's own name in the app."""
    text = check_path(path, name)
    fd, info = _open_regular(text, name, max_bytes)
    try:
        with tempfile.TemporaryDirectory(prefix="inference-roi-usage-") as folder:
            target = Path(folder) / (STAGED_NAME + (".gz" if text.lower().endswith(".gz") else ""))
            try:
                os.link(os.path.realpath(text), target)
                same = os.stat(target)
                if (same.st_dev, same.st_ino) != (info.st_dev, info.st_ino):  # replaced since we opened it
                    target.unlink()
                    raise OSError
            except OSError:
                try:
                    _copy(fd, target, name, max_bytes)
                except OSError as exc:
                    raise InputError(name, "", os_error_message(exc)) from None
            yield target
    finally:
        os.close(fd)


def spill_folder(export: Path) -> Path:
    """Where DuckDB may spill past its memory limit: beside the staged export, inside the one allowed folder."""
    folder = export.parent / "spill"
    folder.mkdir(exist_ok=True)
    return folder
