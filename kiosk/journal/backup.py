"""Back the journal up before its schema is migrated (and on a timer).

A new kiosk version may bring a journal migration (:data:`schema.MIGRATIONS`).
The ``ssc-kiosk`` unit runs ``kiosk journal migrate`` before the kiosk starts
(``ExecStartPre=``): when the file's schema is older than the code's, it is
first copied with SQLite's online backup API (a consistent copy even while
another process writes, WAL included) to ``<path>.bak-<UTC time>-v<old>``, and
only then migrated. A migration is never run without a copy to go back to: a
backup that fails stops it (for a full disk the kiosk then starts out of service
and migrates after the backup once it can, :func:`kiosk.journal.recovery.migrate_after_backup`). Rolling back a version is then: stop the unit,
put the backup in place, switch the ``/opt/ssc-kiosk`` link back, start.

Only the newest ``keep`` backups of a journal are kept (the files hold the
outbox's request bodies and session tokens until they settle: mode 0600).
The optional backup timer (``kiosk journal backup``) writes ``<path>.daily-...``
files, rotated apart, so they never push a pre-migration backup out.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from . import schema

log = logging.getLogger("kiosk.journal")

#: where the unit keeps the journal (``StateDirectory=ssc-kiosk``)
DEFAULT_JOURNAL = Path("/var/lib/ssc-kiosk/journal.sqlite3")
DEFAULT_KEEP = 5
#: ``<journal>.bak-...``: before a migration; ``<journal>.daily-...``: the backup timer's
MIGRATION_KIND = "bak"
DAILY_KIND = "daily"


def file_version(path: str | os.PathLike) -> int:
    """The schema version of the journal file at ``path``, without changing it (0: no schema)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=schema.BUSY_TIMEOUT_MS / 1000)) as conn:
        has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                 "AND name = 'schema_version'").fetchone()
        if not has_table:
            return 0
        return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0


def backups(path: str | os.PathLike, kind: str = MIGRATION_KIND) -> list[Path]:
    """The backups of one kind of the journal at ``path``, oldest first.

    The names hold a fixed-width UTC time, so their order is their age.
    """
    file = Path(path)
    return sorted(file.parent.glob(f"{file.name}.{kind}-*"))


def backup(path: str | os.PathLike, *, keep: int = DEFAULT_KEEP, kind: str = MIGRATION_KIND,
           now: dt.datetime | None = None) -> Path:
    """Copy the journal to ``<path>.<kind>-<UTC time>-v<version>``; keep the newest ``keep``."""
    file = Path(path)
    version = file_version(file)
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    target = file.with_name(f"{file.name}.{kind}-{moment:%Y%m%dT%H%M%S.%fZ}-v{version}")
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        with closing(sqlite3.connect(file, timeout=schema.BUSY_TIMEOUT_MS / 1000)) as src, \
                closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
            # a self-contained copy: one file, no -wal beside it
            dst.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    log.info("journal %s (schema v%d) backed up to %s", file, version, target.name)
    prune_backups(file, keep, kind)
    return target


def prune_backups(path: str | os.PathLike, keep: int, kind: str = MIGRATION_KIND) -> list[Path]:
    """Delete all but the newest ``keep`` backups of one kind; returns the deleted ones."""
    existing = backups(path, kind)
    old = existing[:-keep] if keep > 0 else existing
    for extra in old:
        extra.unlink(missing_ok=True)
    return old


def backup_then_migrate(path: str | os.PathLike, keep: int = DEFAULT_KEEP) -> Path | None:
    """Migrate the journal at ``path`` to this code's schema, backing it up first.

    Returns the backup's path, or None when nothing needed one: no file yet (the
    kiosk creates it), an empty file, or a file already at this code's version.
    Raises :class:`~kiosk.journal.schema.SchemaTooNew` for a file written by a
    newer version (the unit then fails to start rather than run on it).
    """
    file = Path(path)
    if not file.exists():
        return None
    old = file_version(file)
    if old > schema.SCHEMA_VERSION:
        raise schema.SchemaTooNew(f"journal {file} has schema {old}, newer than this "
                                  f"software's {schema.SCHEMA_VERSION}")
    if old == schema.SCHEMA_VERSION:
        return None
    copy = backup(file, keep=keep) if old > 0 else None
    engine = schema.make_engine(file)
    try:
        new = schema.migrate(engine)
    finally:
        engine.dispose()
    log.info("journal %s migrated from schema v%d to v%d", file, old, new)
    return copy
