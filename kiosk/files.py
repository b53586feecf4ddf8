"""Files that survive a power cut: written whole or not at all (Qt-free, stdlib only).

Kiosks lose power and USB sticks get pulled. :func:`write_atomically` writes a
temporary file in the same directory, flushes and ``fsync``-s it, replaces the
old file with ``os.replace`` (atomic on POSIX) and ``fsync``-s the directory so
that the rename itself is on disk. Used by the settings, the maintenance
lockout, the installed unit files and the emulated cards' state.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, data: bytes | str, *, mode: int = 0o600) -> None:
    """Write ``data`` (``str`` as UTF-8) to ``path``: afterwards the old file or the new one,
    whole. ``mode``: the new file's permissions."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: str | os.PathLike) -> None:
    """``fsync`` a directory (its entries: a rename); best effort where unsupported."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
