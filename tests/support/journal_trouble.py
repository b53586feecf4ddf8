"""Real journal trouble for tests: a small file system that fills up, a damaged journal file.

- :func:`small_filesystem`: a tmpfs of ``size`` bytes mounted on a directory (root only:
  :func:`require` skips elsewhere, fails in CI), unmounted at the end;
- :func:`fill`: write a filler file until the file system says ``ENOSPC``;
- :func:`damage`: a real journal with attempts and a pending outbox entry, then
  ``garbage_first_page`` (4 KB of random bytes over the header) or ``truncated``
  (the file cut to half its size, its WAL checkpointed first).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path
from typing import Iterator

from tests.support.needs import require

DAMAGE_KINDS = ("garbage_first_page", "truncated")


@contextlib.contextmanager
def small_filesystem(where: Path, size: int = 1024 * 1024) -> Iterator[Path]:
    """A tmpfs of ``size`` bytes on ``where`` (created), unmounted (lazily if busy) after."""
    require(None if os.geteuid() == 0 else "mounting a small tmpfs needs root",
            ci_hint="CI runs the suite as root")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(where)], capture_output=True, text=True, timeout=10)
    require(None if done.returncode == 0 else f"cannot mount a tmpfs: {done.stderr.strip()}",
            ci_hint="CI runs the suite as root with mount allowed")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True, timeout=10).returncode:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def fill(directory: Path) -> Path:
    """Write ``directory/filler`` until the file system is full; returns its path."""
    path = directory / "filler"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        chunk = b"\0" * 4096
        while True:
            try:
                os.write(fd, chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    finally:
        os.close(fd)
    return path


def journal_with_history(path: Path, attempts: int = 300) -> None:
    """A journal with ``attempts`` finished attempts and one pending outbox entry."""
    import datetime as dt
    import json
    import uuid

    from sqlalchemy import insert

    from kiosk.journal import Journal
    from kiosk.journal.schema import attempts as attempts_table
    from kiosk.journal.schema import outbox, to_text, write_tx

    with Journal(path, kiosk_id="demo-kiosk-001") as j:
        now = to_text(dt.datetime.now(dt.timezone.utc))
        with write_tx(j.engine) as conn:       # one transaction: the rows, then the entry
            conn.execute(insert(attempts_table), [
                dict(kiosk_id="demo-kiosk-001", service="card_status", started_at=now,
                     ended_at=now, duration_ms=40, outcome="ok",
                     steps=json.dumps([{"step": "read", "ms": 40, "detail": "x" * 200, "n": i}]))
                for i in range(attempts)])
            conn.execute(insert(outbox).values(
                kiosk_id="demo-kiosk-001", operation="report_loss", method="POST",
                path="/v1/me/card/loss", body=b"{}", idempotency_key=str(uuid.uuid4()),
                reference="ABCD-0001", state="pending", tries=1, created_at=now,
                updated_at=now, next_try_at=now))


def damage(path: Path, kind: str) -> bytes:
    """Make the journal at ``path`` (one with history) damaged; returns its damaged bytes."""
    if not path.exists():
        journal_with_history(path)
    size = path.stat().st_size
    if kind == "garbage_first_page":
        with open(path, "r+b") as f:
            f.write(os.urandom(4096))
    elif kind == "truncated":
        os.truncate(path, size // 2)
    else:
        raise ValueError(kind)
    return path.read_bytes()
