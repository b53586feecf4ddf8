"""A journal that cannot be opened at start is moved aside, and the kiosk starts on a fresh one.

A power cut on a bad SD card, a disk error, a file copied half-way: SQLite then
says ``file is not a database`` (a garbage first page) or ``database disk image
is malformed`` (a truncated file), and a kiosk that refused to start on it would
never come back (``kiosk journal migrate`` runs before every start under systemd).
So both ``kiosk journal migrate`` and ``kiosk run`` call :func:`open_journal` /
:func:`replace_if_damaged`, which

1. checks the file: it opens, and ``PRAGMA quick_check`` says ``ok``;
2. if not, renames it, with its ``-wal`` and ``-shm``, to
   ``<journal>.damaged-<UTC time>`` (``-wal``/``-shm`` after that name, so
   ``sqlite3`` on the kept file still sees its WAL): kept for the technician,
   never deleted by the kiosk;
3. creates a fresh journal whose first entry (service ``journal_replaced``,
   outcome ``failed``, ``JOURNAL_DAMAGED``) names the kept file and why;
4. and the kiosk starts. Its heartbeat says ``"journal": {"state": "replaced",
   "kept": [...]}`` as long as a damaged file is kept beside the journal
   (:func:`kiosk.journal.health.fleet_report`); ``kiosk diag`` warns.

What is lost: the outbox entries still pending in the damaged file cannot be
replayed (the file cannot be read reliably); the technician checks them with
the back office by the kiosk id (``docs/journal.md``).

Only damage moves a journal: a full disk, a read-only file system, a lock held
by another process or a journal of a newer schema leave it where it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import JournalUnavailable

from . import schema
from .backup import DEFAULT_KEEP, backup_then_migrate
from .journal import Journal

log = logging.getLogger("kiosk.journal")

DAMAGED_KIND = "damaged"
#: SQLite's primary codes that mean the file itself is damaged
_DAMAGE_CODES = {11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB"}
_SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class Replacement:
    """A damaged journal moved aside at a start."""

    kept_as: Path
    reason: str              # SQLITE_NOTADB | SQLITE_CORRUPT | QUICK_CHECK
    size: int                # bytes of the damaged file
    at: dt.datetime


def damage_of(path: str | os.PathLike) -> str | None:
    """None when the journal at ``path`` is sound (or absent/empty), else why it is damaged.

    Read-only. Errors that are not damage (the file cannot be opened for lack of
    rights, a lock, an I/O error) are not reported here: opening the journal
    then fails with them, typed.
    """
    file = Path(path)
    if str(path) == ":memory:" or not file.exists() or file.stat().st_size == 0:
        return None
    uri = file.resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True,
                                     timeout=schema.BUSY_TIMEOUT_MS / 1000)) as conn:
            rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _DAMAGE_CODES:
            return _DAMAGE_CODES[code & 0xFF]
        return None
    return None if rows == [("ok",)] else "QUICK_CHECK"


def kept_damaged(path: str | os.PathLike) -> list[Path]:
    """The damaged journals kept beside the journal at ``path``, oldest first."""
    file = Path(path)
    return sorted(p for p in file.parent.glob(f"{file.name}.{DAMAGED_KIND}-*")
                  if not p.name.endswith(_SIDE_FILES))


def move_aside(path: str | os.PathLike, *, now: dt.datetime | None = None) -> Path:
    """Rename the journal, its ``-wal`` and ``-shm`` to ``<journal>.damaged-<UTC time>``."""
    file = Path(path)
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    target = file.with_name(f"{file.name}.{DAMAGED_KIND}-{moment:%Y%m%dT%H%M%S.%fZ}")
    if target.exists():
        raise FileExistsError(target)
    for suffix in _SIDE_FILES:       # the WAL first: the main file last, as SQLite reads them
        side = Path(f"{file}{suffix}")
        if side.exists():
            os.rename(side, f"{target}{suffix}")
    os.rename(file, target)
    return target


def replace_if_damaged(path: str | os.PathLike, *, kiosk_id: str | None = None,
                       now: dt.datetime | None = None) -> Replacement | None:
    """Move a damaged journal aside and create a fresh one that says so (see the module doc).

    Returns None when the journal was sound (or absent).
    """
    reason = damage_of(path)
    if reason is None:
        return None
    size = Path(path).stat().st_size
    kept = move_aside(path, now=now)
    replacement = Replacement(kept_as=kept, reason=reason, size=size,
                              at=(now or dt.datetime.now(dt.timezone.utc)))
    log.error("journal %s is damaged (%s): moved aside to %s, a fresh journal is started; "
              "its pending outbox entries cannot be replayed", path, reason, kept.name)
    with Journal(path, kiosk_id=kiosk_id) as fresh:
        record(fresh, replacement)
    return replacement


def record(journal: Journal, replacement: Replacement) -> None:
    """The fresh journal's first entry: what was moved aside, and why."""
    attempt = journal.begin("journal_replaced")
    attempt.step("moved_aside", kept_as=replacement.kept_as.name, reason=replacement.reason,
                 size=replacement.size)
    attempt.outcome("failed", "JOURNAL_DAMAGED")
    journal.end(attempt)


def migrate_after_backup(path: str | os.PathLike, keep: int = DEFAULT_KEEP) -> Path | None:
    """:func:`~kiosk.journal.backup.backup_then_migrate`, its failures to read, copy or
    write the file typed as :class:`~kiosk.errors.JournalUnavailable` (a schema newer
    than this software stays :class:`~kiosk.journal.schema.SchemaTooNew`)."""
    from .health import unavailable_from

    try:
        return backup_then_migrate(path, keep=keep)
    except (sqlite3.Error, OSError) as exc:
        raise unavailable_from(exc, str(path)) from exc


def open_journal(path: str | os.PathLike, *,
                 kiosk_id: str | None = None) -> tuple[Journal, Replacement | None]:
    """The kiosk's journal at ``path``, a fresh one if the file was damaged (and what was
    moved aside, or None). An older schema is migrated after a backup, as ``kiosk journal
    migrate`` does, so ``kiosk run`` never migrates without a copy either.

    A journal that cannot be opened or written (SQLite needs room for its ``-wal``
    and ``-shm`` even to read; a backup needs room for the copy) is returned unopened
    and in trouble: the kiosk starts out of service, and the probe that finds space
    again migrates (after the backup) and opens it.
    """
    replacement = None
    try:
        replacement = replace_if_damaged(path, kiosk_id=kiosk_id)
        migrate_after_backup(path)
        return Journal(path, kiosk_id=kiosk_id), replacement
    except JournalUnavailable as exc:
        log.error("journal %s cannot be opened (%s): the kiosk starts out of service",
                  path, exc.reason)
        journal = Journal(path, kiosk_id=kiosk_id, migrate=False)
        journal.health.failed(exc)
        return journal, replacement
