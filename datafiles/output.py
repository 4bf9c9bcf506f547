"""Writing a file a user named (`--out`): checked before any work, written whole or not at all.

- **before any work** (`check_output_path`): the path has no NUL and a sane length; it is not a directory; if
  something is already there it must be a regular file (or a link to one) — a FIFO would block the writer
  forever, and `/dev/full`, `/dev/null` or a terminal would swallow or refuse the output while the command said
  "written"; its folder is created if needed and must be writable;
- **the write** (`write_atomic`): into a temporary file beside the target, flushed to disk, then renamed over
  it, so a reader never sees half a file and a full disk or a short write is an error (exit 2) that leaves any
  earlier file as it was.

Every failure is one `InputError` naming the flag or the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from datafiles.errors import InputError
from datafiles.reading import check_path, os_error_message

_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"))  # fmt: skip


def check_output_path(path: Path | str, flag: str) -> Path:
    """A file we may write: a new name or a regular file, its folder creatable and writable; checked before any
    work, so nothing is measured or computed for an output that cannot be kept."""
    text = check_path(path, flag)
    target = Path(text)
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError("command line", flag, f"{text}: {os_error_message(exc)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError("command line", flag, f"{text} is a directory; give a file path, e.g. {target / 'out.yaml'}")
    for is_kind, kind in _KINDS:
        if mode is not None and is_kind(mode):
            raise InputError("command line", flag, f"{text} is {kind}, not a file; give a file path to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(target.parent, os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        raise InputError("command line", flag, f"{text}: {os_error_message(exc)}") from None
    return target


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temporary file, fsync and a rename; OS errors (a full disk included) as `InputError`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError(str(path), "", f"cannot be written ({os_error_message(exc)})") from None
